// Package stats computes public-health statistics and their confidence
// intervals exactly as the reference methods of Public Health England / UKHSA
// define them: the APHO/PHE "Technical Guide: Confidence Intervals", the
// PHEindicatormethods R package, and the Fingertips benchmarking rules.
//
// # Conventions
//
//   - Confidence levels are fractions in (0, 1): 0.95 or 0.998, never 95.
//   - Results are unscaled: a proportion of 25% is 0.25 and a rate is events
//     per one unit of denominator. Callers apply multipliers (×100, ×100 000)
//     to Value, Lower and Upper alike.
//   - Estimate.Method names the method actually used: "wilson", "exact",
//     "byar", "dobson", "student-t", "chiang-silcocks" or "monte-carlo" (the
//     Method… constants).
//   - Every error wraps ErrInvalidInput, ErrTooFewEvents or ErrTooSmall (test
//     with errors.Is), and with an error the returned Estimate is the zero
//     value. NaN or infinite inputs, negative counts, non-positive
//     denominators and mismatched slice lengths are errors; the functions never
//     panic. The one exception to "NaN is an error": in DSR, ISRatio and ISRate
//     a NaN count means a missing count and is read as 0, as
//     PHEindicatormethods does.
//   - The normal, chi-square and Student t quantiles are computed by the
//     package itself (Wichura's AS 241; inversion of the regularized incomplete
//     gamma and beta functions by safeguarded Halley/Newton steps), to about
//     1e-13 relative or better, so intervals reproduce R's to the last digits.
//
// # Methods
//
// Proportion uses the Wilson score interval. At x = 0 the lower limit is
// exactly 0 and at x = n the upper limit exactly 1; x need not be whole.
//
// Rate treats the count as Poisson: the exact interval χ²(α/2; 2x)/2 to
// χ²(1-α/2; 2x+2)/2 when x < 10, Byar's approximation
// x(1 - 1/(9x) ∓ z/(3√x))³ (with x+1 in the upper limit) from 10 on; the
// switch at 10 is PHE's. x = 0 gives a lower limit of 0. x may exceed n.
//
// DSR is the directly standardised rate with the Dobson et al. (1991)
// interval: DSR + sqrt(var(DSR)/X)·(X_limit - X), with X the total count and
// X_limit Byar's limits for X. Age bands are matched by position, and a DSR
// from fewer than 10 events is an ErrTooFewEvents error, as PHE suppresses it.
// ESP2013 holds the European Standard Population 2013.
//
// ISRatio is observed/expected with expected = Σ refCount/refPop × pop; its
// interval is the count interval of the observed total (exact below 10, Byar
// from 10) divided by expected. ISRate multiplies it by the reference crude
// rate Σ refCount / Σ refPop.
//
// Mean uses the Student t interval with the sample (n-1) standard deviation.
//
// LifeExpectancy builds the Chiang II abridged life table over the 20 bands
// 0, 1-4, 5-9, …, 85-89, 90+ and uses the Silcocks et al. variance for the
// final band, as phe_life_expectancy does, including its suppressions.
//
// # Funnel plots
//
// ProportionFunnel gives PHE's control limits p ± z·sqrt(p(1-p)/n) at
// z = Φ⁻¹(0.975) and Φ⁻¹(0.999): the observed proportions at which the Wilson
// interval would just touch the baseline (PHEindicatormethods'
// sigma_adjustment, checked here against its published test outputs). They
// are not a Wilson interval around p, nor exact binomial limits. Lower limits
// are floored at 0 and upper limits capped at 1.
//
// RatioFunnel and CrudeRateFunnel give the exact Poisson limits PHE plots
// against the observed count O: O/E* where E* solves the Poisson tail
// equations, i.e. E* = χ²(0.975; 2O+2)/2 for the lower 95% limit and
// χ²(0.025; 2O)/2 for the upper one (0.999/0.001 for 99.8%); a crude-rate
// limit is the baseline rate times the ratio limit. The x-coordinate of a
// limit L (expected count, or denominator) is O/L. PHE obtains E* by
// bisection to about 1e-7; this package solves the same equations exactly.
//
// ClassifyFunnel and the …FunnelSignificance functions label a point "High
// (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)" or "Not significant"
// with PHE's strict inequalities (a point on a limit is not significant).
//
// # Inequality
//
// SII regresses group values on the cumulative-midpoint rank of each group's
// population share (groups ordered from most to least deprived) by weighted
// least squares with population-share weights. SII is the slope, RII =
// (intercept + slope)/intercept. The confidence limits are simulated: each of
// Repetitions (default 100 000) draws samples every group's value from
// Normal(Value, SE), and the limits are PHE's order statistics
// round(R·α/2) and round(R·(1-α/2)). The generator is PCG seeded from
// SIIOptions.Seed, so results are deterministic for a seed. SE must be on the
// scale of Value: convert log- or logit-scale standard errors first.
// ConcentrationIndex uses the grouped-data formula Σ (pₜLₜ₊₁ - pₜ₊₁Lₜ) with
// the same simulation for its interval.
//
// # Benchmarking
//
// CompareToBenchmark applies the Fingertips single overlapping-interval rule:
// the benchmark value is tested against the area's interval, bounds
// inclusive. "similar" when it lies inside; otherwise "better"/"worse" by
// polarity, "higher"/"lower" for no-judgement (BOB) indicators, and
// "not-compared" for not-applicable or unknown polarity or any NaN.
// CompareToBenchmark2 adds "best"/"worst" when the benchmark lies outside the
// 99.8% interval. Quintile, Quantile and Quantiles assign Fingertips/PHE
// quantiles: quantile = floor((q+1) - ceil(((N+1) - rank)/(N/q))) with minimum
// ranks for ties; quantile 1 holds the lowest values, or the highest when
// higher is better, and 0 means not assigned (fewer than q values, or NaN).
package stats
