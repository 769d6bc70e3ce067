package indicator_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/openhpi/hpi/indicator"
)

const exampleYAML = `id: diabetes
schema:
  unit: patient
  fields:
    diabetic: bool
    hba1c: double?
indicators:
  - id: DM-HBA1C
    title: Diabetes with HbA1c at or below 58 mmol/mol
    type: proportion
    polarity: higher-is-better
    multiplier: 100
    unit: "%"
    initial_population: diabetic
    numerator: has(patient.hba1c) && hba1c <= 58.0
  - id: DM-COUNT
    title: People with diabetes
    type: count
    initial_population: diabetic
`

func ExampleLoad() {
	set, err := indicator.Load("diabetes.yaml", []byte(exampleYAML))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("unit:", set.Schema().Unit)
	for _, ind := range set.Spec().Indicators {
		fmt.Printf("%s (%s): %s\n", ind.ID, ind.Type, ind.Title)
	}
	// Output:
	// unit: patient
	// DM-HBA1C (proportion): Diabetes with HbA1c at or below 58 mmol/mol
	// DM-COUNT (count): People with diabetes
}

// A mistake in an expression is reported with its file, line and column.
func ExampleLoad_error() {
	bad := `id: diabetes
schema:
  unit: patient
  fields:
    hba1c: double?
indicators:
  - id: DM-HBA1C
    type: proportion
    numerator: hba1cc <= 58.0
`
	_, err := indicator.Load("diabetes.yaml", []byte(bad))
	var diags indicator.Diagnostics
	if errors.As(err, &diags) {
		d := diags[0]
		fmt.Println(d.Pos, "|", d.Owner, "|", d.Field)
		fmt.Println("type mismatch:", errors.Is(err, indicator.ErrTypeMismatch))
	}
	// Output:
	// diabetes.yaml:9:16 | indicator DM-HBA1C | numerator
	// type mismatch: true
}

func ExampleSet_Evaluate() {
	set, err := indicator.Load("diabetes.yaml", []byte(exampleYAML))
	if err != nil {
		fmt.Println(err)
		return
	}
	schema := set.Schema()
	diabetic, hba1c := schema.FieldIndex("diabetic"), schema.FieldIndex("hba1c")

	b := indicator.NewBatchBuilder(schema)
	for _, p := range []struct {
		diabetic bool
		hba1c    float64 // 0: not measured
	}{{true, 48}, {true, 53}, {true, 70}, {true, 55}, {false, 40}, {false, 0}} {
		b.Field(diabetic).AppendBool(p.diabetic)
		if p.hba1c != 0 {
			b.Field(hba1c).AppendDouble(p.hba1c)
		}
		if err := b.EndRow(); err != nil {
			fmt.Println(err)
			return
		}
	}

	rep, err := set.Evaluate(context.Background(), indicator.Batches(b.Build()))
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := rep.Result("DM-HBA1C")
	fmt.Printf("%s: %.1f%s (%.0f%% CI %.1f to %.1f, %s), %.0f of %.0f\n",
		r.ID, r.Value, r.Unit, 100*r.Level, r.Lower, r.Upper, r.Method, r.Numerator, r.Denominator)
	c, _ := rep.Result("DM-COUNT")
	fmt.Printf("%s: %.0f\n", c.ID, c.Value)
	fmt.Printf("read %d, included %.0f, excluded %.0f, errored %d\n",
		r.Accounting.Read, r.Accounting.Included, r.Accounting.Excluded, r.Accounting.Errored)
	// Output:
	// DM-HBA1C: 75.0% (95% CI 30.1 to 95.4, wilson), 3 of 4
	// DM-COUNT: 4
	// read 6, included 4, excluded 2, errored 0
}
