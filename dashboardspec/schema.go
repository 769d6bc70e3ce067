package dashboardspec

import (
	"bytes"
	_ "embed"
)

//go:embed schema/dashboardspec-v1.schema.json
var schemaJSON []byte

// JSONSchema returns the JSON Schema (draft 2020-12) of the dashboardspec/v1
// document, as shipped in schema/dashboardspec-v1.schema.json. A test keeps
// it in step with the Go types: every property, required field and enum.
// The schema checks structure; Validate also checks references, ids, the
// grid and encodings. The returned slice is a copy.
func JSONSchema() []byte { return bytes.Clone(schemaJSON) }
