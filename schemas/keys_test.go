package schemas_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/framework"
	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
	"github.com/openhpi/hpi/logicmodel"
	"github.com/openhpi/hpi/schemas"
	"github.com/openhpi/hpi/stratify"
)

// This file keeps the schemas in step with the loaders, which walk YAML
// nodes by hand rather than decode into tagged structs: for every mapping
// a loader reads, a document with an unknown key at that level makes the
// loader list the keys it accepts ("unknown key "zzz_unknown" (want one
// of: a, b, c)"), and that list must equal the properties of the schema
// at the corresponding place, in both directions.

// unknownKey is the key the probes add; no loader accepts it.
const unknownKey = "zzz_unknown"

// probe is one level of one kind: a YAML document with unknownKey at
// that level, and the JSON pointer of the schema object that describes it.
type probe struct {
	name    string
	doc     string
	pointer string
}

// loaders parse a document of each kind and return the error.
var loaders = map[string]func(data []byte) error{
	"indicator-set": func(data []byte) error {
		spec, err := indicator.Parse("probe.yaml", data)
		if err != nil {
			return err
		}
		_, err = indicator.Compile(spec)
		return err
	},
	"risk-model": func(data []byte) error {
		_, err := stratify.Load(bytes.NewReader(data), "probe.yaml")
		return err
	},
	"framework": func(data []byte) error {
		_, err := framework.Load("probe.yaml", data)
		return err
	},
	"logic-model": func(data []byte) error {
		_, err := logicmodel.Load(bytes.NewReader(data), "probe.yaml")
		return err
	},
	"fhir-mapping": func(data []byte) error {
		_, err := source.ParseMapping("probe.yaml", data)
		return err
	},
}

