package sqlgen

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/openhpi/hpi/indicator"
)

// This file translates one checked CEL expression to one SQL expression
// under a single rule: the SQL value is NULL exactly when CEL's evaluation
// is an error, and otherwise it is CEL's value. SQL's three-valued logic
// then is CEL's: FALSE AND NULL is FALSE as false && error is false, TRUE
// OR NULL is TRUE as true || error is true, and everything else that
// meets a NULL is NULL as everything else that meets an error is an
// error. The translation adds what SQL lacks: a null field read is NULL
// already; integer overflow, division and modulo by zero and an index out
// of range become NULL instead of a database error; double division by
// zero gives CEL's infinities and NaN; NaN orders and equals nothing; an
// aggregate over an event list is NULL when the list's filter or the
// predicate fails on an element that decides nothing.

// kind is the kind of a translated expression.
type kind uint8

const (
	kBool kind = iota + 1
	kInt
	kDouble
	kString
	kTimestamp
	kDuration
	kList     // a list field or a filter of one: a view
	kMapped   // list.map(x, f): consumable by sum() only
	kElem     // the current event of a comprehension
	kValueSet // valuesets.name
	kRecord   // the unit variable (patient)
)

var kindOf = map[indicator.Kind]kind{
	indicator.KindInt: kInt, indicator.KindDouble: kDouble, indicator.KindBool: kBool,
	indicator.KindString: kString, indicator.KindTimestamp: kTimestamp, indicator.KindDuration: kDuration,
}

func (k kind) String() string {
	return [...]string{"?", "bool", "int", "double", "string", "timestamp", "duration", "list", "mapped list", "event", "value set", "record"}[k]
}

// x is a translated expression.
type x struct {
	sql     string
	k       kind
	simple  bool    // a column, literal or placeholder: cheap to repeat
	notNull bool    // never NULL (never an error)
	lit     ref.Val // the value of a literal
	view    *view   // kList, kMapped
	mapped  string  // kMapped: the mapped value, over the view's token
	mk      kind    // kMapped: its kind
	field   int     // kElem: the event-list field
	token   string  // kElem: the alias token of the current event
	vs      int     // kValueSet: index in the spec's value sets
}

// view is a list field or a chain of filters over it: the rows of its
// child table that belong to the current record, those where member
// holds, unless some row makes bad hold (the list is then an error).
// member and bad are SQL over token, the child table's alias, which each
// use replaces with a fresh alias.
type view struct {
	field  int
	token  string
	member string // never NULL
	bad    string // never NULL; "" when no row can make the list an error
}

// retoken returns the view over a fresh token.
func (v *view) retoken(token string) *view {
	return &view{field: v.field, token: token, member: strings.ReplaceAll(v.member, v.token, token), bad: strings.ReplaceAll(v.bad, v.token, token)}
}

// UnsupportedError is a CEL construct sqlgen cannot translate, with where
// it was written.
type UnsupportedError struct {
	Pos       indicator.Position
	Owner     string // e.g. "indicator DM-HBA1C" or "definition latest_sbp"
	Field     string // e.g. "numerator"; "" for a definition
	Construct string // what is not supported
}

// Error implements error: file:line:column: owner field: message.
func (e *UnsupportedError) Error() string {
	var b strings.Builder
	if e.Pos.File != "" {
		b.WriteString(e.Pos.File + ":")
	}
	if e.Pos.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", e.Pos.Line, e.Pos.Column)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	b.WriteString(e.Owner)
	if e.Field != "" {
		b.WriteString(" " + e.Field)
	}
	b.WriteString(": not supported in SQL: " + e.Construct)
	return b.String()
}

// Unwrap makes errors.Is(err, ErrUnsupported) hold.
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// tr translates one expression.
type tr struct {
	g     *gen
	a     *ast.AST
	src   indicator.Expr
	owner string
	field string
	scope []scopeVar
}

type scopeVar struct {
	name string
	val  x
}

func (t *tr) with(name string, v x) *tr {
	c := *t
	c.scope = append(append([]scopeVar(nil), t.scope...), scopeVar{name, v})
	return &c
}

// fail reports an unsupported construct at e.
func (t *tr) fail(e ast.Expr, format string, args ...any) error {
	pos := t.src.Pos
	if e != nil && t.a != nil {
		if loc, ok := t.a.SourceInfo().GetStartLocation(e.ID()), true; ok && loc.Line() >= 1 {
			if loc.Line() == 1 {
				pos.Column += loc.Column()
			} else {
				pos.Line += loc.Line() - 1
				pos.Column = max(t.src.Indent, 1) + loc.Column()
			}
		}
	}
	return &UnsupportedError{Pos: pos, Owner: t.owner, Field: t.field, Construct: fmt.Sprintf(format, args...)}
}

func (t *tr) expr(e ast.Expr) (x, error) {
	switch e.Kind() {
	case ast.LiteralKind:
		return t.literal(e, e.AsLiteral())
	case ast.IdentKind:
		return t.ident(e)
	case ast.SelectKind:
		return t.selection(e)
	case ast.CallKind:
		return t.call(e)
	case ast.ComprehensionKind:
		return t.comprehension(e)
	case ast.ListKind:
		return x{}, t.fail(e, "a list literal outside `in`")
	case ast.MapKind, ast.StructKind:
		return x{}, t.fail(e, "a map or message literal")
	}
	return x{}, t.fail(e, "this expression")
}

