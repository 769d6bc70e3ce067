// Package fhir exports indicator reports as FHIR R4 MeasureReport
// resources.
//
// MeasureReport turns a Report into a Bundle (type collection) holding one
// summary MeasureReport per indicator; Individual turns the Explanation
// of one record into an individual MeasureReport that says which
// populations the patient is in and the value of every criterion and
// definition. Output is deterministic JSON: the same inputs give the same
// bytes.
//
// Choices, per element of the MeasureReport (R4):
//
//   - status is complete; type summary (or individual); measure is the
//     canonical URL WithMeasureBase + "/" + indicator id, with "|version"
//     when the indicator has a version.
//   - period is required by FHIR: WithPeriod, or else the report's
//     parameters period_start and period_end (dates or RFC 3339 times); with
//     neither, MeasureReport returns an error. date is written only with
//     WithDate, so that output does not depend on the clock.
//   - improvementNotation is increase (higher-is-better) or decrease
//     (lower-is-better) from the measure-improvement-notation code system;
//     it is left out for no-judgement.
//   - group[0].population has one entry per population of the indicator's
//     type, coded from the measure-population code system: a proportion
//     has initial-population, denominator, denominator-exclusion,
//     denominator-exception, numerator and numerator-exclusion; a ratio the
//     same without denominator-exception; rate, dsr and isr
//     initial-population, denominator and denominator-exclusion; mean and
//     count initial-population, measure-population and
//     measure-population-exclusion. Counts are the report's; a count the
//     disclosure policy withheld (Populations nil) is left out, the
//     population still listed.
//   - measureScore is the indicator's value on its display scale (after
//     the multiplier), with the indicator's unit (UCUM "%" for "%"); it is
//     left out when the value is undefined or withheld.
//   - stratifier: one per stratifier, code.text its id; each stratum has
//     value.text its value (several components: a component per value,
//     code.text the stratifier's id and position) and its own populations
//     and measureScore, under the same disclosure rules.
//
// For an individual report, the criteria and definition values are a
// contained Parameters resource (id "explanation": one parameter per
// criterion, named "criterion <key>", and per definition, named
// "definition <name>"; a value as valueBoolean, valueInteger,
// valueDecimal, valueString or valueDateTime, an error as a part named
// "error"), referenced from evaluatedResource. Population counts are 1 or
// 0.
package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/openhpi/hpi/indicator"
)

// Code systems used in MeasureReports.
const (
	MeasurePopulationSystem   = "http://terminology.hl7.org/CodeSystem/measure-population"
	ImprovementNotationSystem = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
	UCUM                      = "http://unitsofmeasure.org"
)

// DefaultMeasureBase is the base of measure canonical URLs unless
// WithMeasureBase says otherwise.
const DefaultMeasureBase = "http://example.org/fhir/Measure"

// ErrNoPeriod reports a report without a period (see WithPeriod).
var ErrNoPeriod = errors.New("fhir: no measurement period: use WithPeriod or the parameters period_start and period_end")

// Option sets an optional setting of the export.
type Option func(*config)

type config struct {
	base        string
	start, end  time.Time
	date        time.Time
	subject     string
	reporter    string
	periodGiven bool
}

// WithMeasureBase sets the base of the Measure canonical URLs (default
// DefaultMeasureBase); the indicator id is appended after a slash.
func WithMeasureBase(url string) Option {
	return func(c *config) { c.base = strings.TrimRight(url, "/") }
}

// WithPeriod sets the measurement period (start and end, inclusive).
func WithPeriod(start, end time.Time) Option {
	return func(c *config) { c.start, c.end, c.periodGiven = start, end, true }
}

// WithDate sets the date the report was generated; without it the
// MeasureReport has no date.
func WithDate(t time.Time) Option {
	return func(c *config) { c.date = t }
}

// WithSubject sets the subject reference of an individual report, e.g.
// "Patient/123".
func WithSubject(ref string) Option {
	return func(c *config) { c.subject = ref }
}

// WithReporter sets the reporter reference, e.g. "Organization/abc".
func WithReporter(ref string) Option {
	return func(c *config) { c.reporter = ref }
}

