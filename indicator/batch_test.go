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

// checksYAML declares one proportion per CEL check; a record "passes" a
// check when it is in that indicator's numerator.
const checksYAML = `
id: batch
schema:
  unit: rec
  fields:
    n: int
    x: double
    flag: bool
    name: string
    seen: timestamp
    wait: duration
    hba1c: double?
    codes: list<string>
    nums: list<int>
    conditions:
      fields:
        code: string
        onset: timestamp
        abatement: timestamp?
        value: double?
indicators:
  - {id: N-IS-7, type: proportion, numerator: n == 7}
  - {id: X-IS-2.5, type: proportion, numerator: x == 2.5}
  - {id: X-IS-3, type: proportion, numerator: x == 3.0}
  - {id: FLAG, type: proportion, numerator: flag}
  - {id: NAME, type: proportion, numerator: name == "Zoë"}
  - {id: SEEN, type: proportion, numerator: 'seen == timestamp("2020-01-02T03:04:05.000000006Z")'}
  - {id: WAIT, type: proportion, numerator: 'wait == duration("1h30m")'}
  - {id: HBA1C-NULL, type: proportion, numerator: '!has(rec.hba1c)'}
  - {id: CODES-3, type: proportion, numerator: size(codes) == 3}
  - {id: CODES-EQ, type: proportion, numerator: 'codes == ["a", "b", "c"]'}
  - {id: CODES-IDX, type: proportion, numerator: 'size(codes) > 1 && codes[1] == "b"'}
  - {id: CODES-IN, type: proportion, numerator: '"c" in codes'}
  - {id: CODES-EMPTY, type: proportion, numerator: size(codes) == 0}
  - {id: CODES-CONCAT, type: proportion, numerator: 'codes + ["d"] == ["a", "b", "c", "d"]'}
  - {id: NUMS-SUM, type: proportion, numerator: 'nums.size() == 3 && nums[0] + nums[1] + nums[2] == 6'}
  - {id: NUMS-ALL, type: proportion, numerator: 'size(nums) > 0 && nums.all(v, v > 0)'}
  - {id: COND-E11, type: proportion, numerator: 'conditions.exists(c, c.code == "E11")'}
  - {id: COND-MAP, type: proportion, numerator: 'conditions.map(c, c.code) == ["E11", "I10"]'}
  - {id: COND-SIZE-2, type: proportion, numerator: size(conditions) == 2}
  - {id: COND-FILTER, type: proportion, numerator: 'conditions.filter(c, has(c.abatement)).map(c, c.code) == ["I10"]'}
  - {id: COND-ONSET, type: proportion, numerator: 'size(conditions) > 0 && conditions[0].onset == timestamp("2019-05-06T00:00:00Z")'}
  - {id: COND-VALUE, type: proportion, numerator: 'conditions.exists(c, has(c.value) && c.value > 7.0)'}
  - {id: COND-ABATED, type: proportion, numerator: 'conditions.exists(c, has(c.abatement) && c.abatement - c.onset > duration("24h"))'}
`

// fullRecord appends record A: every check above passes except
// CODES-EMPTY, X-IS-3 and HBA1C-NULL (it has an HbA1c).
func fullRecord(t testing.TB, b *indicator.BatchBuilder, s *indicator.Schema) {
	t.Helper()
	b.Field(field(t, s, "n")).AppendInt(7)
	b.Field(field(t, s, "x")).AppendDouble(2.5)
	b.Field(field(t, s, "flag")).AppendBool(true)
	b.Field(field(t, s, "name")).AppendString("Zoë")
	b.Field(field(t, s, "seen")).AppendTime(time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC))
	b.Field(field(t, s, "wait")).AppendDuration(90 * time.Minute)
	b.Field(field(t, s, "hba1c")).AppendDouble(48)
	for _, c := range []string{"a", "b", "c"} {
		b.Field(field(t, s, "codes")).AppendString(c)
	}
	for _, v := range []int64{1, 2, 3} {
		b.Field(field(t, s, "nums")).AppendInt(v)
	}
	cb := b.Field(field(t, s, "conditions"))
	cb.Event(0).AppendString("E11")
	cb.Event(1).AppendTime(time.Date(2019, 5, 6, 0, 0, 0, 0, time.UTC))
	cb.Event(3).AppendDouble(8)
	cb.EndEvent() // abatement left out: null
	cb.Event(0).AppendString("I10")
	cb.Event(1).AppendTime(time.Date(2019, 5, 7, 0, 0, 0, 0, time.UTC))
	cb.Event(2).AppendTime(time.Date(2019, 5, 9, 0, 0, 0, 0, time.UTC))
	cb.Event(3).AppendNull()
	cb.EndEvent()
	require.NoError(t, b.EndRow())
}

