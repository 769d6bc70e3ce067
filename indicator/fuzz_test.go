package indicator_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/openhpi/hpi/indicator"
)

// sentinels are the classes every diagnostic must belong to.
var sentinels = []error{
	indicator.ErrInvalidDefinition,
	indicator.ErrTypeMismatch,
	indicator.ErrCycle,
	indicator.ErrCostBudget,
	indicator.ErrInvalidData,
	indicator.ErrParameter,
}

// FuzzParse loads arbitrary YAML: Parse, then Compile when parsing
// succeeded. The seed corpus is in testdata/fuzz/FuzzParse.
//
// Invariants: no panic; an error is Diagnostics whose every entry has a
// message, a line that is 0 (unknown) or at least 1, a class that is one
// of the sentinels; errors.Is finds a sentinel class on the whole error.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := indicator.Parse("fuzz.yaml", data)
		if err == nil {
			if spec == nil {
				t.Fatal("Parse returned neither a spec nor an error")
			}
			var set *indicator.Set
			set, err = indicator.Compile(spec)
			if err == nil {
				if set == nil {
					t.Fatal("Compile returned neither a set nor an error")
				}
				return
			}
		}
		var diags indicator.Diagnostics
		if !errors.As(err, &diags) {
			t.Fatalf("error is %T, not Diagnostics: %v", err, err)
		}
		if len(diags) == 0 {
			t.Fatal("empty Diagnostics as an error")
		}
		for _, d := range diags {
			if d.Message == "" {
				t.Errorf("diagnostic without a message: %#v", d)
			}
			if d.Pos.Line < 0 || d.Pos.Column < 0 {
				t.Errorf("negative position: %#v", d)
			}
			if d.Pos.Line != 0 && d.Pos.Line < 1 {
				t.Errorf("line below 1: %#v", d)
			}
			if d.Pos.Line == 0 && d.Pos.Column != 0 {
				t.Errorf("a column without a line: %#v", d)
			}
			classed := false
			for _, s := range sentinels {
				if errors.Is(d, s) {
					classed = true
				}
			}
			if !classed {
				t.Errorf("diagnostic of no sentinel class: %#v", d)
			}
			_ = d.Error() // formatting must not panic
		}
		found := false
		for _, s := range sentinels {
			if errors.Is(err, s) {
				found = true
			}
		}
		if !found {
			t.Errorf("errors.Is finds no sentinel class in %v", err)
		}
		_ = err.Error()
	})
}

// TestFuzzSeedCorpus keeps the seed corpus meaningful: files named valid_*
// load without error and files named broken_* do not.
func TestFuzzSeedCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		name := e.Name()
		valid := strings.HasPrefix(name, "valid_")
		if !valid && !strings.HasPrefix(name, "broken_") {
			continue // e.g. a crasher kept by the fuzzer
		}
		seen++
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.SplitN(strings.TrimSpace(string(raw)), "\n", 2)
			if len(lines) != 2 || lines[0] != "go test fuzz v1" {
				t.Fatalf("not a fuzz corpus file: %q", raw)
			}
			lit, ok := strings.CutPrefix(lines[1], "[]byte(")
			lit, ok2 := strings.CutSuffix(lit, ")")
			if !ok || !ok2 {
				t.Fatalf("want one []byte value, got %q", lines[1])
			}
			data, err := strconv.Unquote(lit)
			if err != nil {
				t.Fatal(err)
			}
			_, err = indicator.Load(name, []byte(data))
			if valid && err != nil {
				t.Errorf("a valid seed does not load:\n%v", err)
			}
			if !valid && err == nil {
				t.Errorf("a broken seed loads")
			}
		})
	}
	if seen < 10 {
		t.Errorf("only %d seeds", seen)
	}
}
