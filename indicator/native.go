package indicator

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// This file compiles the common subset of CEL to Go closures over the
// columns, so that such criteria run without boxing values or walking
// cel-go's interpreter: literals, scalar fields, parameters and
// definitions, boolean logic, comparisons, arithmetic, the conditional,
// has(), membership in a value set or a list of string literals (in and
// in_valueset), and over
// event lists exists, all,
// filter, size, indexing and map(...).sum(). Anything else keeps the cel-go
// program. The closures reproduce CEL's semantics, errors included: && and
// || absorb an error when the other side decides the result; a null field,
// integer overflow, division by zero and an index out of bounds are errors
// with cel-go's messages; any ordering with a NaN is false; exists and all
// report an error only when no element decides them, filter reports the
// last error of its predicate, map the first. TestNative_AgreesWithCEL
// checks the two paths against each other on generated expressions.

// native is a compiled expression of one of the scalar kinds, or a list of
// the events of one event-list field (KindEvents). Timestamps are Unix
// nanoseconds in i.
type native struct {
	kind Kind
	b    func(*cursor) (bool, error)
	i    func(*cursor) (int64, error)
	d    func(*cursor) (float64, error)
	s    func(*cursor) (string, error)
	evs  func(*cursor) (evlist, error)
	vec  vecFn // KindBool: the same value a batch at a time, when simple enough (vector.go)
	// level is what vec's bits stand for: 0 the records of the batch,
	// slot+1 the events that comprehension variable slot ranges over.
	level int
	// whole marks the record's whole event list of field (KindEvents).
	whole bool
	field int // KindEvents: the top-level event-list field

	// For fusing the commonest criteria (age >= 18, sex == "female",
	// o.date >= period_start) into one closure: a plain field (place; a
	// top-level one also has column, its index + 1, for vectors), a
	// literal (constant) or a parameter (param, its index + 1).
	place    place
	column   int
	nullable bool
	constant ref.Val
	param    int
}

// place is where a plain field's value is: top-level column col, or field
// sub of event-list column col at the event in cursor slot slot.
type place struct {
	ok             bool
	event          bool
	col, sub, slot int
}

// at returns the column and index of the field's current value.
func (p place) at(c *cursor) (*column, int) {
	if p.event {
		return c.row.batch.cols[p.col].fields[p.sub], c.slots[p.slot]
	}
	return c.row.batch.cols[p.col], c.row.i
}

// column returns the field's column in b.
func (p place) column(b *Batch) *column {
	if p.event {
		return b.cols[p.col].fields[p.sub]
	}
	return b.cols[p.col]
}

// level is the level of a vector over the field (see native.level).
func (p place) level() int {
	if p.event {
		return p.slot + 1
	}
	return 0
}

// evlist is some of the current record's events of one event-list field:
// all of them (start to end), or the subset idx, in order.
type evlist struct {
	start, end int
	idx        []int
	subset     bool
}

func (l evlist) len() int {
	if l.subset {
		return len(l.idx)
	}
	return l.end - l.start
}

// at returns the index, in the event column, of the k-th event of l.
func (l evlist) at(k int) int {
	if l.subset {
		return l.idx[k]
	}
	return l.start + k
}

// fn is a native closure of one Go type.
type fn[T any] func(*cursor) (T, error)

// choose is the conditional for closures of any type.
func choose[T any](cond fn[bool], yes, no fn[T]) fn[T] {
	return func(c *cursor) (T, error) {
		v, err := cond(c)
		switch {
		case err != nil:
			var zero T
			return zero, err
		case v:
			return yes(c)
		}
		return no(c)
	}
}

// convert reads a CEL value from get and converts it with to.
func convert[T any](get func(*cursor) (ref.Val, error), to func(ref.Val) T) fn[T] {
	return func(c *cursor) (T, error) {
		v, err := get(c)
		if err != nil {
			var zero T
			return zero, err
		}
		return to(v), nil
	}
}

// read reads one value of a column at the position value gives.
func read[T any](value func(*cursor) (*column, int, error), at func(*column, int) T) fn[T] {
	return func(c *cursor) (T, error) {
		col, r, err := value(c)
		if err != nil {
			var zero T
			return zero, err
		}
		return at(col, r), nil
	}
}

// CEL's error messages, reproduced so that both paths report alike.
var (
	errIntOverflow   = errors.New("integer overflow")
	errDivideByZero  = errors.New("division by zero")
	errModulusByZero = errors.New("modulus by zero")
	errSumOverflow   = errors.New("sum: integer overflow")
)

// nativeCompiler compiles one checked expression.
type nativeCompiler struct {
	c     *compiler
	ast   *ast.AST
	scope []iterVar // the variables of the enclosing exists/all, innermost last
}

// iterVar is the variable of an exists or all over an event list: the
// cursor slot that holds the current event's index, and the list's field.
type iterVar struct {
	name  string
	slot  int
	field int
}

func (nc nativeCompiler) lookup(name string) (iterVar, bool) {
	for k := len(nc.scope) - 1; k >= 0; k-- {
		if nc.scope[k].name == name {
			return nc.scope[k], true
		}
	}
	return iterVar{}, false
}

// compileNative returns the native form of a checked expression, or false
// when it uses something outside the subset.
func (c *compiler) compileNative(a *ast.AST) (native, bool) {
	nc := nativeCompiler{c: c, ast: a}
	return nc.expr(a.Expr())
}

