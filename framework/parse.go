package framework

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/openhpi/hpi/internal/yamlsrc"

	"github.com/openhpi/hpi/indicator"
)

// maxSourceBytes bounds the YAML accepted for one file, so that a hostile
// file cannot exhaust memory.
const maxSourceBytes = 16 << 20

// spec is a framework file as written, before templates, indicator sets
// and validation.
type spec struct {
	file       string
	lines      []string
	id         string
	version    string
	title      string
	desc       string
	citation   string
	extends    string
	extendsPos indicator.Position
	facets     []Facet
	nodes      []Node
	links      []Link
	crosswalks []Crosswalk
	composites []compositeSpec
	setFiles   []setRef
	inline     []byte // the inline set, blanked outside its lines so that positions hold
	inlinePos  indicator.Position
	attach     []attachment
	pos        indicator.Position
}

type setRef struct {
	path string
	pos  indicator.Position
}

type attachment struct {
	node string
	pos  indicator.Position
	refs []Ref
}

type compositeSpec struct {
	Composite
	explicit bool
	compPos  []indicator.Position
}

// parser walks the YAML nodes of one framework file, collecting every
// problem as a positioned diagnostic.
type parser struct {
	yamlsrc.Walker
	owner string
}

func (p *parser) diag(pos indicator.Position, field string, class error, format string, args ...any) {
	p.Diags = append(p.Diags, p.Diagnostic(pos, p.owner, field, class, format, args...))
}

func (p *parser) errorf(n *yaml.Node, field, format string, args ...any) {
	p.diag(p.Pos(n), field, indicator.ErrInvalidDefinition, format, args...)
}

// The structural walkers, with the framework as the owner of their
// problems.

func (p *parser) isMapping(n *yaml.Node, field string) bool { return p.Mapping(n, p.owner, field) }

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

// ident reads a non-empty identifier-like string: letters, digits, '-',
// '_' and '.'.
func (p *parser) ident(n *yaml.Node, field string, dst *string) {
	var s string
	p.str(n, field, &s)
	if n.Kind != yaml.ScalarNode {
		return
	}
	if !isID(s) {
		p.errorf(n, field, "%q is not a valid id (letters, digits, '-', '_', '.')", s)
		return
	}
	*dst = s
}

func isID(s string) bool {
	if s == "" || len(s) > 200 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}

func (p *parser) float(n *yaml.Node, field string, dst *float64) bool {
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil || v != v {
		p.errorf(n, field, "want a number, got %s", yamlsrc.Kind(n))
		return false
	}
	*dst = v
	return true
}

func (p *parser) int(n *yaml.Node, field string, dst *int) {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		p.errorf(n, field, "want an integer, got %s", yamlsrc.Kind(n))
		return
	}
	*dst = v
}

// parse reads a framework file into a spec.
func parse(file string, data []byte) (*spec, indicator.Diagnostics) {
	p := &parser{Walker: yamlsrc.Walker{File: yamlsrc.NewFile(file, data)}, owner: "framework"}
	s := &spec{file: file, lines: p.Lines()}
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
	s.pos = p.Pos(root)
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == "id" && root.Content[i+1].Kind == yaml.ScalarNode {
				p.owner = "framework " + root.Content[i+1].Value
			}
		}
	}
	p.fields(root, "", map[string]func(k, v *yaml.Node){
		"id":          func(_, v *yaml.Node) { p.ident(v, "id", &s.id) },
		"version":     func(_, v *yaml.Node) { p.str(v, "version", &s.version) },
		"title":       func(_, v *yaml.Node) { p.str(v, "title", &s.title) },
		"description": func(_, v *yaml.Node) { p.str(v, "description", &s.desc) },
		"citation":    func(_, v *yaml.Node) { p.str(v, "citation", &s.citation) },
		"extends": func(_, v *yaml.Node) {
			p.ident(v, "extends", &s.extends)
			s.extendsPos = p.Pos(v)
		},
		"facets": func(_, v *yaml.Node) { s.facets = p.facets(v) },
		"nodes": func(_, v *yaml.Node) {
			for _, it := range p.items(v, "nodes") {
				s.nodes = append(s.nodes, p.node(it))
			}
		},
		"links": func(_, v *yaml.Node) {
			for _, it := range p.items(v, "links") {
				s.links = append(s.links, p.link(it))
			}
		},
		"crosswalks": func(_, v *yaml.Node) {
			for _, it := range p.items(v, "crosswalks") {
				s.crosswalks = append(s.crosswalks, p.crosswalk(it))
			}
		},
		"composites": func(_, v *yaml.Node) {
			for _, it := range p.items(v, "composites") {
				s.composites = append(s.composites, p.composite(it))
			}
		},
		"indicator_sets": func(_, v *yaml.Node) {
			for _, it := range p.items(v, "indicator_sets") {
				var path string
				p.str(it, "indicator_sets", &path)
				if it.Kind == yaml.ScalarNode && strings.TrimSpace(path) == "" {
					p.errorf(it, "indicator_sets", "empty path")
					continue
				}
				if path != "" {
					s.setFiles = append(s.setFiles, setRef{path: path, pos: p.Pos(it)})
				}
			}
		},
		"set": func(k, v *yaml.Node) {
			if p.isMapping(v, "set") {
				s.inline = p.extract(root, k, v)
				s.inlinePos = p.Pos(v)
			}
		},
		"attach": func(_, v *yaml.Node) {
			for _, kv := range p.pairs(v, "attach") {
				a := attachment{pos: p.Pos(kv[0])}
				p.ident(kv[0], "attach", &a.node)
				a.refs = p.refs(kv[1], "attach")
				s.attach = append(s.attach, a)
			}
		},
	})
	if s.id == "" && root.Kind == yaml.MappingNode {
		p.errorf(root, "id", "a framework needs an id")
	}
	return s, p.Diags
}

