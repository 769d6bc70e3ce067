package framework

import (
	"github.com/openhpi/hpi/indicator"
)

// Framework is a loaded and validated performance framework: a tree of
// nodes with facets, indicator references, causal links, crosswalks and
// composite scores, and the indicator set its references resolve to,
// compiled once. A Framework is immutable and safe for concurrent use.
type Framework struct {
	ID          string
	Version     string
	Title       string
	Description string
	Citation    string
	// Extends names the template the framework was built on ("" for none).
	Extends    string
	Facets     []Facet
	Nodes      []Node // in tree order: depth first, siblings by Order then as written
	Links      []Link
	Crosswalks []Crosswalk
	Composites []Composite
	Pos        indicator.Position

	set   *indicator.Set
	index map[string]int // node id → index in Nodes
}

// Facet is a named classification with a fixed list of values that cuts
// across the tree, such as the OECD quality dimensions or the Donabedian
// types. Nodes and indicator references take at most one value per facet.
type Facet struct {
	ID     string             `json:"id"`
	Title  string             `json:"title,omitempty"`
	Values []string           `json:"values"`
	Pos    indicator.Position `json:"-"`
}

// Node is one node of the framework's tree: a domain, aim, dimension,
// perspective, building block…
type Node struct {
	ID          string
	Kind        string
	Title       string
	Description string
	Parent      string // "" for a root
	Order       int    // siblings are sorted by Order, then as written
	Depth       int    // 0 for a root
	Children    []string
	Facets      map[string]string // facet id → value
	Indicators  []Ref
	Pos         indicator.Position
}

// Role is the part an indicator plays at a node.
type Role string

// The roles of an indicator reference.
const (
	Headline   Role = "headline"
	Supporting Role = "supporting"
)

// Ref attaches an indicator to a node.
type Ref struct {
	Indicator string
	Role      Role    // Headline unless written otherwise
	Weight    float64 // weight in default composites; 1 unless written
	// Benchmark, on the indicator's display scale (after its multiplier),
	// is compared with the indicator's interval by the Fingertips rule.
	Benchmark *float64
	Facets    map[string]string
	Pos       indicator.Position
}

// Link is a causal link between two nodes ("structure supports process").
// Links form a directed acyclic graph.
type Link struct {
	From        string
	To          string
	Description string
	Pos         indicator.Position
}

// Relation is how a node relates to a node of another framework.
type Relation string

// The crosswalk relations, as in SKOS mapping relations.
const (
	Equivalent Relation = "equivalent"
	Broader    Relation = "broader"  // the other node is broader than this one
	Narrower   Relation = "narrower" // the other node is narrower than this one
	Related    Relation = "related"
)

// Crosswalk maps a node to a node of another framework, with the source
// that defines the mapping.
type Crosswalk struct {
	Node      string
	Framework string // the other framework's id, e.g. a template name
	Target    string // the node id in the other framework
	Relation  Relation
	Source    string // the publication that defines the mapping
	Pos       indicator.Position
}

// Normalisation is how a composite puts indicators on a common scale
// before weighting; see the package documentation for the formulas.
type Normalisation string

// The normalisations of a composite.
const (
	ZScore Normalisation = "z-score"
	MinMax Normalisation = "min-max"
	Rank   Normalisation = "rank"
)

// Component is one indicator of a composite with its weight.
type Component struct {
	Indicator string  `json:"indicator"`
	Weight    float64 `json:"weight"`
}

// Composite is a declared composite score: indicators normalised across
// the strata of one stratifier (areas, practices) and averaged with weights.
type Composite struct {
	ID            string
	Title         string
	Node          string // the subtree whose headline indicators are the default components; "" for all
	Across        string // the stratifier whose strata are the units scored
	Normalisation Normalisation
	Components    []Component // resolved: explicit, or the headline refs of Node's subtree
	Pos           indicator.Position
}

// Set returns the compiled indicator set of the framework: every indicator
// its nodes reference, merged from its indicator sets. It is nil for a
// framework without indicators, such as a template.
func (f *Framework) Set() *indicator.Set { return f.set }

// Node returns the node with the given id.
func (f *Framework) Node(id string) (*Node, bool) {
	i, ok := f.index[id]
	if !ok {
		return nil, false
	}
	return &f.Nodes[i], true
}

// Indicators returns the ids of the indicators referenced by the
// framework, in tree order, each once.
func (f *Framework) Indicators() []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range f.Nodes {
		for _, r := range n.Indicators {
			if !seen[r.Indicator] {
				seen[r.Indicator] = true
				out = append(out, r.Indicator)
			}
		}
	}
	return out
}

// subtree returns the index of node id and of its descendants, in tree
// order (Nodes is in tree order, so a subtree is a contiguous run).
func (f *Framework) subtree(id string) []int {
	i, ok := f.index[id]
	if !ok {
		return nil
	}
	out := []int{i}
	for j := i + 1; j < len(f.Nodes) && f.Nodes[j].Depth > f.Nodes[i].Depth; j++ {
		out = append(out, j)
	}
	return out
}
