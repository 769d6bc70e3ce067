package spc

import (
	"fmt"
	"math"
)

// obs is one subgroup reduced to what the limit formulas need.
type obs struct {
	y   float64 // the plotted statistic, unscaled; NaN when missing
	sum float64 // the summed counts of a p, pp, u or up chart
	n   float64 // the denominator (p, pp, u, up) or number of observations (xbar, s)
	sd  float64 // the subgroup standard deviation (xbar, s); NaN below 2 observations
}

// summarise reduces every subgroup to its plotted statistic: count charts sum
// the values of a subgroup, measurement charts average them, xbar and s keep
// the mean, size and standard deviation of the observations.
func summarise(kind Kind, groups []Subgroup) ([]obs, error) {
	out := make([]obs, len(groups))
	for i, g := range groups {
		o, err := summariseOne(kind, g)
		if err != nil {
			return nil, fmt.Errorf("subgroup %d (%q): %w", i+1, g.X, err)
		}
		out[i] = o
	}
	return out, nil
}

// summariseOne validates and reduces one subgroup.
func summariseOne(kind Kind, g Subgroup) (obs, error) {
	present, err := presentValues(g.Values)
	if err != nil {
		return obs{}, err
	}
	switch kind {
	case KindP, KindPP, KindU, KindUP:
		return ratioObs(kind, present, g.N)
	case KindC:
		return countObs(present)
	case KindXbar, KindS:
		return sampleObs(kind, present), nil
	default:
		return measureObs(kind, present)
	}
}

// maxMagnitude bounds the values New accepts, so that sums, squares and
// moving ranges of them stay finite and no limit becomes infinite.
const maxMagnitude = 1e100

// presentValues drops the NaNs (missing observations) and rejects infinite or
// absurdly large values.
func presentValues(values []float64) ([]float64, error) {
	present := make([]float64, 0, len(values))
	for _, v := range values {
		if math.Abs(v) > maxMagnitude {
			return nil, fmt.Errorf("%w: value %v is infinite or beyond ±1e100", ErrInvalidInput, v)
		}
		if !math.IsNaN(v) {
			present = append(present, v)
		}
	}
	return present, nil
}

// missing is the observation of a subgroup with nothing observed.
func missing() obs {
	return obs{y: math.NaN(), sum: math.NaN(), n: math.NaN(), sd: math.NaN()}
}

// ratioObs is a p, pp, u or up subgroup: the summed counts over N. A NaN
// denominator, a zero one with a zero count, or no count makes the point
// missing; a positive count over zero is an error, and other denominators
// must lie in [1e-100, 1e100].
func ratioObs(kind Kind, counts []float64, n float64) (obs, error) {
	if n > maxMagnitude || n < 0 || (n > 0 && n < 1/maxMagnitude) {
		return obs{}, fmt.Errorf("%w: denominator %v", ErrInvalidInput, n)
	}
	sum, err := sumCounts(counts)
	if err != nil {
		return obs{}, err
	}
	if n == 0 && sum > 0 {
		return obs{}, fmt.Errorf("%w: count %v with a zero denominator", ErrInvalidInput, sum)
	}
	if len(counts) == 0 || math.IsNaN(n) || n == 0 {
		return missing(), nil
	}
	if (kind == KindP || kind == KindPP) && sum > n {
		return obs{}, fmt.Errorf("%w: count %v exceeds denominator %v", ErrInvalidInput, sum, n)
	}
	if sum/n > maxMagnitude {
		return obs{}, fmt.Errorf("%w: rate %v/%v is beyond 1e100", ErrInvalidInput, sum, n)
	}
	return obs{y: sum / n, sum: sum, n: n, sd: math.NaN()}, nil
}

// countObs is a c-chart subgroup: the summed counts.
func countObs(counts []float64) (obs, error) {
	sum, err := sumCounts(counts)
	if err != nil {
		return obs{}, err
	}
	if len(counts) == 0 {
		return missing(), nil
	}
	return obs{y: sum, sum: sum, n: math.NaN(), sd: math.NaN()}, nil
}

// sumCounts adds counts, which cannot be negative.
func sumCounts(counts []float64) (float64, error) {
	sum := 0.0
	for _, c := range counts {
		if c < 0 {
			return 0, fmt.Errorf("%w: negative count %v", ErrInvalidInput, c)
		}
		sum += c
	}
	return sum, nil
}

// sampleObs is an xbar or s subgroup: its mean, size and standard deviation.
func sampleObs(kind Kind, values []float64) obs {
	if len(values) == 0 {
		return missing()
	}
	m := mean(values)
	sd := sampleSD(values, m)
	y := m
	if kind == KindS {
		y = sd
	}
	return obs{y: y, sum: math.NaN(), n: float64(len(values)), sd: sd}
}

// measureObs is a run, i, mr, t or g subgroup: the mean of its observations.
// Times between events (t) must be positive and opportunities between events
// (g) cannot be negative.
func measureObs(kind Kind, values []float64) (obs, error) {
	if len(values) == 0 {
		return missing(), nil
	}
	y := mean(values)
	if kind == KindT && y <= 0 {
		return obs{}, fmt.Errorf("%w: time between events %v is not positive", ErrInvalidInput, y)
	}
	if kind == KindG && y < 0 {
		return obs{}, fmt.Errorf("%w: negative number of opportunities %v", ErrInvalidInput, y)
	}
	return obs{y: y, sum: math.NaN(), n: math.NaN(), sd: math.NaN()}, nil
}

// mean is the arithmetic mean of a non-empty slice.
func mean(values []float64) float64 {
	s := 0.0
	for _, v := range values {
		s += v
	}
	return s / float64(len(values))
}

// sampleSD is the n-1 standard deviation around m; NaN below two values.
func sampleSD(values []float64, m float64) float64 {
	if len(values) < 2 {
		return math.NaN()
	}
	ss := 0.0
	for _, v := range values {
		ss += (v - m) * (v - m)
	}
	return math.Sqrt(ss / float64(len(values)-1))
}
