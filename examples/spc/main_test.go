package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRun_FlagsTheRecallProgramme: the months after the deliberate shift
// are outside the limits set by the months before it.
func TestRun_FlagsTheRecallProgramme(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-n", "20000"}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	flagged := map[string]bool{}
	for _, l := range lines {
		if strings.HasSuffix(l, "outside the 3-sigma limits") {
			flagged[strings.Fields(l)[0]] = true
		}
	}
	for _, month := range []string{"2024-10", "2024-11", "2024-12", "2025-01", "2025-02"} {
		if !flagged[month] {
			t.Errorf("%s not flagged:\n%s", month, out.String())
		}
	}
	for _, month := range []string{"2024-01", "2024-05", "2024-09"} {
		if flagged[month] {
			t.Errorf("baseline month %s flagged:\n%s", month, out.String())
		}
	}
	if !strings.Contains(out.String(), "variation icon: special_cause_improvement") {
		t.Errorf("the last month should be a special cause of improvement:\n%s", out.String())
	}
}
