package indicator

import (
	"fmt"
	"strconv"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
)

// row is one worker's view of the current record: its fields are
// converted to CEL values once per record, and its event lists once per
// batch, however many expressions, indicators and periods read them.
type row struct {
	set    *Set
	batch  *Batch
	i      int
	gen    uint64      // the current record's generation; memo entries of older ones are stale
	bgen   uint64      // the current batch's generation, for vectors (vector.go)
	record *object     // the record as one CEL object
	fields []memoised  // per top-level field
	events []eventView // per top-level field that is an event list
}

func newRow(s *Set) *row {
	r := &row{
		set:    s,
		fields: make([]memoised, len(s.schema.Fields)),
		events: make([]eventView, len(s.schema.Fields)),
	}
	r.record = &object{typ: s.record, ref: r}
	return r
}

// enter starts on batch b (even when it is the last batch's memory,
// refilled), at its first record.
func (r *row) enter(b *Batch) {
	r.batch, r.i = b, 0
	r.gen++
	r.bgen++
}

// at moves to record i of the current batch.
func (r *row) at(i int) {
	r.i = i
	r.gen++
}

func (r *row) isNull(i int) bool {
	return r.batch.cols[i].isNull(r.i)
}

// field returns top-level field i of the current record as a CEL value.
func (r *row) field(i int) ref.Val {
	m := &r.fields[i]
	if m.gen != r.gen {
		m.val, m.gen = r.convert(i), r.gen
	}
	return m.val
}

// list returns events l of event-list field f as a CEL list. A subset is
// copied: the native filter that made it reuses its buffer.
func (r *row) list(f int, l evlist) ref.Val {
	base := r.field(f).(listValue)
	if l.subset {
		base.idx = append(make([]int, 0, len(l.idx)), l.idx...)
	}
	return base
}

func (r *row) convert(i int) ref.Val {
	col := r.batch.cols[i]
	switch col.field.Kind {
	case KindList:
		start, end := col.span(r.i)
		return listValue{col: col, start: start, end: end, elemType: r.set.elemTypes[i]}
	case KindEvents:
		start, end := col.span(r.i)
		v := &r.events[i]
		if v.batch != r.batch {
			v.reset(r.batch, col, r.set.events[i])
		}
		return listValue{col: col, start: start, end: end, elemType: r.set.elemTypes[i], events: v}
	}
	return scalarValue(col, r.i)
}

// cursor is the CEL activation of one parameter set (one period) over a
// worker's row: it resolves names without building a map, and memoises the
// set's expressions (definitions and criteria) so that each is evaluated
// at most once per record.
type cursor struct {
	set    *Set
	row    *row
	params []ref.Val
	memo   []memoised // per expression of the set
	vecs   []vecMemo  // per expression of the set: its vector, for vectorised ones
	temps  []bitvec   // scratch of vectorised && and ||
	evecs  []vecMemo  // per filter computed as an event vector: its vector for the batch
	counts []int64    // per expression: evaluations, when WithStats asks
	slots  []int      // the current event index of each native comprehension variable
	bufs   [][]int    // the events kept by each native filter
}

// memoised is one expression's value for one row. A native expression
// keeps its typed value (b, i, d, s or evs) and is converted to a CEL value
// (val) only when the interpreter asks for it.
type memoised struct {
	gen uint64
	val ref.Val
	err error
	b   bool
	i   int64
	d   float64
	s   string
	evs evlist
}

func newCursor(s *Set, r *row, params []ref.Val) *cursor {
	return &cursor{set: s, row: r, params: params, memo: make([]memoised, len(s.exprs)), vecs: make([]vecMemo, len(s.exprs)), temps: make([]bitvec, s.temps), evecs: make([]vecMemo, s.eventVectors), slots: make([]int, s.slots), bufs: make([][]int, s.buffers)}
}

