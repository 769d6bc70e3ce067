package fhir_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/fhir"
	"github.com/openhpi/hpi/indicator/source"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const setYAML = `id: mr
version: "2"
schema:
  unit: patient
  fields:
    age: int
    sex: string
    diabetic: bool
    tested: bool
    stays: int
    hba1c: double?
parameters:
  period_start: {type: timestamp, default: "2024-01-01"}
  period_end: {type: timestamp, default: "2024-12-31"}
indicators:
  - id: DM-TEST
    version: "1.1"
    title: Diabetics tested
    type: proportion
    polarity: higher-is-better
    multiplier: 100
    unit: "%"
    initial_population: diabetic
    denominator_exclusion: age < 18
    numerator: tested
    stratifiers: [sex, {id: band, components: [sex, "age >= 65"]}]
  - id: STAYS
    type: ratio
    polarity: lower-is-better
    numerator_value: stays
    denominator_value: "1"
  - id: MEAN-HBA1C
    type: mean
    polarity: no-judgement
    initial_population: has(patient.hba1c)
    observation: hba1c
  - id: SMALL
    title: Withheld by the disclosure policy
    type: proportion
    initial_population: diabetic && age >= 80
    numerator: tested
    disclosure: {min: 1, max: 5}
  - id: COUNT
    type: count
`

type person struct {
	age         int
	sex         string
	dia, tested bool
	stays       int
	hba1c       float64
}

func evaluate(t *testing.T) (*indicator.Set, *indicator.Report, indicator.Source) {
	t.Helper()
	set, err := indicator.Load("mr.yaml", []byte(setYAML))
	require.NoError(t, err)
	var people []person
	for i := range 40 {
		people = append(people, person{age: 10 + i*2, sex: []string{"female", "male"}[i%2], dia: i%3 != 0, tested: i%4 != 0, stays: i % 3, hba1c: float64(40 + i)})
	}
	src := func() indicator.Source {
		s := set.Schema()
		return source.Slice(s, people, func(p *person, w *source.RowWriter) error {
			w.Int(s.FieldIndex("age"), int64(p.age))
			w.String(s.FieldIndex("sex"), p.sex)
			w.Bool(s.FieldIndex("diabetic"), p.dia)
			w.Bool(s.FieldIndex("tested"), p.tested)
			w.Int(s.FieldIndex("stays"), int64(p.stays))
			if p.age%5 != 0 {
				w.Double(s.FieldIndex("hba1c"), p.hba1c)
			}
			return nil
		})
	}
	rep, err := set.Evaluate(context.Background(), src())
	require.NoError(t, err)
	return set, rep, src()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got))
}

func TestMeasureReport_SummaryIsValidR4AndGolden(t *testing.T) {
	_, rep, _ := evaluate(t)
	got, err := fhir.MeasureReport(rep, fhir.WithMeasureBase("http://example.org/fhir/Measure/"),
		fhir.WithDate(time.Date(2025, 1, 15, 9, 30, 0, 0, time.UTC)), fhir.WithReporter("Organization/hpi"))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(got, &doc))
	assert.Empty(t, validateBundle(doc))
	golden(t, "summary.json", got)

	again, err := fhir.MeasureReport(rep, fhir.WithMeasureBase("http://example.org/fhir/Measure/"),
		fhir.WithDate(time.Date(2025, 1, 15, 9, 30, 0, 0, time.UTC)), fhir.WithReporter("Organization/hpi"))
	require.NoError(t, err)
	assert.Equal(t, got, again, "deterministic bytes")
}

