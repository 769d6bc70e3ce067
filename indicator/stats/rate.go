package stats

import "math"

// exactPoissonBelow is the observed count below which PHE uses the exact
// Poisson interval; from this count on, Byar's approximation is used.
const exactPoissonBelow = 10

// Rate returns x/n with a confidence interval for the count x treated as
// Poisson: the exact interval (chi-square quantiles) when x < 10, and Byar's
// approximation otherwise, as in PHEindicatormethods::phe_rate and the PHE
// Technical Guide. The Method field says which was used ("exact" or "byar").
//
// x may exceed n (rates per person-year can exceed 1) and need not be whole.
// It returns an error wrapping ErrInvalidInput when x < 0, n <= 0, any
// argument is NaN or infinite, or level is outside (0, 1).
func Rate(x, n, level float64) (Estimate, error) {
	if err := checkLevel(level); err != nil {
		return Estimate{}, err
	}
	if err := checkCount("count x", x); err != nil {
		return Estimate{}, err
	}
	if err := checkPositive("denominator n", n); err != nil {
		return Estimate{}, err
	}
	lo, hi, method := poissonCountLimits(x, level)
	return checkedEstimate(Estimate{Value: x / n, Lower: lo / n, Upper: hi / n, Level: level, Method: method})
}

// poissonCountLimits returns the confidence limits for a Poisson count x >= 0:
// exact below exactPoissonBelow, Byar's method from there on.
func poissonCountLimits(x, level float64) (lower, upper float64, method string) {
	if x < exactPoissonBelow {
		lower, upper = exactPoissonLimits(x, level)
		return lower, upper, MethodExact
	}
	z := zTwoSided(level)
	// Byar's lower limit turns negative only for levels extremely close to 1,
	// where the true limit is still >= 0.
	return math.Max(0, byarLower(x, z)), byarUpper(x, z), MethodByar
}

// exactPoissonLimits returns the exact limits for a Poisson count,
// χ²(α/2; 2x)/2 and χ²(1-α/2; 2x+2)/2 with α = 1-level. Half a chi-square
// quantile with 2k degrees of freedom is a gamma quantile with shape k,
// which is what is computed. The lower limit for x = 0 is 0.
func exactPoissonLimits(x, level float64) (lower, upper float64) {
	tail := (1 - level) / 2
	if x > 0 {
		lower = gammaQuantile(x, tail, false)
	}
	upper = gammaQuantile(x+1, tail, true)
	return lower, upper
}

// byarLower returns Byar's lower limit x(1 - 1/(9x) - z/(3√x))³ for a count
// x > 0 (Breslow & Day 1987).
func byarLower(x, z float64) float64 {
	c := 1 - 1/(9*x) - z/(3*math.Sqrt(x))
	return x * c * c * c
}

// byarUpper returns Byar's upper limit (x+1)(1 - 1/(9(x+1)) + z/(3√(x+1)))³.
func byarUpper(x, z float64) float64 {
	y := x + 1
	c := 1 - 1/(9*y) + z/(3*math.Sqrt(y))
	return y * c * c * c
}
