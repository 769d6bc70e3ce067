package spc_test

import (
	"math"
	"testing"

	"github.com/openhpi/hpi/indicator/spc"
)

// closeRel reports whether got is within rel (relative) of want; NaN equals
// NaN.
func closeRel(got, want, rel float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	if want == 0 {
		return math.Abs(got) <= rel
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// checkRel fails the test when got is not within 1e-9 relative of want.
func checkRel(t *testing.T, what string, got, want float64) {
	t.Helper()
	if !closeRel(got, want, 1e-9) {
		t.Errorf("%s = %.12g, want %.12g", what, got, want)
	}
}

// checkPrinted fails the test when got differs from a value printed with
// limited precision by more than tol.
func checkPrinted(t *testing.T, what string, got, printed, tol float64) {
	t.Helper()
	if !(math.Abs(got-printed) <= tol) {
		t.Errorf("%s = %.6g, printed value %v (tolerance %v)", what, got, printed, tol)
	}
}

// individuals wraps single observations as subgroups.
func individuals(values ...float64) []spc.Subgroup {
	groups := make([]spc.Subgroup, len(values))
	for i, v := range values {
		groups[i] = spc.Subgroup{Values: []float64{v}}
	}
	return groups
}

// samples wraps rows of observations as subgroups.
func samples(rows [][]float64) []spc.Subgroup {
	groups := make([]spc.Subgroup, len(rows))
	for i, r := range rows {
		groups[i] = spc.Subgroup{Values: r}
	}
	return groups
}

// counts wraps counts with their denominators as subgroups.
func counts(c, n []float64) []spc.Subgroup {
	groups := make([]spc.Subgroup, len(c))
	for i := range c {
		groups[i] = spc.Subgroup{Values: []float64{c[i]}, N: n[i]}
	}
	return groups
}

// repeat is n copies of v.
func repeat(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// newChart calls spc.New and fails the test on error.
func newChart(t *testing.T, kind spc.Kind, groups []spc.Subgroup, opts spc.Options) *spc.Chart {
	t.Helper()
	c, err := spc.New(kind, groups, opts)
	if err != nil {
		t.Fatalf("New(%q): %v", kind, err)
	}
	return c
}

// average is the plain mean, written independently of the package.
func average(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// stdev is the n-1 standard deviation by the computing formula
// sqrt((Σd² - (Σd)²/n)/(n-1)) on d = x - x₁ (shifted so that it does not
// cancel catastrophically), a different route from the package's two-pass
// sum of squared deviations from the mean.
func stdev(xs []float64) float64 {
	s, ss := 0.0, 0.0
	for _, x := range xs {
		d := x - xs[0]
		s += d
		ss += d * d
	}
	n := float64(len(xs))
	return math.Sqrt((ss - s*s/n) / (n - 1))
}

// factorial of a small integer.
func factorial(k int) float64 {
	f := 1.0
	for i := 2; i <= k; i++ {
		f *= float64(i)
	}
	return f
}

// c4Closed is c4(n) = sqrt(2/(n-1)) Γ(n/2)/Γ((n-1)/2) with the gamma
// functions written out by Γ(m) = (m-1)! and Γ(m+1/2) = (2m)!√π/(4^m m!),
// independent of the package's use of math.Gamma.
func c4Closed(n int) float64 {
	halfInt := func(m int) float64 { // Γ(m + 1/2)
		return factorial(2*m) * math.Sqrt(math.Pi) / (math.Pow(4, float64(m)) * factorial(m))
	}
	var ratio float64
	if n%2 == 0 {
		m := n / 2 // Γ(m) / Γ(m - 1/2)
		ratio = factorial(m-1) / halfInt(m-1)
	} else {
		m := (n - 1) / 2 // Γ(m + 1/2) / Γ(m)
		ratio = halfInt(m) / factorial(m-1)
	}
	return math.Sqrt(2/float64(n-1)) * ratio
}

// textbookA3, textbookB3 and textbookB4 are Montgomery's definitions
// 3/(c4√n), max(0, 1 - 3√(1-c4²)/c4) and 1 + 3√(1-c4²)/c4.
func textbookA3(n int) float64 { return 3 / (c4Closed(n) * math.Sqrt(float64(n))) }
func textbookB3(n int) float64 {
	c := c4Closed(n)
	return math.Max(0, 1-3*math.Sqrt(1-c*c)/c)
}
func textbookB4(n int) float64 {
	c := c4Closed(n)
	return 1 + 3*math.Sqrt(1-c*c)/c
}

// runsOf counts, independently of the package, the useful points, longest
// run and crossings of values around their centre lines.
func runsOf(ys, cls []float64, include []bool) (useful, longest, crossings int) {
	var runLengths []int
	prev := 0
	for i, y := range ys {
		if !include[i] || math.IsNaN(y) || y == cls[i] {
			continue
		}
		side := 1
		if y < cls[i] {
			side = -1
		}
		useful++
		if side == prev {
			runLengths[len(runLengths)-1]++
		} else {
			runLengths = append(runLengths, 1)
		}
		prev = side
	}
	for _, l := range runLengths {
		longest = max(longest, l)
	}
	return useful, longest, max(len(runLengths)-1, 0)
}
