package spc_test

import (
	"errors"
	"math"
	"testing"

	"github.com/openhpi/hpi/indicator/spc"
)

var allKinds = []spc.Kind{
	spc.KindRun, spc.KindI, spc.KindMR, spc.KindXbar, spc.KindS, spc.KindT,
	spc.KindP, spc.KindPP, spc.KindC, spc.KindU, spc.KindUP, spc.KindG,
}

// subgroupsFor builds subgroups that every kind accepts from values: two
// observations each for xbar and s, denominators of 10 for the ratio charts.
func subgroupsFor(kind spc.Kind, values []float64) []spc.Subgroup {
	groups := make([]spc.Subgroup, len(values))
	for i, v := range values {
		switch kind {
		case spc.KindXbar, spc.KindS:
			groups[i] = spc.Subgroup{Values: []float64{v, v + 1}}
		case spc.KindP, spc.KindPP, spc.KindU, spc.KindUP:
			groups[i] = spc.Subgroup{Values: []float64{v}, N: 10}
		default:
			groups[i] = spc.Subgroup{Values: []float64{v}}
		}
	}
	return groups
}

// checkInvariants asserts what every chart must satisfy.
func checkInvariants(t *testing.T, c *spc.Chart, n int) {
	t.Helper()
	if len(c.Points) != n {
		t.Fatalf("%d points for %d subgroups", len(c.Points), n)
	}
	parts := 0
	for i, p := range c.Points {
		for _, pair := range [][2]float64{{p.LCL, p.CL}, {p.CL, p.UCL}, {p.LCL, p.UCL}} {
			if !math.IsNaN(pair[0]) && !math.IsNaN(pair[1]) && pair[0] > pair[1] {
				t.Errorf("point %d: LCL %v, CL %v, UCL %v out of order", i, p.LCL, p.CL, p.UCL)
			}
		}
		parts = max(parts, p.Part)
	}
	if parts != len(c.Runs) {
		t.Errorf("%d parts but %d Runs", parts, len(c.Runs))
	}
	for _, r := range c.Runs {
		if c.Kind == spc.KindMR && r.Signal {
			t.Error("mr chart runs signal")
		}
		if r.NUseful == 0 && r != (spc.Runs{}) {
			t.Errorf("no useful point but %+v", r)
		}
	}
}

func TestNewEmptySeriesIsAnError(t *testing.T) {
	for _, kind := range allKinds {
		if _, err := spc.New(kind, nil, spc.Options{}); !errors.Is(err, spc.ErrTooFewPoints) {
			t.Errorf("%s: error %v, want ErrTooFewPoints", kind, err)
		}
	}
}

// All-missing series: every point missing, limits NaN, no runs.
func TestNewAllMissingSeries(t *testing.T) {
	nan := math.NaN()
	for _, kind := range allKinds {
		groups := []spc.Subgroup{{Values: []float64{nan}, N: 10}, {Values: nil, N: nan}, {Values: []float64{nan, nan}}}
		c := newChart(t, kind, groups, spc.Options{})
		checkInvariants(t, c, 3)
		for _, p := range c.Points {
			if !math.IsNaN(p.Y) || !math.IsNaN(p.CL) || p.SigmaSignal {
				t.Errorf("%s: %+v", kind, p)
			}
		}
		if c.Runs[0] != (spc.Runs{}) {
			t.Errorf("%s: runs %+v", kind, c.Runs[0])
		}
	}
}

// Constant and single-point series never panic and keep the invariants.
func TestNewConstantAndSinglePoint(t *testing.T) {
	for _, kind := range allKinds {
		c := newChart(t, kind, subgroupsFor(kind, repeat(12, 4)), spc.Options{})
		checkInvariants(t, c, 12)
		for _, p := range c.Points {
			if p.SigmaSignal {
				t.Errorf("%s: a constant series signals: %+v", kind, p)
			}
		}
		// Every point lies on the centre line, so none is useful; the s
		// chart is left out, as the mean of twelve equal standard deviations
		// need not round back to exactly the same value.
		if kind != spc.KindS && c.Runs[0].NUseful != 0 {
			t.Errorf("%s: constant series has %d useful points", kind, c.Runs[0].NUseful)
		}
		one := newChart(t, kind, subgroupsFor(kind, []float64{4}), spc.Options{})
		checkInvariants(t, one, 1)
	}
	// One point of an I chart: a centre line, no moving range, so no limits.
	c := newChart(t, spc.KindI, individuals(4), spc.Options{})
	if c.Points[0].CL != 4 || !math.IsNaN(c.Points[0].UCL) || !math.IsNaN(c.Points[0].LCL) {
		t.Errorf("single I point: %+v", c.Points[0])
	}
	// A constant I chart has zero-width limits: the moving ranges are all 0
	// and screening does not discard them.
	c = newChart(t, spc.KindI, individuals(repeat(5, 7)...), spc.Options{ScreenMovingRanges: true})
	if c.Points[0].UCL != 7 || c.Points[0].LCL != 7 {
		t.Errorf("constant I chart: %+v", c.Points[0])
	}
}

