package source_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
)

// fhirYAML uses the default mapping's names.
const fhirYAML = `id: fhir
schema:
  unit: patient
  fields:
    id: string
    age: int?
    gender: string?
    conditions:
      fields:
        code: string
        system: string?
        onset: timestamp?
    observations:
      fields:
        code: string
        value: double?
        unit: string?
indicators:
  - id: all
    type: count
    stratifiers:
      - id: record
        components:
          - id
          - 'has(patient.age) ? string(age) : "-"'
          - 'conditions.map(c, c.code).join("|")'
          - 'observations.map(o, has(o.value) ? string(o.value) : "-").join("|")' 
`

func fhirSet(t testing.TB) *indicator.Set {
	t.Helper()
	set, err := indicator.Load("fhir.yaml", []byte(fhirYAML), indicator.WithCostBudget(math.MaxUint64))
	require.NoError(t, err)
	return set
}

// strataOf returns the record stratifier's values, one string per record.
func strataOf(t *testing.T, set *indicator.Set, src indicator.Source) []string {
	t.Helper()
	rep, err := set.Evaluate(context.Background(), src)
	require.NoError(t, err)
	var out []string
	for _, st := range rep.Indicators[0].Stratifiers[0].Strata {
		out = append(out, strings.Join(st.Values, " "))
	}
	return out
}

var refDate = source.WithReferenceDate(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))

func TestFHIRNDJSON_GroupsUnsortedFilesByPatient(t *testing.T) {
	set := fhirSet(t)
	patients := `{"resourceType":"Patient","id":"b","birthDate":"2000-06-15","gender":"male"}
{"resourceType":"Patient","id":"a","birthDate":"1950"}
`
	conds := `{"resourceType":"Condition","id":"1","subject":{"reference":"Patient/a"},"code":{"coding":[{"system":"s","code":"E11"}]}}
{"resourceType":"Condition","id":"2","subject":{"reference":"Patient/b"},"code":{"coding":[{"code":"I10"}]}}
{"resourceType":"Condition","id":"3","subject":{"reference":"http://x.org/fhir/Patient/a/_history/2"},"code":{"coding":[{"code":"E10"}]}}
`
	obs := `{"resourceType":"Observation","id":"o","subject":{"reference":"Patient/b"},"code":{"coding":[{"code":"4548-4"}]},"valueQuantity":{"value":7.5,"unit":"%"}}`
	src := source.FHIRNDJSON(set.Schema(), []source.File{
		{Name: "Condition.ndjson", R: strings.NewReader(conds)},
		{Name: "Patient.ndjson", R: strings.NewReader(patients)},
		{Name: "Observation.ndjson", R: strings.NewReader(obs)},
	}, refDate, source.WithBatchSize(1))
	assert.ElementsMatch(t, []string{"b 23 I10 7.5", "a 74 E11|E10 "}, strataOf(t, set, src))
	assert.Zero(t, src.SkippedCount(), "%v", src.Skipped())
}

