package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun_EvaluatesTheExampleEndToEnd runs the example: six patients (five
// in NDJSON, one in the Bundle), no resource skipped, the counts worked
// out by hand from data/, and MeasureReport JSON written.
func TestRun_EvaluatesTheExampleEndToEnd(t *testing.T) {
	out := t.TempDir()
	var buf bytes.Buffer
	require.NoError(t, run(context.Background(), ".", out, &buf))
	got := buf.String()
	assert.Contains(t, got, "6 patients read, 0 resources skipped")
	// Adults with diabetes: p1 (SNOMED), p2 (ICD-10-CM), p4, the Bundle's
	// patient; p3's code has the right digits in another system. Tested
	// in 2021: p1 and the Bundle's patient.
	assert.Contains(t, got, "DM-HBA1C-TESTED      50.0  (2 / 4)")
	assert.Contains(t, got, "DM-HBA1C-CONTROL     50.0  (1 / 2)")
	// Inpatient stays started in 2021: p2 twice, p4 once, over 6 patients.
	assert.Contains(t, got, "INPATIENT-STAYS       0.5  (3 / 6)")
	assert.Contains(t, got, "numerator=true")
	for _, name := range []string{"measurereports.json", "p1-DM-HBA1C-TESTED.json"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err)
		assert.True(t, json.Valid(b), name)
	}
}
