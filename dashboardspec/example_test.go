package dashboardspec_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/openhpi/hpi/dashboardspec"
)

const exampleDoc = `
apiVersion: dashboardspec/v1
id: example
title: Example
datasets:
  - id: strata
    fields:
      - {name: sex, type: string, role: stratum}
      - {name: value, type: number, role: measure}
    rows: [[female, 71.2], [male, 68.4]]
panels:
  - id: by-sex
    kind: bar
    title: Value by sex
    dataset: strata
    encoding: {label: {field: sex}, y: {field: valu}}
    provenance: {source: example}
layout:
  columns: 24
  sections:
    - {id: main, title: Main, items: [{panel: by-sex, x: 0, y: 0, w: 25, h: 8}]}
`

// Parse reads YAML or JSON; Validate reports every problem with its JSON
// Pointer.
func ExampleDashboard_Validate() {
	d, err := dashboardspec.Parse([]byte(exampleDoc))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Validate())
	// Output:
	// /panels/0/encoding/y/field: unknown field "valu" in dataset "strata"
	// /layout/sections/0/items/0: outside the grid: x = 0, w = 25 exceed 24 columns
}

// VegaLite writes one spec per chart panel, data inline.
func ExampleVegaLite() {
	fixed := strings.NewReplacer("valu}", "value}", "w: 25", "w: 12").Replace(exampleDoc)
	d, err := dashboardspec.Parse([]byte(fixed))
	if err != nil {
		fmt.Println(err)
		return
	}
	specs, err := dashboardspec.VegaLite(d)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range specs {
		fmt.Println(s.Panel, bytes.Contains(s.Spec, []byte(`"$schema": "https://vega.github.io/schema/vega-lite/v6.json"`)))
	}
	// Output:
	// by-sex true
}

// A Builder composes sections: here a logic model and a note, as a
// framework scorecard would add one section per domain.
func ExampleBuilder() {
	b := dashboardspec.NewBuilder("programme", "Statin programme")
	b.AddSection("Logic model")
	b.AddLogicModel(dashboardspec.LogicModelInput{
		ID: "statins", Title: "How the programme should work",
		Model: dashboardspec.LogicModel{
			Columns: []string{"activities", "outcomes"},
			Elements: []dashboardspec.LogicElement{
				{ID: "review", Label: "Medication reviews", Column: "activities", Status: "green"},
				{ID: "rx", Label: "Statins prescribed", Column: "outcomes", Status: "amber", Indicators: []string{"STATIN"}},
			},
			Links: []dashboardspec.LogicLink{{From: "review", To: "rx"}},
		},
		Provenance: dashboardspec.Provenance{Source: "programme returns"},
	})
	b.AddMarkdown("Notes", "Statuses are **RAG** ratings.")
	d, err := b.Dashboard()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range d.Layout.Sections {
		for _, it := range s.Items {
			fmt.Printf("%s: %s at x=%d y=%d w=%d h=%d\n", s.Title, it.Panel, it.X, it.Y, it.W, it.H)
		}
	}
	// Output:
	// Logic model: logicmodel-statins at x=0 y=0 w=24 h=4
	// Logic model: text-notes at x=0 y=4 w=24 h=3
}

// Encode writes stable JSON: the same dashboard always gives the same bytes.
func ExampleEncode() {
	d := &dashboardspec.Dashboard{
		APIVersion: dashboardspec.APIVersion, ID: "tiny", Title: "Tiny",
		Datasets: []dashboardspec.Dataset{{ID: "d", Fields: []dashboardspec.Field{{Name: "x", Type: dashboardspec.TypeNumber}},
			Rows: [][]dashboardspec.Value{{dashboardspec.Num(0.1)}, {dashboardspec.Num(math.Inf(1))}}}},
		Panels: []dashboardspec.Panel{},
		Layout: dashboardspec.Layout{Columns: 24, Sections: []dashboardspec.Section{}},
	}
	if err := dashboardspec.Encode(os.Stdout, d); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {
	//   "apiVersion": "dashboardspec/v1",
	//   "id": "tiny",
	//   "title": "Tiny",
	//   "datasets": [
	//     {
	//       "id": "d",
	//       "fields": [
	//         {
	//           "name": "x",
	//           "type": "number"
	//         }
	//       ],
	//       "rows": [
	//         [
	//           0.1
	//         ],
	//         [
	//           null
	//         ]
	//       ]
	//     }
	//   ],
	//   "panels": [],
	//   "layout": {
	//     "columns": 24,
	//     "sections": []
	//   }
	// }
}