// TestFHIRNDJSON_SkipsMalformedResourcesWithAReasonEach feeds one bad
// resource of each kind: each is skipped with its line and a reason that
// quotes no value from the data, and the good ones are read.
func TestFHIRNDJSON_SkipsMalformedResourcesWithAReasonEach(t *testing.T) {
	set := fhirSet(t)
	lines := []struct{ line, reason, element string }{
		{`{"resourceType":"Patient","id":"p","birthDate":"1980-01-01"}`, "", ""},
		{`{"resourceType":"Patient","birthDate":"SECRET-1"}`, "no id", "id"},
		{`{"resourceType":"Patient","id":"p","gender":"female"}`, "a second Patient with this id", "id"},
		{`{"resourceType":"Patient","id":"q","birthDate":"SECRET-2"}`, "not a FHIR date or dateTime", "birthDate"},
		{`{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p"},"code":{"coding":[{"code":"E11"}]}}`, "", ""},
		{`{"resourceType":"Condition","id":"c2","subject":{"reference":"Patient/p"},"code":"SECRET-3"}`, "want an object, got a JSON string", "code"},
		{`{"resourceType":"Condition","subject":{"reference":"Patient/p"}}`, "no id", "id"},
		{`{"resourceType":"Condition","id":"c4","subject":{"reference":"Group/g"},"code":{"coding":[{"code":"E11"}]}}`, "subject is not a reference to a Patient", "subject"},
		{`{"resourceType":"Condition","id":"c5","subject":{"reference":"Patient/p"}}`, "missing, but field code is not nullable", "code"},
		{`{"resourceType":"Condition","id":"c6","subject":{"reference":"Patient/p"},"code":{"coding":[{"code":"E11"}]},"onsetDateTime":"SECRET-4"}`, "not a FHIR date or dateTime", "onsetDateTime"},
		{`{"resourceType":"Spaceship","id":"x"}`, "unknown resource type", "resourceType"},
		{`{"id":"x"}`, "no resourceType", "resourceType"},
		{`{"resourceType":"Observation","id":"o1","subject":{"reference":"Patient/p"},"code":{"coding":[{"code":"x"}]},"valueQuantity":{"value":"SECRET-5"}}`, "want a number, got a JSON string", "valueQuantity.value"},
		{`{"resourceType":"Observation", SECRET-6`, "malformed JSON at byte 32", ""},
		{`[1,2]`, "want an object, got a JSON array", ""},
		{``, "", ""},
		{`{"resourceType":"Condition","id":"c9","subject":{"reference":"Patient/nobody"},"code":{"coding":[{"code":"E11"}]}}`, "", ""},
	}
	var sb strings.Builder
	var want []source.Skip
	for i, l := range lines {
		sb.WriteString(l.line + "\n")
		if l.reason != "" {
			want = append(want, source.Skip{File: "all.ndjson", Line: i + 1, Element: l.element, Reason: l.reason, Count: 1})
		}
	}
	src := source.FHIRNDJSON(set.Schema(), []source.File{{Name: "all.ndjson", R: strings.NewReader(sb.String())}}, refDate)
	assert.Equal(t, []string{"p 44 E11 "}, strataOf(t, set, src))
	got := src.Skipped()
	require.Len(t, got, len(want)+1, "%v", got)
	for i, w := range want {
		assert.Equal(t, w.Line, got[i].Line, "skip %d: %v", i, got[i])
		assert.Equal(t, w.Reason, got[i].Reason, "line %d", w.Line)
		assert.Equal(t, w.Element, got[i].Element, "line %d", w.Line)
	}
	orphan := got[len(got)-1]
	assert.Equal(t, "Condition", orphan.ResourceType)
	assert.Contains(t, orphan.Reason, "no Patient resource")
	assert.Equal(t, int64(len(want)+1), src.SkippedCount())
	for _, s := range got {
		assert.NotContains(t, s.Error(), "SECRET", "a skip quotes the data")
	}
}

func TestFHIRBundle_ReadsEntriesAndResolvesFullURLs(t *testing.T) {
	set := fhirSet(t)
	bundle := `{"resourceType":"Bundle","type":"collection","entry":[
	  {"fullUrl":"urn:uuid:c","resource":{"resourceType":"Condition","id":"c","subject":{"reference":"urn:uuid:p"},"code":{"coding":[{"code":"E11"}]}}},
	  {"resource":{"resourceType":"Condition","id":"bad","code":7}},
	  {"fullUrl":"urn:uuid:p","resource":{"resourceType":"Patient","id":"p","birthDate":"2001-02-03"}}
	]}
	{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"z"}}]}`
	src := source.FHIRBundle(set.Schema(), []source.File{{Name: "b.json", R: strings.NewReader(bundle)}}, refDate)
	assert.Equal(t, []string{"p 22 E11 ", "z -  "}, strataOf(t, set, src))
	require.Len(t, src.Skipped(), 1)
	assert.Equal(t, source.Skip{File: "b.json", Entry: 2, ResourceType: "Condition", ID: "bad", Element: "resource.code", Reason: "want an object, got a JSON number", Count: 1}, src.Skipped()[0])
}

