// Package framework organises indicators into performance frameworks — a
// tree of domains, aims, dimensions or building blocks with cross-cutting
// facets, causal links and crosswalks — evaluates all of a framework's
// indicators in one pass over the data and rolls the results up to a
// scorecard.
//
// # YAML
//
//	id: primary-care                # required; letters, digits, - _ .
//	version: "1.0"
//	title: Primary care scorecard
//	citation: Kelley E, Hurst J. … 2006.
//	extends: oecd-hcqi              # optional: start from an embedded template
//	facets:                         # classifications with fixed values
//	  care_need: {title: Care need, values: [staying-healthy, getting-better]}
//	  donabedian: [structure, process, outcome]      # short form
//	nodes:
//	  - id: effectiveness
//	    kind: dimension             # free: domain, aim, perspective, block…
//	    title: Effectiveness
//	    parent: quality             # absent for a root
//	    order: 1                    # siblings sort by order, then as written
//	    facets: {donabedian: process}
//	    indicators:                 # references to indicators of the sets
//	      - DM-HBA1C                # role headline, weight 1
//	      - {id: HT-BP, role: supporting, weight: 2, benchmark: 60,
//	         facets: {care_need: living-with-illness-or-disability}}
//	attach:                         # references by node id (for template nodes)
//	  safety: [ANTICOAG-ANTIPLATELET]
//	links:                          # causal links between nodes (acyclic)
//	  - {from: structure, to: process, description: …}
//	crosswalks:                     # to nodes of other frameworks
//	  - {node: effectiveness, framework: iom-steeep, target: effective,
//	     relation: equivalent, source: Kelley & Hurst 2006}
//	indicator_sets: [sets/clinical.yaml]   # relative to this file
//	set: {…}                        # or an indicator set written inline
//	composites:
//	  - id: practice-score
//	    across: practice            # the stratifier whose strata are scored
//	    normalisation: z-score      # z-score, min-max or rank
//	    node: effectiveness         # default components: its subtree's headlines
//	    indicators: [{id: DM-HBA1C, weight: 2}, HT-BP]   # or explicit ones
//
// Unknown and duplicate keys are errors. Relations are equivalent, broader
// (the other framework's node is broader), narrower and related; every
// crosswalk names the source that defines it. A benchmark is on the
// indicator's display scale (after its multiplier).
//
// # Validation
//
// Load reports every problem at once as indicator.Diagnostics, each with
// file:line:column, the framework as owner and the key as field: unique
// ids (facets, facet values, nodes, composites, indicators across sets),
// parents, attachments, links, crosswalk nodes and indicator references
// that resolve (a crosswalk's target is checked when the other framework
// is an embedded template), no cycle among parents (ErrCycle) or causal
// links (ErrCycle), facet values that belong to their facet, and every
// leaf with at least one indicator. A framework without any indicator set
// and any reference — a template — is a skeleton: its leaves may be empty,
// it loads and validates, and evaluating it is ErrNoIndicators.
//
// # One pass
//
// The indicator sets of a framework (files and the inline set) are merged
// into one indicator.SetSpec and compiled once: the schemas must agree
// field by field (one unit, the same type for a field of the same name);
// parameters, value sets and definitions of the same name must be
// identical, else the error names both places; indicator ids must be
// unique. Only the indicators the nodes reference are kept. Evaluate is
// one indicator.Set.Evaluate and EvaluateSeries one
// indicator.Set.EvaluateSeries, so each record is read once and each
// shared definition is evaluated at most once per record (and period).
//
// # Scorecard
//
// A Scorecard lists the nodes in tree order. Each indicator at a node has
// its value and interval, its target, its status from its thresholds
// ("no-data" without a value), and with a benchmark the Fingertips
// comparison (stats.CompareToBenchmark: benchmark inside the interval →
// similar, else better or worse by polarity). Each node counts the
// statuses of the distinct indicators of its subtree (green, amber, red,
// other, unassessed, no data); each facet value does the same for the
// indicators it classifies (a reference's own facet value, else the
// nearest node's above it). With a series, each indicator has a trend: its
// values per period; Change = last − first value; Direction up, down or
// flat by its sign; Assessment improving or worsening by polarity; and
// Variation, the Making Data Count point type of the last value on an XmR
// chart of the values (spc.MakingDataCount, improvement direction from the
// polarity). Scorecards marshal to stable JSON: sorted keys, nodes in tree
// order, the shortest round-trip floats, NaN as null.
//
// # Composite scores
//
// A composite scores each unit u (a stratum of the stratifier named by
// across, e.g. a practice) from its components i with weights wᵢ. Let xᵢᵤ
// be indicator i's value in unit u and n the number of units with a value.
// Every normalisation orients the result so that higher is better:
//
//	z-score:  sᵢᵤ = ±(xᵢᵤ − x̄ᵢ) / sdᵢ     (sd with n − 1; 0 when n < 2 or sd = 0)
//	min-max:  sᵢᵤ = (xᵢᵤ − minᵢ) / (maxᵢ − minᵢ), or (maxᵢ − xᵢᵤ) / (maxᵢ − minᵢ)
//	          for lower-is-better; 0.5 when maxᵢ = minᵢ
//	rank:     sᵢᵤ = (rᵢᵤ − 1) / (n − 1), rᵢᵤ the rank of ±xᵢᵤ from 1 (lowest)
//	          to n, ties sharing their average rank; 0.5 when n = 1
//
// with the minus sign for lower-is-better indicators. The score is the
// weighted mean Cᵤ = Σ wᵢ sᵢᵤ / Σ wᵢ; it is null when a component has no
// value for the unit (no imputation, no reweighting). Indicators without a
// polarity (no-judgement) cannot enter a composite. The default components
// are the headline references of the composite's node subtree (or of the
// whole framework) that have a polarity and the stratifier, weighted by
// their references' weights.
//
// # Templates
//
// Template returns an embedded template and Templates lists them: the OECD
// Health Care Quality Indicators framework (oecd-hcqi), the IOM six aims
// (iom-steeep), the IHI Triple Aim (ihi-triple-aim), the Quadruple Aim
// (quadruple-aim), Donabedian's structure, process and outcome
// (donabedian), a health care Balanced Scorecard (balanced-scorecard) and
// the WHO health system building blocks (who-building-blocks). Each carries
// its citation, and crosswalks where its source defines them. A framework
// attaches indicators to a template's nodes with extends and attach, and
// may add nodes of its own under them.
//
// # Dashboards
//
// Scorecard.Dashboard builds a dashboardspec dashboard: the scorecard as a
// table, then a section per top-level node with a tile per headline
// indicator, its charts, the funnel of areas and the SPC chart of its
// trend, and, when AttachLogicModel attached one, the logic model with the
// status of each element.
package framework
