package stats

import "math"

// Funnel plot control limits follow PHEindicatormethods::calculate_funnel_limits
// and assign_funnel_significance (PHE Fingertips technical guidance). Both
// families of limits are two-sided at 95% (0.025 in each tail) and 99.8%
// (0.001 in each tail).

// Tail areas of the two funnel contours.
const (
	funnelTail95  = 0.025
	funnelTail998 = 0.001
	// largest observed count for the exact Poisson funnel limits
	maxFunnelCount = 1e6
)

// FunnelLimits holds the 95% and 99.8% funnel plot control limits at one point
// of the funnel, on the scale of the statistic (a proportion, a ratio or a
// rate per unit of denominator; callers apply multipliers).
type FunnelLimits struct{ Lower95, Upper95, Lower998, Upper998 float64 }

// ProportionFunnel returns the PHE funnel plot control limits for a proportion
// with baseline (target) p at denominator n:
//
//	p ± z·sqrt(p(1-p)/n),  z = Φ⁻¹(0.975) and Φ⁻¹(0.999),
//
// lower limits floored at 0 and upper limits capped at 1. These are the
// proportions whose Wilson score interval at denominator n has its bound
// exactly on p; PHEindicatormethods computes them in that Wilson-inverted
// form (sigma_adjustment), which is algebraically identical. They are not the
// Wilson interval of p itself.
//
// p must be in [0, 1] and n finite and > 0; otherwise the error wraps
// ErrInvalidInput.
func ProportionFunnel(p, n float64) (FunnelLimits, error) {
	if !(p >= 0 && p <= 1) {
		return FunnelLimits{}, invalidf("baseline proportion p = %v must be in [0, 1]", p)
	}
	if err := checkPositive("denominator n", n); err != nil {
		return FunnelLimits{}, err
	}
	sd := math.Sqrt(p * (1 - p) / n)
	z95 := -normQuantile(funnelTail95)
	z998 := -normQuantile(funnelTail998)
	return FunnelLimits{
		Lower95:  math.Max(0, p-z95*sd),
		Upper95:  math.Min(1, p+z95*sd),
		Lower998: math.Max(0, p-z998*sd),
		Upper998: math.Min(1, p+z998*sd),
	}, nil
}

// RatioFunnel returns the exact Poisson funnel control limits for an
// indirectly standardised ratio (SMR-type, O/E, baseline 1) at an observed
// count O > 0, as in calculate_funnel_limits(statistic = "ratio"). Each limit
// is O/E* where E* is the expected count at which O sits exactly on that
// contour: for the lower limits E* = χ²(1-α/2; 2O+2)/2, for the upper limits
// E* = χ²(α/2; 2O)/2, with α/2 = 0.025 and 0.001. The expected count at which
// a limit L applies (the funnel's x-coordinate) is therefore O/L.
//
// PHE expresses ratio funnels as O/E×100 ("isr") or O/E-1 ("count"); apply
// that to the returned ratios. O must be finite, > 0 and at most 10⁶ (beyond
// that the limits are within 0.3% of 1 and the incomplete gamma series would
// need too many terms); otherwise the error wraps ErrInvalidInput.
func RatioFunnel(observed float64) (FunnelLimits, error) {
	if err := checkPositive("observed count", observed); err != nil {
		return FunnelLimits{}, err
	}
	if observed > maxFunnelCount {
		return FunnelLimits{}, invalidf("observed count %v exceeds %v, the largest the exact limits are computed for", observed, maxFunnelCount)
	}
	return FunnelLimits{
		Lower95:  observed / gammaQuantile(observed+1, funnelTail95, true),
		Upper95:  observed / gammaQuantile(observed, funnelTail95, false),
		Lower998: observed / gammaQuantile(observed+1, funnelTail998, true),
		Upper998: observed / gammaQuantile(observed, funnelTail998, false),
	}, nil
}

// CrudeRateFunnel returns the exact Poisson funnel control limits for a crude
// rate with baseline rate (events per unit of denominator) at an observed
// count O > 0, as in calculate_funnel_limits(statistic = "rate",
// rate_type = "crude"): each limit is baseline × the RatioFunnel limit. The
// denominator at which a limit L applies (the x-coordinate) is O/L; divide it
// by the number of years of data for an annual population.
//
// baseline and O must be finite and > 0; otherwise the error wraps
// ErrInvalidInput.
func CrudeRateFunnel(baseline, observed float64) (FunnelLimits, error) {
	if err := checkPositive("baseline rate", baseline); err != nil {
		return FunnelLimits{}, err
	}
	ratio, err := RatioFunnel(observed)
	if err != nil {
		return FunnelLimits{}, err
	}
	return FunnelLimits{
		Lower95:  baseline * ratio.Lower95,
		Upper95:  baseline * ratio.Upper95,
		Lower998: baseline * ratio.Lower998,
		Upper998: baseline * ratio.Upper998,
	}, nil
}

