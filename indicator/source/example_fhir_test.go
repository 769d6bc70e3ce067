package source_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
)

// ExampleFHIRNDJSON groups a Bulk Data export (one NDJSON file per
// resource type) into one record per patient, with the default mapping,
// and reports what it skipped.
func ExampleFHIRNDJSON() {
	set, err := indicator.Load("dm.yaml", []byte(`id: dm
schema:
  unit: patient
  fields:
    id: string
    age: int?
    conditions:
      fields: {system: string, code: string}
valuesets:
  diabetes: {system: "http://snomed.info/sct", codes: ["44054006"]}
indicators:
  - id: DM
    type: proportion
    numerator: conditions.exists(c, in_valueset(c.system, c.code, valuesets.diabetes))
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	patients := `{"resourceType":"Patient","id":"a","birthDate":"1950-05-01"}
{"resourceType":"Patient","id":"b","birthDate":"1990-05-01"}
`
	conditions := `{"resourceType":"Condition","id":"1","subject":{"reference":"Patient/b"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006"}]}}
{"resourceType":"Condition","id":"2","subject":{"reference":"Patient/a"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"38341003"}]}}
{"resourceType":"Condition","id":"3","subject":{"reference":"Patient/a"}}
`
	src := source.FHIRNDJSON(set.Schema(), []source.File{
		{Name: "Patient.ndjson", R: strings.NewReader(patients)},
		{Name: "Condition.ndjson", R: strings.NewReader(conditions)},
	}, source.WithReferenceDate(time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)))
	rep, err := set.Evaluate(context.Background(), src)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := rep.Indicators[0]
	fmt.Printf("%g of %g patients\n", float64(r.Numerator), float64(r.Denominator))
	for _, s := range src.Skipped() {
		fmt.Println("skipped:", s.Error())
	}
	// Output:
	// 1 of 2 patients
	// skipped: Condition.ndjson:3: Condition 3: element code.system: missing, but field system is not nullable
}
