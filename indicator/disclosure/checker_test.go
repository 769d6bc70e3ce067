package disclosure_test

import (
	"fmt"
	"math/big"

	"github.com/openhpi/hpi/indicator/disclosure"
)

// This file is an independent check of the package's guarantee. It does not
// use the package's graph argument: it writes down the linear system an
// intruder would solve and solves it with exact rational arithmetic.

// pos is a cell position in a test table.
type pos struct{ r, c int }

// exposedCells returns every suppressed cell whose value follows exactly from
// the published cells and the published margins, with the value it follows
// to. Unknowns are the suppressed cells; each margin distinct from a single
// cell (row totals when there are several columns, column totals when there
// are several rows, and the grand total) gives one equation, with the
// published cells moved to the right-hand side. A cell is determined iff its
// unit vector lies in the row space of the coefficient matrix, which after
// reduction to reduced row echelon form shows as a row equal to that unit
// vector; that row's right-hand side is the cell's value.
func exposedCells(counts [][]float64, why [][]disclosure.Reason) map[pos]*big.Rat {
	unknowns, index := suppressedCells(why)
	system := marginEquations(counts, index)
	reduce(system, len(unknowns))
	exposed := make(map[pos]*big.Rat)
	for _, eq := range system {
		if j, ok := unitColumn(eq[:len(unknowns)]); ok {
			exposed[unknowns[j]] = eq[len(unknowns)]
		}
	}
	return exposed
}

// suppressedCells lists the suppressed cells in row-major order and maps each
// to its unknown's index.
func suppressedCells(why [][]disclosure.Reason) ([]pos, map[pos]int) {
	var cells []pos
	index := make(map[pos]int)
	for r, row := range why {
		for c, w := range row {
			if w.Suppressed() {
				index[pos{r, c}] = len(cells)
				cells = append(cells, pos{r, c})
			}
		}
	}
	return cells, index
}

// marginEquations builds the augmented matrix [coefficients | rhs], one row
// per published margin.
func marginEquations(counts [][]float64, index map[pos]int) [][]*big.Rat {
	rows := len(counts)
	if rows == 0 || len(counts[0]) == 0 {
		return nil
	}
	cols := len(counts[0])
	var groups [][]pos // the cells each margin sums
	if cols > 1 {
		for r := range rows {
			groups = append(groups, line(r, 0, 0, 1, cols))
		}
	}
	if rows > 1 {
		for c := range cols {
			groups = append(groups, line(0, c, 1, 0, rows))
		}
	}
	var all []pos
	for r := range rows {
		all = append(all, line(r, 0, 0, 1, cols)...)
	}
	groups = append(groups, all)

	var system [][]*big.Rat
	for _, g := range groups {
		eq := make([]*big.Rat, len(index)+1)
		for i := range eq {
			eq[i] = new(big.Rat)
		}
		// The intruder knows the margin and the published cells, so the
		// suppressed cells in g sum to margin minus published.
		margin, published := new(big.Rat), new(big.Rat)
		for _, p := range g {
			v := new(big.Rat).SetFloat64(counts[p.r][p.c]) // exact for finite floats
			margin.Add(margin, v)
			if j, ok := index[p]; ok {
				eq[j].SetInt64(1)
			} else {
				published.Add(published, v)
			}
		}
		eq[len(index)].Sub(margin, published)
		system = append(system, eq)
	}
	return system
}

// line returns n positions starting at (r, c) stepping by (dr, dc).
func line(r, c, dr, dc, n int) []pos {
	out := make([]pos, n)
	for i := range out {
		out[i] = pos{r + i*dr, c + i*dc}
	}
	return out
}

// reduce brings the augmented matrix to reduced row echelon form over its
// first k columns, exactly.
func reduce(m [][]*big.Rat, k int) {
	pivot := 0
	for col := 0; col < k && pivot < len(m); col++ {
		sel := -1
		for i := pivot; i < len(m); i++ {
			if m[i][col].Sign() != 0 {
				sel = i
				break
			}
		}
		if sel < 0 {
			continue
		}
		m[pivot], m[sel] = m[sel], m[pivot]
		inv := new(big.Rat).Inv(m[pivot][col])
		for _, x := range m[pivot] {
			x.Mul(x, inv)
		}
		for i := range m {
			if i == pivot || m[i][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[i][col])
			for j, x := range m[i] {
				x.Sub(x, new(big.Rat).Mul(f, m[pivot][j]))
			}
		}
		pivot++
	}
}

// unitColumn reports whether coefficients is a unit vector, and where its 1 is.
func unitColumn(coefficients []*big.Rat) (int, bool) {
	at := -1
	for j, x := range coefficients {
		switch {
		case x.Sign() == 0:
		case at >= 0 || x.Cmp(big.NewRat(1, 1)) != 0:
			return 0, false
		default:
			at = j
		}
	}
	return at, at >= 0
}

// describeExposed formats exposed cells for a failure message.
func describeExposed(exposed map[pos]*big.Rat) string {
	s := ""
	for p, v := range exposed {
		s += fmt.Sprintf(" [%d][%d]=%s", p.r, p.c, v.RatString())
	}
	return s
}