func (nc nativeCompiler) expr(e ast.Expr) (native, bool) {
	switch e.Kind() {
	case ast.LiteralKind:
		return literal(e.AsLiteral())
	case ast.IdentKind:
		return nc.ident(e)
	case ast.SelectKind:
		return nc.selection(e)
	case ast.CallKind:
		return nc.call(e)
	case ast.ComprehensionKind:
		return nc.quantifier(e)
	}
	return native{}, false
}

func literal(v ref.Val) (native, bool) {
	n, ok := literalNative(v)
	n.constant = v
	return n, ok
}

func literalNative(v ref.Val) (native, bool) {
	switch x := v.(type) {
	case types.Bool:
		return native{kind: KindBool, b: func(*cursor) (bool, error) { return bool(x), nil }}, true
	case types.Int:
		return native{kind: KindInt, i: func(*cursor) (int64, error) { return int64(x), nil }}, true
	case types.Double:
		return native{kind: KindDouble, d: func(*cursor) (float64, error) { return float64(x), nil }}, true
	case types.String:
		return native{kind: KindString, s: func(*cursor) (string, error) { return string(x), nil }}, true
	}
	return native{}, false
}

// ident reads a scalar field, a parameter or a definition.
func (nc nativeCompiler) ident(e ast.Expr) (native, bool) {
	name := e.AsIdent()
	if _, shadowed := nc.lookup(name); shadowed {
		return native{}, false // an event as a whole value is outside the subset
	}
	b, ok := nc.c.set.names[name]
	if !ok {
		return native{}, false
	}
	switch b.kind {
	case bindField:
		if nc.c.set.schema.Fields[b.index].Kind == KindEvents {
			f := b.index
			return native{kind: KindEvents, field: f, whole: true, evs: func(c *cursor) (evlist, error) {
				start, end := c.row.batch.cols[f].span(c.row.i)
				return evlist{start: start, end: end}, nil
			}}, true
		}
		return fieldNative(b.index, &nc.c.set.schema.Fields[b.index])
	case bindParam:
		i := b.index
		n, ok := fromVal(nc.c.set.params[i].Type.Kind, func(c *cursor) (ref.Val, error) { return c.params[i], nil })
		n.param = i + 1
		return n, ok
	case bindDefinition:
		i := b.index
		if nc.c.set.defExpr == nil || i >= len(nc.c.set.defExpr) {
			return native{}, false
		}
		expr := nc.c.set.defExpr[i]
		if f, ok := nc.eventListField(nc.ast.GetType(e.ID())); ok {
			if nc.c.set.exprs[expr].native.kind != KindEvents {
				return native{}, false // the interpreter's list has no event indices to share
			}
			return native{kind: KindEvents, field: f, evs: func(c *cursor) (evlist, error) { return c.evalEvents(expr) }}, true
		}
		kind, ok := kindOf(nc.ast.GetType(e.ID()))
		if !ok {
			return native{}, false
		}
		n := definitionNative(kind, expr)
		if x := nc.c.set.exprs[expr].native; kind == KindBool && x.vec != nil && x.level == 0 {
			n.vec = definitionVec(expr)
		}
		return n, true
	}
	return native{}, false
}

// eventListField returns the event-list field whose events a list type
// holds.
func (nc nativeCompiler) eventListField(t *types.Type) (int, bool) {
	if t.Kind() != types.ListKind || len(t.Parameters()) != 1 {
		return 0, false
	}
	for f, et := range nc.c.set.events {
		if et != nil && t.Parameters()[0].TypeName() == et.name {
			return f, true
		}
	}
	return 0, false
}

func kindOf(t *types.Type) (Kind, bool) {
	switch {
	case t.IsExactType(types.BoolType):
		return KindBool, true
	case t.IsExactType(types.IntType):
		return KindInt, true
	case t.IsExactType(types.DoubleType):
		return KindDouble, true
	case t.IsExactType(types.StringType):
		return KindString, true
	case t.IsExactType(types.TimestampType):
		return KindTimestamp, true
	}
	return KindInvalid, false
}

// definitionNative reads definition expression expr through the cursor's
// typed memo.
func definitionNative(k Kind, expr int) native {
	n := native{kind: k}
	switch k {
	case KindBool:
		n.b = func(c *cursor) (bool, error) { return c.evalBool(expr) }
	case KindInt:
		n.i = func(c *cursor) (int64, error) { return c.evalInt(expr) }
	case KindTimestamp:
		n.i = func(c *cursor) (int64, error) { return c.evalTime(expr) }
	case KindDouble:
		n.d = func(c *cursor) (float64, error) { return c.evalDouble(expr) }
	case KindString:
		n.s = func(c *cursor) (string, error) { return c.evalString(expr) }
	}
	return n
}

// fromVal adapts a source of CEL values (parameters).
func fromVal(k Kind, get func(*cursor) (ref.Val, error)) (native, bool) {
	n := native{kind: k}
	switch k {
	case KindBool:
		n.b = convert(get, func(v ref.Val) bool { return bool(v.(types.Bool)) })
	case KindInt:
		n.i = convert(get, func(v ref.Val) int64 { return int64(v.(types.Int)) })
	case KindTimestamp:
		n.i = convert(get, func(v ref.Val) int64 { return v.(types.Timestamp).UnixNano() })
	case KindDouble:
		n.d = convert(get, func(v ref.Val) float64 { return float64(v.(types.Double)) })
	case KindString:
		n.s = convert(get, func(v ref.Val) string { return string(v.(types.String)) })
	default:
		return native{}, false
	}
	return n, true
}

