package framework

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/synth"
)

const compositeFramework = `id: f
indicator_sets: [s.yaml]
nodes:
  - {id: a, indicators: [{id: A, weight: 2}, {id: B, benchmark: 2.5}]}
composites:
  - {id: z, across: area, normalisation: z-score}
  - {id: mm, across: area, normalisation: min-max}
  - {id: r, across: area, normalisation: rank}
`

// report builds a report by hand: A (higher is better) and B (lower is
// better) in areas 1, 2, 3 and 10; A has no value in area 10.
func report() *indicator.Report {
	nan := indicator.Float(math.NaN())
	strata := func(vals ...float64) []indicator.StratifierResult {
		out := indicator.StratifierResult{ID: "area"}
		for i, v := range vals {
			out.Strata = append(out.Strata, indicator.Stratum{Values: []string{[]string{"1", "10", "2", "3"}[i]},
				Estimate: indicator.Estimate{Value: indicator.Float(v), Lower: nan, Upper: nan}})
		}
		return []indicator.StratifierResult{out}
	}
	return &indicator.Report{SetID: "f", Read: 100, Indicators: []indicator.Result{
		{ID: "A", Type: indicator.Mean, Polarity: indicator.HigherIsBetter, Status: "green",
			Estimate: indicator.Estimate{Value: 20, Lower: 18, Upper: 22}, Stratifiers: strata(10, math.NaN(), 20, 30)},
		{ID: "B", Type: indicator.Mean, Polarity: indicator.LowerIsBetter,
			Estimate: indicator.Estimate{Value: 3, Lower: 2.8, Upper: 3.2}, Stratifiers: strata(5, 3, 1, 3)},
	}}
}

// Composite scores against values computed by hand from the formulas in
// the package documentation. Units sort numerically: 1, 2, 3, 10.
//
//	A (weight 2, higher is better) in 1, 2, 3: 10, 20, 30 (missing in 10)
//	B (weight 1, lower is better) in 1, 2, 3, 10: 5, 1, 3, 3
func TestScorecard_Composites(t *testing.T) {
	f, err := load(t, map[string]string{"f.yaml": compositeFramework, "s.yaml": setYAML})
	require.NoError(t, err)
	sc, err := f.Scorecard(report(), nil)
	require.NoError(t, err)
	require.Len(t, sc.Composites, 3)
	nan := math.NaN()
	// z-score. A: mean 20, sd 10 → -1, 0, 1. B: mean 3, sd sqrt(8/3)
	// (n − 1 = 3) → -(x − 3)/sd: -2/sd, 2/sd, 0, 0.
	sdB := math.Sqrt(8.0 / 3)
	// min-max. A: 0, 0.5, 1. B (max 5, min 1): (5 − x)/4 → 0, 1, 0.5, 0.5.
	// rank. A: ranks 1, 2, 3 of 3 → 0, 0.5, 1. B ordered by −x: −5 < −3 = −3 < −1,
	// ranks 1, 4, 2.5, 2.5 of 4 → 0, 1, 0.5, 0.5.
	want := map[string]struct{ a, b, score []float64 }{
		"z":  {[]float64{-1, 0, 1, nan}, []float64{-2 / sdB, 2 / sdB, 0, 0}, []float64{(-2 - 2/sdB) / 3, (2 / sdB) / 3, 2.0 / 3, nan}},
		"mm": {[]float64{0, 0.5, 1, nan}, []float64{0, 1, 0.5, 0.5}, []float64{0, 2.0 / 3, 2.5 / 3, nan}},
		"r":  {[]float64{0, 0.5, 1, nan}, []float64{0, 1, 0.5, 0.5}, []float64{0, 2.0 / 3, 2.5 / 3, nan}},
	}
	for _, c := range sc.Composites {
		w := want[c.ID]
		assert.Equal(t, []Component{{"A", 2}, {"B", 1}}, c.Components)
		var units []string
		for i, u := range c.Units {
			units = append(units, u.Unit)
			assertFloat(t, w.a[i], float64(u.Normalised[0]), c.ID+" A "+u.Unit)
			assertFloat(t, w.b[i], float64(u.Normalised[1]), c.ID+" B "+u.Unit)
			assertFloat(t, w.score[i], float64(u.Score), c.ID+" score "+u.Unit)
		}
		assert.Equal(t, []string{"1", "2", "3", "10"}, units)
	}
	// Roll-up and benchmark: A green; B has no status; B's interval
	// [2.8, 3.2] lies above the benchmark 2.5, and lower is better → worse.
	require.Len(t, sc.Nodes, 1)
	assert.Equal(t, StatusCounts{Green: 1, Unassessed: 1}, sc.Nodes[0].Counts)
	assert.Equal(t, "worse", sc.Nodes[0].Indicators[1].Comparison)
	assert.Empty(t, sc.Nodes[0].Indicators[0].Comparison)
}

func assertFloat(t *testing.T, want, got float64, msg string) {
	t.Helper()
	if math.IsNaN(want) {
		assert.True(t, math.IsNaN(got), "%s: want NaN, got %v", msg, got)
		return
	}
	assert.InDelta(t, want, got, 1e-12, msg)
}

func TestNormalise_Ties(t *testing.T) {
	got := normalise([]float64{1, 1, 2}, Rank, false)
	assert.Equal(t, []float64{0.25, 0.25, 1}, got) // average ranks 1.5, 1.5, 3 of 3
	assert.Equal(t, []float64{0.5, 0.5}, normalise([]float64{4, 4}, MinMax, true))
	assert.Equal(t, []float64{0, 0}, normalise([]float64{4, 4}, ZScore, false))
}

