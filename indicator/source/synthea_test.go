package source_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
)

// syntheaSample is where the real Synthea exports are, relative to this
// package's directory (../shared from the module root).
const syntheaSample = "../../../shared/data/synthea-sample"

// syntheaYAML evaluates counts that the test also computes from the raw
// CSV rows.
const syntheaYAML = `id: synthea
schema:
  unit: patient
  fields:
    id: string
    age: int?
    gender: string?
    deceased: bool?
    conditions:
      fields:
        code: string
        system: string
        onset: timestamp?
    encounters:
      fields:
        id: string
        class: string?
        start: timestamp?
        los_days: double?
    observations:
      fields:
        code: string
        value: double?
        effective: timestamp?
    medications:
      fields:
        code: string
        start: timestamp?
    procedures:
      fields:
        code: string
        performed: timestamp?
valuesets:
  diabetes:
    system: http://snomed.info/sct
    codes: ["44054006"]
  prediabetes: ["15777000"]
indicators:
  - id: patients
    type: count
  - id: diabetes
    type: count
    initial_population: conditions.exists(c, in_valueset(c.system, c.code, valuesets.diabetes))
  - id: prediabetes-any-system
    type: count
    initial_population: conditions.exists(c, c.code in valuesets.prediabetes)
  - id: inpatient-stays
    type: ratio
    numerator_value: size(encounters.filter(e, has(e.class) && e.class == "inpatient"))
    denominator_value: "1"
  - id: events
    type: ratio
    numerator_value: size(conditions) + size(encounters) + size(observations) + size(medications) + size(procedures)
    denominator_value: "1"
  - id: hba1c-tested
    type: count
    initial_population: observations.exists(o, o.code == "4548-4" && has(o.value))
  - id: female
    type: count
    initial_population: has(patient.gender) && gender == "female"
`

// readCSV returns the rows of a CSV file as maps from header to cell, or
// nil when the file is absent.
func readRawCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for j, h := range rows[0] {
			m[h] = r[j]
		}
		out = append(out, m)
	}
	return out
}

// TestSynthea_RealExportsMatchCountsFromRawRows loads the two real Synthea
// exports (Synthea 2.x and 3.x layouts, one without observations.csv),
// evaluates syntheaYAML and compares every count with one computed here
// from the raw CSV rows.
func TestSynthea_RealExportsMatchCountsFromRawRows(t *testing.T) {
	if _, err := os.Stat(syntheaSample); err != nil {
		t.Skipf("Synthea sample data not found at %s (../shared/data/synthea-sample from the module root): %v", syntheaSample, err)
	}
	set, err := indicator.Load("synthea.yaml", []byte(syntheaYAML))
	require.NoError(t, err)
	for _, name := range []string{"ca-59", "ma-100"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(syntheaSample, name)
			patients := readRawCSV(t, filepath.Join(dir, "patients.csv"))
			known := map[string]bool{}
			female := int64(0)
			for _, p := range patients {
				known[p["Id"]] = true
				if p["GENDER"] == "F" {
					female++
				}
			}
			withCode := func(file, code string) int64 {
				ids := map[string]bool{}
				for _, r := range readRawCSV(t, filepath.Join(dir, file)) {
					if r["CODE"] == code && known[r["PATIENT"]] {
						ids[r["PATIENT"]] = true
					}
				}
				return int64(len(ids))
			}
			var inpatient, events int64
			for _, file := range []string{"conditions.csv", "encounters.csv", "observations.csv", "medications.csv", "procedures.csv"} {
				for _, r := range readRawCSV(t, filepath.Join(dir, file)) {
					if known[r["PATIENT"]] {
						events++
						if r["ENCOUNTERCLASS"] == "inpatient" {
							inpatient++
						}
					}
				}
			}
			hba1c := map[string]bool{}
			for _, r := range readRawCSV(t, filepath.Join(dir, "observations.csv")) {
				if r["CODE"] == "4548-4" && r["TYPE"] == "numeric" && known[r["PATIENT"]] {
					hba1c[r["PATIENT"]] = true
				}
			}

			src := source.Synthea(set.Schema(), os.DirFS(dir), source.WithReferenceDate(time.Date(2022, 3, 4, 0, 0, 0, 0, time.UTC)), source.WithBatchSize(16))
			rep, err := set.Evaluate(context.Background(), src)
			require.NoError(t, err)
			assert.Zero(t, src.SkippedCount(), "%v", src.Skipped())
			count := func(id string) int64 {
				r, ok := rep.Result(id)
				require.True(t, ok, id)
				require.Zero(t, r.Accounting.Errored, "%s: %v", id, r.Errors)
				return int64(r.Accounting.Included)
			}
			sum := func(id string) int64 {
				r, ok := rep.Result(id)
				require.True(t, ok, id)
				return int64(r.Numerator)
			}
			assert.Equal(t, int64(len(patients)), rep.Read, "records = rows of patients.csv")
			assert.Equal(t, int64(len(patients)), count("patients"))
			assert.Equal(t, withCode("conditions.csv", "44054006"), count("diabetes"))
			assert.Equal(t, withCode("conditions.csv", "15777000"), count("prediabetes-any-system"))
			assert.Equal(t, inpatient, sum("inpatient-stays"))
			assert.Equal(t, events, sum("events"), "every event row lands in its patient's record")
			assert.Equal(t, int64(len(hba1c)), count("hba1c-tested"))
			assert.Equal(t, female, count("female"))
			t.Logf("%s: %d patients, %d events, %d with diabetes, %d inpatient stays", name, len(patients), events, count("diabetes"), inpatient)
		})
	}
}
