package indicator

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// exprGen writes random well-typed CEL expressions over nativeSchema, with
// the operators of the native subset and a few outside it.
type exprGen struct {
	r     *rand.Rand
	scope []string // variables of enclosing exists/all over ev
}

const nativeSchema = `
id: native
schema:
  unit: rec
  fields:
    i: int
    j: int?
    d: double
    e: double?
    s: string
    u: string?
    b: bool
    c: bool?
    t: timestamp
    w: timestamp?
    ev:
      fields:
        code: string
        n: int
        v: double?
        at: timestamp?
parameters:
  p: {type: int, default: "3"}
  q: {type: double, default: "-0.5"}
  from: {type: timestamp, default: "2020-01-01"}
valuesets:
  vs: [a, b, "", E11]
  vc:
    codes: [a, {system: s1, code: b}, {system: E11, code: E11}, {system: "", code: x}]
`

func (g exprGen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g exprGen) expr(kind string, depth int) string {
	if depth <= 0 || g.r.IntN(4) == 0 {
		return g.leaf(kind)
	}
	d := depth - 1
	switch kind {
	case "bool":
		switch g.r.IntN(9) {
		case 0:
			return "(" + g.expr("bool", d) + " " + g.pick("&&", "||") + " " + g.expr("bool", d) + ")"
		case 1:
			return "!" + g.expr("bool", d)
		case 2:
			k := g.pick("int", "double", "string", "timestamp", "bool")
			return "(" + g.expr(k, d) + " " + g.pick("==", "!=") + " " + g.expr(k, d) + ")"
		case 3, 4:
			k := g.pick("int", "double", "string", "timestamp")
			if k == "int" || k == "double" { // int/double mixes order numerically
				return "(" + g.expr(k, d) + " " + g.pick("<", "<=", ">", ">=") + " " + g.expr(g.pick("int", "double"), d) + ")"
			}
			return "(" + g.expr(k, d) + " " + g.pick("<", "<=", ">", ">=") + " " + g.expr(k, d) + ")"
		case 5:
			if g.r.IntN(3) == 0 {
				return "in_valueset(" + g.expr("string", d) + ", " + g.expr("string", d) + ", " + g.pick("valuesets.vc", "valuesets.vs", `["a", "E11"]`, "[]") + ")"
			}
			return "(" + g.expr("string", d) + " in " + g.pick("valuesets.vs", "valuesets.vc", `["a", "E11", ""]`, "[]") + ")"
		case 6:
			return "has(rec." + g.pick("j", "e", "u", "c", "w", "i") + ")"
		case 7:
			if g.r.IntN(2) == 0 {
				return "(" + g.expr("bool", d) + " ? " + g.expr("bool", d) + " : " + g.expr("bool", d) + ")"
			}
			v := fmt.Sprintf("e%d", len(g.scope))
			inner := exprGen{r: g.r, scope: append(append([]string(nil), g.scope...), v)}
			if g.r.IntN(5) == 0 && len(g.scope) > 0 {
				return "has(" + g.scope[g.r.IntN(len(g.scope))] + ".v)"
			}
			return g.events(d) + "." + g.pick("exists", "all") + "(" + v + ", " + inner.expr("bool", d) + ")"
		default:
			return "(" + g.expr("string", d) + ".startsWith(" + g.expr("string", d) + "))" // outside the subset
		}
	case "int":
		switch g.r.IntN(6) {
		case 4:
			if g.r.IntN(2) == 0 {
				return "size(" + g.events(d) + ")"
			}
			return g.events(d) + ".size()"
		case 5:
			v := fmt.Sprintf("e%d", len(g.scope))
			return g.events(d) + ".map(" + v + ", " + v + ".n).sum()"
		case 0:
			return "-" + g.expr("int", d)
		case 1:
			return "(" + g.expr("bool", d) + " ? " + g.expr("int", d) + " : " + g.expr("int", d) + ")"
		default:
			return "(" + g.expr("int", d) + " " + g.pick("+", "-", "*", "/", "%") + " " + g.expr("int", d) + ")"
		}
	case "double":
		switch g.r.IntN(5) {
		case 3:
			v := fmt.Sprintf("e%d", len(g.scope))
			return g.events(d) + ".map(" + v + ", " + v + ".v).sum()"
		case 4:
			return g.events(d) + "[" + g.expr("int", d) + "].v"
		case 0:
			return "-" + g.expr("double", d)
		default:
			return "(" + g.expr("double", d) + " " + g.pick("+", "-", "*", "/") + " " + g.expr("double", d) + ")"
		}
	case "string":
		if g.r.IntN(3) == 0 {
			return g.events(d) + "[" + g.pick("0", "1", "-1", "size("+g.events(d)+") - 1") + "].code"
		}
		return "(" + g.expr("bool", d) + " ? " + g.expr("string", d) + " : " + g.expr("string", d) + ")"
	}
	return g.leaf(kind)
}

