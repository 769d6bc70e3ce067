package main

import (
	"os"
	"strings"
	"testing"
)

// The adults with diabetes are p1 (HbA1c 52), p2 (61), p3 (never measured)
// and p5 (48): 2 of 4 are at or below 58. Wilson's 95% interval for 2/4 is
// 0.5 ± 1.96·sqrt(0.0625 + 1.96²/64)/(1 + 1.96²/4) = 15.0% to 85.0%.
func TestTutorial_FirstIndicator(t *testing.T) {
	var out strings.Builder
	if err := run(&out, "."); err != nil {
		t.Fatal(err)
	}
	want := "Adults with diabetes whose HbA1c is 58 mmol/mol or less: 50.0% (2 of 4; 95% CI 15.0–85.0)\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// docs/tutorial.md shows these files whole: they cannot drift apart.
func TestTutorial_DocShowsTheFiles(t *testing.T) {
	doc, err := os.ReadFile("../../docs/tutorial.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"first.yaml", "patients.csv", "main.go"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(doc), string(b)) {
			t.Errorf("docs/tutorial.md does not show examples/tutorial/%s as it is", name)
		}
	}
}