// nullError is the error of reading a null field, worded as scalarValue's.
func nullError(col *column) error {
	return fmt.Errorf("field %s is null (test it with has() first)", col.field.Name)
}

// fieldNative reads top-level scalar field i of the current record.
func fieldNative(i int, f *Field) (native, bool) {
	n, ok := columnNative(f, func(c *cursor) (*column, int, error) { return c.row.batch.cols[i], c.row.i, nil })
	n.column, n.nullable, n.place = i+1, f.Nullable, place{ok: true, col: i}
	if f.Kind == KindBool {
		n.vec = fieldVec(n.place, boolBits)
	}
	return n, ok
}

// eventFieldNative reads field j of the current event of an exists/all.
func eventFieldNative(v iterVar, j int, f *Field) (native, bool) {
	n, ok := columnNative(f, func(c *cursor) (*column, int, error) {
		return c.row.batch.cols[v.field].fields[j], c.slots[v.slot], nil
	})
	n.nullable, n.place = f.Nullable, place{ok: true, event: true, col: v.field, sub: j, slot: v.slot}
	return n, ok
}

// columnNative reads a scalar column at the position at gives.
func columnNative(f *Field, at func(*cursor) (*column, int, error)) (native, bool) {
	value := func(c *cursor) (*column, int, error) {
		col, r, err := at(c)
		if err != nil {
			return nil, 0, err
		}
		if col.isNull(r) {
			return nil, 0, nullError(col)
		}
		return col, r, nil
	}
	n := native{kind: f.Kind}
	switch f.Kind {
	case KindBool:
		n.b = read(value, func(col *column, r int) bool { return col.bools[r] })
	case KindInt, KindTimestamp:
		n.i = read(value, func(col *column, r int) int64 { return col.ints[r] })
	case KindDouble:
		n.d = read(value, func(col *column, r int) float64 { return col.floats[r] })
	case KindString:
		n.s = read(value, func(col *column, r int) string { return col.strs[r] })
	default:
		return native{}, false
	}
	return n, true
}

// selection compiles has(unit.field) and has(e.field) presence tests, and
// e.field for the variable e of an enclosing exists/all.
func (nc nativeCompiler) selection(e ast.Expr) (native, bool) {
	sel := e.AsSelect()
	op := sel.Operand()
	if op.Kind() == ast.CallKind && op.AsCall().FunctionName() == operators.Index && !sel.IsTestOnly() {
		return nc.indexedField(op.AsCall().Args(), sel.FieldName())
	}
	if op.Kind() != ast.IdentKind {
		return native{}, false
	}
	if v, ok := nc.lookup(op.AsIdent()); ok {
		f := &nc.c.set.schema.Fields[v.field]
		j := fieldIndex(f.Fields, sel.FieldName())
		if j < 0 {
			return native{}, false
		}
		if sel.IsTestOnly() {
			return native{kind: KindBool, b: func(c *cursor) (bool, error) {
				return !c.row.batch.cols[v.field].fields[j].isNull(c.slots[v.slot]), nil
			}}, true
		}
		return eventFieldNative(v, j, &f.Fields[j])
	}
	if !sel.IsTestOnly() || op.AsIdent() != nc.c.set.schema.Unit {
		return native{}, false
	}
	i := nc.c.set.schema.FieldIndex(sel.FieldName())
	if i < 0 || !nc.c.set.schema.Fields[i].Kind.scalar() {
		return native{}, false
	}
	return native{kind: KindBool, b: func(c *cursor) (bool, error) {
		return !c.row.batch.cols[i].isNull(c.row.i), nil
	}, vec: presentVec(i)}, true
}

// indexedField compiles list[k].field for a list of events.
func (nc nativeCompiler) indexedField(args []ast.Expr, name string) (native, bool) {
	list, ok := nc.expr(args[0])
	if !ok || list.kind != KindEvents {
		return native{}, false
	}
	k, ok := nc.expr(args[1])
	if !ok || k.kind != KindInt {
		return native{}, false
	}
	f := &nc.c.set.schema.Fields[list.field]
	j := fieldIndex(f.Fields, name)
	if j < 0 {
		return native{}, false
	}
	return columnNative(&f.Fields[j], func(c *cursor) (*column, int, error) {
		l, errL := list.evs(c)
		i, errK := k.i(c)
		if errL != nil || errK != nil {
			return nil, 0, firstError(errL, errK)
		}
		if i < 0 || i >= int64(l.len()) {
			return nil, 0, fmt.Errorf("index out of bounds: %d", i) // as cel-go's attribute resolution says
		}
		return c.row.batch.cols[list.field].fields[j], l.at(int(i)), nil
	})
}

func fieldIndex(fields []Field, name string) int {
	for j := range fields {
		if fields[j].Name == name {
			return j
		}
	}
	return -1
}

