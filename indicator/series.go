package indicator

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"cel.dev/cel-go/common/types/ref"
)

// Period is one period of a series: its label (the x of a chart) and the
// parameter values that define it, e.g. period_start and period_end.
type Period struct {
	Label  string
	Params map[string]any
}

// Series is an indicator set evaluated once per period, in the order the
// periods were given; Reports[i] is the report of Periods[i].
type Series struct {
	Periods []string  `json:"periods"`
	Reports []*Report `json:"reports"`
}

// EvaluateSeries evaluates the set for every period in one pass over src:
// each record is evaluated once per period, with the period's parameters
// taking precedence over those of WithParams. Each period's report is the
// one Evaluate would return with those parameters, whatever the worker
// count or batch size.
func (s *Set) EvaluateSeries(ctx context.Context, src Source, periods []Period, opts ...EvalOption) (*Series, error) {
	if len(periods) == 0 {
		return nil, fmt.Errorf("%w: a series needs at least one period", ErrParameter)
	}
	cfg := newEvalConfig(opts)
	paramSets := make([][]ref.Val, len(periods))
	for i, p := range periods {
		given := maps.Clone(cfg.params)
		if given == nil {
			given = map[string]any{}
		}
		maps.Copy(given, p.Params)
		params, err := s.bindParams(given)
		if err != nil {
			return nil, fmt.Errorf("period %q: %w", p.Label, err)
		}
		paramSets[i] = params
	}
	tallies, read, err := s.pass(ctx, src, cfg, paramSets)
	if err != nil {
		return nil, err
	}
	out := &Series{}
	for i, p := range periods {
		rep := s.report(tallies[i], read, paramSets[i])
		rep.Period = p.Label
		out.Periods = append(out.Periods, p.Label)
		out.Reports = append(out.Reports, rep)
	}
	return out, nil
}

// Results returns the result of the indicator with the given id in every
// period, in order; false if the set has no such indicator.
func (s *Series) Results(id string) ([]*Result, bool) {
	out := make([]*Result, 0, len(s.Reports))
	for _, rep := range s.Reports {
		r, ok := rep.Result(id)
		if !ok {
			return nil, false
		}
		out = append(out, r)
	}
	return out, true
}

// MarshalJSON encodes the series as stable JSON, like Report.MarshalJSON.
func (s *Series) MarshalJSON() ([]byte, error) {
	type plain Series
	raw, err := json.Marshal((*plain)(s))
	if err != nil {
		return nil, err
	}
	return canonicalJSON(raw)
}

// Months returns n consecutive calendar months (UTC) starting with the
// month of first, labelled "2006-01". Each period sets the parameter
// startParam to the first instant of the month and endParam to its last
// nanosecond, so that inclusive comparisons (e.start <= period_end) take
// the whole month and nothing of the next.
func Months(first time.Time, n int, startParam, endParam string) []Period {
	first = first.UTC()
	start := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
	periods := make([]Period, 0, max(n, 0))
	for range n {
		next := start.AddDate(0, 1, 0)
		periods = append(periods, Period{
			Label:  start.Format("2006-01"),
			Params: map[string]any{startParam: start, endParam: next.Add(-time.Nanosecond)},
		})
		start = next
	}
	return periods
}