// probes lists every mapping each loader reads with fixed keys.
var probes = map[string][]probe{
	"indicator-set": {
		{"set", "zzz_unknown: 1\n", ""},
		{"schema", "schema: {zzz_unknown: 1}\n", "/$defs/schema"},
		{"schema field (mapping form)", "schema: {fields: {x: {type: int, zzz_unknown: 1}}}\n", "/$defs/field"},
		{"parameter (mapping form)", "parameters: {p: {type: int, zzz_unknown: 1}}\n", "/$defs/parameter"},
		{"value set (mapping form)", "valuesets: {v: {codes: [a], zzz_unknown: 1}}\n", "/$defs/valueSet"},
		{"value set code (mapping form)", "valuesets: {v: [{code: a, zzz_unknown: 1}]}\n", "/$defs/code"},
		{"indicator", "indicators: [{id: A, type: count, zzz_unknown: 1}]\n", "/$defs/indicator"},
		{"confidence", "indicators: [{id: A, type: count, confidence: {zzz_unknown: 1}}]\n", "/$defs/indicator/properties/confidence"},
		{"threshold", "indicators: [{id: A, type: count, thresholds: [{status: g, zzz_unknown: 1}]}]\n", "/$defs/indicator/properties/thresholds/items"},
		{"stratifier (mapping form)", "indicators: [{id: A, type: count, stratifiers: [{id: s, expression: x, zzz_unknown: 1}]}]\n", "/$defs/indicator/properties/stratifiers/items"},
		{"disclosure policy", "indicators: [{id: A, type: count, disclosure: {zzz_unknown: 1}}]\n", "/$defs/indicator/properties/disclosure"},
		{"reference", "indicators: [{id: A, type: isr, reference: {zzz_unknown: 1}}]\n", "/$defs/indicator/properties/reference"},
	},
	"risk-model": {
		{"model", "id: t\nzzz_unknown: 1\n", ""},
		{"input (mapping form)", "id: t\ninputs: {x: {type: int, zzz_unknown: 1}}\n", "/$defs/input"},
		{"component", "id: t\ncomponents: {c: {zzz_unknown: 1}}\n", "/$defs/component"},
		{"band", "id: t\ncomponents: {c: {input: x, bands: [{points: 1, zzz_unknown: 1}]}}\n", "/$defs/band"},
		{"hierarchy", "id: t\nhierarchies: [{zzz_unknown: 1}]\n", "/properties/hierarchies/items"},
		{"score", "id: t\nscore: {zzz_unknown: 1}\n", "/properties/score"},
		{"logistic", "id: t\nlogistic: {zzz_unknown: 1}\n", "/properties/logistic"},
		{"tier", "id: t\ntiers: [{name: a, zzz_unknown: 1}]\n", "/properties/tiers/items"},
		{"segment", "id: t\nsegments: [{name: a, zzz_unknown: 1}]\n", "/properties/segments/items"},
		{"reference case", "id: t\nreference_cases: [{score: 1, zzz_unknown: 1}]\n", "/$defs/referenceCase"},
	},
	"framework": {
		{"framework", "id: f\nzzz_unknown: 1\n", ""},
		{"facet (mapping form)", "id: f\nfacets: {t: {values: [a], zzz_unknown: 1}}\n", "/$defs/facet"},
		{"node", "id: f\nnodes: [{id: a, zzz_unknown: 1}]\n", "/$defs/node"},
		{"indicator reference (mapping form)", "id: f\nnodes: [{id: a, indicators: [{id: X, zzz_unknown: 1}]}]\n", "/$defs/refs/items"},
		{"attached reference (mapping form)", "id: f\nattach: {a: [{id: X, zzz_unknown: 1}]}\n", "/properties/attach/additionalProperties/items"},
		{"composite reference (mapping form)", "id: f\ncomposites: [{id: c, across: s, normalisation: rank, indicators: [{id: X, zzz_unknown: 1}]}]\n", "/properties/composites/items/properties/indicators/items"},
		{"link", "id: f\nlinks: [{from: a, to: b, zzz_unknown: 1}]\n", "/properties/links/items"},
		{"crosswalk", "id: f\ncrosswalks: [{zzz_unknown: 1}]\n", "/properties/crosswalks/items"},
		{"composite", "id: f\ncomposites: [{zzz_unknown: 1}]\n", "/properties/composites/items"},
	},
	"logic-model": {
		{"model", "id: m\nzzz_unknown: 1\n", ""},
		{"element", "id: m\nelements: [{id: a, column: inputs, text: t, zzz_unknown: 1}]\n", "/$defs/element"},
		{"indicator reference (mapping form)", "id: m\nelements: [{id: a, column: inputs, text: t, indicators: [{id: X, zzz_unknown: 1}]}]\n", "/$defs/element/properties/indicators/items"},
		{"link", "id: m\nlinks: [{from: a, to: b, zzz_unknown: 1}]\n", "/properties/links/items"},
		{"assumption", "id: m\nassumptions: [{id: a, zzz_unknown: 1}]\n", "/properties/assumptions/items"},
		{"external factor", "id: m\nexternal_factors: [{id: a, zzz_unknown: 1}]\n", "/properties/external_factors/items"},
	},
	"fhir-mapping": {
		{"mapping", "zzz_unknown: 1\n", ""},
		{"event list", "events: {e: {resources: [Condition], fields: {}, zzz_unknown: 1}}\n", "/properties/events/additionalProperties"},
	},
}

var wantOneOf = regexp.MustCompile(`unknown key "` + unknownKey + `" \(want one of: ([^)]*)\)`)

// acceptedKeys runs the loader on doc and returns the keys its diagnostic
// lists for unknownKey.
func acceptedKeys(t *testing.T, kind, doc string) []string {
	t.Helper()
	err := loaders[kind]([]byte(doc))
	require.Error(t, err, "the loader accepted %q", doc)
	require.True(t, errors.Is(err, indicator.ErrInvalidDefinition), "%v", err)
	m := wantOneOf.FindStringSubmatch(err.Error())
	require.NotNil(t, m, "no unknown-key diagnostic with a key list in:\n%v", err)
	return strings.Split(m[1], ", ")
}

