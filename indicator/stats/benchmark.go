package stats

import (
	"math"
	"slices"
	"sort"
)

// Polarity says how values of an indicator are judged (Fingertips polarity).
type Polarity string

// Polarities.
const (
	HigherIsBetter Polarity = "higher-is-better"
	LowerIsBetter  Polarity = "lower-is-better"
	NoJudgement    Polarity = "no-judgement"   // Fingertips "BOB": blue orange blue
	NotApplicable  Polarity = "not-applicable" // no benchmarking for the indicator
)

// Comparison is the outcome of comparing an area with a benchmark.
type Comparison string

// Comparison outcomes.
const (
	Better      Comparison = "better"
	Similar     Comparison = "similar"
	Worse       Comparison = "worse"
	Higher      Comparison = "higher" // significantly higher, no judgement
	Lower       Comparison = "lower"  // significantly lower, no judgement
	Best        Comparison = "best"   // better beyond the 99.8% limit
	Worst       Comparison = "worst"  // worse beyond the 99.8% limit
	NotCompared Comparison = "not-compared"
)

// CompareToBenchmark applies the Fingertips single overlapping-interval rule:
// the benchmark value is tested against the area's interval, bounds inclusive.
// A benchmark inside [Lower, Upper] is "similar"; an interval wholly above
// it is "higher", wholly below "lower", which polarity turns into "better" or
// "worse". NoJudgement keeps "higher"/"lower"; NotApplicable, an unknown
// polarity, or a NaN anywhere in area or benchmark gives "not-compared".
func CompareToBenchmark(area Estimate, benchmark float64, p Polarity) Comparison {
	if !comparable(area, benchmark, p) {
		return NotCompared
	}
	return judge(side(area, benchmark), p, false)
}

// CompareToBenchmark2 is the two-level version with the 95% and 99.8%
// intervals of the same area: outside the 99.8% interval gives "best" or
// "worst" (or "higher"/"lower" without judgement), otherwise the 95% interval
// decides as in CompareToBenchmark.
func CompareToBenchmark2(area95, area998 Estimate, benchmark float64, p Polarity) Comparison {
	if !comparable(area95, benchmark, p) || !comparable(area998, benchmark, p) {
		return NotCompared
	}
	if s := side(area998, benchmark); s != Similar {
		return judge(s, p, true)
	}
	return judge(side(area95, benchmark), p, false)
}

// comparable reports whether a comparison can be made at all.
func comparable(area Estimate, benchmark float64, p Polarity) bool {
	switch p {
	case HigherIsBetter, LowerIsBetter, NoJudgement:
	default:
		return false
	}
	for _, v := range []float64{area.Value, area.Lower, area.Upper, area.Level, benchmark} {
		if math.IsNaN(v) {
			return false
		}
	}
	return true
}

// side returns Higher, Lower or Similar for the area's interval against the
// benchmark, bounds inclusive.
func side(area Estimate, benchmark float64) Comparison {
	switch {
	case area.Lower > benchmark:
		return Higher
	case area.Upper < benchmark:
		return Lower
	}
	return Similar
}

// judge maps a side to the polarity's wording; extreme selects best/worst.
func judge(s Comparison, p Polarity, extreme bool) Comparison {
	if s == Similar || p == NoJudgement {
		return s
	}
	good := (s == Higher) == (p == HigherIsBetter)
	switch {
	case good && extreme:
		return Best
	case good:
		return Better
	case extreme:
		return Worst
	}
	return Worse
}

// Quintile returns the quintile (1-5) of value among values by the Fingertips
// rule (PHEindicatormethods::phe_quantile with 5 quantiles); see Quantile.
func Quintile(values []float64, value float64, p Polarity) int {
	return Quantile(values, value, 5, p)
}

// Quantile returns the quantile (1..q) of value among values by the PHE rule
// of PHEindicatormethods::phe_quantile:
//
//	quantile = floor((q+1) - ceil(((N+1) - rank) / (N/q))), 0 raised to 1,
//
// where N counts the non-NaN values and rank is the minimum rank of value
// (1 + the number of values ranked before it). Quantile 1 holds the lowest
// values; for HigherIsBetter the order is reversed (PHE's invert) so that
// quantile 1 holds the highest, i.e. quantile 1 is always the best when there
// is a polarity. It returns 0 when value is NaN, q < 1, or N < q.
func Quantile(values []float64, value float64, q int, p Polarity) int {
	if math.IsNaN(value) || q < 1 {
		return 0
	}
	n, before := 0, 0
	for _, v := range values {
		if math.IsNaN(v) {
			continue
		}
		n++
		if ranksBefore(v, value, p) {
			before++
		}
	}
	if n < q {
		return 0
	}
	return quantileOfRank(float64(before+1), float64(n), float64(q))
}

// Quantiles assigns every entry of values to its quantile by the rule of
// Quantile (0 for NaN entries, or for all when fewer than q values). It sorts
// once, so it is O(N log N) and suits tens of thousands of small areas.
func Quantiles(values []float64, q int, p Polarity) []int {
	sorted := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) {
			sorted = append(sorted, v)
		}
	}
	slices.Sort(sorted)
	n := len(sorted)
	out := make([]int, len(values))
	if q < 1 || n < q {
		return out
	}
	for i, v := range values {
		if math.IsNaN(v) {
			continue
		}
		// number of values strictly below v, or strictly above it
		before := sort.SearchFloat64s(sorted, v)
		if p == HigherIsBetter {
			before = n - sort.Search(n, func(j int) bool { return sorted[j] > v })
		}
		out[i] = quantileOfRank(float64(before+1), float64(n), float64(q))
	}
	return out
}

// ranksBefore reports whether v ranks strictly before value: a smaller value,
// or a larger one when higher is better (PHE ranks max - v in that case; the
// comparison is made directly so that distinct values stay distinct).
func ranksBefore(v, value float64, p Polarity) bool {
	if p == HigherIsBetter {
		return v > value
	}
	return v < value
}

// quantileOfRank evaluates PHE's formula in float64 with the same operations,
// so results match R even where N/q is not exact.
func quantileOfRank(rank, n, q float64) int {
	k := math.Floor((q + 1) - math.Ceil(((n+1)-rank)/(n/q)))
	if k < 1 {
		k = 1
	}
	return int(k)
}
