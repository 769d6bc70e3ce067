package indicator_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
)

const definitionsYAML = `
id: defs
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
parameters:
  threshold: {type: double, default: "58"}
definitions:
  old: age >= 65
  band: 'age < 50 ? "young" : "old"'
  high: hba1c > threshold
  codes: conditions.map(c, c.code)
  first_onset: conditions[0].onset
  n_conditions: size(conditions)
  half_age: double(age) / 2.0
  wait: duration("36h")
  diabetic: conditions.filter(c, c.code == "E11")
indicators:
  - id: ALL
    type: count
`

func TestEvaluateDefinitions_ValuesInRecordOrder(t *testing.T) {
	set := mustLoad(t, definitionsYAML)
	b := patientBatch(t, set.Schema(), nullablePatients)
	names := []string{"old", "band", "high", "codes", "first_onset", "n_conditions", "half_age", "wait", "diabetic"}
	var got [][]any
	var indices []int64
	err := set.EvaluateDefinitions(context.Background(), indicator.Batches(b, b), names, func(i int64, v []any) error {
		indices = append(indices, i)
		got = append(got, append([]any(nil), v...))
		return nil
	}, indicator.WithParams(map[string]any{"threshold": 50.0}))
	require.NoError(t, err)
	assert.Equal(t, []int64{0, 1, 2, 3, 4, 5, 6, 7}, indices, "indices count across batches")

	// Record 0: age 70, no HbA1c (null: an error, never false), one E11.
	r0 := got[0]
	assert.Equal(t, true, r0[0])
	assert.Equal(t, "old", r0[1])
	highErr, ok := r0[2].(error)
	require.True(t, ok, "a null in a comparison is an error value, got %v", r0[2])
	assert.Contains(t, highErr.Error(), "hba1c")
	assert.Equal(t, []any{"E11"}, r0[3])
	assert.Equal(t, day(2020, 1, 1), r0[4])
	assert.Equal(t, int64(1), r0[5])
	assert.Equal(t, 35.0, r0[6])
	assert.Equal(t, 36*time.Hour, r0[7])
	_, isErr := r0[8].(error)
	assert.True(t, isErr, "an event has no plain Go form: %v", r0[8])

	// Record 1: HbA1c 60 > 50 under the parameter; record 2: no conditions.
	assert.Equal(t, true, got[1][2])
	assert.Equal(t, false, got[1][0])
	assert.Equal(t, []any{}, got[2][3])
	assert.Equal(t, []any{}, got[2][8], "an empty list of events is an empty list")
	_, isErr = got[2][4].(error)
	assert.True(t, isErr, "index out of range is an error value")
	assert.Equal(t, []any{"I10", "E11"}, got[3][3])
	assert.Equal(t, got[:4], got[4:], "the second batch repeats the first")
}

func TestEvaluateDefinitions_Errors(t *testing.T) {
	set := mustLoad(t, definitionsYAML)
	b := patientBatch(t, set.Schema(), nullablePatients)
	noop := func(int64, []any) error { return nil }
	ctx := context.Background()

	err := set.EvaluateDefinitions(ctx, indicator.Batches(b), []string{"old", "agee"}, noop)
	require.ErrorIs(t, err, indicator.ErrParameter)
	assert.Contains(t, err.Error(), `"agee"`)

	err = set.EvaluateDefinitions(ctx, indicator.Batches(b), []string{"age"}, noop)
	assert.ErrorIs(t, err, indicator.ErrParameter, "a field is not a definition")

	stop := errors.New("stop")
	calls := 0
	err = set.EvaluateDefinitions(ctx, indicator.Batches(b), []string{"old"}, func(i int64, _ []any) error {
		calls++
		if i == 1 {
			return stop
		}
		return nil
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 2, calls)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	err = set.EvaluateDefinitions(cancelled, indicator.Batches(b), []string{"old"}, noop)
	assert.ErrorIs(t, err, context.Canceled)

	err = set.EvaluateDefinitions(ctx, indicator.Batches(b), []string{"old"}, noop, indicator.WithParams(map[string]any{"threshold": "x"}))
	assert.Error(t, err)
}

// The interpreter and the native closures give the same values.
func TestEvaluateDefinitions_InterpreterOnlyAgrees(t *testing.T) {
	names := []string{"old", "band", "high", "codes", "first_onset", "n_conditions", "half_age", "wait"}
	collect := func(opts ...indicator.CompileOption) [][]any {
		set, err := indicator.Load("defs.yaml", []byte(definitionsYAML), opts...)
		require.NoError(t, err)
		var out [][]any
		b := patientBatch(t, set.Schema(), nullablePatients)
		require.NoError(t, set.EvaluateDefinitions(context.Background(), indicator.Batches(b), names, func(_ int64, v []any) error {
			row := make([]any, len(v))
			for k, x := range v {
				if e, ok := x.(error); ok {
					x = "error: " + e.Error()
				}
				row[k] = x
			}
			out = append(out, row)
			return nil
		}))
		return out
	}
	assert.Equal(t, collect(indicator.WithInterpreterOnly()), collect())
}