// FunnelSignificance labels a point against its funnel. The strings are the
// labels PHEindicatormethods::assign_funnel_significance uses.
type FunnelSignificance string

// Funnel significance labels.
const (
	FunnelAbove998 FunnelSignificance = "High (0.001)"    // above the 99.8% upper limit
	FunnelAbove95  FunnelSignificance = "High (0.025)"    // above the 95% but within the 99.8% upper limit
	FunnelBelow998 FunnelSignificance = "Low (0.001)"     // below the 99.8% lower limit
	FunnelBelow95  FunnelSignificance = "Low (0.025)"     // below the 95% but within the 99.8% lower limit
	FunnelWithin   FunnelSignificance = "Not significant" // within the 95% limits (limits inclusive)
	FunnelNotRated FunnelSignificance = "Not assessed"    // a NaN value or limit
)

// ClassifyFunnel places value against limits with PHE's strict inequalities:
// below Lower998, below Lower95, above Upper998, above Upper95, else within
// (a value on a limit is within). Any NaN gives FunnelNotRated.
func ClassifyFunnel(value float64, limits FunnelLimits) FunnelSignificance {
	for _, v := range []float64{value, limits.Lower95, limits.Upper95, limits.Lower998, limits.Upper998} {
		if math.IsNaN(v) {
			return FunnelNotRated
		}
	}
	switch {
	case value < limits.Lower998:
		return FunnelBelow998
	case value < limits.Lower95:
		return FunnelBelow95
	case value > limits.Upper998:
		return FunnelAbove998
	case value > limits.Upper95:
		return FunnelAbove95
	}
	return FunnelWithin
}

// ProportionFunnelSignificance classifies the proportion x/n against the
// ProportionFunnel limits of baseline at denominator n. The baseline is
// usually Σx / Σn over all areas. Inputs are validated as for Proportion and
// ProportionFunnel.
func ProportionFunnelSignificance(x, n, baseline float64) (FunnelSignificance, error) {
	if _, err := Proportion(x, n, 0.95); err != nil {
		return "", err
	}
	limits, err := ProportionFunnel(baseline, n)
	if err != nil {
		return "", err
	}
	return ClassifyFunnel(x/n, limits), nil
}

// RatioFunnelSignificance classifies an observed count against its expected
// count the way assign_funnel_significance(statistic = "ratio") does: the
// ratio is high when 1 is below the lower limit of the interval for O/E and
// low when 1 is above its upper limit, with the count interval of Rate (exact
// below 10 events, Byar from 10) at 99.8% and 95%.
func RatioFunnelSignificance(observed, expected float64) (FunnelSignificance, error) {
	return poissonSignificance(observed, expected, 1)
}

// RateFunnelSignificance classifies a crude rate observed/denominator against
// baseline (events per unit of denominator) as
// assign_funnel_significance(statistic = "rate", rate_type = "crude") does:
// high when baseline is below the lower limit of the Rate interval, low when
// it is above the upper limit, at 99.8% and 95%.
func RateFunnelSignificance(observed, denominator, baseline float64) (FunnelSignificance, error) {
	if err := checkPositive("baseline rate", baseline); err != nil {
		return "", err
	}
	return poissonSignificance(observed, denominator, baseline)
}

// poissonSignificance compares target with the Rate intervals of
// observed/denominator at 99.8% and 95%.
func poissonSignificance(observed, denominator, target float64) (FunnelSignificance, error) {
	wide, err := Rate(observed, denominator, 0.998)
	if err != nil {
		return "", err
	}
	narrow, err := Rate(observed, denominator, 0.95)
	if err != nil {
		return "", err
	}
	switch {
	case target < wide.Lower:
		return FunnelAbove998, nil
	case target < narrow.Lower:
		return FunnelAbove95, nil
	case target > wide.Upper:
		return FunnelBelow998, nil
	case target > narrow.Upper:
		return FunnelBelow95, nil
	}
	return FunnelWithin, nil
}
