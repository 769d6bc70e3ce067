package indicator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
)

const nullableYAML = `
id: nullable
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
  period_end:
    type: timestamp
    default: "2024-12-31"
indicators:
  - id: RAW
    type: proportion
    numerator: hba1c > 58
  - id: GUARDED
    type: proportion
    numerator: has(patient.hba1c) && hba1c > 58
  - id: BELOW-ONE
    type: proportion
    numerator: hba1c < 1.0
  - id: EQUALS-ZERO
    type: proportion
    numerator: hba1c == 0.0
  - id: OPTIONAL
    type: proportion
    numerator: patient.?hba1c.orValue(0.0) < 1.0
  - id: OPTIONAL-HAS-VALUE
    type: proportion
    numerator: patient.?hba1c.hasValue()
  - id: ACTIVE-DIABETES
    type: proportion
    numerator: conditions.exists(c, c.code == "E11" && !has(c.abatement))
  - id: ABATED-RAW
    type: proportion
    numerator: conditions.exists(c, c.abatement < period_end)
  - id: ABATED-GUARDED
    type: proportion
    numerator: conditions.exists(c, has(c.abatement) && c.abatement < period_end)
  - id: NULL-IN-IP
    type: count
    initial_population: hba1c > 0.0
`

type event struct {
	code      string
	onset     time.Time
	abatement *time.Time
}

type patient struct {
	age        int64
	hba1c      *float64
	conditions []event
}

func ptr[T any](v T) *T { return &v }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// nullablePatients: record 0 has no HbA1c and an open E11; record 2 has a
// real HbA1c of zero; record 3 has an open I10 and an abated E11.
var nullablePatients = []patient{
	{age: 70, conditions: []event{{code: "E11", onset: day(2020, 1, 1)}}},
	{age: 50, hba1c: ptr(60.0), conditions: []event{{code: "E11", onset: day(2019, 1, 1), abatement: ptr(day(2021, 1, 1))}}},
	{age: 65, hba1c: ptr(0.0)},
	{age: 40, hba1c: ptr(40.0), conditions: []event{
		{code: "I10", onset: day(2018, 1, 1)},
		{code: "E11", onset: day(2018, 6, 1), abatement: ptr(day(2022, 1, 1))},
	}},
}

func patientBatch(t testing.TB, s *indicator.Schema, ps []patient) *indicator.Batch {
	t.Helper()
	b := indicator.NewBatchBuilder(s)
	for _, p := range ps {
		b.Field(field(t, s, "age")).AppendInt(p.age)
		if p.hba1c != nil {
			b.Field(field(t, s, "hba1c")).AppendDouble(*p.hba1c)
		}
		cb := b.Field(field(t, s, "conditions"))
		for _, e := range p.conditions {
			cb.Event(0).AppendString(e.code)
			cb.Event(1).AppendTime(e.onset)
			if e.abatement != nil {
				cb.Event(2).AppendTime(*e.abatement)
			} else {
				cb.Event(2).AppendNull()
			}
			cb.EndEvent()
		}
		require.NoError(t, b.EndRow())
	}
	return b.Build()
}

func TestNullable(t *testing.T) {
	set := mustLoad(t, nullableYAML)
	rep := run(t, set, []*indicator.Batch{patientBatch(t, set.Schema(), nullablePatients)})
	cases := []struct {
		id        string
		numerator float64
		included  int64
		errored   []int64 // record indices
		field     string
	}{
		// null > 58 is an error, not false; records 1..3 give true, false, false.
		{id: "RAW", numerator: 1, included: 3, errored: []int64{0}, field: "numerator"},
		// has() guards the null: false, no error.
		{id: "GUARDED", numerator: 1, included: 4},
		// A null never becomes 0: only record 2's real 0.0 is below one.
		{id: "BELOW-ONE", numerator: 1, included: 3, errored: []int64{0}, field: "numerator"},
		{id: "EQUALS-ZERO", numerator: 1, included: 3, errored: []int64{0}, field: "numerator"},
		// orValue(0.0) substitutes on purpose: records 0 and 2.
		{id: "OPTIONAL", numerator: 2, included: 4},
		{id: "OPTIONAL-HAS-VALUE", numerator: 3, included: 4},
		// Only record 0 has an E11 without abatement.
		{id: "ACTIVE-DIABETES", numerator: 1, included: 4},
		// Record 0's only condition has a null abatement: error. Record 3
		// also has one, but its E11 abated before the period end makes
		// exists() true (CEL: true absorbs an error in ||).
		{id: "ABATED-RAW", numerator: 2, included: 3, errored: []int64{0}, field: "numerator"},
		{id: "ABATED-GUARDED", numerator: 2, included: 4},
		// An error in the initial population: the record is errored, not
		// excluded. Records 1 and 3 have a positive value, record 2 zero.
		{id: "NULL-IN-IP", numerator: 2, included: 2, errored: []int64{0}, field: "initial_population"},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			r := result(t, rep, tc.id)
			requireAccounting(t, r, 4)
			assert.Equal(t, tc.numerator, float64(r.Numerator), "numerator")
			assert.Equal(t, float64(tc.included), float64(r.Accounting.Included), "included")
			assert.Equal(t, int64(len(tc.errored)), r.Accounting.Errored, "errored")
			require.Len(t, r.Errors, len(tc.errored))
			for i, e := range r.Errors {
				assert.Equal(t, tc.errored[i], e.Record, "record index")
				assert.Equal(t, tc.field, e.Field, "field")
				assert.NotEmpty(t, e.Message)
			}
		})
	}
}

