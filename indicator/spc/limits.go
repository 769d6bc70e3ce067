package spc

import (
	"math"
	"sort"
)

// lines are the plotted values and the lines of one part, unscaled.
type lines struct {
	y, cl, ucl, lcl []float64
	// transformed, when set, holds the same lines on the scale where they
	// were computed; sigma signals and runs are decided there, so that the
	// round trip through the t chart's power transform cannot move a point
	// across a line by rounding.
	transformed *lines
}

// decisionScale is the scale on which points are compared with the lines.
func (ln lines) decisionScale() lines {
	if ln.transformed != nil {
		return *ln.transformed
	}
	return ln
}

// chartLines computes the centre line and 3-sigma limits of one part with the
// formulas of qicharts2 (helper.functions.R, qic.<kind>), which are
// Montgomery's and, for the prime charts, Laney's.
func chartLines(kind Kind, d partData, screen bool) lines {
	switch kind {
	case KindI:
		return iLines(d.y, d, screen)
	case KindMR:
		return mrLines(d)
	case KindXbar:
		return xbarLines(d)
	case KindS:
		return sLines(d)
	case KindT:
		return tLines(d, screen)
	case KindP, KindU:
		return attributeLines(kind, d)
	case KindPP, KindUP:
		return primeLines(kind, d, screen)
	case KindC:
		return cLines(d)
	case KindG:
		return gLines(d)
	default:
		return runLines(d)
	}
}

// constantLines is a part whose centre line and limits are the same at every
// point.
func constantLines(y []float64, cl, ucl, lcl float64) lines {
	return lines{y: y, cl: fill(len(y), cl), ucl: fill(len(y), ucl), lcl: fill(len(y), lcl)}
}

