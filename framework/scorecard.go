package framework

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/spc"
	"github.com/openhpi/hpi/indicator/stats"
	"github.com/openhpi/hpi/internal/stablejson"
	"github.com/openhpi/hpi/logicmodel"
)

// Scorecard is a framework's indicators evaluated and rolled up to its
// nodes. It marshals to stable JSON.
type Scorecard struct {
	Framework  string           `json:"framework"`
	Version    string           `json:"version,omitempty"`
	Title      string           `json:"title,omitempty"`
	Citation   string           `json:"citation,omitempty"`
	Period     string           `json:"period,omitempty"`  // the current period's label, with a series
	Periods    []string         `json:"periods,omitempty"` // every period of the series, in order
	Read       int64            `json:"records_read"`
	Nodes      []NodeScore      `json:"nodes"`
	Facets     []FacetScore     `json:"facets,omitempty"`
	Composites []CompositeScore `json:"composites,omitempty"`

	// Report is the report of the current period (the last of a series).
	Report *indicator.Report `json:"-"`
	// Series is the series the trends come from, or nil.
	Series *indicator.Series `json:"-"`
	// LogicModel holds the statuses of the logic model attached with
	// AttachLogicModel, or nil.
	LogicModel *logicmodel.Status `json:"logic_model,omitempty"`
	logicModel *logicmodel.Model
}

// NodeScore is one node of the scorecard, in tree order.
type NodeScore struct {
	ID         string            `json:"id"`
	Kind       string            `json:"kind,omitempty"`
	Title      string            `json:"title,omitempty"`
	Parent     string            `json:"parent,omitempty"`
	Depth      int               `json:"depth"`
	Facets     map[string]string `json:"facets,omitempty"`
	Indicators []IndicatorScore  `json:"indicators"`
	// Counts rolls up the statuses of the distinct indicators of the node
	// and of its descendants.
	Counts StatusCounts `json:"counts"`
}

// IndicatorScore is one indicator at one node.
type IndicatorScore struct {
	ID        string             `json:"id"`
	Title     string             `json:"title,omitempty"`
	Role      Role               `json:"role"`
	Weight    float64            `json:"weight"`
	Type      indicator.Type     `json:"type"`
	Polarity  indicator.Polarity `json:"polarity,omitempty"`
	Unit      string             `json:"unit,omitempty"`
	Estimate                     // value and interval, on the display scale
	Target    *float64           `json:"target,omitempty"`
	Benchmark *float64           `json:"benchmark,omitempty"`
	// Comparison is the Fingertips comparison with Benchmark: better,
	// similar, worse, higher, lower or not-compared; "" without a benchmark.
	Comparison string `json:"comparison,omitempty"`
	// Status is the indicator's status from its thresholds (e.g. green,
	// amber, red), "no-data" when it has no value, or "" when unassessed.
	Status string `json:"status"`
	Trend  *Trend `json:"trend,omitempty"`
}

// Estimate is a value with its interval on the display scale; NaN is
// null in JSON.
type Estimate = indicator.Estimate

// StatusCounts counts indicators by status.
type StatusCounts struct {
	Green      int `json:"green"`
	Amber      int `json:"amber"`
	Red        int `json:"red"`
	Other      int `json:"other"`      // a status other than green, amber or red
	Unassessed int `json:"unassessed"` // a value but no status (no thresholds held)
	NoData     int `json:"no_data"`    // no value
}

// NoData is the status of an indicator without a value.
const NoData = "no-data"

func (c *StatusCounts) add(status string) {
	switch strings.ToLower(status) {
	case "green":
		c.Green++
	case "amber":
		c.Amber++
	case "red":
		c.Red++
	case NoData:
		c.NoData++
	case "":
		c.Unassessed++
	default:
		c.Other++
	}
}

// Trend is an indicator's values over the periods of a series (aligned
// with Scorecard.Periods) and what they say.
type Trend struct {
	Values []indicator.Float `json:"values"`
	// Change is the last value with a value minus the first.
	Change indicator.Float `json:"change"`
	// Direction is "up", "down" or "flat" by the sign of Change, or "" with
	// fewer than two values.
	Direction string `json:"direction,omitempty"`
	// Assessment turns Direction into "improving", "worsening" or
	// "no-change" by the indicator's polarity; "" without a polarity.
	Assessment string `json:"assessment,omitempty"`
	// Variation is the Making Data Count point type of the last value on an
	// XmR chart of the values (spc.MakingDataCount): common_cause,
	// special_cause_improvement, special_cause_concern, or
	// special_cause_neutral_high/low; "" with fewer than two values.
	Variation string `json:"variation,omitempty"`
}