func TestNullErrorMessageNamesTheField(t *testing.T) {
	set := mustLoad(t, nullableYAML)
	rep := run(t, set, []*indicator.Batch{patientBatch(t, set.Schema(), nullablePatients)})
	for _, id := range []string{"RAW", "BELOW-ONE", "EQUALS-ZERO"} {
		r := result(t, rep, id)
		require.Len(t, r.Errors, 1, id)
		msg := r.Errors[0].Message
		assert.Contains(t, msg, "hba1c", id)
		assert.Contains(t, msg, "null", id)
	}
	r := result(t, rep, "ABATED-RAW")
	require.Len(t, r.Errors, 1)
	assert.Contains(t, r.Errors[0].Message, "abatement")
	assert.Contains(t, r.Errors[0].Message, "null")
}

// TestNullErrorRecordIndexIsGlobal: the index of an errored record counts
// from the start of the source, across batches.
func TestNullErrorRecordIndexIsGlobal(t *testing.T) {
	set := mustLoad(t, nullableYAML)
	s := set.Schema()
	withValue := patient{age: 30, hba1c: ptr(70.0)}
	without := patient{age: 30}
	b1 := patientBatch(t, s, []patient{withValue, withValue, withValue})
	b2 := patientBatch(t, s, []patient{withValue, without, withValue})
	b3 := patientBatch(t, s, []patient{without, withValue})
	for _, workers := range []int{1, 3} {
		rep := run(t, set, []*indicator.Batch{b1, b2, b3}, indicator.WithWorkers(workers))
		r := result(t, rep, "RAW")
		requireAccounting(t, r, 8)
		require.Len(t, r.Errors, 2)
		assert.Equal(t, int64(4), r.Errors[0].Record)
		assert.Equal(t, int64(6), r.Errors[1].Record)
		assert.Equal(t, float64(6), float64(r.Numerator))
	}
}

// TestMaxErrorsKeepsLowestIndicesCountsAll: WithMaxErrors bounds the
// examples, not the count.
func TestMaxErrorsKeepsLowestIndicesCountsAll(t *testing.T) {
	set := mustLoad(t, nullableYAML)
	s := set.Schema()
	var ps []patient
	for i := 0; i < 50; i++ {
		if i%5 == 0 {
			ps = append(ps, patient{age: 1})
		} else {
			ps = append(ps, patient{age: 1, hba1c: ptr(1.0)})
		}
	}
	var batches []*indicator.Batch
	for i := 0; i < len(ps); i += 7 {
		batches = append(batches, patientBatch(t, s, ps[i:min(i+7, len(ps))]))
	}
	rep := run(t, set, batches, indicator.WithWorkers(4), indicator.WithMaxErrors(3))
	r := result(t, rep, "RAW")
	requireAccounting(t, r, 50)
	assert.Equal(t, int64(10), r.Accounting.Errored)
	require.Len(t, r.Errors, 3)
	for i, e := range r.Errors {
		assert.Equal(t, int64(5*i), e.Record)
	}

	// No examples at all, still every error counted.
	rep = run(t, set, batches, indicator.WithWorkers(3), indicator.WithMaxErrors(0))
	r = result(t, rep, "RAW")
	requireAccounting(t, r, 50)
	assert.Equal(t, int64(10), r.Accounting.Errored)
	assert.Empty(t, r.Errors)
}

// ---------------------------------------------------------------------------
// Lazy evaluation: criteria are evaluated in rule order, and one that is
// not needed for a record is never evaluated, so its error is never seen.

