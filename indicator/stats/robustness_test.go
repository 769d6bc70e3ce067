package stats

import (
	"math"
	"testing"
)

// awkward are inputs that must never make the package panic.
var awkward = []float64{
	math.NaN(), math.Inf(1), math.Inf(-1), -1, 0, 1e-300, 5e-324, 0.3, 1, 9.5, 10,
	1e6, 1e300, math.MaxFloat64, -math.MaxFloat64,
}

func TestScalarFunctions_NeverPanic(t *testing.T) {
	levels := []float64{0.95, 0.998, 0, 1, -0.5, 1 - 1e-16, 1e-300, math.NaN()}
	for _, a := range awkward {
		for _, b := range awkward {
			for _, level := range levels {
				for name, f := range map[string]func() (Estimate, error){
					"Proportion": func() (Estimate, error) { return Proportion(a, b, level) },
					"Rate":       func() (Estimate, error) { return Rate(a, b, level) },
				} {
					e, err := callSafely(t, name, f)
					if err != nil && e != (Estimate{}) {
						t.Errorf("%s(%v, %v, %v) returned %+v with error %v", name, a, b, level, e, err)
					}
					if err == nil && (!finite(e.Value) || !finite(e.Lower) || !finite(e.Upper) || e.Lower > e.Upper) {
						t.Errorf("%s(%v, %v, %v) = %+v without error", name, a, b, level, e)
					}
				}
			}
			_, _ = ProportionFunnel(a, b)
			_, _ = CrudeRateFunnel(a, b)
			_, _ = RatioFunnel(a)
			_, _ = ProportionFunnelSignificance(a, b, 0.5)
			_, _ = RatioFunnelSignificance(a, b)
			_, _ = RateFunnelSignificance(a, b, 0.01)
		}
	}
}

// callSafely runs f, turning a panic into a test failure.
func callSafely(t *testing.T, name string, f func() (Estimate, error)) (e Estimate, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("%s panicked: %v", name, r)
		}
	}()
	return f()
}

func TestSliceFunctions_NeverPanic(t *testing.T) {
	slices := [][]float64{nil, {}, {1}, {math.NaN(), 1}, {-1, 2}, {math.Inf(1), 3}, {0, 0}, {1e300, 1e300}, {5, 7, 9}}
	for _, a := range slices {
		for _, b := range slices {
			_, _ = callSafely(t, "DSR", func() (Estimate, error) { return DSR(a, b, b, 0.95) })
			_, _ = callSafely(t, "ISRatio", func() (Estimate, error) { return ISRatio(a, b, a, b, 0.95) })
			_, _ = callSafely(t, "ISRate", func() (Estimate, error) { return ISRate(a, b, b, a, 0.998) })
			_, _ = callSafely(t, "Mean", func() (Estimate, error) { return Mean(a, 0.95) })
			_, _ = callSafely(t, "LifeExpectancy", func() (Estimate, error) { _, err := LifeExpectancy(a, b, 0.95); return Estimate{}, err })
			_ = Quintile(a, 1, HigherIsBetter)
			_ = Quantiles(b, 3, LowerIsBetter)
			groups := make([]SIIGroup, min(len(a), len(b)))
			for i := range groups {
				groups[i] = SIIGroup{Population: a[i], Value: b[i], SE: b[i]}
			}
			_, _ = callSafely(t, "SII", func() (Estimate, error) { _, err := SII(groups, SIIOptions{Repetitions: 1000}); return Estimate{}, err })
			_, _ = callSafely(t, "ConcentrationIndex", func() (Estimate, error) { return ConcentrationIndex(groups, SIIOptions{Repetitions: 1000}) })
		}
	}
}
