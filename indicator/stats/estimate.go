package stats

import (
	"errors"
	"fmt"
	"math"
)

// Estimate is a point value with its confidence interval, unscaled: a
// proportion of 25% is 0.25 and a rate is events per one unit of denominator.
// Callers apply multipliers (×100, ×100 000) themselves.
type Estimate struct {
	Value, Lower, Upper float64
	Level               float64 // confidence level as a fraction, e.g. 0.95 or 0.998
	Method              string  // one of the Method… constants
}

// Method names reported in Estimate.Method.
const (
	MethodWilson     = "wilson"          // Wilson score interval for a proportion
	MethodExact      = "exact"           // exact Poisson interval via chi-square quantiles
	MethodByar       = "byar"            // Byar's approximation to the exact Poisson interval
	MethodDobson     = "dobson"          // Dobson et al. interval for a weighted sum of Poisson counts
	MethodStudentT   = "student-t"       // Student t interval for a mean
	MethodChiang     = "chiang-silcocks" // Chiang II life table with Silcocks' final-band variance
	MethodSimulation = "monte-carlo"     // interval from seeded Monte Carlo simulation
)

// Sentinel errors; every error returned by this package wraps one of them, so
// callers can test with errors.Is.
var (
	// ErrInvalidInput reports an argument outside the domain of the method:
	// NaN or infinite values, negative counts, non-positive denominators,
	// mismatched slice lengths, a level outside (0, 1), and so on.
	ErrInvalidInput = errors.New("stats: invalid input")
	// ErrTooFewEvents reports that a statistic is suppressed by its published
	// method because too few events were observed (a DSR below 10 events).
	ErrTooFewEvents = errors.New("stats: too few events")
	// ErrTooSmall reports that the population is below the published minimum
	// for the method (life expectancy needs more than 5 000 person-years).
	ErrTooSmall = errors.New("stats: population too small")
)

// invalidf returns an error wrapping ErrInvalidInput with a message.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidInput}, args...)...)
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0)
}

// checkLevel validates a confidence level given as a fraction in (0, 1).
func checkLevel(level float64) error {
	if !(level > 0 && level < 1) {
		return invalidf("confidence level %v must be a fraction in (0, 1), e.g. 0.95", level)
	}
	return nil
}

// checkCount validates an observed count (any finite value >= 0).
func checkCount(name string, x float64) error {
	if !finite(x) || x < 0 {
		return invalidf("%s = %v must be finite and >= 0", name, x)
	}
	return nil
}

// checkPositive validates a denominator (finite and > 0).
func checkPositive(name string, n float64) error {
	if !finite(n) || n <= 0 {
		return invalidf("%s = %v must be finite and > 0", name, n)
	}
	return nil
}

// checkSameLength validates that parallel slices have one length, at least one.
func checkSameLength(names string, lengths ...int) error {
	for _, l := range lengths {
		if l != lengths[0] {
			return invalidf("%s must have the same length, got %v", names, lengths)
		}
	}
	if lengths[0] == 0 {
		return invalidf("%s must not be empty", names)
	}
	return nil
}

// bandError prefixes an input error with the position of the offending band.
func bandError(err error, band int) error {
	return fmt.Errorf("band %d: %w", band, err)
}

// tooFewEvents returns the error for a statistic suppressed below 10 events.
func tooFewEvents(total float64) error {
	return fmt.Errorf("%w: total count %v is below %d", ErrTooFewEvents, total, minDSREvents)
}

// checkedEstimate returns e, or the zero Estimate and an ErrInvalidInput error
// when extreme inputs overflowed the arithmetic to a non-finite result.
func checkedEstimate(e Estimate) (Estimate, error) {
	if !finite(e.Value) || !finite(e.Lower) || !finite(e.Upper) {
		return Estimate{}, invalidf("inputs too extreme: result %v [%v, %v] is not finite", e.Value, e.Lower, e.Upper)
	}
	return e, nil
}

// wrapf returns an error wrapping sentinel with a message.
func wrapf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
