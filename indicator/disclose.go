package indicator

import (
	"math"
	"strings"

	"github.com/openhpi/hpi/indicator/disclosure"
	"github.com/openhpi/hpi/indicator/stats"
)

// Suppression says which counts of a result or stratum were withheld by
// the indicator's disclosure policy, and why ("primary": a small number;
// "complementary": withheld so that a small number cannot be recovered from
// the totals). A value derived from a withheld count is withheld too.
type Suppression struct {
	Numerator   disclosure.Reason `json:"numerator,omitempty"`
	Denominator disclosure.Reason `json:"denominator,omitempty"`
}

func (s Suppression) any() bool { return s.Numerator.Suppressed() || s.Denominator.Suppressed() }

// countedTerms says which terms of an indicator type are counts of people
// or events, and so subject to disclosure control.
func countedTerms(t Type) (num, den bool) {
	switch t {
	case Proportion, Ratio:
		return true, true
	case Rate, DSR, ISR:
		return true, false
	case Mean:
		return false, true
	case Count:
		return true, false
	}
	return false, false
}

// disclose applies the indicator's disclosure policy to its result: the
// primary rule to the overall counts, and primary plus complementary
// suppression to the table of each stratifier (two-component stratifiers
// as rows × columns, others as one row), whose margin is the overall count.
func (ind *compiledIndicator) disclose(r *Result) {
	p := ind.spec.Disclosure
	if p == nil {
		return
	}
	numCounted, denCounted := countedTerms(ind.spec.Type)
	var s Suppression
	if numCounted {
		s.Numerator = classify(p, float64(r.Numerator))
	}
	if denCounted {
		s.Denominator = classify(p, float64(r.Denominator))
	}
	r.Suppressed = publish(p, s, &r.Estimate, &r.Numerator, &r.Denominator, &r.Populations)
	if r.Suppressed != nil { // the measure population would tell the withheld count
		r.Accounting.Included, r.Accounting.Excluded = Float(math.NaN()), Float(math.NaN())
	}
	for i := range r.Stratifiers {
		strata := r.Stratifiers[i].Strata
		reasons := make([]Suppression, len(strata))
		if numCounted {
			for k, why := range tableReasons(p, strata, func(st *Stratum) float64 { return float64(st.Numerator) }) {
				reasons[k].Numerator = why
			}
		}
		if denCounted {
			for k, why := range tableReasons(p, strata, func(st *Stratum) float64 { return float64(st.Denominator) }) {
				reasons[k].Denominator = why
			}
		}
		for k := range strata {
			st := &strata[k]
			st.Suppressed = publish(p, reasons[k], &st.Estimate, &st.Numerator, &st.Denominator, &st.Populations)
			if st.Suppressed != nil {
				st.Comparison = string(stats.NotCompared) // better or worse would hint at the withheld value
			}
		}
	}
}

// classify applies the primary rule; a count the policy cannot judge is
// withheld.
func classify(p *disclosure.Policy, x float64) disclosure.Reason {
	why, err := p.Classify(x)
	if err != nil {
		return disclosure.ReasonPrimary
	}
	return why
}

// publish blanks what s withholds and rounds the counts that remain. It
// returns s, or nil when nothing was withheld.
func publish(p *disclosure.Policy, s Suppression, e *Estimate, num, den *Float, pops **Populations) *Suppression {
	if s.Numerator.Suppressed() {
		*num = Float(math.NaN())
	}
	if s.Denominator.Suppressed() {
		*den = Float(math.NaN())
	}
	if !s.any() {
		*num, *den = round(p, *num), round(p, *den)
		*pops = roundPopulations(p, *pops)
		return nil
	}
	nan := Float(math.NaN())
	e.Value, e.Lower, e.Upper = nan, nan, nan
	e.Note = "suppressed: small numbers"
	*pops = nil
	return &s
}

// roundPopulations rounds every count of the attrition waterfall as the
// numerator and denominator are, so that no published count is unrounded;
// a count the policy cannot round withholds the waterfall.
func roundPopulations(p *disclosure.Policy, pops *Populations) *Populations {
	if pops == nil || p.RoundTo == 0 {
		return pops
	}
	q := *pops
	for _, c := range []*int64{&q.InitialPopulation, &q.Denominator, &q.DenominatorExclusion,
		&q.DenominatorException, &q.Numerator, &q.NumeratorExclusion} {
		r, err := p.Round(float64(*c))
		if err != nil {
			return nil
		}
		*c = int64(r)
	}
	return &q
}

func round(p *disclosure.Policy, x Float) Float {
	if p.RoundTo == 0 || x != x {
		return x
	}
	r, err := p.Round(float64(x))
	if err != nil {
		return Float(math.NaN())
	}
	return Float(r)
}

// tableReasons lays the strata out as a table (rows × columns for two
// components, one row otherwise), applies the policy and returns each
// stratum's reason.
func tableReasons(p *disclosure.Policy, strata []Stratum, count func(*Stratum) float64) []disclosure.Reason {
	pos := make([][2]int, len(strata))
	rows, cols := map[string]int{}, map[string]int{}
	for k := range strata {
		r, c := "", strings.Join(strata[k].Values, "\x1f")
		if len(strata[k].Values) == 2 {
			r, c = strata[k].Values[0], strata[k].Values[1]
		}
		if _, ok := rows[r]; !ok {
			rows[r] = len(rows)
		}
		if _, ok := cols[c]; !ok {
			cols[c] = len(cols)
		}
		pos[k] = [2]int{rows[r], cols[c]}
	}
	cells := make([][]float64, len(rows))
	for i := range cells {
		cells[i] = make([]float64, len(cols))
	}
	for k := range strata {
		cells[pos[k][0]][pos[k][1]] = count(&strata[k])
	}
	out := make([]disclosure.Reason, len(strata))
	why, err := p.ApplyTable(cells)
	for k := range strata {
		if err != nil { // e.g. a single suppressed stratum: withhold them all
			out[k] = classify(p, count(&strata[k]))
			if !out[k].Suppressed() {
				out[k] = disclosure.ReasonComplementary
			}
			continue
		}
		out[k] = why[pos[k][0]][pos[k][1]]
	}
	return out
}
