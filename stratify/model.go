package stratify

import (
	"errors"

	"github.com/openhpi/hpi/indicator"
)

// Sentinel errors classify problems; test for them with errors.Is. Load
// errors are indicator.Diagnostics whose entries carry these classes or
// indicator.ErrInvalidDefinition and indicator.ErrTypeMismatch.
var (
	// ErrReferenceCase marks a reference case whose expected score, tier,
	// segment or component points the model does not reproduce.
	ErrReferenceCase = errors.New("reference case failed")
	// ErrInput marks inputs given to Score that do not fit the model: a
	// missing, unknown or wrongly typed input, or a value outside the
	// input's declared values.
	ErrInput = errors.New("invalid input")
	// ErrEquity marks a result that Equity cannot use: no such stratifier,
	// fewer than two groups, withheld counts.
	ErrEquity = errors.New("equity")
)

// Input is one typed input of a model.
type Input struct {
	Name        string
	Type        indicator.Kind // int, double, bool or string
	Optional    bool           // may be absent; only a banded component may read it, with absent points
	Values      []string       // for a string input: the allowed values (checked by Score); empty means any
	Description string
	Pos         indicator.Position
}

// Bound is one end of a band: Value, included or not.
type Bound struct {
	Value     float64
	Inclusive bool
}

// Band gives Points to the values of an input between Lower and Upper
// (nil: unbounded).
type Band struct {
	Lower, Upper *Bound
	Points       float64
	Pos          indicator.Position
}

// Component is one term of a score. Exactly one form is used: When with
// Points (Points when the condition holds, else 0), Input with Bands (a
// banded points table), or Expression (any numeric CEL expression over the
// inputs).
type Component struct {
	Name        string
	Title       string
	When        indicator.Expr
	Points      float64
	Input       string
	Bands       []Band
	Absent      *float64 // points when an optional Input is absent
	Expression  indicator.Expr
	Cap         *float64 // the component's points never exceed Cap
	Pos         indicator.Position
	exprIsInt   bool // Expression has type int (lowered through double())
	inputIsInt  bool // Input has type int
	inputOption bool // Input is optional
}

// Hierarchy says that when Severe has points, Mild scores 0 (e.g. diabetes
// with complications zeroes diabetes without).
type Hierarchy struct {
	Severe, Mild string
	Pos          indicator.Position
}

// Logistic turns the components into a probability:
// 1 / (1 + exp(-(Intercept + Σ Coefficients[c] × c))).
type Logistic struct {
	Intercept    float64
	Coefficients map[string]float64
	Pos          indicator.Position
}

// Tier is a named range of the score. Tiers are ordered from the lowest;
// each but the first has a lower cut-off From (inclusive or not), and a
// score belongs to the last tier whose cut-off it reaches.
type Tier struct {
	Name string
	From *Bound
	Pos  indicator.Position
}

// Segment is one rule of a segmentation: the first segment whose When holds
// is the record's segment; the last has no When and catches every record.
type Segment struct {
	Name string
	When indicator.Expr
	Pos  indicator.Position
}

// ReferenceCase is a worked example checked when the model loads: the
// inputs and the expected results, with the published source.
type ReferenceCase struct {
	Name       string
	Source     string
	Inputs     map[string]any
	Score      *float64
	Tolerance  float64 // accepted absolute difference in Score; 0 means 1e-9
	Tier       string
	Segment    string
	Components map[string]float64
	Pos        indicator.Position
}