// extract returns the framework file with every line outside the value v
// of the top-level key k blanked, so that indicator.Parse reads the inline
// set with the file's own lines and columns.
func (p *parser) extract(root, k, v *yaml.Node) []byte {
	end := len(p.Lines())
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i] == k && i+2 < len(root.Content) {
			end = root.Content[i+2].Line - 1
		}
	}
	out := make([]string, len(p.Lines()))
	for i := range p.Lines() {
		n := i + 1
		switch {
		case n < v.Line || n > end:
		case n == v.Line:
			r := []rune(p.Lines()[i])
			for j := 0; j < v.Column-1 && j < len(r); j++ {
				r[j] = ' '
			}
			out[i] = string(r)
		default:
			out[i] = p.Lines()[i]
		}
	}
	return []byte(strings.Join(out, "\n"))
}

func (p *parser) facets(n *yaml.Node) []Facet {
	var out []Facet
	for _, kv := range p.pairs(n, "facets") {
		k, v := kv[0], kv[1]
		f := Facet{Pos: p.Pos(k)}
		p.ident(k, "facets", &f.ID)
		field := "facets." + k.Value
		values := func(x *yaml.Node) {
			for _, it := range p.items(x, field) {
				var s string
				p.ident(it, field, &s)
				if s != "" {
					f.Values = append(f.Values, s)
				}
			}
		}
		if v.Kind == yaml.SequenceNode {
			values(v)
		} else {
			p.fields(v, field, map[string]func(k, v *yaml.Node){
				"title":  func(_, x *yaml.Node) { p.str(x, field+".title", &f.Title) },
				"values": func(_, x *yaml.Node) { values(x) },
			})
		}
		if len(f.Values) == 0 {
			p.errorf(v, field, "a facet needs at least one value")
		}
		seen := map[string]bool{}
		for _, val := range f.Values {
			if seen[val] {
				p.errorf(v, field, "duplicate value %q", val)
			}
			seen[val] = true
		}
		out = append(out, f)
	}
	return out
}

// facetValues reads {facet: value}.
func (p *parser) facetValues(n *yaml.Node, field string) map[string]string {
	out := map[string]string{}
	for _, kv := range p.pairs(n, field) {
		var facet, value string
		p.ident(kv[0], field, &facet)
		p.ident(kv[1], field+"."+kv[0].Value, &value)
		if facet != "" && value != "" {
			out[facet] = value
		}
	}
	return out
}

func (p *parser) node(n *yaml.Node) Node {
	nd := Node{Pos: p.Pos(n)}
	p.fields(n, "nodes", map[string]func(k, v *yaml.Node){
		"id":          func(_, v *yaml.Node) { p.ident(v, "nodes.id", &nd.ID) },
		"kind":        func(_, v *yaml.Node) { p.ident(v, "nodes.kind", &nd.Kind) },
		"title":       func(_, v *yaml.Node) { p.str(v, "nodes.title", &nd.Title) },
		"description": func(_, v *yaml.Node) { p.str(v, "nodes.description", &nd.Description) },
		"parent":      func(_, v *yaml.Node) { p.ident(v, "nodes.parent", &nd.Parent) },
		"order":       func(_, v *yaml.Node) { p.int(v, "nodes.order", &nd.Order) },
		"facets":      func(_, v *yaml.Node) { nd.Facets = p.facetValues(v, "nodes.facets") },
		"indicators":  func(_, v *yaml.Node) { nd.Indicators = p.refs(v, "nodes.indicators") },
	})
	if nd.ID == "" && n.Kind == yaml.MappingNode {
		p.errorf(n, "nodes", "a node needs an id")
	}
	return nd
}