func (t *tr) literal(e ast.Expr, v ref.Val) (x, error) {
	switch l := v.(type) {
	case types.Bool:
		if l {
			return x{sql: "TRUE", k: kBool, simple: true, notNull: true, lit: v}, nil
		}
		return x{sql: "FALSE", k: kBool, simple: true, notNull: true, lit: v}, nil
	case types.Int:
		return x{sql: intLiteral(int64(l)), k: kInt, simple: true, notNull: true, lit: v}, nil
	case types.Double:
		return x{sql: t.g.d.Double(float64(l)), k: kDouble, simple: true, notNull: true, lit: v}, nil
	case types.String:
		return x{sql: t.g.bindString(string(l)), k: kString, simple: true, notNull: true, lit: v}, nil
	case types.Timestamp:
		return x{sql: t.g.bind(l.Time, t.g.d.Type(indicator.KindTimestamp)), k: kTimestamp, simple: true, notNull: true, lit: v}, nil
	case types.Duration:
		return t.duration(e, l.Duration)
	}
	return x{}, t.fail(e, "a literal of type %s", v.Type().TypeName())
}

func (t *tr) duration(e ast.Expr, d time.Duration) (x, error) {
	if d%time.Microsecond != 0 {
		return x{}, t.fail(e, "a duration finer than a microsecond")
	}
	return x{sql: t.g.d.Micros(intLiteral(int64(d / time.Microsecond))), k: kDuration, simple: true, notNull: true, lit: types.Duration{Duration: d}}, nil
}

func intLiteral(i int64) string {
	if i >= math.MinInt32 && i <= math.MaxInt32 {
		if i < 0 {
			return "(" + strconv.FormatInt(i, 10) + ")"
		}
		return strconv.FormatInt(i, 10)
	}
	return "CAST(" + strconv.FormatInt(i, 10) + " AS bigint)"
}

func (t *tr) lookup(name string) (x, bool) {
	for i := len(t.scope) - 1; i >= 0; i-- {
		if t.scope[i].name == name {
			return t.scope[i].val, true
		}
	}
	return x{}, false
}

func (t *tr) ident(e ast.Expr) (x, error) {
	name := e.AsIdent()
	if v, ok := t.lookup(name); ok {
		return v, nil
	}
	g := t.g
	sch := g.set.Schema()
	if name == sch.Unit {
		return x{k: kRecord}, nil
	}
	if i := sch.FieldIndex(name); i >= 0 {
		return t.field0(e, i)
	}
	for i, p := range g.spec.Parameters {
		if p.Name == name {
			return g.param(i), nil
		}
	}
	for i := range g.spec.Definitions {
		if g.spec.Definitions[i].Name == name {
			return g.definition(i)
		}
	}
	return x{}, t.fail(e, "the name %q", name)
}

// field0 reads top-level field i.
func (t *tr) field0(e ast.Expr, i int) (x, error) {
	f := &t.g.set.Schema().Fields[i]
	switch f.Kind {
	case indicator.KindEvents, indicator.KindList:
		tok := t.g.token()
		return x{k: kList, view: &view{field: i, token: tok, member: "TRUE"}}, nil
	}
	return x{sql: "r." + t.g.d.Ident("f_"+f.Name), k: kindOf[f.Kind], simple: true}, nil
}

func (t *tr) selection(e ast.Expr) (x, error) {
	sel := e.AsSelect()
	op := sel.Operand()
	if op.Kind() == ast.IdentKind && op.AsIdent() == "valuesets" {
		if _, shadowed := t.lookup("valuesets"); !shadowed && !sel.IsTestOnly() {
			for i, vs := range t.g.spec.ValueSets {
				if vs.Name == sel.FieldName() {
					return x{k: kValueSet, vs: i}, nil
				}
			}
		}
		return x{}, t.fail(e, "valuesets.%s", sel.FieldName())
	}
	if op.Kind() == ast.CallKind && op.AsCall().FunctionName() == operators.Index && !sel.IsTestOnly() {
		return t.indexed(e, op.AsCall().Args(), sel.FieldName())
	}
	o, err := t.expr(op)
	if err != nil {
		return x{}, err
	}
	switch o.k {
	case kRecord:
		i := t.g.set.Schema().FieldIndex(sel.FieldName())
		if i < 0 {
			return x{}, t.fail(e, "field %q", sel.FieldName())
		}
		if sel.IsTestOnly() {
			f := &t.g.set.Schema().Fields[i]
			if !isScalar(f.Kind) {
				return x{}, t.fail(e, "has() of a list field")
			}
			return x{sql: "(r." + t.g.d.Ident("f_"+f.Name) + " IS NOT NULL)", k: kBool, notNull: true}, nil
		}
		return t.field0(e, i)
	case kElem:
		f := &t.g.set.Schema().Fields[o.field]
		j := fieldIndex(f.Fields, sel.FieldName())
		if j < 0 {
			return x{}, t.fail(e, "event field %q", sel.FieldName())
		}
		col := o.token + "." + t.g.d.Ident(t.g.m.events(t.g.set.Schema().Unit, f.Name).column(f.Fields[j].Name))
		if sel.IsTestOnly() {
			return x{sql: "(" + col + " IS NOT NULL)", k: kBool, notNull: true}, nil
		}
		return x{sql: col, k: kindOf[f.Fields[j].Kind], simple: true}, nil
	}
	return x{}, t.fail(e, "selecting %q from a %s", sel.FieldName(), o.k)
}

