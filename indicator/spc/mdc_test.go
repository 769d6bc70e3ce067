package spc_test

import (
	"errors"
	"math"
	"testing"

	"github.com/openhpi/hpi/indicator/spc"
)

// The scenarios below are built by hand; for each, the limits are recomputed
// in the test from NHSRplotthedots' formulas (ptd_spc_standard: mean ± 2.66 ×
// mean moving range, moving ranges >= 3.267 × their mean screened out, near
// band at two thirds of the distance) to confirm that each point sits where
// the scenario says, and the expected labels follow from the rules as
// NHSRplotthedots states them (ptd_calculate_point_type.R).

// handLimits is NHSRplotthedots' limit calculation written out.
func handLimits(ys []float64, screen bool) (mean, lpl, upl, nlpl, nupl float64) {
	mean = average(ys)
	var mrs []float64
	for i := 1; i < len(ys); i++ {
		mrs = append(mrs, math.Abs(ys[i]-ys[i-1]))
	}
	amr := average(mrs)
	if screen {
		var kept []float64
		for _, mr := range mrs {
			if mr < 3.267*amr {
				kept = append(kept, mr)
			}
		}
		amr = average(kept)
	}
	return mean, mean - 2.66*amr, mean + 2.66*amr, mean - 2*2.66/3*amr, mean + 2*2.66/3*amr
}

// mdc calls MakingDataCount and fails the test on error.
func mdc(t *testing.T, values []float64, opts spc.MDCOptions) *spc.MDCResult {
	t.Helper()
	r, err := spc.MakingDataCount(values, opts)
	if err != nil {
		t.Fatalf("MakingDataCount: %v", err)
	}
	if len(r.Points) != len(values) {
		t.Fatalf("%d points for %d values", len(r.Points), len(values))
	}
	return r
}

// expectLabels checks every label: those in special, "Common Cause" for the
// rest.
func expectLabels(t *testing.T, r *spc.MDCResult, special map[int]string) {
	t.Helper()
	for i, p := range r.Points {
		want, ok := special[i]
		if !ok {
			want = spc.LabelCommonCause
		}
		if p.Label != want {
			t.Errorf("point %d (y=%v): label %q, want %q", i, p.Y, p.Label, want)
		}
	}
}

// labelRange maps indices from..to (inclusive) to label.
func labelRange(m map[int]string, from, to int, label string) map[int]string {
	for i := from; i <= to; i++ {
		m[i] = label
	}
	return m
}