// The R4 elements written; field order is JSON order.
type (
	coding struct {
		System  string `json:"system,omitempty"`
		Code    string `json:"code,omitempty"`
		Display string `json:"display,omitempty"`
	}
	concept struct {
		Coding []coding `json:"coding,omitempty"`
		Text   string   `json:"text,omitempty"`
	}
	reference struct {
		Reference string `json:"reference"`
	}
	period struct {
		Start string `json:"start"`
		End   string `json:"end"`
	}
	quantity struct {
		Value  json.Number `json:"value"`
		Unit   string      `json:"unit,omitempty"`
		System string      `json:"system,omitempty"`
		Code   string      `json:"code,omitempty"`
	}
	population struct {
		Code  concept `json:"code"`
		Count *int64  `json:"count,omitempty"`
	}
	component struct {
		Code  concept `json:"code"`
		Value concept `json:"value"`
	}
	stratum struct {
		Value        *concept     `json:"value,omitempty"`
		Component    []component  `json:"component,omitempty"`
		Population   []population `json:"population,omitempty"`
		MeasureScore *quantity    `json:"measureScore,omitempty"`
	}
	stratifier struct {
		Code    []concept `json:"code"`
		Stratum []stratum `json:"stratum,omitempty"`
	}
	group struct {
		Code         *concept     `json:"code,omitempty"`
		Population   []population `json:"population,omitempty"`
		MeasureScore *quantity    `json:"measureScore,omitempty"`
		Stratifier   []stratifier `json:"stratifier,omitempty"`
	}
	parameter struct {
		Name          string      `json:"name"`
		ValueBoolean  *bool       `json:"valueBoolean,omitempty"`
		ValueInteger  *int64      `json:"valueInteger,omitempty"`
		ValueDecimal  json.Number `json:"valueDecimal,omitempty"`
		ValueString   *string     `json:"valueString,omitempty"`
		ValueDateTime string      `json:"valueDateTime,omitempty"`
		Part          []parameter `json:"part,omitempty"`
	}
	parameters struct {
		ResourceType string      `json:"resourceType"`
		ID           string      `json:"id"`
		Parameter    []parameter `json:"parameter,omitempty"`
	}
	measureReport struct {
		ResourceType        string       `json:"resourceType"`
		ID                  string       `json:"id,omitempty"`
		Contained           []parameters `json:"contained,omitempty"`
		Status              string       `json:"status"`
		Type                string       `json:"type"`
		Measure             string       `json:"measure"`
		Subject             *reference   `json:"subject,omitempty"`
		Date                string       `json:"date,omitempty"`
		Reporter            *reference   `json:"reporter,omitempty"`
		Period              period       `json:"period"`
		ImprovementNotation *concept     `json:"improvementNotation,omitempty"`
		Group               []group      `json:"group"`
		EvaluatedResource   []reference  `json:"evaluatedResource,omitempty"`
	}
	bundleEntry struct {
		FullURL  string        `json:"fullUrl"`
		Resource measureReport `json:"resource"`
	}
	bundle struct {
		ResourceType string        `json:"resourceType"`
		Type         string        `json:"type"`
		Entry        []bundleEntry `json:"entry,omitempty"`
	}
)

