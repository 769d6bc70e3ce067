// Package logicmodel checks, traces and draws programme logic models —
// the chain from inputs and activities through outputs and outcomes to the
// impact — and shows where the chain breaks once indicator results are
// attached.
//
// # YAML
//
// A model has an id, a layout, elements, links, assumptions and external
// factors:
//
//	id: ndpp
//	title: Diabetes prevention programme
//	layout: kellogg            # kellogg (the default) or logframe
//	columns:                   # optional: display titles of the layout's columns
//	  outcomes-long: Long-term outcomes (3–5 years)
//	elements:
//	  - id: sessions
//	    column: activities
//	    text: Group education sessions
//	    assumptions: [A2]      # hold for every link leaving this element
//	  - id: hba1c
//	    column: outcomes-medium
//	    text: Fewer people with HbA1c in the diabetes range
//	    horizon: 12 months     # when the change is expected; outcomes need one
//	    indicators:            # ids of indicator results, optionally with the level expected
//	      - DM-HBA1C
//	      - {id: HT-BP, at_least: 75}
//	    verification: [GP records, national audit]   # means of verification
//	links:
//	  - {from: sessions, to: hba1c, assumptions: [A1]}
//	assumptions:
//	  - {id: A1, text: People attend, evidence: "Pilot: 60% attended", killer: false}
//	external_factors:
//	  - {id: X1, text: Food prices}
//
// The Kellogg (CDC) layout has the columns inputs, activities, outputs,
// outcomes-short, outcomes-medium, outcomes-long and impact, in that causal
// order. The logframe layout has the rows activities, outputs, purpose and
// goal (bottom-up in the matrix): the goal plays the impact and the
// purpose an outcome, and a row's assumptions and means of verification
// are the element's. Every element has an id, a column and a text; links
// join element ids; verification and an element's or a link's assumptions
// may be a single string or a list. Unknown keys, missing or duplicate
// ids and columns the layout does not have are load errors
// (indicator.Diagnostics with file:line:column).
//
// # Validation
//
// Model.Validate reports problems of logic as Findings with a severity, a
// stable code, a message and a position: dangling links, cycles, backward
// links, activities with no output, outputs with no outcome, outcomes or
// impact with neither an indicator nor a means of verification, outcomes
// without a time horizon, elements no input or activity reaches or that
// lead nowhere near the impact, links without a stated assumption and
// killer assumptions. The Code constants list them all.
//
// # Tracing
//
// Model.PathsToImpact returns every path from an activity to the impact
// and Model.Paths every path between two elements, both capped at MaxPaths
// and refused for a model with a cycle; Model.Upstream and Model.Downstream
// return what an element depends on and what depends on it.
//
// # Results
//
// Model.Attach reads an indicator.Report: each element is on track, off
// track or without data, by rules documented there, and each chain from
// an activity to the impact breaks at its first off-track element.
//
// # Export
//
// Model.Mermaid writes a Mermaid flowchart (renders on GitHub) and
// Model.DOT a Graphviz digraph, both left to right with one group per
// column, and both deterministic. With WithStatus, states are shown by
// colour and by a symbol in the label (✓ on track, ✗ off track, ? no data).
package logicmodel
