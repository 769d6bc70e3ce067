package indicator

import (
	"fmt"
	"time"

	"github.com/openhpi/hpi/internal/textvalue"
)

// column holds one field of a batch in columnar form. Only the slice that
// matches the kind is used: ints for int, timestamp (Unix nanoseconds, UTC)
// and duration (nanoseconds); floats for double; bools; strs for string.
// Lists keep offsets (row i spans offsets[i]:offsets[i+1]) into elem (a
// scalar list) or into fields (one child column per event field).
type column struct {
	field   *Field
	valid   bitmap // nullable scalars only: bit set = value present
	ints    []int64
	floats  []float64
	bools   []bool
	strs    []string
	offsets []int32
	elem    *column
	fields  []*column
	events  int // completed events of an event list
}

func newColumn(f *Field) *column {
	c := &column{field: f}
	switch f.Kind {
	case KindList:
		c.offsets = []int32{0}
		c.elem = newColumn(&Field{Name: f.Name, Kind: f.Elem})
	case KindEvents:
		c.offsets = []int32{0}
		c.fields = make([]*column, len(f.Fields))
		for i := range f.Fields {
			c.fields[i] = newColumn(&f.Fields[i])
		}
	}
	return c
}

// len returns the number of values (rows, events or list elements) held.
func (c *column) len() int {
	switch c.field.Kind {
	case KindInt, KindTimestamp, KindDuration:
		return len(c.ints)
	case KindDouble:
		return len(c.floats)
	case KindBool:
		return len(c.bools)
	case KindString:
		return len(c.strs)
	}
	return len(c.offsets) - 1
}

// truncate drops every value from position n on, so that a failed row
// leaves the column as it was before the row began.
func (c *column) truncate(n int) {
	switch c.field.Kind {
	case KindInt, KindTimestamp, KindDuration:
		c.ints = c.ints[:n]
	case KindDouble:
		c.floats = c.floats[:n]
	case KindBool:
		c.bools = c.bools[:n]
	case KindString:
		c.strs = c.strs[:n]
	case KindList:
		c.offsets = c.offsets[:n+1]
		c.elem.truncate(int(c.offsets[n]))
	case KindEvents:
		c.offsets = c.offsets[:n+1]
		c.events = int(c.offsets[n])
		for _, f := range c.fields {
			f.truncate(c.events)
		}
	}
	c.valid.truncate(n)
}

// isNull reports whether value i is absent.
func (c *column) isNull(i int) bool {
	return c.field.Nullable && !c.valid.get(i)
}

// span returns the range of child values of list row i.
func (c *column) span(i int) (int, int) {
	return int(c.offsets[i]), int(c.offsets[i+1])
}

// bitmap is a growable bit set.
type bitmap struct {
	words []uint64
	n     int
}

func (b *bitmap) append(v bool) {
	if b.n%64 == 0 {
		b.words = append(b.words, 0)
	}
	if v {
		b.words[b.n/64] |= 1 << (b.n % 64)
	}
	b.n++
}

func (b *bitmap) get(i int) bool { return b.words[i/64]&(1<<(i%64)) != 0 }

func (b *bitmap) truncate(n int) {
	if n >= b.n {
		return
	}
	b.words = b.words[:(n+63)/64]
	if n%64 != 0 {
		b.words[n/64] &= 1<<(n%64) - 1
	}
	b.n = n
}

// Batch is a block of records in columnar form, as produced by a Source.
// A batch is immutable once built and may be read by several goroutines.
type Batch struct {
	schema *Schema
	n      int
	cols   []*column
}

// Len returns the number of records in the batch.
func (b *Batch) Len() int { return b.n }

// Schema returns the schema the batch was built for.
func (b *Batch) Schema() *Schema { return b.schema }

// BatchBuilder assembles a Batch record by record. For each record, append
// one value to each scalar field (a nullable field left out is null), any
// number of elements to list fields and any number of events to event
// fields, then call EndRow. Type errors are sticky: they are reported by the
// next EndRow, which also discards the incomplete record.
type BatchBuilder struct {
	schema *Schema
	n      int
	cols   []*column
	err    error
}

