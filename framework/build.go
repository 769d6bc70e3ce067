package framework

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

// Sentinel errors of the package; diagnostics carry them as their class,
// and errors.Is finds them. Malformed YAML, unknown keys, unresolved
// references and conflicting indicator sets are indicator.ErrInvalidDefinition.
var (
	// ErrCycle marks nodes whose parents form a cycle, or causal links
	// that do.
	ErrCycle = errors.New("framework cycle")
	// ErrNoIndicators marks the evaluation of a framework without
	// indicators, such as a template with none attached.
	ErrNoIndicators = errors.New("framework has no indicators")
)

// builder turns a spec (and its template) into a Framework, collecting
// diagnostics.
type builder struct {
	cfg   *config
	owner string
	diags indicator.Diagnostics
	files map[string][]string // file → lines, for caret display
}

func (b *builder) diag(pos indicator.Position, field string, class error, format string, args ...any) {
	b.diags = append(b.diags, indicator.Diagnostic{Pos: pos, Owner: b.owner, Field: field, Class: class, Message: fmt.Sprintf(format, args...)})
}

func (b *builder) errorf(pos indicator.Position, field, format string, args ...any) {
	b.diag(pos, field, indicator.ErrInvalidDefinition, format, args...)
}

func build(s *spec, cfg *config) (*Framework, error) {
	b := &builder{cfg: cfg, owner: "framework " + s.id, files: map[string][]string{s.file: s.lines}}
	f := &Framework{ID: s.id, Version: s.version, Title: s.title, Description: s.desc, Citation: s.citation, Extends: s.extends, Pos: s.pos}
	var nodes []Node
	if s.extends != "" {
		t, err := templateSpec(s.extends)
		if err != nil {
			b.errorf(s.extendsPos, "extends", "%v", strings.TrimPrefix(err.Error(), "framework: "))
		} else {
			b.files[t.file] = t.lines
			f.Facets = append(f.Facets, t.facets...)
			nodes = append(nodes, t.nodes...)
			f.Links = append(f.Links, t.links...)
			f.Crosswalks = append(f.Crosswalks, t.crosswalks...)
			if f.Citation == "" {
				f.Citation = t.citation
			}
		}
	}
	f.Facets = append(f.Facets, s.facets...)
	nodes = append(nodes, s.nodes...)
	f.Links = append(f.Links, s.links...)
	f.Crosswalks = append(f.Crosswalks, s.crosswalks...)

	facets := b.checkFacets(f.Facets)
	f.Nodes, f.index = b.tree(nodes)
	for _, a := range s.attach {
		i, ok := f.index[a.node]
		if !ok {
			b.errorf(a.pos, "attach", "no node %q", a.node)
			continue
		}
		f.Nodes[i].Indicators = append(f.Nodes[i].Indicators, a.refs...)
	}
	for i := range f.Nodes {
		b.checkNode(&f.Nodes[i], facets)
	}
	b.checkLinks(f)
	b.checkCrosswalks(f)

	before := len(b.diags)
	spec := b.mergeSets(s, f)
	setsOK := len(b.diags) == before
	refs := 0
	for _, n := range f.Nodes {
		refs += len(n.Indicators)
	}
	if setsOK && (spec != nil || refs > 0) {
		b.checkRefs(f, spec)
	}
	comps := b.composites(s, f, spec)
	if len(b.diags) > 0 {
		return nil, finish(b.diags, b.files)
	}
	if spec != nil {
		set, err := indicator.Compile(spec, b.cfg.compile...)
		if err != nil {
			var ds indicator.Diagnostics
			if errors.As(err, &ds) {
				for _, d := range ds {
					if d.Owner == "" {
						d.Owner = b.owner
					}
					b.diags = append(b.diags, d)
				}
				return nil, finish(b.diags, b.files)
			}
			return nil, fmt.Errorf("framework %s: %w", f.ID, err)
		}
		f.set = set
	}
	f.Composites = comps
	return f, nil
}

func (b *builder) checkFacets(fs []Facet) map[string][]string {
	out := map[string][]string{}
	for _, fc := range fs {
		if fc.ID == "" {
			continue
		}
		if _, dup := out[fc.ID]; dup {
			b.errorf(fc.Pos, "facets", "duplicate facet %q", fc.ID)
			continue
		}
		out[fc.ID] = fc.Values
	}
	return out
}

