package spc

import "math"

// Shewhart constants computed from their definitions rather than read from
// printed tables (Montgomery, Introduction to Statistical Quality Control,
// Appendix VI and eqs. 6.27-6.31; the same functions as qicharts2's c4, a3,
// b3 and b4). Each returns NaN for a subgroup of fewer than two observations,
// where the standard deviation is undefined.

// d2MovingRange is d2 for a moving range of two observations: the average
// moving range divided by it estimates sigma (Montgomery eq. 6.33).
const d2MovingRange = 1.128

// d4MovingRange is D4 for a moving range of two observations (3.267): the
// upper limit of an MR chart and Nelson's screening threshold for moving
// ranges.
const d4MovingRange = 3.267

// gammaDirectMax is the largest n for which Γ(n/2) is finite in float64, so
// that c4 can use the gamma function itself instead of the differences of
// log-gamma values, which lose precision.
const gammaDirectMax = 340

// c4 is E(s)/σ for a normal sample of n observations:
// sqrt(2/(n-1)) Γ(n/2) / Γ((n-1)/2).
func c4(n float64) float64 {
	if !(n >= 2) {
		return math.NaN()
	}
	var ratio float64
	if n <= gammaDirectMax {
		ratio = math.Gamma(n/2) / math.Gamma((n-1)/2)
	} else {
		a, _ := math.Lgamma(n / 2)
		b, _ := math.Lgamma((n - 1) / 2)
		ratio = math.Exp(a - b)
	}
	return math.Sqrt(2/(n-1)) * ratio
}

// c5 is sd(s)/σ: sqrt(1 - c4²).
func c5(n float64) float64 {
	c := c4(n)
	return math.Sqrt(math.Max(0, 1-c*c))
}

// a3 turns the average standard deviation into the half-width of the xbar
// chart's 3-sigma limits: 3 / (c4 sqrt(n)).
func a3(n float64) float64 {
	return 3 / (c4(n) * math.Sqrt(n))
}

// b3 is the s chart's lower limit factor: max(0, 1 - 3 c5/c4).
func b3(n float64) float64 {
	b := 1 - 3*c5(n)/c4(n)
	if b < 0 {
		return 0
	}
	return b
}

// b4 is the s chart's upper limit factor: 1 + 3 c5/c4.
func b4(n float64) float64 {
	return 1 + 3*c5(n)/c4(n)
}