func newConfig(opts []Option) config {
	c := config{base: DefaultMeasureBase}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// period returns the measurement period from the options or the report's
// parameters.
func (c *config) period(params map[string]string) (period, error) {
	start, end := c.start, c.end
	if !c.periodGiven {
		var err1, err2 error
		s, ok1 := params["period_start"]
		e, ok2 := params["period_end"]
		if !ok1 || !ok2 {
			return period{}, ErrNoPeriod
		}
		start, err1 = parseTime(s)
		end, err2 = parseTime(e)
		if err := errors.Join(err1, err2); err != nil {
			return period{}, fmt.Errorf("%w: %w", ErrNoPeriod, err)
		}
	}
	if end.Before(start) {
		return period{}, fmt.Errorf("fhir: period ends before it starts")
	}
	return period{Start: dateTime(start), End: dateTime(end)}, nil
}

func parseTime(s string) (time.Time, error) {
	for _, l := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("fhir: %q is not a date or RFC 3339 time", s)
}

// dateTime formats a FHIR dateTime: a date at UTC midnight, else an
// instant in UTC with seconds.
func dateTime(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format("2006-01-02T15:04:05.999999999Z07:00")
}

func (c *config) canonical(id, version string) string {
	u := c.base + "/" + id
	if version != "" {
		u += "|" + version
	}
	return u
}

func improvement(p indicator.Polarity) *concept {
	code := ""
	switch p {
	case indicator.HigherIsBetter:
		code = "increase"
	case indicator.LowerIsBetter:
		code = "decrease"
	default:
		return nil
	}
	return &concept{Coding: []coding{{System: ImprovementNotationSystem, Code: code}}}
}

// populationCodes lists the populations of an indicator type, with the
// count of each from p (nil p: no counts).
func populationCodes(t indicator.Type) []string {
	switch t {
	case indicator.Proportion:
		return []string{"initial-population", "denominator", "denominator-exclusion", "denominator-exception", "numerator", "numerator-exclusion"}
	case indicator.Ratio:
		return []string{"initial-population", "denominator", "denominator-exclusion", "numerator", "numerator-exclusion"}
	case indicator.Rate, indicator.DSR, indicator.ISR:
		return []string{"initial-population", "denominator", "denominator-exclusion"}
	}
	return []string{"initial-population", "measure-population", "measure-population-exclusion"}
}

func count(code string, p *indicator.Populations) int64 {
	switch code {
	case "initial-population":
		return p.InitialPopulation
	case "denominator", "measure-population":
		return p.Denominator
	case "denominator-exclusion", "measure-population-exclusion":
		return p.DenominatorExclusion
	case "denominator-exception":
		return p.DenominatorException
	case "numerator":
		return p.Numerator
	case "numerator-exclusion":
		return p.NumeratorExclusion
	}
	return 0
}

func populations(t indicator.Type, p *indicator.Populations) []population {
	var out []population
	for _, code := range populationCodes(t) {
		pop := population{Code: concept{Coding: []coding{{System: MeasurePopulationSystem, Code: code}}}}
		if p != nil {
			n := count(code, p)
			pop.Count = &n
		}
		out = append(out, pop)
	}
	return out
}

// score is the measureScore of a value, nil when undefined.
func score(v indicator.Float, unit string) *quantity {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	q := &quantity{Value: json.Number(strconv.FormatFloat(f, 'g', -1, 64)), Unit: unit}
	if strings.Contains(string(q.Value), "e") {
		q.Value = json.Number(strconv.FormatFloat(f, 'f', -1, 64))
	}
	if unit == "%" {
		q.System, q.Code = UCUM, "%"
	}
	return q
}

// MeasureReport exports a report as a FHIR R4 Bundle (type collection)
// with one summary MeasureReport per indicator, in the report's order
// (see the package documentation for the choices made).
func MeasureReport(rep *indicator.Report, opts ...Option) ([]byte, error) {
	if rep == nil {
		return nil, errors.New("fhir: nil report")
	}
	c := newConfig(opts)
	per, err := c.period(rep.Parameters)
	if err != nil {
		return nil, err
	}
	b := bundle{ResourceType: "Bundle", Type: "collection"}
	for i := range rep.Indicators {
		r := &rep.Indicators[i]
		mr := measureReport{
			ResourceType: "MeasureReport", ID: resourceID(r.ID), Status: "complete", Type: "summary",
			Measure: c.canonical(r.ID, r.Version), Period: per, ImprovementNotation: improvement(r.Polarity),
		}
		if !c.date.IsZero() {
			mr.Date = dateTime(c.date)
		}
		if c.reporter != "" {
			mr.Reporter = &reference{Reference: c.reporter}
		}
		g := group{Population: populations(r.Type, r.Populations), MeasureScore: score(r.Value, r.Unit)}
		if r.Title != "" {
			g.Code = &concept{Text: r.Title}
		}
		for _, sr := range r.Stratifiers {
			st := stratifier{Code: []concept{{Text: sr.ID}}}
			for _, s := range sr.Strata {
				x := stratum{Population: populations(r.Type, s.Populations), MeasureScore: score(s.Value, r.Unit)}
				if len(s.Values) == 1 {
					x.Value = &concept{Text: text(s.Values[0])}
				} else {
					for k, v := range s.Values {
						x.Component = append(x.Component, component{Code: concept{Text: fmt.Sprintf("%s[%d]", sr.ID, k)}, Value: concept{Text: text(v)}})
					}
				}
				st.Stratum = append(st.Stratum, x)
			}
			g.Stratifier = append(g.Stratifier, st)
		}
		mr.Group = []group{g}
		b.Entry = append(b.Entry, bundleEntry{FullURL: "urn:hpi:MeasureReport/" + mr.ID, Resource: mr})
	}
	return encode(b)
}

// text keeps FHIR's rule that strings are not empty.
func text(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(empty)"
	}
	return s
}

