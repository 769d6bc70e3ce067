package indicator_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/disclosure"
)

const disclosedSet = `
id: d
schema: {unit: patient, fields: {sex: string, band: string, ok: bool}}
indicators:
  - id: P
    type: proportion
    numerator: ok
    disclosure: {min: 1, max: 7, complementary: true, round_to: 5}
    stratifiers: [sex, {id: sex_band, components: [sex, band]}]
`

// people builds n records of one sex and band, k of whom meet the numerator.
func people(b *indicator.BatchBuilder, sex, band string, n, k int) {
	for i := range n {
		b.Field(0).AppendString(sex)
		b.Field(1).AppendString(band)
		b.Field(2).AppendBool(i < k)
		_ = b.EndRow()
	}
}

func TestDisclosure_SmallStratumAndItsComplementAreWithheld(t *testing.T) {
	set, err := indicator.Load("d.yaml", []byte(disclosedSet))
	require.NoError(t, err)
	b := indicator.NewBatchBuilder(set.Schema())
	people(b, "f", "young", 20, 3) // numerator 3: primary
	people(b, "m", "young", 30, 12)
	people(b, "f", "old", 25, 10)
	people(b, "m", "old", 40, 20)
	rep, err := set.Evaluate(context.Background(), indicator.Batches(b.Build()))
	require.NoError(t, err)
	r, _ := rep.Result("P")

	// Overall: 45 of 115, not small: published, counts rounded to 5.
	assert.Nil(t, r.Suppressed)
	assert.Equal(t, indicator.Float(45), r.Numerator)
	assert.Equal(t, indicator.Float(115), r.Denominator)
	assert.InDelta(t, 45.0/115, float64(r.Value), 1e-12)

	// By sex: f has 13 in the numerator, m 32: none small, all published.
	for _, st := range r.Stratifiers[0].Strata {
		assert.Nil(t, st.Suppressed, "%v", st.Values)
	}
	// By sex × band: f/young (3) is primary; in a 2×2 table with published
	// margins its row, column and the opposite corner must go too.
	cells := map[string]indicator.Stratum{}
	for _, st := range r.Stratifiers[1].Strata {
		cells[st.Values[0]+"/"+st.Values[1]] = st
	}
	require.Len(t, cells, 4)
	fy := cells["f/young"]
	require.NotNil(t, fy.Suppressed)
	assert.Equal(t, disclosure.ReasonPrimary, fy.Suppressed.Numerator)
	assert.True(t, math.IsNaN(float64(fy.Numerator)))
	assert.True(t, math.IsNaN(float64(fy.Value)), "a value derived from a withheld count is withheld")
	assert.Nil(t, fy.Populations)
	assert.Equal(t, "not-compared", fy.Comparison, "a comparison would hint at the withheld value")
	for _, k := range []string{"f/old", "m/young", "m/old"} {
		st := cells[k]
		require.NotNil(t, st.Suppressed, k)
		assert.Equal(t, disclosure.ReasonComplementary, st.Suppressed.Numerator, k)
		assert.True(t, math.IsNaN(float64(st.Value)), k)
	}
}

func TestDisclosure_WithoutPolicyEverythingIsPublished(t *testing.T) {
	set, err := indicator.Load("d.yaml", []byte(`
id: d
schema: {unit: patient, fields: {sex: string, band: string, ok: bool}}
indicators:
  - {id: P, type: proportion, numerator: ok, stratifiers: [sex]}
`))
	require.NoError(t, err)
	b := indicator.NewBatchBuilder(set.Schema())
	people(b, "f", "young", 2, 1)
	rep, err := set.Evaluate(context.Background(), indicator.Batches(b.Build()))
	require.NoError(t, err)
	r, _ := rep.Result("P")
	assert.Nil(t, r.Suppressed)
	assert.Equal(t, indicator.Float(1), r.Numerator)
	require.NotNil(t, r.Populations)
}

