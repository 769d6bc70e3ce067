package framework

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

// composite computes a composite for every stratum of its stratifier in
// the report; see the package documentation for the formulas.
func composite(c Composite, rep *indicator.Report) (CompositeScore, error) {
	out := CompositeScore{ID: c.ID, Title: c.Title, Node: c.Node, Across: c.Across, Normalisation: c.Normalisation,
		Components: c.Components, Units: []UnitScore{}}
	values := make([]map[string]float64, len(c.Components))
	lower := make([]bool, len(c.Components))
	units := map[string]bool{}
	for k, comp := range c.Components {
		r, ok := rep.Result(comp.Indicator)
		if !ok {
			return out, fmt.Errorf("composite %s: indicator %q is not in the report", c.ID, comp.Indicator)
		}
		lower[k] = r.Polarity == indicator.LowerIsBetter
		values[k] = map[string]float64{}
		found := false
		for _, sr := range r.Stratifiers {
			if sr.ID != c.Across {
				continue
			}
			found = true
			for _, st := range sr.Strata {
				u := strings.Join(st.Values, " | ")
				units[u] = true
				if v := float64(st.Value); !math.IsNaN(v) && !math.IsInf(v, 0) {
					values[k][u] = v
				}
			}
		}
		if !found {
			return out, fmt.Errorf("composite %s: indicator %q has no stratifier %q in the report", c.ID, comp.Indicator, c.Across)
		}
	}
	keys := sortedKeys(units)
	slices.SortStableFunc(keys, compareUnits)
	norm := make([][]float64, len(c.Components))
	for k := range c.Components {
		xs := make([]float64, len(keys))
		for i, u := range keys {
			x, ok := values[k][u]
			if !ok {
				x = math.NaN()
			}
			xs[i] = x
		}
		norm[k] = normalise(xs, c.Normalisation, lower[k])
	}
	for i, u := range keys {
		us := UnitScore{Unit: u, Normalised: make([]indicator.Float, len(c.Components))}
		var sum, weights float64
		for k, comp := range c.Components {
			s := norm[k][i]
			us.Normalised[k] = indicator.Float(s)
			sum += comp.Weight * s
			weights += comp.Weight
		}
		us.Score = indicator.Float(sum / weights) // NaN when a component is missing
		out.Units = append(out.Units, us)
	}
	return out, nil
}

// normalise puts the values of one indicator across units on a common
// scale, oriented so that higher is better; NaN (missing) stays NaN.
func normalise(xs []float64, method Normalisation, lowerIsBetter bool) []float64 {
	out := make([]float64, len(xs))
	var finite []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			finite = append(finite, x)
		}
	}
	n := float64(len(finite))
	sign := 1.0
	if lowerIsBetter {
		sign = -1
	}
	switch method {
	case ZScore:
		var mean, ss float64
		for _, x := range finite {
			mean += x
		}
		mean /= n
		for _, x := range finite {
			ss += (x - mean) * (x - mean)
		}
		sd := math.Sqrt(ss / (n - 1))
		for i, x := range xs {
			switch {
			case math.IsNaN(x):
				out[i] = x
			case len(finite) < 2 || sd == 0:
				out[i] = 0
			default:
				out[i] = sign * (x - mean) / sd
			}
		}
	case MinMax:
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range finite {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		for i, x := range xs {
			switch {
			case math.IsNaN(x):
				out[i] = x
			case hi == lo:
				out[i] = 0.5
			case lowerIsBetter:
				out[i] = (hi - x) / (hi - lo)
			default:
				out[i] = (x - lo) / (hi - lo)
			}
		}
	case Rank:
		for i, x := range xs {
			if math.IsNaN(x) {
				out[i] = x
				continue
			}
			if len(finite) < 2 {
				out[i] = 0.5
				continue
			}
			// The average rank of x among the oriented values: 1 + the
			// number below it + half the number of others equal to it.
			var below, equal float64
			for _, y := range finite {
				switch {
				case sign*y < sign*x:
					below++
				case y == x:
					equal++
				}
			}
			rank := 1 + below + (equal-1)/2
			out[i] = (rank - 1) / (n - 1)
		}
	default:
		for i := range out {
			out[i] = math.NaN()
		}
	}
	return out
}

// compareUnits orders stratum labels component by component, numerically
// where both are integers.
func compareUnits(a, b string) int {
	as, bs := strings.Split(a, " | "), strings.Split(b, " | ")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		x, errX := strconv.ParseInt(as[i], 10, 64)
		y, errY := strconv.ParseInt(bs[i], 10, 64)
		if errX == nil && errY == nil {
			if x < y {
				return -1
			}
			return 1
		}
		return strings.Compare(as[i], bs[i])
	}
	return len(as) - len(bs)
}
