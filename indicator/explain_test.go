package indicator_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
)

const explainYAML = `
id: ex
schema:
  unit: patient
  fields:
    age: int
    hba1c: double?
    conditions:
      fields:
        code: string
        onset: timestamp
        abatement: timestamp?
definitions:
  diabetic: conditions.exists(c, c.code == "E11")
  controlled: hba1c <= 58.0
indicators:
  - id: DM
    type: proportion
    initial_population: diabetic
    denominator: age >= 18
    denominator_exception: age >= 80
    numerator: controlled
    stratifiers: [{id: band, expression: 'age < 65 ? "young" : "old"'}]
`

func criterion(t *testing.T, ex *indicator.Explanation, name string) indicator.ExplainedValue {
	t.Helper()
	for _, c := range ex.Criteria {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no criterion %s in %+v", name, ex.Criteria)
	return indicator.ExplainedValue{}
}

func TestExplain_SaysWhyARecordIsWhereItIs(t *testing.T) {
	set := mustLoad(t, explainYAML)
	b := patientBatch(t, set.Schema(), nullablePatients)
	ctx := context.Background()

	// Record 1: age 50, HbA1c 60, an (abated) E11: in the denominator, not
	// in the numerator (60 > 58); the exception was read (not numerator)
	// and is false.
	ex, err := set.Explain(ctx, indicator.Batches(b), 1, "DM")
	require.NoError(t, err)
	assert.Equal(t, indicator.RecordPopulations{InitialPopulation: true, Denominator: true}, ex.Populations)
	assert.True(t, ex.Included)
	num := criterion(t, ex, "numerator")
	assert.Equal(t, false, num.Value)
	assert.Equal(t, "controlled", num.Expression)
	assert.True(t, num.Consulted)
	exc := criterion(t, ex, "denominator_exception")
	assert.Equal(t, false, exc.Value)
	assert.True(t, exc.Consulted)
	assert.Equal(t, "young", criterion(t, ex, "stratifier band").Value)
	require.Len(t, ex.Definitions, 2)
	assert.Equal(t, indicator.ExplainedValue{Name: "controlled", Expression: "hba1c <= 58.0", Value: false}, ex.Definitions[1])

	// Record 0: age 70, no HbA1c, an open E11: the numerator fails on the
	// null, so the report counts the record as errored.
	ex, err = set.Explain(ctx, indicator.Batches(b), 0, "DM")
	require.NoError(t, err)
	assert.Equal(t, "numerator", ex.Field)
	assert.Contains(t, ex.Error, "hba1c")
	assert.False(t, ex.Included)
	assert.Contains(t, criterion(t, ex, "numerator").Error, "hba1c")

	// Record 2: no conditions: not in the initial population; the
	// denominator was not read, but its value is still shown.
	ex, err = set.Explain(ctx, indicator.Batches(b), 2, "DM")
	require.NoError(t, err)
	assert.Equal(t, indicator.RecordPopulations{}, ex.Populations)
	den := criterion(t, ex, "denominator")
	assert.Equal(t, true, den.Value)
	assert.False(t, den.Consulted)
	_, err = json.Marshal(ex)
	require.NoError(t, err)

	// The explanation agrees with the report on every record.
	rep, err := set.Evaluate(ctx, indicator.Batches(b, b))
	require.NoError(t, err)
	var ip, num2, errored int64
	for i := range int64(2 * len(nullablePatients)) {
		ex, err := set.Explain(ctx, indicator.Batches(b, b), i, "DM")
		require.NoError(t, err)
		if ex.Error != "" {
			errored++
			continue
		}
		if ex.Populations.InitialPopulation {
			ip++
		}
		if ex.Populations.Numerator && !ex.Populations.NumeratorExclusion {
			num2++
		}
	}
	r, _ := rep.Result("DM")
	assert.Equal(t, r.Accounting.Errored, errored)
	assert.Equal(t, r.Populations.InitialPopulation, ip)
	assert.Equal(t, int64(r.Numerator), num2)
}

func TestExplain_Errors(t *testing.T) {
	set := mustLoad(t, explainYAML)
	b := patientBatch(t, set.Schema(), nullablePatients)
	ctx := context.Background()
	_, err := set.Explain(ctx, indicator.Batches(b), 4, "DM")
	assert.ErrorIs(t, err, indicator.ErrNoRecord)
	_, err = set.Explain(ctx, indicator.Batches(b), -1, "DM")
	assert.ErrorIs(t, err, indicator.ErrNoRecord)
	_, err = set.Explain(ctx, indicator.Batches(b), 0, "NOPE")
	assert.ErrorIs(t, err, indicator.ErrParameter)
}

// TestExplain_SharedTextIsNotConsulted: criteria with the same text share
// one expression; one that the rules did not read is not consulted even
// when another with its text was.
func TestExplain_SharedTextIsNotConsulted(t *testing.T) {
	set := mustLoad(t, strings.Replace(explainYAML, "numerator: controlled", "numerator: diabetic", 1))
	b := patientBatch(t, set.Schema(), nullablePatients)
	for i := range int64(b.Len()) {
		ex, err := set.Explain(context.Background(), indicator.Batches(b), i, "DM")
		require.NoError(t, err)
		if ex.Populations.InitialPopulation {
			continue
		}
		assert.True(t, criterion(t, ex, "initial_population").Consulted)
		assert.False(t, criterion(t, ex, "numerator").Consulted, "record %d is not in the initial population: its numerator is not read", i)
		return
	}
	t.Fatal("no record outside the initial population")
}