// FacetScore rolls up the indicators classified under one value of a
// facet (by their reference or by a node above it).
type FacetScore struct {
	Facet      string       `json:"facet"`
	Value      string       `json:"value"`
	Indicators []string     `json:"indicators"`
	Counts     StatusCounts `json:"counts"`
}

// CompositeScore is a composite computed for each unit (stratum) of its
// stratifier.
type CompositeScore struct {
	ID            string        `json:"id"`
	Title         string        `json:"title,omitempty"`
	Node          string        `json:"node,omitempty"`
	Across        string        `json:"across"`
	Normalisation Normalisation `json:"normalisation"`
	Components    []Component   `json:"components"`
	Units         []UnitScore   `json:"units"`
}

// UnitScore is one unit's composite score and its normalised components,
// in the order of CompositeScore.Components. Score is null when a
// component has no value for the unit.
type UnitScore struct {
	Unit       string            `json:"unit"`
	Score      indicator.Float   `json:"score"`
	Normalised []indicator.Float `json:"normalised"`
}

// Evaluate evaluates every indicator of the framework in one pass over src
// (one call of indicator.Set.Evaluate on the merged set) and rolls the
// results up to a scorecard.
func (f *Framework) Evaluate(ctx context.Context, src indicator.Source, opts ...indicator.EvalOption) (*Scorecard, error) {
	if f.set == nil {
		return nil, fmt.Errorf("framework %s: %w", f.ID, ErrNoIndicators)
	}
	rep, err := f.set.Evaluate(ctx, src, opts...)
	if err != nil {
		return nil, fmt.Errorf("framework %s: %w", f.ID, err)
	}
	return f.Scorecard(rep, nil)
}

// EvaluateSeries evaluates every indicator for each period in one pass over
// src (indicator.Set.EvaluateSeries) and returns the scorecard of the last
// period with a trend for each indicator.
func (f *Framework) EvaluateSeries(ctx context.Context, src indicator.Source, periods []indicator.Period, opts ...indicator.EvalOption) (*Scorecard, error) {
	if f.set == nil {
		return nil, fmt.Errorf("framework %s: %w", f.ID, ErrNoIndicators)
	}
	series, err := f.set.EvaluateSeries(ctx, src, periods, opts...)
	if err != nil {
		return nil, fmt.Errorf("framework %s: %w", f.ID, err)
	}
	return f.Scorecard(series.Reports[len(series.Reports)-1], series)
}

// Scorecard rolls a report of the framework's indicators up to its nodes;
// series, when not nil, gives each indicator a trend. Evaluate and
// EvaluateSeries call it; it is exported for reports computed elsewhere
// (e.g. by SQL). An indicator missing from the report is an error.
func (f *Framework) Scorecard(rep *indicator.Report, series *indicator.Series) (*Scorecard, error) {
	if rep == nil {
		return nil, fmt.Errorf("framework %s: no report", f.ID)
	}
	sc := &Scorecard{Framework: f.ID, Version: f.Version, Title: f.Title, Citation: f.Citation, Read: rep.Read, Report: rep, Series: series}
	if series != nil {
		sc.Periods = series.Periods
		sc.Period = rep.Period
	}
	status := map[string]string{}
	for _, id := range f.Indicators() {
		r, ok := rep.Result(id)
		if !ok {
			return nil, fmt.Errorf("framework %s: indicator %q is not in the report", f.ID, id)
		}
		status[id] = statusOf(r)
	}
	for _, n := range f.Nodes {
		ns := NodeScore{ID: n.ID, Kind: n.Kind, Title: n.Title, Parent: n.Parent, Depth: n.Depth, Facets: n.Facets, Indicators: []IndicatorScore{}}
		for _, ref := range n.Indicators {
			r, _ := rep.Result(ref.Indicator)
			ns.Indicators = append(ns.Indicators, score(ref, r, status[ref.Indicator], series))
		}
		seen := map[string]bool{}
		for _, j := range f.subtree(n.ID) {
			for _, ref := range f.Nodes[j].Indicators {
				if !seen[ref.Indicator] {
					seen[ref.Indicator] = true
					ns.Counts.add(status[ref.Indicator])
				}
			}
		}
		sc.Nodes = append(sc.Nodes, ns)
	}
	sc.Facets = f.facetScores(status)
	for _, c := range f.Composites {
		cs, err := composite(c, rep)
		if err != nil {
			return nil, fmt.Errorf("framework %s: %w", f.ID, err)
		}
		sc.Composites = append(sc.Composites, cs)
	}
	return sc, nil
}

