package stats

import (
	"errors"
	"math"
	"testing"
)

func TestRate_ExactBelowTenEventsByarFromTen(t *testing.T) {
	// References: PHEindicatormethods::phe_rate's formulas (qchisq below 10
	// events, Byar's cube-root formula from 10) evaluated in R 4.2.2.
	cases := []struct {
		name         string
		x, n, level  float64
		method       string
		lower, upper float64
	}{
		{"no events at 95%", 0, 1000, 0.95, MethodExact, 0, 0.0036888794541139352},
		{"no events at 99.8%", 0, 1000, 0.998, MethodExact, 0, 0.0069077552789821358},
		{"one event at 95%", 1, 1000, 0.95, MethodExact, 2.5317807984289899e-05, 0.0055716433909388987},
		{"one event at 99.8%", 1, 1000, 0.998, MethodExact, 1.0005003335835344e-06, 0.0092334134764515841},
		{"three events at 95%", 3, 250, 0.95, MethodExact, 0.0024746884915824064, 0.035069092278969295},
		{"three events at 99.8%", 3, 250, 0.998, MethodExact, 0.00076213351027361298, 0.052248963116752277},
		{"nine events at 95%", 9, 100000, 0.95, MethodExact, 4.1153730973783331e-05, 0.00017084803451419169},
		{"nine events at 99.8%", 9, 100000, 0.998, MethodExact, 2.452424404363775e-05, 0.00022657373309062929},
		{"9.99 events is still exact", 9.99, 2, 0.95, MethodExact, 2.3942532948063837, 9.1886861982440298},
		{"9.99 events at 99.8%", 9.99, 2, 0.998, MethodExact, 1.4776604405485287, 12.059657663094521},
		{"ten events switch to Byar", 10, 100000, 0.95, MethodByar, 4.7874499139675646e-05, 0.00018391458605756473},
		{"ten events at 99.8%", 10, 100000, 0.998, MethodByar, 2.9163183746956861e-05, 0.00024193724927880548},
		{"count above denominator", 11, 3, 0.95, MethodByar, 1.827896732816658, 6.5610790387154632},
		{"count above denominator at 99.8%", 11, 3, 0.998, MethodByar, 1.1494567461336271, 8.5488401721858089},
		{"250 events at 95%", 250, 1e5, 0.95, MethodByar, 0.0021996688424772331, 0.0028298851872402726},
		{"250 events at 99.8%", 250, 1e5, 0.998, MethodByar, 0.0020396201219765697, 0.0030283272298724409},
		{"a million events", 1e6, 5e7, 0.95, MethodByar, 0.019960819666499728, 0.020039238239213313},
		{"a million events at 99.8%", 1e6, 5e7, 0.998, MethodByar, 0.019938252342649915, 0.020061881682049143},
		{"fractional count", 0.4, 10, 0.95, MethodExact, 7.3283243553458657e-06, 0.44858818845257897},
		{"fractional count at 99.8%", 0.4, 10, 0.998, MethodExact, 2.3449410847664796e-09, 0.79004300388876492},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Rate(c.x, c.n, c.level)
			if err != nil {
				t.Fatal(err)
			}
			checkEstimate(t, e, c.x/c.n, c.lower, c.upper, exactness)
			if e.Method != c.method {
				t.Errorf("Method = %q, want %q", e.Method, c.method)
			}
		})
	}
}

func TestRate_ExactLimitsEqualPoissonTailDefinition(t *testing.T) {
	// Independent check from the definition: for k events the exact limits
	// μ_L, μ_U satisfy P(X >= k; μ_L) = α/2 and P(X <= k; μ_U) = α/2, with the
	// Poisson sums written out term by term.
	poissonCDF := func(k int, mu float64) float64 {
		term, sum := math.Exp(-mu), 0.0
		for j := 0; j <= k; j++ {
			if j > 0 {
				term *= mu / float64(j)
			}
			sum += term
		}
		return sum
	}
	for k := 0; k < 10; k++ {
		for _, level := range []float64{0.95, 0.998} {
			e, _ := Rate(float64(k), 1, level)
			tail := (1 - level) / 2
			checkRel(t, "P(X<=k; upper)", poissonCDF(k, e.Upper), tail, 1e-11)
			if k > 0 {
				checkRel(t, "P(X>=k; lower)", 1-poissonCDF(k-1, e.Lower), tail, 1e-10)
			}
		}
	}
}

func TestRate_RejectsInvalidInput(t *testing.T) {
	cases := []struct {
		name        string
		x, n, level float64
	}{
		{"negative count", -1, 10, 0.95},
		{"zero denominator", 1, 0, 0.95},
		{"NaN count", math.NaN(), 10, 0.95},
		{"infinite count", math.Inf(1), 10, 0.95},
		{"level as a percentage", 1, 10, 99.8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Rate(c.x, c.n, c.level)
			if !errors.Is(err, ErrInvalidInput) || e != (Estimate{}) {
				t.Errorf("Rate = %+v, %v; want zero Estimate and ErrInvalidInput", e, err)
			}
		})
	}
}
