package framework_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/openhpi/hpi/framework"
	"github.com/openhpi/hpi/indicator"
)

// A framework with its indicator set inline: two domains, one indicator
// each, evaluated over three records.
func Example() {
	const yaml = `
id: clinic
title: Clinic scorecard
facets: {donabedian: [structure, process, outcome]}
nodes:
  - {id: care, title: Care, facets: {donabedian: process}, indicators: [SEEN]}
  - {id: results, title: Results, facets: {donabedian: outcome}, indicators: [{id: CONTROLLED, benchmark: 50}]}
links: [{from: care, to: results}]
set:
  id: clinic
  schema: {unit: patient, fields: {seen: bool, controlled: bool}}
  indicators:
    - {id: SEEN, type: proportion, polarity: higher-is-better, multiplier: 100, numerator: seen,
       target: 60, thresholds: [{status: green, when: "value >= target"}, {status: red}]}
    - {id: CONTROLLED, type: proportion, polarity: higher-is-better, multiplier: 100, numerator: controlled}
`
	f, err := framework.Load("clinic.yaml", []byte(yaml))
	if err != nil {
		fmt.Println(err)
		return
	}
	b := indicator.NewBatchBuilder(f.Set().Schema())
	for _, r := range [][2]bool{{true, true}, {true, false}, {false, true}} {
		b.Field(0).AppendBool(r[0])
		b.Field(1).AppendBool(r[1])
		_ = b.EndRow()
	}
	sc, err := f.Evaluate(context.Background(), indicator.Batches(b.Build()))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range sc.Nodes {
		for _, s := range n.Indicators {
			fmt.Printf("%s %s %.1f status=%q comparison=%q\n", n.ID, s.ID, float64(s.Value), s.Status, s.Comparison)
		}
	}
	for _, fs := range sc.Facets {
		fmt.Printf("%s=%s: %s\n", fs.Facet, fs.Value, strings.Join(fs.Indicators, ", "))
	}
	// Output:
	// care SEEN 66.7 status="green" comparison=""
	// results CONTROLLED 66.7 status="" comparison="similar"
	// donabedian=process: SEEN
	// donabedian=outcome: CONTROLLED
}

// Templates are skeletons with their citation; a framework extends one
// and attaches indicators to its nodes.
func ExampleTemplate() {
	f, err := framework.Template("quadruple-aim")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range f.Nodes {
		fmt.Println(n.ID)
	}
	fmt.Println(f.Citation[:strings.Index(f.Citation, ".")])
	// Output:
	// experience-of-care
	// population-health
	// per-capita-cost
	// care-team-wellbeing
	// Bodenheimer T, Sinsky C
}
