package indicator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/openhpi/hpi/indicator/disclosure"
	"github.com/openhpi/hpi/indicator/stats"
	"github.com/openhpi/hpi/internal/textvalue"
	"github.com/openhpi/hpi/internal/yamlpos"
)

// maxSourceBytes bounds the YAML accepted by Parse, so that a hostile file
// cannot exhaust memory.
const maxSourceBytes = 16 << 20

// ParseFile reads and parses an indicator set from a YAML file.
func ParseFile(path string) (*SetSpec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("indicator: %w", err)
	}
	return Parse(path, data)
}

// Parse parses an indicator set from YAML. The file name is used in
// positions only. Every problem is reported at once, as Diagnostics, each
// with file:line:column; unknown keys are errors.
func Parse(file string, data []byte) (*SetSpec, error) {
	spec, diags := parse(file, data)
	if err := diags.err(); err != nil {
		return nil, err
	}
	return spec, nil
}

// parse returns the spec of data with the problems found in it. The spec
// is what could be read — nil only when the YAML itself is unreadable —
// so that Load can go on to report the problems of its expressions too.
func parse(file string, data []byte) (*SetSpec, Diagnostics) {
	p := &parser{file: file, lines: strings.Split(string(data), "\n")}
	if len(data) > maxSourceBytes {
		p.diag(Position{File: file}, "", "", ErrInvalidDefinition, "file larger than %d bytes", maxSourceBytes)
		return nil, p.diags
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.diag(Position{File: file, Line: 1, Column: 1}, "", "", ErrInvalidDefinition, "empty document")
		} else {
			p.yamlError(data, err)
		}
		return nil, p.diags
	}
	spec := &SetSpec{source: map[string][]string{file: p.lines}}
	if len(doc.Content) == 0 {
		p.diag(Position{File: file, Line: 1, Column: 1}, "", "", ErrInvalidDefinition, "empty document")
		return nil, p.diags
	}
	p.set(doc.Content[0], spec)
	return spec, p.diags
}

type parser struct {
	file  string
	lines []string
	diags Diagnostics
}

func (p *parser) pos(n *yaml.Node) Position {
	return Position{File: p.file, Line: n.Line, Column: n.Column}
}

func (p *parser) line(n int) string {
	if n < 1 || n > len(p.lines) {
		return ""
	}
	return strings.TrimRight(p.lines[n-1], "\r")
}

func (p *parser) diag(pos Position, owner, field string, class error, format string, args ...any) {
	p.diags = append(p.diags, Diagnostic{
		Pos: pos, Owner: owner, Field: field, Class: class,
		Message: fmt.Sprintf(format, args...), Line: p.line(pos.Line),
	})
}

func (p *parser) errorf(n *yaml.Node, owner, field, format string, args ...any) {
	p.diag(p.pos(n), owner, field, ErrInvalidDefinition, format, args...)
}

// yamlError turns an error of the YAML library over data into diagnostics.
func (p *parser) yamlError(data []byte, err error) {
	for _, yp := range yamlpos.Problems(data, err) {
		pos := Position{File: p.file, Line: yp.Line, Column: yp.Column}
		p.diag(pos, "", "", ErrInvalidDefinition, "YAML: %s", yp.Message)
	}
}

