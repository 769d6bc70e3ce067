package stratify

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/openhpi/hpi/internal/yamlsrc"

	"github.com/openhpi/hpi/indicator"
)

// maxSourceBytes bounds the YAML accepted by Load.
const maxSourceBytes = 4 << 20

// parser walks the YAML nodes of one model, collecting every problem as a
// positioned diagnostic.
type parser struct {
	yamlsrc.Walker
	owner string // "model <id>"
}

func (p *parser) diag(pos indicator.Position, field string, class error, format string, args ...any) {
	p.Diags = append(p.Diags, p.Diagnostic(pos, p.owner, field, class, format, args...))
}

func (p *parser) errorf(n *yaml.Node, field, format string, args ...any) {
	p.diag(p.Pos(n), field, indicator.ErrInvalidDefinition, format, args...)
}

// The structural walkers, with the model as the owner of their problems.

func (p *parser) fields(n *yaml.Node, field string, handlers map[string]func(k, v *yaml.Node)) {
	p.Fields(n, p.owner, field, handlers)
}

func (p *parser) pairs(n *yaml.Node, field string) [][2]*yaml.Node { return p.Pairs(n, p.owner, field) }

func (p *parser) items(n *yaml.Node, field string) []*yaml.Node { return p.Items(n, p.owner, field) }

func (p *parser) str(n *yaml.Node, field string, dst *string) {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, field, "want a string, got %s", yamlsrc.Kind(n))
		return
	}
	*dst = n.Value
}

func (p *parser) strs(n *yaml.Node, field string) []string {
	var out []string
	for _, it := range p.items(n, field) {
		var s string
		p.str(it, field, &s)
		out = append(out, s)
	}
	return out
}

// number reads a finite number.
func (p *parser) number(n *yaml.Node, field string) (float64, bool) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		p.errorf(n, field, "want a number, got %s", yamlsrc.Kind(n))
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		p.errorf(n, field, "want a finite number, got %s", yamlsrc.Kind(n))
		return 0, false
	}
	return v, true
}

func (p *parser) numberPtr(n *yaml.Node, field string) *float64 {
	if v, ok := p.number(n, field); ok {
		return &v
	}
	return nil
}

func (p *parser) boolean(n *yaml.Node, field string, dst *bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.errorf(n, field, "want true or false, got %s", yamlsrc.Kind(n))
		return
	}
	*dst, _ = strconv.ParseBool(strings.ToLower(n.Value))
}

// expr reads a CEL expression and where its text starts.
func (p *parser) expr(n *yaml.Node, field string, dst *indicator.Expr) {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, field, "want a CEL expression, got %s", yamlsrc.Kind(n))
		return
	}
	e := indicator.Expr{Text: n.Value, Pos: p.Pos(n), Indent: n.Column}
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		e.Pos.Column++
	case yaml.LiteralStyle, yaml.FoldedStyle:
		e.Pos.Line++
		l := p.Line(e.Pos.Line)
		e.Indent = len(l) - len(strings.TrimLeft(l, " ")) + 1
		e.Pos.Column = e.Indent
	}
	if strings.TrimSpace(e.Text) == "" {
		p.errorf(n, field, "empty expression")
		return
	}
	*dst = e
}