// resourceID makes a FHIR id ([A-Za-z0-9\-\.]{1,64}) from an indicator id.
func resourceID(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
			sb.WriteRune(r)
		default:
			sb.WriteByte('-')
		}
		if sb.Len() == 64 {
			break
		}
	}
	if sb.Len() == 0 {
		return "indicator"
	}
	return sb.String()
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("fhir: %w", err)
	}
	return buf.Bytes(), nil
}

// Individual exports the explanation of one record as an individual
// MeasureReport for the indicator explained (see the package
// documentation). The measure is the canonical URL of the indicator id;
// WithSubject names the patient; the period comes from WithPeriod or else
// params, the parameters of the evaluation (Report.Parameters), through
// period_start and period_end.
func Individual(ex *indicator.Explanation, params map[string]string, opts ...Option) ([]byte, error) {
	if ex == nil {
		return nil, errors.New("fhir: nil explanation")
	}
	c := newConfig(opts)
	per, err := c.period(params)
	if err != nil {
		return nil, err
	}
	mr := measureReport{
		ResourceType: "MeasureReport", ID: resourceID(ex.Indicator + "-" + strconv.FormatInt(ex.Record, 10)),
		Status: "complete", Type: "individual", Measure: c.canonical(ex.Indicator, ""), Period: per,
	}
	if c.subject != "" {
		mr.Subject = &reference{Reference: c.subject}
	}
	if !c.date.IsZero() {
		mr.Date = dateTime(c.date)
	}
	if c.reporter != "" {
		mr.Reporter = &reference{Reference: c.reporter}
	}
	present := map[string]bool{}
	for _, cr := range ex.Criteria {
		present[cr.Name] = true
	}
	p := ex.Populations
	pops := []struct {
		code string
		in   bool
		key  string
	}{
		{"initial-population", p.InitialPopulation, ""},
		{"denominator", p.Denominator, "denominator"},
		{"denominator-exclusion", p.DenominatorExclusion, "denominator_exclusion"},
		{"denominator-exception", p.DenominatorException, "denominator_exception"},
		{"numerator", p.Numerator, "numerator"},
		{"numerator-exclusion", p.NumeratorExclusion, "numerator_exclusion"},
	}
	var g group
	for _, x := range pops {
		if x.key != "" && !present[x.key] && !x.in {
			continue
		}
		n := int64(0)
		if x.in {
			n = 1
		}
		g.Population = append(g.Population, population{Code: concept{Coding: []coding{{System: MeasurePopulationSystem, Code: x.code}}}, Count: &n})
	}
	mr.Group = []group{g}
	ps := parameters{ResourceType: "Parameters", ID: "explanation"}
	for _, v := range ex.Criteria {
		ps.Parameter = append(ps.Parameter, param("criterion "+v.Name, v))
	}
	for _, v := range ex.Definitions {
		ps.Parameter = append(ps.Parameter, param("definition "+v.Name, v))
	}
	if ex.Error != "" {
		msg := ex.Error
		ps.Parameter = append(ps.Parameter, parameter{Name: "error", ValueString: &msg})
	}
	if len(ps.Parameter) > 0 {
		mr.Contained = []parameters{ps}
		mr.EvaluatedResource = []reference{{Reference: "#explanation"}}
	}
	return encode(mr)
}

// param converts one explained value; values without a FHIR form (lists,
// durations) are written as strings.
func param(name string, v indicator.ExplainedValue) parameter {
	p := parameter{Name: name}
	if v.Error != "" {
		msg := v.Error
		p.Part = []parameter{{Name: "error", ValueString: &msg}}
		return p
	}
	switch x := v.Value.(type) {
	case bool:
		p.ValueBoolean = &x
	case int64:
		if x >= math.MinInt32 && x <= math.MaxInt32 {
			p.ValueInteger = &x
		} else {
			p.ValueDecimal = json.Number(strconv.FormatInt(x, 10))
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			s := strconv.FormatFloat(x, 'g', -1, 64)
			p.ValueString = &s
		} else {
			p.ValueDecimal = json.Number(strconv.FormatFloat(x, 'f', -1, 64))
		}
	case string:
		s := text(x)
		p.ValueString = &s
	case time.Time:
		p.ValueDateTime = x.UTC().Format(time.RFC3339Nano)
	case nil:
		s := "null"
		p.Part = []parameter{{Name: "null", ValueString: &s}}
	default:
		s := fmt.Sprint(x)
		p.ValueString = &s
	}
	return p
}