func fieldIndex(fs []indicator.Field, name string) int {
	for j := range fs {
		if fs[j].Name == name {
			return j
		}
	}
	return -1
}

// over is an aggregate subquery over the rows of a view: body gets the
// fresh alias's member and bad conditions and returns the select list,
// written over the view's token.
func (t *tr) over(v *view, body func(member, bad string) string) string {
	g := t.g
	f := &g.set.Schema().Fields[v.field]
	et := g.m.events(g.set.Schema().Unit, f.Name)
	alias := g.alias()
	s := "(SELECT " + body(v.member, v.bad) + " FROM " + table(g.d, et.Table) + " AS " + alias +
		" WHERE " + alias + "." + g.d.Ident(et.Key) + " = r." + g.d.Ident("_k") + ")"
	return strings.ReplaceAll(s, v.token, alias)
}

// guardBad prefixes a CASE body with the view's error test.
func (t *tr) guardBad(bad string) string {
	if bad == "" {
		return "CASE WHEN FALSE THEN NULL" // CASE needs a WHEN
	}
	return "CASE WHEN " + t.g.d.BoolOr(bad) + " THEN NULL"
}

// elem binds the current element of a view for a comprehension.
func (t *tr) elem(v *view) x {
	f := &t.g.set.Schema().Fields[v.field]
	if f.Kind == indicator.KindList {
		col := v.token + "." + t.g.d.Ident(t.g.m.events(t.g.set.Schema().Unit, f.Name).column("value"))
		return x{sql: col, k: kindOf[f.Elem], simple: true}
	}
	return x{k: kElem, field: v.field, token: v.token}
}

// indexed is list[k].field (events) or list[k] (a list of scalars).
func (t *tr) indexed(e ast.Expr, args []ast.Expr, name string) (x, error) {
	l, err := t.expr(args[0])
	if err != nil {
		return x{}, err
	}
	if l.k != kList {
		return x{}, t.fail(e, "indexing a %s", l.k)
	}
	k, err := t.expr(args[1])
	if err != nil {
		return x{}, err
	}
	if k.k != kInt {
		return x{}, t.fail(args[1], "an index of type %s", k.k)
	}
	g := t.g
	f := &g.set.Schema().Fields[l.view.field]
	et := g.m.events(g.set.Schema().Unit, f.Name)
	var col string
	var rk kind
	switch {
	case f.Kind == indicator.KindEvents && name != "":
		j := fieldIndex(f.Fields, name)
		if j < 0 {
			return x{}, t.fail(e, "event field %q", name)
		}
		col, rk = et.column(f.Fields[j].Name), kindOf[f.Fields[j].Kind]
	case f.Kind == indicator.KindList && name == "":
		col, rk = et.column("value"), kindOf[f.Elem]
	default:
		return x{}, t.fail(e, "an event as a value")
	}
	v := l.view.retoken(g.token())
	return x{k: rk, sql: g.once([]x{k}, func(s []string) string {
		at := "CAST(" + s[0] + " + 1 AS integer)"
		sub := t.over(v, func(member, bad string) string {
			return t.guardBad(bad) + " ELSE " + g.d.ArrayAggAt(v.token+"."+g.d.Ident(col), v.token+"."+g.d.Ident(et.Ordinal), member, at) + " END"
		})
		return "(CASE WHEN " + s[0] + " >= 0 AND " + s[0] + " < 2147483647 THEN " + sub + " END)"
	})}, nil
}

// comprehension translates exists, all, filter and map over a list field
// (or a filter of one), recognised by the shapes CEL's macros expand to.
func (t *tr) comprehension(e ast.Expr) (x, error) {
	comp := e.AsComprehension()
	init, step, result := comp.AccuInit(), comp.LoopStep(), comp.Result()
	accu := func(a ast.Expr) bool { return a.Kind() == ast.IdentKind && a.AsIdent() == comp.AccuVar() }
	if comp.HasIterVar2() || step.Kind() != ast.CallKind || !accu(result) {
		return x{}, t.fail(e, "this comprehension (only exists, all, filter and map(...).sum() over a list field)")
	}
	rng, err := t.expr(comp.IterRange())
	if err != nil {
		return x{}, err
	}
	if rng.k != kList {
		return x{}, t.fail(comp.IterRange(), "a comprehension over a %s (only over list fields)", rng.k)
	}
	v := rng.view.retoken(t.g.token())
	inner := t.with(comp.IterVar(), t.elem(v))
	call := step.AsCall()
	args := call.Args()
	switch {
	case init.Kind() == ast.LiteralKind && len(args) == 2 && accu(args[0]) &&
		(call.FunctionName() == operators.LogicalOr && init.AsLiteral() == types.False ||
			call.FunctionName() == operators.LogicalAnd && init.AsLiteral() == types.True):
		exists := call.FunctionName() == operators.LogicalOr
		p, err := inner.expr(args[1])
		if err != nil {
			return x{}, err
		}
		if p.k != kBool {
			return x{}, t.fail(args[1], "a predicate of type %s", p.k)
		}
		return x{k: kBool, sql: t.over(v, func(member, bad string) string {
			s := t.guardBad(bad)
			if exists {
				s += " WHEN " + t.g.d.BoolOr(member+" AND "+p.sql) + " THEN TRUE"
			} else {
				s += " WHEN " + t.g.d.BoolOr(member+" AND NOT "+p.sql) + " THEN FALSE"
			}
			if !p.notNull {
				s += " WHEN " + t.g.d.BoolOr(member+" AND "+p.sql+" IS NULL") + " THEN NULL"
			}
			return s + " ELSE " + strings.ToUpper(strconv.FormatBool(!exists)) + " END"
		})}, nil
	case init.Kind() == ast.ListKind && len(init.AsList().Elements()) == 0 && call.FunctionName() == operators.Conditional &&
		len(args) == 3 && isAppend(args[1], accu, comp.IterVar()) && accu(args[2]):
		p, err := inner.expr(args[0])
		if err != nil {
			return x{}, err
		}
		if p.k != kBool {
			return x{}, t.fail(args[0], "a predicate of type %s", p.k)
		}
		f := &view{field: v.field, token: v.token, member: "(" + v.member + " AND COALESCE(" + p.sql + ", FALSE))", bad: v.bad}
		if !p.notNull {
			nb := "(" + v.member + " AND " + p.sql + " IS NULL)"
			if f.bad == "" {
				f.bad = nb
			} else {
				f.bad = "(" + f.bad + " OR " + nb + ")"
			}
		}
		if v.member == "TRUE" {
			f.member = "COALESCE(" + p.sql + ", FALSE)"
		}
		return x{k: kList, view: f}, nil
	case init.Kind() == ast.ListKind && len(init.AsList().Elements()) == 0 && call.FunctionName() == operators.Add &&
		len(args) == 2 && accu(args[0]) && args[1].Kind() == ast.ListKind && len(args[1].AsList().Elements()) == 1:
		m, err := inner.expr(args[1].AsList().Elements()[0])
		if err != nil {
			return x{}, err
		}
		if m.k != kInt && m.k != kDouble {
			return x{}, t.fail(args[1], "map() to a %s (only to numbers, summed)", m.k)
		}
		return x{k: kMapped, view: v, mapped: m.sql, mk: m.k, notNull: m.notNull}, nil
	}
	return x{}, t.fail(e, "this comprehension (only exists, all, filter and map(...).sum() over a list field)")
}

