package stratify_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/openhpi/hpi/stratify"
)

// FuzzLoad: no input makes Load panic, and a model that loads scores its
// own reference cases again. Load compiles CEL, so it runs a few hundred
// inputs a second; FuzzParse covers the YAML stage faster.
//
//	go test -run '^$' -fuzz=FuzzLoad -fuzztime=5m -fuzzminimizetime=1s ./stratify/
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("../examples/riskmodels/*.yaml")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := stratify.Load(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			return
		}
		for _, rc := range m.ReferenceCases {
			if _, err := m.Score(rc.Inputs); err != nil {
				t.Fatalf("a loaded model fails its reference case: %v", err)
			}
		}
	})
}
