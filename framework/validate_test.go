package framework

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
)

// setYAML is a small indicator set over {area, x, y}.
const setYAML = `id: s
schema:
  unit: row
  fields: {area: string, x: double, y: double}
definitions:
  big: x > 1.0
indicators:
  - {id: A, type: mean, polarity: higher-is-better, observation: x, stratifiers: [area]}
  - {id: B, type: mean, polarity: lower-is-better, observation: y, stratifiers: [area]}
  - {id: C, type: proportion, polarity: no-judgement, numerator: big, stratifiers: [area]}
`

func load(t *testing.T, files map[string]string) (*Framework, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return Load("f.yaml", []byte(files["f.yaml"]), WithFS(fsys))
}

func TestLoad_Valid(t *testing.T) {
	f, err := load(t, map[string]string{"f.yaml": `id: f
indicator_sets: [s.yaml]
facets: {type: [structure, process, outcome]}
nodes:
  - {id: b, title: B, order: 2, indicators: [B]}
  - {id: a, title: A, order: 1, facets: {type: process}}
  - {id: a2, parent: a, indicators: [A, {id: C, role: supporting, weight: 3}]}
  - {id: a1, parent: a, order: -1, indicators: [A]}
links: [{from: a, to: b}]
`, "s.yaml": setYAML})
	require.NoError(t, err)
	var ids []string
	var depths []int
	for _, n := range f.Nodes {
		ids = append(ids, n.ID)
		depths = append(depths, n.Depth)
	}
	assert.Equal(t, []string{"a", "a1", "a2", "b"}, ids, "tree order: depth first, siblings by order then as written")
	assert.Equal(t, []int{0, 1, 1, 0}, depths)
	assert.Equal(t, []string{"A", "C", "B"}, f.Indicators())
	n, ok := f.Node("a2")
	require.True(t, ok)
	assert.Equal(t, Ref{Indicator: "C", Role: Supporting, Weight: 3, Pos: n.Indicators[1].Pos}, n.Indicators[1])
	assert.Equal(t, indicator.Position{File: "f.yaml", Line: 7, Column: 41}, n.Indicators[1].Pos)
}