func statusOf(r *indicator.Result) string {
	if math.IsNaN(float64(r.Value)) || math.IsInf(float64(r.Value), 0) {
		return NoData
	}
	return r.Status
}

func score(ref Ref, r *indicator.Result, status string, series *indicator.Series) IndicatorScore {
	s := IndicatorScore{
		ID: r.ID, Title: r.Title, Role: ref.Role, Weight: ref.Weight, Type: r.Type, Polarity: r.Polarity,
		Unit: r.Unit, Estimate: r.Estimate, Target: r.Target, Benchmark: ref.Benchmark, Status: status,
	}
	if ref.Benchmark != nil {
		est := stats.Estimate{Value: float64(r.Value), Lower: float64(r.Lower), Upper: float64(r.Upper)}
		s.Comparison = string(stats.CompareToBenchmark(est, *ref.Benchmark, statsPolarity(r.Polarity)))
	}
	if series != nil {
		if results, ok := series.Results(r.ID); ok {
			s.Trend = trend(results, r.Polarity)
		}
	}
	return s
}

func statsPolarity(p indicator.Polarity) stats.Polarity {
	if judged(p) {
		return stats.Polarity(p)
	}
	return stats.Polarity(indicator.NoJudgement)
}

// trend summarises an indicator's values over the periods.
func trend(results []*indicator.Result, pol indicator.Polarity) *Trend {
	t := &Trend{Values: make([]indicator.Float, len(results)), Change: indicator.Float(math.NaN())}
	var finite []float64
	for i, r := range results {
		t.Values[i] = r.Value
		if v := float64(r.Value); !math.IsNaN(v) && !math.IsInf(v, 0) {
			finite = append(finite, v)
		}
	}
	if len(finite) < 2 {
		return t
	}
	change := finite[len(finite)-1] - finite[0]
	t.Change = indicator.Float(change)
	switch {
	case change > 0:
		t.Direction = "up"
	case change < 0:
		t.Direction = "down"
	default:
		t.Direction = "flat"
	}
	dir := spc.Neutral
	switch {
	case !judged(pol):
	case change == 0:
		t.Assessment = "no-change"
	case (change > 0) == (pol == indicator.HigherIsBetter):
		t.Assessment = "improving"
	default:
		t.Assessment = "worsening"
	}
	switch pol {
	case indicator.HigherIsBetter:
		dir = spc.Increase
	case indicator.LowerIsBetter:
		dir = spc.Decrease
	}
	if mdc, err := spc.MakingDataCount(finite, spc.MDCOptions{Improvement: dir}); err == nil {
		t.Variation = mdc.Variation
	}
	return t
}

// facetScores rolls up indicators by facet value: an indicator takes the
// values of its reference and, for facets its reference leaves out, those
// of the nearest node above it that has one.
func (f *Framework) facetScores(status map[string]string) []FacetScore {
	var out []FacetScore
	for _, fc := range f.Facets {
		for _, val := range fc.Values {
			fs := FacetScore{Facet: fc.ID, Value: val, Indicators: []string{}}
			seen := map[string]bool{}
			for i, n := range f.Nodes {
				for _, ref := range n.Indicators {
					if seen[ref.Indicator] || f.facetOf(i, ref, fc.ID) != val {
						continue
					}
					seen[ref.Indicator] = true
					fs.Indicators = append(fs.Indicators, ref.Indicator)
					fs.Counts.add(status[ref.Indicator])
				}
			}
			if len(fs.Indicators) > 0 {
				out = append(out, fs)
			}
		}
	}
	return out
}

func (f *Framework) facetOf(node int, ref Ref, facet string) string {
	if v, ok := ref.Facets[facet]; ok {
		return v
	}
	for i := node; i >= 0; {
		n := &f.Nodes[i]
		if v, ok := n.Facets[facet]; ok {
			return v
		}
		j, ok := f.index[n.Parent]
		if !ok {
			break
		}
		i = j
	}
	return ""
}

// MarshalJSON encodes the scorecard with sorted keys and the shortest
// float formatting that round-trips; NaN is null. The same scorecard
// always gives the same bytes.
func (s *Scorecard) MarshalJSON() ([]byte, error) {
	type plain Scorecard
	raw, err := json.Marshal((*plain)(s))
	if err != nil {
		return nil, err
	}
	return stablejson.Canonical(raw)
}

// WriteJSON writes the scorecard as indented, stable JSON.
func (s *Scorecard) WriteJSON(w io.Writer) error {
	b, err := s.MarshalJSON()
	if err != nil {
		return err
	}
	return stablejson.WriteIndented(w, b)
}
