package source_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// person is a Go row for flatYAML.
type person struct {
	Age    int
	Sex    string
	Score  float64
	Smoker bool
	Born   time.Time
	Stay   time.Duration
	HbA1c  *float64
	Note   *string
	Codes  []string
}

// personFill returns a FillFunc for flatYAML, with indices resolved once.
func personFill(t testing.TB, schema *indicator.Schema) source.FillFunc[person] {
	idx, err := source.FieldIndexes(schema, "age", "sex", "score", "smoker", "born", "stay", "hba1c", "note", "codes")
	require.NoError(t, err)
	return func(p *person, w *source.RowWriter) error {
		w.Int(idx[0], int64(p.Age))
		w.String(idx[1], p.Sex)
		w.Double(idx[2], p.Score)
		w.Bool(idx[3], p.Smoker)
		w.Time(idx[4], p.Born)
		w.Duration(idx[5], p.Stay)
		if p.HbA1c != nil {
			w.Double(idx[6], *p.HbA1c)
		}
		if p.Note != nil {
			w.String(idx[7], *p.Note)
		} else {
			w.Null(idx[7])
		}
		w.Strings(idx[8], p.Codes)
		return nil
	}
}

func ptr[T any](v T) *T { return &v }

var day = time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)

func TestSlice_ConvertsEveryType(t *testing.T) {
	set := loadSet(t, flatYAML)
	rows := []person{
		{Age: 42, Sex: "f", Score: 6.5, Smoker: true, Born: day, Stay: 36 * time.Hour, HbA1c: ptr(48.5), Note: ptr("hi"), Codes: []string{"E11", "I10"}},
		{Age: -7, Sex: "m", Score: 1000, Born: day.Add(90 * time.Minute), Stay: -time.Second},
	}
	got := read(t, set, source.Slice(set.Schema(), rows, personFill(t, set.Schema())))
	require.NoError(t, got.err)
	assert.Equal(t, sorted(
		"42, f, 6.5, true, 2020-01-02T00:00:00Z, 129600s, 48.5, hi, E11|I10",
		"-7, m, 1000, false, 2020-01-02T01:30:00Z, -1s, null, null, ",
	), got.records)
}

func TestSlice_EventListsThroughField(t *testing.T) {
	type condition struct {
		Code     string
		Onset    time.Time
		Severity *int64
	}
	type patient struct {
		Age        int64
		Doses      []int64
		Conditions []condition
	}
	set := loadSet(t, eventsYAML)
	idx, err := source.FieldIndexes(set.Schema(), "age", "doses", "conditions")
	require.NoError(t, err)
	fill := func(p *patient, w *source.RowWriter) error {
		w.Int(idx[0], p.Age)
		doses := w.Field(idx[1])
		for _, d := range p.Doses {
			doses.AppendInt(d)
		}
		conds := w.Field(idx[2])
		for _, c := range p.Conditions {
			conds.Event(0).AppendString(c.Code)
			conds.Event(1).AppendTime(c.Onset)
			if c.Severity != nil {
				conds.Event(2).AppendInt(*c.Severity)
			}
			conds.EndEvent()
		}
		return nil
	}
	rows := []patient{
		{Age: 50, Doses: []int64{1, 2}, Conditions: []condition{{"E11", day, ptr[int64](2)}, {"I10", day, nil}}},
		{Age: 51},
	}
	got := read(t, set, source.Slice(set.Schema(), rows, fill))
	require.NoError(t, got.err)
	assert.Equal(t, sorted(
		"50, null, 1|2, E11@2020-01-02T00:00:00Z#2;I10@2020-01-02T00:00:00Z#null",
		"51, null, , ",
	), got.records)
}

