package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/openhpi/hpi/indicator"
)

// This file holds what the FHIR and Synthea readers share: grouping
// resources (or rows) by patient into records, and the account of what
// was skipped.
//
// Both inputs come as one file per resource type, in no useful order
// (Synthea's CSV files and Bulk Data exports are not sorted by patient),
// so a record cannot be completed until every file has been read. The
// readers therefore read everything once into a compact columnar side
// store and then stream the records out a batch at a time:
//
//   - only the mapped elements are kept, each as a typed column: 8 bytes a
//     value for numbers, times and durations, 4 for a string (an index into
//     a table that keeps each distinct string once: codes, systems, units),
//     one bit for null; plus 8 bytes per event for its patient and its place
//     in the patient's group;
//   - patients are keyed by id in one map (about 100 bytes a patient with a
//     36-character id);
//   - nothing else: no resource, line or map is kept per resource.
//
// 1,000,000 resources retain about 72 MB whatever their size on disk
// (BenchmarkFHIRNDJSON reports it and the peak heap). WithMaxResources
// bounds the number of resources kept (default DefaultMaxResources); past
// it the source stops with an error wrapping ErrTooManyResources instead
// of growing further.

// DefaultMaxResources is the default bound on the resources (or rows) a
// FHIR or Synthea source keeps in memory while grouping them by patient.
const DefaultMaxResources = 20_000_000

// DefaultMaxSkips is the default number of skipped resources a source
// describes in Skipped; all are counted.
const DefaultMaxSkips = 100

// ErrTooManyResources reports input larger than WithMaxResources allows.
var ErrTooManyResources = errors.New("too many resources to group by patient")

// Skip describes one resource, line or row a source skipped, or a group of
// them (Count > 1). It names where the problem is and what is wrong, never
// a value from the data (which may identify a patient), except the
// resource's id.
type Skip struct {
	File         string `json:"file,omitempty"`
	Line         int    `json:"line,omitempty"`  // 1-based line (NDJSON, CSV), 0 when not known
	Entry        int    `json:"entry,omitempty"` // 1-based entry of a Bundle, 0 outside Bundles
	ResourceType string `json:"resource_type,omitempty"`
	ID           string `json:"id,omitempty"`
	Element      string `json:"element,omitempty"` // the element path or CSV column, when one is at fault
	Reason       string `json:"reason"`
	Count        int64  `json:"count"` // resources this entry stands for
}

// Error formats the skip on one line, e.g.
//
//	Condition.ndjson:17: Condition c-3: element onsetDateTime: not a FHIR dateTime
func (s Skip) Error() string {
	var b []byte
	if s.File != "" {
		b = append(b, s.File...)
	}
	if s.Line > 0 {
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(s.Line), 10)
	}
	if s.Entry > 0 {
		b = append(b, " entry "...)
		b = strconv.AppendInt(b, int64(s.Entry), 10)
	}
	if len(b) > 0 {
		b = append(b, ": "...)
	}
	if s.ResourceType != "" {
		b = append(b, s.ResourceType...)
		if s.ID != "" {
			b = append(b, ' ')
			b = append(b, s.ID...)
		}
		b = append(b, ": "...)
	}
	if s.Element != "" {
		b = append(b, "element "...)
		b = append(b, s.Element...)
		b = append(b, ": "...)
	}
	b = append(b, s.Reason...)
	if s.Count > 1 {
		b = append(b, " ("...)
		b = strconv.AppendInt(b, s.Count, 10)
		b = append(b, " resources)"...)
	}
	return string(b)
}

// skips collects skipped resources: all counted, the first few described.
type skips struct {
	max   int
	count int64
	list  []Skip
}

func (s *skips) add(k Skip) {
	if k.Count < 1 {
		k.Count = 1
	}
	s.count += k.Count
	if len(s.list) < s.max {
		s.list = append(s.list, k)
	}
}

// value is one extracted element: null, or a number, time, duration,
// bool (i is 0 or 1) or string.
type value struct {
	kind indicator.Kind // KindInvalid: null
	i    int64
	f    float64
	s    string
}

var null value

