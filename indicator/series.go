package indicator

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"cel.dev/cel-go/common/types/ref"

	"github.com/openhpi/hpi/indicator/spc"
	"github.com/openhpi/hpi/internal/stablejson"
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
	return stablejson.Canonical(raw)
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

// Subgroups returns an indicator's series as the subgroups of an SPC chart
// of the given kind, one per period. Count charts (p, pp, u, up, c) get the
// numerator as the count and the denominator as N — events over
// person-time for a rate; the other charts get the value on the display
// scale. A period without a value (an empty denominator, a withheld count)
// is a missing observation (NaN). The xbar and s charts need every
// observation of a period, which a report does not keep: they are an error.
func (s *Series) Subgroups(id string, kind spc.Kind) ([]spc.Subgroup, error) {
	return s.subgroups(id, kind, func(r *Result) (Float, Float, Float, bool) {
		return r.Numerator, r.Denominator, r.Value, true
	})
}

// StratumSubgroups is Subgroups for one stratum of one stratifier, named
// by its component values (e.g. "female", or "female", "65-79" for a
// two-component stratifier). A period in which the stratum has no record is
// a missing observation.
func (s *Series) StratumSubgroups(id, stratifier string, values []string, kind spc.Kind) ([]spc.Subgroup, error) {
	return s.subgroups(id, kind, func(r *Result) (Float, Float, Float, bool) {
		for _, sr := range r.Stratifiers {
			if sr.ID != stratifier {
				continue
			}
			for _, st := range sr.Strata {
				if slices.Equal(st.Values, values) {
					return st.Numerator, st.Denominator, st.Value, true
				}
			}
		}
		return 0, 0, 0, false
	})
}

func (s *Series) subgroups(id string, kind spc.Kind, pick func(*Result) (num, den, value Float, ok bool)) ([]spc.Subgroup, error) {
	if kind == spc.KindXbar || kind == spc.KindS {
		return nil, fmt.Errorf("indicator: a %s chart needs every observation of a period; a series keeps one value per period", kind)
	}
	results, ok := s.Results(id)
	if !ok {
		return nil, fmt.Errorf("indicator: no indicator %q in the series", id)
	}
	out := make([]spc.Subgroup, len(results))
	for i, r := range results {
		num, den, value, ok := pick(r)
		g := spc.Subgroup{X: s.Periods[i], N: 1, Values: []float64{math.NaN()}}
		switch {
		case !ok:
		case kind == spc.KindP || kind == spc.KindPP || kind == spc.KindU || kind == spc.KindUP || kind == spc.KindC:
			g.Values[0], g.N = float64(num), float64(den)
		default:
			g.Values[0] = float64(value)
		}
		out[i] = g
	}
	return out, nil
}
