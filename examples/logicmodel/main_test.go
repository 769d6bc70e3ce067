package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun_ValidatesAttachesAndDraws runs the example on a small population
// and checks structural facts, not numbers that depend on the synthetic
// data.
func TestRun_ValidatesAttachesAndDraws(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run([]string{"-n", "2000", "-out", dir, "-set", "../quickstart/quickstart.yaml"}, &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	// The model is complete and its indicator ids are in the quickstart set.
	if !strings.Contains(text, "validation: no findings") {
		t.Errorf("want no findings:\n%s", text)
	}
	// Every outcome's indicator is listed with a judgement.
	for _, id := range []string{"DM-HBA1C-TESTED", "DM-HBA1C", "HT-BP", "STATIN-CVD-DM", "DM-PREV", "EMERG-ADM"} {
		if !strings.Contains(text, "      "+id+" ") {
			t.Errorf("no judgement of %s:\n%s", id, text)
		}
	}
	// Six chains: identify → identified → tested → {glycaemia, cv-risk},
	// and identify → refer → {referrals, deliver → completers} → behaviour
	// → {glycaemia, incidence}, all ending at complications.
	if !strings.Contains(text, "chains from an activity to the impact (6):") {
		t.Errorf("want 6 chains:\n%s", text)
	}
	if strings.Count(text, "→ ? complications")+strings.Count(text, "→ ✓ complications")+strings.Count(text, "→ ✗ complications") != 6 {
		t.Errorf("every chain should end at complications:\n%s", text)
	}
	mmd, err := os.ReadFile(filepath.Join(dir, "ndpp.mmd"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(mmd), "flowchart LR\n") || strings.Count(string(mmd), "subgraph ") != 8 {
		t.Errorf("Mermaid should be a flowchart with 7 column subgraphs and external factors:\n%s", mmd)
	}
	if !strings.Contains(string(mmd), "classDef offTrack") {
		t.Errorf("Mermaid lacks status classes:\n%s", mmd)
	}
	dot, err := os.ReadFile(filepath.Join(dir, "ndpp.dot"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(dot), "digraph \"ndpp\" {\n  rankdir=LR;") || strings.Count(string(dot), " -> ") != 18 {
		t.Errorf("DOT should be a left-to-right digraph with 18 edges:\n%s", dot)
	}
}
