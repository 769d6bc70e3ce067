package stratify_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/stratify"
)

const exampleModel = `
id: cha2ds2-vasc-mini
inputs: {age: int, female: bool, stroke: bool}
components:
  A: {input: age, bands: [{lt: 65, points: 0}, {gte: 65, lt: 75, points: 1}, {gte: 75, points: 2}]}
  Sc: {when: female, points: 1}
  S: {when: stroke, points: 2}
tiers:
  - {name: low}
  - {name: high, gte: 2}
reference_cases:
  - {inputs: {age: 80, female: true, stroke: true}, score: 5, tier: high}
`

func Example() {
	m, err := stratify.Load(strings.NewReader(exampleModel), "mini.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := m.Score(map[string]any{"age": 70, "female": true, "stroke": false})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Score, r.Tier, r.Components["A"])
	_, err = m.Score(map[string]any{"age": 70, "female": true})
	fmt.Println(err)
	// Output:
	// 2 high 1
	// stratify: model cha2ds2-vasc-mini: invalid input: missing input "stroke" (bool)
}

func ExampleModel_Apply() {
	m, err := stratify.Load(strings.NewReader(exampleModel), "mini.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	b := indicator.NewBatchBuilder(m.Schema())
	for i := range 10 {
		b.Field(0).AppendInt(int64(60 + 2*i))
		b.Field(1).AppendBool(i%2 == 0)
		b.Field(2).AppendBool(i == 9)
		if err := b.EndRow(); err != nil {
			fmt.Println(err)
			return
		}
	}
	pop, err := m.Apply(context.Background(), indicator.Batches(b.Build()))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("read", pop.Read, "scored", pop.Scored, "errored", pop.Errored)
	for _, t := range pop.Tiers {
		fmt.Printf("%s %d mean %.2f\n", t.Name, t.Count, float64(t.Mean.Value))
	}
	for _, s := range pop.Scores {
		fmt.Printf("score %g: %d\n", s.Score, s.Count)
	}
	// Output:
	// read 10 scored 10 errored 0
	// low 6 mean 0.83
	// high 4 mean 2.75
	// score 0: 1
	// score 1: 5
	// score 2: 2
	// score 3: 1
	// score 4: 1
}