// quantifier compiles list.exists(e, p), list.all(e, p) and
// list.filter(e, p) over a list of events, recognised by the shapes CEL's
// macros expand to.
func (nc nativeCompiler) quantifier(e ast.Expr) (native, bool) {
	comp := e.AsComprehension()
	init, step, result := comp.AccuInit(), comp.LoopStep(), comp.Result()
	if comp.HasIterVar2() || step.Kind() != ast.CallKind || result.Kind() != ast.IdentKind || result.AsIdent() != comp.AccuVar() {
		return native{}, false
	}
	rng, ok := nc.expr(comp.IterRange())
	if !ok || rng.kind != KindEvents {
		return native{}, false
	}
	inner, v := nc.bind(comp.IterVar(), rng.field)
	call := step.AsCall()
	args := call.Args()
	accu := func(x ast.Expr) bool { return x.Kind() == ast.IdentKind && x.AsIdent() == comp.AccuVar() }
	switch {
	case init.Kind() == ast.LiteralKind && len(args) == 2 && accu(args[0]):
		exists := call.FunctionName() == operators.LogicalOr && init.AsLiteral() == types.False
		all := call.FunctionName() == operators.LogicalAnd && init.AsLiteral() == types.True
		pred, ok := inner.expr(args[1])
		if (!exists && !all) || !ok || pred.kind != KindBool {
			return native{}, false
		}
		n := quantified(rng, v, pred, exists)
		if rng.whole && pred.vec != nil && pred.level == v.slot+1 {
			n.vec = quantifiedVec(rng.field, pred.vec, exists, nc.c.set.temps)
			nc.c.set.temps++
		}
		return n, true
	case init.Kind() == ast.ListKind && len(init.AsList().Elements()) == 0 && call.FunctionName() == operators.Conditional &&
		isAppend(args[1], accu, comp.IterVar()) && accu(args[2]):
		pred, ok := inner.expr(args[0])
		if !ok || pred.kind != KindBool {
			return native{}, false
		}
		buf := nc.c.set.buffers
		nc.c.set.buffers++
		n := filtered(rng, v, pred, buf)
		if rng.whole && pred.vec != nil && pred.level == v.slot+1 {
			n.evs = filteredByVector(n.evs, rng.field, pred.vec, buf, nc.c.set.eventVectors)
			nc.c.set.eventVectors++
		}
		return n, true
	}
	return native{}, false
}

// bind declares a comprehension variable over the events of field: it
// gets its own cursor slot, and a compiler whose scope includes it.
func (nc nativeCompiler) bind(name string, field int) (nativeCompiler, iterVar) {
	v := iterVar{name: name, slot: nc.c.set.slots, field: field}
	nc.c.set.slots++
	inner := nc
	inner.scope = append(slices.Clone(nc.scope), v)
	return inner, v
}

// isAppend reports whether x is accu + [iterVar], the step of a filter.
func isAppend(x ast.Expr, accu func(ast.Expr) bool, iterVar string) bool {
	if x.Kind() != ast.CallKind || x.AsCall().FunctionName() != operators.Add {
		return false
	}
	args := x.AsCall().Args()
	if len(args) != 2 || !accu(args[0]) || args[1].Kind() != ast.ListKind {
		return false
	}
	elems := args[1].AsList().Elements()
	return len(elems) == 1 && elems[0].Kind() == ast.IdentKind && elems[0].AsIdent() == iterVar
}

// quantified is exists (decisive true) or all (decisive false): as in CEL,
// a predicate's error is the result only when no event decides it.
func quantified(rng native, v iterVar, pred native, decisive bool) native {
	return native{kind: KindBool, b: func(c *cursor) (bool, error) {
		l, err := rng.evs(c)
		if err != nil {
			return false, err
		}
		var first error
		for k := range l.len() {
			c.slots[v.slot] = l.at(k)
			p, err := pred.b(c)
			switch {
			case err != nil && first == nil:
				first = err
			case err == nil && p == decisive:
				return decisive, nil
			}
		}
		if first != nil {
			return false, first
		}
		return !decisive, nil
	}}
}

// filtered keeps the events that satisfy pred, in the cursor's buffer buf.
// As CEL's filter, it visits every event and fails with the last error of
// the predicate.
func filtered(rng native, v iterVar, pred native, buf int) native {
	return native{kind: KindEvents, field: rng.field, evs: func(c *cursor) (evlist, error) {
		l, err := rng.evs(c)
		if err != nil {
			return evlist{}, err
		}
		out := c.bufs[buf][:0]
		var last error
		for k := range l.len() {
			c.slots[v.slot] = l.at(k)
			p, err := pred.b(c)
			switch {
			case err != nil:
				last = err
			case p:
				out = append(out, l.at(k))
			}
		}
		c.bufs[buf] = out
		if last != nil {
			return evlist{}, last
		}
		return evlist{idx: out, subset: true}, nil
	}}
}

