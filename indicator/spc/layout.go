package spc

import "sort"

// partRange is the half-open index range [start, end) of part number.
type partRange struct {
	start, end, number int
}

// layout says which part each point belongs to and whether it is in the
// baseline and included in the limit calculation.
type layout struct {
	parts    []partRange
	baseline []bool
	include  []bool
}

// partData is the slice of one part that the limit formulas see.
type partData struct {
	y, sum, n, sd     []float64
	baseline, include []bool
}

// newLayout applies the Parts, Freeze and Exclude options to n points as
// qicharts2 does: part positions outside 1..n-1 are ignored, Freeze is ignored
// when Parts is given, exclusions outside 1..n are ignored.
func newLayout(n int, opts Options) layout {
	l := layout{
		parts:    splitParts(n, opts.Parts),
		baseline: make([]bool, n),
		include:  make([]bool, n),
	}
	excluded := make(map[int]bool, len(opts.Exclude))
	for _, pos := range opts.Exclude {
		excluded[pos] = true
	}
	freeze := opts.Freeze
	if freeze == 0 || len(opts.Parts) > 0 {
		freeze = n
	}
	for i := 0; i < n; i++ {
		l.baseline[i] = i < freeze
		l.include[i] = !excluded[i+1]
	}
	return l
}

// splitParts turns 1-based "new part after position p" markers into ranges.
func splitParts(n int, after []int) []partRange {
	var starts []int
	seen := make(map[int]bool, len(after))
	for _, p := range after {
		if p >= 1 && p < n && !seen[p] {
			seen[p] = true
			starts = append(starts, p)
		}
	}
	sort.Ints(starts)
	starts = append([]int{0}, starts...)
	ranges := make([]partRange, len(starts))
	for k, s := range starts {
		end := n
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		ranges[k] = partRange{start: s, end: end, number: k + 1}
	}
	return ranges
}

// slice extracts the data of one part.
func (l layout) slice(stats []obs, pr partRange) partData {
	m := pr.end - pr.start
	d := partData{
		y: make([]float64, m), sum: make([]float64, m),
		n: make([]float64, m), sd: make([]float64, m),
		baseline: l.baseline[pr.start:pr.end],
		include:  l.include[pr.start:pr.end],
	}
	for k := 0; k < m; k++ {
		o := stats[pr.start+k]
		d.y[k], d.sum[k], d.n[k], d.sd[k] = o.y, o.sum, o.n, o.sd
	}
	return d
}

// inBase reports whether point k takes part in the limit calculation: in the
// baseline and not excluded.
func (d partData) inBase(k int) bool {
	return d.baseline[k] && d.include[k]
}