// emptyRecord appends record B: scalars that fail every check, empty lists,
// a null HbA1c, and an int appended into the double field.
func emptyRecord(t testing.TB, b *indicator.BatchBuilder, s *indicator.Schema) {
	t.Helper()
	b.Field(field(t, s, "n")).AppendInt(-7)
	b.Field(field(t, s, "x")).AppendInt(3) // converted to 3.0
	b.Field(field(t, s, "flag")).AppendBool(false)
	b.Field(field(t, s, "name")).AppendString("Zoe")
	b.Field(field(t, s, "seen")).AppendTime(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC))
	b.Field(field(t, s, "wait")).AppendDuration(time.Hour)
	b.Field(field(t, s, "hba1c")).AppendNull()
	require.NoError(t, b.EndRow())
}

func TestBatchRoundTripThroughCEL(t *testing.T) {
	set := mustLoad(t, checksYAML)
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	fullRecord(t, b, s)
	emptyRecord(t, b, s)
	fullRecord(t, b, s)
	require.Equal(t, 3, b.Len())
	batch := b.Build()
	require.Equal(t, 3, batch.Len())
	require.Same(t, s, batch.Schema())
	assert.Equal(t, 0, b.Len(), "Build starts a new batch")

	rep := run(t, set, []*indicator.Batch{batch})
	// Which of the records A, B, A pass each check.
	onlyB := map[string]bool{"X-IS-3": true, "HBA1C-NULL": true, "CODES-EMPTY": true}
	for _, r := range rep.Indicators {
		t.Run(r.ID, func(t *testing.T) {
			requireAccounting(t, &r, 3)
			assert.Zero(t, r.Accounting.Errored, "%+v", r.Errors)
			want := 2.0 // records 0 and 2
			if onlyB[r.ID] {
				want = 1
			}
			assert.Equal(t, want, float64(r.Numerator))
			assert.Equal(t, 3.0, float64(r.Denominator))
		})
	}
}