// concat joins slices.
func concat(parts ...[]float64) []float64 {
	var out []float64
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// alternate is n pairs of a, b.
func alternate(n int, a, b float64) []float64 {
	var out []float64
	for i := 0; i < n; i++ {
		out = append(out, a, b)
	}
	return out
}

// NHSRplotthedots' own snapshot (tests/testthat/_snaps/ptd_spc_standard.md):
// for set.seed(123); rnorm(20) it prints mean 0.142, lpl -3.01, upl 3.29.
// The twenty values are R's rnorm(20) after set.seed(123); the snapshot
// prints them to three significant digits and they agree.
func TestMDCNHSRplotthedotsSnapshot(t *testing.T) {
	y := []float64{
		-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
		-1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
		-0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
	}
	r := mdc(t, y, spc.MDCOptions{})
	p := r.Points[0]
	checkPrinted(t, "mean", p.Mean, 0.142, 0.0005)
	checkPrinted(t, "lpl", p.LPL, -3.01, 0.005)
	checkPrinted(t, "upl", p.UPL, 3.29, 0.005)
	mean, lpl, upl, _, _ := handLimits(y, true)
	checkRel(t, "mean", p.Mean, mean)
	checkRel(t, "lpl", p.LPL, lpl)
	checkRel(t, "upl", p.UPL, upl)
	expectLabels(t, r, nil)
	if r.Variation != spc.CommonCause || r.Assurance != "" {
		t.Errorf("variation %q assurance %q", r.Variation, r.Assurance)
	}
}

// Rule 1: a point outside the process limits, with the point type by
// direction.
func TestMDCOutsideLimits(t *testing.T) {
	high := concat(alternate(5, 10, 12), []float64{30}, alternate(4, 12, 10))
	_, _, upl, _, _ := handLimits(high, true)
	if !(high[10] > upl) {
		t.Fatalf("scenario: 30 should be above %v", upl)
	}
	for _, tc := range []struct {
		dir  spc.Direction
		want string
	}{
		{spc.Increase, spc.SpecialCauseImprovement},
		{"", spc.SpecialCauseImprovement},
		{spc.Decrease, spc.SpecialCauseConcern},
		{spc.Neutral, spc.SpecialCauseNeutralHigh},
	} {
		r := mdc(t, high, spc.MDCOptions{Improvement: tc.dir})
		expectLabels(t, r, map[int]string{10: spc.LabelAboveUCL})
		if r.Points[10].PointType != tc.want || r.Points[9].PointType != spc.CommonCause {
			t.Errorf("%q: point types %q, %q", tc.dir, r.Points[10].PointType, r.Points[9].PointType)
		}
	}
	checkRel(t, "UPL", mdc(t, high, spc.MDCOptions{}).Points[0].UPL, upl)

	low := concat(alternate(5, 8, 14), []float64{-20}, alternate(4, 14, 8))
	mean, lpl, _, _, _ := handLimits(low, true)
	if !(low[10] < lpl && low[8] < mean) {
		t.Fatalf("scenario: -20 should be below %v and 8 below the mean %v", lpl, mean)
	}
	for dir, want := range map[spc.Direction]string{
		spc.Increase: spc.SpecialCauseConcern,
		spc.Decrease: spc.SpecialCauseImprovement,
		spc.Neutral:  spc.SpecialCauseNeutralLow,
	} {
		r := mdc(t, low, spc.MDCOptions{Improvement: dir})
		expectLabels(t, r, map[int]string{10: spc.LabelBelowLCL})
		if r.Points[10].PointType != want {
			t.Errorf("%q: point type %q, want %q", dir, r.Points[10].PointType, want)
		}
	}
}

// Rule 2: seven strictly increasing or decreasing points; a tie breaks the
// trend.
func TestMDCTrend(t *testing.T) {
	up := concat(alternate(3, 10, 11), []float64{9.6, 9.9, 10.2, 10.5, 10.8, 11.1, 11.4}, alternate(4, 10, 11))
	r := mdc(t, up, spc.MDCOptions{})
	expectLabels(t, r, labelRange(map[int]string{}, 6, 12, spc.LabelTrendUp))
	if r.Points[8].PointType != spc.SpecialCauseImprovement {
		t.Errorf("rising trend, increase is better: %q", r.Points[8].PointType)
	}

	down := concat(alternate(3, 11, 10), []float64{11.4, 11.1, 10.8, 10.5, 10.2, 9.9, 9.6}, alternate(4, 11, 10))
	r = mdc(t, down, spc.MDCOptions{Improvement: spc.Decrease})
	expectLabels(t, r, labelRange(map[int]string{}, 6, 12, spc.LabelTrendDown))
	if r.Points[12].PointType != spc.SpecialCauseImprovement {
		t.Errorf("falling trend, decrease is better: %q", r.Points[12].PointType)
	}

	// Two equal neighbours: 3 and then 4 rising points, no trend.
	tie := concat(alternate(3, 10, 11), []float64{9.6, 9.9, 10.2, 10.2, 10.8, 11.1, 11.4}, alternate(4, 10, 11))
	expectLabels(t, mdc(t, tie, spc.MDCOptions{}), nil)
}

// At the peak shared by a rising and a falling trend NHSRplotthedots takes
// the direction of the step to the next point ("if a point is part of a trend
// either side, use right side").
func TestMDCTrendPeakTakesNextStep(t *testing.T) {
	peak := concat(alternate(3, 10, 11),
		[]float64{9.5, 9.75, 10, 10.25, 10.5, 10.75, 11, 10.75, 10.5, 10.25, 10, 9.75, 9.5},
		alternate(3, 11, 10))
	r := mdc(t, peak, spc.MDCOptions{})
	want := labelRange(map[int]string{}, 6, 11, spc.LabelTrendUp)
	expectLabels(t, r, labelRange(want, 12, 18, spc.LabelTrendDown))
}

// Rule 3: two of three consecutive points beyond the 2-sigma band on the same
// side; only the points beyond the band are flagged.
func TestMDCTwoInThree(t *testing.T) {
	y := concat(alternate(6, 10, 12), []float64{16.5, 12, 16.8}, alternate(6, 10, 12), []float64{5.5, 10, 5.2}, alternate(3, 12, 10))
	mean, lpl, upl, nlpl, nupl := handLimits(y, true)
	for _, i := range []int{12, 14} {
		if !(y[i] > nupl && y[i] < upl) {
			t.Fatalf("scenario: %v should be between %v and %v", y[i], nupl, upl)
		}
	}
	for _, i := range []int{27, 29} {
		if !(y[i] < nlpl && y[i] > lpl) {
			t.Fatalf("scenario: %v should be between %v and %v", y[i], lpl, nlpl)
		}
	}
	if !(y[13] > mean && y[28] < mean) {
		t.Fatal("scenario: the middle points must be on the same side")
	}
	r := mdc(t, y, spc.MDCOptions{})
	expectLabels(t, r, map[int]string{
		12: spc.LabelTwoInThreeHigh, 14: spc.LabelTwoInThreeHigh,
		27: spc.LabelTwoInThreeLow, 29: spc.LabelTwoInThreeLow,
	})
	if r.Points[27].PointType != spc.SpecialCauseConcern {
		t.Errorf("low 2 in 3 with increase better: %q", r.Points[27].PointType)
	}
}

// From NHSRplotthedots' tests (test-ptd_spc_standard.R): two successive
// points close to the limits on opposite sides of the mean are common cause.
func TestMDCTwoInThreeOppositeSides(t *testing.T) {
	y := alternate(8, 1, -1)
	y[14], y[15] = 5.5, -5.5
	r := mdc(t, y, spc.MDCOptions{})
	if r.Points[14].PointType != spc.CommonCause || r.Points[15].PointType != spc.CommonCause {
		t.Errorf("got %q, %q", r.Points[14].Label, r.Points[15].Label)
	}
}

// runsSeries has 7 points above the mean (indices 8-14) and 7 below (23-29);
// values are multiples of 1/4 and sum to 340 over 34 points, so the mean is
// exactly 10.
func runsSeries() []float64 {
	return concat(alternate(4, 11, 9),
		[]float64{10.5, 11.5, 10.75, 11.25, 10.5, 11.5, 10.75},
		alternate(4, 9, 11),
		[]float64{9.5, 8.5, 9.25, 8.75, 9.5, 8.5, 9.25},
		alternate(2, 11, 9))
}

// Rule 4: seven points on one side of the mean.
func TestMDCRunOfSeven(t *testing.T) {
	y := runsSeries()
	if m, _, _, _, nupl := handLimits(y, true); m != 10 || nupl < 11.5 {
		t.Fatalf("scenario: mean %v near band %v", m, nupl)
	}
	r := mdc(t, y, spc.MDCOptions{Improvement: spc.Decrease})
	want := labelRange(map[int]string{}, 8, 14, spc.LabelRunAbove)
	expectLabels(t, r, labelRange(want, 23, 29, spc.LabelRunBelow))
	if r.Points[10].PointType != spc.SpecialCauseConcern || r.Points[25].PointType != spc.SpecialCauseImprovement {
		t.Errorf("point types %q, %q", r.Points[10].PointType, r.Points[25].PointType)
	}
}

// A point exactly on the mean breaks a run: replacing 11.25 and 8.75 by 10
// keeps the mean at exactly 10 and leaves runs of 3 only.
func TestMDCPointOnMeanBreaksRun(t *testing.T) {
	y := runsSeries()
	y[11], y[26] = 10, 10
	r := mdc(t, y, spc.MDCOptions{})
	if r.Points[11].Mean != 10 {
		t.Fatalf("mean %v, want exactly 10", r.Points[11].Mean)
	}
	expectLabels(t, r, nil)
}

// Rule priority: outside limits, then trend, then 2 in 3, then run.
func TestMDCRulePriority(t *testing.T) {
	// A rising run above the mean ending outside the limits: the outside
	// point is "Above UCL", the rest of the trend (7-13, 9 → 12 rising) a
	// trend, although they are also a run of 7 above the mean.
	y := concat(alternate(4, 11, 9), []float64{10.75, 11, 11.25, 11.5, 11.75, 12, 20}, alternate(6, 9, 11))
	mean, _, upl, _, _ := handLimits(y, true)
	if !(y[14] > upl && y[8] > mean) {
		t.Fatal("scenario: 20 must be outside and the run above the mean")
	}
	r := mdc(t, y, spc.MDCOptions{})
	expectLabels(t, r, labelRange(map[int]string{14: spc.LabelAboveUCL}, 7, 13, spc.LabelTrendUp))

	// A run of 7 above the mean with two near points: 2 in 3 wins over run.
	y = concat(alternate(4, 11, 9), []float64{11, 14.3, 11.5, 14.6, 11, 11.5, 10.75}, alternate(6, 9, 11))
	mean, _, upl, _, nupl := handLimits(y, true)
	if !(y[9] > nupl && y[11] > nupl && y[11] < upl && y[14] > mean) {
		t.Fatal("scenario: 14.3 and 14.6 must be near, 10.75 above the mean")
	}
	r = mdc(t, y, spc.MDCOptions{})
	want := labelRange(map[int]string{}, 8, 14, spc.LabelRunAbove)
	want[9], want[11] = spc.LabelTwoInThreeHigh, spc.LabelTwoInThreeHigh
	expectLabels(t, r, want)

	// A trend whose last two points are near: trend wins over 2 in 3.
	y = concat(alternate(4, 11, 9), []float64{10.5, 10.75, 11, 11.25, 11.5, 13.75, 14}, alternate(6, 9, 11))
	_, _, upl, _, nupl = handLimits(y, true)
	if !(y[13] > nupl && y[14] > nupl && y[14] < upl) {
		t.Fatal("scenario: 13.75 and 14 must be near")
	}
	expectLabels(t, mdc(t, y, spc.MDCOptions{}), labelRange(map[int]string{}, 7, 14, spc.LabelTrendUp))

	// An outside point does not count towards 2 in 3: one outside and one
	// near point above leave the near point common cause.
	y = concat(alternate(6, 10, 12), []float64{25, 12, 16.5}, alternate(6, 10, 12))
	_, _, upl, _, nupl = handLimits(y, true)
	if !(y[12] > upl && y[14] > nupl && y[14] < upl) {
		t.Fatal("scenario: 25 must be outside and 16.5 near")
	}
	expectLabels(t, mdc(t, y, spc.MDCOptions{}), map[int]string{12: spc.LabelAboveUCL})
}

// Rebasing: each group has its own mean and limits, and no rule crosses the
// boundary. Here 5 points above the first group's mean are followed by 2
// above the second's: a run of 7 only if the groups were joined.
func TestMDCRebase(t *testing.T) {
	first := concat(alternate(4, 9, 11), []float64{11, 11, 11, 11})
	second := concat([]float64{21, 21}, alternate(5, 19, 21))
	y := concat(first, second)
	r := mdc(t, y, spc.MDCOptions{RebaseAt: []int{12}})
	expectLabels(t, r, nil)
	for i, p := range r.Points {
		part := first
		if i >= 12 {
			part = second
		}
		mean, lpl, upl, _, _ := handLimits(part, true)
		checkRel(t, "mean", p.Mean, mean)
		checkRel(t, "LPL", p.LPL, lpl)
		checkRel(t, "UPL", p.UPL, upl)
	}
	// Without rebasing the level shift is a special cause throughout.
	r = mdc(t, y, spc.MDCOptions{})
	for i, p := range r.Points {
		if p.PointType == spc.CommonCause {
			t.Errorf("unrebased point %d is common cause", i)
		}
	}
	// Index 0 and repeats change nothing; order does not matter.
	again := mdc(t, y, spc.MDCOptions{RebaseAt: []int{12, 0, 12}})
	if again.Points[20].Mean != mdc(t, y, spc.MDCOptions{RebaseAt: []int{12}}).Points[20].Mean {
		t.Error("RebaseAt {12, 0, 12} differs from {12}")
	}
}

// A limit group shorter than 13 points is computed, not an error; a group
// of one point has undefined limits and is common cause.
func TestMDCShortGroups(t *testing.T) {
	y := []float64{5, 7, 6, 5, 7, 100}
	r := mdc(t, y, spc.MDCOptions{RebaseAt: []int{5}})
	mean, lpl, upl, _, _ := handLimits(y[:5], true)
	checkRel(t, "mean", r.Points[0].Mean, mean)
	checkRel(t, "LPL", r.Points[0].LPL, lpl)
	checkRel(t, "UPL", r.Points[0].UPL, upl)
	last := r.Points[5]
	if last.Mean != 100 || !math.IsNaN(last.LPL) || !math.IsNaN(last.UPL) || last.Label != spc.LabelCommonCause {
		t.Errorf("one-point group: %+v", last)
	}
}

// FixAfter: the limits come from the first FixAfter points of each group.
func TestMDCFixAfter(t *testing.T) {
	y := concat(alternate(6, 11, 9), alternate(4, 16, 17))
	r := mdc(t, y, spc.MDCOptions{FixAfter: 12})
	mean, lpl, upl, _, _ := handLimits(y[:12], true)
	for _, p := range r.Points {
		checkRel(t, "mean", p.Mean, mean)
		checkRel(t, "LPL", p.LPL, lpl)
		checkRel(t, "UPL", p.UPL, upl)
	}
	expectLabels(t, r, labelRange(map[int]string{}, 12, 19, spc.LabelAboveUCL))

	// FixAfter beyond the group uses the whole group, like 0.
	all := mdc(t, y, spc.MDCOptions{FixAfter: 50})
	checkRel(t, "mean", all.Points[0].Mean, average(y))

	// With rebasing, each group is fixed on its own first FixAfter points.
	z := concat(y, alternate(6, 30, 31), alternate(2, 40, 41))
	r = mdc(t, z, spc.MDCOptions{FixAfter: 12, RebaseAt: []int{20}})
	checkRel(t, "second group mean", r.Points[25].Mean, 30.5)
	if r.Points[33].Label != spc.LabelAboveUCL {
		t.Errorf("second group: %q", r.Points[33].Label)
	}
}

// Assurance compares the target with the process limits of the last group.
func TestMDCAssurance(t *testing.T) {
	y := alternate(6, 11, 9) // mean 10, MR̄ 2: limits 4.68 and 15.32
	target := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		dir    spc.Direction
		target *float64
		want   string
	}{
		{spc.Increase, target(16), spc.AssuranceConsistentFail},
		{spc.Increase, target(4), spc.AssuranceConsistentPass},
		{spc.Increase, target(10), spc.AssuranceInconsistent},
		{spc.Decrease, target(16), spc.AssuranceConsistentPass},
		{spc.Decrease, target(4), spc.AssuranceConsistentFail},
		{spc.Decrease, target(10), spc.AssuranceInconsistent},
		{spc.Neutral, target(16), ""},
		{spc.Increase, nil, ""},
		{spc.Increase, target(10 + 2.66*2), spc.AssuranceInconsistent}, // on the limit
	} {
		r := mdc(t, y, spc.MDCOptions{Improvement: tc.dir, Target: tc.target})
		if r.Assurance != tc.want {
			t.Errorf("%q target %v: %q, want %q", tc.dir, tc.target, r.Assurance, tc.want)
		}
	}
	// After a rebase only the last group's limits count.
	z := concat(y, alternate(6, 31, 29))
	r := mdc(t, z, spc.MDCOptions{RebaseAt: []int{12}, Target: target(16)})
	if r.Assurance != spc.AssuranceConsistentPass {
		t.Errorf("rebased: %q", r.Assurance)
	}
}

