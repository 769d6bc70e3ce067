package source_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
)

const exampleYAML = `id: example
schema:
  unit: patient
  fields:
    age: int
    sex: string
    hba1c: double?
    codes: list<string>
indicators:
  - id: n
    type: count
    initial_population: age >= 40 && "E11" in codes
`

func ExampleCSV() {
	set, err := indicator.Load("example.yaml", []byte(exampleYAML))
	if err != nil {
		log.Fatal(err)
	}
	data := `age,sex,hba1c,codes
42,f,51.5,E11|I10
67,m,,E11
35,f,60,E11
70,m,48,I10
`
	rep, err := set.Evaluate(context.Background(), source.CSV(strings.NewReader(data), set.Schema()))
	if err != nil {
		log.Fatal(err)
	}
	n, _ := rep.Result("n")
	fmt.Printf("%v of %d patients\n", n.Value, rep.Read)
	// Output: 2 of 4 patients
}

func ExampleCSV_badCell() {
	set, err := indicator.Load("example.yaml", []byte(exampleYAML))
	if err != nil {
		log.Fatal(err)
	}
	data := "age,sex,codes\n42,f,E11\n6x5,m,E11\n"
	src := source.CSV(strings.NewReader(data), set.Schema())
	// The record before the bad one comes first, then the error.
	for src.Next(context.Background()) {
		fmt.Println("batch of", src.Batch().Len())
	}
	fmt.Println(src.Err())
	// Output:
	// batch of 1
	// source: CSV line 3, column "age": not an int: invalid data
}

func ExampleJSONLines() {
	set, err := indicator.Load("example.yaml", []byte(exampleYAML))
	if err != nil {
		log.Fatal(err)
	}
	data := `{"age": 42, "sex": "f", "hba1c": 51.5, "codes": ["E11", "I10"]}
{"age": 67, "sex": "m", "codes": ["E11"]}
{"age": 35, "sex": "f", "hba1c": null, "codes": ["E11"]}
`
	rep, err := set.Evaluate(context.Background(), source.JSONLines(strings.NewReader(data), set.Schema()))
	if err != nil {
		log.Fatal(err)
	}
	n, _ := rep.Result("n")
	fmt.Printf("%v of %d patients\n", n.Value, rep.Read)
	// Output: 2 of 3 patients
}

func ExampleSlice() {
	set, err := indicator.Load("example.yaml", []byte(exampleYAML))
	if err != nil {
		log.Fatal(err)
	}
	type patient struct {
		Age   int
		Sex   string
		HbA1c *float64 // nil is null
		Codes []string
	}
	patients := []patient{
		{Age: 42, Sex: "f", Codes: []string{"E11", "I10"}},
		{Age: 67, Sex: "m", Codes: []string{"E11"}},
		{Age: 35, Sex: "f", Codes: []string{"E11"}},
	}
	// Resolve field indices once; the fill function runs for every row.
	idx, err := source.FieldIndexes(set.Schema(), "age", "sex", "hba1c", "codes")
	if err != nil {
		log.Fatal(err)
	}
	fill := func(p *patient, w *source.RowWriter) error {
		w.Int(idx[0], int64(p.Age))
		w.String(idx[1], p.Sex)
		if p.HbA1c != nil {
			w.Double(idx[2], *p.HbA1c)
		}
		w.Strings(idx[3], p.Codes)
		return nil
	}
	rep, err := set.Evaluate(context.Background(), source.Slice(set.Schema(), patients, fill))
	if err != nil {
		log.Fatal(err)
	}
	n, _ := rep.Result("n")
	fmt.Printf("%v of %d patients\n", n.Value, rep.Read)
	// Output: 2 of 3 patients
}

func ExampleFunc() {
	set, err := indicator.Load("example.yaml", []byte(`id: example
schema:
  unit: patient
  fields:
    age: int
    conditions:
      fields:
        code: string
        onset: timestamp
indicators:
  - id: n
    type: count
    initial_population: conditions.exists(c, c.code == "E11" && c.onset < timestamp("2020-01-01T00:00:00Z"))
`))
	if err != nil {
		log.Fatal(err)
	}
	type condition struct {
		Code  string
		Onset time.Time
	}
	type patient struct {
		Age        int
		Conditions []condition
	}
	// A generator handing out patients a page at a time, as a database
	// cursor would; only one page is in memory.
	page := 0
	next := func(ctx context.Context) ([]patient, error) {
		page++
		if page > 3 {
			return nil, io.EOF
		}
		onset := time.Date(2017+page, 6, 1, 0, 0, 0, 0, time.UTC)
		return []patient{{Age: 50, Conditions: []condition{{"E11", onset}}}, {Age: 60}}, nil
	}
	age, conditions := set.Schema().FieldIndex("age"), set.Schema().FieldIndex("conditions")
	fill := func(p *patient, w *source.RowWriter) error {
		w.Int(age, int64(p.Age))
		events := w.Field(conditions)
		for _, c := range p.Conditions {
			events.Event(0).AppendString(c.Code)
			events.Event(1).AppendTime(c.Onset)
			events.EndEvent()
		}
		return nil
	}
	rep, err := set.Evaluate(context.Background(), source.Func(set.Schema(), next, fill))
	if err != nil {
		log.Fatal(err)
	}
	n, _ := rep.Result("n")
	fmt.Printf("%v of %d patients\n", n.Value, rep.Read)
	// Output: 2 of 6 patients
}
