package logicmodel

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/openhpi/hpi/internal/yamlsrc"

	"github.com/openhpi/hpi/indicator"
)

// maxSourceBytes bounds the YAML accepted by Load, so that a hostile file
// cannot exhaust memory.
const maxSourceBytes = 4 << 20

// LoadFile reads a logic model from a YAML file.
func LoadFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("logicmodel: %w", err)
	}
	defer f.Close()
	return Load(f, path)
}

// Load reads a logic model from YAML; name is the file name used in
// positions. A problem of syntax or structure (bad YAML, an unknown key, a
// missing id, a duplicate id, a column the layout does not have) makes
// Load fail with indicator.Diagnostics, every problem at once, each with
// file:line:column and the class indicator.ErrInvalidDefinition. Problems
// of logic (dangling links, cycles, gaps in the chain) do not: Validate
// reports them.
func Load(r io.Reader, name string) (*Model, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSourceBytes+1))
	if err != nil {
		return nil, fmt.Errorf("logicmodel: reading %s: %w", name, err)
	}
	m, diags := parse(name, data)
	if len(diags) > 0 {
		slices.SortStableFunc(diags, func(a, b indicator.Diagnostic) int {
			if c := cmp.Compare(a.Pos.Line, b.Pos.Line); c != 0 {
				return c
			}
			return cmp.Compare(a.Pos.Column, b.Pos.Column)
		})
		return nil, diags
	}
	return m, nil
}

// parser walks the YAML nodes of one model, collecting every problem as a
// positioned diagnostic.
type parser struct {
	yamlsrc.Walker
}

func (p *parser) diag(pos indicator.Position, owner, field, format string, args ...any) {
	p.Diags = append(p.Diags, p.Diagnostic(pos, owner, field, indicator.ErrInvalidDefinition, format, args...))
}

// fields walks a mapping with the key's owner: problems of its keys name
// no field.
func (p *parser) fields(n *yaml.Node, owner string, handlers map[string]func(k, v *yaml.Node)) {
	p.Fields(n, owner, "", handlers)
}

func (p *parser) str(n *yaml.Node, owner, field string, dst *string) bool {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.Errorf(n, owner, field, "want a string, got %s", yamlsrc.Kind(n))
		return false
	}
	*dst = n.Value
	return true
}

// strs reads a list of strings, or one string as a list of one.
func (p *parser) strs(n *yaml.Node, owner, field string) []string {
	if n.Kind == yaml.ScalarNode {
		var s string
		if p.str(n, owner, field, &s) {
			return []string{s}
		}
		return nil
	}
	var out []string
	for _, it := range p.Items(n, owner, field) {
		var s string
		if p.str(it, owner, field, &s) {
			out = append(out, s)
		}
	}
	return out
}

// ids reads a list of ids (or one id); empty ids are errors.
func (p *parser) ids(n *yaml.Node, owner, field string) []string {
	out := p.strs(n, owner, field)
	for _, s := range out {
		if strings.TrimSpace(s) == "" {
			p.Errorf(n, owner, field, "empty id")
		}
	}
	return out
}

func (p *parser) number(n *yaml.Node, owner, field string) *float64 {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		p.Errorf(n, owner, field, "want a number, got %s", yamlsrc.Kind(n))
		return nil
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		p.Errorf(n, owner, field, "want a finite number, got %s", yamlsrc.Kind(n))
		return nil
	}
	return &v
}

func (p *parser) boolean(n *yaml.Node, owner, field string, dst *bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.Errorf(n, owner, field, "want true or false, got %s", yamlsrc.Kind(n))
		return
	}
	*dst, _ = strconv.ParseBool(strings.ToLower(n.Value))
}

// id reads a required id and records where it is.
func (p *parser) id(n *yaml.Node, owner string, dst *string, pos *indicator.Position) {
	if p.str(n, owner, "id", dst) {
		*pos = p.Pos(n)
		if strings.TrimSpace(*dst) == "" {
			p.Errorf(n, owner, "id", "empty id")
		}
	}
}

