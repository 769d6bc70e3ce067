package stats

import "math"

// Mean returns the arithmetic mean of values with the Student t interval
// mean ± t(1-α/2, n-1)·s/√n, where s is the sample standard deviation (n-1
// divisor), as in PHEindicatormethods::phe_mean. Method is "student-t".
//
// It needs at least two values, all finite; otherwise the error wraps
// ErrInvalidInput.
func Mean(values []float64, level float64) (Estimate, error) {
	if err := checkLevel(level); err != nil {
		return Estimate{}, err
	}
	n := len(values)
	if n < 2 {
		return Estimate{}, invalidf("a mean interval needs at least 2 values, got %d", n)
	}
	var sum float64
	for i, v := range values {
		if !finite(v) {
			return Estimate{}, invalidf("value %d = %v is not finite", i, v)
		}
		sum += v
	}
	mean := sum / float64(n)
	// Two passes: the sum of squared deviations from the mean avoids the
	// cancellation of the Σv² - n·mean² form.
	var squares float64
	for _, v := range values {
		d := v - mean
		squares += d * d
	}
	sd := math.Sqrt(squares / float64(n-1))
	half := studentTUpperQuantile((1-level)/2, float64(n-1)) * sd / math.Sqrt(float64(n))
	return checkedEstimate(Estimate{Value: mean, Lower: mean - half, Upper: mean + half, Level: level, Method: MethodStudentT})
}