func TestFHIRBundle_MalformedJSONStopsTheSource(t *testing.T) {
	set := fhirSet(t)
	src := source.FHIRBundle(set.Schema(), []source.File{{Name: "b.json", R: strings.NewReader(`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p"}}, {oops`)}}, refDate)
	_, err := set.Evaluate(context.Background(), src)
	require.Error(t, err)
	assert.ErrorIs(t, err, indicator.ErrInvalidData)
	assert.Contains(t, err.Error(), "b.json")
}

func TestFHIR_MappingErrorsHaveFileLineColumn(t *testing.T) {
	_, err := source.ParseMapping("map.yaml", []byte(`patient:
  id: id
  age: birthdate
events:
  conditions:
    resources: [Condition, Starship]
    fields: {code: code}
colour: blue
`))
	require.Error(t, err)
	var ds indicator.Diagnostics
	require.ErrorAs(t, err, &ds)
	msg := err.Error()
	assert.Contains(t, msg, `map.yaml:3:8: patient age: Patient has no element "birthdate"`)
	assert.Contains(t, msg, `map.yaml:6:5: events conditions: unknown event resource type "Starship"`)
	assert.Contains(t, msg, `map.yaml:8:1: mapping: unknown key "colour"`)
	assert.ErrorIs(t, err, indicator.ErrInvalidDefinition)
}

func TestFHIR_MappingIsCheckedAgainstTheSchema(t *testing.T) {
	set := fhirSet(t)
	m, err := source.ParseMapping("map.yaml", []byte(`patient:
  id: id
  years: age
events:
  conditions:
    resources: Condition
    fields: {code: code, onset: code}
`))
	require.NoError(t, err)
	src := source.FHIRNDJSON(set.Schema(), nil, source.WithMapping(m))
	_, err = set.Evaluate(context.Background(), src)
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, `map.yaml:3:3: patient: no schema field "years"`)
	assert.Contains(t, msg, `map.yaml:7:26: events conditions: field onset has type timestamp?, but Condition.code is a string`)
	assert.Contains(t, msg, `events: the schema's event list observations is not mapped`)
}