func TestBatchMissingNonNullableDiscardsRow(t *testing.T) {
	set := mustLoad(t, checksYAML)
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	fullRecord(t, b, s)

	// A record with lists, events and a nullable value, but no n.
	b.Field(field(t, s, "x")).AppendDouble(3)
	b.Field(field(t, s, "flag")).AppendBool(false)
	b.Field(field(t, s, "name")).AppendString("Zoe")
	b.Field(field(t, s, "seen")).AppendTime(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	b.Field(field(t, s, "wait")).AppendDuration(time.Hour)
	b.Field(field(t, s, "hba1c")).AppendDouble(99)
	b.Field(field(t, s, "codes")).AppendString("zzz")
	b.Field(field(t, s, "nums")).AppendInt(-1)
	cb := b.Field(field(t, s, "conditions"))
	cb.Event(0).AppendString("XXX")
	cb.Event(1).AppendTime(time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC))
	cb.EndEvent()
	err := b.EndRow()
	require.Error(t, err)
	assert.True(t, errors.Is(err, indicator.ErrInvalidData), "%v", err)
	assert.Contains(t, err.Error(), `"n"`)
	assert.Equal(t, 1, b.Len(), "the failed record is discarded")

	// The next records are unaffected by the discarded one's values.
	emptyRecord(t, b, s)
	fullRecord(t, b, s)
	require.Equal(t, 3, b.Len())
	rep := run(t, set, []*indicator.Batch{b.Build()})
	assert.Equal(t, int64(3), rep.Read)
	// Record 1 (B) has a null HbA1c and no codes, nums or conditions.
	assert.Equal(t, 1.0, float64(result(t, rep, "HBA1C-NULL").Numerator))
	assert.Equal(t, 1.0, float64(result(t, rep, "CODES-EMPTY").Numerator))
	assert.Equal(t, 2.0, float64(result(t, rep, "CODES-3").Numerator))
	assert.Equal(t, 2.0, float64(result(t, rep, "CODES-EQ").Numerator))
	assert.Equal(t, 2.0, float64(result(t, rep, "NUMS-ALL").Numerator))
	assert.Equal(t, 2.0, float64(result(t, rep, "COND-SIZE-2").Numerator))
	assert.Equal(t, 2.0, float64(result(t, rep, "COND-MAP").Numerator))
	for _, r := range rep.Indicators {
		assert.Zero(t, r.Accounting.Errored, "%s: %+v", r.ID, r.Errors)
	}
}

// minimalRow appends the non-nullable scalars of a record.
func minimalRow(t testing.TB, b *indicator.BatchBuilder, s *indicator.Schema, skip string) {
	t.Helper()
	app := map[string]func(indicator.ColumnBuilder){
		"n":    func(c indicator.ColumnBuilder) { c.AppendInt(7) },
		"x":    func(c indicator.ColumnBuilder) { c.AppendDouble(2.5) },
		"flag": func(c indicator.ColumnBuilder) { c.AppendBool(true) },
		"name": func(c indicator.ColumnBuilder) { c.AppendString("Zoë") },
		"seen": func(c indicator.ColumnBuilder) { c.AppendTime(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)) },
		"wait": func(c indicator.ColumnBuilder) { c.AppendDuration(time.Second) },
	}
	for name, f := range app {
		if name != skip {
			f(b.Field(field(t, s, name)))
		}
	}
}

