package schemas

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Reference renders the schema of kind as a Markdown reference: a section
// per object (the document, then each object it contains), with a row per
// key giving its type, whether it is required and its description. The
// YAML reference in docs/reference is this output, so it cannot drift from
// the schemas that editors and CI validate against.
func Reference(kind string) ([]byte, error) {
	raw, err := Get(kind)
	if err != nil {
		return nil, err
	}
	var root node
	if err := json.Unmarshal(raw, &root); err != nil {
		return nil, fmt.Errorf("schemas: %s: %w", kind, err)
	}
	r := &renderer{defs: root.Defs, done: map[string]bool{}, scalars: map[string]*node{}}
	fmt.Fprintf(&r.out, "# %s\n\n", root.Title)
	if root.Description != "" {
		fmt.Fprintf(&r.out, "%s\n\n", root.Description)
	}
	fmt.Fprintf(&r.out, "Schema: `schemas/%s` (`%s`). Generated from the schema by `go test ./schemas -run Reference -update`; do not edit.\n", FileName(kind), root.ID)
	r.queue = append(r.queue, section{title: "The document", n: &root})
	for len(r.queue) > 0 {
		s := r.queue[0]
		r.queue = r.queue[1:]
		r.section(s)
	}
	if len(r.scalars) > 0 {
		r.out.WriteString("\n## Types\n\n")
		for _, name := range sortedKeys(r.scalars) {
			fmt.Fprintf(&r.out, "- `%s`: %s\n", name, oneLine(r.scalars[name].Description))
		}
	}
	return []byte(r.out.String()), nil
}

// node is the part of a JSON Schema the reference shows.
type node struct {
	ID                   string           `json:"$id"`
	Ref                  string           `json:"$ref"`
	Title                string           `json:"title"`
	Description          string           `json:"description"`
	Type                 any              `json:"type"` // a string or a list of strings
	Enum                 []any            `json:"enum"`
	Const                any              `json:"const"`
	Properties           map[string]*node `json:"properties"`
	Required             []string         `json:"required"`
	AdditionalProperties json.RawMessage  `json:"additionalProperties"`
	Items                *node            `json:"items"`
	OneOf                []*node          `json:"oneOf"`
	AnyOf                []*node          `json:"anyOf"`
	Defs                 map[string]*node `json:"$defs"`
}

// values returns the schema of a map's values, or nil.
func (n *node) values() *node {
	if len(n.AdditionalProperties) == 0 || n.AdditionalProperties[0] != '{' {
		return nil
	}
	var v node
	if json.Unmarshal(n.AdditionalProperties, &v) != nil {
		return nil
	}
	return &v
}

type section struct {
	title string
	n     *node
}

type renderer struct {
	defs    map[string]*node
	done    map[string]bool  // sections queued, by title
	scalars map[string]*node // named scalar types used, for the Types section
	queue   []section
	out     strings.Builder
}

// resolve follows a local $ref, keeping the referring node's description.
func (r *renderer) resolve(n *node) (*node, string) {
	name := strings.TrimPrefix(n.Ref, "#/$defs/")
	if n.Ref == "" || r.defs[name] == nil {
		return n, ""
	}
	return r.defs[name], name
}

// section writes one object's table of keys.
func (r *renderer) section(s section) {
	n, _ := r.resolve(s.n)
	objects := r.objectsOf(n)
	if len(objects) == 0 {
		return
	}
	fmt.Fprintf(&r.out, "\n## %s\n\n", s.title)
	if n.Description != "" && s.title != "The document" {
		fmt.Fprintf(&r.out, "%s\n\n", oneLine(n.Description))
	}
	for _, o := range objects {
		if v := o.values(); v != nil && len(o.Properties) == 0 {
			fmt.Fprintf(&r.out, "A mapping of names to %s.\n\n", r.typeOf(v, s.title+" entry"))
			continue
		}
		r.out.WriteString("| key | type | required | description |\n| --- | --- | --- | --- |\n")
		for _, k := range sortedKeys(o.Properties) {
			p := o.Properties[k]
			desc := p.Description
			if desc == "" {
				if d, _ := r.resolve(p); d != nil {
					desc = d.Description
				}
			}
			req := ""
			if slices.Contains(o.Required, k) {
				req = "yes"
			}
			fmt.Fprintf(&r.out, "| `%s` | %s | %s | %s |\n", k, r.typeOf(p, k), req, cell(desc))
		}
		r.out.WriteString("\n")
	}
}

// objectsOf returns the object forms of n: itself, or its object branches.
func (r *renderer) objectsOf(n *node) []*node {
	if len(n.Properties) > 0 || n.values() != nil {
		return []*node{n}
	}
	var out []*node
	for _, alt := range append(slices.Clone(n.OneOf), n.AnyOf...) {
		a, _ := r.resolve(alt)
		out = append(out, r.objectsOf(a)...)
	}
	return out
}

// typeOf describes n's type in a table cell and queues a section for each
// object it names.
func (r *renderer) typeOf(n *node, name string) string {
	if kind, ok := strings.CutSuffix(n.Ref, ".schema.json"); ok { // another kind's schema
		return fmt.Sprintf("[%s](%s.md)", strings.ReplaceAll(kind, "-", " "), kind)
	}
	d, def := r.resolve(n)
	if def != "" && len(r.objectsOf(d)) > 0 {
		return r.link(def, d)
	}
	switch {
	case len(d.Enum) > 0:
		vals := make([]string, len(d.Enum))
		for i, v := range d.Enum {
			vals[i] = fmt.Sprintf("`%v`", v)
		}
		return "one of " + strings.Join(vals, ", ")
	case d.Const != nil:
		return fmt.Sprintf("`%v`", d.Const)
	case len(d.Properties) > 0 || d.values() != nil: // its anyOf, if any, only says which keys are required
		return r.link(name, d)
	case len(d.OneOf) > 0 || len(d.AnyOf) > 0:
		var alts []string
		for _, a := range append(slices.Clone(d.OneOf), d.AnyOf...) {
			if t := r.typeOf(a, name); !slices.Contains(alts, t) {
				alts = append(alts, t)
			}
		}
		return strings.Join(alts, " or ")
	case d.Items != nil:
		return "list of " + r.typeOf(d.Items, name)
	}
	switch t := d.Type.(type) {
	case string:
		if def == "cel" {
			return "CEL expression"
		}
		return t
	case []any:
		if def != "" { // a named scalar, such as text: see the Types section
			r.scalars[def] = d
			return def
		}
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, " or ")
	}
	if def != "" {
		return def
	}
	return "any"
}

// link queues the section of an object and returns a link to it.
func (r *renderer) link(title string, n *node) string {
	if !r.done[title] {
		r.done[title] = true
		r.queue = append(r.queue, section{title: title, n: n})
	}
	return fmt.Sprintf("[%s](#%s)", title, anchor(title))
}

func anchor(title string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r == ' ':
			return '-'
		}
		return -1
	}, title)
}

func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", `\|`) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
