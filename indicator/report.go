package indicator

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/openhpi/hpi/indicator/stats"
	"github.com/openhpi/hpi/internal/stablejson"
)

// Float is a float64 that encodes NaN and infinities as JSON null: an
// undefined value (an empty denominator, an interval that does not exist)
// is NaN in Go and null in JSON.
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(x)
}

// UnmarshalJSON implements json.Unmarshaler; null becomes NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	var x float64
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*f = Float(x)
	return nil
}

// Report is the result of evaluating an indicator set.
type Report struct {
	SetID      string            `json:"set_id"`
	SetVersion string            `json:"set_version,omitempty"`
	Period     string            `json:"period,omitempty"` // the period's label, in a Series
	Parameters map[string]string `json:"parameters,omitempty"`
	Read       int64             `json:"records_read"`
	Indicators []Result          `json:"indicators"`
}

// Estimate is a value with its confidence interval on the display scale
// (after the indicator's multiplier).
type Estimate struct {
	Value  Float   `json:"value"`
	Lower  Float   `json:"lower"`
	Upper  Float   `json:"upper"`
	Level  float64 `json:"level,omitempty"`
	Method string  `json:"method,omitempty"` // "wilson", "exact", "byar", "student-t", "dobson", or "" without interval
	Note   string  `json:"note,omitempty"`   // why a value is missing, e.g. "not computed: fewer than 10 events"
}

// Populations counts the records in each population, as a FHIR
// MeasureReport does: a record counts in the denominator when it is in the
// initial population and meets the denominator criterion, before
// exclusions; the score uses numerator - numerator exclusions over
// denominator - exclusions - exceptions.
type Populations struct {
	InitialPopulation    int64 `json:"initial_population"`
	Denominator          int64 `json:"denominator"`
	DenominatorExclusion int64 `json:"denominator_exclusion"`
	DenominatorException int64 `json:"denominator_exception"`
	Numerator            int64 `json:"numerator"`
	NumeratorExclusion   int64 `json:"numerator_exclusion"`
}

// Accounting shows that no record was lost: Read = Included + Excluded +
// Errored. Included records are in the measure population (for a ratio,
// in either population). Included is a count of people like the
// denominator, so when the indicator's disclosure policy withholds a count
// of the result, Included and Excluded are withheld too (NaN, null in
// JSON); Read and Errored stay.
type Accounting struct {
	Read     int64 `json:"read"`
	Included Float `json:"included"`
	Excluded Float `json:"excluded"`
	Errored  int64 `json:"errored"`
}

// RecordError is a record that failed to evaluate.
type RecordError struct {
	Record  int64  `json:"record"` // 0-based index in the source
	Field   string `json:"field"`  // the criterion, e.g. "numerator"
	Message string `json:"message"`
}