// events writes a list of events: the field, a definition or a filter.
func (g exprGen) events(depth int) string {
	if depth <= 0 || g.r.IntN(3) == 0 {
		return g.pick("ev", "odd", "interpreted")
	}
	if g.r.IntN(4) == 0 {
		return "(" + g.expr("bool", depth-1) + " ? " + g.events(depth-1) + " : " + g.events(depth-1) + ")"
	}
	v := fmt.Sprintf("e%d", len(g.scope))
	inner := exprGen{r: g.r, scope: append(append([]string(nil), g.scope...), v)}
	return g.events(depth-1) + ".filter(" + v + ", " + inner.expr("bool", depth-1) + ")"
}

func (g exprGen) leaf(kind string) string {
	if len(g.scope) > 0 && g.r.IntN(2) == 0 {
		v := g.scope[g.r.IntN(len(g.scope))]
		switch kind {
		case "int":
			return v + ".n"
		case "double":
			return v + ".v"
		case "string":
			return v + ".code"
		case "timestamp":
			return v + ".at"
		}
	}
	switch kind {
	case "bool":
		return g.pick("b", "c", "true", "false", "flag")
	case "int":
		return g.pick("i", "j", "p", "0", "1", "-1", "9223372036854775807", "-9223372036854775807 - 1", "big")
	case "double":
		return g.pick("d", "e", "q", "0.0", "1.5", "-2.25", "1e300", "ratio")
	case "string":
		return g.pick("s", "u", `"a"`, `""`, `"E11"`, "label")
	case "timestamp":
		return g.pick("t", "w", "from")
	}
	panic(kind)
}

// nativeRecords are edge values: extremes, NaN, infinities, nulls.
func nativeRecords(t *testing.T, s *Schema, n int, r *rand.Rand) *Batch {
	t.Helper()
	return edgeRecords(t, s, n, r, true)
}

// edgeRecords are nativeRecords, with a third of the nullable values null
// when nulls is set, none otherwise.
func edgeRecords(t *testing.T, s *Schema, n int, r *rand.Rand, nulls bool) *Batch {
	t.Helper()
	present := func() bool { return !nulls || r.IntN(3) > 0 }
	b := NewBatchBuilder(s)
	ints := []int64{0, 1, -1, 2, 7, math.MaxInt64, math.MinInt64, 3}
	doubles := []float64{0, 1.5, -2.25, math.NaN(), math.Inf(1), math.Inf(-1), 1e300, 3, -0.5}
	strs := []string{"", "a", "b", "E11", "zz", "A"}
	times := []time.Time{time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1999, 5, 5, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 1, 0, 0, 0, 1, time.UTC)}
	for range n {
		b.Field(0).AppendInt(ints[r.IntN(len(ints))])
		if present() {
			b.Field(1).AppendInt(ints[r.IntN(len(ints))])
		}
		b.Field(2).AppendDouble(doubles[r.IntN(len(doubles))])
		if present() {
			b.Field(3).AppendDouble(doubles[r.IntN(len(doubles))])
		}
		b.Field(4).AppendString(strs[r.IntN(len(strs))])
		if present() {
			b.Field(5).AppendString(strs[r.IntN(len(strs))])
		}
		b.Field(6).AppendBool(r.IntN(2) == 0)
		if present() {
			b.Field(7).AppendBool(r.IntN(2) == 0)
		}
		b.Field(8).AppendTime(times[r.IntN(len(times))])
		if present() {
			b.Field(9).AppendTime(times[r.IntN(len(times))])
		}
		ev := b.Field(10)
		for range r.IntN(4) {
			ev.Event(0).AppendString(strs[r.IntN(len(strs))])
			ev.Event(1).AppendInt(ints[r.IntN(len(ints))])
			if present() {
				ev.Event(2).AppendDouble(doubles[r.IntN(len(doubles))])
			}
			if len(s.Fields[10].Fields) > 3 && present() {
				ev.Event(3).AppendTime(times[r.IntN(len(times))])
			}
			ev.EndEvent()
		}
		if err := b.EndRow(); err != nil {
			t.Fatal(err)
		}
	}
	return b.Build()
}

// TestNative_AgreesWithCEL evaluates generated expressions, as definitions
// used by other definitions, through the native closures and through
// cel-go's interpreter, and requires the same value or the same error for
// every record.
func TestNative_AgreesWithCEL(t *testing.T) {
	natives, quantifiers := 0, 0
	for round := range 40 {
		agree(t, rand.New(rand.NewPCG(1, uint64(round))), &natives, &quantifiers)
	}
	if natives == 0 || quantifiers == 0 {
		t.Fatalf("the generator made %d native expressions, %d over event lists: the test compares nothing", natives, quantifiers)
	}
	vectors, err := vectorised(rand.New(rand.NewPCG(1, 0)))
	if err != nil || vectors == 0 {
		t.Fatalf("the generator made %d vectorised expressions (%v): the bit vectors go untested", vectors, err)
	}
}

