package stratify

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

// Population is a model applied to a population in one pass: how many
// records were scored, the pyramid (count per tier), the count per segment,
// the mean score per tier and the distribution of scores.
type Population struct {
	ModelID      string                  `json:"model"`
	ModelVersion string                  `json:"model_version,omitempty"`
	Read         int64                   `json:"read"`    // records read
	Scored       int64                   `json:"scored"`  // records with a score, tier and segment
	Errored      int64                   `json:"errored"` // records that failed: Read = Scored + Errored
	Errors       []indicator.RecordError `json:"errors,omitempty"`
	Mean         indicator.Estimate      `json:"mean_score"` // points models: the mean score, Student t interval
	Tiers        []Group                 `json:"tiers,omitempty"`
	Segments     []Group                 `json:"segments,omitempty"`
	Scores       []ScoreCount            `json:"scores,omitempty"` // points models: records per score value, ascending
	// Report is the underlying indicator report (indicators "tiers",
	// "segments", "score" and "distribution" as applicable).
	Report *indicator.Report `json:"-"`
}

// Group is one tier or segment of a population.
type Group struct {
	Name  string              `json:"name"`
	Count int64               `json:"count"`
	Share indicator.Float     `json:"share"`                // of scored records
	Mean  *indicator.Estimate `json:"mean_score,omitempty"` // tiers of a points model: the mean score in the tier
}

// ScoreCount is the number of records with one score value.
type ScoreCount struct {
	Score float64 `json:"score"`
	Count int64   `json:"count"`
}

// populationIndicators are the indicators Apply evaluates.
func (m *Model) populationIndicators() []indicator.IndicatorSpec {
	p := m.prefix
	var ip []string
	if len(m.Components) > 0 {
		s := m.scoreDef(p)
		ip = append(ip, fmt.Sprintf("(%s == %s || %s != %s)", s, s, s, s)) // true, NaN included; an error when the score fails
	}
	if len(m.Tiers) > 0 {
		ip = append(ip, p+`_tier != ""`)
	}
	if len(m.Segments) > 0 {
		ip = append(ip, p+`_segment != ""`)
	}
	scored := indicator.Expr{Text: strings.Join(ip, " && "), Pos: m.Pos}
	strat := func(name string) []indicator.StratifierSpec {
		text := p + "_" + name
		if name == "score" && !m.intPoints {
			text = "string(" + text + ")" // stratifiers are strings, ints or bools
		}
		return []indicator.StratifierSpec{{ID: name, Components: []indicator.Expr{{Text: text, Pos: m.Pos}}}}
	}
	var out []indicator.IndicatorSpec
	count := indicator.IndicatorSpec{ID: "scored", Type: indicator.Count, Criteria: indicator.Criteria{InitialPopulation: scored}}
	if len(m.Tiers) > 0 {
		count.Stratifiers = append(count.Stratifiers, strat("tier")...)
	}
	if len(m.Segments) > 0 {
		count.Stratifiers = append(count.Stratifiers, strat("segment")...)
	}
	out = append(out, count)
	if len(m.Components) > 0 && m.Logistic == nil {
		mean := indicator.IndicatorSpec{ID: "score", Type: indicator.Mean,
			Criteria: indicator.Criteria{InitialPopulation: scored, Observation: indicator.Expr{Text: p + "_score", Pos: m.Pos}}}
		if len(m.Tiers) > 0 {
			mean.Stratifiers = strat("tier")
		}
		out = append(out, mean, indicator.IndicatorSpec{ID: "distribution", Type: indicator.Count,
			Criteria: indicator.Criteria{InitialPopulation: scored}, Stratifiers: strat("score")})
	}
	return out
}

// Apply scores every record of src (with the model's input schema, see
// Schema) in one pass of the indicator engine, with parallel workers, and
// returns the pyramid and summaries. Records that fail are counted and the
// first errors kept: Read = Scored + Errored. A logistic model has no mean
// score or distribution here (CEL has no exp); use ScoreEach for
// per-record probabilities.
func (m *Model) Apply(ctx context.Context, src indicator.Source, opts ...indicator.EvalOption) (*Population, error) {
	rep, err := m.popSet.Evaluate(ctx, src, opts...)
	if err != nil {
		return nil, fmt.Errorf("stratify: model %s: %w", m.ID, err)
	}
	pop := &Population{ModelID: m.ID, ModelVersion: m.Version, Read: rep.Read, Report: rep}
	count, _ := rep.Result("scored")
	pop.Scored, pop.Errored, pop.Errors = int64(count.Accounting.Included), count.Accounting.Errored, count.Errors
	groups := func(res *indicator.Result, strat string, names []string) []Group {
		counts := map[string]int64{}
		for _, s := range res.Stratifiers {
			if s.ID == strat {
				for _, st := range s.Strata {
					counts[st.Values[0]] = int64(st.Numerator)
				}
			}
		}
		out := make([]Group, len(names))
		for i, n := range names {
			out[i] = Group{Name: n, Count: counts[n], Share: indicator.Float(float64(counts[n]) / float64(pop.Scored))}
		}
		return out
	}
	var tierNames, segNames []string
	for _, t := range m.Tiers {
		tierNames = append(tierNames, t.Name)
	}
	for _, s := range m.Segments {
		segNames = append(segNames, s.Name)
	}
	pop.Tiers = groups(count, "tier", tierNames)
	pop.Segments = groups(count, "segment", segNames)
	if mean, ok := rep.Result("score"); ok {
		pop.Mean = mean.Estimate
		for _, s := range mean.Stratifiers {
			for _, st := range s.Strata {
				for i := range pop.Tiers {
					if pop.Tiers[i].Name == st.Values[0] {
						e := st.Estimate
						pop.Tiers[i].Mean = &e
					}
				}
			}
		}
	}
	if dist, ok := rep.Result("distribution"); ok && len(dist.Stratifiers) > 0 {
		for _, st := range dist.Stratifiers[0].Strata {
			x, err := strconv.ParseFloat(st.Values[0], 64)
			if err != nil {
				continue
			}
			pop.Scores = append(pop.Scores, ScoreCount{Score: x, Count: int64(st.Numerator)})
		}
		slices.SortFunc(pop.Scores, func(a, b ScoreCount) int { return cmp.Compare(a.Score, b.Score) })
	}
	return pop, nil
}
