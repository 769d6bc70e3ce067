package logicmodel

import "fmt"

// MaxPaths bounds the paths Paths and PathsToImpact enumerate: a dense
// model has exponentially many, and a caller learns from the truncated
// result that there were more.
const MaxPaths = 1000

// Path is a chain of element ids, each linked to the next.
type Path []string

// Paths returns every path from one element to another along the links,
// in link order (depth-first, following each element's links in the order
// they are written), at most MaxPaths of them; truncated reports that
// there were more. It fails with ErrUnknownElement for an id that is not
// an element and with ErrCycle when the links hold a cycle (Validate says
// where), so that the enumeration is always finite.
func (m *Model) Paths(from, to string) (paths []Path, truncated bool, err error) {
	g := newGraph(m)
	f, ok := g.index[from]
	if !ok {
		return nil, false, fmt.Errorf("logicmodel: path from %q: %w", from, ErrUnknownElement)
	}
	t, ok := g.index[to]
	if !ok {
		return nil, false, fmt.Errorf("logicmodel: path to %q: %w", to, ErrUnknownElement)
	}
	if g.cyclic() {
		return nil, false, fmt.Errorf("logicmodel: paths of model %q: %w", m.ID, ErrCycle)
	}
	paths, truncated = g.paths([]int{f}, []int{t})
	return paths, truncated, nil
}

// PathsToImpact returns every path from an activity to an element of the
// impact column (the logframe's goal), as Paths does. Paths start at the
// activities no other activity links to, in model order: a path from an
// activity that another activity leads to is the tail of a longer one.
func (m *Model) PathsToImpact() (paths []Path, truncated bool, err error) {
	g := newGraph(m)
	if g.cyclic() {
		return nil, false, fmt.Errorf("logicmodel: paths of model %q: %w", m.ID, ErrCycle)
	}
	var starts []int
	for _, a := range g.withRole(RoleActivity) {
		head := true
		for _, p := range g.pred[a] {
			head = head && g.role[p] != RoleActivity
		}
		if head {
			starts = append(starts, a)
		}
	}
	paths, truncated = g.paths(starts, g.withRole(RoleImpact))
	return paths, truncated, nil
}

// paths enumerates paths from each start to any target in an acyclic
// graph. Only elements that lead to a target are entered, so every branch
// of the search ends in a path and the work is bounded by MaxPaths times
// the longest path.
func (g *graph) paths(starts, targets []int) ([]Path, bool) {
	isTarget := make([]bool, len(g.succ))
	for _, t := range targets {
		isTarget[t] = true
	}
	useful := g.reach(targets, g.pred)
	var out []Path
	var stack []int
	truncated := false
	var walk func(v int)
	walk = func(v int) {
		if truncated {
			return
		}
		stack = append(stack, v)
		defer func() { stack = stack[:len(stack)-1] }()
		if isTarget[v] {
			if len(out) == MaxPaths {
				truncated = true
				return
			}
			p := make(Path, len(stack))
			for i, w := range stack {
				p[i] = g.m.Elements[w].ID
			}
			out = append(out, p)
		}
		for _, w := range g.succ[v] {
			if useful[w] {
				walk(w)
			}
		}
	}
	for _, s := range starts {
		if useful[s] {
			walk(s)
		}
	}
	return out, truncated
}

// Upstream returns the elements that id depends on: every element with a
// path to it, in model order, without id itself. Cycles are fine here.
func (m *Model) Upstream(id string) ([]string, error) {
	return m.closure(id, false)
}

// Downstream returns the elements that depend on id: every element a path
// from it reaches, in model order, without id itself.
func (m *Model) Downstream(id string) ([]string, error) {
	return m.closure(id, true)
}

func (m *Model) closure(id string, down bool) ([]string, error) {
	g := newGraph(m)
	v, ok := g.index[id]
	if !ok {
		return nil, fmt.Errorf("logicmodel: %q: %w", id, ErrUnknownElement)
	}
	next := g.pred
	if down {
		next = g.succ
	}
	var seeds []int
	seeds = append(seeds, next[v]...)
	seen := g.reach(seeds, next)
	out := []string{}
	for i, ok := range seen {
		if ok && i != v {
			out = append(out, m.Elements[i].ID)
		}
	}
	return out, nil
}
