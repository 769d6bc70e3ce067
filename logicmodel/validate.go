package logicmodel

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

// Severity says whether a finding breaks the model's logic (an error) or
// leaves it weaker than it should be (a warning).
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding codes: stable strings that name each rule Validate checks.
const (
	// CodeDanglingLink (error): a link's from or to is not an element.
	CodeDanglingLink = "dangling-link"
	// CodeUnknownAssumption (error): a link or element names an
	// assumption the model does not define.
	CodeUnknownAssumption = "unknown-assumption"
	// CodeUnknownIndicator (error): an element names an indicator outside
	// the set given to WithKnownIndicators.
	CodeUnknownIndicator = "unknown-indicator"
	// CodeUnknownColumn (error): an element's column is not one of the
	// layout's (Load rejects this; a model built in Go may have it).
	CodeUnknownColumn = "unknown-column"
	// CodeCycle (error): links form a cycle; reported once per cycle, at
	// the first of its links in the file.
	CodeCycle = "cycle"
	// CodeBackwardLink (error): a link runs against the causal order of
	// the columns, e.g. from an outcome to an activity.
	CodeBackwardLink = "backward-link"
	// CodeNoImpact (error): no element is in the impact (goal) column.
	CodeNoImpact = "no-impact"
	// CodeNoStart (error): no element is an input or an activity.
	CodeNoStart = "no-start"
	// CodeUnreachable (error): an element no input or activity leads to.
	CodeUnreachable = "unreachable"
	// CodeDeadEnd (error): an element that leads nowhere near the impact.
	CodeDeadEnd = "dead-end"
	// CodeActivityWithoutOutput (warning): an activity links to no output.
	CodeActivityWithoutOutput = "activity-without-output"
	// CodeOutputWithoutOutcome (warning): an output links to no outcome.
	CodeOutputWithoutOutcome = "output-without-outcome"
	// CodeUnmeasured (warning): an outcome or the impact has neither an
	// indicator nor a means of verification.
	CodeUnmeasured = "unmeasured"
	// CodeNoHorizon (warning): an outcome has no time horizon.
	CodeNoHorizon = "no-horizon"
	// CodeUnassumedLink (warning): a link states no assumption, neither its
	// own nor its source element's.
	CodeUnassumedLink = "unassumed-link"
	// CodeKillerAssumption (warning): an assumption is flagged as a killer
	// assumption: the chain relies on something critical and unlikely.
	CodeKillerAssumption = "killer-assumption"
)

// Finding is one problem Validate found.
type Finding struct {
	Severity Severity           `json:"severity"`
	Code     string             `json:"code"`
	Message  string             `json:"message"`
	Pos      indicator.Position `json:"position"`
	Element  string             `json:"element,omitempty"` // the element concerned, if any
}

// String formats the finding on one line:
//
//	model.yaml:12:9: error: dangling-link: link to "outcome-x", which is not an element
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s: %s", f.Pos, f.Severity, f.Code, f.Message)
}

// ValidateOption sets an optional check of Validate.
type ValidateOption func(*validateConfig)

type validateConfig struct {
	known map[string]bool
}

// WithKnownIndicators makes Validate report indicator references that are
// not among ids (CodeUnknownIndicator), e.g. the ids of the indicator set
// whose report will be attached.
func WithKnownIndicators(ids ...string) ValidateOption {
	return func(c *validateConfig) {
		c.known = make(map[string]bool, len(ids))
		for _, id := range ids {
			c.known[id] = true
		}
	}
}