func (nc nativeCompiler) call(e ast.Expr) (native, bool) {
	call := e.AsCall()
	switch fn := call.FunctionName(); {
	case fn == "size":
		return nc.size(call)
	case fn == "sum" && call.IsMemberFunction():
		return nc.sumOfMap(call.Target())
	case fn == inValueSetFunction && !call.IsMemberFunction():
		return nc.inValueSet(call.Args())
	case call.IsMemberFunction():
		return native{}, false
	}
	args := call.Args()
	ops := make([]native, 0, len(args))
	if call.FunctionName() == operators.In {
		return nc.in(args)
	}
	for _, a := range args {
		n, ok := nc.expr(a)
		if !ok {
			return native{}, false
		}
		ops = append(ops, n)
	}
	switch fn := call.FunctionName(); fn {
	case operators.LogicalAnd, operators.LogicalOr:
		n, ok := logical(fn == operators.LogicalAnd, ops[0], ops[1])
		if ok && ops[0].vec != nil && ops[1].vec != nil && ops[0].level == ops[1].level {
			n.vec, n.level = logicalVec(fn == operators.LogicalAnd, ops[0].vec, ops[1].vec, nc.c.set.temps), ops[0].level
			nc.c.set.temps++
		}
		return n, ok
	case operators.LogicalNot:
		n, ok := not(ops[0])
		if ok && ops[0].vec != nil {
			n.vec, n.level = notVec(ops[0].vec), ops[0].level
		}
		return n, ok
	case operators.Conditional:
		return conditional(ops[0], ops[1], ops[2])
	case operators.Equals, operators.NotEquals:
		return equality(fn == operators.Equals, ops[0], ops[1])
	case operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals:
		return ordering(fn, ops[0], ops[1])
	case operators.Add, operators.Subtract, operators.Multiply, operators.Divide, operators.Modulo:
		return arithmetic(fn, ops[0], ops[1])
	case operators.Negate:
		return negate(ops[0])
	}
	return native{}, false
}

// size compiles size(list) and list.size() for a list of events.
func (nc nativeCompiler) size(call ast.CallExpr) (native, bool) {
	arg := call.Target()
	if !call.IsMemberFunction() {
		if len(call.Args()) != 1 {
			return native{}, false
		}
		arg = call.Args()[0]
	}
	list, ok := nc.expr(arg)
	if !ok || list.kind != KindEvents {
		return native{}, false
	}
	return native{kind: KindInt, i: func(c *cursor) (int64, error) {
		l, err := list.evs(c)
		return int64(l.len()), err
	}}, true
}

// sumOfMap compiles list.map(e, x).sum() over a list of events without
// building the mapped list. As in CEL, the first error of x wins over an
// overflow of the sum, which is computed as hpi's sum() does.
func (nc nativeCompiler) sumOfMap(target ast.Expr) (native, bool) {
	if target.Kind() != ast.ComprehensionKind {
		return native{}, false
	}
	comp := target.AsComprehension()
	init, step, result := comp.AccuInit(), comp.LoopStep(), comp.Result()
	accu := func(x ast.Expr) bool { return x.Kind() == ast.IdentKind && x.AsIdent() == comp.AccuVar() }
	if comp.HasIterVar2() || init.Kind() != ast.ListKind || len(init.AsList().Elements()) != 0 || !accu(result) ||
		step.Kind() != ast.CallKind || step.AsCall().FunctionName() != operators.Add {
		return native{}, false
	}
	args := step.AsCall().Args()
	if len(args) != 2 || !accu(args[0]) || args[1].Kind() != ast.ListKind || len(args[1].AsList().Elements()) != 1 {
		return native{}, false
	}
	rng, ok := nc.expr(comp.IterRange())
	if !ok || rng.kind != KindEvents {
		return native{}, false
	}
	inner, v := nc.bind(comp.IterVar(), rng.field)
	x, ok := inner.expr(args[1].AsList().Elements()[0])
	if !ok {
		return native{}, false
	}
	switch x.kind {
	case KindInt:
		return native{kind: KindInt, i: func(c *cursor) (int64, error) {
			l, err := rng.evs(c)
			if err != nil {
				return 0, err
			}
			var total int64
			var overflow error
			for k := range l.len() {
				c.slots[v.slot] = l.at(k)
				n, err := x.i(c)
				if err != nil {
					return 0, err
				}
				if overflow == nil {
					total, overflow = addInt(total, n)
				}
			}
			if overflow != nil {
				return 0, errSumOverflow
			}
			return total, nil
		}}, true
	case KindDouble:
		return native{kind: KindDouble, d: func(c *cursor) (float64, error) {
			l, err := rng.evs(c)
			if err != nil {
				return 0, err
			}
			var total exactSum
			for k := range l.len() {
				c.slots[v.slot] = l.at(k)
				n, err := x.d(c)
				if err != nil {
					return 0, err
				}
				total.add(n)
			}
			return total.value(), nil
		}}, true
	}
	return native{}, false
}

// in compiles `x in valuesets.name` for a string x.
func (nc nativeCompiler) in(args []ast.Expr) (native, bool) {
	x, ok := nc.expr(args[0])
	if !ok || x.kind != KindString {
		return native{}, false
	}
	index, ok := nc.stringSet(args[1])
	if !ok {
		return native{}, false
	}
	n := native{kind: KindBool, b: func(c *cursor) (bool, error) {
		s, err := x.s(c)
		if err != nil {
			return false, err
		}
		_, in := index[s]
		return in, nil
	}}
	if p, nullable := x.place, x.nullable; p.ok { // the same, in one closure
		n.b = func(c *cursor) (bool, error) {
			col, r := p.at(c)
			if nullable && col.isNull(r) {
				return false, nullError(col)
			}
			_, in := index[col.strs[r]]
			return in, nil
		}
	}
	if x.place.ok {
		n.vec, n.level = fieldVec(x.place, stringMembership(index).fill), x.place.level()
	}
	return n, true
}