// refs reads a list of indicator references: an id, or a mapping with id,
// role, weight, benchmark and facets.
func (p *parser) refs(n *yaml.Node, field string) []Ref {
	var out []Ref
	for _, it := range p.items(n, field) {
		r := Ref{Role: Headline, Weight: 1, Pos: p.Pos(it)}
		if it.Kind == yaml.ScalarNode {
			p.ident(it, field, &r.Indicator)
			if r.Indicator != "" {
				out = append(out, r)
			}
			continue
		}
		p.fields(it, field, map[string]func(k, v *yaml.Node){
			"id": func(_, v *yaml.Node) { p.ident(v, field+".id", &r.Indicator) },
			"role": func(_, v *yaml.Node) {
				p.str(v, field+".role", (*string)(&r.Role))
				if r.Role != Headline && r.Role != Supporting {
					p.errorf(v, field+".role", "unknown role %q (want headline or supporting)", v.Value)
				}
			},
			"weight": func(_, v *yaml.Node) {
				if p.float(v, field+".weight", &r.Weight) && (r.Weight <= 0 || r.Weight > 1e6) {
					p.errorf(v, field+".weight", "a weight must be positive and at most 1e6")
				}
			},
			"benchmark": func(_, v *yaml.Node) {
				var b float64
				if p.float(v, field+".benchmark", &b) {
					r.Benchmark = &b
				}
			},
			"facets": func(_, v *yaml.Node) { r.Facets = p.facetValues(v, field+".facets") },
		})
		if r.Indicator == "" {
			if it.Kind == yaml.MappingNode {
				p.errorf(it, field, "an indicator reference needs an id")
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

func (p *parser) link(n *yaml.Node) Link {
	l := Link{Pos: p.Pos(n)}
	p.fields(n, "links", map[string]func(k, v *yaml.Node){
		"from":        func(_, v *yaml.Node) { p.ident(v, "links.from", &l.From) },
		"to":          func(_, v *yaml.Node) { p.ident(v, "links.to", &l.To) },
		"description": func(_, v *yaml.Node) { p.str(v, "links.description", &l.Description) },
	})
	if (l.From == "" || l.To == "") && n.Kind == yaml.MappingNode {
		p.errorf(n, "links", "a link needs from and to")
	}
	return l
}

func (p *parser) crosswalk(n *yaml.Node) Crosswalk {
	c := Crosswalk{Pos: p.Pos(n)}
	p.fields(n, "crosswalks", map[string]func(k, v *yaml.Node){
		"node":      func(_, v *yaml.Node) { p.ident(v, "crosswalks.node", &c.Node) },
		"framework": func(_, v *yaml.Node) { p.ident(v, "crosswalks.framework", &c.Framework) },
		"target":    func(_, v *yaml.Node) { p.ident(v, "crosswalks.target", &c.Target) },
		"source":    func(_, v *yaml.Node) { p.str(v, "crosswalks.source", &c.Source) },
		"relation": func(_, v *yaml.Node) {
			p.str(v, "crosswalks.relation", (*string)(&c.Relation))
			switch c.Relation {
			case Equivalent, Broader, Narrower, Related:
			default:
				p.errorf(v, "crosswalks.relation", "unknown relation %q (want equivalent, broader, narrower or related)", v.Value)
			}
		},
	})
	if n.Kind == yaml.MappingNode && (c.Node == "" || c.Framework == "" || c.Target == "" || c.Relation == "") {
		p.errorf(n, "crosswalks", "a crosswalk needs node, framework, target and relation")
	}
	if n.Kind == yaml.MappingNode && strings.TrimSpace(c.Source) == "" {
		p.errorf(n, "crosswalks.source", "a crosswalk needs the source that defines it")
	}
	return c
}

func (p *parser) composite(n *yaml.Node) compositeSpec {
	c := compositeSpec{Composite: Composite{Pos: p.Pos(n)}}
	p.fields(n, "composites", map[string]func(k, v *yaml.Node){
		"id":     func(_, v *yaml.Node) { p.ident(v, "composites.id", &c.ID) },
		"title":  func(_, v *yaml.Node) { p.str(v, "composites.title", &c.Title) },
		"node":   func(_, v *yaml.Node) { p.ident(v, "composites.node", &c.Node) },
		"across": func(_, v *yaml.Node) { p.str(v, "composites.across", &c.Across) },
		"normalisation": func(_, v *yaml.Node) {
			p.str(v, "composites.normalisation", (*string)(&c.Normalisation))
			switch c.Normalisation {
			case ZScore, MinMax, Rank:
			default:
				p.errorf(v, "composites.normalisation", "unknown normalisation %q (want z-score, min-max or rank)", v.Value)
			}
		},
		"indicators": func(_, v *yaml.Node) {
			c.explicit = true
			for _, r := range p.refs(v, "composites.indicators") {
				c.Components = append(c.Components, Component{Indicator: r.Indicator, Weight: r.Weight})
				c.compPos = append(c.compPos, r.Pos)
			}
		},
	})
	if n.Kind == yaml.MappingNode {
		if c.ID == "" {
			p.errorf(n, "composites", "a composite needs an id")
		}
		if c.Normalisation == "" {
			p.errorf(n, "composites.normalisation", "a composite needs a normalisation (z-score, min-max or rank)")
		}
		if strings.TrimSpace(c.Across) == "" {
			p.errorf(n, "composites.across", "a composite needs the stratifier whose strata it scores (across)")
		}
	}
	return c
}