// NewBatchBuilder returns a builder for batches of the schema.
func NewBatchBuilder(s *Schema) *BatchBuilder {
	b := &BatchBuilder{schema: s}
	b.reset()
	return b
}

func (b *BatchBuilder) reset() {
	b.n = 0
	b.cols = make([]*column, len(b.schema.Fields))
	for i := range b.schema.Fields {
		b.cols[i] = newColumn(&b.schema.Fields[i])
	}
}

// Len returns the number of complete records in the batch being built.
func (b *BatchBuilder) Len() int { return b.n }

// Field returns the builder of top-level field i (see Schema.FieldIndex).
func (b *BatchBuilder) Field(i int) ColumnBuilder {
	return ColumnBuilder{b: b, c: b.cols[i]}
}

// EndRow completes the current record. A missing value of a non-nullable
// field, a field given twice, or an earlier type error is returned and the
// record is discarded, leaving the builder as it was before the record.
func (b *BatchBuilder) EndRow() error {
	err := b.err
	for _, c := range b.cols {
		if err != nil {
			break
		}
		err = closeValue(c, b.n)
	}
	if err != nil {
		b.DiscardRow()
		return err
	}
	b.n++
	return nil
}

// DiscardRow drops the values appended to the current record and any
// pending error, leaving the builder as it was after the last EndRow: a
// source that finds a bad value halfway through a record calls it.
func (b *BatchBuilder) DiscardRow() {
	b.err = nil
	for _, c := range b.cols {
		c.truncate(b.n)
	}
}

// closeValue completes value n of column c: lists get their end offset,
// absent nullable scalars get a null.
func closeValue(c *column, n int) error {
	f := c.field
	switch {
	case f.Kind == KindList || f.Kind == KindEvents:
		if len(c.offsets) != n+1 {
			return fmt.Errorf("%w: field %q: list closed twice", ErrInvalidData, f.Name)
		}
		size := c.events
		if f.Kind == KindList {
			size = c.elem.len()
		}
		for _, child := range c.fields {
			if child.len() != size {
				return fmt.Errorf("%w: field %q: an event was begun but not ended (call EndEvent)", ErrInvalidData, f.Name)
			}
		}
		c.offsets = append(c.offsets, int32(size))
		return nil
	case c.len() == n+1:
		return nil
	case c.len() > n+1:
		return fmt.Errorf("%w: field %q: more than one value in one record", ErrInvalidData, f.Name)
	case f.Nullable:
		c.appendZero()
		c.valid.append(false)
		return nil
	}
	return fmt.Errorf("%w: field %q: missing value (the field is not nullable)", ErrInvalidData, f.Name)
}

func (c *column) appendZero() {
	switch c.field.Kind {
	case KindInt, KindTimestamp, KindDuration:
		c.ints = append(c.ints, 0)
	case KindDouble:
		c.floats = append(c.floats, 0)
	case KindBool:
		c.bools = append(c.bools, false)
	case KindString:
		c.strs = append(c.strs, "")
	}
}

// Build returns the records added so far as a Batch and starts a new one.
func (b *BatchBuilder) Build() *Batch {
	out := &Batch{schema: b.schema, n: b.n, cols: b.cols}
	b.reset()
	return out
}

// ColumnBuilder appends values to one field. Lists take one Append call per
// element; event lists take one value per event field through Event and
// EndEvent.
type ColumnBuilder struct {
	b *BatchBuilder
	c *column
}

func (cb ColumnBuilder) fail(want string) {
	if cb.b.err == nil {
		cb.b.err = fmt.Errorf("%w: field %q of type %s: cannot append a %s", ErrInvalidData, cb.c.field.Name, cb.c.field.TypeString(), want)
	}
}

