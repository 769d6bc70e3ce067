package logicmodel_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/openhpi/hpi/logicmodel"
)

// FuzzLoad: no input makes Load, Validate, the tracing methods or the
// exports panic, and a model that loads either has a cycle (which
// Validate reports) or enumerates its paths.
//
//	go test -run '^$' -fuzz=FuzzLoad -fuzztime=60s -fuzzminimizetime=1s ./logicmodel/
func FuzzLoad(f *testing.F) {
	f.Add([]byte(strings.Join(base, "\n")))
	f.Add([]byte("id: x\nlayout: logframe\nelements:\n  - {id: a, column: activities, text: A}\n  - {id: g, column: goal, text: G}\nlinks: [{from: a, to: g}, {from: g, to: a}]\n"))
	f.Add([]byte("id: x\nelements: [{id: a, column: impact, text: \"#<>\", indicators: [{id: I, at_most: 1}]}]\nlinks: [{from: a, to: a}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := logicmodel.Load(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			return
		}
		findings := m.Validate(logicmodel.WithKnownIndicators("I"))
		paths, _, err := m.PathsToImpact()
		cycle := false
		for _, fd := range findings {
			cycle = cycle || fd.Code == logicmodel.CodeCycle
		}
		if errors.Is(err, logicmodel.ErrCycle) != cycle {
			t.Fatalf("PathsToImpact error %v, but cycle finding %v", err, cycle)
		}
		if len(paths) > logicmodel.MaxPaths {
			t.Fatalf("%d paths, more than MaxPaths", len(paths))
		}
		for _, e := range m.Elements {
			if _, err := m.Upstream(e.ID); err != nil {
				t.Fatal(err)
			}
		}
		st, err := m.Attach(nil)
		if err == nil {
			if err := m.Mermaid(io.Discard, logicmodel.WithStatus(st)); err != nil {
				t.Fatal(err)
			}
		}
		var a, b bytes.Buffer
		if err := m.DOT(&a); err != nil {
			t.Fatal(err)
		}
		if err := m.DOT(&b); err != nil || a.String() != b.String() {
			t.Fatal("DOT output differs between two runs")
		}
	})
}
