// Package spc turns an indicator's time series into statistical process
// control charts — run and Shewhart control charts with the Anhøj runs
// rules, and NHS England's Making Data Count XmR charts with their variation
// and assurance icons.
//
// [New] follows the methods of Montgomery's Introduction to Statistical
// Quality Control and their implementation in the qicharts2 R package
// (Anhøj), which is the reference for the chart kinds, the options and the
// runs analysis. [MakingDataCount] follows the NHSRplotthedots R package
// (NHS-R Community), the reference implementation of Making Data Count.
// Where this package departs from either, this documentation says so.
//
// # Subgroups and missing values
//
// Each [Subgroup] is one x, in time order; X is only a label. NaN marks a
// missing observation and is dropped from its subgroup; a subgroup with no
// observation (or, for p, pp, u and up, a NaN denominator, or 0 out of 0) is
// a missing point: its Y is NaN, it is never useful for the runs analysis and
// never signals, and moving ranges are not bridged over it. The plotted
// statistic per kind:
//
//   - c: the sum of the values (counts are summed);
//   - p, pp, u, up: the sum of the values divided by N;
//   - xbar, s: the mean, respectively the n-1 standard deviation, of the
//     observations (a subgroup of one observation has no standard deviation);
//   - run, i, mr, t, g: the mean of the values (measurements are averaged).
//
// Values must be finite and within ±1e100 (so that no sum, square or limit
// overflows), counts non-negative, proportions at most 1, times between
// events (t) positive and opportunities (g) non-negative; denominators are
// NaN, 0 (with a zero count) or within [1e-100, 1e100]. Anything else is an error wrapping
// [ErrInvalidInput]; an empty series wraps [ErrTooFewPoints]. Limits the
// method cannot compute — a part whose baseline is all missing, an I chart
// of a single point, an s chart of single observations — are NaN, not
// errors.
//
// # Centre lines and 3-sigma limits
//
// Limits are at 3 sigma. Montgomery's constants are computed from their
// definitions, not read from tables: c4(n) = sqrt(2/(n-1)) Γ(n/2)/Γ((n-1)/2)
// with the gamma function, A3 = 3/(c4 √n), B3 = max(0, 1 - 3√(1-c4²)/c4),
// B4 = 1 + 3√(1-c4²)/c4; d2 = 1.128 and D4 = 3.267 for moving ranges of two.
//
//   - run: CL is the median; no limits.
//   - i: CL is the mean; the limits CL ± 3·MR̄/1.128 (≈ 2.66·MR̄), MR̄ the
//     mean moving range of consecutive baseline points (Montgomery eq. 6.33).
//   - mr: each point is its moving range from the previous point of the same
//     part (the first point of a part is NaN); CL = MR̄, UCL = 3.267·MR̄,
//     LCL = 0.
//   - xbar: CL = Σn_i x̄_i / Σn_i (eq. 6.30); limits CL ± A3(n_i)·s̄ per point.
//     s̄ is the mean of the subgroup standard deviations when all subgroups of
//     the part have the same size (eq. 6.29), otherwise the pooled
//     sqrt(Σ(n_i-1)s_i² / Σ(n_i-1)) (eq. 6.31), as in qicharts2. Unlike
//     qicharts2, subgroups with no observation neither make the sizes
//     "variable" nor enter the pooled sum.
//   - s: CL = s̄ as for xbar; limits B3(n_i)·s̄ and B4(n_i)·s̄.
//   - t: an I chart of y^(1/3.6) whose centre line and limits are raised back
//     to the power 3.6; a negative lower limit on the transformed scale is 0.
//     Sigma signals and runs are decided on the transformed scale, so that
//     rounding in the back-transform cannot move a point across a line.
//   - p: CL = Σcounts/ΣN; limits CL ± 3√(CL(1-CL)/N_i) per point (eq. 7.8),
//     the lower floored at 0 and the upper capped at 1.
//   - c: CL = mean count; limits CL ± 3√CL, the lower floored at 0 (eq. 7.17).
//   - u: CL = Σcounts/ΣN; limits CL ± 3√(CL/N_i), the lower floored at 0
//     (eq. 7.19).
//   - pp, up: Laney's p′ and u′. With σ_i the p or u standard deviation of
//     point i, the baseline points become z_i = (y_i - CL)/σ_i and σ_i is
//     multiplied by σ_z = (mean moving range of consecutive z_i)/1.128
//     (Laney 2002), then as p and u. qicharts2 uses the standard deviation of
//     the z_i instead when x is categorical; here x is always read as time, so
//     the moving-range form is always used.
//   - g: the limits come from the geometric distribution with the baseline
//     mean m: m ± 3√(m(m+1)), the lower floored at 0; the centre line is the
//     baseline median, as qicharts2 draws it (its documentation: "the centre
//     line of the G chart is the median rather than the mean", so that the
//     Anhøj rules remain valid for skewed counts).
//
// ScreenMovingRanges (off by default here; qicharts2's option
// qic.screenedmr) drops the moving ranges at or above 3.267·MR̄ and
// recomputes MR̄ before the i, t, pp and up limits (Nelson 1982). When MR̄ is
// 0 nothing is dropped: every moving range would be "at or above" it and the
// limits would vanish (qicharts2 and NHSRplotthedots return NaN limits there).
//
// Multiply scales Y, CL, UCL and LCL (0 means 1; negative, NaN or infinite is
// an error). Sigma signals are decided before scaling.
//
// # Parts, freeze and exclusions
//
// Positions are 1-based, as in qicharts2. Parts lists the positions after
// which a new part begins; each part has its own centre line, limits and
// runs analysis, and its moving ranges start afresh. Positions outside
// 1..n-1 and repeats are ignored. Freeze = k makes the first k points the
// baseline from which the lines are computed (0 = all points); as in
// qicharts2, Freeze is ignored when Parts is given. Exclude lists positions
// left out of the limit calculation — the moving ranges skip over them —
// and out of the runs analysis, while they are still plotted and flagged
// (Include = false). Positions outside 1..n are ignored.
//
// Point.Baseline and Point.Include report the two flags; a point is used for
// the lines when both are true. SigmaSignal is Y > UCL or Y < LCL; a point
// on a limit does not signal.
//
// # Runs analysis (Anhøj rules)
//
// For each part, the included points that are neither missing nor exactly on
// the centre line are the useful points; their sides of the centre line make
// the runs (baseline does not matter, as in qicharts2's runs.analysis). A run
// longer than round(log2 n) + 3 (Schilling 2012), or fewer crossings than the
// 5% quantile of the binomial distribution of n - 1 trials at 1/2 —
// qbinom(0.05, n - 1, 0.5) in R, computed here from the binomial CDF, exactly
// in integer arithmetic up to 16 385 useful points and in floating point
// beyond — signals (Anhøj & Olesen 2014). A part with no useful point has zero counts and no
// signal; Runs.Signal is always false for the mr chart, whose points are
// correlated.
//
// # Making Data Count
//
// [MakingDataCount] reproduces NHSRplotthedots' ptd_spc. Values must be
// finite: as there, the series has no gaps.
//
// Limit groups: RebaseAt lists 0-based indices at which a new group starts
// (NHSRplotthedots' rebase column; index 0 and repeats are ignored, an index
// outside the series is an error). Each group's mean and limits come from
// its first FixAfter values (0 = all; as in NHSRplotthedots, FixAfter must
// otherwise be at least 12, and FixAfter beyond the group uses the whole
// group). FixAfter counts from the start of every rebased group, as
// NHSRplotthedots' calculation does (its option check in the version read
// refuses to combine the two; here they combine). Mean and process limits LPL/UPL = mean ∓ 2.66 × MR̄; moving ranges at
// or above 3.267 × MR̄ are screened out and MR̄ recomputed unless
// NoOutlierScreening is set (NHSRplotthedots' screen_outliers, default TRUE;
// as above, nothing is screened when MR̄ is 0). The "near" limits lie two
// thirds of the way out (mean ∓ 2·2.66/3 × MR̄, the 2-sigma band). A group
// shorter than 13 points is computed (NHSRplotthedots only warns below 12); a
// group of one value has NaN limits.
//
// Rules, applied within each group, in this priority (a point gets the
// label of the first rule it breaks; ptd_special_cause_type):
//
//  1. "Above UCL" / "Below LCL": outside the process limits (strictly).
//  2. "7 Point Trend (Increasing)" / "(Decreasing)": the point is one of 7
//     consecutive strictly increasing or strictly decreasing values; equal
//     neighbours break a trend. A point shared by a rising and a falling
//     trend takes the direction of its step to the next point, as
//     NHSRplotthedots does.
//  3. "2 in 3 Above CL" / "2 in 3 Below CL": of 3 consecutive values, all
//     three on the same side of the mean and at least 2 beyond the near
//     limits but inside the process limits; only those beyond the near
//     limits are labelled, and a value outside the process limits does not
//     count towards the 2.
//  4. "7 Points Above CL" / "7 Points Below CL": the point is one of 7
//     consecutive values on the same side of the mean; a value exactly on the
//     mean breaks the run.
//  5. "Common Cause" otherwise.
//
// PointType is "common_cause" for common cause; otherwise the label's side
// (Above/Increasing high, Below/Decreasing low) gives
// "special_cause_improvement" when it is the Improvement direction,
// "special_cause_concern" when it is the opposite, and
// "special_cause_neutral_high"/"_low" for Neutral. Improvement defaults to
// Increase. Variation is the last point's PointType.
//
// Assurance compares Target with the process limits of the last point's
// group (ptd_calculate_assurance_type): with increase better, a target above
// UPL is "consistent_fail" and below LPL "consistent_pass"; with decrease
// better the reverse; a target on or between the limits (or with undefined
// limits) is "inconsistent"; no target or a Neutral direction gives "". The
// comparisons are strict, as in NHSRplotthedots, so a target exactly on a
// process limit is "inconsistent".
package spc