// fill is a slice of n copies of v.
func fill(n int, v float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// baseValues are the values of the points in the baseline and not excluded,
// in order, missing ones kept as NaN so that they break moving ranges.
func baseValues(values []float64, d partData) []float64 {
	out := make([]float64, 0, len(values))
	for k, v := range values {
		if d.inBase(k) {
			out = append(out, v)
		}
	}
	return out
}

// meanPresent is the mean of the non-NaN values; NaN when there are none.
func meanPresent(values []float64) float64 {
	s, n := 0.0, 0
	for _, v := range values {
		if !math.IsNaN(v) {
			s += v
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

// medianPresent is the median of the non-NaN values, the mean of the two
// middle ones for an even count; NaN when there are none.
func medianPresent(values []float64) float64 {
	var xs []float64
	for _, v := range values {
		if !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 {
		return math.NaN()
	}
	sort.Float64s(xs)
	mid := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[mid]
	}
	return (xs[mid-1] + xs[mid]) / 2
}

// movingRanges are |x[k] - x[k-1]|; a missing value makes both of its moving
// ranges NaN.
func movingRanges(xs []float64) []float64 {
	if len(xs) < 2 {
		return nil
	}
	out := make([]float64, len(xs)-1)
	for k := 1; k < len(xs); k++ {
		out[k-1] = math.Abs(xs[k] - xs[k-1])
	}
	return out
}

// averageMovingRange is the mean of the moving ranges. With screening, those
// at or above 3.267 times that mean are dropped and the mean recomputed
// (Nelson 1982), as qicharts2 does; when the mean is 0 nothing is dropped, as
// every moving range would otherwise be "at or above" it.
func averageMovingRange(mrs []float64, screen bool) float64 {
	amr := meanPresent(mrs)
	if !screen || !(amr > 0) {
		return amr
	}
	kept := make([]float64, 0, len(mrs))
	for _, mr := range mrs {
		if mr < d4MovingRange*amr {
			kept = append(kept, mr)
		}
	}
	return meanPresent(kept)
}

// runLines: the median of the baseline as centre line, no limits.
func runLines(d partData) lines {
	return constantLines(d.y, medianPresent(baseValues(d.y, d)), math.NaN(), math.NaN())
}

// iLines: the individuals chart. CL is the mean of the baseline and sigma the
// average moving range of consecutive baseline points over d2 = 1.128, so
// the limits are CL ± 3·MR̄/1.128 ≈ CL ± 2.66·MR̄ (Montgomery eq. 6.33).
// Excluded points are skipped by the moving ranges, missing ones break them.
func iLines(y []float64, d partData, screen bool) lines {
	base := baseValues(y, d)
	cl := meanPresent(base)
	sigma := averageMovingRange(movingRanges(base), screen) / d2MovingRange
	return constantLines(y, cl, cl+3*sigma, cl-3*sigma)
}

// mrLines: the moving range chart. Each point is its moving range from the
// previous point of the part; CL is their baseline mean MR̄, UCL = 3.267·MR̄
// and LCL = 0.
func mrLines(d partData) lines {
	mr := make([]float64, len(d.y))
	mr[0] = math.NaN()
	copy(mr[1:], movingRanges(d.y))
	cl := meanPresent(baseValues(mr, d))
	lcl := 0.0
	if math.IsNaN(cl) {
		lcl = math.NaN()
	}
	return constantLines(mr, cl, d4MovingRange*cl, lcl)
}

// xbarLines: CL is the size-weighted mean of the subgroup means (Montgomery
// eq. 6.30) and the limits CL ± A3(n_i)·s̄, s̄ from sigmaSubgroups.
func xbarLines(d partData) lines {
	num, den := 0.0, 0.0
	for k := range d.y {
		if d.inBase(k) && d.n[k] > 0 {
			num += d.n[k] * d.y[k]
			den += d.n[k]
		}
	}
	cl := num / den
	if den == 0 {
		cl = math.NaN()
	}
	s := sigmaSubgroups(d)
	ln := lines{y: d.y, cl: fill(len(d.y), cl), ucl: make([]float64, len(d.y)), lcl: make([]float64, len(d.y))}
	for k := range d.y {
		ln.ucl[k] = cl + a3(d.n[k])*s
		ln.lcl[k] = cl - a3(d.n[k])*s
	}
	return ln
}

// sLines: the points are the subgroup standard deviations, CL is s̄ from
// sigmaSubgroups and the limits B3(n_i)·s̄ and B4(n_i)·s̄.
func sLines(d partData) lines {
	cl := sigmaSubgroups(d)
	ln := lines{y: d.y, cl: fill(len(d.y), cl), ucl: make([]float64, len(d.y)), lcl: make([]float64, len(d.y))}
	for k := range d.y {
		ln.ucl[k] = b4(d.n[k]) * cl
		ln.lcl[k] = b3(d.n[k]) * cl
	}
	return ln
}

// sigmaSubgroups is s̄ of the baseline: the mean of the subgroup standard
// deviations when all subgroups of the part have the same size (Montgomery
// eq. 6.29), otherwise the pooled sqrt(Σ(n_i-1)s_i² / Σ(n_i-1)) (eq. 6.31).
// Missing subgroups count for neither.
func sigmaSubgroups(d partData) float64 {
	if !variableSize(d.n) {
		var sds []float64
		for k := range d.sd {
			if d.inBase(k) {
				sds = append(sds, d.sd[k])
			}
		}
		return meanPresent(sds)
	}
	num, den := 0.0, 0.0
	for k := range d.sd {
		if d.inBase(k) && d.n[k] > 0 {
			if !math.IsNaN(d.sd[k]) {
				num += (d.n[k] - 1) * d.sd[k] * d.sd[k]
			}
			den += d.n[k] - 1
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return math.Sqrt(num / den)
}

// variableSize reports whether the non-missing subgroups differ in size.
func variableSize(n []float64) bool {
	first := math.NaN()
	for _, v := range n {
		if !(v > 0) {
			continue
		}
		if math.IsNaN(first) {
			first = v
		} else if v != first {
			return true
		}
	}
	return false
}

// timeExponent is the power that makes exponentially distributed times
// between events roughly normal (Nelson 1994, as used by Montgomery section
// 7.3.5 and qicharts2 qic.t).
const timeExponent = 3.6

// tLines: an I chart of y^(1/3.6), its lines transformed back with ^3.6. A
// negative lower limit on the transformed scale becomes 0.
func tLines(d partData, screen bool) lines {
	yt := make([]float64, len(d.y))
	for k, v := range d.y {
		yt[k] = math.Pow(v, 1/timeExponent)
	}
	tr := iLines(yt, d, screen)
	back := func(v float64) float64 { return math.Pow(v, timeExponent) }
	lcl := tr.lcl[0]
	if lcl < 0 {
		lcl = 0
	} else {
		lcl = back(lcl)
	}
	ln := constantLines(d.y, back(tr.cl[0]), back(tr.ucl[0]), lcl)
	ln.transformed = &tr
	return ln
}

// attributeCentre is Σcounts/Σdenominators over the baseline.
func attributeCentre(d partData) float64 {
	num, den := 0.0, 0.0
	for k := range d.y {
		if d.inBase(k) && !math.IsNaN(d.y[k]) {
			num += d.sum[k]
			den += d.n[k]
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// attributeSigma is the binomial (p) or Poisson (u) standard deviation of a
// subgroup with denominator n around the centre line cl (Montgomery eqs. 7.8
// and 7.19).
func attributeSigma(kind Kind, cl, n float64) float64 {
	if kind == KindP || kind == KindPP {
		return math.Sqrt(cl * (1 - cl) / n)
	}
	return math.Sqrt(cl / n)
}

// attributeLines: p and u charts, CL ± 3σ_i with σ_i from the subgroup's own
// denominator.
func attributeLines(kind Kind, d partData) lines {
	cl := attributeCentre(d)
	sigma := make([]float64, len(d.y))
	for k := range d.y {
		sigma[k] = attributeSigma(kind, cl, d.n[k])
	}
	return attributeBand(kind, d.y, cl, sigma)
}

// attributeBand draws CL ± 3σ_i, flooring the lower limit at 0 and, for
// proportions, capping the upper limit at 1.
func attributeBand(kind Kind, y []float64, cl float64, sigma []float64) lines {
	ln := lines{y: y, cl: fill(len(y), cl), ucl: make([]float64, len(y)), lcl: make([]float64, len(y))}
	for k := range y {
		ln.ucl[k] = cl + 3*sigma[k]
		ln.lcl[k] = floorZero(cl - 3*sigma[k])
		if (kind == KindP || kind == KindPP) && ln.ucl[k] > 1 {
			ln.ucl[k] = 1
		}
	}
	return ln
}

// floorZero turns negative limits into 0 and keeps NaN.
func floorZero(v float64) float64 {
	if v < 0 {
		return 0
	}
	return v
}

// primeLines: Laney's p′ and u′ charts. The baseline points are turned into
// z-scores z_i = (y_i - CL)/σ_i, and σ_i is multiplied by σ_z, the average
// moving range of consecutive z-scores over 1.128 (Laney 2002), so that the
// limits include the between-subgroup variation.
func primeLines(kind Kind, d partData, screen bool) lines {
	cl := attributeCentre(d)
	sigma := make([]float64, len(d.y))
	for k := range d.y {
		sigma[k] = attributeSigma(kind, cl, d.n[k])
	}
	var z []float64
	for k := range d.y {
		if d.inBase(k) {
			z = append(z, (d.y[k]-cl)/sigma[k])
		}
	}
	sigmaZ := averageMovingRange(movingRanges(z), screen) / d2MovingRange
	for k := range sigma {
		sigma[k] *= sigmaZ
	}
	return attributeBand(kind, d.y, cl, sigma)
}

// cLines: the c chart, CL = mean count, limits CL ± 3√CL with the lower one
// floored at 0 (Montgomery eq. 7.17).
func cLines(d partData) lines {
	cl := meanPresent(baseValues(d.y, d))
	return constantLines(d.y, cl, cl+3*math.Sqrt(cl), floorZero(cl-3*math.Sqrt(cl)))
}

// gLines: the g chart. The limits come from the geometric distribution with
// the baseline mean m, m ± 3·sqrt(m(m+1)) (Montgomery; qicharts2 qic.g), the
// lower one floored at 0, while the centre line is the baseline median, as
// qicharts2 draws it: the counts are very skewed and the runs analysis needs
// a median.
func gLines(d partData) lines {
	base := baseValues(d.y, d)
	m := meanPresent(base)
	sd := math.Sqrt(m * (m + 1))
	return constantLines(d.y, medianPresent(base), m+3*sd, floorZero(m-3*sd))
}
