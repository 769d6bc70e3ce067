package stats

import "math"

// MeanFromSummary is Mean for callers that hold only a summary of the
// values: their count n, mean and sample standard deviation sd (n-1
// divisor). It gives the same Student t interval as Mean, so streaming
// evaluators need not keep every value.
func MeanFromSummary(n, mean, sd, level float64) (Estimate, error) {
	if err := checkLevel(level); err != nil {
		return Estimate{}, err
	}
	if !(n >= 2) || n != math.Trunc(n) || math.IsInf(n, 0) {
		return Estimate{}, invalidf("a mean interval needs a whole count of at least 2, got %v", n)
	}
	if !finite(mean) || !finite(sd) || sd < 0 {
		return Estimate{}, invalidf("mean %v and standard deviation %v must be finite, sd >= 0", mean, sd)
	}
	half := studentTUpperQuantile((1-level)/2, n-1) * sd / math.Sqrt(n)
	return checkedEstimate(Estimate{Value: mean, Lower: mean - half, Upper: mean + half, Level: level, Method: MethodStudentT})
}
