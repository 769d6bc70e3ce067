package logicmodel

import (
	"errors"

	"github.com/openhpi/hpi/indicator"
)

// Sentinel errors; test for them with errors.Is.
var (
	// ErrCycle marks a model whose links form a cycle, so that its paths
	// are not defined.
	ErrCycle = errors.New("logic model has a cycle")
	// ErrUnknownElement marks an element id the model does not have.
	ErrUnknownElement = errors.New("unknown element")
)

// Layout is the shape of a logic model: which columns it has and in which
// causal order.
type Layout string

// The layouts.
const (
	// Kellogg is the W. K. Kellogg Foundation / CDC layout: inputs,
	// activities, outputs, short-, medium- and long-term outcomes, impact.
	Kellogg Layout = "kellogg"
	// Logframe is the logical framework: activities, outputs, purpose and
	// goal (read bottom-up in a logframe matrix), each row with its
	// indicators, means of verification and assumptions.
	Logframe Layout = "logframe"
)

// Role is what a column means in the chain, whatever the layout calls it:
// a logframe's goal plays the impact, its purpose an outcome.
type Role string

// The roles, in causal order.
const (
	RoleInput    Role = "input"
	RoleActivity Role = "activity"
	RoleOutput   Role = "output"
	RoleOutcome  Role = "outcome"
	RoleImpact   Role = "impact"
)

// Column is one column of a Kellogg model or one row of a logframe.
type Column struct {
	ID    string `json:"id"`    // as written in YAML, e.g. "outcomes-short"
	Title string `json:"title"` // as displayed, e.g. "Short-term outcomes"
	Role  Role   `json:"role"`
}

// Columns returns the layout's columns in causal order (the order links
// run in), with their default titles; nil for an unknown layout.
func (l Layout) Columns() []Column {
	switch l {
	case Kellogg, "":
		return []Column{
			{"inputs", "Inputs", RoleInput},
			{"activities", "Activities", RoleActivity},
			{"outputs", "Outputs", RoleOutput},
			{"outcomes-short", "Short-term outcomes", RoleOutcome},
			{"outcomes-medium", "Medium-term outcomes", RoleOutcome},
			{"outcomes-long", "Long-term outcomes", RoleOutcome},
			{"impact", "Impact", RoleImpact},
		}
	case Logframe:
		return []Column{
			{"activities", "Activities", RoleActivity},
			{"outputs", "Outputs", RoleOutput},
			{"purpose", "Purpose", RoleOutcome},
			{"goal", "Goal", RoleImpact},
		}
	}
	return nil
}

// Model is a logic model: elements in columns and the links between them.
// Its fields are plain values; every method reads them afresh, so a Model
// built or changed in Go works like one loaded from YAML. Methods do not
// modify the model, so a Model may be shared between goroutines as long as
// nobody writes to it.
type Model struct {
	ID          string `json:"id"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Layout      Layout `json:"layout"`
	// Columns are the layout's columns in causal order, with any titles the
	// YAML gave them. Nil means Layout.Columns().
	Columns         []Column           `json:"columns"`
	Elements        []Element          `json:"elements"`
	Links           []Link             `json:"links,omitempty"`
	Assumptions     []Assumption       `json:"assumptions,omitempty"`
	ExternalFactors []ExternalFactor   `json:"external_factors,omitempty"`
	Pos             indicator.Position `json:"-"`
}

// Element is one box of the model: an input, an activity, an output, an
// outcome or the impact.
type Element struct {
	ID     string `json:"id"`
	Column string `json:"column"`
	Text   string `json:"text"`
	// Horizon is when the change is expected, as written ("12 months",
	// "by 2030"); outcomes need one.
	Horizon    string         `json:"horizon,omitempty"`
	Indicators []IndicatorRef `json:"indicators,omitempty"`
	// Verification lists the means of verification: where the evidence
	// that the element happened comes from (a register, an audit, a survey).
	Verification []string `json:"verification,omitempty"`
	// Assumptions are ids of assumptions that hold for every link leaving
	// the element (a logframe row's assumptions).
	Assumptions []string           `json:"assumptions,omitempty"`
	Pos         indicator.Position `json:"-"` // of the id's value
}

// IndicatorRef names an indicator that measures an element, optionally
// with the level the model expects of it. AtLeast and AtMost, when set,
// decide the element's status instead of the indicator's own thresholds.
type IndicatorRef struct {
	ID      string             `json:"id"`
	AtLeast *float64           `json:"at_least,omitempty"`
	AtMost  *float64           `json:"at_most,omitempty"`
	Pos     indicator.Position `json:"-"`
}

// Link says that one element leads to another, under the assumptions it
// lists.
type Link struct {
	From        string             `json:"from"`
	To          string             `json:"to"`
	Assumptions []string           `json:"assumptions,omitempty"`
	Pos         indicator.Position `json:"-"` // of the link's mapping
	FromPos     indicator.Position `json:"-"`
	ToPos       indicator.Position `json:"-"`
}

// Assumption is a condition outside the programme's control under which
// a link holds. A killer assumption is one so critical and so unlikely
// that the chain should be redesigned rather than rely on it.
type Assumption struct {
	ID       string             `json:"id"`
	Text     string             `json:"text"`
	Evidence string             `json:"evidence,omitempty"`
	Killer   bool               `json:"killer,omitempty"`
	Pos      indicator.Position `json:"-"`
}

// ExternalFactor is something outside the programme that influences its
// results (policy, economy, other services).
type ExternalFactor struct {
	ID   string             `json:"id"`
	Text string             `json:"text"`
	Pos  indicator.Position `json:"-"`
}

// columns returns the model's columns, defaulting to its layout's.
func (m *Model) columns() []Column {
	if len(m.Columns) > 0 {
		return m.Columns
	}
	return m.Layout.Columns()
}

// layout returns the model's layout, Kellogg when unset.
func (m *Model) layout() Layout {
	if m.Layout == "" {
		return Kellogg
	}
	return m.Layout
}

// Element returns the element with the given id.
func (m *Model) Element(id string) (*Element, bool) {
	for i := range m.Elements {
		if m.Elements[i].ID == id {
			return &m.Elements[i], true
		}
	}
	return nil, false
}
