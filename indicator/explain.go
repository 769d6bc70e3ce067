package indicator

import (
	"context"
	"errors"
	"fmt"

	"cel.dev/cel-go/common/types/ref"
)

// Explanation says why one record is or is not in each population of one
// indicator: the value of every criterion and of every definition of the
// set for that record, and the populations the eCQM rules put it in. It is
// for audits and clinicians' questions ("why is this patient in the
// numerator?"), so it evaluates every criterion, also those the rules did
// not need (Consulted says which they did). It discloses the record: its
// values and error messages quote what was read from it (WithValuesInErrors
// is implied), so handle it as patient data.
type Explanation struct {
	Record    int64  `json:"record"` // 0-based index in the source
	Indicator string `json:"indicator"`
	// Populations are the record's memberships, as counted in the report.
	Populations RecordPopulations `json:"populations"`
	// Included reports that the record is in the measure population.
	Included bool `json:"included"`
	// Error is the evaluation error that made the report count the
	// record as errored, with Field the criterion that failed ("" when
	// none).
	Error string `json:"error,omitempty"`
	Field string `json:"field,omitempty"`
	// Criteria are the indicator's criteria and stratifier components in
	// the order of the population rules.
	Criteria []ExplainedValue `json:"criteria"`
	// Definitions are every definition of the set, in the order written.
	Definitions []ExplainedValue `json:"definitions"`
}

// RecordPopulations are one record's population memberships.
type RecordPopulations struct {
	InitialPopulation    bool `json:"initial_population"`
	Denominator          bool `json:"denominator"`
	DenominatorExclusion bool `json:"denominator_exclusion"`
	DenominatorException bool `json:"denominator_exception"`
	Numerator            bool `json:"numerator"`
	NumeratorExclusion   bool `json:"numerator_exclusion"`
}

// ExplainedValue is one expression's value for the record: a Go value as
// EvaluateDefinitions gives them, or the error it met.
type ExplainedValue struct {
	Name       string `json:"name"` // the criterion key, "stratifier <id>" or the definition's name
	Expression string `json:"expression"`
	Value      any    `json:"value,omitempty"`
	Error      string `json:"error,omitempty"`
	// Consulted reports that the population rules read this criterion for
	// the record (criteria only).
	Consulted bool `json:"consulted,omitempty"`
}

// ErrNoRecord reports that the source ended before the record to explain.
var ErrNoRecord = errors.New("no such record")

// Explain evaluates indicator id for record index of src (0-based, as in
// RecordError) and says why it lands where it does. The source is read up
// to that record only. WithParams sets the parameters; other options have
// no effect.
func (s *Set) Explain(ctx context.Context, src Source, index int64, id string, opts ...EvalOption) (*Explanation, error) {
	var ind *compiledIndicator
	for _, x := range s.indicators {
		if x.spec.ID == id {
			ind = x
		}
	}
	if ind == nil {
		return nil, fmt.Errorf("indicator: %w: set %s has no indicator %q", ErrParameter, s.spec.ID, id)
	}
	if index < 0 {
		return nil, fmt.Errorf("indicator: %w: record %d", ErrNoRecord, index)
	}
	cfg := newEvalConfig(opts)
	params, err := s.bindParams(cfg.params)
	if err != nil {
		return nil, err
	}
	var read int64
	var checked *Schema
	for src.Next(ctx) {
		b := src.Batch()
		if b == nil {
			continue
		}
		if err := s.check(b, &checked); err != nil {
			return nil, err
		}
		if index < read+int64(b.n) {
			return s.explain(ind, b, int(index-read), index, params)
		}
		read += int64(b.n)
	}
	if err := src.Err(); err != nil {
		return nil, fmt.Errorf("indicator: reading record %d: %w", read, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("indicator: %w: record %d (the source holds %d)", ErrNoRecord, index, read)
}

// explain evaluates ind for row i of b.
func (s *Set) explain(ind *compiledIndicator, b *Batch, i int, index int64, params []ref.Val) (ex *Explanation, err error) {
	defer func() {
		if p := recover(); p != nil {
			ex, err = nil, fmt.Errorf("indicator: internal error explaining record %d: %v", index, p)
		}
	}()
	w := newWorker(s, [][]ref.Val{params}, errorPolicy{max: 1, values: true})
	w.row.enter(b)
	w.row.at(i)
	w.cur = w.curs[0]
	var out outcome
	w.consulted = map[*criterion]bool{}
	field, evalErr := w.evaluate(ind, &out)
	consulted := w.consulted
	ex = &Explanation{Record: index, Indicator: ind.spec.ID, Included: evalErr == nil && out.included}
	if evalErr != nil {
		ex.Error, ex.Field = evalErr.Error(), field
	}
	f := out.flags
	ex.Populations = RecordPopulations{
		InitialPopulation: f&inIP != 0, Denominator: f&inDEN != 0, DenominatorExclusion: f&inDENEX != 0,
		DenominatorException: f&inDENEXCEP != 0, Numerator: f&inNUMER != 0, NumeratorExclusion: f&inNUMEX != 0,
	}
	for _, c := range ind.criteria() {
		v := explained(c.field, w.cur.goValue(c.expr))
		v.Expression, v.Consulted = ind.criterionText(c.field), consulted[c]
		ex.Criteria = append(ex.Criteria, v)
	}
	for k, st := range ind.stratifiers {
		for j, c := range st.comps {
			v := explained("stratifier "+st.id, w.cur.goValue(c.expr))
			v.Expression, v.Consulted = ind.spec.Stratifiers[k].Components[j].Text, consulted[c]
			ex.Criteria = append(ex.Criteria, v)
		}
	}
	for d, e := range s.defExpr {
		v := explained(s.spec.Definitions[d].Name, w.cur.goValue(e))
		v.Expression = s.spec.Definitions[d].Expr.Text
		ex.Definitions = append(ex.Definitions, v)
	}
	return ex, nil
}

func explained(name string, v any) ExplainedValue {
	if err, ok := v.(error); ok {
		return ExplainedValue{Name: name, Error: err.Error()}
	}
	return ExplainedValue{Name: name, Value: v}
}

// criteria returns the indicator's criteria in the order of the rules.
func (ind *compiledIndicator) criteria() []*criterion {
	var out []*criterion
	for _, c := range []*criterion{ind.ip, ind.den, ind.denex, ind.denexcep, ind.numer, ind.numex,
		ind.numValue, ind.denValue, ind.observation, ind.ageBand} {
		if c != nil {
			out = append(out, c)
		}
	}
	return out
}

// criterionText returns the text of the criterion with the given key.
func (ind *compiledIndicator) criterionText(key string) string {
	for _, r := range criterionRules {
		if r.key == key {
			return r.get(&ind.spec.Criteria).Text
		}
	}
	return ""
}