func loadSchema(t *testing.T, kind string) map[string]any {
	t.Helper()
	data, err := schemas.Get(kind)
	require.NoError(t, err)
	var s map[string]any
	require.NoError(t, json.Unmarshal(data, &s))
	return s
}

// at resolves a JSON pointer in schema (no escapes are needed here).
func at(t *testing.T, schema map[string]any, pointer string) map[string]any {
	t.Helper()
	var cur any = schema
	if pointer != "" {
		for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
			if list, ok := cur.([]any); ok {
				i, err := strconv.Atoi(tok)
				require.True(t, err == nil && i >= 0 && i < len(list), "%s: no item %q", pointer, tok)
				cur = list[i]
				continue
			}
			m, ok := cur.(map[string]any)
			require.True(t, ok, "%s: %q is not in an object", pointer, tok)
			if ref, isRef := m["$ref"].(string); isRef && m[tok] == nil && strings.HasPrefix(ref, "#") {
				m = at(t, schema, strings.TrimPrefix(ref, "#")) // a pointer may go through a reference
			}
			cur, ok = m[tok]
			require.True(t, ok, "%s: no %q", pointer, tok)
		}
	}
	m, ok := cur.(map[string]any)
	require.True(t, ok, "%s is not an object", pointer)
	return m
}

// objectProperties returns the property names of the object form at s:
// s itself, the target of its $ref, or the branch of its oneOf/anyOf
// that declares properties (a short form is another branch).
func objectProperties(t *testing.T, root, s map[string]any) []string {
	t.Helper()
	if props, ok := s["properties"].(map[string]any); ok {
		return slices.Sorted(maps.Keys(props))
	}
	if ref, ok := s["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
		return objectProperties(t, root, at(t, root, strings.TrimPrefix(ref, "#")))
	}
	for _, comb := range []string{"oneOf", "anyOf"} {
		branches, _ := s[comb].([]any)
		for _, b := range branches {
			bm, _ := b.(map[string]any)
			if bm == nil {
				continue
			}
			if keys := objectProperties(t, root, bm); keys != nil {
				return keys
			}
		}
	}
	return nil
}

func TestSchemaKeysMatchLoaders(t *testing.T) {
	require.Equal(t, schemas.Kinds(), slices.Sorted(maps.Keys(probes)), "every kind has probes")
	for _, kind := range schemas.Kinds() {
		root := loadSchema(t, kind)
		require.Equal(t, false, root["additionalProperties"], "%s: the top level rejects unknown keys", kind)
		for _, p := range probes[kind] {
			t.Run(kind+"/"+p.name, func(t *testing.T) {
				loader := acceptedKeys(t, kind, p.doc)
				obj := at(t, root, p.pointer)
				schema := objectProperties(t, root, obj)
				require.NotNil(t, schema, "%s%s declares no properties", kind, p.pointer)
				for _, k := range schema {
					assert.Contains(t, loader, k, "%s%s has key %q, which the loader rejects", kind, p.pointer, k)
				}
				for _, k := range loader {
					assert.Contains(t, schema, k, "the loader accepts %q, which %s%s lacks", k, kind, p.pointer)
				}
				// The object form rejects unknown keys as the loader does.
				assert.True(t, rejectsUnknown(t, root, obj), "%s%s: want additionalProperties false", kind, p.pointer)
			})
		}
	}
}

// rejectsUnknown reports whether the object form at s has
// additionalProperties false.
func rejectsUnknown(t *testing.T, root, s map[string]any) bool {
	if _, ok := s["properties"]; ok {
		return s["additionalProperties"] == false
	}
	if ref, ok := s["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
		return rejectsUnknown(t, root, at(t, root, strings.TrimPrefix(ref, "#")))
	}
	for _, comb := range []string{"oneOf", "anyOf"} {
		branches, _ := s[comb].([]any)
		for _, b := range branches {
			if bm, _ := b.(map[string]any); bm != nil && objectProperties(t, root, bm) != nil {
				return rejectsUnknown(t, root, bm)
			}
		}
	}
	return false
}