// Variation is the point type of the last point.
func TestMDCVariation(t *testing.T) {
	y := concat(alternate(6, 10, 12), []float64{-10})
	if r := mdc(t, y, spc.MDCOptions{}); r.Variation != spc.SpecialCauseConcern {
		t.Errorf("variation %q", r.Variation)
	}
	if r := mdc(t, y, spc.MDCOptions{Improvement: spc.Neutral}); r.Variation != spc.SpecialCauseNeutralLow {
		t.Errorf("variation %q", r.Variation)
	}
}

// Screening is on by default; NoOutlierScreening keeps every moving range.
func TestMDCOutlierScreening(t *testing.T) {
	y := concat(alternate(6, 10, 12), []float64{30}, alternate(6, 12, 10))
	_, _, screened, _, _ := handLimits(y, true)
	_, _, plain, _, _ := handLimits(y, false)
	checkRel(t, "screened UPL", mdc(t, y, spc.MDCOptions{}).Points[0].UPL, screened)
	checkRel(t, "unscreened UPL", mdc(t, y, spc.MDCOptions{NoOutlierScreening: true}).Points[0].UPL, plain)
	if screened >= plain {
		t.Error("screening should narrow the limits here")
	}
}

func TestMDCErrors(t *testing.T) {
	ok := alternate(7, 1, 2)
	bad := 12.0
	nan := math.NaN()
	for name, tc := range map[string]struct {
		values []float64
		opts   spc.MDCOptions
		want   error
	}{
		"empty":        {nil, spc.MDCOptions{}, spc.ErrTooFewPoints},
		"NaN value":    {[]float64{1, nan, 2}, spc.MDCOptions{}, spc.ErrInvalidInput},
		"Inf value":    {[]float64{1, math.Inf(1)}, spc.MDCOptions{}, spc.ErrInvalidInput},
		"direction":    {ok, spc.MDCOptions{Improvement: "up"}, spc.ErrInvalidInput},
		"NaN target":   {ok, spc.MDCOptions{Target: &nan}, spc.ErrInvalidInput},
		"FixAfter 5":   {ok, spc.MDCOptions{FixAfter: 5}, spc.ErrInvalidInput},
		"FixAfter -1":  {ok, spc.MDCOptions{FixAfter: -1}, spc.ErrInvalidInput},
		"rebase range": {ok, spc.MDCOptions{RebaseAt: []int{14}}, spc.ErrInvalidInput},
		"rebase neg":   {ok, spc.MDCOptions{RebaseAt: []int{-1}}, spc.ErrInvalidInput},
	} {
		_, err := spc.MakingDataCount(tc.values, tc.opts)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", name, err, tc.want)
		}
	}
	if _, err := spc.MakingDataCount(ok, spc.MDCOptions{FixAfter: 12, Target: &bad}); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

// Constant and single-value series: no panic, no special cause.
func TestMDCDegenerateSeries(t *testing.T) {
	r := mdc(t, repeat(15, 3), spc.MDCOptions{})
	expectLabels(t, r, nil)
	if r.Points[0].LPL != 3 || r.Points[0].UPL != 3 {
		t.Errorf("constant series limits %v, %v", r.Points[0].LPL, r.Points[0].UPL)
	}
	r = mdc(t, []float64{4}, spc.MDCOptions{Target: new(float64)})
	if r.Points[0].Label != spc.LabelCommonCause || r.Assurance != spc.AssuranceInconsistent {
		t.Errorf("single value: %+v", r)
	}
}
