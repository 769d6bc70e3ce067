package logicmodel_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/logicmodel"
)

const exampleYAML = `id: clinic
elements:
  - {id: train, column: activities, text: Train nurses}
  - {id: trained, column: outputs, text: Nurses trained, verification: training log}
  - {id: control, column: outcomes-medium, text: BP controlled, horizon: 1 year, indicators: [{id: HT-BP, at_least: 77}]}
  - {id: strokes, column: impact, text: Fewer strokes}
links:
  - {from: train, to: trained, assumptions: [stay]}
  - {from: trained, to: control, assumptions: [stay]}
  - {from: control, to: strokes}
assumptions:
  - {id: stay, text: Trained nurses stay in post}
`

// Validate reports problems of logic with a position and a stable code.
func ExampleModel_Validate() {
	m, err := logicmodel.Load(strings.NewReader(exampleYAML), "clinic.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range m.Validate() {
		fmt.Println(f)
	}
	// Output:
	// clinic.yaml:6:10: warning: unmeasured: impact "strokes" has no indicator and no means of verification
	// clinic.yaml:10:5: warning: unassumed-link: link control → strokes states no assumption
}

// Attach judges elements by indicator results and finds where each chain
// breaks.
func ExampleModel_Attach() {
	m, err := logicmodel.Load(strings.NewReader(exampleYAML), "clinic.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	rep := &indicator.Report{Indicators: []indicator.Result{
		{ID: "HT-BP", Estimate: indicator.Estimate{Value: 71.5}},
	}}
	st, err := m.Attach(rep)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range st.Elements {
		fmt.Println(e.State.Symbol(), e.ID, e.State)
	}
	for _, c := range st.Chains {
		fmt.Println(c.Path, "breaks at", c.Path[c.Break])
	}
	// Output:
	// ? train no-data
	// ? trained no-data
	// ✗ control off-track
	// ? strokes no-data
	// [train trained control strokes] breaks at control
}

// Mermaid writes a flowchart that renders on GitHub.
func ExampleModel_Mermaid() {
	m, err := logicmodel.Load(strings.NewReader(`id: tiny
elements:
  - {id: act, column: activities, text: "Do \"it\""}
  - {id: out, column: impact, text: Done}
links:
  - {from: act, to: out}
`), "tiny.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := m.Mermaid(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// flowchart LR
	//   subgraph col_activities["Activities"]
	//     direction TB
	//     e_act["Do #quot;it#quot;"]
	//   end
	//   subgraph col_impact["Impact"]
	//     direction TB
	//     e_out["Done"]
	//   end
	//   e_act --> e_out
}

// Downstream lists what depends on an element.
func ExampleModel_Downstream() {
	m, err := logicmodel.Load(strings.NewReader(exampleYAML), "clinic.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	down, _ := m.Downstream("trained")
	up, _ := m.Upstream("trained")
	fmt.Println("trained leads to", down, "and depends on", up)
	// Output:
	// trained leads to [control strokes] and depends on [train]
}
