package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/openhpi/hpi/indicator"
)

// FillFunc appends the values of one Go value as one record, through w.
// It is called once per row, in order. Field indices are best resolved
// once, outside it (see FieldIndexes). A nullable field left out is null; a
// non-nullable one left out, or given a value of the wrong type, makes the
// source fail with an error naming the record and the field. An error
// returned by FillFunc stops the source too, wrapped with the record index.
// Record indices count from 0 over all rows, so that for Slice the index is
// the row's position in the slice.
type FillFunc[T any] func(row *T, w *RowWriter) error

// Slice returns a Source over rows in memory, converted to records by fill.
// No reflection is involved: the cost per row is fill's own. The rows must
// not change until the source is exhausted.
//
//	idx, _ := source.FieldIndexes(schema, "age", "sex")
//	src := source.Slice(schema, people, func(p *Person, w *source.RowWriter) error {
//		w.Int(idx[0], int64(p.Age))
//		w.String(idx[1], p.Sex)
//		return nil
//	})
//
// Options: WithBatchSize.
func Slice[T any](schema *indicator.Schema, rows []T, fill FillFunc[T], opts ...Option) indicator.Source {
	return newStream(schema, newConfig(opts), &sliceReader[T]{schema: schema, chunk: rows, nextErr: io.EOF, fill: fill})
}

// Func returns a Source over rows produced in chunks by next, such as a
// database cursor or a generator, so that only one chunk needs to be in
// memory. next returns the following chunk, or io.EOF at the end; as with
// io.Reader, rows returned along with an error are used before the error
// is considered, and an empty chunk with a nil error is allowed. Any error
// other than io.EOF stops the source, wrapped. A chunk is no longer used
// once next is called again.
//
// Options: WithBatchSize.
func Func[T any](schema *indicator.Schema, next func(ctx context.Context) ([]T, error), fill FillFunc[T], opts ...Option) indicator.Source {
	return newStream(schema, newConfig(opts), &sliceReader[T]{schema: schema, next: next, fill: fill})
}

// sliceReader reads records from chunks of Go values.
type sliceReader[T any] struct {
	schema  *indicator.Schema
	next    func(context.Context) ([]T, error)
	fill    FillFunc[T]
	chunk   []T
	pos     int
	nextErr error // returned by next with the current chunk
	index   int64 // records read so far, for error messages
	w       RowWriter
}

func (r *sliceReader[T]) open() error {
	if r.fill == nil {
		return errors.New("source: nil fill function")
	}
	if r.next == nil && r.nextErr == nil {
		return errors.New("source: nil next function")
	}
	r.w.n = len(r.schema.Fields)
	return nil
}

func (r *sliceReader[T]) readRow(ctx context.Context, b *indicator.BatchBuilder) error {
	for r.pos >= len(r.chunk) {
		if err := r.advance(ctx); err != nil {
			return err
		}
	}
	row := &r.chunk[r.pos]
	r.pos++
	index := r.index
	r.index++
	r.w.b, r.w.err = b, nil
	if err := r.fill(row, &r.w); err != nil {
		return fmt.Errorf("source: record %d: %w", index, err)
	}
	if r.w.err != nil {
		return fmt.Errorf("source: record %d: %w", index, r.w.err)
	}
	if err := b.EndRow(); err != nil {
		return builderError(fmt.Sprintf("source: record %d", index), err)
	}
	return nil
}

// advance fetches the next chunk, or returns the error that came with the
// last one once its rows are used.
func (r *sliceReader[T]) advance(ctx context.Context) error {
	if r.nextErr == io.EOF {
		r.chunk = nil // let the caller's memory go
		return io.EOF
	}
	if r.nextErr != nil {
		return fmt.Errorf("source: reading records: %w", r.nextErr)
	}
	// Checked here too: a generator may return empty chunks for a long
	// time, and the batch loop only checks between records.
	if err := ctx.Err(); err != nil {
		return err
	}
	r.chunk, r.nextErr = r.next(ctx)
	r.pos = 0
	return nil
}

// RowWriter appends the values of one record; FillFunc receives it. Its
// methods take the index of a top-level schema field. Type errors (an int
// for a string field, say) are reported when the record ends.
type RowWriter struct {
	b    *indicator.BatchBuilder
	n    int   // fields in the schema
	err  error // an index out of range
	sink *indicator.BatchBuilder
}

// col returns the builder of field i, or records an error when i is out of
// range, so that a wrong index is an error rather than a panic.
func (w *RowWriter) col(i int) (indicator.ColumnBuilder, bool) {
	if i < 0 || i >= w.n {
		if w.err == nil {
			w.err = fmt.Errorf("field index %d out of range (the schema has %d fields): %w", i, w.n, indicator.ErrInvalidData)
		}
		return indicator.ColumnBuilder{}, false
	}
	return w.b.Field(i), true
}

// Int sets int field i (or a double field, converted).
func (w *RowWriter) Int(i int, v int64) {
	if cb, ok := w.col(i); ok {
		cb.AppendInt(v)
	}
}

// Double sets double field i.
func (w *RowWriter) Double(i int, v float64) {
	if cb, ok := w.col(i); ok {
		cb.AppendDouble(v)
	}
}

// Bool sets bool field i.
func (w *RowWriter) Bool(i int, v bool) {
	if cb, ok := w.col(i); ok {
		cb.AppendBool(v)
	}
}

// String sets string field i.
func (w *RowWriter) String(i int, v string) {
	if cb, ok := w.col(i); ok {
		cb.AppendString(v)
	}
}

// Time sets timestamp field i; it must fall between the years 1678 and
// 2261.
func (w *RowWriter) Time(i int, v time.Time) {
	if cb, ok := w.col(i); ok {
		cb.AppendTime(v)
	}
}

// Duration sets duration field i.
func (w *RowWriter) Duration(i int, v time.Duration) {
	if cb, ok := w.col(i); ok {
		cb.AppendDuration(v)
	}
}

// Null sets nullable field i to null, which is also what leaving it out
// does.
func (w *RowWriter) Null(i int) {
	if cb, ok := w.col(i); ok {
		cb.AppendNull()
	}
}

// Strings appends every element of vs to list<string> field i.
func (w *RowWriter) Strings(i int, vs []string) {
	if cb, ok := w.col(i); ok {
		for _, v := range vs {
			cb.AppendString(v)
		}
	}
}

// Field returns the builder of field i, for what the other methods do not
// cover: elements of other list types (one Append call per element) and
// event lists (cb.Event(j).AppendX for each event field, then
// cb.EndEvent()). The builder is valid only during the current FillFunc
// call. An index out of range makes the record fail; the builder returned
// then discards what it is given.
func (w *RowWriter) Field(i int) indicator.ColumnBuilder {
	if cb, ok := w.col(i); ok {
		return cb
	}
	if w.sink == nil {
		// One field of no kind: every value appended to it fails without
		// effect, which makes a harmless builder for a bad index.
		w.sink = indicator.NewBatchBuilder(&indicator.Schema{Unit: "sink", Fields: []indicator.Field{{Name: "sink"}}})
	}
	return w.sink.Field(0)
}

// FieldIndexes returns the index of each named top-level field of schema,
// for use with RowWriter, or an error naming the fields it lacks.
func FieldIndexes(schema *indicator.Schema, names ...string) ([]int, error) {
	out := make([]int, len(names))
	var missing []string
	for k, name := range names {
		out[k] = schema.FieldIndex(name)
		if out[k] < 0 {
			missing = append(missing, fmt.Sprintf("%q", name))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("source: the schema has no field %s", strings.Join(missing, ", "))
	}
	return out, nil
}