// inValueSet compiles in_valueset(system, code, vs) for a value set
// (valuesets.name) or a list of string literals, whose members have no
// system. Like cel-go, it reports the first failing argument's error.
func (nc nativeCompiler) inValueSet(args []ast.Expr) (native, bool) {
	if len(args) != 3 {
		return native{}, false
	}
	sys, ok := nc.expr(args[0])
	if !ok || sys.kind != KindString {
		return native{}, false
	}
	code, ok := nc.expr(args[1])
	if !ok || code.kind != KindString {
		return native{}, false
	}
	var member func(system, code string) bool
	if vs, ok := nc.valueSet(args[2]); ok {
		member = vs.containsCoded
	} else if index, ok := nc.stringSet(args[2]); ok {
		member = func(_, c string) bool { _, in := index[c]; return in }
	} else {
		return native{}, false
	}
	return native{kind: KindBool, b: func(c *cursor) (bool, error) {
		s, err := sys.s(c)
		if err != nil {
			return false, err
		}
		x, err := code.s(c)
		if err != nil {
			return false, err
		}
		return member(s, x), nil
	}}, true
}

// valueSet returns the value set that e (valuesets.name) selects.
func (nc nativeCompiler) valueSet(e ast.Expr) (*valueSet, bool) {
	if e.Kind() != ast.SelectKind {
		return nil, false
	}
	sel := e.AsSelect()
	if sel.IsTestOnly() || sel.Operand().Kind() != ast.IdentKind || sel.Operand().AsIdent() != "valuesets" {
		return nil, false
	}
	ft, ok := nc.c.set.valueSets.typ.fields[sel.FieldName()]
	if !ok {
		return nil, false
	}
	v, err := ft.GetFrom(nil)
	if err != nil {
		return nil, false
	}
	vs, ok := v.(*valueSet)
	return vs, ok
}

// stringSet returns the members of a value set (valuesets.name) or of a
// list of string literals (["E10", "E11"]).
func (nc nativeCompiler) stringSet(e ast.Expr) (map[string]struct{}, bool) {
	switch e.Kind() {
	case ast.ListKind:
		if len(e.AsList().Elements()) == 0 {
			return nil, false // cel-go answers x in [] without evaluating x: leave it to cel-go
		}
		index := map[string]struct{}{}
		for _, el := range e.AsList().Elements() {
			if el.Kind() != ast.LiteralKind {
				return nil, false
			}
			s, ok := el.AsLiteral().(types.String)
			if !ok {
				return nil, false
			}
			index[string(s)] = struct{}{}
		}
		return index, true
	case ast.SelectKind:
		vs, ok := nc.valueSet(e)
		if !ok {
			return nil, false
		}
		return vs.index, true
	}
	return nil, false
}

// logical follows CEL: false && error is false, true || error is true.
func logical(and bool, l, r native) (native, bool) {
	if l.kind != KindBool || r.kind != KindBool {
		return native{}, false
	}
	decisive := !and // the value of one side that decides the result
	return native{kind: KindBool, b: func(c *cursor) (bool, error) {
		a, errA := l.b(c)
		if errA == nil && a == decisive {
			return decisive, nil
		}
		b, errB := r.b(c)
		if errB == nil && b == decisive {
			return decisive, nil
		}
		if errA != nil {
			return false, errA
		}
		if errB != nil {
			return false, errB
		}
		return !decisive, nil
	}}, true
}

func not(x native) (native, bool) {
	if x.kind != KindBool {
		return native{}, false
	}
	return native{kind: KindBool, b: func(c *cursor) (bool, error) {
		v, err := x.b(c)
		return !v, err
	}}, true
}

func conditional(cond, yes, no native) (native, bool) {
	if cond.kind != KindBool || yes.kind != no.kind {
		return native{}, false
	}
	out := native{kind: yes.kind, field: yes.field}
	switch yes.kind {
	case KindBool:
		out.b = choose(cond.b, yes.b, no.b)
	case KindInt, KindTimestamp:
		out.i = choose(cond.b, yes.i, no.i)
	case KindDouble:
		out.d = choose(cond.b, yes.d, no.d)
	case KindString:
		out.s = choose(cond.b, yes.s, no.s)
	default:
		return native{}, false
	}
	return out, true
}

// compare evaluates both operands (left first, as cel-go does) and returns
// their order: -1, 0 or 1, and false when they have none (a NaN, which
// makes every ordering false, as in cel-go). Only same-kind operands and
// int/double mixes are compiled.
func compare(l, r native) (func(*cursor) (int, bool, error), bool) {
	switch {
	case l.kind == KindString && r.kind == KindString:
		return func(c *cursor) (int, bool, error) {
			a, errA := l.s(c)
			b, errB := r.s(c)
			if errA != nil || errB != nil {
				return 0, false, firstError(errA, errB)
			}
			return strings.Compare(a, b), true, nil
		}, true
	case l.kind == r.kind && (l.kind == KindInt || l.kind == KindTimestamp):
		return func(c *cursor) (int, bool, error) {
			a, errA := l.i(c)
			b, errB := r.i(c)
			if errA != nil || errB != nil {
				return 0, false, firstError(errA, errB)
			}
			return cmpInt(a, b), true, nil
		}, true
	case isNumber(l.kind) && isNumber(r.kind):
		return func(c *cursor) (int, bool, error) {
			a, errA := number(l, c)
			b, errB := number(r, c)
			if errA != nil || errB != nil {
				return 0, false, firstError(errA, errB)
			}
			o, ordered := cmpNumbers(a, b)
			return o, ordered, nil
		}, true
	}
	return nil, false
}