// Validate checks the model's logic and returns every finding, sorted by
// position (then code). An empty result means the chain is complete: every
// element is reached from an input or activity and leads to the impact, in
// the columns' causal order, without cycles, each outcome measured and
// dated, each link under a stated assumption. See the Code constants for
// the rules.
func (m *Model) Validate(opts ...ValidateOption) []Finding {
	var cfg validateConfig
	for _, o := range opts {
		o(&cfg)
	}
	g := newGraph(m)
	var out []Finding
	add := func(sev Severity, code string, pos indicator.Position, elem, format string, args ...any) {
		if pos.File == "" && pos.Line == 0 {
			pos = m.Pos
		}
		out = append(out, Finding{Severity: sev, Code: code, Message: fmt.Sprintf(format, args...), Pos: pos, Element: elem})
	}
	assumptions := map[string]bool{}
	for _, a := range m.Assumptions {
		assumptions[a.ID] = true
		if a.Killer {
			add(SeverityWarning, CodeKillerAssumption, a.Pos, "", "assumption %q is a killer assumption: redesign the chain rather than rely on it", a.ID)
		}
	}
	cols := m.columns()

	for k, l := range m.Links {
		ends := g.links[k]
		if ends[0] < 0 {
			add(SeverityError, CodeDanglingLink, l.FromPos, "", "link from %q, which is not an element", l.From)
		}
		if ends[1] < 0 {
			add(SeverityError, CodeDanglingLink, l.ToPos, "", "link to %q, which is not an element", l.To)
		}
		for _, a := range l.Assumptions {
			if !assumptions[a] {
				add(SeverityError, CodeUnknownAssumption, l.Pos, "", "link %s → %s names assumption %q, which is not defined", l.From, l.To, a)
			}
		}
		if ends[0] < 0 || ends[1] < 0 {
			continue
		}
		if rf, rt := g.rank[ends[0]], g.rank[ends[1]]; rf >= 0 && rt >= 0 && rt < rf {
			add(SeverityError, CodeBackwardLink, l.Pos, l.From, "link %s → %s runs backwards, from %s to %s", l.From, l.To, cols[rf].ID, cols[rt].ID)
		}
		if len(l.Assumptions) == 0 && len(m.Elements[ends[0]].Assumptions) == 0 {
			add(SeverityWarning, CodeUnassumedLink, l.Pos, l.From, "link %s → %s states no assumption", l.From, l.To)
		}
	}

	for _, comp := range g.cycles() {
		// Report at the first link, in file order, inside the component.
		in := map[int]bool{}
		for _, v := range comp {
			in[v] = true
		}
		for k, ends := range g.links {
			if ends[0] >= 0 && ends[1] >= 0 && in[ends[0]] && in[ends[1]] {
				path := g.cyclePath(comp, ends[0], ends[1])
				names := make([]string, len(path))
				for i, v := range path {
					names[i] = m.Elements[v].ID
				}
				add(SeverityError, CodeCycle, m.Links[k].Pos, m.Links[k].From, "cycle: %s", strings.Join(names, " → "))
				break
			}
		}
	}

	for i, e := range m.Elements {
		if g.index[e.ID] != i {
			continue // a duplicate; Load rejects it
		}
		for _, a := range e.Assumptions {
			if !assumptions[a] {
				add(SeverityError, CodeUnknownAssumption, e.Pos, e.ID, "element %q names assumption %q, which is not defined", e.ID, a)
			}
		}
		if cfg.known != nil {
			for _, r := range e.Indicators {
				if !cfg.known[r.ID] {
					add(SeverityError, CodeUnknownIndicator, r.Pos, e.ID, "element %q names indicator %q, which is not in the indicator set", e.ID, r.ID)
				}
			}
		}
		switch g.role[i] {
		case "":
			add(SeverityError, CodeUnknownColumn, e.Pos, e.ID, "element %q is in column %q, which the %s layout does not have", e.ID, e.Column, m.layout())
		case RoleActivity:
			if !g.linksTo(i, RoleOutput) {
				add(SeverityWarning, CodeActivityWithoutOutput, e.Pos, e.ID, "activity %q leads to no output", e.ID)
			}
		case RoleOutput:
			if !g.linksTo(i, RoleOutcome) {
				add(SeverityWarning, CodeOutputWithoutOutcome, e.Pos, e.ID, "output %q leads to no outcome", e.ID)
			}
		case RoleOutcome, RoleImpact:
			if len(e.Indicators) == 0 && len(e.Verification) == 0 {
				add(SeverityWarning, CodeUnmeasured, e.Pos, e.ID, "%s %q has no indicator and no means of verification", g.role[i], e.ID)
			}
			if g.role[i] == RoleOutcome && strings.TrimSpace(e.Horizon) == "" {
				add(SeverityWarning, CodeNoHorizon, e.Pos, e.ID, "outcome %q has no time horizon", e.ID)
			}
		}
	}

	starts, ends := g.withRole(RoleInput, RoleActivity), g.withRole(RoleImpact)
	if len(starts) == 0 {
		add(SeverityError, CodeNoStart, m.Pos, "", "no element is an input or an activity")
	}
	if len(ends) == 0 {
		add(SeverityError, CodeNoImpact, m.Pos, "", "no element is in the %s column", cols[len(cols)-1].ID)
	}
	if len(starts) > 0 {
		reached := g.reach(starts, g.succ)
		for i, e := range m.Elements {
			if !reached[i] && g.index[e.ID] == i && g.rank[i] >= 0 {
				add(SeverityError, CodeUnreachable, e.Pos, e.ID, "no input or activity leads to %q", e.ID)
			}
		}
	}
	if len(ends) > 0 {
		leads := g.reach(ends, g.pred)
		for i, e := range m.Elements {
			if !leads[i] && g.index[e.ID] == i && g.rank[i] >= 0 {
				add(SeverityError, CodeDeadEnd, e.Pos, e.ID, "%q leads nowhere: no path from it reaches the %s", e.ID, cols[len(cols)-1].ID)
			}
		}
	}

	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column), cmp.Compare(a.Code, b.Code))
	})
	return out
}

// linksTo reports whether element i links directly to an element of role.
func (g *graph) linksTo(i int, role Role) bool {
	for _, w := range g.succ[i] {
		if g.role[w] == role {
			return true
		}
	}
	return false
}