// fields walks a mapping, calling the handler of each key; unknown and
// duplicate keys are reported.
func (p *parser) fields(n *yaml.Node, owner string, handlers map[string]func(*yaml.Node)) {
	if !p.isMapping(n, owner, "") {
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			p.errorf(k, owner, "", "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		h, ok := handlers[k.Value]
		if !ok {
			p.errorf(k, owner, "", "unknown key %q (want one of: %s)", k.Value, strings.Join(sortedKeys(handlers), ", "))
			continue
		}
		h(v)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (p *parser) isMapping(n *yaml.Node, owner, field string) bool {
	if n.Kind == yaml.AliasNode {
		p.errorf(n, owner, field, "YAML aliases are not supported")
		return false
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, owner, field, "want a mapping, got %s", nodeKind(n))
		return false
	}
	return true
}

// pairs returns the key/value pairs of a mapping in written order,
// reporting duplicate keys.
func (p *parser) pairs(n *yaml.Node, owner, field string) [][2]*yaml.Node {
	if !p.isMapping(n, owner, field) {
		return nil
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if seen[k.Value] {
			p.errorf(k, owner, field, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, n.Content[i+1]})
	}
	return out
}

func (p *parser) items(n *yaml.Node, owner, field string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, owner, field, "want a list, got %s", nodeKind(n))
		return nil
	}
	return n.Content
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return textvalue.Quote(n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

func (p *parser) str(n *yaml.Node, owner, field string, dst *string) {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, owner, field, "want a string, got %s", nodeKind(n))
		return
	}
	*dst = n.Value
}

func (p *parser) float(n *yaml.Node, owner, field string, dst *float64) bool {
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil {
		p.errorf(n, owner, field, "want a number, got %s", nodeKind(n))
		return false
	}
	*dst = v
	return true
}

func (p *parser) strings(n *yaml.Node, owner, field string) []string {
	var out []string
	for _, it := range p.items(n, owner, field) {
		var s string
		p.str(it, owner, field, &s)
		out = append(out, s)
	}
	return out
}

// expr reads a CEL expression and records where its text starts.
func (p *parser) expr(n *yaml.Node, owner, field string, dst *Expr) {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, owner, field, "want a CEL expression, got %s", nodeKind(n))
		return
	}
	e := Expr{Text: n.Value, Pos: p.pos(n), Indent: n.Column}
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		e.Pos.Column++
	case yaml.LiteralStyle, yaml.FoldedStyle:
		e.Pos.Line++
		l := p.line(e.Pos.Line)
		e.Indent = len(l) - len(strings.TrimLeft(l, " ")) + 1
		e.Pos.Column = e.Indent
	}
	if strings.TrimSpace(e.Text) == "" {
		p.errorf(n, owner, field, "empty expression")
		return
	}
	*dst = e
}

func (p *parser) set(n *yaml.Node, s *SetSpec) {
	s.Pos = p.pos(n)
	const owner = "set"
	p.fields(n, owner, map[string]func(*yaml.Node){
		"id":          func(v *yaml.Node) { p.str(v, owner, "id", &s.ID) },
		"version":     func(v *yaml.Node) { p.str(v, owner, "version", &s.Version) },
		"title":       func(v *yaml.Node) { p.str(v, owner, "title", &s.Title) },
		"description": func(v *yaml.Node) { p.str(v, owner, "description", &s.Description) },
		"schema":      func(v *yaml.Node) { p.schema(v, &s.Schema) },
		"parameters":  func(v *yaml.Node) { s.Parameters = p.parameters(v) },
		"valuesets":   func(v *yaml.Node) { s.ValueSets = p.valueSets(v) },
		"definitions": func(v *yaml.Node) { s.Definitions = p.definitions(v) },
		"indicators": func(v *yaml.Node) {
			for _, it := range p.items(v, owner, "indicators") {
				s.Indicators = append(s.Indicators, p.indicator(it))
			}
		},
	})
}

func (p *parser) schema(n *yaml.Node, s *Schema) {
	const owner = "schema"
	p.fields(n, owner, map[string]func(*yaml.Node){
		"unit":   func(v *yaml.Node) { p.str(v, owner, "unit", &s.Unit) },
		"fields": func(v *yaml.Node) { s.Fields = p.schemaFields(v, owner) },
	})
	if s.Unit == "" {
		s.Unit = "record"
	}
}

func (p *parser) schemaFields(n *yaml.Node, owner string) []Field {
	var out []Field
	for _, kv := range p.pairs(n, owner, "fields") {
		if f, ok := p.schemaField(kv[0], kv[1], owner); ok {
			out = append(out, f)
		}
	}
	return out
}