func TestNewInvalidInput(t *testing.T) {
	nan := math.NaN()
	cases := map[string]struct {
		kind   spc.Kind
		groups []spc.Subgroup
		opts   spc.Options
	}{
		"unknown kind":       {"np", individuals(1, 2), spc.Options{}},
		"negative freeze":    {spc.KindI, individuals(1, 2), spc.Options{Freeze: -1}},
		"negative multiply":  {spc.KindI, individuals(1, 2), spc.Options{Multiply: -1}},
		"NaN multiply":       {spc.KindI, individuals(1, 2), spc.Options{Multiply: nan}},
		"infinite value":     {spc.KindI, individuals(1, math.Inf(1)), spc.Options{}},
		"huge value":         {spc.KindXbar, samples([][]float64{{1e300, 1}}), spc.Options{}},
		"negative count":     {spc.KindC, individuals(3, -1), spc.Options{}},
		"negative p count":   {spc.KindP, counts([]float64{-1}, []float64{10}), spc.Options{}},
		"count above n":      {spc.KindP, counts([]float64{11}, []float64{10}), spc.Options{}},
		"negative n":         {spc.KindU, counts([]float64{1}, []float64{-10}), spc.Options{}},
		"infinite n":         {spc.KindU, counts([]float64{1}, []float64{math.Inf(1)}), spc.Options{}},
		"tiny n":             {spc.KindU, counts([]float64{1}, []float64{1e-300}), spc.Options{}},
		"count over zero n":  {spc.KindU, counts([]float64{1}, []float64{0}), spc.Options{}},
		"count with no n":    {spc.KindP, []spc.Subgroup{{Values: []float64{2}}}, spc.Options{}},
		"zero time":          {spc.KindT, individuals(5, 0, 3), spc.Options{}},
		"negative g":         {spc.KindG, individuals(5, -1), spc.Options{}},
		"pp count above n":   {spc.KindPP, counts([]float64{3}, []float64{2}), spc.Options{}},
		"up negative count":  {spc.KindUP, counts([]float64{-3}, []float64{2}), spc.Options{}},
		"xbar infinite obs":  {spc.KindXbar, samples([][]float64{{1, math.Inf(-1)}}), spc.Options{}},
		"run infinite value": {spc.KindRun, individuals(math.Inf(-1)), spc.Options{}},
	}
	for name, tc := range cases {
		c, err := spc.New(tc.kind, tc.groups, tc.opts)
		if !errors.Is(err, spc.ErrInvalidInput) || c != nil {
			t.Errorf("%s: chart %v error %v, want ErrInvalidInput", name, c, err)
		}
	}
}

// Missing observations: NaN values are dropped inside a subgroup, a NaN
// denominator or 0 out of 0 makes the point missing, and missing points break moving
// ranges without being bridged.
func TestNewMissingObservations(t *testing.T) {
	c := newChart(t, spc.KindI, []spc.Subgroup{
		{Values: []float64{1, math.NaN(), 3}}, {Values: []float64{5}}, {}, {Values: []float64{4}}, {Values: []float64{6}},
	}, spc.Options{})
	checkRel(t, "mean of a subgroup with a NaN", c.Points[0].Y, 2)
	// Moving ranges: |5-2| = 3 and |6-4| = 2; the gap breaks the other two.
	checkRel(t, "UCL", c.Points[0].UCL, 17.0/4+3*2.5/1.128)

	p := newChart(t, spc.KindP, counts([]float64{1, 0, 3}, []float64{10, 0, math.NaN()}), spc.Options{})
	if !math.IsNaN(p.Points[1].Y) || !math.IsNaN(p.Points[2].Y) || !math.IsNaN(p.Points[2].UCL) {
		t.Errorf("missing denominators: %+v", p.Points)
	}
	checkRel(t, "p̄", p.Points[0].CL, 0.1)
}

// Count charts sum several values of a subgroup; measurement charts average
// them; Multiply scales y and every line.
func TestNewSubgroupAggregationAndMultiply(t *testing.T) {
	groups := []spc.Subgroup{{Values: []float64{2, 3}, N: 50}, {Values: []float64{1}, N: 40}, {Values: []float64{4, 0, 1}, N: 60}}
	p := newChart(t, spc.KindP, groups, spc.Options{Multiply: 100})
	checkRel(t, "summed proportion", p.Points[0].Y, 10)
	checkRel(t, "p̄ in percent", p.Points[0].CL, 100*11.0/150)
	c := newChart(t, spc.KindC, groups, spc.Options{})
	checkRel(t, "summed count", c.Points[2].Y, 5)
	i := newChart(t, spc.KindI, groups, spc.Options{})
	checkRel(t, "averaged value", i.Points[2].Y, 5.0/3)
	unscaled := newChart(t, spc.KindP, groups, spc.Options{})
	for k := range p.Points {
		checkRel(t, "scaled UCL", p.Points[k].UCL, 100*unscaled.Points[k].UCL)
		checkRel(t, "scaled LCL", p.Points[k].LCL, 100*unscaled.Points[k].LCL)
		if p.Points[k].SigmaSignal != unscaled.Points[k].SigmaSignal {
			t.Error("Multiply changed a sigma signal")
		}
	}
}

// Parts: positions outside 1..n-1 and repeats are ignored, Freeze is
// ignored when Parts is given, Exclude positions outside 1..n are ignored.
func TestNewPartsFreezeExcludeSemantics(t *testing.T) {
	values := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	c := newChart(t, spc.KindI, individuals(values...), spc.Options{Parts: []int{0, 4, 4, 8, 99, -3}, Freeze: 2, Exclude: []int{0, 9, 2}})
	if len(c.Runs) != 2 {
		t.Fatalf("%d parts, want 2", len(c.Runs))
	}
	for i, p := range c.Points {
		if p.Part != 1+i/4 || !p.Baseline || p.Include == (i == 1) {
			t.Errorf("point %d: %+v", i+1, p)
		}
	}
	checkRel(t, "part 1 mean without point 2", c.Points[0].CL, 8.0/3)
	checkRel(t, "part 2 mean", c.Points[4].CL, 6.5)

	f := newChart(t, spc.KindI, individuals(values...), spc.Options{Freeze: 100})
	checkRel(t, "freeze beyond the series", f.Points[0].CL, 4.5)
}
