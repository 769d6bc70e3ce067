package indicator

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"go.yaml.in/yaml/v3"
)

// This file loads value sets from files and declares their system-aware
// membership test.
//
// In YAML (the valuesets section of a set, or a value-set file):
//
//	valuesets:
//	  diabetes_icd: [E10, E11]                 # codes of any system
//	  diabetes:
//	    description: Diabetes mellitus
//	    system: http://snomed.info/sct         # the system of the plain codes below
//	    codes:
//	      - "44054006"
//	      - {system: http://hl7.org/fhir/sid/icd-10-cm, code: E11.9, display: Type 2 diabetes}
//	  hba1c: {file: hba1c.csv}                 # CSV, FHIR ValueSet JSON or YAML
//
// A file is resolved relative to the directory of the file that names it
// and may be combined with codes (the members are the union). CEL sees
// every value set as a list of codes:
//
//	conditions.exists(c, c.code in valuesets.diabetes)                    // code alone, any system
//	conditions.exists(c, in_valueset(c.system, c.code, valuesets.diabetes)) // system and code
//
// in_valueset matches a member of that system, or a member written
// without a system; both forms are hash lookups.

// inValueSetFunction is the CEL name of the system-aware membership test.
const inValueSetFunction = "in_valueset"

// maxValueSetBytes bounds a value-set file, as maxSourceBytes bounds a set.
const maxValueSetBytes = 64 << 20

// valueSetFunctions declares in_valueset(system, code, list<string>).
func valueSetFunctions() []cel.EnvOption {
	return []cel.EnvOption{
		cel.Function(inValueSetFunction,
			cel.Overload("in_valueset_string_string_list",
				[]*cel.Type{cel.StringType, cel.StringType, cel.ListType(cel.StringType)}, cel.BoolType,
				cel.FunctionBinding(inValueSet)),
		),
	}
}

// inValueSet tests a system and code against a value set; a plain list
// of strings has no systems, so its members match any system.
func inValueSet(args ...ref.Val) ref.Val {
	if len(args) != 3 {
		return types.NewErr("in_valueset: want 3 arguments")
	}
	sys, ok1 := args[0].(types.String)
	code, ok2 := args[1].(types.String)
	if !ok1 || !ok2 {
		return types.NewErr("in_valueset: want string system and code")
	}
	switch vs := args[2].(type) {
	case *valueSet:
		return types.Bool(vs.containsCoded(string(sys), string(code)))
	case traits.Lister:
		return vs.Contains(code)
	}
	return types.NewErr("in_valueset: want a value set")
}

// LoadValueSets reads value sets from a file, by its extension:
//
//   - .yaml, .yml: a mapping of value sets, written as in the valuesets
//     section of an indicator set (files it names are resolved relative to
//     it);
//   - .csv: one value set, with a header row naming the columns code
//     (required), system and display, in any order and letter case;
//   - .json: one FHIR R4 ValueSet: the codes of expansion.contains (nested
//     contains included) when it has an expansion, else those of
//     compose.include[].concept. An include with a filter or a valueSet
//     reference cannot be expanded here and is an error naming it, as is
//     compose.exclude.
//
// A CSV or JSON value set is named after the file, with characters that
// cannot be in a CEL identifier replaced by '_' ("dm-codes.csv" gives
// dm_codes). Errors are Diagnostics with file:line:column. Append the
// result to SetSpec.ValueSets before Compile to use it.
func LoadValueSets(path string) ([]ValueSetSpec, error) {
	data, err := readValueSetFile(path)
	if err != nil {
		return nil, Diagnostics{{Pos: Position{File: path}, Class: ErrInvalidDefinition, Message: err.Error()}}
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return parseValueSetYAML(path, data)
	}
	vs := ValueSetSpec{Name: valueSetName(path), File: path, Pos: Position{File: path, Line: 1, Column: 1}}
	var ds Diagnostics
	vs.Concepts, ds = parseValueSetFile(path, data)
	if len(ds) > 0 {
		return nil, ds.err()
	}
	return []ValueSetSpec{vs}, nil
}

func readValueSetFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxValueSetBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxValueSetBytes {
		return nil, fmt.Errorf("file larger than %d bytes", maxValueSetBytes)
	}
	return data, nil
}