// schemaField reads "name: type" or "name: {type, fields, description}".
func (p *parser) schemaField(k, v *yaml.Node, owner string) (Field, bool) {
	f := Field{Name: k.Value}
	where := owner + " field " + k.Value
	if !isIdent(f.Name) || reserved(f.Name) {
		p.errorf(k, owner, "", "field name %q is not a usable identifier", f.Name)
		return f, false
	}
	if v.Kind == yaml.ScalarNode {
		t, err := ParseType(v.Value)
		if err != nil {
			p.errorf(v, where, "", "%s", unclassified(err))
			return f, false
		}
		t.Name = f.Name
		return t, true
	}
	typ := ""
	p.fields(v, where, map[string]func(*yaml.Node){
		"type":        func(x *yaml.Node) { p.str(x, where, "type", &typ) },
		"description": func(x *yaml.Node) { p.str(x, where, "description", &f.Description) },
		"fields": func(x *yaml.Node) {
			f.Kind = KindEvents
			f.Fields = p.schemaFields(x, where)
		},
	})
	switch {
	case f.Kind == KindEvents && typ != "" && typ != "events":
		p.errorf(v, where, "type", "a field with fields is an event list; type must be \"events\" or left out")
	case f.Kind == KindEvents:
		if len(f.Fields) == 0 {
			p.errorf(v, where, "fields", "an event list needs at least one field")
		}
	case typ == "":
		p.errorf(v, where, "", "want a type or fields")
		return f, false
	default:
		t, err := ParseType(typ)
		if err != nil {
			p.errorf(v, where, "type", "%s", unclassified(err))
			return f, false
		}
		t.Name, t.Description = f.Name, f.Description
		f = t
	}
	return f, true
}

func (p *parser) parameters(n *yaml.Node) []ParameterSpec {
	var out []ParameterSpec
	for _, kv := range p.pairs(n, "parameters", "") {
		k, v := kv[0], kv[1]
		ps := ParameterSpec{Name: k.Value, Pos: p.pos(k)}
		where := "parameter " + k.Value
		typ := ""
		if v.Kind == yaml.ScalarNode {
			typ = v.Value
		} else {
			p.fields(v, where, map[string]func(*yaml.Node){
				"type":        func(x *yaml.Node) { p.str(x, where, "type", &typ) },
				"description": func(x *yaml.Node) { p.str(x, where, "description", &ps.Description) },
				"default": func(x *yaml.Node) {
					p.str(x, where, "default", &ps.Default)
					ps.HasDefault = true
				},
			})
		}
		t, err := ParseType(typ)
		if err != nil || t.Kind == KindList || t.Nullable {
			p.errorf(v, where, "type", "want a scalar type (int, double, bool, string, timestamp, duration), got %q", typ)
			continue
		}
		t.Name = ps.Name
		ps.Type = t
		out = append(out, ps)
	}
	return out
}

// valueSets is in valuesets.go.

func (p *parser) definitions(n *yaml.Node) []DefinitionSpec {
	var out []DefinitionSpec
	for _, kv := range p.pairs(n, "definitions", "") {
		d := DefinitionSpec{Name: kv[0].Value}
		p.expr(kv[1], "definition "+d.Name, "", &d.Expr)
		out = append(out, d)
	}
	return out
}