func TestBatchBuilderRowErrors(t *testing.T) {
	set := mustLoad(t, checksYAML)
	s := set.Schema()
	cases := []struct {
		name  string
		build func(b *indicator.BatchBuilder)
		field string // named in the error
	}{
		{"missing int", func(b *indicator.BatchBuilder) { minimalRow(t, b, s, "n") }, "n"},
		{"missing timestamp", func(b *indicator.BatchBuilder) { minimalRow(t, b, s, "seen") }, "seen"},
		{"string into an int", func(b *indicator.BatchBuilder) {
			b.Field(field(t, s, "n")).AppendString("7")
			minimalRow(t, b, s, "n")
		}, "n"},
		{"sticky: a wrong type stays an error after a right value", func(b *indicator.BatchBuilder) {
			minimalRow(t, b, s, "n")
			b.Field(field(t, s, "name")).AppendInt(1) // the error
			b.Field(field(t, s, "n")).AppendInt(7)    // later, fine values
		}, "name"},
		{"sticky: the first error is kept", func(b *indicator.BatchBuilder) {
			b.Field(field(t, s, "flag")).AppendDouble(1)
			b.Field(field(t, s, "x")).AppendBool(true)
			minimalRow(t, b, s, "")
		}, "flag"},
		{"double into an int", func(b *indicator.BatchBuilder) {
			b.Field(field(t, s, "n")).AppendDouble(7)
			minimalRow(t, b, s, "n")
		}, "n"},
		{"two values for one field", func(b *indicator.BatchBuilder) {
			minimalRow(t, b, s, "")
			b.Field(field(t, s, "n")).AppendInt(8)
		}, "n"},
		{"null for a non-nullable field", func(b *indicator.BatchBuilder) {
			b.Field(field(t, s, "x")).AppendNull()
			minimalRow(t, b, s, "x")
		}, "x"},
		{"null and a value", func(b *indicator.BatchBuilder) {
			minimalRow(t, b, s, "")
			b.Field(field(t, s, "hba1c")).AppendNull()
			b.Field(field(t, s, "hba1c")).AppendDouble(3)
		}, "hba1c"},
		{"wrong element type in a list", func(b *indicator.BatchBuilder) {
			minimalRow(t, b, s, "")
			b.Field(field(t, s, "codes")).AppendInt(1)
		}, "codes"},
		{"event not ended", func(b *indicator.BatchBuilder) {
			minimalRow(t, b, s, "")
			cb := b.Field(field(t, s, "conditions"))
			cb.Event(0).AppendString("E11")
			cb.Event(1).AppendTime(time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC))
		}, "conditions"},
		{"event missing a non-nullable field", func(b *indicator.BatchBuilder) {
			minimalRow(t, b, s, "")
			cb := b.Field(field(t, s, "conditions"))
			cb.Event(0).AppendString("E11")
			cb.EndEvent()
		}, "onset"},
		{"event field out of range", func(b *indicator.BatchBuilder) {
			minimalRow(t, b, s, "")
			cb := b.Field(field(t, s, "conditions"))
			cb.Event(9).AppendString("E11")
		}, "conditions"},
		{"events on a scalar", func(b *indicator.BatchBuilder) {
			minimalRow(t, b, s, "")
			b.Field(field(t, s, "name")).Event(0).AppendString("E11")
		}, "name"},
		{"timestamp before 1678", func(b *indicator.BatchBuilder) {
			minimalRow(t, b, s, "seen")
			b.Field(field(t, s, "seen")).AppendTime(time.Date(1677, 12, 31, 23, 59, 59, 0, time.UTC))
		}, "seen"},
		{"timestamp after 2261", func(b *indicator.BatchBuilder) {
			minimalRow(t, b, s, "seen")
			b.Field(field(t, s, "seen")).AppendTime(time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC))
		}, "seen"},
		{"event timestamp out of range", func(b *indicator.BatchBuilder) {
			minimalRow(t, b, s, "")
			cb := b.Field(field(t, s, "conditions"))
			cb.Event(0).AppendString("E11")
			cb.Event(1).AppendTime(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
			cb.EndEvent()
		}, "onset"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := indicator.NewBatchBuilder(s)
			fullRecord(t, b, s)
			tc.build(b)
			err := b.EndRow()
			require.Error(t, err)
			assert.True(t, errors.Is(err, indicator.ErrInvalidData), "%v", err)
			assert.Contains(t, err.Error(), `"`+tc.field+`"`)
			assert.Equal(t, 1, b.Len(), "the failed record is discarded")

			// The error does not outlive its record, and the builder is as
			// it was before the record.
			emptyRecord(t, b, s)
			fullRecord(t, b, s)
			require.Equal(t, 3, b.Len())
			rep := run(t, set, []*indicator.Batch{b.Build()})
			onlyB := map[string]bool{"X-IS-3": true, "HBA1C-NULL": true, "CODES-EMPTY": true}
			for _, r := range rep.Indicators {
				want := 2.0
				if onlyB[r.ID] {
					want = 1
				}
				assert.Equal(t, want, float64(r.Numerator), r.ID)
				assert.Zero(t, r.Accounting.Errored, "%s: %+v", r.ID, r.Errors)
			}
		})
	}
}