// parseValueSetFile reads the concepts of a CSV or FHIR JSON file.
func parseValueSetFile(path string, data []byte) ([]Concept, Diagnostics) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return parseValueSetCSV(path, data)
	case ".json":
		return parseValueSetJSON(path, data)
	}
	return nil, Diagnostics{{Pos: Position{File: path}, Class: ErrInvalidDefinition,
		Message: fmt.Sprintf("unknown value-set file type %q (want .csv, .json, .yaml or .yml)", filepath.Ext(path))}}
}

// valueSetName derives a CEL identifier from a file name.
func valueSetName(path string) string {
	base := filepath.Base(path)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	var sb strings.Builder
	for i, r := range base {
		switch {
		case r == '_' || r < unicode.MaxASCII && (unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)):
			sb.WriteRune(r)
		default:
			sb.WriteByte('_')
		}
	}
	if sb.Len() == 0 {
		return "_"
	}
	return sb.String()
}

// parseValueSetYAML reads a file holding a mapping of value sets.
func parseValueSetYAML(file string, data []byte) ([]ValueSetSpec, error) {
	p := &parser{file: file, lines: strings.Split(string(data), "\n")}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.diag(Position{File: file, Line: 1, Column: 1}, "", "", ErrInvalidDefinition, "empty document")
		} else {
			p.yamlError(data, err)
		}
		return nil, p.diags.err()
	}
	if len(doc.Content) == 0 {
		p.diag(Position{File: file, Line: 1, Column: 1}, "", "", ErrInvalidDefinition, "empty document")
		return nil, p.diags.err()
	}
	out := p.valueSets(doc.Content[0])
	if err := p.diags.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// valueSets reads the valuesets section (or a value-set YAML file): each
// key a value set written as a list of codes, or a mapping with codes,
// system, description and file.
func (p *parser) valueSets(n *yaml.Node) []ValueSetSpec {
	var out []ValueSetSpec
	for _, kv := range p.pairs(n, "valuesets", "") {
		k, v := kv[0], kv[1]
		vs := ValueSetSpec{Name: k.Value, Pos: p.pos(k)}
		where := "valueset " + k.Value
		if v.Kind == yaml.SequenceNode {
			p.valueSetCodes(v, where, "", &vs)
			out = append(out, vs)
			continue
		}
		var codes *yaml.Node
		system := ""
		p.fields(v, where, map[string]func(*yaml.Node){
			"codes":       func(x *yaml.Node) { codes = x },
			"system":      func(x *yaml.Node) { p.str(x, where, "system", &system) },
			"description": func(x *yaml.Node) { p.str(x, where, "description", &vs.Description) },
			"file":        func(x *yaml.Node) { p.valueSetFile(x, where, &vs) },
		})
		if codes != nil {
			p.valueSetCodes(codes, where, system, &vs)
		} else if system != "" {
			p.errorf(v, where, "system", "system applies to codes, but there are none")
		}
		out = append(out, vs)
	}
	return out
}

// valueSetCodes reads a list whose items are codes (of system, or of any
// system when it is empty) or mappings {system, code, display}.
func (p *parser) valueSetCodes(n *yaml.Node, where, system string, vs *ValueSetSpec) {
	for _, it := range p.items(n, where, "codes") {
		if it.Kind == yaml.ScalarNode {
			if system == "" {
				vs.Codes = append(vs.Codes, it.Value)
			} else {
				vs.Concepts = append(vs.Concepts, Concept{System: system, Code: it.Value})
			}
			continue
		}
		c := Concept{System: system}
		hasCode := false
		p.fields(it, where, map[string]func(*yaml.Node){
			"system":  func(x *yaml.Node) { p.str(x, where, "codes.system", &c.System) },
			"code":    func(x *yaml.Node) { hasCode = true; p.str(x, where, "codes.code", &c.Code) },
			"display": func(x *yaml.Node) { p.str(x, where, "codes.display", &c.Display) },
		})
		if !hasCode && it.Kind == yaml.MappingNode {
			p.errorf(it, where, "codes", "a code written as a mapping needs a code")
			continue
		}
		if c.System == "" {
			vs.Codes = append(vs.Codes, c.Code)
		} else {
			vs.Concepts = append(vs.Concepts, c)
		}
	}
}

