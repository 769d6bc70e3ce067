package stratify

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/openhpi/hpi/internal/yamlsrc"
)

// FuzzParse fuzzes the YAML stage of Load (parse and structural
// validation, no CEL), which runs thousands of times faster than the whole
// of Load and so explores far more inputs: no input makes it panic, and
// every diagnostic it returns names the file.
//
//	go test -run '^$' -fuzz=FuzzParse -fuzztime=5m -fuzzminimizetime=1s ./stratify/
//
// The seeds are whole models (kilobytes): without -fuzzminimizetime the
// fuzzer spends its default minute minimising each new input and seems
// to stall.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../examples/riskmodels/*.yaml")
	seeds, _ := filepath.Glob("testdata/fuzz/FuzzLoad/*")
	for _, name := range append(files, seeds...) {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, diags := parse("fuzz.yaml", data)
		for _, d := range diags {
			if d.Pos.File != "fuzz.yaml" {
				t.Fatalf("diagnostic without the file: %v", d)
			}
		}
		if len(diags) == 0 && m != nil {
			p := &parser{Walker: yamlsrc.Walker{File: yamlsrc.NewFile("fuzz.yaml", data)}}
			m.validate(p)
		}
	})
}