func TestDisclosure_PresetAndBadPolicy(t *testing.T) {
	_, err := indicator.Load("d.yaml", []byte(`
id: d
schema: {fields: {ok: bool}}
indicators:
  - {id: P, type: proportion, numerator: ok, disclosure: hes}
  - {id: Q, type: proportion, numerator: ok, disclosure: {min: 9, max: 3}}
  - {id: R, type: proportion, numerator: ok, disclosure: nhs}
`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d.yaml:6:")
	assert.Contains(t, err.Error(), "indicator Q disclosure")
	assert.NotContains(t, err.Error(), "disclosure: disclosure:", "the field is named once")
	assert.Contains(t, err.Error(), `unknown disclosure preset "nhs"`)
	assert.NotContains(t, err.Error(), "indicator P")
}

func TestStatus_NoValueMeansNoStatus(t *testing.T) {
	set, err := indicator.Load("s.yaml", []byte(`
id: s
schema: {unit: patient, fields: {ok: bool}}
indicators:
  - id: P
    type: proportion
    initial_population: "false"
    numerator: ok
    thresholds: [{status: green, when: "value >= 50.0"}, {status: red}]
`))
	require.NoError(t, err)
	b := indicator.NewBatchBuilder(set.Schema())
	b.Field(0).AppendBool(true)
	require.NoError(t, b.EndRow())
	rep, err := set.Evaluate(context.Background(), indicator.Batches(b.Build()))
	require.NoError(t, err)
	r, _ := rep.Result("P")
	assert.True(t, math.IsNaN(float64(r.Value)))
	assert.Equal(t, "", r.Status, "an empty denominator is not red")
}

// Rounding reaches every published count: the attrition waterfall is
// rounded like the numerator and the denominator.
func TestDisclosure_RoundingCoversThePopulations(t *testing.T) {
	set, err := indicator.Load("d.yaml", []byte(`
id: d
schema: {unit: patient, fields: {sex: string, band: string, ok: bool}}
indicators:
  - {id: P, type: proportion, numerator: ok, disclosure: {min: 1, max: 7, round_to: 5}}
`))
	require.NoError(t, err)
	b := indicator.NewBatchBuilder(set.Schema())
	people(b, "f", "young", 23, 12)
	rep, err := set.Evaluate(context.Background(), indicator.Batches(b.Build()))
	require.NoError(t, err)
	r, _ := rep.Result("P")
	require.Nil(t, r.Suppressed)
	assert.Equal(t, indicator.Float(10), r.Numerator)
	assert.Equal(t, indicator.Float(25), r.Denominator)
	require.NotNil(t, r.Populations)
	assert.Equal(t, int64(25), r.Populations.InitialPopulation)
	assert.Equal(t, int64(25), r.Populations.Denominator)
	assert.Equal(t, int64(10), r.Populations.Numerator)
	assert.InDelta(t, 12.0/23, float64(r.Value), 1e-12, "the value comes from the exact counts")
}

// A withheld denominator is not told by the accounting either: the measure
// population is the denominator, so Included and Excluded are withheld,
// and the report's JSON holds the small count nowhere.
func TestDisclosure_AccountingDoesNotTellAWithheldCount(t *testing.T) {
	set, err := indicator.Load("d.yaml", []byte(`
id: d
schema: {unit: patient, fields: {sex: string, band: string, ok: bool}}
indicators:
  - {id: P, type: proportion, numerator: ok, denominator: 'band == "young"', disclosure: {min: 1, max: 7}}
`))
	require.NoError(t, err)
	b := indicator.NewBatchBuilder(set.Schema())
	people(b, "f", "young", 3, 2) // denominator 3: small
	people(b, "f", "old", 40, 20)
	rep, err := set.Evaluate(context.Background(), indicator.Batches(b.Build()))
	require.NoError(t, err)
	r, _ := rep.Result("P")
	require.NotNil(t, r.Suppressed)
	assert.Equal(t, int64(43), r.Accounting.Read)
	assert.True(t, math.IsNaN(float64(r.Accounting.Included)), "included would be the denominator")
	assert.True(t, math.IsNaN(float64(r.Accounting.Excluded)), "excluded is read minus included")
	js, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"included":null`)
	assert.NotContains(t, string(js), `"excluded":40`)
	assert.NotContains(t, string(js), `:3,`)
	assert.NotContains(t, string(js), `:3}`)
}