// valueSetFile loads the members of a value set from a CSV, JSON or YAML
// file named relative to the file being parsed.
func (p *parser) valueSetFile(n *yaml.Node, where string, vs *ValueSetSpec) {
	var name string
	p.str(n, where, "file", &name)
	if name == "" {
		if n.Kind == yaml.ScalarNode {
			p.errorf(n, where, "file", "empty file name")
		}
		return
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(p.file), name)
	}
	vs.File = path
	data, err := readValueSetFile(path)
	if err != nil {
		p.errorf(n, where, "file", "%v", err)
		return
	}
	var ds Diagnostics
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		all, err := parseValueSetYAML(path, data)
		if err != nil {
			ds = asDiagnostics(err)
			break
		}
		// A YAML file given for one value set must hold one, or one of
		// the same name.
		var pick *ValueSetSpec
		for i := range all {
			if len(all) == 1 || all[i].Name == vs.Name {
				pick = &all[i]
			}
		}
		if pick == nil {
			p.errorf(n, where, "file", "%s holds %d value sets and none is named %q", name, len(all), vs.Name)
			return
		}
		vs.Codes = append(vs.Codes, pick.Codes...)
		vs.Concepts = append(vs.Concepts, pick.Concepts...)
		if vs.Description == "" {
			vs.Description = pick.Description
		}
	default:
		var concepts []Concept
		concepts, ds = parseValueSetFile(path, data)
		vs.Concepts = append(vs.Concepts, concepts...)
	}
	for _, d := range ds {
		if d.Owner == "" {
			d.Owner = where
		}
		p.diags = append(p.diags, d)
	}
}

func asDiagnostics(err error) Diagnostics {
	var ds Diagnostics
	if errors.As(err, &ds) {
		return ds
	}
	return Diagnostics{{Class: ErrInvalidDefinition, Message: err.Error()}}
}

// parseValueSetCSV reads a CSV file with a header naming code (required),
// system and display.
func parseValueSetCSV(file string, data []byte) ([]Concept, Diagnostics) {
	lines := strings.Split(string(data), "\n")
	var ds Diagnostics
	diag := func(line, col int, format string, args ...any) {
		d := Diagnostic{Pos: Position{File: file, Line: line, Column: col}, Class: ErrInvalidDefinition, Message: fmt.Sprintf(format, args...)}
		if line >= 1 && line <= len(lines) {
			d.Line = strings.TrimRight(lines[line-1], "\r")
		}
		ds = append(ds, d)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 0
	header, err := r.Read()
	if err != nil {
		if err == io.EOF {
			diag(1, 1, "empty file, want a header row with code, system, display")
		} else {
			csvDiag(err, diag)
		}
		return nil, ds
	}
	col := map[string]int{"code": -1, "system": -1, "display": -1}
	for j, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		i, known := col[name]
		_, c := r.FieldPos(j)
		switch {
		case !known:
			diag(1, c, "unknown column %q (want code, system, display)", h)
		case i >= 0:
			diag(1, c, "column %q appears twice", h)
		default:
			col[name] = j
		}
	}
	if col["code"] < 0 {
		diag(1, 1, "no code column (want code, system, display)")
	}
	if len(ds) > 0 {
		return nil, ds
	}
	var out []Concept
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			csvDiag(err, diag)
			return nil, ds
		}
		get := func(name string) string {
			if j := col[name]; j >= 0 {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		c := Concept{System: get("system"), Code: get("code"), Display: get("display")}
		if c.Code == "" {
			line, column := r.FieldPos(col["code"])
			diag(line, column, "empty code")
			continue
		}
		out = append(out, c)
	}
	return out, ds
}

func csvDiag(err error, diag func(line, col int, format string, args ...any)) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		diag(pe.Line, pe.Column, "CSV: %v", pe.Err)
		return
	}
	diag(0, 0, "CSV: %v", err)
}

