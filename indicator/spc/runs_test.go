package spc_test

import (
	"math"
	"testing"

	"github.com/openhpi/hpi/indicator/spc"
)

// Through New: an I chart of alternating ±1 has every point useful, so its
// Runs carry the Anhøj limits for n points; compared with the published
// table of pbcharts (see runs_internal_test.go) at a few n.
func TestRunsLimitsThroughNew(t *testing.T) {
	published := map[int][2]int{10: {6, 2}, 24: {8, 8}, 45: {8, 17}, 46: {9, 17}, 91: {10, 37}, 100: {10, 41}}
	for n, want := range published {
		values := make([]float64, n)
		for i := range values {
			values[i] = float64(1 - 2*(i%2))
		}
		r := newChart(t, spc.KindI, individuals(values...), spc.Options{}).Runs[0]
		if r.NUseful != n || r.LongestRun != 1 || r.Crossings != n-1 || r.Signal {
			t.Errorf("n=%d: %+v", n, r)
		}
		if r.LongestRunMax != want[0] || r.CrossingsMin != want[1] {
			t.Errorf("n=%d: limits (%d, %d), published (%d, %d)", n, r.LongestRunMax, r.CrossingsMin, want[0], want[1])
		}
	}
}

// Points on the centre line and missing points are not useful; excluded
// points take no part.
func TestRunsUsefulPoints(t *testing.T) {
	// Median of the 11 values is 5: that point is on the centre line.
	c := newChart(t, spc.KindRun, individuals(1, 9, 2, 8, 5, 3, 7, math.NaN(), 4, 6, 0, 10), spc.Options{})
	r := c.Runs[0]
	if r.NUseful != 10 {
		t.Errorf("NUseful = %d, want 10 (one on the median, one missing)", r.NUseful)
	}
	checkPartRuns(t, c)

	c = newChart(t, spc.KindRun, individuals(1, 9, 2, 8, 3, 7, 4, 6), spc.Options{Exclude: []int{1, 2}})
	if c.Runs[0].NUseful != 6 {
		t.Errorf("NUseful = %d, want 6 with two points excluded", c.Runs[0].NUseful)
	}
	checkRel(t, "median without excluded points", c.Points[0].CL, 5)
}

// A long run signals; so do too few crossings.
func TestRunsSignals(t *testing.T) {
	shift := append(repeat(8, 1), repeat(8, 2)...)
	for i := range shift {
		shift[i] += 0.01 * float64(i%3)
	}
	r := newChart(t, spc.KindRun, individuals(shift...), spc.Options{}).Runs[0]
	// n = 16: longest run limit round(4)+3 = 7, crossings limit qbinom(.05,15,.5) = 4.
	if r.LongestRun != 8 || r.Crossings != 1 || !r.Signal || r.LongestRunMax != 7 || r.CrossingsMin != 4 {
		t.Errorf("shift: %+v", r)
	}
	// Five runs of 4 in 20 points: longest 4 <= 7, but 4 crossings < 6.
	var few []float64
	for run := 0; run < 5; run++ {
		few = append(few, repeat(4, float64(run%2))...)
	}
	r = newChart(t, spc.KindI, individuals(few...), spc.Options{}).Runs[0]
	if r.LongestRun != 4 || r.Crossings != 4 || r.CrossingsMin != 6 || !r.Signal {
		t.Errorf("few crossings: %+v", r)
	}
}

// The mr chart never signals, even with an obvious run.
func TestRunsNeverSignalOnMRChart(t *testing.T) {
	values := []float64{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}
	c := newChart(t, spc.KindMR, individuals(values...), spc.Options{})
	if c.Runs[0].LongestRun <= c.Runs[0].LongestRunMax {
		t.Fatalf("test series should have a long run: %+v", c.Runs[0])
	}
	if c.Runs[0].Signal {
		t.Error("mr chart signalled")
	}
}

// A part with no useful point has zero counts and no signal.
func TestRunsEmptyPart(t *testing.T) {
	values := []float64{1, 2, 3, 4, math.NaN(), math.NaN()}
	c := newChart(t, spc.KindI, individuals(values...), spc.Options{Parts: []int{4}})
	if len(c.Runs) != 2 || c.Runs[1] != (spc.Runs{}) {
		t.Errorf("runs = %+v, want a zero second part", c.Runs)
	}
	if !math.IsNaN(c.Points[4].CL) || c.Points[4].Part != 2 {
		t.Errorf("empty part point: %+v", c.Points[4])
	}
}