// isAppend reports whether a is accu + [iterVar], the step of a filter.
func isAppend(a ast.Expr, accu func(ast.Expr) bool, iterVar string) bool {
	if a.Kind() != ast.CallKind || a.AsCall().FunctionName() != operators.Add {
		return false
	}
	args := a.AsCall().Args()
	if len(args) != 2 || !accu(args[0]) || args[1].Kind() != ast.ListKind {
		return false
	}
	el := args[1].AsList().Elements()
	return len(el) == 1 && el[0].Kind() == ast.IdentKind && el[0].AsIdent() == iterVar
}

func (t *tr) call(e ast.Expr) (x, error) {
	call := e.AsCall()
	fn := call.FunctionName()
	args := call.Args()
	if call.IsMemberFunction() {
		args = append([]ast.Expr{call.Target()}, args...)
	}
	switch fn {
	case operators.In:
		return t.in(e, args)
	case "in_valueset":
		return t.inValueSet(e, args)
	}
	ops := make([]x, len(args))
	for i, a := range args {
		o, err := t.expr(a)
		if err != nil {
			return x{}, err
		}
		ops[i] = o
	}
	for _, o := range ops {
		switch {
		case o.k == kMapped && fn == "sum" && len(ops) == 1:
		case o.k == kList && (fn == "size" || fn == "sum"):
		case o.k == kList || o.k == kMapped || o.k == kElem || o.k == kRecord || o.k == kValueSet:
			return x{}, t.fail(e, "%s applied to a %s", fnName(fn), o.k)
		}
	}
	g := t.g
	switch fn {
	case operators.LogicalAnd, operators.LogicalOr:
		op := " AND "
		if fn == operators.LogicalOr {
			op = " OR "
		}
		return x{k: kBool, sql: "(" + ops[0].sql + op + ops[1].sql + ")", notNull: ops[0].notNull && ops[1].notNull}, nil
	case operators.LogicalNot:
		return x{k: kBool, sql: "(NOT " + ops[0].sql + ")", notNull: ops[0].notNull}, nil
	case operators.Conditional:
		if ops[1].k != ops[2].k {
			return x{}, t.fail(e, "a conditional with branches of types %s and %s", ops[1].k, ops[2].k)
		}
		return x{k: ops[1].k, sql: "(CASE " + ops[0].sql + " WHEN TRUE THEN " + ops[1].sql + " WHEN FALSE THEN " + ops[2].sql + " END)",
			notNull: ops[0].notNull && ops[1].notNull && ops[2].notNull}, nil
	case operators.Equals, operators.NotEquals, operators.Less, operators.LessEquals, operators.Greater, operators.GreaterEquals:
		return t.compare(e, fn, ops[0], ops[1])
	case operators.Add, operators.Subtract, operators.Multiply, operators.Divide, operators.Modulo:
		return t.arithmetic(e, fn, ops[0], ops[1])
	case operators.Negate:
		return t.negate(e, ops[0])
	case "size":
		if len(ops) != 1 {
			break
		}
		switch ops[0].k {
		case kString:
			return x{k: kInt, sql: g.d.Length(ops[0].sql), notNull: ops[0].notNull}, nil
		case kList:
			v := ops[0].view
			return x{k: kInt, sql: t.over(v, func(member, bad string) string {
				return t.guardBad(bad) + " ELSE " + g.d.CountIf(member) + " END"
			}), notNull: v.bad == ""}, nil
		}
	case "sum":
		return t.sum(e, ops[0])
	case "startsWith", "endsWith", "contains":
		if len(ops) == 2 && ops[0].k == kString && ops[1].k == kString {
			return x{k: kBool, notNull: ops[0].notNull && ops[1].notNull, sql: g.once(ops[1:], func(s []string) string {
				return map[string]func(a, b string) string{"startsWith": g.d.StartsWith, "endsWith": g.d.EndsWith, "contains": g.d.Contains}[fn](ops[0].sql, s[0])
			})}, nil
		}
	case "matches":
		if len(ops) == 2 && ops[0].k == kString && ops[1].k == kString {
			lit, ok := ops[1].lit.(types.String)
			if !ok {
				return x{}, t.fail(e, "matches() with a pattern that is not a literal")
			}
			if _, err := regexp.Compile(string(lit)); err != nil {
				return x{}, t.fail(e, "matches() with an invalid pattern")
			}
			s, ok := g.d.Matches(ops[0].sql, ops[1].sql, string(lit))
			if !ok {
				return x{}, t.fail(e, "matches() with pattern %q in %s (outside the syntax both engines read alike)", string(lit), g.d.Name())
			}
			return x{k: kBool, sql: s, notNull: ops[0].notNull}, nil
		}
	case "days":
		if len(ops) == 1 && ops[0].k == kInt {
			const maxDays = math.MaxInt64 / int64(24*time.Hour)
			if l, ok := ops[0].lit.(types.Int); ok {
				if int64(l) > maxDays || int64(l) < -maxDays {
					return x{k: kDuration, sql: "CAST(NULL AS " + g.d.Type(indicator.KindDuration) + ")"}, nil
				}
				return t.duration(e, time.Duration(int64(l))*24*time.Hour)
			}
			return x{k: kDuration, sql: g.once(ops, func(s []string) string {
				return "(CASE WHEN " + s[0] + " BETWEEN " + intLiteral(-maxDays) + " AND " + intLiteral(maxDays) + " THEN " + g.d.Micros(s[0]+" * "+intLiteral(86400_000_000)) + " END)"
			})}, nil
		}
	case "double":
		if len(ops) == 1 && ops[0].k == kInt {
			return x{k: kDouble, sql: g.d.Cast(ops[0].sql, indicator.KindDouble), notNull: ops[0].notNull}, nil
		}
		if len(ops) == 1 && ops[0].k == kDouble {
			return ops[0], nil
		}
	case "int":
		if len(ops) == 1 && ops[0].k == kInt {
			return ops[0], nil
		}
	case "string":
		if len(ops) == 1 && (ops[0].k == kInt || ops[0].k == kBool) {
			return x{k: kString, sql: g.d.Text(ops[0].sql), notNull: ops[0].notNull}, nil
		}
		if len(ops) == 1 && ops[0].k == kString {
			return ops[0], nil
		}
	case "timestamp", "duration":
		if len(ops) == 1 && ops[0].k == kString {
			if l, ok := ops[0].lit.(types.String); ok {
				return t.timeLiteral(e, fn, string(l))
			}
		}
	}
	return x{}, t.fail(e, "%s with arguments of types %s", fnName(fn), kinds(ops))
}