// target returns the column that receives scalar values: the column itself,
// or the element column of a list.
func (cb ColumnBuilder) target(k Kind) *column {
	c := cb.c
	if c.field.Kind == KindList {
		c = c.elem
	}
	if c.field.Kind != k {
		return nil
	}
	return c
}

func (c *column) markValid() {
	if c.field.Nullable {
		c.valid.append(true)
	}
}

// AppendInt appends an int value. Into a double field it is converted.
func (cb ColumnBuilder) AppendInt(v int64) {
	if c := cb.target(KindDouble); c != nil {
		cb.AppendDouble(float64(v))
		return
	}
	c := cb.target(KindInt)
	if c == nil {
		cb.fail("int")
		return
	}
	c.ints = append(c.ints, v)
	c.markValid()
}

// AppendDouble appends a double value.
func (cb ColumnBuilder) AppendDouble(v float64) {
	c := cb.target(KindDouble)
	if c == nil {
		cb.fail("double")
		return
	}
	c.floats = append(c.floats, v)
	c.markValid()
}

// AppendBool appends a bool value.
func (cb ColumnBuilder) AppendBool(v bool) {
	c := cb.target(KindBool)
	if c == nil {
		cb.fail("bool")
		return
	}
	c.bools = append(c.bools, v)
	c.markValid()
}

// AppendString appends a string value.
func (cb ColumnBuilder) AppendString(v string) {
	c := cb.target(KindString)
	if c == nil {
		cb.fail("string")
		return
	}
	c.strs = append(c.strs, v)
	c.markValid()
}

// AppendTime appends a timestamp. Timestamps are held as Unix nanoseconds,
// so they must fall between the years 1678 and 2262.
func (cb ColumnBuilder) AppendTime(t time.Time) {
	c := cb.target(KindTimestamp)
	if c == nil {
		cb.fail("timestamp")
		return
	}
	if y := t.UTC().Year(); y < textvalue.MinYear || y > textvalue.MaxYear { // the instant, whatever t's zone
		if cb.b.err == nil {
			cb.b.err = fmt.Errorf("%w: field %q: a timestamp outside the years %d-%d", ErrInvalidData, c.field.Name, textvalue.MinYear, textvalue.MaxYear)
		}
		return
	}
	c.ints = append(c.ints, t.UnixNano())
	c.markValid()
}

// AppendDuration appends a duration.
func (cb ColumnBuilder) AppendDuration(d time.Duration) {
	c := cb.target(KindDuration)
	if c == nil {
		cb.fail("duration")
		return
	}
	c.ints = append(c.ints, int64(d))
	c.markValid()
}

// AppendNull appends an absent value to a nullable scalar field (or event
// field). Leaving the field out of a record has the same effect.
func (cb ColumnBuilder) AppendNull() {
	c := cb.c
	if !c.field.Nullable {
		if cb.b.err == nil {
			cb.b.err = fmt.Errorf("%w: field %q: null value (the field is not nullable)", ErrInvalidData, c.field.Name)
		}
		return
	}
	c.appendZero()
	c.valid.append(false)
}

// Event returns the builder of field i of the current event of an event
// list (see Field.Fields for the order). Call EndEvent after the event's
// values.
func (cb ColumnBuilder) Event(i int) ColumnBuilder {
	if cb.c.field.Kind != KindEvents || i < 0 || i >= len(cb.c.fields) {
		cb.fail("event")
		return ColumnBuilder{b: cb.b, c: newColumn(&Field{Name: cb.c.field.Name, Kind: KindInvalid})}
	}
	return ColumnBuilder{b: cb.b, c: cb.c.fields[i]}
}

// EndEvent completes the current event of an event list: every event field
// must have one value (a nullable one may be left out).
func (cb ColumnBuilder) EndEvent() {
	c := cb.c
	if c.field.Kind != KindEvents {
		cb.fail("event")
		return
	}
	for _, f := range c.fields {
		if err := closeValue(f, c.events); err != nil && cb.b.err == nil {
			cb.b.err = fmt.Errorf("field %q: %w", c.field.Name, err)
		}
	}
	c.events++
}