// parse reads a model document.
func parse(file string, data []byte) (*Model, indicator.Diagnostics) {
	p := &parser{Walker: yamlsrc.Walker{File: yamlsrc.NewFile(file, data)}}
	if len(data) > maxSourceBytes {
		p.diag(indicator.Position{File: file}, "", "", "file larger than %d bytes", maxSourceBytes)
		return nil, p.Diags
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.diag(indicator.Position{File: file, Line: 1, Column: 1}, "", "", "empty document")
		} else {
			p.Diags = append(p.Diags, p.SyntaxErrors(err)...)
		}
		return nil, p.Diags
	}
	if len(doc.Content) == 0 {
		p.diag(indicator.Position{File: file, Line: 1, Column: 1}, "", "", "empty document")
		return nil, p.Diags
	}
	root := doc.Content[0]
	m := &Model{Layout: Kellogg, Pos: p.Pos(root)}
	const owner = "model"
	var columns, layout *yaml.Node
	var elementCols []*yaml.Node
	p.fields(root, owner, map[string]func(k, v *yaml.Node){
		"id":          func(_, v *yaml.Node) { p.id(v, owner, &m.ID, new(indicator.Position)) },
		"title":       func(_, v *yaml.Node) { p.str(v, owner, "title", &m.Title) },
		"description": func(_, v *yaml.Node) { p.str(v, owner, "description", &m.Description) },
		"layout":      func(_, v *yaml.Node) { layout = v },
		"columns":     func(_, v *yaml.Node) { columns = v },
		"elements": func(_, v *yaml.Node) {
			for _, it := range p.Items(v, owner, "elements") {
				e, col := p.element(it)
				m.Elements = append(m.Elements, e)
				elementCols = append(elementCols, col)
			}
		},
		"links": func(_, v *yaml.Node) {
			for i, it := range p.Items(v, owner, "links") {
				m.Links = append(m.Links, p.link(it, i+1))
			}
		},
		"assumptions": func(_, v *yaml.Node) {
			for _, it := range p.Items(v, owner, "assumptions") {
				m.Assumptions = append(m.Assumptions, p.assumption(it))
			}
		},
		"external_factors": func(_, v *yaml.Node) {
			for _, it := range p.Items(v, owner, "external_factors") {
				m.ExternalFactors = append(m.ExternalFactors, p.factor(it))
			}
		},
	})
	if root.Kind == yaml.MappingNode && m.ID == "" && !mappingHas(root, "id") {
		p.Errorf(root, owner, "id", "missing id")
	}
	if layout != nil {
		var s string
		if p.str(layout, owner, "layout", &s) {
			m.Layout = Layout(s)
			if m.Layout.Columns() == nil || s == "" {
				p.Errorf(layout, owner, "layout", "unknown layout %q (want %s or %s)", s, Kellogg, Logframe)
				m.Layout = Kellogg
			}
		}
	}
	m.Columns = m.Layout.Columns()
	known := map[string]int{}
	var names []string
	for i, c := range m.Columns {
		known[c.ID] = i
		names = append(names, c.ID)
	}
	if columns != nil && p.Mapping(columns, owner, "columns") {
		seen := map[string]bool{}
		for i := 0; i+1 < len(columns.Content); i += 2 {
			k, v := columns.Content[i], columns.Content[i+1]
			if seen[k.Value] {
				p.Errorf(k, owner, "columns", "duplicate key %q", k.Value)
				continue
			}
			seen[k.Value] = true
			c, ok := known[k.Value]
			if !ok {
				p.Errorf(k, owner, "columns", "the %s layout has no column %q (want one of: %s)", m.Layout, k.Value, strings.Join(names, ", "))
				continue
			}
			p.str(v, "column "+k.Value, "title", &m.Columns[c].Title)
		}
	}
	for i, e := range m.Elements {
		if _, ok := known[e.Column]; !ok && elementCols[i] != nil {
			p.Errorf(elementCols[i], "element "+e.ID, "column", "the %s layout has no column %q (want one of: %s)", m.Layout, e.Column, strings.Join(names, ", "))
		}
	}
	p.unique(m)
	return m, p.Diags
}

// mappingHas reports whether a mapping node has the key.
func mappingHas(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// unique reports ids used twice within elements, assumptions or external
// factors.
func (p *parser) unique(m *Model) {
	check := func(kind, id string, pos indicator.Position, seen map[string]indicator.Position) {
		if id == "" {
			return
		}
		if first, dup := seen[id]; dup {
			p.diag(pos, kind+" "+id, "id", "duplicate id (first at %s)", first)
			return
		}
		seen[id] = pos
	}
	seen := map[string]indicator.Position{}
	for _, e := range m.Elements {
		check("element", e.ID, e.Pos, seen)
	}
	seen = map[string]indicator.Position{}
	for _, a := range m.Assumptions {
		check("assumption", a.ID, a.Pos, seen)
	}
	seen = map[string]indicator.Position{}
	for _, f := range m.ExternalFactors {
		check("external factor", f.ID, f.Pos, seen)
	}
}

// element reads one element and returns the node of its column.
func (p *parser) element(n *yaml.Node) (Element, *yaml.Node) {
	e := Element{Pos: p.Pos(n)}
	owner := "element"
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" && n.Content[i+1].Kind == yaml.ScalarNode {
				owner = "element " + n.Content[i+1].Value
			}
		}
	}
	var col *yaml.Node
	hasID, hasText := false, false
	p.fields(n, owner, map[string]func(k, v *yaml.Node){
		"id": func(_, v *yaml.Node) { hasID = true; p.id(v, owner, &e.ID, &e.Pos) },
		"column": func(_, v *yaml.Node) {
			if p.str(v, owner, "column", &e.Column) {
				col = v
			}
		},
		"text":         func(_, v *yaml.Node) { hasText = p.str(v, owner, "text", &e.Text) },
		"horizon":      func(_, v *yaml.Node) { p.str(v, owner, "horizon", &e.Horizon) },
		"indicators":   func(_, v *yaml.Node) { e.Indicators = p.indicatorRefs(v, owner) },
		"verification": func(_, v *yaml.Node) { e.Verification = p.strs(v, owner, "verification") },
		"assumptions":  func(_, v *yaml.Node) { e.Assumptions = p.ids(v, owner, "assumptions") },
	})
	if n.Kind == yaml.MappingNode {
		if !hasID {
			p.Errorf(n, owner, "id", "missing id")
		}
		if col == nil && !mappingHas(n, "column") {
			p.Errorf(n, owner, "column", "missing column")
		}
		if !hasText && !mappingHas(n, "text") {
			p.Errorf(n, owner, "text", "missing text")
		}
	}
	return e, col
}

