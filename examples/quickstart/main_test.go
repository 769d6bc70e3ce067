package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun_PrintsTableAndWritesReports(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-n", "3000", "-out", dir}, &out); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"DM-HBA1C", "HT-BP", "STATIN-CVD-DM", "AF-ANTICOAG", "EMERG-ADM", "SBP-MEAN-HT", "BED-DAYS-PER-ADM", "COPD-REG"} {
		if !strings.Contains(out.String(), id) {
			t.Errorf("table lacks %s:\n%s", id, out.String())
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "quickstart-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Read       int64             `json:"records_read"`
		Indicators []json.RawMessage `json:"indicators"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Read != 3000 || len(rep.Indicators) < 8 {
		t.Errorf("report read %d records, %d indicators; want 3000 and >= 8", rep.Read, len(rep.Indicators))
	}
	if _, err := os.Stat(filepath.Join(dir, "quickstart-report.csv")); err != nil {
		t.Error(err)
	}
}

func TestRun_BadFlagIsAnError(t *testing.T) {
	if err := run([]string{"-n", "many"}, &bytes.Buffer{}); err == nil {
		t.Error("want an error for -n many")
	}
}