// parse reads a model document.
func parse(file string, data []byte) (*Model, indicator.Diagnostics) {
	p := &parser{Walker: yamlsrc.Walker{File: yamlsrc.NewFile(file, data)}, owner: "model"}
	if len(data) > maxSourceBytes {
		p.diag(indicator.Position{File: file}, "", indicator.ErrInvalidDefinition, "file larger than %d bytes", maxSourceBytes)
		return nil, p.Diags
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.diag(indicator.Position{File: file, Line: 1, Column: 1}, "", indicator.ErrInvalidDefinition, "empty document")
		} else {
			p.Diags = append(p.Diags, p.SyntaxErrors(err)...)
		}
		return nil, p.Diags
	}
	if len(doc.Content) == 0 {
		p.diag(indicator.Position{File: file, Line: 1, Column: 1}, "", indicator.ErrInvalidDefinition, "empty document")
		return nil, p.Diags
	}
	root := doc.Content[0]
	m := &Model{Pos: p.Pos(root)}
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "id" && root.Content[i+1].Kind == yaml.ScalarNode {
				p.owner = "model " + root.Content[i+1].Value
			}
		}
	}
	var refNodes []*yaml.Node
	p.fields(root, "", map[string]func(k, v *yaml.Node){
		"id":          func(_, v *yaml.Node) { p.str(v, "id", &m.ID) },
		"version":     func(_, v *yaml.Node) { p.str(v, "version", &m.Version) },
		"title":       func(_, v *yaml.Node) { p.str(v, "title", &m.Title) },
		"description": func(_, v *yaml.Node) { p.str(v, "description", &m.Description) },
		"sources":     func(_, v *yaml.Node) { m.Sources = p.strs(v, "sources") },
		"inputs":      func(_, v *yaml.Node) { m.Inputs = p.inputs(v) },
		"components":  func(_, v *yaml.Node) { m.Components = p.components(v) },
		"hierarchies": func(_, v *yaml.Node) { m.Hierarchies = p.hierarchies(v) },
		"score": func(_, v *yaml.Node) {
			p.fields(v, "score", map[string]func(k, v *yaml.Node){
				"expression": func(_, x *yaml.Node) { p.expr(x, "score.expression", &m.ScoreExpr) },
				"cap":        func(_, x *yaml.Node) { m.ScoreCap = p.numberPtr(x, "score.cap") },
			})
		},
		"logistic":        func(_, v *yaml.Node) { m.Logistic = p.logistic(v) },
		"tiers":           func(_, v *yaml.Node) { m.Tiers = p.tiers(v) },
		"segments":        func(_, v *yaml.Node) { m.Segments = p.segments(v) },
		"reference_cases": func(_, v *yaml.Node) { refNodes = p.items(v, "reference_cases") },
	})
	if m.ID == "" && root.Kind == yaml.MappingNode {
		p.errorf(root, "id", "a model needs an id")
	}
	// Reference cases read their inputs by the declared types, so they
	// are parsed once the inputs are known.
	for _, n := range refNodes {
		m.ReferenceCases = append(m.ReferenceCases, p.referenceCase(n, m))
	}
	return m, p.Diags
}

func (p *parser) inputs(n *yaml.Node) []Input {
	var out []Input
	for _, kv := range p.pairs(n, "inputs") {
		k, v := kv[0], kv[1]
		in := Input{Name: k.Value, Pos: p.Pos(k)}
		field := "inputs." + k.Value
		typ := ""
		if v.Kind == yaml.ScalarNode {
			typ = v.Value
		} else {
			p.fields(v, field, map[string]func(k, v *yaml.Node){
				"type":        func(_, x *yaml.Node) { p.str(x, field+".type", &typ) },
				"optional":    func(_, x *yaml.Node) { p.boolean(x, field+".optional", &in.Optional) },
				"values":      func(_, x *yaml.Node) { in.Values = p.strs(x, field+".values") },
				"description": func(_, x *yaml.Node) { p.str(x, field+".description", &in.Description) },
			})
		}
		switch typ {
		case "int":
			in.Type = indicator.KindInt
		case "double":
			in.Type = indicator.KindDouble
		case "bool":
			in.Type = indicator.KindBool
		case "string":
			in.Type = indicator.KindString
		default:
			p.errorf(v, field, "want an input type int, double, bool or string, got %q", typ)
			continue
		}
		if len(in.Values) > 0 && in.Type != indicator.KindString {
			p.errorf(v, field+".values", "values apply to string inputs only")
		}
		out = append(out, in)
	}
	return out
}

func (p *parser) components(n *yaml.Node) []Component {
	var out []Component
	for _, kv := range p.pairs(n, "components") {
		k, v := kv[0], kv[1]
		c := Component{Name: k.Value, Pos: p.Pos(k)}
		field := "components." + k.Value
		hasPoints := false
		p.fields(v, field, map[string]func(k, v *yaml.Node){
			"title":      func(_, x *yaml.Node) { p.str(x, field+".title", &c.Title) },
			"when":       func(_, x *yaml.Node) { p.expr(x, field+".when", &c.When) },
			"expression": func(_, x *yaml.Node) { p.expr(x, field+".expression", &c.Expression) },
			"points": func(_, x *yaml.Node) {
				if v, ok := p.number(x, field+".points"); ok {
					c.Points, hasPoints = v, true
				}
			},
			"input":  func(_, x *yaml.Node) { p.str(x, field+".input", &c.Input) },
			"bands":  func(_, x *yaml.Node) { c.Bands = p.bands(x, field+".bands") },
			"absent": func(_, x *yaml.Node) { c.Absent = p.numberPtr(x, field+".absent") },
			"cap":    func(_, x *yaml.Node) { c.Cap = p.numberPtr(x, field+".cap") },
		})
		if v.Kind != yaml.MappingNode {
			continue
		}
		forms := 0
		for _, set := range []bool{!c.When.IsZero(), c.Input != "" || c.Bands != nil, !c.Expression.IsZero()} {
			if set {
				forms++
			}
		}
		switch {
		case forms != 1:
			p.errorf(v, field, "a component needs exactly one of: when (with points), input (with bands), expression")
		case !c.When.IsZero() && !hasPoints:
			p.errorf(v, field, "a component with when needs points")
		case c.When.IsZero() && hasPoints:
			p.errorf(v, field+".points", "points go with when; a banded component gives points per band")
		case (c.Input != "") != (len(c.Bands) > 0):
			p.errorf(v, field, "a banded component needs an input and at least one band")
		case c.Absent != nil && c.Input == "":
			p.errorf(v, field+".absent", "absent applies to a banded component over an optional input")
		}
		out = append(out, c)
	}
	return out
}