func kinds(ops []x) string {
	var s []string
	for _, o := range ops {
		s = append(s, o.k.String())
	}
	return strings.Join(s, ", ")
}

// fnName names a CEL function or operator as written.
func fnName(fn string) string {
	if op, ok := operators.FindReverse(fn); ok && op != "" {
		return "operator " + op
	}
	return fn + "()"
}

func (t *tr) timeLiteral(e ast.Expr, fn, s string) (x, error) {
	if fn == "timestamp" {
		ts, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return x{}, t.fail(e, "timestamp(%q): not an RFC 3339 time", s)
		}
		if ts.Nanosecond()%1000 != 0 {
			return x{}, t.fail(e, "a timestamp finer than a microsecond")
		}
		return t.literal(e, types.Timestamp{Time: ts.UTC()})
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return x{}, t.fail(e, "duration(%q): not a duration", s)
	}
	return t.duration(e, d)
}

// in translates x in valuesets.name, x in [literals] and x in a list field.
func (t *tr) in(e ast.Expr, args []ast.Expr) (x, error) {
	g := t.g
	v, err := t.expr(args[0])
	if err != nil {
		return x{}, err
	}
	if args[1].Kind() == ast.ListKind {
		el := args[1].AsList().Elements()
		if len(el) == 0 || len(args[1].AsList().OptionalIndices()) > 0 {
			return x{}, t.fail(args[1], "`in` an empty list")
		}
		var items []string
		for _, a := range el {
			o, err := t.expr(a)
			if err != nil {
				return x{}, err
			}
			if o.lit == nil || !comparable(v.k, o.k) || o.k == kDouble || v.k == kDouble {
				return x{}, t.fail(a, "`in` a list whose elements are not int, string or bool literals of the same type")
			}
			items = append(items, o.sql)
		}
		return x{k: kBool, sql: "(" + v.sql + " IN (" + strings.Join(items, ", ") + "))", notNull: v.notNull}, nil
	}
	l, err := t.expr(args[1])
	if err != nil {
		return x{}, err
	}
	switch {
	case l.k == kValueSet && v.k == kString:
		codes := valueSetCodes(&g.spec.ValueSets[l.vs])
		if len(codes) == 0 {
			return x{k: kBool, sql: g.once([]x{v}, func(s []string) string { return "(CASE WHEN " + s[0] + " IS NULL THEN NULL ELSE FALSE END)" })}, nil
		}
		return x{k: kBool, sql: g.d.InArray(v.sql, g.bindCodes(codes)), notNull: v.notNull}, nil
	case l.k == kList && g.set.Schema().Fields[l.view.field].Kind == indicator.KindList:
		el := t.elem(l.view.retoken(g.token()))
		if !comparable(v.k, el.k) {
			break
		}
		vw := l.view.retoken(el.sql[:strings.IndexByte(el.sql, '.')])
		return x{k: kBool, sql: g.once([]x{v}, func(s []string) string {
			p := equalSQL(g, el, x{sql: s[0], k: v.k})
			return "(CASE WHEN " + s[0] + " IS NULL THEN NULL ELSE " + t.over(vw, func(member, bad string) string {
				return t.guardBad(bad) + " WHEN " + g.d.BoolOr(member+" AND "+p) + " THEN TRUE ELSE FALSE END"
			}) + " END)"
		})}, nil
	}
	return x{}, t.fail(e, "%s in a %s", v.k, l.k)
}

