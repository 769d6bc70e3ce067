package indicator

import (
	"context"
	"encoding/json"
	"fmt"
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
