package logicmodel

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/openhpi/hpi/indicator"
)

// State is an element's standing once results are attached.
type State string

// The states.
const (
	OnTrack  State = "on-track"
	OffTrack State = "off-track"
	NoData   State = "no-data"
)

// Symbol is the state's text mark, so that colour is never the only signal:
// ✓ on track, ✗ off track, ? no data.
func (s State) Symbol() string {
	switch s {
	case OnTrack:
		return "✓"
	case OffTrack:
		return "✗"
	}
	return "?"
}

// IndicatorStatus is how one indicator judges an element.
type IndicatorStatus struct {
	ID     string          `json:"id"`
	State  State           `json:"state"`
	Value  indicator.Float `json:"value"` // NaN (JSON null) without data
	Reason string          `json:"reason"`
}

// ElementStatus is an element's state and the indicators behind it.
type ElementStatus struct {
	ID         string            `json:"id"`
	State      State             `json:"state"`
	Indicators []IndicatorStatus `json:"indicators,omitempty"`
}

// Chain is one path from an activity to the impact with its states.
// Break is the index in Path of the first off-track element, where the
// chain breaks, or -1 when none is off track.
type Chain struct {
	Path   Path    `json:"path"`
	States []State `json:"states"`
	Break  int     `json:"break"`
}

// Status is a model with results attached.
type Status struct {
	Elements []ElementStatus `json:"elements"` // in model order
	Chains   []Chain         `json:"chains"`   // every path from an activity to the impact (PathsToImpact)
	// Truncated reports that there were more than MaxPaths chains.
	Truncated bool `json:"truncated,omitempty"`
}

// State returns the state of the element with the given id, NoData for
// an id the status does not know.
func (s *Status) State(id string) State {
	for _, e := range s.Elements {
		if e.ID == id {
			return e.State
		}
	}
	return NoData
}

// Breaks returns the elements where at least one chain breaks, in model
// order.
func (s *Status) Breaks() []string {
	at := map[string]bool{}
	for _, c := range s.Chains {
		if c.Break >= 0 {
			at[c.Path[c.Break]] = true
		}
	}
	var out []string
	for _, e := range s.Elements {
		if at[e.ID] {
			out = append(out, e.ID)
		}
	}
	return out
}

// AttachOption changes how Attach judges results.
type AttachOption func(*attachConfig)

type attachConfig struct {
	onTrack []string
}

// WithOnTrackLabels sets the threshold status labels (indicator.Result's
// Status) that count as on track; every other label counts as off track.
// The default is "green", so amber and red are off track.
func WithOnTrackLabels(labels ...string) AttachOption {
	return func(c *attachConfig) { c.onTrack = slices.Clone(labels) }
}

// Attach judges each element by the results of its indicators in rep and
// finds where each chain from an activity to the impact breaks.
//
// An indicator reference is judged by the first rule that applies:
//
//  1. no result with its id in rep, or a value that is not a number (not
//     computed, an empty denominator, withheld by disclosure control):
//     no data;
//  2. the reference states at_least and/or at_most: on track when the
//     value is within them, else off track;
//  3. the result has a threshold status (Result.Status): on track when the
//     label is one of the on-track labels ("green" unless
//     WithOnTrackLabels says otherwise), else off track;
//  4. the result has a target and a polarity of higher-is-better or
//     lower-is-better: on track when the value is at or beyond the target
//     in the good direction, else off track;
//  5. otherwise: no data (nothing to judge the value by).
//
// An element is off track when any of its indicators is, on track when
// none is off track and at least one is on track, and no data otherwise
// (in particular when it has no indicators). A chain breaks at its first
// off-track element; no-data elements do not break it.
//
// Attach fails with ErrCycle when the links hold a cycle.
func (m *Model) Attach(rep *indicator.Report, opts ...AttachOption) (*Status, error) {
	cfg := attachConfig{onTrack: []string{"green"}}
	for _, o := range opts {
		o(&cfg)
	}
	st := &Status{Elements: make([]ElementStatus, 0, len(m.Elements))}
	byID := map[string]State{}
	for _, e := range m.Elements {
		es := ElementStatus{ID: e.ID, State: NoData}
		anyOn, anyOff := false, false
		for _, r := range e.Indicators {
			is := judge(r, rep, cfg)
			anyOn = anyOn || is.State == OnTrack
			anyOff = anyOff || is.State == OffTrack
			es.Indicators = append(es.Indicators, is)
		}
		switch {
		case anyOff:
			es.State = OffTrack
		case anyOn:
			es.State = OnTrack
		}
		if _, dup := byID[e.ID]; !dup {
			byID[e.ID] = es.State
		}
		st.Elements = append(st.Elements, es)
	}
	paths, truncated, err := m.PathsToImpact()
	if err != nil {
		return nil, err
	}
	st.Truncated = truncated
	st.Chains = make([]Chain, 0, len(paths))
	for _, p := range paths {
		c := Chain{Path: p, States: make([]State, len(p)), Break: -1}
		for i, id := range p {
			c.States[i] = byID[id]
			if c.Break < 0 && c.States[i] == OffTrack {
				c.Break = i
			}
		}
		st.Chains = append(st.Chains, c)
	}
	return st, nil
}

// judge applies Attach's rules to one indicator reference.
func judge(r IndicatorRef, rep *indicator.Report, cfg attachConfig) IndicatorStatus {
	is := IndicatorStatus{ID: r.ID, State: NoData, Value: indicator.Float(math.NaN())}
	var res *indicator.Result
	if rep != nil {
		res, _ = rep.Result(r.ID)
	}
	if res == nil {
		is.Reason = "no result in the report"
		return is
	}
	v := float64(res.Value)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		is.Reason = "no value"
		if res.Note != "" {
			is.Reason += ": " + res.Note
		}
		return is
	}
	is.Value = res.Value
	val := num(v)
	set := func(ok bool, format string, args ...any) IndicatorStatus {
		is.State = OffTrack
		if ok {
			is.State = OnTrack
		}
		is.Reason = fmt.Sprintf(format, args...)
		return is
	}
	switch {
	case r.AtLeast != nil && r.AtMost != nil:
		ok := v >= *r.AtLeast && v <= *r.AtMost
		return set(ok, "value %s %s [%s, %s] (model)", val, inOrOut(ok), num(*r.AtLeast), num(*r.AtMost))
	case r.AtLeast != nil:
		ok := v >= *r.AtLeast
		return set(ok, "value %s %s %s (model at_least)", val, cmpSign(ok, "≥", "<"), num(*r.AtLeast))
	case r.AtMost != nil:
		ok := v <= *r.AtMost
		return set(ok, "value %s %s %s (model at_most)", val, cmpSign(ok, "≤", ">"), num(*r.AtMost))
	case res.Status != "":
		return set(slices.Contains(cfg.onTrack, res.Status), "value %s, status %q", val, res.Status)
	case res.Target != nil && res.Polarity == indicator.HigherIsBetter:
		ok := v >= *res.Target
		return set(ok, "value %s %s target %s", val, cmpSign(ok, "≥", "<"), num(*res.Target))
	case res.Target != nil && res.Polarity == indicator.LowerIsBetter:
		ok := v <= *res.Target
		return set(ok, "value %s %s target %s", val, cmpSign(ok, "≤", ">"), num(*res.Target))
	}
	is.Reason = fmt.Sprintf("value %s, but no status, target or model bounds to judge it by", val)
	return is
}

// num formats a value rounded to two decimals, without trailing zeros.
func num(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }

func cmpSign(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

func inOrOut(ok bool) string { return cmpSign(ok, "in", "outside") }