func TestMeasureReport_WithheldCountsAndScoresAreLeftOut(t *testing.T) {
	_, rep, _ := evaluate(t)
	r, _ := rep.Result("SMALL")
	require.NotNil(t, r.Suppressed, "the fixture must trigger suppression")
	got, err := fhir.MeasureReport(rep)
	require.NoError(t, err)
	var doc struct {
		Entry []struct {
			Resource struct {
				Measure string
				Group   []struct {
					Population   []map[string]any
					MeasureScore map[string]any
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal(got, &doc))
	for _, e := range doc.Entry {
		if !strings.HasSuffix(e.Resource.Measure, "/SMALL") {
			continue
		}
		g := e.Resource.Group[0]
		assert.Nil(t, g.MeasureScore)
		for _, p := range g.Population {
			assert.NotContains(t, p, "count")
		}
		return
	}
	t.Fatal("no SMALL MeasureReport")
}

func TestMeasureReport_NeedsAPeriod(t *testing.T) {
	_, rep, _ := evaluate(t)
	rep.Parameters = nil
	_, err := fhir.MeasureReport(rep)
	assert.ErrorIs(t, err, fhir.ErrNoPeriod)
	_, err = fhir.MeasureReport(rep, fhir.WithPeriod(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC)))
	assert.NoError(t, err)
}

func TestIndividual_SaysWhichCriteriaWereTrue(t *testing.T) {
	set, rep, src := evaluate(t)
	ex, err := set.Explain(context.Background(), src, 5, "DM-TEST")
	require.NoError(t, err)
	require.True(t, ex.Populations.Numerator)
	got, err := fhir.Individual(ex, rep.Parameters, fhir.WithSubject("Patient/p5"))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(got, &doc))
	assert.Empty(t, validateMeasureReport(doc, "MeasureReport"))
	golden(t, "individual.json", got)
}

// The validator below checks the rules of FHIR R4 (hl7.org/fhir/R4) for
// the elements hpi writes: MeasureReport, its backbone elements and data
// types, Bundle and Parameters. It returns every violation.

var (
	dateTimeRE = regexp.MustCompile(`^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$`)
	idRE       = regexp.MustCompile(`^[A-Za-z0-9\-\.]{1,64}$`)
	uriRE      = regexp.MustCompile(`^\S+$`)
	codeRE     = regexp.MustCompile(`^[^\s]+( [^\s]+)*$`)
)

var measurePopulation = map[string]bool{"initial-population": true, "numerator": true, "numerator-exclusion": true,
	"denominator": true, "denominator-exclusion": true, "denominator-exception": true, "measure-population": true,
	"measure-population-exclusion": true, "measure-observation": true}

type checker struct{ errs []string }

func (c *checker) fail(path, format string, args ...any) {
	c.errs = append(c.errs, path+": "+fmt.Sprintf(format, args...))
}

// object checks that v is a JSON object with only the allowed keys (FHIR
// rejects unknown elements), none empty, and the required ones present.
func (c *checker) object(v any, path string, required []string, allowed ...string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "want an object")
		return nil
	}
	if len(m) == 0 {
		c.fail(path, "empty object (FHIR forbids empty elements)")
	}
	all := map[string]bool{}
	for _, k := range append(required, allowed...) {
		all[k] = true
	}
	for k, x := range m {
		if !all[k] {
			c.fail(path, "unknown element %q", k)
		}
		switch y := x.(type) {
		case nil:
			c.fail(path+"."+k, "null is not allowed")
		case string:
			if strings.TrimSpace(y) == "" {
				c.fail(path+"."+k, "empty string")
			}
		case []any:
			if len(y) == 0 {
				c.fail(path+"."+k, "empty array")
			}
		}
	}
	for _, k := range required {
		if _, ok := m[k]; !ok {
			c.fail(path, "missing required element %q", k)
		}
	}
	return m
}

func (c *checker) array(v any, path string) []any {
	if v == nil {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		c.fail(path, "want an array")
	}
	return a
}

func (c *checker) str(v any, path string, re *regexp.Regexp, what string) string {
	if v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok || !re.MatchString(s) {
		c.fail(path, "want a %s, got %v", what, v)
	}
	return s
}

func (c *checker) codeableConcept(v any, path string) {
	m := c.object(v, path, nil, "coding", "text")
	if m == nil {
		return
	}
	if m["coding"] == nil && m["text"] == nil {
		c.fail(path, "a CodeableConcept needs coding or text")
	}
	for i, x := range c.array(m["coding"], path+".coding") {
		p := fmt.Sprintf("%s.coding[%d]", path, i)
		cm := c.object(x, p, nil, "system", "version", "code", "display", "userSelected")
		c.str(cm["system"], p+".system", uriRE, "uri")
		c.str(cm["code"], p+".code", codeRE, "code")
	}
}

// coded checks a CodeableConcept with one coding from system whose code is
// in codes, and returns the code.
func (c *checker) coded(v any, path, system string, codes map[string]bool) string {
	c.codeableConcept(v, path)
	m, _ := v.(map[string]any)
	cs, _ := m["coding"].([]any)
	if len(cs) != 1 {
		c.fail(path, "want one coding from %s", system)
		return ""
	}
	cm, _ := cs[0].(map[string]any)
	code, _ := cm["code"].(string)
	if cm["system"] != system || !codes[code] {
		c.fail(path, "want a code of %s, got %v|%v", system, cm["system"], cm["code"])
	}
	return code
}

func (c *checker) quantity(v any, path string) {
	m := c.object(v, path, []string{"value"}, "comparator", "unit", "system", "code")
	if m == nil {
		return
	}
	if _, ok := m["value"].(float64); !ok {
		c.fail(path+".value", "want a decimal")
	}
	if m["code"] != nil && m["system"] == nil {
		c.fail(path, "qty-3: a code needs a system")
	}
}