func TestTimestampRange(t *testing.T) {
	set := mustLoad(t, `
id: ts
schema:
  fields:
    t: timestamp
indicators:
  - {id: FIRST, type: proportion, numerator: 't == timestamp("1678-01-01T00:00:00Z")'}
  - {id: LAST, type: proportion, numerator: 't == timestamp("2261-12-31T23:59:59.999999999Z")'}
  - {id: ZONE, type: proportion, numerator: 't == timestamp("2000-01-01T00:00:00Z")'}
`)
	cases := []struct {
		t  time.Time
		ok bool
	}{
		{time.Date(1677, 12, 31, 23, 59, 59, 999999999, time.UTC), false},
		{time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2261, 12, 31, 23, 59, 59, 999999999, time.UTC), true},
		{time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), false},
		// Another zone: the same instant as 2000-01-01T00:00:00Z.
		{time.Date(2000, 1, 1, 5, 30, 0, 0, time.FixedZone("IST", 5*3600+1800)), true},
	}
	b := indicator.NewBatchBuilder(set.Schema())
	for _, tc := range cases {
		b.Field(0).AppendTime(tc.t)
		err := b.EndRow()
		if tc.ok {
			assert.NoError(t, err, tc.t)
		} else {
			assert.True(t, errors.Is(err, indicator.ErrInvalidData), "%v: %v", tc.t, err)
		}
	}
	require.Equal(t, 3, b.Len())
	rep := run(t, set, []*indicator.Batch{b.Build()})
	for _, id := range []string{"FIRST", "LAST", "ZONE"} {
		assert.Equal(t, 1.0, float64(result(t, rep, id).Numerator), id)
	}
}

func TestBatchOfAnotherSchemaIsRejected(t *testing.T) {
	set := mustLoad(t, `
id: s
schema:
  fields:
    age: int
indicators:
  - {id: C, type: count}
`)
	same := &indicator.Schema{Unit: "record", Fields: []indicator.Field{{Name: "age", Kind: indicator.KindInt}}}
	other := &indicator.Schema{Unit: "record", Fields: []indicator.Field{{Name: "age", Kind: indicator.KindDouble}}}
	build := func(s *indicator.Schema) *indicator.Batch {
		b := indicator.NewBatchBuilder(s)
		b.Field(0).AppendInt(70)
		require.NoError(t, b.EndRow())
		return b.Build()
	}
	// A structurally equal schema is accepted.
	rep := run(t, set, []*indicator.Batch{build(same)})
	assert.Equal(t, 1.0, float64(result(t, rep, "C").Value))

	_, err := set.Evaluate(context.Background(), indicator.Batches(build(set.Schema()), build(other)))
	require.Error(t, err)
	assert.True(t, errors.Is(err, indicator.ErrInvalidData), "%v", err)
	assert.Contains(t, err.Error(), "age")
}

func TestBatchBuilder_DiscardRowDropsAHalfWrittenRecord(t *testing.T) {
	set, err := indicator.Load("d.yaml", []byte(`
id: d
schema:
  unit: patient
  fields:
    age: int
    hba1c: double?
indicators:
  - {id: N, type: count, initial_population: age == 42 && !has(patient.hba1c)}
`))
	require.NoError(t, err)
	b := indicator.NewBatchBuilder(set.Schema())
	b.Field(0).AppendInt(42) // the hba1c cell turns out to be bad: drop the record
	b.DiscardRow()
	b.Field(0).AppendInt(7)
	require.NoError(t, b.EndRow())
	rep, err := set.Evaluate(context.Background(), indicator.Batches(b.Build()))
	require.NoError(t, err)
	assert.Equal(t, int64(1), rep.Read)
	assert.Equal(t, indicator.Float(0), rep.Indicators[0].Value)
}

func TestBatchBuilder_TimestampRangeIsCheckedOnTheInstant(t *testing.T) {
	s := &indicator.Schema{Unit: "r", Fields: []indicator.Field{{Name: "t", Kind: indicator.KindTimestamp}}}
	b := indicator.NewBatchBuilder(s)
	utc := time.Date(2261, 12, 31, 15, 0, 0, 0, time.UTC)
	b.Field(0).AppendTime(utc.In(time.FixedZone("+14", 14*3600))) // 2262-01-01 on the local calendar
	assert.NoError(t, b.EndRow())
}
