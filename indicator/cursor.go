package indicator

import (
	"fmt"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
)

// cursor is the CEL activation of one worker: it points at the current row
// of a batch and resolves names to that row's values without building a map.
// The set's expressions (definitions and criteria) are memoised per row:
// each is evaluated at most once per record.
type cursor struct {
	set    *Set
	batch  *Batch
	row    int
	params []ref.Val
	record *object
	memo   []memoised  // per expression of the set
	fields []memoised  // per top-level field
	events []eventView // per top-level field that is an event list
	gen    uint64      // the current row's generation; memo entries of older ones are stale
}

type memoised struct {
	gen uint64
	val ref.Val
	err error
}

func newCursor(s *Set, params []ref.Val) *cursor {
	c := &cursor{
		set:    s,
		params: params,
		memo:   make([]memoised, len(s.exprs)),
		fields: make([]memoised, len(s.schema.Fields)),
		events: make([]eventView, len(s.schema.Fields)),
	}
	c.record = &object{typ: s.record, ref: c}
	return c
}

// seek moves the cursor to row i of b and forgets memoised definitions.
func (c *cursor) seek(b *Batch, i int) {
	c.batch, c.row = b, i
	c.gen++
}

// ResolveName implements interpreter.Activation.
func (c *cursor) ResolveName(name string) (any, bool) {
	b, ok := c.set.names[name]
	if !ok {
		return nil, false
	}
	switch b.kind {
	case bindField:
		return c.field(b.index), true
	case bindRecord:
		return c.record, true
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

// eval returns the value of expression i for the current row, evaluating
// it on first use.
func (c *cursor) eval(i int) (ref.Val, error) {
	m := &c.memo[i]
	if m.gen != c.gen {
		e := &c.set.exprs[i]
		m.val, _, m.err = e.prog.Eval(c)
		if m.err != nil && e.name != "" {
			m.err = fmt.Errorf("definition %s: %w", e.name, m.err)
		}
		m.gen = c.gen
	}
	return m.val, m.err
}

func (c *cursor) definition(i int) ref.Val {
	v, err := c.eval(c.set.defExpr[i])
	if err != nil {
		return types.WrapErr(err)
	}
	return v
}

func (c *cursor) isNull(i int) bool {
	return c.batch.cols[i].isNull(c.row)
}

// field returns top-level field i of the current row as a CEL value,
// converted once per row however many expressions read it.
func (c *cursor) field(i int) ref.Val {
	m := &c.fields[i]
	if m.gen != c.gen {
		m.val, m.gen = c.convert(i), c.gen
	}
	return m.val
}

func (c *cursor) convert(i int) ref.Val {
	col := c.batch.cols[i]
	switch col.field.Kind {
	case KindList:
		start, end := col.span(c.row)
		return listValue{col: col, start: start, end: end, elemType: c.set.elemTypes[i]}
	case KindEvents:
		start, end := col.span(c.row)
		v := &c.events[i]
		if v.batch != c.batch {
			v.reset(c.batch, col, c.set.events[i])
		}
		return listValue{col: col, start: start, end: end, elemType: c.set.elemTypes[i], events: v}
	}
	return scalarValue(col, c.row)
}