func (c *checker) populations(v any, path string, individual bool) {
	seen := map[string]bool{}
	for i, x := range c.array(v, path) {
		p := fmt.Sprintf("%s[%d]", path, i)
		m := c.object(x, p, nil, "code", "count", "subjectResults")
		if m == nil {
			continue
		}
		code := c.coded(m["code"], p+".code", fhir.MeasurePopulationSystem, measurePopulation)
		if seen[code] {
			c.fail(p, "population %s twice", code)
		}
		seen[code] = true
		if n, ok := m["count"]; ok {
			f, ok := n.(float64)
			if !ok || f != float64(int64(f)) || f < 0 || f > 2147483647 {
				c.fail(p+".count", "want a non-negative integer, got %v", n)
			}
			if individual && f > 1 {
				c.fail(p+".count", "an individual report counts 0 or 1")
			}
		}
	}
}

func validateMeasureReport(doc map[string]any, path string) []string {
	c := &checker{}
	m := c.object(doc, path, []string{"resourceType", "status", "type", "measure", "period"},
		"id", "meta", "contained", "identifier", "subject", "date", "reporter", "improvementNotation", "group", "evaluatedResource")
	if m == nil {
		return c.errs
	}
	if m["resourceType"] != "MeasureReport" {
		c.fail(path, "resourceType %v", m["resourceType"])
	}
	c.str(m["id"], path+".id", idRE, "FHIR id")
	if s := m["status"]; s != "complete" && s != "pending" && s != "error" {
		c.fail(path+".status", "not in measure-report-status: %v", s)
	}
	typ, _ := m["type"].(string)
	if typ != "individual" && typ != "subject-list" && typ != "summary" && typ != "data-collection" {
		c.fail(path+".type", "not in measure-report-type: %v", typ)
	}
	c.str(m["measure"], path+".measure", uriRE, "canonical")
	c.str(m["date"], path+".date", dateTimeRE, "dateTime")
	per := c.object(m["period"], path+".period", nil, "start", "end")
	c.str(per["start"], path+".period.start", dateTimeRE, "dateTime")
	c.str(per["end"], path+".period.end", dateTimeRE, "dateTime")
	for _, r := range []string{"subject", "reporter"} {
		if m[r] != nil {
			rm := c.object(m[r], path+"."+r, []string{"reference"}, "type", "identifier", "display")
			c.str(rm["reference"], path+"."+r+".reference", uriRE, "reference")
		}
	}
	if m["improvementNotation"] != nil {
		c.coded(m["improvementNotation"], path+".improvementNotation", fhir.ImprovementNotationSystem, map[string]bool{"increase": true, "decrease": true})
	}
	contained := map[string]bool{}
	for i, x := range c.array(m["contained"], path+".contained") {
		p := fmt.Sprintf("%s.contained[%d]", path, i)
		pm := c.object(x, p, []string{"resourceType", "id"}, "parameter")
		c.str(pm["id"], p+".id", idRE, "FHIR id")
		contained["#"+fmt.Sprint(pm["id"])] = true
		var params func(v any, path string)
		params = func(v any, path string) {
			for j, y := range c.array(v, path) {
				q := fmt.Sprintf("%s[%d]", path, j)
				qm := c.object(y, q, []string{"name"}, "valueBoolean", "valueInteger", "valueDecimal", "valueString", "valueDateTime", "part")
				values := 0
				for k, val := range qm {
					if !strings.HasPrefix(k, "value") {
						continue
					}
					values++
					switch k {
					case "valueBoolean":
						if _, ok := val.(bool); !ok {
							c.fail(q, "valueBoolean: want a boolean")
						}
					case "valueInteger":
						if f, ok := val.(float64); !ok || f != float64(int32(f)) {
							c.fail(q, "valueInteger: want a 32-bit integer")
						}
					case "valueDecimal":
						if _, ok := val.(float64); !ok {
							c.fail(q, "valueDecimal: want a number")
						}
					case "valueDateTime":
						c.str(val, q+".valueDateTime", dateTimeRE, "dateTime")
					}
				}
				if values > 1 || values == 1 && qm["part"] != nil {
					c.fail(q, "inv-1: a parameter has one value[x] or parts, not both")
				}
				params(qm["part"], q+".part")
			}
		}
		params(pm["parameter"], p+".parameter")
	}
	for i, x := range c.array(m["evaluatedResource"], path+".evaluatedResource") {
		rm := c.object(x, fmt.Sprintf("%s.evaluatedResource[%d]", path, i), []string{"reference"})
		if ref, _ := rm["reference"].(string); strings.HasPrefix(ref, "#") && !contained[ref] {
			c.fail(path, "reference %s names no contained resource", ref)
		}
	}
	if typ == "individual" && m["subject"] == nil {
		c.fail(path, "an individual report names its subject")
	}
	for i, x := range c.array(m["group"], path+".group") {
		p := fmt.Sprintf("%s.group[%d]", path, i)
		g := c.object(x, p, nil, "code", "population", "measureScore", "stratifier")
		if g["code"] != nil {
			c.codeableConcept(g["code"], p+".code")
		}
		c.populations(g["population"], p+".population", typ == "individual")
		if g["measureScore"] != nil {
			c.quantity(g["measureScore"], p+".measureScore")
		}
		for j, y := range c.array(g["stratifier"], p+".stratifier") {
			q := fmt.Sprintf("%s.stratifier[%d]", p, j)
			sm := c.object(y, q, nil, "code", "stratum")
			for k, z := range c.array(sm["code"], q+".code") {
				c.codeableConcept(z, fmt.Sprintf("%s.code[%d]", q, k))
			}
			for k, z := range c.array(sm["stratum"], q+".stratum") {
				r := fmt.Sprintf("%s.stratum[%d]", q, k)
				st := c.object(z, r, nil, "value", "component", "population", "measureScore")
				if st["value"] != nil {
					c.codeableConcept(st["value"], r+".value")
				}
				for l, w := range c.array(st["component"], r+".component") {
					cm := c.object(w, fmt.Sprintf("%s.component[%d]", r, l), []string{"code", "value"})
					c.codeableConcept(cm["code"], r+".component.code")
					c.codeableConcept(cm["value"], r+".component.value")
				}
				if st["value"] != nil && st["component"] != nil {
					c.fail(r, "a stratum has a value or components, not both")
				}
				c.populations(st["population"], r+".population", false)
				if st["measureScore"] != nil {
					c.quantity(st["measureScore"], r+".measureScore")
				}
			}
		}
	}
	return c.errs
}

