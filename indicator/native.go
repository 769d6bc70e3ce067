package indicator

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// This file compiles the common subset of CEL — literals, scalar fields,
// parameters and definitions, boolean logic, comparisons, arithmetic, the
// conditional, has() on a record field and membership in a value set — to
// Go closures over the columns, so that such criteria run without boxing
// values or walking cel-go's interpreter. Anything outside the subset keeps
// the cel-go program. The closures reproduce CEL's semantics, errors
// included: && and || absorb an error when the other side decides the
// result; a null field, integer overflow and division by zero are errors
// with cel-go's messages, and any ordering with a NaN is false. TestNative_AgreesWithCEL checks
// the two paths against each other on generated expressions.

// native is a compiled expression of one of the scalar kinds. Timestamps
// are Unix nanoseconds in i.
type native struct {
	kind Kind
	b    func(*cursor) (bool, error)
	i    func(*cursor) (int64, error)
	d    func(*cursor) (float64, error)
	s    func(*cursor) (string, error)
}

// CEL's error messages, reproduced so that both paths report alike.
var (
	errIntOverflow   = errors.New("integer overflow")
	errDivideByZero  = errors.New("division by zero")
	errModulusByZero = errors.New("modulus by zero")
)

// value evaluates n as a CEL value.
func (n native) value(c *cursor) (ref.Val, error) {
	switch n.kind {
	case KindBool:
		v, err := n.b(c)
		return types.Bool(v), err
	case KindInt:
		v, err := n.i(c)
		return types.Int(v), err
	case KindTimestamp:
		v, err := n.i(c)
		return types.Timestamp{Time: time.Unix(0, v).UTC()}, err
	case KindDouble:
		v, err := n.d(c)
		return types.Double(v), err
	}
	v, err := n.s(c)
	return types.String(v), err
}

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
		return fieldNative(b.index, &nc.c.set.schema.Fields[b.index])
	case bindParam:
		i := b.index
		return fromVal(nc.c.set.params[i].Type.Kind, func(c *cursor) (ref.Val, error) { return c.params[i], nil })
	case bindDefinition:
		i := b.index
		if nc.c.set.defExpr == nil || i >= len(nc.c.set.defExpr) {
			return native{}, false
		}
		kind, ok := kindOf(nc.ast.GetType(e.ID()))
		if !ok {
			return native{}, false
		}
		expr := nc.c.set.defExpr[i]
		return fromVal(kind, func(c *cursor) (ref.Val, error) { return c.eval(expr) })
	}
	return native{}, false
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

// fromVal adapts a source of CEL values (parameters, definitions).
func fromVal(k Kind, get func(*cursor) (ref.Val, error)) (native, bool) {
	n := native{kind: k}
	switch k {
	case KindBool:
		n.b = func(c *cursor) (bool, error) {
			v, err := get(c)
			if err != nil {
				return false, err
			}
			return bool(v.(types.Bool)), nil
		}
	case KindInt:
		n.i = func(c *cursor) (int64, error) {
			v, err := get(c)
			if err != nil {
				return 0, err
			}
			return int64(v.(types.Int)), nil
		}
	case KindTimestamp:
		n.i = func(c *cursor) (int64, error) {
			v, err := get(c)
			if err != nil {
				return 0, err
			}
			return v.(types.Timestamp).UnixNano(), nil
		}
	case KindDouble:
		n.d = func(c *cursor) (float64, error) {
			v, err := get(c)
			if err != nil {
				return 0, err
			}
			return float64(v.(types.Double)), nil
		}
	case KindString:
		n.s = func(c *cursor) (string, error) {
			v, err := get(c)
			if err != nil {
				return "", err
			}
			return string(v.(types.String)), nil
		}
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
	return columnNative(f, func(c *cursor) (*column, int) { return c.row.batch.cols[i], c.row.i })
}

// eventFieldNative reads field j of the current event of an exists/all.
func eventFieldNative(v iterVar, j int, f *Field) (native, bool) {
	return columnNative(f, func(c *cursor) (*column, int) {
		return c.row.batch.cols[v.field].fields[j], c.slots[v.slot]
	})
}

// columnNative reads a scalar column at the position at gives.
func columnNative(f *Field, at func(*cursor) (*column, int)) (native, bool) {
	value := func(c *cursor) (*column, int, error) {
		col, r := at(c)
		if col.isNull(r) {
			return nil, 0, nullError(col)
		}
		return col, r, nil
	}
	n := native{kind: f.Kind}
	switch f.Kind {
	case KindBool:
		n.b = func(c *cursor) (bool, error) {
			col, r, err := value(c)
			if err != nil {
				return false, err
			}
			return col.bools[r], nil
		}
	case KindInt, KindTimestamp:
		n.i = func(c *cursor) (int64, error) {
			col, r, err := value(c)
			if err != nil {
				return 0, err
			}
			return col.ints[r], nil
		}
	case KindDouble:
		n.d = func(c *cursor) (float64, error) {
			col, r, err := value(c)
			if err != nil {
				return 0, err
			}
			return col.floats[r], nil
		}
	case KindString:
		n.s = func(c *cursor) (string, error) {
			col, r, err := value(c)
			if err != nil {
				return "", err
			}
			return col.strs[r], nil
		}
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
	}}, true
}