// Trends: direction from the first to the last value, assessment by
// polarity.
func TestTrend(t *testing.T) {
	res := func(vs ...float64) []*indicator.Result {
		var out []*indicator.Result
		for _, v := range vs {
			out = append(out, &indicator.Result{Estimate: indicator.Estimate{Value: indicator.Float(v)}})
		}
		return out
	}
	tr := trend(res(10, math.NaN(), 12, 11), indicator.LowerIsBetter)
	assert.Equal(t, "up", tr.Direction)
	assert.Equal(t, "worsening", tr.Assessment)
	assert.InDelta(t, 1.0, float64(tr.Change), 1e-12)
	assert.Equal(t, "common_cause", tr.Variation)
	tr = trend(res(10, 9), indicator.NoJudgement)
	assert.Equal(t, "down", tr.Direction)
	assert.Empty(t, tr.Assessment)
	tr = trend(res(10), indicator.HigherIsBetter)
	assert.Empty(t, tr.Direction)
	assert.True(t, math.IsNaN(float64(tr.Change)))
}

// The scorecard JSON is stable: the same bytes for the same scorecard,
// with worker counts that differ, sorted keys, and null for NaN.
func TestScorecard_StableJSON(t *testing.T) {
	f := loadExample(t)
	var outs [][]byte
	for _, workers := range []int{1, 4} {
		src, err := synth.NewSource(f.Set().Schema(), synth.Config{N: 2000, Seed: 3, BatchSize: 100 * workers})
		require.NoError(t, err)
		sc, err := f.EvaluateSeries(t.Context(), src, indicator.Months(mustDate(t, "2024-10-01"), 3, "period_start", "period_end"), indicator.WithWorkers(workers))
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, sc.WriteJSON(&buf))
		outs = append(outs, buf.Bytes())
	}
	assert.Equal(t, string(outs[0]), string(outs[1]))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(outs[0], &doc))
	assert.Equal(t, []any{"2024-10", "2024-11", "2024-12"}, doc["periods"])
	assert.True(t, strings.Contains(string(outs[0]), `"score": null`), "a composite unit without every component is null")
	assert.Less(t, strings.Index(string(outs[0]), `"citation"`), strings.Index(string(outs[0]), `"framework"`), "keys sorted")
}

func mustDate(t *testing.T, s string) (d timeT) {
	t.Helper()
	d, err := parseDate(s)
	require.NoError(t, err)
	return d
}

// Every template loads and validates, and, with the example indicators
// attached to each of its leaves (and more to its inner nodes), evaluates
// against the synthetic population in one pass.
func TestTemplates_LoadValidateEvaluate(t *testing.T) {
	names := Templates()
	assert.Equal(t, []string{"balanced-scorecard", "donabedian", "ihi-triple-aim", "iom-steeep",
		"oecd-hcqi", "quadruple-aim", "who-building-blocks"}, names)
	ex := loadExample(t)
	ids := ex.Indicators()
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			tpl, err := Template(name)
			require.NoError(t, err)
			assert.NotEmpty(t, tpl.Citation)
			assert.NotEmpty(t, tpl.Nodes)
			var y strings.Builder
			y.WriteString("id: t\nextends: " + name + "\nindicator_sets: [sets/clinical.yaml, sets/utilisation.yaml]\nattach:\n")
			k := 0
			for _, n := range tpl.Nodes {
				y.WriteString("  " + n.ID + ": [" + ids[k%len(ids)] + "]\n")
				k++
			}
			f, err := Load("t.yaml", []byte(y.String()), WithFS(os.DirFS(exampleDir)))
			require.NoError(t, err)
			assert.Equal(t, tpl.Citation, f.Citation, "the citation is inherited")
			src := population(t, f, 1000)
			sc, err := f.Evaluate(t.Context(), src)
			require.NoError(t, err)
			assert.Equal(t, int64(1000), src.records)
			require.Len(t, sc.Nodes, len(tpl.Nodes))
			for _, n := range sc.Nodes {
				require.Len(t, n.Indicators, 1, n.ID)
				c := n.Counts
				assert.Equal(t, len(f.subtree(n.ID)), c.Green+c.Amber+c.Red+c.Other+c.Unassessed+c.NoData-dupes(f, n.ID), n.ID)
			}
		})
	}
}

// dupes counts the references in a subtree that repeat an indicator
// already counted there.
func dupes(f *Framework, id string) int {
	seen, d := map[string]bool{}, 0
	for _, i := range f.subtree(id) {
		for _, r := range f.Nodes[i].Indicators {
			if seen[r.Indicator] {
				d++
			}
			seen[r.Indicator] = true
		}
	}
	return -d
}

// The crosswalks the templates declare point at nodes that exist, and the
// Quadruple Aim maps every Triple Aim node.
func TestTemplates_Crosswalks(t *testing.T) {
	q, err := Template("quadruple-aim")
	require.NoError(t, err)
	var targets []string
	for _, c := range q.Crosswalks {
		assert.Equal(t, "ihi-triple-aim", c.Framework)
		assert.Equal(t, Equivalent, c.Relation)
		targets = append(targets, c.Target)
	}
	triple, err := Template("ihi-triple-aim")
	require.NoError(t, err)
	var nodes []string
	for _, n := range triple.Nodes {
		nodes = append(nodes, n.ID)
	}
	assert.ElementsMatch(t, nodes, targets)
	_, extra := q.Node("care-team-wellbeing")
	assert.True(t, extra)
}