func (p *parser) indicator(n *yaml.Node) IndicatorSpec {
	ind := IndicatorSpec{Pos: p.pos(n)}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" {
				ind.ID = n.Content[i+1].Value
			}
		}
	}
	owner := "indicator " + ind.ID
	c := &ind.Criteria
	exprKey := func(field string, dst *Expr) func(*yaml.Node) {
		return func(v *yaml.Node) { p.expr(v, owner, field, dst) }
	}
	strKey := func(field string, dst *string) func(*yaml.Node) {
		return func(v *yaml.Node) { p.str(v, owner, field, dst) }
	}
	p.fields(n, owner, map[string]func(*yaml.Node){
		"id":          strKey("id", &ind.ID),
		"version":     strKey("version", &ind.Version),
		"title":       strKey("title", &ind.Title),
		"description": strKey("description", &ind.Description),
		"rationale":   strKey("rationale", &ind.Rationale),
		"unit":        strKey("unit", &ind.Unit),
		"type":        func(v *yaml.Node) { p.str(v, owner, "type", (*string)(&ind.Type)) },
		"polarity":    func(v *yaml.Node) { p.str(v, owner, "polarity", (*string)(&ind.Polarity)) },
		"multiplier":  func(v *yaml.Node) { p.float(v, owner, "multiplier", &ind.Multiplier) },
		"target": func(v *yaml.Node) {
			var t float64
			if p.float(v, owner, "target", &t) {
				ind.Target = &t
			}
		},
		"confidence": func(v *yaml.Node) {
			p.fields(v, owner+" confidence", map[string]func(*yaml.Node){
				"level": func(x *yaml.Node) { p.float(x, owner, "confidence.level", &ind.Level) },
			})
		},
		"tags":                  func(v *yaml.Node) { ind.Tags = p.strings(v, owner, "tags") },
		"thresholds":            func(v *yaml.Node) { ind.Thresholds = p.thresholds(v, owner) },
		"stratifiers":           func(v *yaml.Node) { ind.Stratifiers = p.stratifiers(v, owner) },
		"initial_population":    exprKey("initial_population", &c.InitialPopulation),
		"denominator":           exprKey("denominator", &c.Denominator),
		"denominator_exclusion": exprKey("denominator_exclusion", &c.DenominatorExclusion),
		"denominator_exception": exprKey("denominator_exception", &c.DenominatorException),
		"numerator":             exprKey("numerator", &c.Numerator),
		"numerator_exclusion":   exprKey("numerator_exclusion", &c.NumeratorExclusion),
		"numerator_value":       exprKey("numerator_value", &c.NumeratorValue),
		"denominator_value":     exprKey("denominator_value", &c.DenominatorValue),
		"observation":           exprKey("observation", &c.Observation),
		"age_band":              exprKey("age_band", &c.AgeBand),
		"disclosure":            func(v *yaml.Node) { ind.Disclosure = p.disclosure(v, owner) },
		"standard_population": func(v *yaml.Node) {
			if v.Kind == yaml.ScalarNode && strings.EqualFold(v.Value, "esp2013") {
				ind.StandardPopulation = stats.ESP2013Copy()
				return
			}
			ind.StandardPopulation = p.floats(v, owner, "standard_population")
		},
		"reference_rates": func(v *yaml.Node) {
			ind.ReferenceCounts = p.floats(v, owner, "reference_rates")
			ind.ReferencePopulations = make([]float64, len(ind.ReferenceCounts))
			for i := range ind.ReferencePopulations {
				ind.ReferencePopulations[i] = 1
			}
		},
		"reference": func(v *yaml.Node) {
			p.fields(v, owner+" reference", map[string]func(*yaml.Node){
				"counts":      func(x *yaml.Node) { ind.ReferenceCounts = p.floats(x, owner, "reference.counts") },
				"populations": func(x *yaml.Node) { ind.ReferencePopulations = p.floats(x, owner, "reference.populations") },
			})
		},
	})
	return ind
}

