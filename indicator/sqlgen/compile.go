package sqlgen

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"cel.dev/cel-go/cel"

	"github.com/openhpi/hpi/indicator"
)

// Errors of Compile and Evaluate, for errors.Is.
var (
	// ErrUnsupported is a CEL construct outside the subset sqlgen
	// translates (the error is an *UnsupportedError saying which and
	// where).
	ErrUnsupported = errors.New("sqlgen: unsupported")
	// ErrMapping is a mapping that does not fit the schema.
	ErrMapping = errors.New("sqlgen: invalid mapping")
	// ErrResult is a database answer that does not have the shape the
	// query asked for.
	ErrResult = errors.New("sqlgen: unexpected result")
)

// arg is one bound parameter: a fixed value (a string literal, a value
// set's codes, a time bound) or a parameter of the set, read at
// evaluation time.
type arg struct {
	value any
	param int // index into the spec's parameters + 1; 0 for a fixed value
}

// gen holds the state of one Compile call.
type gen struct {
	set     *indicator.Set
	spec    *indicator.SetSpec
	d       Dialect
	m       Mapping
	env     *cel.Env
	args    []arg
	byKey   map[string]int // dedup key of a fixed argument → its number
	defs    []*defCol      // per definition of the spec, once translated
	defSQL  []string       // per scalar definition: its SQL
	busy    []bool
	ids     int
	onceIDs int
}

// defCol is a translated definition: a column of a layer (scalars) or a
// view inlined where used (lists).
type defCol struct {
	val   x
	depth int // the layer that computes it (1-based); 0 for a view
}

func (g *gen) token() string { g.ids++; return "⟦" + strconv.Itoa(g.ids) + "⟧" }
func (g *gen) alias() string { g.ids++; return "e" + strconv.Itoa(g.ids) }

// bindFixed binds a fixed value once per distinct key.
func (g *gen) bindFixed(key string, v any, typ string) string {
	n, ok := g.byKey[key]
	if !ok {
		g.args = append(g.args, arg{value: v})
		n = len(g.args)
		g.byKey[key] = n
	}
	return g.d.Placeholder(n, typ)
}

func (g *gen) bindString(s string) string {
	return g.bindFixed("s:"+s, s, g.d.Type(indicator.KindString))
}

func (g *gen) bindCodes(codes []string) string {
	return g.bindFixed("a:"+strconv.Quote(strings.Join(codes, "\x00")), slices.Clone(codes), g.d.TextArray())
}

func (g *gen) bind(t time.Time, typ string) string {
	return g.bindFixed("t:"+t.Format(time.RFC3339Nano), t, typ)
}

// timeBound is the first instant CEL's timestamps cannot reach (upper) or
// the first they can (lower): years 1 to 9999.
func (g *gen) timeBound(upper bool) string {
	if upper {
		return g.bind(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), g.d.Type(indicator.KindTimestamp))
	}
	return g.bind(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), g.d.Type(indicator.KindTimestamp))
}

// param is parameter i of the set, bound once.
func (g *gen) param(i int) x {
	key := "p:" + strconv.Itoa(i)
	k := g.spec.Parameters[i].Type.Kind
	n, ok := g.byKey[key]
	if !ok {
		g.args = append(g.args, arg{param: i + 1})
		n = len(g.args)
		g.byKey[key] = n
	}
	if k == indicator.KindDuration {
		return x{sql: g.d.Micros(g.d.Placeholder(n, g.d.Type(indicator.KindInt))), k: kDuration, simple: true, notNull: true}
	}
	return x{sql: g.d.Placeholder(n, g.d.Type(k)), k: kindOf[k], simple: true, notNull: true}
}

// once evaluates each operand once: body gets SQL to read them by; when
// an operand is not simple, the operands are computed in a derived table
// and body reads its columns.
func (g *gen) once(ops []x, body func([]string) string) string {
	refs := make([]string, len(ops))
	var cols []string
	g.onceIDs++
	alias := "b" + strconv.Itoa(g.onceIDs)
	for i, o := range ops {
		if o.simple {
			refs[i] = o.sql
			continue
		}
		name := "v" + strconv.Itoa(i)
		cols = append(cols, o.sql+" AS "+name)
		refs[i] = alias + "." + name
	}
	if len(cols) == 0 {
		return body(refs)
	}
	return "(SELECT " + body(refs) + " FROM (SELECT " + strings.Join(cols, ", ") + ") AS " + alias + ")"
}

// definition translates definition i on first use.
func (g *gen) definition(i int) (x, error) {
	if c := g.defs[i]; c != nil {
		if c.depth == 0 {
			v := *c.val.view
			return x{k: kList, view: &v}, nil
		}
		return c.val, nil
	}
	d := &g.spec.Definitions[i]
	if g.busy[i] {
		return x{}, &UnsupportedError{Pos: d.Expr.Pos, Owner: "definition " + d.Name, Construct: "a definition that uses itself"}
	}
	g.busy[i] = true
	defer func() { g.busy[i] = false }()
	v, err := g.translate(d.Expr, "definition "+d.Name, "")
	if err != nil {
		return x{}, err
	}
	switch v.k {
	case kList:
		g.defs[i] = &defCol{val: v}
		return g.definition(i)
	case kBool, kInt, kDouble, kString, kTimestamp, kDuration:
		depth := 1 + g.depthOf(v.sql)
		g.defs[i] = &defCol{val: x{sql: "r." + g.d.Ident("d_"+d.Name), k: v.k, simple: true, notNull: v.notNull}, depth: depth}
		g.defSQL[i] = v.sql
		return g.defs[i].val, nil
	}
	return x{}, &UnsupportedError{Pos: d.Expr.Pos, Owner: "definition " + d.Name, Construct: "a definition of type " + v.k.String()}
}

var defRef = regexp.MustCompile(`r\."d_([A-Za-z_][A-Za-z0-9_]*)"`)

// depthOf is the deepest layer of the definition columns sql reads.
func (g *gen) depthOf(sql string) int {
	depth := 0
	for _, m := range defRef.FindAllStringSubmatch(sql, -1) {
		for i, d := range g.spec.Definitions {
			if d.Name == m[1] && g.defs[i] != nil {
				depth = max(depth, g.defs[i].depth)
			}
		}
	}
	return depth
}

// translate parses and checks e in the set's environment and translates it.
func (g *gen) translate(e indicator.Expr, owner, field string) (x, error) {
	a, iss := g.env.Compile(e.Text)
	if iss.Err() != nil {
		return x{}, fmt.Errorf("sqlgen: %s %s: %w", owner, field, iss.Err())
	}
	t := &tr{g: g, a: a.NativeRep(), src: e, owner: owner, field: field}
	return t.expr(a.NativeRep().Expr())
}
