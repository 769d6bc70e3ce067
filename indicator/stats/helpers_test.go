package stats

import (
	"math"
	"testing"
)

// closeRel reports whether got equals want within a relative tolerance (an
// absolute one when want is 0).
func closeRel(got, want, tol float64) bool {
	if got == want {
		return true
	}
	if want == 0 {
		return math.Abs(got) <= tol
	}
	return math.Abs(got-want) <= tol*math.Abs(want)
}

// checkRel fails the test when got is not within tol (relative) of want.
func checkRel(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !closeRel(got, want, tol) {
		t.Errorf("%s = %.17g, want %.17g (rel. error %.3g > %.3g)", what, got, want, math.Abs(got-want)/math.Abs(want), tol)
	}
}

// checkEstimate compares an Estimate's three numbers with a reference.
func checkEstimate(t *testing.T, e Estimate, value, lower, upper, tol float64) {
	t.Helper()
	checkRel(t, "Value", e.Value, value, tol)
	checkRel(t, "Lower", e.Lower, lower, tol)
	checkRel(t, "Upper", e.Upper, upper, tol)
}

// exactness is the acceptance tolerance for closed-form methods.
const exactness = 1e-9
