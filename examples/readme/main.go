// Command readme is the example of the README, kept here so that it is
// compiled and run by the tests.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
)

// Patient is a row of the caller's own data.
type Patient struct {
	Age   int
	Sex   string
	HbA1c *float64 // nil when not measured
}

func main() {
	ctx := context.Background()
	// README:begin
	set, err := indicator.Load("dm.yaml", []byte(`
id: dm
schema:
  unit: patient
  fields:
    age: int
    sex: string
    hba1c: double?
indicators:
  - id: DM-HBA1C
    type: proportion
    multiplier: 100
    initial_population: age >= 18
    numerator: has(patient.hba1c) && hba1c <= 58
    stratifiers: [sex]
`))
	if err != nil {
		log.Fatal(err) // every problem at once, each as file:line:column with a caret
	}
	idx, _ := source.FieldIndexes(set.Schema(), "age", "sex", "hba1c")
	fill := func(p *Patient, w *source.RowWriter) error {
		w.Int(idx[0], int64(p.Age))
		w.String(idx[1], p.Sex)
		if p.HbA1c != nil { // a nullable field left out is null, never 0
			w.Double(idx[2], *p.HbA1c)
		}
		return nil
	}
	hba1c := 52.0
	rows := []Patient{{70, "f", &hba1c}, {54, "m", nil}, {15, "f", nil}}
	rep, err := set.Evaluate(ctx, source.Slice(set.Schema(), rows, fill)) // or source.CSV, source.JSONLines
	if err != nil {
		log.Fatal(err)
	}
	r, _ := rep.Result("DM-HBA1C")
	fmt.Printf("%.1f%% (%.1f-%.1f), %.0f of %.0f\n", r.Value, r.Lower, r.Upper, r.Numerator, r.Denominator)
	rep.WriteJSON(os.Stdout) // stable bytes: sorted keys, shortest round-trip floats
	// README:end
}
