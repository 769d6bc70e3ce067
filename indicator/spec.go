package indicator

import (
	"slices"

	"github.com/openhpi/hpi/indicator/disclosure"
)

// This file holds the definitions as written: plain values that Parse fills
// from YAML and Compile turns into a runnable Set. They can also be built in
// Go.

// SetSpec is an indicator set as written: a schema, parameters, value sets,
// shared definitions and indicators.
type SetSpec struct {
	ID          string
	Version     string
	Title       string
	Description string
	Schema      Schema
	Parameters  []ParameterSpec
	ValueSets   []ValueSetSpec
	Definitions []DefinitionSpec
	Indicators  []IndicatorSpec
	Pos         Position

	source map[string][]string // file name → lines, for caret display
}

// clone copies the spec deeply enough that a compiled Set does not share
// anything the caller may later modify.
func (s *SetSpec) clone() *SetSpec {
	c := *s
	c.Schema.Fields = cloneFields(s.Schema.Fields)
	c.Parameters = slices.Clone(s.Parameters)
	c.ValueSets = slices.Clone(s.ValueSets)
	for i := range c.ValueSets {
		c.ValueSets[i].Codes = slices.Clone(c.ValueSets[i].Codes)
		c.ValueSets[i].Concepts = slices.Clone(c.ValueSets[i].Concepts)
	}
	c.Definitions = slices.Clone(s.Definitions)
	c.Indicators = slices.Clone(s.Indicators)
	for i := range c.Indicators {
		ind := &c.Indicators[i]
		ind.Thresholds = slices.Clone(ind.Thresholds)
		ind.Stratifiers = slices.Clone(ind.Stratifiers)
		ind.StandardPopulation = slices.Clone(ind.StandardPopulation)
		ind.ReferenceCounts = slices.Clone(ind.ReferenceCounts)
		ind.ReferencePopulations = slices.Clone(ind.ReferencePopulations)
		if ind.Target != nil {
			t := *ind.Target
			ind.Target = &t
		}
		if ind.Disclosure != nil {
			d := *ind.Disclosure
			ind.Disclosure = &d
		}
	}
	return &c
}

func cloneFields(fs []Field) []Field {
	out := slices.Clone(fs)
	for i := range out {
		out[i].Fields = cloneFields(out[i].Fields)
	}
	return out
}

// Expr is a CEL expression and where it was written.
type Expr struct {
	Text string
	Pos  Position // the first character of the expression
	// Indent is the column (1-based) at which continuation lines of a
	// block scalar start; 0 when unknown.
	Indent int
}

// IsZero reports whether the expression is absent.
func (e Expr) IsZero() bool { return e.Text == "" }

// ParameterSpec is a typed input set at evaluation time, such as the end of
// the reporting period.
type ParameterSpec struct {
	Name        string
	Type        Field // a scalar type
	Default     string
	HasDefault  bool
	Description string
	Pos         Position
}

// ValueSetSpec is a named code list, visible in CEL as valuesets.<name>.
//
// Codes match a code of any code system; Concepts match a code of their
// own system only. In CEL, `code in valuesets.x` tests the code alone
// (whatever its system) against both, and in_valueset(system, code,
// valuesets.x) tests system and code (see LoadValueSets for the forms).
type ValueSetSpec struct {
	Name        string
	Codes       []string  // codes of any system
	Concepts    []Concept // codes of one system
	Description string
	// File is the file the codes were loaded from ("" when written
	// inline), for messages.
	File string
	Pos  Position
}

// Concept is one code of a code system, e.g. {http://snomed.info/sct,
// 44054006, "Diabetes mellitus type 2"}. Display is for people only: it
// plays no part in membership.
type Concept struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code"`
	Display string `json:"display,omitempty"`
}

// Equal reports whether two value sets have the same name and members
// (codes and concepts in the same order; descriptions, displays and
// positions aside).
func (v ValueSetSpec) Equal(o ValueSetSpec) bool {
	if v.Name != o.Name || !slices.Equal(v.Codes, o.Codes) || len(v.Concepts) != len(o.Concepts) {
		return false
	}
	for i, c := range v.Concepts {
		if c.System != o.Concepts[i].System || c.Code != o.Concepts[i].Code {
			return false
		}
	}
	return true
}

// DefinitionSpec is a named CEL expression shared by indicators; it is
// evaluated at most once per record.
type DefinitionSpec struct {
	Name string
	Expr Expr
	// Type, when set to a scalar kind, is the type the expression must
	// have: a program that builds definitions from other parts (a risk
	// model bound to a set's fields) gets a positioned type error instead
	// of a wrong-typed value. KindInvalid (the zero value) accepts any type.
	Type Kind
}

// Type is an indicator type.
type Type string

// The indicator types.
const (
	Proportion Type = "proportion"
	Ratio      Type = "ratio"
	Rate       Type = "rate"
	Mean       Type = "mean"
	Count      Type = "count"
	DSR        Type = "dsr" // directly standardised rate
	ISR        Type = "isr" // indirectly standardised ratio
)

// Polarity says which direction of an indicator is good.
type Polarity string

// The polarities.
const (
	HigherIsBetter Polarity = "higher-is-better"
	LowerIsBetter  Polarity = "lower-is-better"
	NoJudgement    Polarity = "no-judgement"
)

// Criteria are the population criteria of an indicator, each a CEL
// expression; which ones apply depends on the indicator type. A boolean
// criterion left empty is true for the initial population and denominator
// and false for exclusions and exceptions.
type Criteria struct {
	InitialPopulation    Expr
	Denominator          Expr
	DenominatorExclusion Expr
	DenominatorException Expr
	Numerator            Expr
	NumeratorExclusion   Expr
	NumeratorValue       Expr // ratio and rate: a number summed over the numerator population
	DenominatorValue     Expr // ratio and rate: a number summed over the denominator population
	Observation          Expr // mean: the measured value
	AgeBand              Expr // dsr and isr: the 0-based band index (int) of the record
}

// StratifierSpec splits results into strata by the values of one or more
// expressions; with several components the strata are their combinations.
type StratifierSpec struct {
	ID         string
	Components []Expr
	Pos        Position
}

// ThresholdSpec assigns a status (e.g. "green") when its condition holds.
// Conditions are CEL over value, lower, upper and target (doubles on the
// display scale, i.e. after the multiplier) and are tried in order; an
// empty condition always holds.
type ThresholdSpec struct {
	Status string
	When   Expr
}

// IndicatorSpec is one indicator as written.
type IndicatorSpec struct {
	ID          string
	Version     string
	Title       string
	Description string
	Rationale   string
	Type        Type
	Polarity    Polarity
	Multiplier  float64 // applied to the value and interval; 0 means 1
	Unit        string
	Level       float64 // confidence level as a fraction; 0 means 0.95
	Target      *float64
	Thresholds  []ThresholdSpec
	Stratifiers []StratifierSpec
	Tags        []string
	Criteria    Criteria
	// Disclosure is the small-number policy applied to the published
	// counts and the values derived from them; nil publishes everything.
	Disclosure *disclosure.Policy
	// Standardisation (dsr, isr): StandardPopulation weights each band of a
	// DSR ("esp2013" in YAML gives stats.ESP2013); an ISR's expected count
	// uses ReferenceCounts / ReferencePopulations per band (YAML:
	// reference: {counts, populations}, or reference_rates: [...] with
	// populations of 1).
	StandardPopulation   []float64
	ReferenceCounts      []float64
	ReferencePopulations []float64
	Pos                  Position
}
