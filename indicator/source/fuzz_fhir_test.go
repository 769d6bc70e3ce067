package source_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
)

// drainGrouped reads a grouping source to its end and checks the
// accounting: a clean end or an error, never a panic, and every skip
// described or counted.
func drainGrouped(t *testing.T, set *indicator.Set, src *source.Grouped) {
	n := 0
	for src.Next(context.Background()) {
		n += src.Batch().Len()
	}
	if src.Err() == nil && n != src.Records() {
		t.Fatalf("%d records delivered, %d grouped", n, src.Records())
	}
	if int64(len(src.Skipped())) > src.SkippedCount() {
		t.Fatalf("%d skips described, %d counted", len(src.Skipped()), src.SkippedCount())
	}
}

func FuzzFHIRNDJSON(f *testing.F) {
	f.Add(`{"resourceType":"Patient","id":"p","birthDate":"1980-02"}
{"resourceType":"Condition","id":"c","subject":{"reference":"Patient/p"},"code":{"coding":[{"system":"s","code":"E11"}]},"onsetPeriod":{"start":"2020"}}
{"resourceType":"Observation","id":"o","subject":{"reference":"Patient/p"},"code":{"coding":[{"code":"x"}]},"valueQuantity":{"value":1e400}}`)
	f.Add(`{"resourceType":"Patient"` + "\n" + `[]` + "\n" + `{"resourceType":"Condition","id":"c","subject":{"reference":7}}`)
	set := fhirSet(f)
	f.Fuzz(func(t *testing.T, data string) {
		drainGrouped(t, set, source.FHIRNDJSON(set.Schema(), []source.File{{Name: "f.ndjson", R: strings.NewReader(data)}}, refDate, source.WithMaxLineBytes(4096), source.WithBatchSize(2)))
	})
}

func FuzzFHIRBundle(f *testing.F) {
	f.Add(`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"p"}},{"resource":{"resourceType":"Condition","id":"c","subject":{"reference":"urn:uuid:p"},"code":{"coding":[{"code":"E11"}]}}}]}`)
	f.Add(`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Condition","code":1}}]} {"resourceType":"Bundle"}`)
	f.Add(`{"resourceType":"Bundle","entry":[`)
	set := fhirSet(f)
	f.Fuzz(func(t *testing.T, data string) {
		drainGrouped(t, set, source.FHIRBundle(set.Schema(), []source.File{{Name: "b.json", R: strings.NewReader(data)}}, refDate))
	})
}

func FuzzSynthea(f *testing.F) {
	f.Add("Id,BIRTHDATE,GENDER\np,1980-01-01,F\nq,,M\n", "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION\n2020-01-01,,p,e,44054006,Diabetes\n2021-01-01,x,q,e,1,\"bad\n")
	f.Add("Id\n", "PATIENT\n")
	set := fhirSet(f)
	f.Fuzz(func(t *testing.T, patients, conditions string) {
		fsys := fstest.MapFS{"patients.csv": {Data: []byte(patients)}, "conditions.csv": {Data: []byte(conditions)}}
		drainGrouped(t, set, source.Synthea(set.Schema(), fsys, refDate))
	})
}

func FuzzMapping(f *testing.F) {
	f.Add("reference_date: 2024-01-01\npatient: {id: id, age: age}\nevents:\n  conditions: {resources: [Condition], fields: {code: code, system: code.system, onset: onset}}\n  observations: {resources: Observation, fields: {code: code, value: value, unit: value.unit}}\n")
	f.Add("patient: [1, 2]\nevents: {x: {resources: {}}}\n")
	set := fhirSet(f)
	f.Fuzz(func(t *testing.T, data string) {
		m, err := source.ParseMapping("m.yaml", []byte(data))
		if err != nil {
			return
		}
		drainGrouped(t, set, source.FHIRNDJSON(set.Schema(), []source.File{{Name: "x.ndjson", R: strings.NewReader(`{"resourceType":"Patient","id":"p","birthDate":"1990"}`)}}, source.WithMapping(m)))
	})
}
