package spc

import (
	"math"
	"testing"
)

// Published factors for control charts, printed to 4 (c4) or 3 decimals:
// Montgomery's Appendix VI for n = 2-5 and 25 (the n = 5 values are also
// those behind the printed limits of Example 6.3: 74.001 + 1.427·0.0094 =
// 74.014, 2.089·0.0094 = 0.0196), and ASTM E2587 Table 1 as quoted in a
// third-party Python test suite for n = 10 (c4, A3, B3, B4) and n = 25 (c4).
func TestShewhartConstantsAgainstPublishedTable(t *testing.T) {
	for _, tc := range []struct {
		n              float64
		c4, a3, b3, b4 float64
	}{
		{2, 0.7979, 2.659, 0, 3.267},
		{3, 0.8862, 1.954, 0, 2.568},
		{4, 0.9213, 1.628, 0, 2.266},
		{5, 0.9400, 1.427, 0, 2.089},
		{10, 0.9727, 0.975, 0.284, 1.716},
		{25, 0.9896, 0.606, 0.565, 1.435},
	} {
		near := func(name string, got, want, tol float64) {
			if math.Abs(got-want) > tol {
				t.Errorf("n=%v: %s = %.6f, table %.4f", tc.n, name, got, want)
			}
		}
		near("c4", c4(tc.n), tc.c4, 0.00005)
		near("A3", a3(tc.n), tc.a3, 0.0005)
		near("B3", b3(tc.n), tc.b3, 0.0005)
		near("B4", b4(tc.n), tc.b4, 0.0005)
	}
}

// c4 by the gamma function agrees with closed forms: c4(2) = sqrt(2/π),
// c4(3) = sqrt(π)/2, and, beyond the direct gamma range, the asymptotic
// series 1 - 1/(4n) - 7/(32n²) - 19/(128n³).
func TestC4ClosedForms(t *testing.T) {
	if got, want := c4(2), math.Sqrt(2/math.Pi); math.Abs(got-want) > 1e-15 {
		t.Errorf("c4(2) = %v, want %v", got, want)
	}
	if got, want := c4(3), math.Sqrt(math.Pi)/2; math.Abs(got-want) > 1e-15 {
		t.Errorf("c4(3) = %v, want %v", got, want)
	}
	for _, n := range []float64{300, 341, 1000, 5000} {
		want := 1 - 1/(4*n) - 7/(32*n*n) - 19/(128*n*n*n)
		if math.Abs(c4(n)-want) > 1e-10 {
			t.Errorf("c4(%v) = %.15f, series %.15f", n, c4(n), want)
		}
	}
	for _, n := range []float64{math.NaN(), 0, 1} {
		if !math.IsNaN(c4(n)) || !math.IsNaN(a3(n)) || !math.IsNaN(b4(n)) {
			t.Errorf("n=%v: constants should be NaN", n)
		}
	}
}