func intValue(i int64) value         { return value{kind: indicator.KindInt, i: i} }
func doubleValue(f float64) value    { return value{kind: indicator.KindDouble, f: f} }
func boolValue(b bool) value         { return value{kind: indicator.KindBool, i: b2i(b)} }
func timeValue(t time.Time) value    { return value{kind: indicator.KindTimestamp, i: t.UnixNano()} }
func durValue(d time.Duration) value { return value{kind: indicator.KindDuration, i: int64(d)} }
func stringValue(s string) value {
	if s == "" {
		return null
	}
	return value{kind: indicator.KindString, s: s}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// column is one stored field: strings as indices into the store's string
// table, everything else as int64 (doubles by their bits).
type storeColumn struct {
	kind indicator.Kind
	nums []int64
	strs []uint32
	null []uint64 // bit set: the value is null
}

func (c *storeColumn) add(row int, v value, st *store) {
	if v.kind == indicator.KindInvalid {
		for len(c.null) <= row/64 {
			c.null = append(c.null, 0)
		}
		c.null[row/64] |= 1 << (row % 64)
	}
	switch c.kind {
	case indicator.KindString:
		var id uint32
		if v.kind != indicator.KindInvalid {
			id = st.intern(v.s)
		}
		c.strs = append(c.strs, id)
	case indicator.KindDouble:
		f := v.f
		if v.kind == indicator.KindInt {
			f = float64(v.i)
		}
		c.nums = append(c.nums, int64(math.Float64bits(f)))
	default:
		c.nums = append(c.nums, v.i)
	}
}

func (c *storeColumn) isNull(row int) bool {
	return row/64 < len(c.null) && c.null[row/64]&(1<<(row%64)) != 0
}

// appendTo appends row's value to a builder column.
func (c *storeColumn) appendTo(cb indicator.ColumnBuilder, row int, st *store) {
	if c.isNull(row) {
		cb.AppendNull()
		return
	}
	switch c.kind {
	case indicator.KindString:
		cb.AppendString(st.strings[c.strs[row]])
	case indicator.KindDouble:
		cb.AppendDouble(math.Float64frombits(uint64(c.nums[row])))
	case indicator.KindInt:
		cb.AppendInt(c.nums[row])
	case indicator.KindBool:
		cb.AppendBool(c.nums[row] != 0)
	case indicator.KindTimestamp:
		cb.AppendTime(time.Unix(0, c.nums[row]))
	case indicator.KindDuration:
		cb.AppendDuration(time.Duration(c.nums[row]))
	}
}

// table is the stored rows of the record's fields or of one event list.
type table struct {
	cols  []storeColumn
	owner []uint32 // events: the patient slot of each row
	rows  int
	// After sealing, events grouped by patient: order lists rows by
	// slot, and rows of slot p are order[start[p]:start[p+1]].
	order []uint32
	start []uint32
}

func newTable(fields []indicator.Field) *table {
	t := &table{cols: make([]storeColumn, len(fields))}
	for i, f := range fields {
		t.cols[i].kind = f.Kind
	}
	return t
}

func (t *table) add(vals []value, st *store) {
	for i := range t.cols {
		t.cols[i].add(t.rows, vals[i], st)
	}
	t.rows++
}

// seal groups the rows of an event table by patient slot (a counting sort,
// stable: each patient's events stay in the order read).
func (t *table) seal(slots int) {
	t.start = make([]uint32, slots+1)
	for _, p := range t.owner {
		t.start[p+1]++
	}
	for p := range slots {
		t.start[p+1] += t.start[p]
	}
	next := make([]uint32, slots)
	copy(next, t.start[:slots])
	t.order = make([]uint32, len(t.owner))
	for row, p := range t.owner {
		t.order[next[p]] = uint32(row)
		next[p]++
	}
}

// store is the side store of a grouping source.
type store struct {
	schema    *indicator.Schema
	max       int
	total     int // resources stored
	slots     map[string]uint32
	slotKeys  []string
	patRow    []int32 // per slot: the row of its Patient, or -1
	patients  *table
	events    []*table // by top-level field index; nil unless an event list
	strings   []string
	stringIDs map[string]uint32
}

func newStore(schema *indicator.Schema, max int) *store {
	st := &store{schema: schema, max: max, slots: map[string]uint32{}, stringIDs: map[string]uint32{}}
	var scalars []indicator.Field
	st.events = make([]*table, len(schema.Fields))
	for i, f := range schema.Fields {
		if f.Kind == indicator.KindEvents {
			st.events[i] = newTable(f.Fields)
		} else {
			scalars = append(scalars, f)
		}
	}
	st.patients = newTable(scalars)
	return st
}

func (st *store) intern(s string) uint32 {
	if id, ok := st.stringIDs[s]; ok {
		return id
	}
	id := uint32(len(st.strings))
	s = stringsClone(s)
	st.strings = append(st.strings, s)
	st.stringIDs[s] = id
	return id
}

func (st *store) slot(key string) uint32 {
	if p, ok := st.slots[key]; ok {
		return p
	}
	p := uint32(len(st.slotKeys))
	key = stringsClone(key)
	st.slots[key] = p
	st.slotKeys = append(st.slotKeys, key)
	st.patRow = append(st.patRow, -1)
	return p
}

func (st *store) full() error {
	if st.total >= st.max {
		return fmt.Errorf("source: more than %d resources (see WithMaxResources): %w", st.max, ErrTooManyResources)
	}
	st.total++
	return nil
}

// addPatient stores a patient's scalar fields; false if the patient was
// already stored.
func (st *store) addPatient(key string, vals []value) (bool, error) {
	p := st.slot(key)
	if st.patRow[p] >= 0 {
		return false, nil
	}
	if err := st.full(); err != nil {
		return false, err
	}
	st.patRow[p] = int32(st.patients.rows)
	st.patients.add(vals, st)
	return true, nil
}

// addEvent stores one event of the event list in top-level field f.
func (st *store) addEvent(f int, key string, vals []value) error {
	if err := st.full(); err != nil {
		return err
	}
	t := st.events[f]
	t.owner = append(t.owner, st.slot(key))
	t.add(vals, st)
	return nil
}

// seal groups events by patient and reports the events of subjects that
// have no Patient, per event list.
func (st *store) seal(sk *skips, resourceTypes func(field int) string) {
	for f, t := range st.events {
		if t == nil {
			continue
		}
		t.seal(len(st.slotKeys))
		var orphans int64
		for _, p := range t.owner {
			if st.patRow[p] < 0 {
				orphans++
			}
		}
		if orphans > 0 {
			sk.add(Skip{ResourceType: resourceTypes(f), Reason: fmt.Sprintf("subject has no Patient resource (event list %s)", st.schema.Fields[f].Name), Count: orphans})
		}
	}
}

// emitter writes the stored patients as records, in the order their
// Patient was read.
type emitter struct {
	st   *store
	next int // the next patient row
	// slotOf is the slot of each patient row.
	slotOf []uint32
}

func newEmitter(st *store) *emitter {
	e := &emitter{st: st, slotOf: make([]uint32, st.patients.rows)}
	for p, r := range st.patRow {
		if r >= 0 {
			e.slotOf[r] = uint32(p)
		}
	}
	return e
}

// row appends the next record; io.EOF after the last. A record the
// builder refuses (which the checks made when storing should prevent) is
// skipped and counted.
func (e *emitter) row(b *indicator.BatchBuilder, sk *skips) error {
	for {
		err := e.one(b)
		if err == nil || err == io.EOF {
			return err
		}
		b.DiscardRow()
		sk.add(Skip{ResourceType: "Patient", ID: e.st.slotKeys[e.slotOf[e.next-1]], Reason: err.Error()})
	}
}

func (e *emitter) one(b *indicator.BatchBuilder) error {
	st := e.st
	if e.next >= st.patients.rows {
		return io.EOF
	}
	r := e.next
	e.next++
	slot := e.slotOf[r]
	k := 0
	for i, f := range st.schema.Fields {
		cb := b.Field(i)
		if f.Kind != indicator.KindEvents {
			st.patients.cols[k].appendTo(cb, r, st)
			k++
			continue
		}
		t := st.events[i]
		for _, row := range t.order[t.start[slot]:t.start[slot+1]] {
			for j := range t.cols {
				t.cols[j].appendTo(cb.Event(j), int(row), st)
			}
			cb.EndEvent()
		}
	}
	return b.EndRow()
}

// grouped is the rowReader of a grouping source: the first readRow loads
// every input into the store, and each call then emits one patient.
type grouped struct {
	schema *indicator.Schema
	load   func(ctx context.Context, st *store, sk *skips) error
	cfg    config
	st     *store
	sk     skips
	em     *emitter
	// types names the resource types of each event list, for messages.
	types func(field int) string
}

func (g *grouped) open() error { return nil }

func (g *grouped) readRow(ctx context.Context, b *indicator.BatchBuilder) error {
	if g.em == nil {
		g.st = newStore(g.schema, g.cfg.maxResources)
		if err := g.load(ctx, g.st, &g.sk); err != nil {
			g.st = nil
			return err
		}
		g.st.seal(&g.sk, g.types)
		g.em = newEmitter(g.st)
	}
	return g.em.row(b, &g.sk)
}

func stringsClone(s string) string { return string([]byte(s)) }