// numberValue is an int or a double operand.
type numberValue struct {
	isInt bool
	i     int64
	d     float64
}

func isNumber(k Kind) bool { return k == KindInt || k == KindDouble }

func number(n native, c *cursor) (numberValue, error) {
	if n.kind == KindInt {
		v, err := n.i(c)
		return numberValue{isInt: true, i: v}, err
	}
	v, err := n.d(c)
	return numberValue{d: v}, err
}

// cmpNumbers orders two numbers as cel-go does: a NaN has no order; an int
// against a double outside the int64 range is ordered by the double's
// sign; otherwise the int is converted to a double.
func cmpNumbers(a, b numberValue) (int, bool) {
	switch {
	case a.isInt && b.isInt:
		return cmpInt(a.i, b.i), true
	case !a.isInt && math.IsNaN(a.d), !b.isInt && math.IsNaN(b.d):
		return 0, false
	case a.isInt:
		return -cmpDoubleInt(b.d, a.i), true
	case b.isInt:
		return cmpDoubleInt(a.d, b.i), true
	}
	return cmpFloat(a.d, b.d), true
}

func cmpDoubleInt(d float64, i int64) int {
	switch {
	case d < math.MinInt64:
		return -1
	case d > math.MaxInt64:
		return 1
	}
	return cmpFloat(d, float64(i))
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func ordering(fn string, l, r native) (native, bool) {
	if n, ok := fusedOrdering(fn, l, r); ok {
		return n, true
	}
	cmp, ok := compare(l, r)
	if !ok {
		return native{}, false
	}
	holds := map[string]func(int) bool{
		operators.Less:          func(o int) bool { return o < 0 },
		operators.LessEquals:    func(o int) bool { return o <= 0 },
		operators.Greater:       func(o int) bool { return o > 0 },
		operators.GreaterEquals: func(o int) bool { return o >= 0 },
	}[fn]
	return native{kind: KindBool, b: func(c *cursor) (bool, error) {
		o, ordered, err := cmp(c)
		if err != nil {
			return false, err
		}
		return ordered && holds(o), nil
	}}, true
}

// fieldAndOperand splits a comparison into its plain field and its other
// operand, a literal or a parameter; swapped when the field is on the
// right.
func fieldAndOperand(l, r native) (field, other native, swapped, ok bool) {
	operand := func(n native) bool { return n.constant != nil || n.param > 0 }
	switch {
	case l.place.ok && operand(r):
		return l, r, false, true
	case r.place.ok && operand(l):
		return r, l, true, true
	}
	return native{}, native{}, false, false
}

// intOf returns an int or timestamp value as the int64 of a column.
func intOf(v ref.Val) (int64, bool) {
	switch x := v.(type) {
	case types.Int:
		return int64(x), true
	case types.Timestamp:
		return x.UnixNano(), true
	}
	return 0, false
}

// fusedOrdering compiles an int or timestamp field ordered against a
// literal or a parameter of its type as one closure, with the same result
// and errors as the general path.
func fusedOrdering(fn string, l, r native) (native, bool) {
	field, other, swapped, ok := fieldAndOperand(l, r)
	if !ok || (field.kind != KindInt && field.kind != KindTimestamp) || other.kind != field.kind {
		return native{}, false
	}
	if swapped { // 18 <= age is age >= 18
		fn = map[string]string{operators.Less: operators.Greater, operators.LessEquals: operators.GreaterEquals,
			operators.Greater: operators.Less, operators.GreaterEquals: operators.LessEquals}[fn]
	}
	test := map[string]func(v, lit int64) bool{
		operators.Less:          func(v, lit int64) bool { return v < lit },
		operators.LessEquals:    func(v, lit int64) bool { return v <= lit },
		operators.Greater:       func(v, lit int64) bool { return v > lit },
		operators.GreaterEquals: func(v, lit int64) bool { return v >= lit },
	}[fn]
	p, nullable := field.place, field.nullable
	if other.param > 0 { // the same for every record of a cursor, read each time
		k := other.param - 1
		return native{kind: KindBool, b: func(c *cursor) (bool, error) {
			col, r := p.at(c)
			if nullable && col.isNull(r) {
				return false, nullError(col)
			}
			lit, _ := intOf(c.params[k])
			return test(col.ints[r], lit), nil
		}, vec: func(c *cursor, n int, out *bitvec) {
			lit, _ := intOf(c.params[k]) // the same for the whole batch
			fieldVec(p, intCompare{fn, lit}.fill)(c, n, out)
		}, level: p.level()}, true
	}
	lit, ok := intOf(other.constant)
	if !ok {
		return native{}, false
	}
	n := native{kind: KindBool, b: func(c *cursor) (bool, error) {
		col, r := p.at(c)
		if nullable && col.isNull(r) {
			return false, nullError(col)
		}
		return test(col.ints[r], lit), nil
	}}
	n.vec, n.level = fieldVec(p, intCompare{fn, lit}.fill), p.level()
	return n, true
}

// fusedStringEquality compiles a string field compared with a string
// literal as one closure.
func fusedStringEquality(eq bool, l, r native) (native, bool) {
	field, other, _, ok := fieldAndOperand(l, r)
	k, isString := other.constant.(types.String)
	if !ok || !isString || field.kind != KindString {
		return native{}, false
	}
	p, nullable, lit := field.place, field.nullable, string(k)
	n := native{kind: KindBool, b: func(c *cursor) (bool, error) {
		col, r := p.at(c)
		if nullable && col.isNull(r) {
			return false, nullError(col)
		}
		return (col.strs[r] == lit) == eq, nil
	}}
	n.vec, n.level = fieldVec(p, stringEquality{eq, lit}.fill), p.level()
	return n, true
}

// equality compiles == and != between operands of the same kind; a NaN is
// equal to nothing.
func equality(eq bool, l, r native) (native, bool) {
	if n, ok := fusedStringEquality(eq, l, r); ok {
		return n, true
	}
	if l.kind != r.kind {
		return native{}, false
	}
	var same func(*cursor) (bool, error)
	switch l.kind {
	case KindBool:
		same = func(c *cursor) (bool, error) {
			a, errA := l.b(c)
			b, errB := r.b(c)
			return a == b, firstError(errA, errB)
		}
	case KindDouble:
		same = func(c *cursor) (bool, error) {
			a, errA := l.d(c)
			b, errB := r.d(c)
			return a == b, firstError(errA, errB)
		}
	default:
		cmp, ok := compare(l, r)
		if !ok {
			return native{}, false
		}
		same = func(c *cursor) (bool, error) {
			o, _, err := cmp(c)
			return o == 0, err
		}
	}
	return native{kind: KindBool, b: func(c *cursor) (bool, error) {
		v, err := same(c)
		if err != nil {
			return false, err
		}
		return v == eq, nil
	}}, true
}

func arithmetic(fn string, l, r native) (native, bool) {
	switch {
	case l.kind == KindInt && r.kind == KindInt:
		op := map[string]func(x, y int64) (int64, error){
			operators.Add: addInt, operators.Subtract: subtractInt, operators.Multiply: multiplyInt,
			operators.Divide: divideInt, operators.Modulo: moduloInt,
		}[fn]
		return native{kind: KindInt, i: func(c *cursor) (int64, error) {
			a, errA := l.i(c)
			b, errB := r.i(c)
			if errA != nil || errB != nil {
				return 0, firstError(errA, errB)
			}
			return op(a, b)
		}}, true
	case l.kind == KindDouble && r.kind == KindDouble && fn != operators.Modulo:
		op := map[string]func(x, y float64) float64{
			operators.Add:      func(x, y float64) float64 { return x + y },
			operators.Subtract: func(x, y float64) float64 { return x - y },
			operators.Multiply: func(x, y float64) float64 { return x * y },
			operators.Divide:   func(x, y float64) float64 { return x / y },
		}[fn]
		return native{kind: KindDouble, d: func(c *cursor) (float64, error) {
			a, errA := l.d(c)
			b, errB := r.d(c)
			if errA != nil || errB != nil {
				return 0, firstError(errA, errB)
			}
			return op(a, b), nil
		}}, true
	}
	return native{}, false
}

func negate(x native) (native, bool) {
	switch x.kind {
	case KindInt:
		return native{kind: KindInt, i: func(c *cursor) (int64, error) {
			v, err := x.i(c)
			if err != nil {
				return 0, err
			}
			if v == math.MinInt64 {
				return 0, errIntOverflow
			}
			return -v, nil
		}}, true
	case KindDouble:
		return native{kind: KindDouble, d: func(c *cursor) (float64, error) {
			v, err := x.d(c)
			return -v, err
		}}, true
	}
	return native{}, false
}

// The checked integer operations of CEL.
func addInt(x, y int64) (int64, error) {
	if (y > 0 && x > math.MaxInt64-y) || (y < 0 && x < math.MinInt64-y) {
		return 0, errIntOverflow
	}
	return x + y, nil
}

func subtractInt(x, y int64) (int64, error) {
	if (y < 0 && x > math.MaxInt64+y) || (y > 0 && x < math.MinInt64+y) {
		return 0, errIntOverflow
	}
	return x - y, nil
}

func multiplyInt(x, y int64) (int64, error) {
	if (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) ||
		(x > 0 && y > 0 && x > math.MaxInt64/y) || (x > 0 && y < 0 && y < math.MinInt64/x) ||
		(x < 0 && y > 0 && x < math.MinInt64/y) || (x < 0 && y < 0 && y < math.MaxInt64/x) {
		return 0, errIntOverflow
	}
	return x * y, nil
}

func divideInt(x, y int64) (int64, error) {
	switch {
	case y == 0:
		return 0, errDivideByZero
	case x == math.MinInt64 && y == -1:
		return 0, errIntOverflow
	}
	return x / y, nil
}

func moduloInt(x, y int64) (int64, error) {
	switch {
	case y == 0:
		return 0, errModulusByZero
	case x == math.MinInt64 && y == -1:
		return 0, errIntOverflow
	}
	return x % y, nil
}