func TestLoad_Errors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings, one per expected diagnostic, in order
		class error
	}{
		{"unknown key", map[string]string{"f.yaml": "id: f\nnodez: []\n"},
			[]string{`f.yaml:2:1: framework f: unknown key "nodez"`}, indicator.ErrInvalidDefinition},
		{"duplicate key", map[string]string{"f.yaml": "id: f\ntitle: a\ntitle: b\n"},
			[]string{`f.yaml:3:1: framework f: duplicate key "title"`}, indicator.ErrInvalidDefinition},
		{"missing id", map[string]string{"f.yaml": "title: x\n"},
			[]string{`a framework needs an id`}, indicator.ErrInvalidDefinition},
		{"duplicate node", map[string]string{"f.yaml": "id: f\nnodes:\n  - {id: a}\n  - {id: a}\n"},
			[]string{`f.yaml:4:5: framework f nodes.id: duplicate node "a" (first at f.yaml:3:5)`}, indicator.ErrInvalidDefinition},
		{"unknown parent", map[string]string{"f.yaml": "id: f\nnodes:\n  - {id: a, parent: z}\n"},
			[]string{`f.yaml:3:5: framework f nodes.parent: node "a" has parent "z", which is not a node`}, indicator.ErrInvalidDefinition},
		{"parent cycle", map[string]string{"f.yaml": "id: f\nnodes:\n  - {id: a, parent: b}\n  - {id: b, parent: a}\n"},
			[]string{`f.yaml:3:5: framework f nodes.parent: node "a" is not under a root: its parents form a cycle (a → b → a)`,
				`f.yaml:4:5: framework f nodes.parent: node "b" is not under a root: its parents form a cycle (b → a → b)`}, ErrCycle},
		{"link cycle", map[string]string{"f.yaml": "id: f\nnodes: [{id: a}, {id: b}]\nlinks:\n  - {from: a, to: b}\n  - {from: b, to: a}\n"},
			[]string{`f.yaml:5:5: framework f links: link b → a closes a cycle of causal links`}, ErrCycle},
		{"dangling link", map[string]string{"f.yaml": "id: f\nnodes: [{id: a}]\nlinks: [{from: a, to: q}]\n"},
			[]string{`f.yaml:3:9: framework f links: no node "q"`}, indicator.ErrInvalidDefinition},
		{"facet value", map[string]string{"f.yaml": "id: f\nfacets: {t: [x, y]}\nnodes: [{id: a, facets: {t: z}}]\n"},
			[]string{`f.yaml:3:9: framework f nodes.facets: "z" is not a value of facet t (want one of: x, y)`}, indicator.ErrInvalidDefinition},
		{"unknown facet", map[string]string{"f.yaml": "id: f\nnodes: [{id: a, facets: {q: z}}]\n"},
			[]string{`f.yaml:2:9: framework f nodes.facets: no facet "q"`}, indicator.ErrInvalidDefinition},
		{"unresolved indicator and empty leaf", map[string]string{"f.yaml": "id: f\nindicator_sets: [s.yaml]\nnodes:\n  - {id: a, indicators: [Z]}\n  - {id: b}\n", "s.yaml": setYAML},
			[]string{`f.yaml:4:26: framework f indicators: no indicator "Z" in the framework's indicator sets`,
				`f.yaml:5:5: framework f indicators: leaf node "b" has no indicator`}, indicator.ErrInvalidDefinition},
		{"bad role", map[string]string{"f.yaml": "id: f\nnodes: [{id: a, indicators: [{id: A, role: lead}]}]\n"},
			[]string{`unknown role "lead"`}, indicator.ErrInvalidDefinition},
		{"missing set file", map[string]string{"f.yaml": "id: f\nindicator_sets: [nope.yaml]\nnodes: [{id: a, indicators: [A]}]\n"},
			[]string{`f.yaml:2:18: framework f indicator_sets: cannot read indicator set`}, indicator.ErrInvalidDefinition},
		{"duplicate indicator across sets", map[string]string{"f.yaml": "id: f\nindicator_sets: [s.yaml, t.yaml]\nnodes: [{id: a, indicators: [A]}]\n",
			"s.yaml": setYAML, "t.yaml": strings.Replace(setYAML, "id: s\n", "id: t\n", 1)},
			[]string{`t.yaml:8:5: framework f indicators: indicator "A" is defined twice in the framework's sets (first at s.yaml:8:5)`,
				`t.yaml:9:5: framework f indicators: indicator "B" is defined twice`, `t.yaml:10:5: framework f indicators: indicator "C" is defined twice`}, indicator.ErrInvalidDefinition},
		{"definition differs", map[string]string{"f.yaml": "id: f\nindicator_sets: [s.yaml, t.yaml]\nnodes: [{id: a, indicators: [A]}]\n",
			"s.yaml": setYAML, "t.yaml": "id: t\nschema:\n  unit: row\n  fields: {x: double}\ndefinitions:\n  big: x > 2.0\n"},
			[]string{`t.yaml:6:8: framework f definitions: definition "big" differs from the one at s.yaml:6:8`}, indicator.ErrInvalidDefinition},
		{"schema differs", map[string]string{"f.yaml": "id: f\nindicator_sets: [s.yaml, t.yaml]\nnodes: [{id: a, indicators: [A]}]\n",
			"s.yaml": setYAML, "t.yaml": "id: t\nschema:\n  unit: row\n  fields: {x: int}\n"},
			[]string{`f.yaml:2:26: framework f indicator_sets: schema field "x" is int in t.yaml but double in s.yaml`}, indicator.ErrInvalidDefinition},
		{"inline set error is positioned in the framework file", map[string]string{"f.yaml": "id: f\nnodes: [{id: a, indicators: [A]}]\nset:\n  id: s\n  schema: {fields: {x: double}}\n  indicators:\n    - {id: A, type: mean, observation: xx}\n"},
			[]string{`f.yaml:7:40: indicator A observation: undeclared reference to 'xx'`}, indicator.ErrTypeMismatch},
		{"crosswalk to a missing template node", map[string]string{"f.yaml": "id: f\nnodes: [{id: a}]\ncrosswalks: [{node: a, framework: iom-steeep, target: nope, relation: equivalent, source: me}]\n"},
			[]string{`f.yaml:3:14: framework f crosswalks.target: template iom-steeep has no node "nope"`}, indicator.ErrInvalidDefinition},
		{"crosswalk without source", map[string]string{"f.yaml": "id: f\nnodes: [{id: a}]\ncrosswalks: [{node: a, framework: x, target: y, relation: related}]\n"},
			[]string{`a crosswalk needs the source that defines it`}, indicator.ErrInvalidDefinition},
		{"unknown template", map[string]string{"f.yaml": "id: f\nextends: nope\n"},
			[]string{`f.yaml:2:10: framework f extends: no template "nope"`}, indicator.ErrInvalidDefinition},
		{"attach to unknown node", map[string]string{"f.yaml": "id: f\nextends: donabedian\nattach: {nope: [A]}\n"},
			[]string{`f.yaml:3:10: framework f attach: no node "nope"`}, indicator.ErrInvalidDefinition},
		{"composite with a no-judgement indicator", map[string]string{"f.yaml": "id: f\nindicator_sets: [s.yaml]\nnodes: [{id: a, indicators: [A, C]}]\ncomposites:\n  - {id: k, across: area, normalisation: rank, indicators: [A, C]}\n", "s.yaml": setYAML},
			[]string{`framework f composites.indicators: indicator "C" has no polarity`}, indicator.ErrInvalidDefinition},
		{"composite across a missing stratifier", map[string]string{"f.yaml": "id: f\nindicator_sets: [s.yaml]\nnodes: [{id: a, indicators: [A]}]\ncomposites:\n  - {id: k, across: practice, normalisation: min-max, indicators: [A]}\n", "s.yaml": setYAML},
			[]string{`composites.across: indicator "A" has no stratifier "practice"`}, indicator.ErrInvalidDefinition},
		{"bad normalisation", map[string]string{"f.yaml": "id: f\ncomposites: [{id: k, across: a, normalisation: median}]\n"},
			[]string{`unknown normalisation "median"`}, indicator.ErrInvalidDefinition},
		{"bad YAML", map[string]string{"f.yaml": "id: [\n"},
			[]string{`f.yaml:`}, indicator.ErrInvalidDefinition},
		{"empty", map[string]string{"f.yaml": ""},
			[]string{`empty document`}, indicator.ErrInvalidDefinition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.files)
			ds := diagnostics(t, err)
			require.Len(t, ds, len(tt.want), "%v", err)
			for i, w := range tt.want {
				assert.Contains(t, ds[i].Error(), w)
			}
			assert.True(t, errors.Is(err, tt.class), "want class %v in %v", tt.class, err)
		})
	}
}

// A template is a skeleton: it loads with empty leaves, and evaluating it
// is ErrNoIndicators.
func TestTemplate_EvaluateWithoutIndicators(t *testing.T) {
	f, err := Template("donabedian")
	require.NoError(t, err)
	assert.Nil(t, f.Set())
	_, err = f.Evaluate(t.Context(), nil)
	assert.ErrorIs(t, err, ErrNoIndicators)
}