const lazyYAML = `
id: lazy
schema:
  unit: r
  fields:
    ip: bool
    den: bool
    denex: bool
    numer: bool
    x: double?
indicators:
  - id: IP-FALSE
    type: proportion
    initial_population: ip
    numerator: x > 0.0
  - id: DEN-FALSE
    type: proportion
    initial_population: ip
    denominator: den
    numerator: x > 0.0
  - id: DENEX-TRUE
    type: proportion
    initial_population: ip
    denominator_exclusion: denex
    numerator: x > 0.0
  - id: EXCEPTION
    type: proportion
    initial_population: ip
    numerator: numer
    denominator_exception: x > 0.0
  - id: NUMEX
    type: proportion
    initial_population: ip
    numerator: numer
    numerator_exclusion: x > 0.0
  - id: STRATIFIER
    type: proportion
    initial_population: ip
    numerator: numer
    stratifiers:
      - id: S
        expression: x > 0.0
  - id: STRATIFIER-THEN-DEN
    type: proportion
    initial_population: ip
    denominator: x > 1.0
    numerator: numer
    stratifiers:
      - id: S
        expression: x > 0.0
  - id: RATIO-NUMERATOR
    type: ratio
    initial_population: ip
    denominator: den
    numerator: numer
    numerator_value: x
`

type lazyRow struct{ ip, den, denex, numer bool }

func lazyBatch(t testing.TB, set *indicator.Set, rows []lazyRow) *indicator.Batch {
	t.Helper()
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	for _, r := range rows {
		b.Field(field(t, s, "ip")).AppendBool(r.ip)
		b.Field(field(t, s, "den")).AppendBool(r.den)
		b.Field(field(t, s, "denex")).AppendBool(r.denex)
		b.Field(field(t, s, "numer")).AppendBool(r.numer)
		// x is always null: every expression reading it fails.
		require.NoError(t, b.EndRow())
	}
	return b.Build()
}

func TestLazyCriteriaNeverEvaluatedWhenNotNeeded(t *testing.T) {
	set := mustLoad(t, lazyYAML)
	cases := []struct {
		name    string
		id      string
		row     lazyRow
		errored bool
		field   string
	}{
		{"numerator not evaluated outside the initial population", "IP-FALSE", lazyRow{}, false, ""},
		{"numerator evaluated inside the initial population", "IP-FALSE", lazyRow{ip: true}, true, "numerator"},
		{"numerator not evaluated outside the denominator", "DEN-FALSE", lazyRow{ip: true}, false, ""},
		{"numerator evaluated inside the denominator", "DEN-FALSE", lazyRow{ip: true, den: true}, true, "numerator"},
		{"numerator not evaluated for an excluded record", "DENEX-TRUE", lazyRow{ip: true, denex: true}, false, ""},
		{"numerator evaluated for a record not excluded", "DENEX-TRUE", lazyRow{ip: true}, true, "numerator"},
		{"exception not evaluated when the numerator is met", "EXCEPTION", lazyRow{ip: true, numer: true}, false, ""},
		{"exception evaluated when the numerator is not met", "EXCEPTION", lazyRow{ip: true}, true, "denominator_exception"},
		{"numerator exclusion not evaluated without numerator", "NUMEX", lazyRow{ip: true}, false, ""},
		{"numerator exclusion evaluated with numerator", "NUMEX", lazyRow{ip: true, numer: true}, true, "numerator_exclusion"},
		{"stratifier not evaluated outside the initial population", "STRATIFIER", lazyRow{}, false, ""},
		{"stratifier evaluated inside the initial population", "STRATIFIER", lazyRow{ip: true}, true, "stratifier S"},
		// Rule order: IP, stratifiers, DEN, … — the stratifier fails first.
		{"stratifier comes before the denominator", "STRATIFIER-THEN-DEN", lazyRow{ip: true}, true, "stratifier S"},
		{"ratio numerator value not evaluated without numerator", "RATIO-NUMERATOR", lazyRow{ip: true, den: true}, false, ""},
		{"ratio numerator value evaluated with numerator", "RATIO-NUMERATOR", lazyRow{ip: true, numer: true}, true, "numerator_value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := run(t, set, []*indicator.Batch{lazyBatch(t, set, []lazyRow{tc.row})})
			r := result(t, rep, tc.id)
			requireAccounting(t, r, 1)
			if !tc.errored {
				assert.Zero(t, r.Accounting.Errored, "errors: %+v", r.Errors)
				return
			}
			assert.Equal(t, int64(1), r.Accounting.Errored)
			require.Len(t, r.Errors, 1)
			assert.Equal(t, int64(0), r.Errors[0].Record)
			assert.Equal(t, tc.field, r.Errors[0].Field)
			assert.True(t, strings.Contains(r.Errors[0].Message, "x"), r.Errors[0].Message)
		})
	}
}
