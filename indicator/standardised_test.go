package indicator_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/stats"
)

// areaCells builds area-level records: per area, per ESP2013 band, deaths
// and population.
func areaCells(t *testing.T, set *indicator.Set, deaths, pops map[string][]float64) indicator.Source {
	t.Helper()
	b := indicator.NewBatchBuilder(set.Schema())
	for _, area := range []string{"A", "B"} {
		for band := range deaths[area] {
			b.Field(0).AppendString(area)
			b.Field(1).AppendInt(int64(band))
			b.Field(2).AppendInt(int64(deaths[area][band]))
			b.Field(3).AppendDouble(pops[area][band])
			require.NoError(t, b.EndRow())
		}
	}
	return indicator.Batches(b.Build())
}

func TestStandardised_DSRAndSMRFromAreaCounts(t *testing.T) {
	set, err := indicator.LoadFile("../examples/standardised/mortality.yaml")
	require.NoError(t, err)
	deaths, pops := map[string][]float64{}, map[string][]float64{}
	for _, area := range []string{"A", "B"} {
		deaths[area], pops[area] = make([]float64, 19), make([]float64, 19)
		for band := range 19 {
			pops[area][band] = 1000
			deaths[area][band] = float64(band) // area A: 0..18 deaths
			if area == "B" {
				deaths[area][band] = 2 // area B: a flat rate of 2 per 1000
			}
		}
	}
	rep, err := set.Evaluate(context.Background(), areaCells(t, set, deaths, pops))
	require.NoError(t, err)

	dsr, ok := rep.Result("MORT-DSR")
	require.True(t, ok)
	byArea := dsr.Stratifiers[0].Strata
	require.Len(t, byArea, 2)
	// Area B has the same rate in every band, so its DSR equals the crude
	// rate whatever the standard: 2/1000 = 200 per 100,000.
	assert.InDelta(t, 200, float64(byArea[1].Value), 1e-9)
	assert.Equal(t, "dobson", byArea[1].Method)
	// Area A: Σ w_i x_i / n_i / Σ w_i written out.
	var weighted, total float64
	for band, w := range stats.ESP2013 {
		weighted += w * float64(band) / 1000
		total += w
	}
	assert.InDelta(t, weighted/total*1e5, float64(byArea[0].Value), 1e-9)
	// The engine hands the per-band sums to stats.DSR.
	want, err := stats.DSR(deaths["A"], pops["A"], stats.ESP2013, 0.95)
	require.NoError(t, err)
	assert.InDelta(t, want.Lower*1e5, float64(byArea[0].Lower), 1e-9)
	assert.InDelta(t, want.Upper*1e5, float64(byArea[0].Upper), 1e-9)

	smr, ok := rep.Result("MORT-SMR")
	require.True(t, ok)
	// Expected deaths of area B: Σ rate_i × 1000; observed 38.
	var expected float64
	for _, r := range set.Spec().Indicators[1].ReferenceCounts {
		expected += r * 1000
	}
	assert.InDelta(t, 38/expected*100, float64(smr.Stratifiers[0].Strata[1].Value), 1e-9)
	assert.Equal(t, "byar", smr.Stratifiers[0].Strata[1].Method)
}

func TestStandardised_DSRBelowTenEventsHasANote(t *testing.T) {
	set, err := indicator.LoadFile("../examples/standardised/mortality.yaml")
	require.NoError(t, err)
	deaths, pops := map[string][]float64{"A": make([]float64, 19), "B": make([]float64, 19)}, map[string][]float64{"A": make([]float64, 19), "B": make([]float64, 19)}
	for band := range 19 {
		pops["A"][band], pops["B"][band] = 500, 500
	}
	deaths["A"][3] = 4 // 4 deaths in area A: below PHE's threshold of 10
	deaths["B"][5] = 20
	rep, err := set.Evaluate(context.Background(), areaCells(t, set, deaths, pops))
	require.NoError(t, err)
	dsr, _ := rep.Result("MORT-DSR")
	a := dsr.Stratifiers[0].Strata[0]
	assert.True(t, math.IsNaN(float64(a.Value)))
	assert.Contains(t, a.Note, "fewer than 10 events")
	assert.False(t, math.IsNaN(float64(dsr.Stratifiers[0].Strata[1].Value)))
}

func TestStandardised_BandOutsideTheStandardIsAnError(t *testing.T) {
	set, err := indicator.LoadFile("../examples/standardised/mortality.yaml")
	require.NoError(t, err)
	b := indicator.NewBatchBuilder(set.Schema())
	b.Field(0).AppendString("A")
	b.Field(1).AppendInt(19)
	b.Field(2).AppendInt(1)
	b.Field(3).AppendDouble(10)
	require.NoError(t, b.EndRow())
	rep, err := set.Evaluate(context.Background(), indicator.Batches(b.Build()))
	require.NoError(t, err)
	dsr, _ := rep.Result("MORT-DSR")
	assert.Equal(t, int64(1), dsr.Accounting.Errored)
	require.Len(t, dsr.Errors, 1)
	assert.Equal(t, "age_band", dsr.Errors[0].Field)
	assert.Contains(t, dsr.Errors[0].Message, "outside 0..18")
}

func TestStandardised_SpecErrors(t *testing.T) {
	cases := map[string]struct {
		yaml, want string
		class      error
	}{
		"dsr without standard": {`
id: x
schema: {fields: {band: int}}
indicators:
  - {id: D, type: dsr, age_band: band}
`, "needs a standard_population", indicator.ErrInvalidDefinition},
		"isr with mismatched reference": {`
id: x
schema: {fields: {band: int}}
indicators:
  - {id: I, type: isr, age_band: band, reference: {counts: [1, 2], populations: [10]}}
`, "same length", indicator.ErrInvalidDefinition},
		"age band must be an int": {`
id: x
schema: {fields: {band: string}}
indicators:
  - {id: D, type: dsr, age_band: band, standard_population: esp2013}
`, "want int", indicator.ErrTypeMismatch},
		"standard population on a proportion": {`
id: x
schema: {fields: {band: int}}
indicators:
  - {id: P, type: proportion, numerator: band > 1, standard_population: [1, 2]}
`, "only a dsr indicator", indicator.ErrInvalidDefinition},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := indicator.Load("x.yaml", []byte(c.yaml))
			require.Error(t, err)
			assert.ErrorIs(t, err, c.class, "%v", err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