func validateBundle(doc map[string]any) []string {
	c := &checker{}
	b := c.object(doc, "Bundle", []string{"resourceType", "type"}, "entry")
	if b["resourceType"] != "Bundle" || b["type"] != "collection" {
		c.fail("Bundle", "want a collection Bundle")
	}
	errs := c.errs
	for i, e := range c.array(b["entry"], "Bundle.entry") {
		p := fmt.Sprintf("Bundle.entry[%d]", i)
		em := c.object(e, p, []string{"fullUrl", "resource"})
		c.str(em["fullUrl"], p+".fullUrl", uriRE, "uri")
		res, _ := em["resource"].(map[string]any)
		errs = append(errs, validateMeasureReport(res, p+".resource")...)
	}
	return append(errs, c.errs...)
}

func TestValidator_CatchesViolations(t *testing.T) {
	bad := `{"resourceType":"MeasureReport","status":"done","type":"summary","measure":"x","period":{"start":"2024-13-01"},
	  "group":[{"population":[{"code":{"coding":[{"system":"http://wrong","code":"numerator"}]},"count":-1}],"measureScore":{"value":"1"}}]}`
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(bad), &doc))
	errs := strings.Join(validateMeasureReport(doc, "MR"), "\n")
	for _, want := range []string{"status: not in measure-report-status", "period.start: want a dateTime", "want a code of", "count: want a non-negative integer", "measureScore.value: want a decimal"} {
		assert.Contains(t, errs, want)
	}
}

func ExampleMeasureReport() {
	set, _ := indicator.Load("ex.yaml", []byte(`id: ex
schema: {fields: {tested: bool}}
parameters:
  period_start: {type: timestamp, default: "2024-01-01"}
  period_end: {type: timestamp, default: "2024-12-31"}
indicators:
  - {id: T, type: proportion, polarity: higher-is-better, numerator: tested}
`))
	b := indicator.NewBatchBuilder(set.Schema())
	for _, v := range []bool{true, true, false} {
		b.Field(0).AppendBool(v)
		_ = b.EndRow()
	}
	rep, _ := set.Evaluate(context.Background(), indicator.Batches(b.Build()))
	out, _ := fhir.MeasureReport(rep)
	var doc struct {
		Entry []struct {
			Resource struct {
				Type, Measure string
				Group         []struct {
					MeasureScore struct{ Value float64 }
				}
			}
		}
	}
	_ = json.NewDecoder(bytes.NewReader(out)).Decode(&doc)
	r := doc.Entry[0].Resource
	fmt.Println(r.Type, r.Measure, fmt.Sprintf("%.3f", r.Group[0].MeasureScore.Value))
	// Output: summary http://example.org/fhir/Measure/T 0.667
}