func TestSlice_BadRowNamesRecordAndField(t *testing.T) {
	set := loadSet(t, flatYAML)
	good := person{Age: 1, Sex: "f", Born: day}
	tests := []struct {
		name    string
		fill    source.FillFunc[person]
		wantErr string
	}{
		{"missing value", func(p *person, w *source.RowWriter) error {
			w.Int(0, 1)
			return nil
		}, `source: record 2: field "sex": missing value (the field is not nullable): invalid data`},
		{"wrong type", func(p *person, w *source.RowWriter) error {
			if err := personFill(t, set.Schema())(p, w); err != nil {
				return err
			}
			w.Field(1).AppendInt(3)
			return nil
		}, `source: record 2: field "sex" of type string: cannot append a int: invalid data`},
		{"value twice", func(p *person, w *source.RowWriter) error {
			_ = personFill(t, set.Schema())(p, w)
			w.Int(0, 1)
			return nil
		}, `source: record 2: field "age": more than one value in one record: invalid data`},
		{"timestamp out of range", func(p *person, w *source.RowWriter) error {
			p.Born = time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
			return personFill(t, set.Schema())(p, w)
		}, `source: record 2: field "born": a timestamp outside the years 1678-2261: invalid data`},
		{"index out of range", func(p *person, w *source.RowWriter) error {
			_ = personFill(t, set.Schema())(p, w)
			w.Int(99, 1)
			return nil
		}, `source: record 2: field index 99 out of range (the schema has 9 fields): invalid data`},
		{"negative index through Field", func(p *person, w *source.RowWriter) error {
			_ = personFill(t, set.Schema())(p, w)
			w.Field(-1).AppendInt(1)
			w.Field(-1).EndEvent()
			return nil
		}, `source: record 2: field index -1 out of range (the schema has 9 fields): invalid data`},
		{"fill error", func(p *person, w *source.RowWriter) error {
			return errors.New("no consent")
		}, `source: record 2: no consent`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			fill := func(p *person, w *source.RowWriter) error {
				calls++
				if calls == 3 {
					return tt.fill(p, w)
				}
				return personFill(t, set.Schema())(p, w)
			}
			rows := []person{good, good, good, good}
			got := read(t, set, source.Slice(set.Schema(), rows, fill, source.WithBatchSize(2)))
			require.EqualError(t, got.err, tt.wantErr)
			assert.Len(t, got.records, 2, "the records before the bad one")
			assert.Equal(t, 3, calls, "no row read after the error")
		})
	}
}

func TestSlice_BatchSizesGiveTheSameRecords(t *testing.T) {
	set := loadSet(t, flatYAML)
	rows := make([]person, 10)
	for i := range rows {
		rows[i] = person{Age: i, Sex: "f", Score: float64(i) / 2, Born: day.AddDate(0, 0, i), Codes: []string{fmt.Sprint("C", i)}}
	}
	fill := personFill(t, set.Schema())
	want := read(t, set, source.Slice(set.Schema(), rows, fill)).records
	require.Len(t, want, 10)
	for _, size := range []int{1, 3, source.DefaultBatchSize} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			got := read(t, set, source.Slice(set.Schema(), rows, fill, source.WithBatchSize(size)))
			require.NoError(t, got.err)
			assert.Equal(t, want, got.records)
			assert.Len(t, got.sizes, (10+size-1)/size)
		})
	}
}

func TestSlice_EmptyAndNilFill(t *testing.T) {
	set := loadSet(t, flatYAML)
	src := source.Slice[person](set.Schema(), nil, personFill(t, set.Schema()))
	assert.False(t, src.Next(context.Background()))
	assert.NoError(t, src.Err())

	src = source.Slice(set.Schema(), []person{{}}, nil)
	assert.False(t, src.Next(context.Background()))
	assert.EqualError(t, src.Err(), "source: nil fill function")

	src = source.Func(set.Schema(), nil, personFill(t, set.Schema()))
	assert.False(t, src.Next(context.Background()))
	assert.EqualError(t, src.Err(), "source: nil next function")
}

