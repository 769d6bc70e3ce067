package spc

import (
	"fmt"
	"math"
	"sort"
)

// Direction says which way a Making Data Count measure improves.
type Direction string

// The improvement directions of NHSRplotthedots' improvement_direction.
const (
	Increase Direction = "increase"
	Decrease Direction = "decrease"
	Neutral  Direction = "neutral"
)

// MDCOptions adjusts MakingDataCount.
type MDCOptions struct {
	Improvement        Direction // default "increase"
	Target             *float64
	NoOutlierScreening bool  // screening of moving ranges >= 3.267 x mean is ON by default
	RebaseAt           []int // 0-based indices where a new limit group starts
	FixAfter           int   // limits from the first FixAfter points of each group (>= 12); 0 = all
}

// MDCPoint is one value with the limits of its group and its special-cause
// label.
type MDCPoint struct {
	Y, Mean, LPL, UPL float64
	// Label names the rule the point breaks: "Above UCL", "Below LCL",
	// "7 Point Trend (Increasing)", "7 Point Trend (Decreasing)",
	// "2 in 3 Above CL", "2 in 3 Below CL", "7 Points Above CL",
	// "7 Points Below CL", or "Common Cause".
	Label string
	// PointType is "common_cause", "special_cause_improvement",
	// "special_cause_concern", "special_cause_neutral_high" or
	// "special_cause_neutral_low".
	PointType string
}

// MDCResult is a Making Data Count chart with its variation and assurance
// icons.
type MDCResult struct {
	Points    []MDCPoint
	Variation string // the point type of the last point
	Assurance string // "consistent_pass", "consistent_fail", "inconsistent", or "" (no target, or neutral)
}

// The values of MDCPoint.Label, as NHSRplotthedots spells them.
const (
	LabelAboveUCL       = "Above UCL"
	LabelBelowLCL       = "Below LCL"
	LabelTrendUp        = "7 Point Trend (Increasing)"
	LabelTrendDown      = "7 Point Trend (Decreasing)"
	LabelTwoInThreeHigh = "2 in 3 Above CL"
	LabelTwoInThreeLow  = "2 in 3 Below CL"
	LabelRunAbove       = "7 Points Above CL"
	LabelRunBelow       = "7 Points Below CL"
	LabelCommonCause    = "Common Cause"
)

// The values of MDCPoint.PointType and MDCResult.Variation.
const (
	CommonCause             = "common_cause"
	SpecialCauseImprovement = "special_cause_improvement"
	SpecialCauseConcern     = "special_cause_concern"
	SpecialCauseNeutralHigh = "special_cause_neutral_high"
	SpecialCauseNeutralLow  = "special_cause_neutral_low"
)

// The non-empty values of MDCResult.Assurance.
const (
	AssuranceConsistentPass = "consistent_pass"
	AssuranceConsistentFail = "consistent_fail"
	AssuranceInconsistent   = "inconsistent"
)

// Constants of NHSRplotthedots' rules.
const (
	mdcLimitFactor = 2.66 // process limits at mean ± 2.66 × mean moving range
	mdcMinFixAfter = 12   // the smallest fix_after_n_points it accepts
	mdcRuleLength  = 7    // points in a trend or in a run on one side of the mean
)

// MakingDataCount applies NHS England's Making Data Count rules to an XmR
// chart of values, in time order, as NHSRplotthedots' ptd_spc does. It
// returns an error wrapping ErrTooFewPoints for no values and one wrapping
// ErrInvalidInput for a non-finite value, an unknown direction, a non-finite
// target, a FixAfter between 1 and 11 or negative, or a RebaseAt index outside
// the series.
func MakingDataCount(values []float64, opts MDCOptions) (*MDCResult, error) {
	dir, err := checkMDC(values, opts)
	if err != nil {
		return nil, err
	}
	starts, err := rebaseStarts(len(values), opts.RebaseAt)
	if err != nil {
		return nil, err
	}
	res := &MDCResult{Points: make([]MDCPoint, len(values))}
	for g, start := range starts {
		end := len(values)
		if g+1 < len(starts) {
			end = starts[g+1]
		}
		lim := groupLimits(values[start:end], opts.FixAfter, !opts.NoOutlierScreening)
		labels := groupLabels(values[start:end], lim)
		for k, label := range labels {
			res.Points[start+k] = MDCPoint{
				Y: values[start+k], Mean: lim.mean, LPL: lim.lpl, UPL: lim.upl,
				Label: label, PointType: pointType(label, dir),
			}
		}
	}
	last := res.Points[len(values)-1]
	res.Variation = last.PointType
	res.Assurance = assurance(dir, opts.Target, last)
	return res, nil
}

