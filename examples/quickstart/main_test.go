package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openhpi/hpi/dashboardspec"
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

func TestRun_WritesTheDashboard(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-n", "3000", "-periods", "4", "-out", dir}, &out); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := dashboardspec.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	kinds := map[dashboardspec.Kind]int{}
	for _, p := range d.Panels {
		kinds[p.Kind]++
	}
	for _, k := range []dashboardspec.Kind{dashboardspec.KindStat, dashboardspec.KindTable, dashboardspec.KindBar, dashboardspec.KindFunnel, dashboardspec.KindCaterpillar, dashboardspec.KindSPC, dashboardspec.KindSpine} {
		if kinds[k] == 0 {
			t.Errorf("the dashboard has no %s panel", k)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "dashboard.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "vega-embed") || !strings.Contains(string(html), "<table>") {
		t.Error("dashboard.html lacks the vega-embed script or its tables")
	}
	specs, err := filepath.Glob(filepath.Join(dir, "vega", "*.vl.json"))
	if err != nil || len(specs) == 0 {
		t.Errorf("no Vega-Lite specs written: %v", err)
	}
	if !strings.Contains(out.String(), "dashboard.html") {
		t.Errorf("the output does not say where the dashboard is:\n%s", out.String())
	}
}

func TestRun_BadFlagIsAnError(t *testing.T) {
	if err := run([]string{"-n", "many"}, &bytes.Buffer{}); err == nil {
		t.Error("want an error for -n many")
	}
}