// indicatorRefs reads "ID" or {id, at_least, at_most} items.
func (p *parser) indicatorRefs(n *yaml.Node, owner string) []IndicatorRef {
	var out []IndicatorRef
	for _, it := range p.Items(n, owner, "indicators") {
		r := IndicatorRef{Pos: p.Pos(it)}
		if it.Kind == yaml.ScalarNode {
			p.id(it, owner+" indicators", &r.ID, &r.Pos)
		} else {
			hasID := false
			p.fields(it, owner+" indicators", map[string]func(k, v *yaml.Node){
				"id":       func(_, v *yaml.Node) { hasID = true; p.id(v, owner+" indicators", &r.ID, &r.Pos) },
				"at_least": func(_, v *yaml.Node) { r.AtLeast = p.number(v, owner+" indicators", "at_least") },
				"at_most":  func(_, v *yaml.Node) { r.AtMost = p.number(v, owner+" indicators", "at_most") },
			})
			if it.Kind == yaml.MappingNode && !hasID {
				p.Errorf(it, owner+" indicators", "id", "missing id")
			}
			if r.AtLeast != nil && r.AtMost != nil && *r.AtLeast > *r.AtMost {
				p.Errorf(it, owner+" indicators", "at_least", "at_least %g is above at_most %g", *r.AtLeast, *r.AtMost)
			}
		}
		if r.ID != "" {
			out = append(out, r)
		}
	}
	return out
}

// link reads one link; k is its 1-based place in the list.
func (p *parser) link(n *yaml.Node, k int) Link {
	l := Link{Pos: p.Pos(n)}
	owner := fmt.Sprintf("link %d", k)
	p.fields(n, owner, map[string]func(k, v *yaml.Node){
		"from": func(_, v *yaml.Node) {
			if p.str(v, owner, "from", &l.From) {
				l.FromPos = p.Pos(v)
			}
		},
		"to": func(_, v *yaml.Node) {
			if p.str(v, owner, "to", &l.To) {
				l.ToPos = p.Pos(v)
			}
		},
		"assumptions": func(_, v *yaml.Node) { l.Assumptions = p.ids(v, owner, "assumptions") },
	})
	if n.Kind == yaml.MappingNode {
		if !mappingHas(n, "from") {
			p.Errorf(n, owner, "from", "missing from")
		}
		if !mappingHas(n, "to") {
			p.Errorf(n, owner, "to", "missing to")
		}
	}
	return l
}

func (p *parser) assumption(n *yaml.Node) Assumption {
	a := Assumption{Pos: p.Pos(n)}
	owner := "assumption"
	p.fields(n, owner, map[string]func(k, v *yaml.Node){
		"id":       func(_, v *yaml.Node) { p.id(v, owner, &a.ID, &a.Pos) },
		"text":     func(_, v *yaml.Node) { p.str(v, owner, "text", &a.Text) },
		"evidence": func(_, v *yaml.Node) { p.str(v, owner, "evidence", &a.Evidence) },
		"killer":   func(_, v *yaml.Node) { p.boolean(v, owner, "killer", &a.Killer) },
	})
	if n.Kind == yaml.MappingNode && !mappingHas(n, "id") {
		p.Errorf(n, owner, "id", "missing id")
	}
	return a
}

func (p *parser) factor(n *yaml.Node) ExternalFactor {
	f := ExternalFactor{Pos: p.Pos(n)}
	owner := "external factor"
	p.fields(n, owner, map[string]func(k, v *yaml.Node){
		"id":   func(_, v *yaml.Node) { p.id(v, owner, &f.ID, &f.Pos) },
		"text": func(_, v *yaml.Node) { p.str(v, owner, "text", &f.Text) },
	})
	if n.Kind == yaml.MappingNode && !mappingHas(n, "id") {
		p.Errorf(n, owner, "id", "missing id")
	}
	return f
}
