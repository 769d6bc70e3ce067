package dashboardspec

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func nan() float64 { return math.NaN() }

// TestJSONSchema_MatchesGoTypes keeps the shipped schema and the Go types in
// step: every struct reachable from Dashboard has a $defs entry of its name
// whose properties are exactly its JSON fields, whose required list is
// exactly its fields without omitempty, and which forbids other properties;
// the enums list exactly the Go constants.
func TestJSONSchema_MatchesGoTypes(t *testing.T) {
	var schema struct {
		Schema string                     `json:"$schema"`
		Ref    string                     `json:"$ref"`
		Defs   map[string]json.RawMessage `json:"$defs"`
	}
	require.NoError(t, json.Unmarshal(JSONSchema(), &schema))
	assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", schema.Schema)
	assert.Equal(t, "#/$defs/Dashboard", schema.Ref)
	type def struct {
		Properties           map[string]json.RawMessage `json:"properties"`
		Required             []string                   `json:"required"`
		AdditionalProperties *bool                      `json:"additionalProperties"`
	}
	seen := map[string]bool{}
	var walk func(reflect.Type)
	walk = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || rt == reflect.TypeOf(Value{}) || seen[rt.Name()] {
			return
		}
		seen[rt.Name()] = true
		raw, ok := schema.Defs[rt.Name()]
		if !assert.True(t, ok, "schema lacks $defs/%s", rt.Name()) {
			return
		}
		var d def
		require.NoError(t, json.Unmarshal(raw, &d))
		if assert.NotNil(t, d.AdditionalProperties, rt.Name()) {
			assert.False(t, *d.AdditionalProperties, "%s allows additional properties", rt.Name())
		}
		var props, required []string
		for i := range rt.NumField() {
			f := rt.Field(i)
			tag := f.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			yname, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			assert.Equal(t, name, yname, "%s.%s: json and yaml names differ", rt.Name(), f.Name)
			props = append(props, name)
			if !strings.Contains(opts, "omitempty") {
				required = append(required, name)
			}
			walk(f.Type)
		}
		var schemaProps []string
		for k := range d.Properties {
			schemaProps = append(schemaProps, k)
		}
		slices.Sort(props)
		slices.Sort(schemaProps)
		slices.Sort(required)
		req := slices.Clone(d.Required)
		slices.Sort(req)
		assert.Equal(t, props, schemaProps, "%s: properties", rt.Name())
		if len(req) == 0 {
			req = nil
		}
		assert.Equal(t, required, req, "%s: required", rt.Name())
	}
	walk(reflect.TypeOf(Dashboard{}))
	for name := range schema.Defs {
		assert.True(t, seen[name], "$defs/%s is no Go type", name)
	}

	enum := func(defName, prop string) []string {
		var d def
		require.NoError(t, json.Unmarshal(schema.Defs[defName], &d))
		var e struct {
			Enum []string `json:"enum"`
		}
		require.NoError(t, json.Unmarshal(d.Properties[prop], &e))
		return e.Enum
	}
	var kinds, roles, types []string
	for _, k := range Kinds() {
		kinds = append(kinds, string(k))
	}
	for _, r := range Roles() {
		roles = append(roles, string(r))
	}
	for _, f := range FieldTypes() {
		types = append(types, string(f))
	}
	assert.Equal(t, kinds, enum("Panel", "kind"))
	assert.Equal(t, roles, enum("Field", "role"))
	assert.Equal(t, types, enum("Field", "type"))
}
