package disclosure

// The 2-D analysis treats a table as a bipartite graph: vertex r (0 <= r <
// rows) is row r, vertex rows+c is column c, and cell [r][c] is the edge
// between them. Each published margin is one linear equation over the
// suppressed cells at its vertex. The solutions of the homogeneous system are
// the alternating sums around cycles of suppressed cells, so a suppressed cell
// is determined by the equations exactly when no cycle passes through it,
// i.e. when it is a bridge of the graph of suppressed cells.

// edge returns the cell joining vertices u and v (one a row, one a column).
func (t *table) edge(u, v int) cell {
	return cell{min(u, v), max(u, v) - t.rows}
}

// otherSide returns the vertex range [lo, hi) adjacent to v in the full
// table: all columns for a row, all rows for a column.
func (t *table) otherSide(v int) (lo, hi int) {
	if v < t.rows {
		return t.rows, t.rows + t.cols
	}
	return 0, t.rows
}

// firstBridge returns the first suppressed cell, in row-major order, that is
// a bridge of the graph of suppressed cells.
func (t *table) firstBridge() (cell, bool) {
	f := bridgeFinder{
		t:      t,
		disc:   make([]int, t.rows+t.cols),
		low:    make([]int, t.rows+t.cols),
		bridge: make(map[cell]bool),
	}
	for v := range f.disc {
		if f.disc[v] == 0 {
			f.visit(v, -1)
		}
	}
	for r := range t.rows {
		for c := range t.cols {
			if f.bridge[cell{r, c}] {
				return cell{r, c}, true
			}
		}
	}
	return cell{}, false
}

// bridgeFinder is Tarjan's depth-first bridge search over the graph of
// suppressed cells. The graph is simple (one cell per row/column pair), so
// skipping the parent vertex skips exactly the edge we arrived by.
type bridgeFinder struct {
	t      *table
	disc   []int // discovery time per vertex; 0 = not yet visited
	low    []int // earliest discovery time reachable from the vertex's subtree by one back edge
	clock  int
	bridge map[cell]bool
}

// visit explores v, reached from parent (-1 for a root).
func (f *bridgeFinder) visit(v, parent int) {
	f.clock++
	f.disc[v], f.low[v] = f.clock, f.clock
	lo, hi := f.t.otherSide(v)
	for w := lo; w < hi; w++ {
		if w == parent || !f.t.suppressed(f.t.edge(v, w)) {
			continue
		}
		if f.disc[w] != 0 {
			f.low[v] = min(f.low[v], f.disc[w])
			continue
		}
		f.visit(w, v)
		f.low[v] = min(f.low[v], f.low[w])
		if f.low[w] > f.disc[v] {
			// Nothing below w reaches back above it: v–w is on no cycle.
			f.bridge[f.t.edge(v, w)] = true
		}
	}
}

// cost ranks sets of cells as complementary suppressions; see the package
// doc. Fields are compared in order, all smaller is better.
type cost struct {
	zeros int     // published zeros suppressed
	total float64 // sum of the counts suppressed
	cells int     // cells suppressed
}

// plus adds two costs field by field.
func (a cost) plus(b cost) cost {
	return cost{a.zeros + b.zeros, a.total + b.total, a.cells + b.cells}
}

// less orders costs lexicographically.
func (a cost) less(b cost) bool {
	if a.zeros != b.zeros {
		return a.zeros < b.zeros
	}
	if a.total != b.total {
		return a.total < b.total
	}
	return a.cells < b.cells
}

// cost is the price of suppressing cell e: nothing if it already is.
func (t *table) cost(e cell) cost {
	if t.suppressed(e) {
		return cost{}
	}
	if v := t.counts[e.r][e.c]; v != 0 {
		return cost{total: v, cells: 1}
	}
	return cost{zeros: 1, cells: 1}
}

// cheapestDetour returns the published cells on the cheapest path from
// bridge b's row to its column that does not use b (Dijkstra over the full
// table, suppressed cells free). With b the path closes a cycle, so once
// those cells are suppressed no cell on the cycle is a bridge. Ties go to the
// lowest-numbered vertex, which makes the choice deterministic.
func (t *table) cheapestDetour(b cell) []cell {
	n := t.rows + t.cols
	from, to := b.r, t.rows+b.c
	dist := make([]cost, n)
	prev := make([]int, n)
	reached := make([]bool, n)
	settled := make([]bool, n)
	reached[from] = true
	for {
		v := nearest(dist, reached, settled)
		if v < 0 {
			return nil
		}
		if v == to {
			break
		}
		settled[v] = true
		lo, hi := t.otherSide(v)
		for w := lo; w < hi; w++ {
			e := t.edge(v, w)
			if settled[w] || e == b {
				continue
			}
			if d := dist[v].plus(t.cost(e)); !reached[w] || d.less(dist[w]) {
				dist[w], prev[w], reached[w] = d, v, true
			}
		}
	}
	var detour []cell
	for v := to; v != from; v = prev[v] {
		if e := t.edge(prev[v], v); !t.suppressed(e) {
			detour = append(detour, e)
		}
	}
	return detour
}

// nearest returns the reached, unsettled vertex with the smallest distance,
// the lowest-numbered on ties, or -1 if there is none.
func nearest(dist []cost, reached, settled []bool) int {
	best := -1
	for v := range dist {
		if reached[v] && !settled[v] && (best < 0 || dist[v].less(dist[best])) {
			best = v
		}
	}
	return best
}