// vectorised counts the vectorised definitions of a generated set.
func vectorised(r *rand.Rand) (int, error) {
	g := exprGen{r: r}
	var defs strings.Builder
	defs.WriteString("definitions:\n  flag: i > p || c\n  big: i * 2\n  ratio: d / q\n  label: s + u\n  odd: ev.filter(o, o.n % 2 == 1 || o.v > 1.0)\n  interpreted: ev.filter(o, o.code.startsWith(\"E\"))\n")
	for k := range 200 {
		fmt.Fprintf(&defs, "  x%d: %q\n", k, g.expr("bool", 3))
	}
	set, err := Load("native.yaml", []byte(nativeSchema+defs.String()), WithMaxListSize(10), WithCostBudget(math.MaxUint64))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range set.exprs {
		if e.native.vec != nil {
			n++
		}
	}
	return n, nil
}

// FuzzNativeAgreesWithCEL explores generated expressions from fuzzed seeds:
// go test -fuzz=FuzzNativeAgreesWithCEL ./indicator/
func FuzzNativeAgreesWithCEL(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(7), uint64(9))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		var natives, quantifiers int
		agree(t, rand.New(rand.NewPCG(a, b)), &natives, &quantifiers)
	})
}

// agree generates one set of definitions and records and compares the two
// evaluation paths on them.
func agree(t *testing.T, r *rand.Rand, natives, quantifiers *int) {
	t.Helper()
	g := exprGen{r: r}
	var defs strings.Builder
	defs.WriteString("definitions:\n  flag: i > p || c\n  big: i * 2\n  ratio: d / q\n  label: s + u\n  odd: ev.filter(o, o.n % 2 == 1 || o.v > 1.0)\n  interpreted: ev.filter(o, o.code.startsWith(\"E\"))\n")
	var names []string
	for k := range 25 {
		kind := g.pick("bool", "bool", "int", "double", "string")
		name := fmt.Sprintf("x%d", k)
		names = append(names, name)
		fmt.Fprintf(&defs, "  %s: %q\n", name, g.expr(kind, 4))
	}
	src := nativeSchema + defs.String()
	fast, err := Load("native.yaml", []byte(src), WithMaxListSize(10), WithCostBudget(math.MaxUint64))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	slow, err := Load("native.yaml", []byte(src), WithMaxListSize(10), WithCostBudget(math.MaxUint64), WithInterpreterOnly())
	if err != nil {
		t.Fatal(err)
	}
	batch := nativeRecords(t, fast.Schema(), 150, r) // > 2 words of vector bits
	compareDefinitions(t, fast, slow, batch, names, natives, quantifiers)
}

func compareDefinitions(t *testing.T, fast, slow *Set, batch *Batch, names []string, nativeCount, nativeQuantifiers *int) {
	t.Helper()
	params := func(s *Set) []ref.Val { p, _ := s.bindParams(nil); return p }
	fr, sr := newRow(fast), newRow(slow)
	fc, sc := newCursor(fast, fr, params(fast)), newCursor(slow, sr, params(slow))
	natives, quantifiers := 0, 0
	fr.enter(batch)
	sr.enter(batch)
	for i := range batch.Len() {
		fr.at(i)
		sr.at(i)
		for k, name := range names {
			d := fast.names[name].index
			if fast.exprs[fast.defExpr[d]].native.kind != KindInvalid {
				natives++
				if strings.Contains(fast.spec.Definitions[d].Expr.Text, "ev.") || strings.Contains(fast.spec.Definitions[d].Expr.Text, "odd") {
					quantifiers++
				}
			}
			fv, ferr := fc.eval(fast.defExpr[d])
			sv, serr := sc.eval(slow.defExpr[d])
			expr := fast.spec.Definitions[d].Expr.Text
			if (ferr == nil) != (serr == nil) || (ferr != nil && ferr.Error() != serr.Error()) {
				t.Fatalf("record %d, %s = %s: native error %v, CEL error %v", i, name, expr, ferr, serr)
			}
			if ferr == nil && !sameVal(fv, sv) {
				t.Fatalf("record %d, %s = %s: native %v, CEL %v", i, name, expr, fv, sv)
			}
			_ = k
		}
	}
	*nativeQuantifiers += quantifiers
	*nativeCount += natives
}

func sameVal(a, b ref.Val) bool {
	if x, ok := a.(types.Double); ok {
		y, ok := b.(types.Double)
		return ok && (x == y || math.IsNaN(float64(x)) && math.IsNaN(float64(y)))
	}
	return a.Equal(b) == types.True && a.Type() == b.Type()
}