// inValueSet translates in_valueset(system, code, valuesets.name).
func (t *tr) inValueSet(e ast.Expr, args []ast.Expr) (x, error) {
	g := t.g
	if len(args) != 3 {
		return x{}, t.fail(e, "in_valueset with %d arguments", len(args))
	}
	sys, err := t.expr(args[0])
	if err != nil {
		return x{}, err
	}
	code, err := t.expr(args[1])
	if err != nil {
		return x{}, err
	}
	vs, err := t.expr(args[2])
	if err != nil {
		return x{}, err
	}
	if sys.k != kString || code.k != kString || vs.k != kValueSet {
		return x{}, t.fail(e, "in_valueset(%s)", kinds([]x{sys, code, vs}))
	}
	spec := &g.spec.ValueSets[vs.vs]
	var anySystem, systems, codes []string
	anySystem = append(anySystem, spec.Codes...)
	for _, c := range spec.Concepts {
		if c.System == "" {
			anySystem = append(anySystem, c.Code)
		} else {
			systems = append(systems, c.System)
			codes = append(codes, c.Code)
		}
	}
	return x{k: kBool, notNull: sys.notNull && code.notNull, sql: g.once([]x{sys, code}, func(s []string) string {
		var tests []string
		if len(anySystem) > 0 {
			tests = append(tests, g.d.InArray(s[1], g.bindCodes(anySystem)))
		}
		if len(codes) > 0 {
			tests = append(tests, g.d.InPairs(s[0], s[1], g.bindCodes(systems), g.bindCodes(codes)))
		}
		if len(tests) == 0 {
			tests = append(tests, "FALSE")
		}
		return "(CASE WHEN " + s[0] + " IS NULL OR " + s[1] + " IS NULL THEN NULL ELSE (" + strings.Join(tests, " OR ") + ") END)"
	})}, nil
}

// valueSetCodes are the codes `code in valuesets.x` matches: every code,
// of any system.
func valueSetCodes(vs *indicator.ValueSetSpec) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range vs.Codes {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, c := range vs.Concepts {
		if !seen[c.Code] {
			seen[c.Code] = true
			out = append(out, c.Code)
		}
	}
	return out
}

func comparable(a, b kind) bool {
	num := func(k kind) bool { return k == kInt || k == kDouble }
	return a == b && a >= kBool && a <= kDuration || num(a) && num(b)
}

// equalSQL is CEL's == for operands the caller evaluates once each.
func equalSQL(g *gen, a, b x) string {
	if a.k == kDouble || b.k == kDouble {
		// NaN equals nothing; PostgreSQL's NaN equals NaN. One operand
		// that is not a NaN decides it.
		if a.k != kDouble || isNumberLiteral(a) {
			a, b = b, a
		}
		if b.k != kDouble || isNumberLiteral(b) {
			return "(" + a.sql + " = " + b.sql + ")"
		}
		return "(CASE WHEN " + a.sql + " = " + g.d.Double(math.NaN()) + " THEN (CASE WHEN " + b.sql + " IS NULL THEN NULL ELSE FALSE END) ELSE " + a.sql + " = " + b.sql + " END)"
	}
	return "(" + a.sql + " = " + b.sql + ")"
}

// isNumberLiteral reports whether a is a literal that is not a NaN.
func isNumberLiteral(a x) bool {
	switch l := a.lit.(type) {
	case types.Int:
		return true
	case types.Double:
		return !math.IsNaN(float64(l))
	}
	return false
}