// checkMDC validates the values and options and resolves the direction.
func checkMDC(values []float64, opts MDCOptions) (Direction, error) {
	if len(values) == 0 {
		return "", fmt.Errorf("%w: no values", ErrTooFewPoints)
	}
	for i, v := range values {
		if !(math.Abs(v) <= maxMagnitude) {
			return "", fmt.Errorf("%w: value %d is %v; values must be finite (no gaps) and within ±1e100", ErrInvalidInput, i, v)
		}
	}
	dir := opts.Improvement
	if dir == "" {
		dir = Increase
	}
	if dir != Increase && dir != Decrease && dir != Neutral {
		return "", fmt.Errorf("%w: improvement direction %q", ErrInvalidInput, opts.Improvement)
	}
	if opts.Target != nil && !(math.Abs(*opts.Target) <= maxMagnitude) {
		return "", fmt.Errorf("%w: target %v", ErrInvalidInput, *opts.Target)
	}
	if opts.FixAfter < 0 || (opts.FixAfter > 0 && opts.FixAfter < mdcMinFixAfter) {
		return "", fmt.Errorf("%w: FixAfter %d must be 0 or at least %d", ErrInvalidInput, opts.FixAfter, mdcMinFixAfter)
	}
	return dir, nil
}

// rebaseStarts turns RebaseAt into the sorted start indices of the limit
// groups; index 0 and repeats change nothing.
func rebaseStarts(n int, rebaseAt []int) ([]int, error) {
	seen := map[int]bool{0: true}
	starts := []int{0}
	for _, i := range rebaseAt {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("%w: RebaseAt index %d outside 0..%d", ErrInvalidInput, i, n-1)
		}
		if !seen[i] {
			seen[i] = true
			starts = append(starts, i)
		}
	}
	sort.Ints(starts)
	return starts, nil
}

// mdcLimits are a limit group's mean, process limits and the "near" limits
// two thirds of the way out (the 2-sigma band).
type mdcLimits struct {
	mean, lpl, upl, nlpl, nupl float64
}

// groupLimits: the mean of the (first fixAfter) values of the group, and
// limits at ± 2.66 times their average moving range, screened by default
// (ptd_spc_standard). A group of one value has NaN limits.
func groupLimits(ys []float64, fixAfter int, screen bool) mdcLimits {
	fixed := ys
	if fixAfter > 0 && fixAfter < len(ys) {
		fixed = ys[:fixAfter]
	}
	m := mean(fixed)
	amr := averageMovingRange(movingRanges(fixed), screen)
	near := 2 * mdcLimitFactor / 3
	return mdcLimits{
		mean: m,
		lpl:  m - mdcLimitFactor*amr, upl: m + mdcLimitFactor*amr,
		nlpl: m - near*amr, nupl: m + near*amr,
	}
}

// pointType maps a label to improvement or concern by the direction, or to
// neutral high/low (ptd_point_type).
func pointType(label string, dir Direction) string {
	side := labelSide(label)
	switch {
	case side == 0:
		return CommonCause
	case dir == Neutral && side > 0:
		return SpecialCauseNeutralHigh
	case dir == Neutral:
		return SpecialCauseNeutralLow
	case (side > 0) == (dir == Increase):
		return SpecialCauseImprovement
	default:
		return SpecialCauseConcern
	}
}

// labelSide is +1 for the high labels ("Above", "Increasing"), -1 for the
// low ones and 0 for common cause.
func labelSide(label string) int {
	switch label {
	case LabelAboveUCL, LabelTrendUp, LabelTwoInThreeHigh, LabelRunAbove:
		return 1
	case LabelBelowLCL, LabelTrendDown, LabelTwoInThreeLow, LabelRunBelow:
		return -1
	}
	return 0
}

// assurance compares the target with the process limits of the last point's
// group (ptd_calculate_assurance_type): a target beyond the upper limit is
// always missed when higher is better and always met when lower is better,
// and the reverse below the lower limit. A target on or between the limits
// (or undefined limits) is "inconsistent".
func assurance(dir Direction, target *float64, last MDCPoint) string {
	if target == nil || dir == Neutral {
		return ""
	}
	t := *target
	switch {
	case t > last.UPL && dir == Increase, t < last.LPL && dir == Decrease:
		return AssuranceConsistentFail
	case t > last.UPL, t < last.LPL:
		return AssuranceConsistentPass
	}
	return AssuranceInconsistent
}
