package indicator

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// vecExpr writes a random boolean expression of the vectorised subset
// over nativeSchema's fields (c, j and u are nullable) and a definition.
func vecExpr(r *rand.Rand, depth int) string {
	if depth == 0 || r.IntN(3) == 0 {
		leaves := []string{"i >= 2", "i < 1", "7 > i", "s == \"a\"", "s != \"E11\"", "\"b\" == s", "b", "c", "has(rec.j)", "has(rec.u)", "j > 2", "j <= 0", "u == \"b\"", "flag2", "!b", `s in ["a", "b"]`, `u in valuesets.vs`,
			// exists and all over a whole event list, reduced from event vectors
			`ev.exists(e, e.code == "a")`, `ev.all(e, e.n > p)`, `ev.exists(e, e.code in valuesets.vs && e.at >= from)`,
			`ev.all(e, !(e.code == "E11") || e.n < 2)`, "coded"}
		return leaves[r.IntN(len(leaves))]
	}
	switch r.IntN(3) {
	case 0:
		return "!(" + vecExpr(r, depth-1) + ")"
	case 1:
		return "(" + vecExpr(r, depth-1) + " && " + vecExpr(r, depth-1) + ")"
	}
	return "(" + vecExpr(r, depth-1) + " || " + vecExpr(r, depth-1) + ")"
}

// TestVector_BatchTallyAgreesWithRecords evaluates random count and
// proportion indicators made of vectorised criteria both ways: tallied a
// batch at a time from bit vectors (falling back per record in batches
// where a criterion fails), and record by record through cel-go. The
// reports must be identical, errors included.
func TestVector_BatchTallyAgreesWithRecords(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	batched, withErrors, stratified := 0, 0, 0
	criteria := []string{"initial_population", "denominator", "denominator_exclusion", "numerator", "numerator_exclusion", "denominator_exception"}
	for round := range 40 {
		var y strings.Builder
		y.WriteString(nativeSchema + "definitions:\n  flag2: i > 0 && b\n  coded: ev.exists(e, e.code in valuesets.vc || e.at < from)\nindicators:\n")
		for k := range 6 {
			typ := []string{"count", "proportion"}[r.IntN(2)]
			fmt.Fprintf(&y, "  - id: I%d\n    type: %s\n", k, typ)
			for _, c := range criteria {
				switch {
				case c == "numerator" && typ == "proportion":
				case r.IntN(2) == 0, typ == "count" && (c == "numerator" || c == "numerator_exclusion" || c == "denominator_exception"):
					continue
				}
				fmt.Fprintf(&y, "    %s: %q\n", c, vecExpr(r, 3))
			}
			if r.IntN(2) == 0 { // strata, tallied record by record; j and u can be null: a failing stratum
				fmt.Fprintf(&y, "    stratifiers: [%s]\n", []string{"s", "s, b", "j", "u, i", "flag2"}[r.IntN(5)])
			}
		}
		fast, err := Load("vector.yaml", []byte(y.String()))
		if err != nil {
			t.Fatalf("%v\n%s", err, y.String())
		}
		slow, err := Load("vector.yaml", []byte(y.String()), WithInterpreterOnly())
		if err != nil {
			t.Fatal(err)
		}
		var batches []*Batch
		for k := range 4 {
			batches = append(batches, edgeRecords(t, fast.Schema(), 1+r.IntN(150), r, k%2 == 1))
		}
		ctx := context.Background()
		got, err := fast.Evaluate(ctx, Batches(batches...), WithWorkers(2))
		if err != nil {
			t.Fatal(err)
		}
		want, err := slow.Evaluate(ctx, Batches(batches...), WithWorkers(1))
		if err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Fatalf("round %d: batch tallies differ from record tallies\n%s\ngot  %s\nwant %s", round, y.String(), g, w)
		}
		for k, ind := range fast.indicators {
			if ind.batched {
				batched++
				if got.Indicators[k].Accounting.Errored > 0 {
					withErrors++
				}
				if len(ind.stratifiers) > 0 {
					stratified++
				}
			}
		}
	}
	if batched == 0 || withErrors == 0 || withErrors == batched || stratified == 0 {
		t.Fatalf("%d batched indicators, %d of them with errors, %d stratified: every path must be exercised", batched, withErrors, stratified)
	}
}

// eventPredicate writes a predicate over event variable v that has an
// event vector: comparisons of its fields with literals and parameters,
// value-set tests, and !, && and || over them. e.at is nullable, so some
// events' predicates fail.
func (g exprGen) eventPredicate(v string, depth int) string {
	if depth > 0 && g.r.IntN(3) > 0 {
		if g.r.IntN(3) == 0 {
			return "!(" + g.eventPredicate(v, depth-1) + ")"
		}
		return "(" + g.eventPredicate(v, depth-1) + " " + g.pick("&&", "||") + " " + g.eventPredicate(v, depth-1) + ")"
	}
	lit := g.pick(`"a"`, `""`, `"E11"`, `"zz"`)
	switch g.r.IntN(6) {
	case 0:
		return v + ".code " + g.pick("==", "!=") + " " + lit
	case 1:
		return lit + " " + g.pick("==", "!=") + " " + v + ".code"
	case 2:
		return v + ".code in " + g.pick("valuesets.vs", "valuesets.vc", `["a", "E11"]`, `["zz"]`)
	case 3:
		return v + ".n " + g.pick("<", "<=", ">", ">=") + " " + g.pick("p", "0", "-1", "7", "9223372036854775807")
	case 4:
		return g.pick("p", "0", "2") + " " + g.pick("<", "<=", ">", ">=") + " " + v + ".n"
	}
	return v + ".at " + g.pick("<", "<=", ">", ">=") + " from"
}

// TestEventVectors_AgreeWithCEL compares exists, all and filter over a
// whole event list whose predicates run as event vectors (and what reads
// a filter's result) with cel-go's interpreter, over batches with and
// without nulls, and checks that each ran as a vector.
func TestEventVectors_AgreeWithCEL(t *testing.T) {
	forms := []string{
		"ev.exists(e, %s)", "ev.all(e, %s)", "!ev.exists(e, %s) || b",
		"size(ev.filter(e, %s))", "ev.filter(e, %s).exists(f, f.n > 1)",
		"ev.filter(e, %s).map(x, x.n).sum()", `size(ev.filter(e, %s)) > 0 ? ev.filter(e, %[1]s)[0].code : "none"`,
	}
	for round := range 30 {
		r := rand.New(rand.NewPCG(5, uint64(round)))
		g := exprGen{r: r}
		var defs strings.Builder
		defs.WriteString("definitions:\n")
		var names []string
		for k := range 14 {
			name := fmt.Sprintf("v%d", k)
			names = append(names, name)
			fmt.Fprintf(&defs, "  %s: %q\n", name, fmt.Sprintf(forms[k%len(forms)], g.eventPredicate("e", 3)))
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
		vectors := fast.eventVectors
		for _, name := range names[:3] {
			if fast.exprs[fast.defExpr[fast.names[name].index]].native.vec != nil {
				vectors++
			}
		}
		if filters := 2 * 4; vectors < 3+filters {
			t.Fatalf("round %d: %d of the %d comprehensions run as vectors:\n%s", round, vectors, 3+filters, src)
		}
		var natives, quantifiers int
		compareDefinitions(t, fast, slow, edgeRecords(t, fast.Schema(), 100+r.IntN(300), r, round%2 == 0), names, &natives, &quantifiers)
	}
}