func (t *tr) compare(e ast.Expr, fn string, a, b x) (x, error) {
	g := t.g
	if !comparable(a.k, b.k) {
		return x{}, t.fail(e, "%s between %s and %s", fnName(fn), a.k, b.k)
	}
	nn := a.notNull && b.notNull
	switch fn {
	case operators.Equals, operators.NotEquals:
		ops := []x{a, b}
		if a.k == kDouble || b.k == kDouble {
			return x{k: kBool, notNull: nn, sql: g.once(ops, func(s []string) string {
				eq := equalSQL(g, x{sql: s[0], k: a.k, lit: a.lit}, x{sql: s[1], k: b.k, lit: b.lit})
				if fn == operators.NotEquals {
					return "(NOT " + eq + ")"
				}
				return eq
			})}, nil
		}
		op := " = "
		if fn == operators.NotEquals {
			op = " <> "
		}
		return x{k: kBool, sql: "(" + a.sql + op + b.sql + ")", notNull: nn}, nil
	}
	op := map[string]string{operators.Less: "<", operators.LessEquals: "<=", operators.Greater: ">", operators.GreaterEquals: ">="}[fn]
	if a.k == kString {
		return x{k: kBool, sql: g.d.Compare(a.sql, op, b.sql), notNull: nn}, nil
	}
	if a.k != kDouble && b.k != kDouble {
		return x{k: kBool, sql: "(" + a.sql + " " + op + " " + b.sql + ")", notNull: nn}, nil
	}
	// PostgreSQL orders NaN above every number; CEL orders it nowhere. A
	// NaN on the lesser side of < or <= already gives false; one on the
	// greater side must be caught.
	if op == ">" || op == ">=" {
		a, b = b, a
		op = map[string]string{">": "<", ">=": "<="}[op]
	}
	if b.k != kDouble || isNumberLiteral(b) {
		return x{k: kBool, sql: "(" + a.sql + " " + op + " " + b.sql + ")", notNull: nn}, nil
	}
	return x{k: kBool, notNull: nn, sql: g.once([]x{a, b}, func(s []string) string {
		return "(CASE WHEN " + s[1] + " = " + g.d.Double(math.NaN()) + " THEN (CASE WHEN " + s[0] + " IS NULL THEN NULL ELSE FALSE END) ELSE " + s[0] + " " + op + " " + s[1] + " END)"
	})}, nil
}

const (
	minInt = "CAST(-9223372036854775808 AS bigint)"
	maxInt = "CAST(9223372036854775807 AS bigint)"
)

func (t *tr) arithmetic(e ast.Expr, fn string, a, b x) (x, error) {
	g := t.g
	nn := a.notNull && b.notNull
	switch {
	case a.k == kInt && b.k == kInt:
		if la, ok := a.lit.(types.Int); ok {
			if lb, ok := b.lit.(types.Int); ok {
				v, ok := foldInt(fn, int64(la), int64(lb))
				if !ok {
					return x{k: kInt, sql: "CAST(NULL AS bigint)"}, nil
				}
				return t.literal(e, types.Int(v))
			}
		}
		op := map[string]string{operators.Add: "+", operators.Subtract: "-", operators.Multiply: "*", operators.Divide: "/", operators.Modulo: "%"}[fn]
		if lb, ok := b.lit.(types.Int); ok && (fn == operators.Add || fn == operators.Subtract) {
			c := int64(lb)
			if fn == operators.Subtract {
				if c == math.MinInt64 {
					return x{k: kInt, sql: g.once([]x{a}, func(s []string) string {
						return "(CASE WHEN " + s[0] + " < 0 THEN " + s[0] + " + " + maxInt + " + 1 END)"
					})}, nil
				}
				c, op = -c, "+"
			}
			if c == 0 {
				return a, nil
			}
			return x{k: kInt, sql: g.once([]x{a}, func(s []string) string {
				if c > 0 {
					return "(CASE WHEN " + s[0] + " <= " + intLiteral(math.MaxInt64-c) + " THEN " + s[0] + " + " + intLiteral(c) + " END)"
				}
				return "(CASE WHEN " + s[0] + " >= " + intLiteral(math.MinInt64-c) + " THEN " + s[0] + " - " + intLiteral(-c) + " END)"
			})}, nil
		}
		return x{k: kInt, sql: g.once([]x{a, b}, func(s []string) string {
			switch fn {
			case operators.Divide, operators.Modulo:
				return "(CASE WHEN " + s[1] + " = 0 OR (" + s[0] + " = " + minInt + " AND " + s[1] + " = -1) THEN NULL ELSE " + s[0] + " " + op + " " + s[1] + " END)"
			}
			exact := "CAST(" + s[0] + " AS numeric) " + op + " CAST(" + s[1] + " AS numeric)"
			if g.d.Name() == "duckdb" {
				exact = "CAST(" + s[0] + " AS HUGEINT) " + op + " CAST(" + s[1] + " AS HUGEINT)"
			}
			return "(CASE WHEN " + exact + " BETWEEN " + minInt + " AND " + maxInt + " THEN " + s[0] + " " + op + " " + s[1] + " END)"
		})}, nil
	case a.k == kDouble && b.k == kDouble:
		if la, ok := a.lit.(types.Double); ok {
			if lb, ok := b.lit.(types.Double); ok {
				var v float64
				switch fn {
				case operators.Add:
					v = float64(la) + float64(lb)
				case operators.Subtract:
					v = float64(la) - float64(lb)
				case operators.Multiply:
					v = float64(la) * float64(lb)
				case operators.Divide:
					v = float64(la) / float64(lb)
				default:
					return x{}, t.fail(e, "%% between doubles")
				}
				return t.literal(e, types.Double(v))
			}
		}
		switch fn {
		case operators.Add, operators.Subtract, operators.Multiply:
			op := map[string]string{operators.Add: "+", operators.Subtract: "-", operators.Multiply: "*"}[fn]
			return x{k: kDouble, sql: "(" + a.sql + " " + op + " " + b.sql + ")", notNull: nn}, nil
		case operators.Divide:
			if lb, ok := b.lit.(types.Double); ok && lb != 0 {
				return x{k: kDouble, sql: "(" + a.sql + " / " + b.sql + ")", notNull: nn}, nil
			}
			nan, inf, ninf := g.d.Double(math.NaN()), g.d.Double(math.Inf(1)), g.d.Double(math.Inf(-1))
			return x{k: kDouble, notNull: nn, sql: g.once([]x{a, b}, func(s []string) string {
				// IEEE division by a zero: NaN for 0/0 and NaN/0, else an
				// infinity signed by both operands (a zero's sign shows
				// in its text).
				return "(CASE WHEN " + s[1] + " = 0 THEN (CASE WHEN " + s[0] + " = 0 OR " + s[0] + " = " + nan + " THEN " + nan +
					" WHEN (" + s[0] + " > 0) = (" + g.d.Text(s[1]) + " NOT LIKE '-%') THEN " + inf + " ELSE " + ninf + " END) ELSE " + s[0] + " / " + s[1] + " END)"
			})}, nil
		}
	case a.k == kString && b.k == kString && fn == operators.Add:
		return x{k: kString, sql: "(" + a.sql + " || " + b.sql + ")", notNull: nn}, nil
	case (a.k == kTimestamp && b.k == kDuration || a.k == kDuration && b.k == kTimestamp) && fn == operators.Add,
		a.k == kTimestamp && b.k == kDuration && fn == operators.Subtract:
		op := map[string]string{operators.Add: "+", operators.Subtract: "-"}[fn]
		return x{k: kTimestamp, sql: g.once([]x{{sql: "(" + a.sql + " " + op + " " + b.sql + ")", k: kTimestamp}}, func(s []string) string {
			return "(CASE WHEN " + s[0] + " >= " + g.timeBound(false) + " AND " + s[0] + " < " + g.timeBound(true) + " THEN " + s[0] + " END)"
		})}, nil
	case a.k == kTimestamp && b.k == kTimestamp && fn == operators.Subtract,
		a.k == kDuration && b.k == kDuration && (fn == operators.Add || fn == operators.Subtract):
		op := map[string]string{operators.Add: "+", operators.Subtract: "-"}[fn]
		return x{k: kDuration, sql: g.once([]x{{sql: "(" + a.sql + " " + op + " " + b.sql + ")", k: kDuration}}, func(s []string) string {
			lim := g.d.Micros(intLiteral(math.MaxInt64 / 1000))
			return "(CASE WHEN " + s[0] + " <= " + lim + " AND " + s[0] + " >= -" + lim + " THEN " + s[0] + " END)"
		})}, nil
	}
	return x{}, t.fail(e, "%s between %s and %s", fnName(fn), a.k, b.k)
}