// fhirValueSet is the part of a FHIR R4 ValueSet that lists codes.
type fhirValueSet struct {
	ResourceType string `json:"resourceType"`
	Compose      *struct {
		Include []fhirInclude `json:"include"`
		Exclude []fhirInclude `json:"exclude"`
	} `json:"compose"`
	Expansion *struct {
		Contains []fhirContains `json:"contains"`
	} `json:"expansion"`
}

type fhirInclude struct {
	System  string `json:"system"`
	Concept []struct {
		Code    string `json:"code"`
		Display string `json:"display"`
	} `json:"concept"`
	Filter   []json.RawMessage `json:"filter"`
	ValueSet []string          `json:"valueSet"`
}

type fhirContains struct {
	System   string         `json:"system"`
	Code     string         `json:"code"`
	Display  string         `json:"display"`
	Abstract bool           `json:"abstract"`
	Contains []fhirContains `json:"contains"`
}

// maxContainsDepth bounds the nesting of expansion.contains.
const maxContainsDepth = 64

// parseValueSetJSON reads a FHIR R4 ValueSet.
func parseValueSetJSON(file string, data []byte) ([]Concept, Diagnostics) {
	var ds Diagnostics
	at := func(offset int64, format string, args ...any) {
		line, col := lineCol(data, offset)
		ds = append(ds, Diagnostic{Pos: Position{File: file, Line: line, Column: col}, Owner: "ValueSet", Class: ErrInvalidDefinition, Message: fmt.Sprintf(format, args...)})
	}
	var vs fhirValueSet
	if err := json.Unmarshal(data, &vs); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			at(se.Offset, "invalid JSON: %v", se)
		case errors.As(err, &te):
			at(te.Offset, "element %s: want %s, got a JSON %s", te.Field, jsonKind(te.Type.Kind().String()), firstWord(te.Value))
		default:
			at(0, "invalid JSON: %v", err)
		}
		return nil, ds
	}
	if vs.ResourceType != "ValueSet" {
		at(0, "resourceType is %q, want \"ValueSet\"", vs.ResourceType)
		return nil, ds
	}
	var out []Concept
	if vs.Expansion != nil && len(vs.Expansion.Contains) > 0 {
		var walk func(cs []fhirContains, path string, depth int)
		walk = func(cs []fhirContains, path string, depth int) {
			if depth > maxContainsDepth {
				at(0, "%s: nested deeper than %d levels", path, maxContainsDepth)
				return
			}
			for i, c := range cs {
				p := fmt.Sprintf("%s[%d]", path, i)
				switch {
				case c.Code != "":
					out = append(out, Concept{System: c.System, Code: c.Code, Display: c.Display})
				case !c.Abstract && len(c.Contains) == 0:
					at(0, "%s: no code", p)
				}
				walk(c.Contains, p+".contains", depth+1)
			}
		}
		walk(vs.Expansion.Contains, "expansion.contains", 0)
		return out, ds
	}
	if vs.Compose == nil || len(vs.Compose.Include) == 0 {
		at(0, "no expansion.contains and no compose.include: the value set lists no codes")
		return nil, ds
	}
	for i, inc := range vs.Compose.Include {
		p := fmt.Sprintf("compose.include[%d]", i)
		switch {
		case len(inc.Filter) > 0:
			at(0, "%s: has a filter, which needs a terminology server to expand; supply an expansion", p)
		case len(inc.ValueSet) > 0:
			at(0, "%s: includes other value sets by reference; supply an expansion", p)
		case len(inc.Concept) == 0:
			at(0, "%s: includes a whole code system; supply an expansion or a concept list", p)
		case inc.System == "":
			at(0, "%s: no system", p)
		}
		for j, c := range inc.Concept {
			if c.Code == "" {
				at(0, "%s.concept[%d]: no code", p, j)
				continue
			}
			out = append(out, Concept{System: inc.System, Code: c.Code, Display: c.Display})
		}
	}
	if len(vs.Compose.Exclude) > 0 {
		at(0, "compose.exclude is not supported; supply an expansion")
	}
	return out, ds
}

// lineCol converts a byte offset of data to a 1-based line and column;
// offset 0 is the start of the file.
func lineCol(data []byte, offset int64) (int, int) {
	if offset < 0 || offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}

// jsonKind names the JSON type a Go kind is decoded from.
func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "true or false"
	}
	return "a number"
}
