package stats

import "math"

// Proportion returns x/n with its Wilson score interval (Wilson 1927;
// Newcombe & Altman 2000), the method of the PHE Technical Guide and of
// PHEindicatormethods::phe_proportion.
//
// x need not be a whole number (weighted or modelled numerators are allowed).
// It returns an error wrapping ErrInvalidInput when x < 0, n <= 0, x > n, any
// argument is NaN or infinite, or level is outside (0, 1). At x = 0 the lower
// limit is exactly 0 and at x = n the upper limit is exactly 1.
func Proportion(x, n, level float64) (Estimate, error) {
	if err := checkLevel(level); err != nil {
		return Estimate{}, err
	}
	if err := checkCount("numerator x", x); err != nil {
		return Estimate{}, err
	}
	if err := checkPositive("denominator n", n); err != nil {
		return Estimate{}, err
	}
	if x > n {
		return Estimate{}, invalidf("numerator x = %v exceeds denominator n = %v", x, n)
	}
	lower, upper := wilsonLimits(x, n, zTwoSided(level))
	return checkedEstimate(Estimate{Value: x / n, Lower: lower, Upper: upper, Level: level, Method: MethodWilson})
}

// wilsonLimits returns the Wilson score limits
//
//	(2x + z² ∓ z·sqrt(z² + 4x(1 - x/n))) / (2(n + z²)).
//
// The lower limit is evaluated in the algebraically equal form
// 2x² / (n(2x + z² + z·sqrt(…))), which has no cancellation, so small
// proportions keep their relative precision.
func wilsonLimits(x, n, z float64) (lower, upper float64) {
	z2 := z * z
	a := 2*x + z2
	b := z * math.Sqrt(z2+4*x*(n-x)/n)
	lower = 2 * x * x / (n * (a + b))
	upper = math.Min(1, (a+b)/(2*(n+z2)))
	return lower, upper
}
