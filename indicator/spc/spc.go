package spc

import (
	"errors"
	"fmt"
	"math"
)

// ErrInvalidInput is wrapped by every error about an argument that cannot be
// used: an unknown kind or direction, a negative option, an infinite value, a
// negative count, a proportion above 1, a time between events that is not
// positive.
var ErrInvalidInput = errors.New("spc: invalid input")

// ErrTooFewPoints is wrapped by the error New and MakingDataCount return for
// an empty series.
var ErrTooFewPoints = errors.New("spc: too few points")

// Kind names a chart type. The values are those of the chart argument of
// qicharts2's qic().
type Kind string

// The chart kinds New accepts.
const (
	KindRun  Kind = "run"  // run chart: median centre line, no limits
	KindI    Kind = "i"    // individuals chart
	KindMR   Kind = "mr"   // moving range chart
	KindXbar Kind = "xbar" // chart of subgroup means
	KindS    Kind = "s"    // chart of subgroup standard deviations
	KindT    Kind = "t"    // time between rare events
	KindP    Kind = "p"    // proportions
	KindPP   Kind = "pp"   // Laney's p′ chart
	KindC    Kind = "c"    // counts
	KindU    Kind = "u"    // rates
	KindUP   Kind = "up"   // Laney's u′ chart
	KindG    Kind = "g"    // opportunities between rare events
)

// Subgroup is what was observed at one x. For p, pp, u and up charts Values
// holds the count(s) and N the denominator; for xbar and s, Values holds the
// subgroup's observations; otherwise one observation (several are averaged,
// or summed for the c chart). NaN marks a missing observation.
type Subgroup struct {
	X      string
	Values []float64
	N      float64
}

// Options adjusts how New computes the centre line and limits.
type Options struct {
	Freeze             int     // the first Freeze points set the limits; 0 = all
	Parts              []int   // 1-based positions after which a new part (recalculated limits) begins
	Exclude            []int   // 1-based positions left out of the limit calculation (still plotted and flagged)
	Multiply           float64 // scale of y and limits; 0 means 1
	ScreenMovingRanges bool    // drop moving ranges >= 3.267 x their mean before the I-chart limits
}

// Point is one plotted subgroup with its centre line and 3-sigma limits.
type Point struct {
	X                 string
	Y, CL, UCL, LCL   float64 // NaN where undefined
	Part              int     // 1-based
	Baseline, Include bool
	SigmaSignal       bool // outside the 3-sigma limits
}

// Runs is the Anhøj runs analysis of one part: useful points exclude those on
// the centre line and missing ones.
type Runs struct {
	NUseful, LongestRun, LongestRunMax, Crossings, CrossingsMin int
	Signal                                                      bool // LongestRun > LongestRunMax || Crossings < CrossingsMin
}

// Chart is the result of New: one Point per subgroup and one Runs per part.
type Chart struct {
	Kind   Kind
	Points []Point
	Runs   []Runs // one per part
}

// New builds a chart of the given kind from the subgroups in time order. It
// returns an error wrapping ErrTooFewPoints when groups is empty and one
// wrapping ErrInvalidInput when the kind, the options or a value cannot be
// used. Limits that the method cannot compute (a part with no baseline data,
// an I chart of one point) are NaN; they are not errors.
func New(kind Kind, groups []Subgroup, opts Options) (*Chart, error) {
	if err := checkOptions(kind, groups, opts); err != nil {
		return nil, err
	}
	stats, err := summarise(kind, groups)
	if err != nil {
		return nil, err
	}
	layout := newLayout(len(groups), opts)
	chart := &Chart{Kind: kind, Points: make([]Point, len(groups))}
	for _, pr := range layout.parts {
		part := layout.slice(stats, pr)
		ln := chartLines(kind, part, opts.ScreenMovingRanges)
		chart.Runs = append(chart.Runs, partRuns(kind, part, ln))
		writePoints(chart.Points, groups, part, ln, pr, multiplier(opts))
	}
	return chart, nil
}

// checkOptions rejects what New cannot interpret.
func checkOptions(kind Kind, groups []Subgroup, opts Options) error {
	if !kind.valid() {
		return fmt.Errorf("%w: unknown chart kind %q", ErrInvalidInput, kind)
	}
	if len(groups) == 0 {
		return fmt.Errorf("%w: no subgroups", ErrTooFewPoints)
	}
	if opts.Freeze < 0 {
		return fmt.Errorf("%w: Freeze %d is negative", ErrInvalidInput, opts.Freeze)
	}
	m := opts.Multiply
	if math.IsNaN(m) || math.IsInf(m, 0) || m < 0 {
		return fmt.Errorf("%w: Multiply %v must be a finite number >= 0", ErrInvalidInput, m)
	}
	return nil
}

// valid reports whether k is one of the kinds New implements.
func (k Kind) valid() bool {
	switch k {
	case KindRun, KindI, KindMR, KindXbar, KindS, KindT, KindP, KindPP, KindC, KindU, KindUP, KindG:
		return true
	}
	return false
}

// multiplier is Options.Multiply with 0 read as 1.
func multiplier(opts Options) float64 {
	if opts.Multiply == 0 {
		return 1
	}
	return opts.Multiply
}

// writePoints fills the chart points of one part. The sigma signal is decided
// on the unscaled (for the t chart, transformed) values so that neither the
// multiplier nor the back-transform can change it by rounding.
func writePoints(dst []Point, groups []Subgroup, part partData, ln lines, pr partRange, mult float64) {
	dec := ln.decisionScale()
	for k := range ln.y {
		i := pr.start + k
		dst[i] = Point{
			X:           groups[i].X,
			Y:           ln.y[k] * mult,
			CL:          ln.cl[k] * mult,
			UCL:         ln.ucl[k] * mult,
			LCL:         ln.lcl[k] * mult,
			Part:        pr.number,
			Baseline:    part.baseline[k],
			Include:     part.include[k],
			SigmaSignal: dec.y[k] > dec.ucl[k] || dec.y[k] < dec.lcl[k],
		}
	}
}