// bands reads a points table; each band is {points, gt|gte, lt|lte}.
func (p *parser) bands(n *yaml.Node, field string) []Band {
	var out []Band
	for _, it := range p.items(n, field) {
		b := Band{Pos: p.Pos(it)}
		hasPoints := false
		bound := func(dst **Bound, inclusive bool, key string) func(_, v *yaml.Node) {
			return func(_, x *yaml.Node) {
				if *dst != nil {
					p.errorf(x, field, "a band has at most one %s bound", map[bool]string{true: "lower", false: "upper"}[key[0] == 'g'])
					return
				}
				if v, ok := p.number(x, field+"."+key); ok {
					*dst = &Bound{Value: v, Inclusive: inclusive}
				}
			}
		}
		p.fields(it, field, map[string]func(k, v *yaml.Node){
			"gt":  bound(&b.Lower, false, "gt"),
			"gte": bound(&b.Lower, true, "gte"),
			"lt":  bound(&b.Upper, false, "lt"),
			"lte": bound(&b.Upper, true, "lte"),
			"points": func(_, x *yaml.Node) {
				if v, ok := p.number(x, field+".points"); ok {
					b.Points, hasPoints = v, true
				}
			},
		})
		if it.Kind == yaml.MappingNode && !hasPoints {
			p.errorf(it, field, "a band needs points")
		}
		out = append(out, b)
	}
	return out
}

func (p *parser) hierarchies(n *yaml.Node) []Hierarchy {
	var out []Hierarchy
	for _, it := range p.items(n, "hierarchies") {
		h := Hierarchy{Pos: p.Pos(it)}
		p.fields(it, "hierarchies", map[string]func(k, v *yaml.Node){
			"severe": func(_, x *yaml.Node) { p.str(x, "hierarchies.severe", &h.Severe) },
			"mild":   func(_, x *yaml.Node) { p.str(x, "hierarchies.mild", &h.Mild) },
		})
		if it.Kind == yaml.MappingNode && (h.Severe == "" || h.Mild == "") {
			p.errorf(it, "hierarchies", "a hierarchy needs severe and mild")
		}
		out = append(out, h)
	}
	return out
}

func (p *parser) logistic(n *yaml.Node) *Logistic {
	l := &Logistic{Pos: p.Pos(n), Coefficients: map[string]float64{}}
	hasIntercept := false
	p.fields(n, "logistic", map[string]func(k, v *yaml.Node){
		"intercept": func(_, x *yaml.Node) {
			if v, ok := p.number(x, "logistic.intercept"); ok {
				l.Intercept, hasIntercept = v, true
			}
		},
		"coefficients": func(_, x *yaml.Node) {
			for _, kv := range p.pairs(x, "logistic.coefficients") {
				if v, ok := p.number(kv[1], "logistic.coefficients."+kv[0].Value); ok {
					l.Coefficients[kv[0].Value] = v
				}
			}
		},
	})
	if n.Kind == yaml.MappingNode && (!hasIntercept || len(l.Coefficients) == 0) {
		p.errorf(n, "logistic", "a logistic model needs an intercept and coefficients")
	}
	return l
}