func foldInt(fn string, a, b int64) (int64, bool) {
	switch fn {
	case operators.Add:
		s := a + b
		return s, (s > a) == (b > 0)
	case operators.Subtract:
		s := a - b
		return s, (s < a) == (b > 0)
	case operators.Multiply:
		if a == 0 || b == 0 {
			return 0, true
		}
		p := a * b
		return p, p/b == a && !(a == -1 && b == math.MinInt64) && !(b == -1 && a == math.MinInt64)
	case operators.Divide:
		if b == 0 || a == math.MinInt64 && b == -1 {
			return 0, false
		}
		return a / b, true
	case operators.Modulo:
		if b == 0 || a == math.MinInt64 && b == -1 {
			return 0, false
		}
		return a % b, true
	}
	return 0, false
}

func (t *tr) negate(e ast.Expr, a x) (x, error) {
	switch a.k {
	case kInt:
		if l, ok := a.lit.(types.Int); ok {
			if l == math.MinInt64 {
				return x{k: kInt, sql: "CAST(NULL AS bigint)"}, nil
			}
			return t.literal(e, -l)
		}
		return x{k: kInt, sql: t.g.once([]x{a}, func(s []string) string {
			return "(CASE WHEN " + s[0] + " = " + minInt + " THEN NULL ELSE -" + s[0] + " END)"
		})}, nil
	case kDouble:
		if l, ok := a.lit.(types.Double); ok {
			return t.literal(e, -l)
		}
		return x{k: kDouble, sql: "(-" + a.sql + ")", notNull: a.notNull}, nil
	case kDuration:
		return x{k: kDuration, sql: "(-" + a.sql + ")", notNull: a.notNull}, nil
	}
	return x{}, t.fail(e, "negating a %s", a.k)
}

// sum is list.sum() and list.map(x, f).sum().
func (t *tr) sum(e ast.Expr, l x) (x, error) {
	g := t.g
	var v *view
	var val string
	var k kind
	switch l.k {
	case kMapped:
		v, val, k = l.view, l.mapped, l.mk
	case kList:
		f := &g.set.Schema().Fields[l.view.field]
		if f.Kind != indicator.KindList {
			return x{}, t.fail(e, "sum() of events")
		}
		v = l.view.retoken(g.token())
		el := t.elem(v)
		val, k = el.sql, el.k
	default:
		return x{}, t.fail(e, "sum() of a %s", l.k)
	}
	if k != kInt && k != kDouble {
		return x{}, t.fail(e, "sum() of %s values", k)
	}
	return x{k: k, sql: t.over(v, func(member, bad string) string {
		s := t.guardBad(bad)
		if !l.notNull || l.k == kList {
			s += " WHEN " + g.d.BoolOr(member+" AND "+val+" IS NULL") + " THEN NULL"
		}
		if k == kDouble {
			return s + " ELSE " + g.d.SumIf(val, member) + " END"
		}
		total := "COALESCE(sum(" + val + ") FILTER (WHERE " + member + "), 0)"
		return s + " WHEN " + total + " BETWEEN " + minInt + " AND " + maxInt + " THEN CAST(" + total + " AS bigint) ELSE NULL END"
	})}, nil
}