// ResolveName implements interpreter.Activation.
func (c *cursor) ResolveName(name string) (any, bool) {
	b, ok := c.set.names[name]
	if !ok {
		return nil, false
	}
	switch b.kind {
	case bindField:
		return c.row.field(b.index), true
	case bindRecord:
		return c.row.record, true
	case bindValueSets:
		return c.set.valueSets, true
	case bindParam:
		return c.params[b.index], true
	case bindDefinition:
		return c.definition(b.index), true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (c *cursor) Parent() interpreter.Activation { return nil }

// eval returns the value of expression i for the current row as a CEL
// value, evaluating it on first use.
func (c *cursor) eval(i int) (ref.Val, error) {
	m := c.compute(i)
	if m.val == nil && m.err == nil {
		m.val = c.box(&c.set.exprs[i].native, m)
	}
	return m.val, m.err
}

// box converts the typed value of a native expression to a CEL value.
func (c *cursor) box(n *native, m *memoised) ref.Val {
	switch n.kind {
	case KindBool:
		return types.Bool(m.b)
	case KindInt:
		return types.Int(m.i)
	case KindTimestamp:
		return types.Timestamp{Time: time.Unix(0, m.i).UTC()}
	case KindDouble:
		return types.Double(m.d)
	case KindString:
		return types.String(m.s)
	}
	return c.row.list(n.field, m.evs)
}

// The typed accessors return expression i's value without converting a
// native value to CEL; an interpreted value of the wrong type is an error.

func (c *cursor) evalBool(i int) (bool, error) {
	m := c.compute(i)
	if m.err != nil || m.val == nil {
		return m.b, m.err
	}
	b, ok := m.val.(types.Bool)
	if !ok {
		return false, fmt.Errorf("got %s, want bool", m.val.Type().TypeName())
	}
	return bool(b), nil
}

// evalNumber returns an int or double expression's value as a float64.
func (c *cursor) evalNumber(i int) (float64, error) {
	m := c.compute(i)
	if m.err != nil {
		return 0, m.err
	}
	if m.val == nil {
		if c.set.exprs[i].native.kind == KindInt {
			return float64(m.i), nil
		}
		return m.d, nil
	}
	switch n := m.val.(type) {
	case types.Int:
		return float64(n), nil
	case types.Double:
		return float64(n), nil
	}
	return 0, fmt.Errorf("got %s, want a number", m.val.Type().TypeName())
}

func (c *cursor) evalInt(i int) (int64, error) {
	m := c.compute(i)
	if m.err != nil || m.val == nil {
		return m.i, m.err
	}
	return int64(m.val.(types.Int)), nil
}

func (c *cursor) evalDouble(i int) (float64, error) {
	m := c.compute(i)
	if m.err != nil || m.val == nil {
		return m.d, m.err
	}
	return float64(m.val.(types.Double)), nil
}

func (c *cursor) evalString(i int) (string, error) {
	m := c.compute(i)
	if m.err != nil || m.val == nil {
		return m.s, m.err
	}
	return string(m.val.(types.String)), nil
}

func (c *cursor) evalTime(i int) (int64, error) {
	m := c.compute(i)
	if m.err != nil || m.val == nil {
		return m.i, m.err
	}
	return m.val.(types.Timestamp).UnixNano(), nil
}

// evalLabel returns a stratifier component's value as a stratum label.
func (c *cursor) evalLabel(i int) (string, error) {
	m := c.compute(i)
	switch {
	case m.err != nil:
		return "", m.err
	case m.val != nil:
		return label(m.val), nil
	}
	switch c.set.exprs[i].native.kind {
	case KindInt:
		return strconv.FormatInt(m.i, 10), nil
	case KindBool:
		return strconv.FormatBool(m.b), nil
	}
	return m.s, nil
}

// evalEvents returns the value of expression i, a native list of events.
func (c *cursor) evalEvents(i int) (evlist, error) {
	m := c.compute(i)
	return m.evs, m.err
}

// compute evaluates expression i once per row.
func (c *cursor) compute(i int) *memoised {
	m := &c.memo[i]
	if m.gen == c.row.gen {
		return m
	}
	e := &c.set.exprs[i]
	m.gen, m.val, m.err = c.row.gen, nil, nil
	if c.counts != nil {
		c.counts[i]++
	}
	switch n := &e.native; n.kind {
	case KindInvalid:
		m.val, _, m.err = e.prog.Eval(c)
		if m.val == nil && m.err == nil {
			m.err = fmt.Errorf("indicator: the interpreter returned no value") // cel-go returns a value or an error; never both nil
		}
	case KindBool:
		if n.vec != nil && n.level == 0 {
			if val, bad := c.vector(i).get(c.row.i); !bad {
				m.b = val
				break
			}
		}
		m.b, m.err = n.b(c)
	case KindInt, KindTimestamp:
		m.i, m.err = n.i(c)
	case KindDouble:
		m.d, m.err = n.d(c)
	case KindString:
		m.s, m.err = n.s(c)
	case KindEvents:
		m.evs, m.err = n.evs(c)
	}
	if m.err != nil && e.name != "" {
		m.err = fmt.Errorf("definition %s: %w", e.name, m.err)
	}
	return m
}

func (c *cursor) definition(i int) ref.Val {
	v, err := c.eval(c.set.defExpr[i])
	if err != nil {
		return types.WrapErr(err)
	}
	return v
}