func (p *parser) tiers(n *yaml.Node) []Tier {
	var out []Tier
	for _, it := range p.items(n, "tiers") {
		t := Tier{Pos: p.Pos(it)}
		from := func(inclusive bool, key string) func(_, v *yaml.Node) {
			return func(_, x *yaml.Node) {
				if t.From != nil {
					p.errorf(x, "tiers", "a tier has one cut-off: gte or gt")
					return
				}
				if v, ok := p.number(x, "tiers."+key); ok {
					t.From = &Bound{Value: v, Inclusive: inclusive}
				}
			}
		}
		p.fields(it, "tiers", map[string]func(k, v *yaml.Node){
			"name": func(_, x *yaml.Node) { p.str(x, "tiers.name", &t.Name) },
			"gte":  from(true, "gte"),
			"gt":   from(false, "gt"),
		})
		if it.Kind == yaml.MappingNode && t.Name == "" {
			p.errorf(it, "tiers", "a tier needs a name")
		}
		out = append(out, t)
	}
	return out
}

func (p *parser) segments(n *yaml.Node) []Segment {
	var out []Segment
	for _, it := range p.items(n, "segments") {
		s := Segment{Pos: p.Pos(it)}
		p.fields(it, "segments", map[string]func(k, v *yaml.Node){
			"name": func(_, x *yaml.Node) { p.str(x, "segments.name", &s.Name) },
			"when": func(_, x *yaml.Node) { p.expr(x, "segments.when", &s.When) },
		})
		if it.Kind == yaml.MappingNode && s.Name == "" {
			p.errorf(it, "segments", "a segment needs a name")
		}
		out = append(out, s)
	}
	return out
}

func (p *parser) referenceCase(n *yaml.Node, m *Model) ReferenceCase {
	rc := ReferenceCase{Pos: p.Pos(n), Inputs: map[string]any{}}
	p.fields(n, "reference_cases", map[string]func(k, v *yaml.Node){
		"name":      func(_, x *yaml.Node) { p.str(x, "reference_cases.name", &rc.Name) },
		"source":    func(_, x *yaml.Node) { p.str(x, "reference_cases.source", &rc.Source) },
		"score":     func(_, x *yaml.Node) { rc.Score = p.numberPtr(x, "reference_cases.score") },
		"tier":      func(_, x *yaml.Node) { p.str(x, "reference_cases.tier", &rc.Tier) },
		"segment":   func(_, x *yaml.Node) { p.str(x, "reference_cases.segment", &rc.Segment) },
		"tolerance": func(_, x *yaml.Node) { rc.Tolerance, _ = p.number(x, "reference_cases.tolerance") },
		"components": func(_, x *yaml.Node) {
			rc.Components = map[string]float64{}
			for _, kv := range p.pairs(x, "reference_cases.components") {
				if v, ok := p.number(kv[1], "reference_cases.components"); ok {
					rc.Components[kv[0].Value] = v
				}
			}
		},
		"inputs": func(_, x *yaml.Node) {
			for _, kv := range p.pairs(x, "reference_cases.inputs") {
				k, v := kv[0], kv[1]
				in := m.input(k.Value)
				if in == nil {
					p.errorf(k, "reference_cases.inputs", "unknown input %q", k.Value)
					continue
				}
				if val, ok := p.inputValue(v, in); ok {
					rc.Inputs[k.Value] = val
				}
			}
		},
	})
	if n.Kind == yaml.MappingNode && rc.Score == nil && rc.Tier == "" && rc.Segment == "" && rc.Components == nil {
		p.errorf(n, "reference_cases", "a reference case needs an expected score, tier, segment or components")
	}
	return rc
}

// inputValue reads a reference case's input value by the input's type.
func (p *parser) inputValue(n *yaml.Node, in *Input) (any, bool) {
	field := "reference_cases.inputs." + in.Name
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, field, "want a %s, got %s", in.Type, yamlsrc.Kind(n))
		return nil, false
	}
	if n.Tag == "!!null" {
		return nil, true
	}
	switch in.Type {
	case indicator.KindInt:
		if n.Tag == "!!int" {
			if v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
				return v, true
			}
		}
	case indicator.KindDouble:
		if v, ok := p.number(n, field); ok {
			return v, true
		}
		return nil, false
	case indicator.KindBool:
		if n.Tag == "!!bool" {
			v, _ := strconv.ParseBool(strings.ToLower(n.Value))
			return v, true
		}
	case indicator.KindString:
		if n.Tag == "!!str" {
			return n.Value, true
		}
	}
	p.errorf(n, field, "want a %s, got %s", in.Type, yamlsrc.Kind(n))
	return nil, false
}
