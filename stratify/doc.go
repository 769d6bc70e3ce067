// Package stratify scores people with risk models and assigns them to
// segments, written as YAML and CEL and run by the indicator engine, and
// measures inequality across deprivation groups.
//
// A model is loaded once (Load, LoadFile): its YAML is parsed with every
// problem positioned (file:line:column), its CEL type-checked against its
// inputs, and it is lowered to indicator definitions — each component, the
// score, the tier and the segment become a named CEL expression — so that
// batch scoring runs in package indicator's engine, on its native closures
// where the expressions allow. Its reference cases are then scored: a
// model that does not reproduce them does not load.
//
// # YAML
//
//	id: lace                        # versioned ids: lace, lace-modified-uk, ...
//	version: "2010"
//	title: LACE index
//	sources: ["van Walraven C, et al. CMAJ 2010;182(6):551-557"]
//	inputs:                         # typed: int, double, bool, string
//	  length_of_stay_days: int
//	  emergency_admission: {type: bool, description: "..."}
//	  sex: {type: string, values: [female, male]}   # values are checked by Score
//	  age: {type: int, optional: true}              # may be absent
//	components:
//	  L:                            # a banded points table over an int or double input
//	    input: length_of_stay_days
//	    bands:                      # bounds: gt or gte below, lt or lte above
//	      - {lt: 1, points: 0}
//	      - {gte: 1, lte: 1, points: 1}
//	      - {gte: 14, points: 7}    # (bands in between left out here)
//	    cap: 7                      # optional: points never exceed it
//	  A: {when: emergency_admission, points: 3}   # points when the condition holds, else 0
//	  X: {expression: "size(code) > 3 ? 1 : 0"}   # any int or double CEL over the inputs
//	  age_points: {input: age, absent: 0, bands: [...]}  # an optional input needs absent points
//	hierarchies:                    # when severe has points, mild scores 0
//	  - {severe: diabetes_complicated, mild: diabetes_uncomplicated}
//	score: {expression: "L + A", cap: 19}         # optional: the default is the sum of the components
//	logistic:                       # instead of score: a probability
//	  intercept: -2.5
//	  coefficients: {L: 0.1, A: 0.8}
//	tiers:                          # ordered from the lowest; cut-offs gte or gt
//	  - {name: low}
//	  - {name: moderate, gte: 5}
//	  - {name: high, gte: 10}
//	segments:                       # first match wins; the last is the catch-all, without when
//	  - {name: frailty, when: "dementia || age >= 85"}
//	  - {name: healthy}
//	reference_cases:
//	  - name: maximum
//	    source: "van Walraven 2010"
//	    inputs: {length_of_stay_days: 14, emergency_admission: true}
//	    score: 19                   # and/or tier, segment, components: {L: 7}; tolerance: 0.001
//
// Bands must be written in ascending order and cover every value: the
// first has no lower bound, the last no upper bound, and each starts where
// the previous ends (for an int input, lte 3 then gte 4 is contiguous).
// Component when and expression see the inputs; a score expression sees
// the components; segment rules see the inputs, score and tier. An
// optional input can only be read by a banded component, whose absent
// points apply when it is missing. When every points value, absent value
// and cap is a whole number, every expression component is an int and the
// score is the plain sum (no score expression, no logistic), points and
// the score are CEL ints (so score is an int in segment rules, and exact);
// otherwise they are doubles. Unknown keys, duplicate keys and wrongly
// typed values are errors.
//
// A logistic model's probability is 1/(1+exp(-(intercept + Σ coef ×
// component))). CEL has no exp, so the engine holds the linear predictor
// (definition p_logit) and cuts tiers on logit(cut-off), which is the same
// comparison in exact arithmetic; Score and ScoreEach return the
// probability.
//
// # Use
//
// Score scores one record given as a map; ScoreEach scores every record of
// a source with the model's input schema (Schema); Apply evaluates a
// population in one parallel pass (the pyramid: count per tier, count per
// segment, mean score per tier, distribution of scores), accounting for
// every record (Read = Scored + Errored). Attach adds the model's
// definitions to an indicator set, with each input bound to a CEL
// expression over the set's schema, so that indicators use p_tier or
// p_segment as stratifiers or in criteria. Equity measures inequality in
// an indicator stratified by deprivation: SII, RII, the concentration index,
// and the rate ratio and difference between the extreme groups.
//
// Shipped models, with their sources and reference cases, are in
// examples/riskmodels: LACE, Charlson (1987 and Quan 2011), CHA2DS2-VASc,
// CHA2DS2-VA and Bridges to Health.
package stratify