func TestSlice_CancelledContextStopsNext(t *testing.T) {
	set := loadSet(t, flatYAML)
	rows := make([]person, 10000)
	for i := range rows {
		rows[i] = person{Sex: "f", Born: day}
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	fill := personFill(t, set.Schema())
	src := source.Slice(set.Schema(), rows, func(p *person, w *source.RowWriter) error {
		calls++
		if calls == 3000 {
			cancel()
		}
		return fill(p, w)
	}, source.WithBatchSize(len(rows)))
	assert.False(t, src.Next(ctx))
	assert.ErrorIs(t, src.Err(), context.Canceled)
	assert.Less(t, calls, 3000+1024+1, "stops within ctxCheckEvery rows")
}

// chunks returns a next function for Func that yields the given chunks,
// then err (io.EOF for a clean end), and records the contexts it sees.
func chunks[T any](err error, cs ...[]T) (func(context.Context) ([]T, error), *int) {
	calls := 0
	return func(ctx context.Context) ([]T, error) {
		calls++
		if ctx == nil {
			return nil, errors.New("no context")
		}
		if len(cs) == 0 {
			return nil, err
		}
		c := cs[0]
		cs = cs[1:]
		if len(cs) == 0 && err != io.EOF {
			return c, err // rows along with an error are used first
		}
		return c, nil
	}, &calls
}

func TestFunc_ReadsChunksOfAnyLength(t *testing.T) {
	set := loadSet(t, flatYAML)
	p := func(age int) person { return person{Age: age, Sex: "f", Born: day} }
	next, calls := chunks(io.EOF, []person{p(1), p(2)}, nil, []person{}, []person{p(3), p(4), p(5)}, []person{p(6)})
	got := read(t, set, source.Func(set.Schema(), next, personFill(t, set.Schema()), source.WithBatchSize(4)))
	require.NoError(t, got.err)
	assert.Len(t, got.records, 6)
	assert.Equal(t, []int{4, 2}, got.sizes)
	assert.Equal(t, 6, *calls, "five chunks, then io.EOF")
}

func TestFunc_ErrorComesAfterItsRows(t *testing.T) {
	set := loadSet(t, flatYAML)
	p := person{Age: 1, Sex: "f", Born: day}
	boom := errors.New("cursor closed")
	next, _ := chunks(boom, []person{p, p}, []person{p})
	got := read(t, set, source.Func(set.Schema(), next, personFill(t, set.Schema())))
	require.ErrorIs(t, got.err, boom)
	assert.EqualError(t, got.err, "source: reading records: cursor closed")
	assert.NotErrorIs(t, got.err, indicator.ErrInvalidData)
	assert.Len(t, got.records, 3)
}

func TestFunc_ReceivesTheContext(t *testing.T) {
	set := loadSet(t, flatYAML)
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "v")
	var seen any
	src := source.Func(set.Schema(), func(ctx context.Context) ([]person, error) {
		seen = ctx.Value(key{})
		return nil, io.EOF
	}, personFill(t, set.Schema()))
	assert.False(t, src.Next(ctx))
	assert.NoError(t, src.Err())
	assert.Equal(t, "v", seen)
}

func TestFieldIndexes(t *testing.T) {
	set := loadSet(t, flatYAML)
	idx, err := source.FieldIndexes(set.Schema(), "codes", "age")
	require.NoError(t, err)
	assert.Equal(t, []int{8, 0}, idx)
	_, err = source.FieldIndexes(set.Schema(), "age", "agee", "x")
	assert.EqualError(t, err, `source: the schema has no field "agee", "x"`)
}

func TestFunc_CancelStopsAGeneratorOfEmptyChunks(t *testing.T) {
	set := loadSet(t, flatYAML)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	src := source.Func(set.Schema(), func(ctx context.Context) ([]person, error) {
		calls++
		if calls == 2 {
			return []person{{Sex: "f", Born: day}}, nil
		}
		if calls == 100 {
			cancel()
		}
		return nil, nil // nothing yet, forever
	}, personFill(t, set.Schema()))
	assert.False(t, src.Next(ctx), "the record read before the cancellation is dropped")
	assert.ErrorIs(t, src.Err(), context.Canceled)
	assert.Equal(t, 100, calls)
}

func TestFunc_GeneratorReturningCtxErrIsACancellation(t *testing.T) {
	set := loadSet(t, flatYAML)
	ctx, cancel := context.WithCancel(context.Background())
	src := source.Func(set.Schema(), func(ctx context.Context) ([]person, error) {
		cancel()
		return []person{{Sex: "f", Born: day}}, ctx.Err()
	}, personFill(t, set.Schema()))
	assert.False(t, src.Next(ctx))
	assert.Equal(t, context.Canceled, src.Err())
}

func TestSlice_HandBuiltSchemaWithoutUnit(t *testing.T) {
	schema := &indicator.Schema{Fields: []indicator.Field{{Name: "n", Kind: indicator.KindInt}}}
	src := source.Slice(schema, []int64{1, 2, 3}, func(v *int64, w *source.RowWriter) error {
		w.Int(0, *v)
		return nil
	})
	require.True(t, src.Next(context.Background()))
	assert.Equal(t, 3, src.Batch().Len())
	assert.Same(t, schema, src.Batch().Schema())
	assert.False(t, src.Next(context.Background()))
	assert.NoError(t, src.Err())
}
