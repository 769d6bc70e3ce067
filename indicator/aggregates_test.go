package indicator

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"cel.dev/cel-go/common/types/ref"
)

// The report built from a set's aggregates is the report Evaluate gives:
// the engine's own tallies, turned into Aggregates and back, give the same
// bytes for every indicator type, stratifiers of one and two components,
// and errored records.
func TestReportFromAggregates_MatchesEvaluate(t *testing.T) {
	set, err := Load("agg.yaml", []byte(nativeSchema+`
definitions:
  band: "i % 3 == 0 ? 0 : 1"
indicators:
  - {id: P, type: proportion, denominator: "i > 0", numerator: b, denominator_exception: "s == 'a'", stratifiers: [s, {id: sb, components: [s, b]}]}
  - {id: R, type: ratio, numerator_value: "double(j % 3)", denominator_value: "1.0", stratifiers: [b]}
  - {id: RT, type: rate, numerator_value: size(ev), denominator_value: "2.5", stratifiers: [s]}
  - {id: M, type: mean, observation: "double(size(ev)) + 0.25", stratifiers: [b]}
  - {id: C, type: count, initial_population: c}
  - {id: D, type: dsr, numerator_value: size(ev), denominator_value: "100.0", age_band: band, standard_population: [3, 7]}
`))
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	src := Batches(edgeRecords(t, set.Schema(), 200, r, true), edgeRecords(t, set.Schema(), 90, r, false))
	params, err := set.bindParams(nil)
	if err != nil {
		t.Fatal(err)
	}
	tallies, read, err := set.pass(context.Background(), src, newEvalConfig(nil), [][]ref.Val{params})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(set.report(tallies[0], read, params))
	rep, err := set.ReportFromAggregates(set.aggregatesOf(tallies[0], read))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(rep)
	if string(got) != string(want) {
		t.Fatalf("report from aggregates differs:\ngot  %s\nwant %s", got, want)
	}
	errored := false
	for _, res := range rep.Indicators {
		errored = errored || res.Accounting.Errored > 0
	}
	if !errored {
		t.Fatal("no indicator had errored records: the test does not cover them")
	}
}

func TestReportFromAggregates_RejectsWhatIsNotThisSet(t *testing.T) {
	set, err := Load("agg.yaml", []byte(nativeSchema+`
indicators:
  - {id: P, type: proportion, numerator: b, stratifiers: [s]}
`))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]*Aggregates{
		"no indicators":      {Read: 1},
		"another id":         {Read: 1, Indicators: []IndicatorAggregates{{ID: "Q", Strata: []StratifierCells{{ID: "s"}}}}},
		"no stratifier":      {Read: 1, Indicators: []IndicatorAggregates{{ID: "P"}}},
		"another stratifier": {Read: 1, Indicators: []IndicatorAggregates{{ID: "P", Strata: []StratifierCells{{ID: "b"}}}}},
		"two values":         {Read: 1, Indicators: []IndicatorAggregates{{ID: "P", Strata: []StratifierCells{{ID: "s", Strata: []StratumCell{{Values: []string{"a", "b"}}}}}}}},
		"negative":           {Read: 1, Indicators: []IndicatorAggregates{{ID: "P", All: Cell{Included: -1}, Strata: []StratifierCells{{ID: "s"}}}}},
		"more than read":     {Read: 1, Indicators: []IndicatorAggregates{{ID: "P", All: Cell{Included: 1}, Errored: 1, Strata: []StratifierCells{{ID: "s"}}}}},
		"stratum twice":      {Read: 2, Indicators: []IndicatorAggregates{{ID: "P", Strata: []StratifierCells{{ID: "s", Strata: []StratumCell{{Values: []string{"a"}}, {Values: []string{"a"}}}}}}}},
	}
	for name, a := range cases {
		if _, err := set.ReportFromAggregates(a); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