func fieldIndex(fields []Field, name string) int {
	for j := range fields {
		if fields[j].Name == name {
			return j
		}
	}
	return -1
}

// quantifier compiles list.exists(e, p) and list.all(e, p) over a
// top-level event list, recognised by the shape CEL's macros expand to.
// As in CEL, a predicate's error is the result only when no event decides
// it: exists is true if any event satisfies p, all is false if any fails.
func (nc nativeCompiler) quantifier(e ast.Expr) (native, bool) {
	comp := e.AsComprehension()
	rng, init, step, result := comp.IterRange(), comp.AccuInit(), comp.LoopStep(), comp.Result()
	if comp.HasIterVar2() || rng.Kind() != ast.IdentKind || init.Kind() != ast.LiteralKind ||
		step.Kind() != ast.CallKind || result.Kind() != ast.IdentKind || result.AsIdent() != comp.AccuVar() {
		return native{}, false
	}
	if _, shadowed := nc.lookup(rng.AsIdent()); shadowed {
		return native{}, false
	}
	b, ok := nc.c.set.names[rng.AsIdent()]
	if !ok || b.kind != bindField || nc.c.set.schema.Fields[b.index].Kind != KindEvents {
		return native{}, false
	}
	call := step.AsCall()
	args := call.Args()
	if len(args) != 2 || args[0].Kind() != ast.IdentKind || args[0].AsIdent() != comp.AccuVar() {
		return native{}, false
	}
	exists := call.FunctionName() == operators.LogicalOr && init.AsLiteral() == types.False
	all := call.FunctionName() == operators.LogicalAnd && init.AsLiteral() == types.True
	if !exists && !all {
		return native{}, false
	}
	v := iterVar{name: comp.IterVar(), slot: nc.c.set.slots, field: b.index}
	nc.c.set.slots++
	inner := nc
	inner.scope = append(slices.Clone(nc.scope), v)
	pred, ok := inner.expr(args[1])
	if !ok || pred.kind != KindBool {
		return native{}, false
	}
	decisive := exists
	return native{kind: KindBool, b: func(c *cursor) (bool, error) {
		start, end := c.row.batch.cols[v.field].span(c.row.i)
		var first error
		for k := start; k < end; k++ {
			c.slots[v.slot] = k
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
	}}, true
}

func (nc nativeCompiler) call(e ast.Expr) (native, bool) {
	call := e.AsCall()
	if call.IsMemberFunction() {
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
		return logical(fn == operators.LogicalAnd, ops[0], ops[1])
	case operators.LogicalNot:
		return not(ops[0])
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

// in compiles `x in valuesets.name` for a string x.
func (nc nativeCompiler) in(args []ast.Expr) (native, bool) {
	x, ok := nc.expr(args[0])
	set := args[1]
	if !ok || x.kind != KindString || set.Kind() != ast.SelectKind {
		return native{}, false
	}
	sel := set.AsSelect()
	if sel.IsTestOnly() || sel.Operand().Kind() != ast.IdentKind || sel.Operand().AsIdent() != "valuesets" {
		return native{}, false
	}
	ft, ok := nc.c.set.valueSets.typ.fields[sel.FieldName()]
	if !ok {
		return native{}, false
	}
	v, err := ft.GetFrom(nil)
	if err != nil {
		return native{}, false
	}
	index := v.(*valueSet).index
	return native{kind: KindBool, b: func(c *cursor) (bool, error) {
		s, err := x.s(c)
		if err != nil {
			return false, err
		}
		_, in := index[s]
		return in, nil
	}}, true
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
	out := native{kind: yes.kind}
	switch yes.kind {
	case KindBool:
		out.b = func(c *cursor) (bool, error) {
			v, err := cond.b(c)
			switch {
			case err != nil:
				return false, err
			case v:
				return yes.b(c)
			}
			return no.b(c)
		}
	case KindInt, KindTimestamp:
		out.i = func(c *cursor) (int64, error) {
			v, err := cond.b(c)
			switch {
			case err != nil:
				return 0, err
			case v:
				return yes.i(c)
			}
			return no.i(c)
		}
	case KindDouble:
		out.d = func(c *cursor) (float64, error) {
			v, err := cond.b(c)
			switch {
			case err != nil:
				return 0, err
			case v:
				return yes.d(c)
			}
			return no.d(c)
		}
	case KindString:
		out.s = func(c *cursor) (string, error) {
			v, err := cond.b(c)
			switch {
			case err != nil:
				return "", err
			case v:
				return yes.s(c)
			}
			return no.s(c)
		}
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

// equality compiles == and != between operands of the same kind; a NaN is
// equal to nothing.
func equality(eq bool, l, r native) (native, bool) {
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
