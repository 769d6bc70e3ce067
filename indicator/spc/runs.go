package spc

import (
	"math"
	"math/big"
)

// partRuns is the Anhøj runs analysis of one part: the included points that
// are neither missing nor on the centre line, compared with the centre line
// (qicharts2 runs.analysis). Excluded points take no part; baseline does not
// matter. The mr chart never signals, its points being correlated.
func partRuns(kind Kind, d partData, ln lines) Runs {
	ln = ln.decisionScale()
	var sides []int
	for k := range ln.y {
		if !d.include[k] {
			continue
		}
		diff := ln.y[k] - ln.cl[k]
		switch {
		case diff > 0:
			sides = append(sides, 1)
		case diff < 0:
			sides = append(sides, -1)
		}
	}
	r := anhojRuns(sides)
	if kind == KindMR {
		r.Signal = false
	}
	return r
}

// anhojRuns counts the runs of a sequence of sides (+1 above, -1 below the
// centre line) and applies the Anhøj rules. With no useful point every count
// is 0 and there is no signal.
func anhojRuns(sides []int) Runs {
	if len(sides) == 0 {
		return Runs{}
	}
	longest, current, crossings := 1, 1, 0
	for k := 1; k < len(sides); k++ {
		if sides[k] == sides[k-1] {
			current++
		} else {
			crossings++
			current = 1
		}
		if current > longest {
			longest = current
		}
	}
	longestMax, crossingsMin := anhojLimits(len(sides))
	return Runs{
		NUseful:       len(sides),
		LongestRun:    longest,
		LongestRunMax: longestMax,
		Crossings:     crossings,
		CrossingsMin:  crossingsMin,
		Signal:        longest > longestMax || crossings < crossingsMin,
	}
}

// anhojLimits are the Anhøj limits for n useful points: a longest run above
// round(log2 n) + 3 (Schilling 2012) or fewer crossings than the 5% quantile
// of the binomial distribution of n-1 trials at 1/2 (Chen 2010) signal
// non-random variation.
func anhojLimits(n int) (longestRunMax, crossingsMin int) {
	longestRunMax = int(math.Round(math.Log2(float64(n)))) + 3
	return longestRunMax, binomialQuantile05(n - 1)
}

// exactQuantileMax is the largest number of trials for which the quantile is
// computed in exact integer arithmetic; the cost grows with the square of m,
// so longer series (far beyond any chart) use floating point.
const exactQuantileMax = 1 << 14

// binomialQuantile05 is R's qbinom(0.05, m, 0.5): the smallest x with
// P(X <= x) >= 0.05 for X ~ Binomial(m, 1/2).
func binomialQuantile05(m int) int {
	if m <= 0 {
		return 0
	}
	if m > exactQuantileMax {
		return binomialQuantile05Float(m)
	}
	return binomialQuantile05Exact(m)
}

// binomialQuantile05Exact compares integers: P(X <= x) >= 1/20 exactly when
// 20·Σ_{k<=x} C(m, k) >= 2^m. Equality is impossible (2^m is not a multiple
// of 5), so no rounding question arises.
func binomialQuantile05Exact(m int) int {
	total := new(big.Int).Lsh(big.NewInt(1), uint(m))
	coef := big.NewInt(1) // C(m, 0)
	cum := big.NewInt(0)
	scaled := new(big.Int)
	for x := 0; x < m; x++ {
		cum.Add(cum, coef)
		if scaled.Mul(cum, big.NewInt(20)).Cmp(total) >= 0 {
			return x
		}
		coef.Mul(coef, big.NewInt(int64(m-x)))
		coef.Quo(coef, big.NewInt(int64(x+1)))
	}
	return m
}

// binomialQuantile05Float sums the probabilities in floating point, each from
// log-gamma values.
func binomialQuantile05Float(m int) int {
	lm, _ := math.Lgamma(float64(m) + 1)
	cum := 0.0
	for x := 0; x < m; x++ {
		a, _ := math.Lgamma(float64(x) + 1)
		b, _ := math.Lgamma(float64(m-x) + 1)
		cum += math.Exp(lm - a - b - float64(m)*math.Ln2)
		if cum >= 0.05 {
			return x
		}
	}
	return m
}