// disclosure reads a policy: a preset name (hes, cms) or its settings.
func (p *parser) disclosure(n *yaml.Node, owner string) *disclosure.Policy {
	var pol disclosure.Policy
	if n.Kind == yaml.ScalarNode {
		switch strings.ToLower(n.Value) {
		case "hes":
			pol = disclosure.HES()
		case "cms":
			pol = disclosure.CMS()
		default:
			p.errorf(n, owner, "disclosure", "unknown disclosure preset %q (want hes, cms or a policy)", n.Value)
			return nil
		}
		return &pol
	}
	where := owner + " disclosure"
	p.fields(n, where, map[string]func(*yaml.Node){
		"min":           func(v *yaml.Node) { p.float(v, owner, "disclosure.min", &pol.Min) },
		"max":           func(v *yaml.Node) { p.float(v, owner, "disclosure.max", &pol.Max) },
		"round_to":      func(v *yaml.Node) { p.float(v, owner, "disclosure.round_to", &pol.RoundTo) },
		"marker":        func(v *yaml.Node) { p.str(v, owner, "disclosure.marker", &pol.Marker) },
		"suppress_zero": func(v *yaml.Node) { p.bool(v, owner, "disclosure.suppress_zero", &pol.SuppressZero) },
		"complementary": func(v *yaml.Node) { p.bool(v, owner, "disclosure.complementary", &pol.Complementary) },
	})
	if err := pol.Validate(); err != nil {
		// The diagnostic names the field already: drop the package prefix.
		p.errorf(n, owner, "disclosure", "%s", strings.TrimPrefix(err.Error(), "disclosure: "))
		return nil
	}
	return &pol
}

func (p *parser) bool(n *yaml.Node, owner, field string, dst *bool) {
	v, err := strconv.ParseBool(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		p.errorf(n, owner, field, "want true or false, got %s", nodeKind(n))
		return
	}
	*dst = v
}

// floats reads a list of numbers.
func (p *parser) floats(n *yaml.Node, owner, field string) []float64 {
	var out []float64
	for _, it := range p.items(n, owner, field) {
		var x float64
		if p.float(it, owner, field, &x) {
			out = append(out, x)
		}
	}
	return out
}

func (p *parser) thresholds(n *yaml.Node, owner string) []ThresholdSpec {
	var out []ThresholdSpec
	for _, it := range p.items(n, owner, "thresholds") {
		var t ThresholdSpec
		p.fields(it, owner+" thresholds", map[string]func(*yaml.Node){
			"status": func(v *yaml.Node) { p.str(v, owner, "thresholds.status", &t.Status) },
			"when":   func(v *yaml.Node) { p.expr(v, owner, "thresholds.when", &t.When) },
		})
		if t.Status == "" && it.Kind == yaml.MappingNode {
			p.errorf(it, owner, "thresholds", "a threshold needs a status")
		}
		out = append(out, t)
	}
	return out
}

// stratifiers reads a list whose items are an expression, or a mapping
// with an id and an expression or a list of components.
func (p *parser) stratifiers(n *yaml.Node, owner string) []StratifierSpec {
	var out []StratifierSpec
	for _, it := range p.items(n, owner, "stratifiers") {
		s := StratifierSpec{Pos: p.pos(it)}
		if it.Kind == yaml.ScalarNode {
			var e Expr
			p.expr(it, owner, "stratifiers", &e)
			s.ID, s.Components = strings.TrimSpace(e.Text), []Expr{e}
			out = append(out, s)
			continue
		}
		p.fields(it, owner+" stratifier", map[string]func(*yaml.Node){
			"id": func(v *yaml.Node) { p.str(v, owner, "stratifiers.id", &s.ID) },
			"expression": func(v *yaml.Node) {
				var e Expr
				p.expr(v, owner, "stratifiers.expression", &e)
				s.Components = append(s.Components, e)
			},
			"components": func(v *yaml.Node) {
				for _, c := range p.items(v, owner, "stratifiers.components") {
					var e Expr
					p.expr(c, owner, "stratifiers.components", &e)
					s.Components = append(s.Components, e)
				}
			},
		})
		if s.ID == "" && it.Kind == yaml.MappingNode {
			p.errorf(it, owner, "stratifiers", "a stratifier written as a mapping needs an id")
		}
		if len(s.Components) == 0 && it.Kind == yaml.MappingNode {
			p.errorf(it, owner, "stratifiers", "stratifier %q needs an expression or components", s.ID)
		}
		out = append(out, s)
	}
	return out
}
