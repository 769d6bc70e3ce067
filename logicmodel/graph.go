package logicmodel

import (
	"cmp"
	"slices"
)

// graph is the model's links as adjacency lists over element indices,
// built afresh by each method that needs it. Links whose ends are not
// elements are left out (Validate reports them).
type graph struct {
	m     *Model
	index map[string]int // element id → index of its first occurrence
	rank  []int          // element → its column's place in causal order, -1 if unknown
	role  []Role         // element → its column's role, "" if unknown
	succ  [][]int        // successors in link order, without repeats
	pred  [][]int        // predecessors in link order, without repeats
	links [][2]int       // per link: from and to, -1 when dangling
}

func newGraph(m *Model) *graph {
	g := &graph{m: m, index: make(map[string]int, len(m.Elements))}
	cols := m.columns()
	rank := make(map[string]int, len(cols))
	for i, c := range cols {
		rank[c.ID] = i
	}
	n := len(m.Elements)
	g.rank, g.role = make([]int, n), make([]Role, n)
	g.succ, g.pred = make([][]int, n), make([][]int, n)
	for i, e := range m.Elements {
		if _, dup := g.index[e.ID]; !dup {
			g.index[e.ID] = i
		}
		g.rank[i] = -1
		if r, ok := rank[e.Column]; ok {
			g.rank[i], g.role[i] = r, cols[r].Role
		}
	}
	seen := map[[2]int]bool{}
	g.links = make([][2]int, len(m.Links))
	for k, l := range m.Links {
		from, okF := g.index[l.From]
		to, okT := g.index[l.To]
		if !okF {
			from = -1
		}
		if !okT {
			to = -1
		}
		g.links[k] = [2]int{from, to}
		if from < 0 || to < 0 || seen[[2]int{from, to}] {
			continue
		}
		seen[[2]int{from, to}] = true
		g.succ[from] = append(g.succ[from], to)
		g.pred[to] = append(g.pred[to], from)
	}
	return g
}

// reach marks every element reachable from the starts along next
// (succ or pred), the starts included.
func (g *graph) reach(starts []int, next [][]int) []bool {
	seen := make([]bool, len(next))
	stack := append([]int(nil), starts...)
	for _, s := range starts {
		seen[s] = true
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range next[v] {
			if !seen[w] {
				seen[w] = true
				stack = append(stack, w)
			}
		}
	}
	return seen
}

// withRole returns the elements of a role, in model order.
func (g *graph) withRole(roles ...Role) []int {
	var out []int
	for i, r := range g.role {
		for _, want := range roles {
			if r == want && g.index[g.m.Elements[i].ID] == i {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// cycles returns the strongly connected components that hold a cycle
// (more than one element, or one with a link to itself), each sorted by
// model order, in the order of their first element (Tarjan's algorithm,
// iterative so that deep graphs cannot exhaust the stack).
func (g *graph) cycles() [][]int {
	n := len(g.succ)
	index, low := make([]int, n), make([]int, n)
	on := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	var out [][]int
	next := 0
	type frame struct{ v, i int }
	for root := 0; root < n; root++ {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		on[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.i < len(g.succ[f.v]) {
				w := g.succ[f.v][f.i]
				f.i++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					on[w] = true
					call = append(call, frame{w, 0})
				} else if on[w] && index[w] < low[f.v] {
					low[f.v] = index[w]
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				if u := call[len(call)-1].v; low[v] < low[u] {
					low[u] = low[v]
				}
			}
			if low[v] != index[v] {
				continue
			}
			var comp []int
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[w] = false
				comp = append(comp, w)
				if w == v {
					break
				}
			}
			if len(comp) > 1 || g.selfLoop(v) {
				sortInts(comp)
				out = append(out, comp)
			}
		}
	}
	sortBy(out, func(c []int) int { return c[0] })
	return out
}

func (g *graph) selfLoop(v int) bool {
	for _, w := range g.succ[v] {
		if w == v {
			return true
		}
	}
	return false
}

// cyclic reports whether the links hold a cycle.
func (g *graph) cyclic() bool { return len(g.cycles()) > 0 }

// cyclePath returns a cycle through the link from → to within comp:
// from, to, ..., from (the shortest way back, found breadth-first).
func (g *graph) cyclePath(comp []int, from, to int) []int {
	in := map[int]bool{}
	for _, v := range comp {
		in[v] = true
	}
	prev := map[int]int{to: -1}
	queue := []int{to}
	for len(queue) > 0 && !hasKey(prev, from) {
		v := queue[0]
		queue = queue[1:]
		for _, w := range g.succ[v] {
			if in[w] && !hasKey(prev, w) {
				prev[w] = v
				queue = append(queue, w)
			}
		}
	}
	var rev []int
	for v := from; v != -1; v = prev[v] {
		rev = append(rev, v)
		if len(rev) > len(comp)+1 {
			break
		}
	}
	out := make([]int, 0, len(rev)+1)
	out = append(out, from)
	for i := len(rev) - 1; i >= 0; i-- {
		out = append(out, rev[i])
	}
	return out
}

func hasKey(m map[int]int, k int) bool { _, ok := m[k]; return ok }

func sortInts(s []int) { slices.Sort(s) }

// sortBy sorts s stably by an int key.
func sortBy[T any](s []T, key func(T) int) {
	slices.SortStableFunc(s, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
}
