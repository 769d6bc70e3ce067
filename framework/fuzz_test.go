package framework

import (
	"testing"
	"testing/fstest"
)

// FuzzLoad checks that Load never panics and that every error is
// diagnostics with a position.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("id: f\nnodes: [{id: a, indicators: [A]}]\nindicator_sets: [s.yaml]\n"))
	f.Add([]byte("id: f\nextends: donabedian\nattach: {structure: [A], process: [B], outcome: [{id: A, role: supporting}]}\nindicator_sets: [s.yaml]\n"))
	f.Add([]byte("id: f\nnodes: [{id: a, parent: b}, {id: b, parent: a}]\nlinks: [{from: a, to: b}, {from: b, to: a}]\n"))
	f.Add([]byte("id: f\nfacets: {t: [x]}\nnodes: [{id: a, facets: {t: y}}]\ncrosswalks: [{node: a, framework: iom-steeep, target: safe, relation: related, source: s}]\n"))
	f.Add([]byte("id: f\nnodes: [{id: a, indicators: [A]}]\nset:\n  id: s\n  schema: {fields: {x: double}}\n  indicators:\n    - {id: A, type: mean, observation: x}\ncomposites: [{id: c, across: x, normalisation: rank}]\n"))
	fsys := fstest.MapFS{"s.yaml": &fstest.MapFile{Data: []byte(setYAML)}}
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := Load("f.yaml", data, WithFS(fsys))
		if err == nil {
			if fw == nil {
				t.Fatal("nil framework without error")
			}
			return
		}
		if _, ok := err.(interface{ Unwrap() []error }); !ok {
			t.Fatalf("error is not diagnostics: %T %v", err, err)
		}
	})
}