func TestFHIR_AgeNeedsAReferenceDate(t *testing.T) {
	set := fhirSet(t)
	_, err := set.Evaluate(context.Background(), source.FHIRNDJSON(set.Schema(), nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs a reference date")
}

func TestFHIR_TooManyResourcesStopsTheSource(t *testing.T) {
	set := fhirSet(t)
	data := strings.Repeat(`{"resourceType":"Patient","id":"p"}`+"\n", 1) + strings.Repeat(`{"resourceType":"Condition","id":"c","subject":{"reference":"Patient/p"},"code":{"coding":[{"code":"E11"}]}}`+"\n", 5)
	src := source.FHIRNDJSON(set.Schema(), []source.File{{Name: "x.ndjson", R: strings.NewReader(data)}}, refDate, source.WithMaxResources(3))
	_, err := set.Evaluate(context.Background(), src)
	assert.ErrorIs(t, err, source.ErrTooManyResources)
}

// errReader fails after its data.
type errReader struct{ data *strings.Reader }

func (e errReader) Read(p []byte) (int, error) {
	if e.data.Len() == 0 {
		return 0, errors.New("disk on fire")
	}
	return e.data.Read(p)
}

func TestFHIR_IOErrorStopsTheSource(t *testing.T) {
	set := fhirSet(t)
	src := source.FHIRNDJSON(set.Schema(), []source.File{{Name: "x.ndjson", R: errReader{strings.NewReader(`{"resourceType":"Patient","id":"p"}` + "\n")}}}, refDate)
	_, err := set.Evaluate(context.Background(), src)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk on fire")
}

// ndjsonPopulation writes patients Patients and three events each
// (two Conditions and an Observation), the events in file order unrelated
// to the patients'.
type ndjsonPopulation struct {
	patients int
}

func (p ndjsonPopulation) files() []source.File {
	return []source.File{
		{Name: "Observation.ndjson", R: &genReader{n: p.patients, line: func(i int, b []byte) []byte {
			return fmt.Appendf(b, `{"resourceType":"Observation","id":"o%d","status":"final","subject":{"reference":"Patient/p%d"},"code":{"coding":[{"system":"http://loinc.org","code":"4548-4"}]},"effectiveDateTime":"2023-0%d-15","valueQuantity":{"value":%d.%d,"unit":"%%"}}`+"\n", i, (i*7919)%p.patients, 1+i%9, 5+i%6, i%10)
		}}},
		{Name: "Patient.ndjson", R: &genReader{n: p.patients, line: func(i int, b []byte) []byte {
			return fmt.Appendf(b, `{"resourceType":"Patient","id":"p%d","gender":"%s","birthDate":"19%02d-0%d-1%d","address":[{"city":"Town","postalCode":"0%04d"}]}`+"\n", i, []string{"female", "male"}[i%2], 20+i%80, 1+i%9, i%10, i%10000)
		}}},
		{Name: "Condition.ndjson", R: &genReader{n: 2 * p.patients, line: func(i int, b []byte) []byte {
			return fmt.Appendf(b, `{"resourceType":"Condition","id":"c%d","subject":{"reference":"Patient/p%d"},"clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"%d","display":"Condition %d"}]},"onsetDateTime":"20%02d-01-01"}`+"\n", i, (i*104729)%p.patients, 44054006+i%50, i%50, i%23)
		}}},
	}
}

// genReader generates n lines without holding them.
type genReader struct {
	n, i int
	line func(i int, b []byte) []byte
	buf  []byte
}

func (g *genReader) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.i < g.n {
		g.buf = g.line(g.i, g.buf)
		g.i++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

// BenchmarkFHIRNDJSON reads 1,000,000 NDJSON resources (250,000 patients,
// 500,000 Conditions, 250,000 Observations, files not sorted by patient),
// generated as they are read, grouped into 250,000 records; it reports
// resources/s and the peak heap (sampled after each batch and at the end
// of loading, garbage included) and the heap retained after loading (the
// side store, after a GC).
func BenchmarkFHIRNDJSON(b *testing.B) {
	const patients = 250_000
	set := fhirSet(b)
	var peak, retained uint64
	for range b.N {
		runtime.GC()
		src := source.FHIRNDJSON(set.Schema(), ndjsonPopulation{patients}.files(), refDate)
		n := 0
		var ms runtime.MemStats
		for src.Next(context.Background()) {
			n += src.Batch().Len()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			if n == src.Batch().Len() { // after loading: what the store keeps
				b.StopTimer()
				runtime.GC()
				runtime.ReadMemStats(&ms)
				retained = max(retained, ms.HeapAlloc)
				b.StartTimer()
			}
		}
		if err := src.Err(); err != nil {
			b.Fatal(err)
		}
		if n != patients || src.SkippedCount() != 0 {
			b.Fatalf("%d records, %d skipped: %v", n, src.SkippedCount(), src.Skipped())
		}
	}
	b.ReportMetric(float64(4*patients)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
}

// TestFHIRNDJSON_MillionResourcesInBoundedMemory checks the memory bound
// of the package documentation: 1,000,000 resources grouped with a peak
// heap under 200 MB (about 100 bytes a resource, ids and all).
func TestFHIRNDJSON_MillionResourcesInBoundedMemory(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("1,000,000 resources: not in -short or -race runs")
	}
	res := testing.Benchmark(BenchmarkFHIRNDJSON)
	peak := res.Extra["peak-heap-MB"]
	t.Logf("1,000,000 resources: %.0f resources/s, peak heap %.0f MB, retained %.0f MB", res.Extra["resources/s"], peak, res.Extra["retained-MB"])
	assert.Less(t, peak, 200.0)
}