func (b *builder) checkFacetValues(vals map[string]string, facets map[string][]string, pos indicator.Position, field string) {
	for _, k := range sortedKeys(vals) {
		allowed, ok := facets[k]
		switch {
		case !ok:
			b.errorf(pos, field, "no facet %q", k)
		case !slices.Contains(allowed, vals[k]):
			b.errorf(pos, field, "%q is not a value of facet %s (want one of: %s)", vals[k], k, strings.Join(allowed, ", "))
		}
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

// tree checks node ids and parents and returns the nodes in tree order:
// depth first, siblings by Order and then as written. Nodes whose parents
// form a cycle are reported and left out.
func (b *builder) tree(nodes []Node) ([]Node, map[string]int) {
	byID := map[string]int{}
	var kept []Node
	for _, n := range nodes {
		if n.ID == "" {
			continue
		}
		if j, dup := byID[n.ID]; dup {
			b.errorf(n.Pos, "nodes.id", "duplicate node %q (first at %s)", n.ID, kept[j].Pos)
			continue
		}
		byID[n.ID] = len(kept)
		kept = append(kept, n)
	}
	children := map[string][]int{}
	for i, n := range kept {
		if n.Parent != "" {
			if _, ok := byID[n.Parent]; !ok {
				b.errorf(n.Pos, "nodes.parent", "node %q has parent %q, which is not a node", n.ID, n.Parent)
				continue
			}
			if n.Parent == n.ID {
				b.diag(n.Pos, "nodes.parent", ErrCycle, "node %q is its own parent", n.ID)
				continue
			}
		}
		children[n.Parent] = append(children[n.Parent], i)
	}
	for _, c := range children {
		slices.SortStableFunc(c, func(x, y int) int { return kept[x].Order - kept[y].Order })
	}
	var out []Node
	index := map[string]int{}
	visited := make([]bool, len(kept))
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, i := range children[parent] {
			if visited[i] {
				continue
			}
			visited[i] = true
			n := kept[i]
			n.Depth = depth
			n.Children = nil
			for _, c := range children[n.ID] {
				n.Children = append(n.Children, kept[c].ID)
			}
			index[n.ID] = len(out)
			out = append(out, n)
			walk(n.ID, depth+1)
		}
	}
	walk("", 0)
	for i, n := range kept {
		if !visited[i] && n.Parent != n.ID {
			if _, ok := byID[n.Parent]; ok {
				b.diag(n.Pos, "nodes.parent", ErrCycle, "node %q is not under a root: its parents form a cycle (%s)", n.ID, b.cycle(kept, byID, i))
			}
		}
	}
	return out, index
}

// cycle describes the parent chain from node i until it repeats.
func (b *builder) cycle(nodes []Node, byID map[string]int, i int) string {
	seen := map[string]bool{}
	var chain []string
	for len(chain) <= len(nodes) {
		n := nodes[i]
		chain = append(chain, n.ID)
		if seen[n.ID] {
			break
		}
		seen[n.ID] = true
		j, ok := byID[n.Parent]
		if !ok {
			break
		}
		i = j
	}
	return strings.Join(chain, " → ")
}

func (b *builder) checkNode(n *Node, facets map[string][]string) {
	b.checkFacetValues(n.Facets, facets, n.Pos, "nodes.facets")
	seen := map[string]indicator.Position{}
	for _, r := range n.Indicators {
		if first, dup := seen[r.Indicator]; dup {
			b.errorf(r.Pos, "indicators", "indicator %q is referenced twice at node %q (first at %s)", r.Indicator, n.ID, first)
			continue
		}
		seen[r.Indicator] = r.Pos
		b.checkFacetValues(r.Facets, facets, r.Pos, "indicators.facets")
	}
}

func (b *builder) checkLinks(f *Framework) {
	adj := map[string][]int{}
	for i, l := range f.Links {
		if l.From == "" || l.To == "" {
			continue
		}
		ok := true
		for _, id := range []string{l.From, l.To} {
			if _, found := f.index[id]; !found {
				b.errorf(l.Pos, "links", "no node %q", id)
				ok = false
			}
		}
		if ok {
			adj[l.From] = append(adj[l.From], i)
		}
	}
	// Depth-first search; a link to a node on the stack closes a cycle.
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var visit func(id string)
	visit = func(id string) {
		color[id] = grey
		for _, li := range adj[id] {
			l := f.Links[li]
			switch color[l.To] {
			case grey:
				b.diag(l.Pos, "links", ErrCycle, "link %s → %s closes a cycle of causal links", l.From, l.To)
			case white:
				visit(l.To)
			}
		}
		color[id] = black
	}
	for _, n := range f.Nodes {
		if color[n.ID] == white {
			visit(n.ID)
		}
	}
}

func (b *builder) checkCrosswalks(f *Framework) {
	others := map[string]map[string]bool{} // template → node ids
	for _, c := range f.Crosswalks {
		if c.Node == "" {
			continue
		}
		if _, ok := f.index[c.Node]; !ok {
			b.errorf(c.Pos, "crosswalks.node", "no node %q", c.Node)
		}
		if c.Framework == "" || c.Framework == f.ID || !slices.Contains(Templates(), c.Framework) {
			continue // only the targets in embedded templates can be checked
		}
		ids, ok := others[c.Framework]
		if !ok {
			ids = map[string]bool{}
			t, err := templateSpec(c.Framework)
			if err != nil {
				b.errorf(c.Pos, "crosswalks.framework", "%v", err)
				others[c.Framework] = nil
				continue
			}
			for _, n := range t.nodes {
				ids[n.ID] = true
			}
			others[c.Framework] = ids
		}
		if ids != nil && !ids[c.Target] {
			b.errorf(c.Pos, "crosswalks.target", "template %s has no node %q", c.Framework, c.Target)
		}
	}
}

// checkRefs checks that every reference resolves and every leaf has an
// indicator.
func (b *builder) checkRefs(f *Framework, spec *indicator.SetSpec) {
	have := map[string]bool{}
	if spec != nil {
		for _, ind := range spec.Indicators {
			have[ind.ID] = true
		}
	}
	for _, n := range f.Nodes {
		for _, r := range n.Indicators {
			if !have[r.Indicator] {
				b.errorf(r.Pos, "indicators", "no indicator %q in the framework's indicator sets", r.Indicator)
			}
		}
		if len(n.Children) == 0 && len(n.Indicators) == 0 {
			b.errorf(n.Pos, "indicators", "leaf node %q has no indicator", n.ID)
		}
	}
}

// composites resolves the components of each composite and checks them
// against the indicator set.
func (b *builder) composites(s *spec, f *Framework, spec *indicator.SetSpec) []Composite {
	inds := map[string]*indicator.IndicatorSpec{}
	if spec != nil {
		for i := range spec.Indicators {
			inds[spec.Indicators[i].ID] = &spec.Indicators[i]
		}
	}
	referenced := map[string]bool{}
	for _, id := range f.Indicators() {
		referenced[id] = true
	}
	var out []Composite
	seen := map[string]bool{}
	for _, cs := range s.composites {
		c := cs.Composite
		if c.ID == "" {
			continue
		}
		if seen[c.ID] {
			b.errorf(c.Pos, "composites.id", "duplicate composite %q", c.ID)
		}
		seen[c.ID] = true
		var nodes []int
		if c.Node != "" {
			if nodes = f.subtree(c.Node); nodes == nil {
				b.errorf(c.Pos, "composites.node", "no node %q", c.Node)
				continue
			}
		} else {
			for i := range f.Nodes {
				nodes = append(nodes, i)
			}
		}
		poss := cs.compPos
		if !cs.explicit {
			inSub := map[string]bool{}
			for _, i := range nodes {
				for _, r := range f.Nodes[i].Indicators {
					ind := inds[r.Indicator]
					if r.Role != Headline || inSub[r.Indicator] || ind == nil || !judged(ind.Polarity) || !hasStratifier(ind, c.Across) {
						continue
					}
					inSub[r.Indicator] = true
					c.Components = append(c.Components, Component{Indicator: r.Indicator, Weight: r.Weight})
					poss = append(poss, c.Pos)
				}
			}
		}
		if len(c.Components) == 0 {
			b.errorf(c.Pos, "composites.indicators", "composite %q has no component (no headline indicator with a polarity and the stratifier %q)", c.ID, c.Across)
		}
		dup := map[string]bool{}
		for k, comp := range c.Components {
			pos := poss[k]
			if dup[comp.Indicator] {
				b.errorf(pos, "composites.indicators", "indicator %q is listed twice", comp.Indicator)
			}
			dup[comp.Indicator] = true
			ind := inds[comp.Indicator]
			if ind == nil || !referenced[comp.Indicator] {
				b.errorf(pos, "composites.indicators", "no indicator %q among the framework's nodes", comp.Indicator)
				continue
			}
			if !judged(ind.Polarity) {
				b.errorf(pos, "composites.indicators", "indicator %q has no polarity (higher-is-better or lower-is-better), so it cannot enter a composite", comp.Indicator)
			}
			if !hasStratifier(ind, c.Across) {
				b.errorf(pos, "composites.across", "indicator %q has no stratifier %q", comp.Indicator, c.Across)
			}
		}
		out = append(out, c)
	}
	return out
}

func judged(p indicator.Polarity) bool {
	return p == indicator.HigherIsBetter || p == indicator.LowerIsBetter
}

func hasStratifier(ind *indicator.IndicatorSpec, id string) bool {
	return slices.ContainsFunc(ind.Stratifiers, func(st indicator.StratifierSpec) bool { return st.ID == id })
}
