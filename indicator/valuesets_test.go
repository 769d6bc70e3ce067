package indicator

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const vsYAML = `id: vs
schema:
  fields:
    conditions:
      fields: {system: string, code: string}
valuesets:
  plain: [E11]
  snomed:
    system: http://snomed.info/sct
    codes: ["44054006", {system: "http://hl7.org/fhir/sid/icd-10-cm", code: E11.9, display: T2DM}, {code: Z99}]
  csv: {file: valuesets/dm-codes.csv}
  json: {file: valuesets/dm.json, codes: [extra]}
definitions:
  plain_any: conditions.exists(c, c.code in valuesets.plain)
  plain_sys: conditions.exists(c, in_valueset(c.system, c.code, valuesets.plain))
  snomed_any: conditions.exists(c, c.code in valuesets.snomed)
  snomed_sys: conditions.exists(c, in_valueset(c.system, c.code, valuesets.snomed))
  csv_sys: conditions.exists(c, in_valueset(c.system, c.code, valuesets.csv))
  json_sys: conditions.exists(c, in_valueset(c.system, c.code, valuesets.json))
  literal: conditions.exists(c, in_valueset(c.system, c.code, ["E11"]))
`

// TestValueSets_MembershipBySystemAndCode checks both CEL forms on both
// evaluation paths: "in" ignores systems; in_valueset matches a member of
// the same system or one written without a system.
func TestValueSets_MembershipBySystemAndCode(t *testing.T) {
	spec, err := Parse(filepath.Join("testdata", "vs.yaml"), []byte(vsYAML))
	require.NoError(t, err)
	cases := []struct {
		system, code string
		want         []bool // plain_any, plain_sys, snomed_any, snomed_sys, csv_sys, json_sys, literal
	}{
		{"http://snomed.info/sct", "44054006", []bool{false, false, true, true, true, true, false}},
		{"http://other", "44054006", []bool{false, false, true, false, false, false, false}},
		{"http://hl7.org/fhir/sid/icd-10-cm", "E11.9", []bool{false, false, true, true, false, true, false}},
		{"whatever", "E11", []bool{true, true, false, false, true, false, true}},
		{"whatever", "Z99", []bool{false, false, true, false, false, false, false}},
		{"http://snomed.info/sct", "Z99", []bool{false, false, true, true, false, false, false}}, // a mapping entry takes the value set's system
		{"whatever", "extra", []bool{false, false, false, false, false, true, false}},
	}
	names := []string{"plain_any", "plain_sys", "snomed_any", "snomed_sys", "csv_sys", "json_sys", "literal"}
	for _, native := range []bool{true, false} {
		var opts []CompileOption
		if !native {
			opts = append(opts, WithInterpreterOnly())
		}
		set, err := Compile(spec, opts...)
		require.NoError(t, err)
		b := NewBatchBuilder(set.Schema())
		for _, c := range cases {
			ev := b.Field(0)
			ev.Event(0).AppendString(c.system)
			ev.Event(1).AppendString(c.code)
			ev.EndEvent()
			require.NoError(t, b.EndRow())
		}
		i := 0
		err = set.EvaluateDefinitions(context.Background(), Batches(b.Build()), names, func(_ int64, vals []any) error {
			for k, v := range vals {
				assert.Equal(t, cases[i].want[k], v, "native=%t %s|%s %s", native, cases[i].system, cases[i].code, names[k])
			}
			i++
			return nil
		})
		require.NoError(t, err)
	}
}

func TestLoadValueSets_ByExtension(t *testing.T) {
	vs, err := LoadValueSets(filepath.Join("testdata", "valuesets", "dm-codes.csv"))
	require.NoError(t, err)
	require.Len(t, vs, 1)
	assert.Equal(t, "dm_codes", vs[0].Name)
	assert.Equal(t, []Concept{{System: "http://snomed.info/sct", Code: "44054006", Display: "Diabetes mellitus type 2"}, {Code: "E11", Display: "any system"}}, vs[0].Concepts)

	vs, err = LoadValueSets(filepath.Join("testdata", "valuesets", "dm.json"))
	require.NoError(t, err)
	assert.Equal(t, []Concept{{System: "http://snomed.info/sct", Code: "44054006"}, {System: "http://hl7.org/fhir/sid/icd-10-cm", Code: "E11.9"}}, vs[0].Concepts)
}

func TestLoadValueSets_ErrorsNameTheProblem(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
		return p
	}
	cases := []struct{ name, data, want string }{
		{"a.csv", "code,colour\nE11,red\n", `a.csv:1:6: unknown column "colour"`},
		{"b.csv", "system,code\ns,\n", "b.csv:2:3: empty code"},
		{"c.json", `{"resourceType":"ValueSet","compose":{"include":[{"system":"s","filter":[{"property":"concept","op":"is-a","value":"1"}]}]}}`, "compose.include[0]: has a filter"},
		{"d.json", `{"resourceType":"ValueSet","compose":{"include":[{"valueSet":["http://x"]}]}}`, "compose.include[0]: includes other value sets by reference"},
		{"e.json", "{\n  \"resourceType\": \"ValueSet\",\n  \"expansion\": {\"contains\": 3}}", "e.json:3:30: ValueSet: element expansion.contains: want an array, got a JSON number"},
		{"f.json", `{"resourceType":"CodeSystem"}`, `resourceType is "CodeSystem"`},
		{"g.yaml", "dm: {codes: [a], colour: red}\n", `g.yaml:1:18: valueset dm: unknown key "colour"`},
		{"h.txt", "", "unknown value-set file type"},
	}
	for _, c := range cases {
		_, err := LoadValueSets(write(c.name, c.data))
		require.Error(t, err, c.name)
		assert.Contains(t, err.Error(), c.want, c.name)
		assert.ErrorIs(t, err, ErrInvalidDefinition, c.name)
	}
}

func TestParse_ValueSetFileErrorsPointAtTheKey(t *testing.T) {
	_, err := Parse(filepath.Join("testdata", "x.yaml"), []byte("id: x\nvaluesets:\n  dm: {file: missing.csv}\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "testdata/x.yaml:3:14: valueset dm file:")
}

// FuzzValueSetLoaders feeds arbitrary bytes to the CSV, FHIR JSON and YAML
// loaders: they return concepts or diagnostics, never panic.
func FuzzValueSetLoaders(f *testing.F) {
	f.Add([]byte("system,code,display\ns,E11,x\n"), uint8(0))
	f.Add([]byte(`{"resourceType":"ValueSet","expansion":{"contains":[{"code":"a","contains":[{"code":"b"}]}]}}`), uint8(1))
	f.Add([]byte(`{"resourceType":"ValueSet","compose":{"include":[{"system":"s","concept":[{"code":"a"}]}]}}`), uint8(1))
	f.Add([]byte("dm: {system: s, codes: [a, {code: b, system: t}]}\n"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		switch kind % 3 {
		case 0:
			parseValueSetCSV("f.csv", data)
		case 1:
			parseValueSetJSON("f.json", data)
		default:
			vs, err := parseValueSetYAML("f.yaml", data)
			if err == nil {
				spec := &SetSpec{ValueSets: vs}
				_, _ = Compile(spec)
			}
		}
	})
}