// TestLogicModelColumns checks the column names of each layout, which
// the schema selects with if/then/else on layout.
func TestLogicModelColumns(t *testing.T) {
	root := loadSchema(t, "logic-model")
	noColumn := regexp.MustCompile(`no column "` + unknownKey + `" \(want one of: ([^)]*)\)`)
	for layout, def := range map[string]string{"kellogg": "/$defs/kelloggColumn", "logframe": "/$defs/logframeColumn"} {
		for _, doc := range []string{
			"id: m\nlayout: " + layout + "\ncolumns: {zzz_unknown: x}\n",
			"id: m\nlayout: " + layout + "\nelements: [{id: a, column: zzz_unknown, text: t}]\n",
		} {
			_, err := logicmodel.Load(strings.NewReader(doc), "m.yaml")
			require.Error(t, err)
			m := noColumn.FindStringSubmatch(err.Error())
			require.NotNil(t, m, "%v", err)
			var enum []string
			for _, v := range at(t, root, def)["enum"].([]any) {
				enum = append(enum, v.(string))
			}
			assert.Equal(t, strings.Split(m[1], ", "), enum, "%s columns, in layout order", layout)
		}
	}
	enum := at(t, root, "/properties/layout")["enum"].([]any)
	assert.Equal(t, []any{string(logicmodel.Kellogg), string(logicmodel.Logframe)}, enum)
}

// TestEnumsMatchCode compares the enums of the schemas with the values
// the packages export.
func TestEnumsMatchCode(t *testing.T) {
	strs := func(v any) []string {
		var out []string
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		return out
	}
	fw := loadSchema(t, "framework")
	assert.Equal(t, framework.Templates(), strs(at(t, fw, "/properties/extends")["enum"]), "extends: the embedded templates")
	assert.Equal(t, []string{string(framework.Headline), string(framework.Supporting)},
		strs(at(t, fw, "/$defs/refs/items/oneOf/1/properties/role")["enum"]))
	assert.Equal(t, []string{string(framework.Equivalent), string(framework.Broader), string(framework.Narrower), string(framework.Related)},
		strs(at(t, fw, "/properties/crosswalks/items/properties/relation")["enum"]))
	assert.Equal(t, []string{string(framework.ZScore), string(framework.MinMax), string(framework.Rank)},
		strs(at(t, fw, "/properties/composites/items/properties/normalisation")["enum"]))

	is := loadSchema(t, "indicator-set")
	assert.Equal(t, []string{string(indicator.Proportion), string(indicator.Ratio), string(indicator.Rate), string(indicator.Mean),
		string(indicator.Count), string(indicator.DSR), string(indicator.ISR)},
		strs(at(t, is, "/$defs/indicator/properties/type")["enum"]))
	assert.Equal(t, []string{string(indicator.HigherIsBetter), string(indicator.LowerIsBetter), string(indicator.NoJudgement)},
		strs(at(t, is, "/$defs/indicator/properties/polarity")["enum"]))
	// Every type the schema lists parses, and so do its scalar types.
	for _, typ := range strs(at(t, is, "/$defs/fieldType/anyOf/0")["enum"]) {
		_, err := indicator.ParseType(typ)
		assert.NoError(t, err, typ)
	}

	fm := loadSchema(t, "fhir-mapping")
	els := source.Elements()
	assert.Equal(t, slices.Sorted(maps.Keys(els["Patient"])), strs(at(t, fm, "/$defs/patientElement")["enum"]))
	var events, elements []string
	for rt, m := range els {
		if rt == "Patient" {
			continue
		}
		events = append(events, rt)
		for el := range m {
			if !slices.Contains(elements, el) {
				elements = append(elements, el)
			}
		}
	}
	slices.Sort(events)
	slices.Sort(elements)
	assert.Equal(t, events, strs(at(t, fm, "/$defs/eventResource")["enum"]))
	assert.Equal(t, elements, strs(at(t, fm, "/$defs/eventElement")["enum"]))
}