// Result is one indicator's result.
type Result struct {
	ID         string   `json:"id"`
	Version    string   `json:"version,omitempty"`
	Title      string   `json:"title,omitempty"`
	Type       Type     `json:"type"`
	Polarity   Polarity `json:"polarity,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	Multiplier float64  `json:"multiplier"`
	Target     *float64 `json:"target,omitempty"`
	Status     string   `json:"status,omitempty"` // the first threshold that holds
	Estimate
	// Numerator and Denominator are the unscaled terms of the value: counts
	// for a proportion, sums for a ratio or rate (events and person-time),
	// the sum of observations and their count for a mean.
	Numerator   Float              `json:"numerator"`
	Denominator Float              `json:"denominator"`
	Populations *Populations       `json:"populations,omitempty"` // nil when withheld by the disclosure policy
	Suppressed  *Suppression       `json:"suppressed,omitempty"`
	Accounting  Accounting         `json:"accounting"`
	Errors      []RecordError      `json:"errors,omitempty"`
	Stratifiers []StratifierResult `json:"stratifiers,omitempty"`
}

// StratifierResult holds the strata of one stratifier, sorted by value.
type StratifierResult struct {
	ID     string    `json:"id"`
	Strata []Stratum `json:"strata"`
}

// Stratum is the result within one stratum. Comparison compares it with
// the indicator's overall value (the benchmark) by the Fingertips rule.
type Stratum struct {
	Values []string `json:"values"` // one per stratifier component
	Estimate
	Numerator   Float        `json:"numerator"`
	Denominator Float        `json:"denominator"`
	Populations *Populations `json:"populations,omitempty"` // nil when withheld by the disclosure policy
	Suppressed  *Suppression `json:"suppressed,omitempty"`
	Comparison  string       `json:"comparison"`
}

// Result returns the result of the indicator with the given id.
func (r *Report) Result(id string) (*Result, bool) {
	for i := range r.Indicators {
		if r.Indicators[i].ID == id {
			return &r.Indicators[i], true
		}
	}
	return nil, false
}

func (s *Set) report(tallies []*indicatorTally, read int64, params []ref.Val) *Report {
	r := &Report{SetID: s.spec.ID, SetVersion: s.spec.Version, Read: read}
	if len(s.params) > 0 {
		r.Parameters = map[string]string{}
		for i, p := range s.params {
			r.Parameters[p.Name] = formatParam(params[i])
		}
	}
	for k, ind := range s.indicators {
		r.Indicators = append(r.Indicators, ind.result(tallies[k], read))
	}
	return r
}

func formatParam(v ref.Val) string {
	switch x := v.(type) {
	case types.Timestamp:
		return x.Time.Format("2006-01-02T15:04:05.999999999Z07:00")
	case types.Duration:
		return x.Duration.String()
	}
	return fmt.Sprint(v.Value())
}

func (ind *compiledIndicator) result(t *indicatorTally, read int64) Result {
	sp := ind.spec
	est, note, num, den := ind.estimate(&t.all)
	r := Result{
		ID: sp.ID, Version: sp.Version, Title: sp.Title, Type: sp.Type, Polarity: sp.Polarity,
		Unit: sp.Unit, Multiplier: ind.multiplier, Target: sp.Target,
		Estimate: ind.scale(est, note), Numerator: Float(num), Denominator: Float(den),
		Populations: t.all.populations(),
		Accounting: Accounting{
			Read: read, Included: Float(t.all.included), Errored: t.errored,
			Excluded: Float(read - t.all.included - t.errored),
		},
		Errors: t.errors,
	}
	for i, s := range ind.stratifiers {
		r.Stratifiers = append(r.Stratifiers, StratifierResult{ID: s.id, Strata: ind.strata(t.byKey[i], len(s.comps), est.Value)})
	}
	ind.disclose(&r)
	r.Status = ind.status(float64(r.Value), float64(r.Lower), float64(r.Upper))
	return r
}

func (t *tally) populations() *Populations {
	return &Populations{
		InitialPopulation: t.pops[0], Denominator: t.pops[1], DenominatorExclusion: t.pops[2],
		DenominatorException: t.pops[3], Numerator: t.pops[4], NumeratorExclusion: t.pops[5],
	}
}

func (ind *compiledIndicator) strata(m map[string]*tally, components int, benchmark float64) []Stratum {
	values := make(map[string][]string, len(m))
	for k := range m {
		values[k] = []string{k}
		if components > 1 {
			values[k] = splitComponents(k)
		}
	}
	keys := sortedKeys(m)
	sort.SliceStable(keys, func(i, j int) bool { return lessStratum(values[keys[i]], values[keys[j]]) })
	out := make([]Stratum, 0, len(keys))
	for _, k := range keys {
		t := m[k]
		est, note, num, den := ind.estimate(t)
		out = append(out, Stratum{
			Values:   values[k],
			Estimate: ind.scale(est, note), Numerator: Float(num), Denominator: Float(den),
			Populations: t.populations(),
			Comparison:  string(stats.CompareToBenchmark(est, benchmark, comparePolarity(ind.spec.Polarity))),
		})
	}
	return out
}

// lessStratum orders stratum keys component by component, numerically
// where both components are integers.
func lessStratum(as, bs []string) bool {
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		x, errX := strconv.ParseInt(as[i], 10, 64)
		y, errY := strconv.ParseInt(bs[i], 10, 64)
		if errX == nil && errY == nil {
			return x < y
		}
		return as[i] < bs[i]
	}
	return len(as) < len(bs)
}

func comparePolarity(p Polarity) stats.Polarity {
	switch p {
	case HigherIsBetter, LowerIsBetter:
		return stats.Polarity(p)
	}
	return stats.Polarity(NoJudgement) // no declared polarity: say higher or lower, never better or worse
}

// estimate computes the unscaled value and interval of a tally, with the
// numerator and denominator behind it and a note when no value exists.
func (ind *compiledIndicator) estimate(t *tally) (est stats.Estimate, note string, num, den float64) {
	var err error
	switch ind.spec.Type {
	case Proportion:
		num, den = float64(t.pops[4]-t.pops[5]), float64(t.included)
		est, err = stats.Proportion(num, den, ind.level)
	case Rate:
		num, den = t.num.value(), t.den.value()
		est, err = stats.Rate(num, den, ind.level)
	case Ratio:
		num, den = t.num.value(), t.den.value()
		est = undefined()
		if den != 0 {
			est.Value = num / den
		}
	case Mean:
		mean, sd := t.obs.meanSD()
		num, den = t.obs.sum.value(), float64(t.obs.n)
		est, err = stats.MeanFromSummary(den, mean, sd, ind.level)
		if err != nil && t.obs.n > 0 {
			est, err = undefined(), nil
			est.Value = mean
			note = "no interval: fewer than 2 observations"
		}
	case DSR, ISR:
		num, den = t.num.value(), t.den.value()
		est, err = ind.standardise(t)
	case Count:
		num = float64(t.included)
		den = num
		est = undefined()
		est.Value = num
	}
	if err != nil {
		est, note = undefined(), noteFor(err)
	}
	return est, note, num, den
}

func undefined() stats.Estimate {
	return stats.Estimate{Value: nan(), Lower: nan(), Upper: nan()}
}

// standardise computes a DSR or ISR from the tally's age bands.
func (ind *compiledIndicator) standardise(t *tally) (stats.Estimate, error) {
	n := ind.bands()
	counts, pops := make([]float64, n), make([]float64, n)
	for i := range t.bands {
		counts[i], pops[i] = t.bands[i].num.value(), t.bands[i].den.value()
	}
	if ind.spec.Type == ISR {
		return stats.ISRatio(counts, pops, ind.spec.ReferenceCounts, ind.spec.ReferencePopulations, ind.level)
	}
	return stats.DSR(counts, pops, ind.spec.StandardPopulation, ind.level)
}

// noteFor explains why a value could not be computed.
func noteFor(err error) string {
	if errors.Is(err, stats.ErrTooFewEvents) {
		return "not computed: fewer than 10 events"
	}
	return "not computed: " + err.Error()
}

func (ind *compiledIndicator) scale(e stats.Estimate, note string) Estimate {
	m := ind.multiplier
	out := Estimate{Value: Float(e.Value * m), Lower: Float(e.Lower * m), Upper: Float(e.Upper * m), Method: e.Method, Note: note}
	if e.Method != "" {
		out.Level = e.Level
	}
	return out
}

// MarshalJSON encodes the report with sorted keys, two-space indentation
// and the shortest float formatting that round-trips, so that the same
// report always gives the same bytes.
func (r *Report) MarshalJSON() ([]byte, error) {
	type plain Report // without this method
	raw, err := json.Marshal((*plain)(r))
	if err != nil {
		return nil, err
	}
	return stablejson.Canonical(raw)
}

// WriteJSON writes the report as indented, stable JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := r.MarshalJSON()
	if err != nil {
		return err
	}
	return stablejson.WriteIndented(w, b)
}

// csvHeader is the header row written by WriteCSV.
var csvHeader = []string{
	"indicator", "stratifier", "stratum", "value", "lower", "upper", "level", "method", "note",
	"numerator", "denominator", "initial_population", "denominator_count",
	"denominator_exclusion", "denominator_exception", "numerator_count", "numerator_exclusion",
	"comparison", "status",
}

// WriteCSV writes one row per indicator and one per stratum; the overall
// row has empty stratifier and stratum columns. Multi-component strata
// join their values with " | ".
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, res := range r.Indicators {
		row := csvRow(res.ID, "", "", res.Estimate, res.Numerator, res.Denominator, res.Populations, "", res.Status)
		if err := cw.Write(row); err != nil {
			return err
		}
		for _, sr := range res.Stratifiers {
			for _, st := range sr.Strata {
				row := csvRow(res.ID, sr.ID, strings.Join(st.Values, " | "), st.Estimate, st.Numerator, st.Denominator, st.Populations, st.Comparison, "")
				if err := cw.Write(row); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvRow writes one result or stratum; withheld values are empty cells.
func csvRow(id, strat, stratum string, e Estimate, num, den Float, p *Populations, cmp, status string) []string {
	level := ""
	if e.Level != 0 {
		level = formatFloat(e.Level)
	}
	pops := make([]string, 6)
	if p != nil {
		for k, n := range []int64{p.InitialPopulation, p.Denominator, p.DenominatorExclusion, p.DenominatorException, p.Numerator, p.NumeratorExclusion} {
			pops[k] = strconv.FormatInt(n, 10)
		}
	}
	row := []string{
		id, strat, stratum, formatFloat(float64(e.Value)), formatFloat(float64(e.Lower)), formatFloat(float64(e.Upper)),
		level, e.Method, e.Note, formatFloat(float64(num)), formatFloat(float64(den)),
	}
	return append(append(row, pops...), cmp, status)
}

// formatFloat writes the shortest representation that round-trips; NaN
// and infinities are empty.
func formatFloat(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
