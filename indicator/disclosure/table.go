package disclosure

import "fmt"

// ApplyTable suppresses the cells of a table of counts and returns the reason
// for each cell, in the table's shape. cells[r][c] is the count in row r,
// column c; a 1-D breakdown is one row (or one column). The margins (row
// totals, column totals, grand total) are implied as sums and assumed
// published exactly.
//
// Every cell the primary rule covers gets ReasonPrimary. With Complementary
// set, further cells get ReasonComplementary until no suppressed cell can be
// computed exactly from the published cells and margins; the package doc
// describes how they are chosen and the limits of that guarantee.
//
// An empty table gives an empty result. A ragged table, an invalid count or
// an invalid policy is an error, as is a 1×1 table whose cell is suppressed
// under Complementary (ErrUnprotectable). ApplyTable does not modify cells.
func (p Policy) ApplyTable(cells [][]float64) ([][]Reason, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	t, err := newTable(cells)
	if err != nil {
		return nil, err
	}
	t.suppressPrimary(p)
	if p.Complementary {
		if err := t.protect(); err != nil {
			return nil, err
		}
	}
	return t.why, nil
}

// cell is a position in a table.
type cell struct{ r, c int }

// table is a validated rectangular table of counts and the suppression
// reasons decided so far.
type table struct {
	counts     [][]float64 // the caller's counts, read only
	why        [][]Reason  // same shape as counts
	rows, cols int
}

// newTable checks that cells is rectangular and holds valid counts.
func newTable(cells [][]float64) (*table, error) {
	t := &table{counts: cells, rows: len(cells), why: make([][]Reason, len(cells))}
	if t.rows > 0 {
		t.cols = len(cells[0])
	}
	for r, row := range cells {
		if len(row) != t.cols {
			return nil, fmt.Errorf("%w: row %d has %d cells, row 0 has %d", ErrRaggedTable, r, len(row), t.cols)
		}
		for c, v := range row {
			if err := checkCount(v); err != nil {
				return nil, fmt.Errorf("cell [%d][%d]: %w", r, c, err)
			}
		}
		t.why[r] = make([]Reason, t.cols)
	}
	return t, nil
}

// suppressPrimary marks every cell the primary rule covers.
func (t *table) suppressPrimary(p Policy) {
	for r, row := range t.counts {
		for c, v := range row {
			if p.primary(v) {
				t.why[r][c] = ReasonPrimary
			}
		}
	}
}

// suppressed reports whether cell e is withheld for any reason.
func (t *table) suppressed(e cell) bool { return t.why[e.r][e.c].Suppressed() }

// protect adds complementary suppressions. A table with a single row or a
// single column has only its grand total as a margin (its other margins are
// the cells themselves), so it is protected as a line.
func (t *table) protect() error {
	switch {
	case t.rows == 0 || t.cols == 0:
		return nil
	case t.rows == 1 || t.cols == 1:
		return t.protectLine()
	default:
		return t.protectGrid()
	}
}

// protectLine handles a 1-D table. Its one equation (the grand total) gives
// the sum of the suppressed cells, which exposes a suppressed cell only when
// it is alone; then the cheapest published cell is suppressed with it.
func (t *table) protectLine() error {
	var alone int
	best, found := cell{}, false
	for r := range t.rows {
		for c := range t.cols {
			e := cell{r, c}
			if t.suppressed(e) {
				alone++
			} else if !found || t.cost(e).less(t.cost(best)) {
				best, found = e, true
			}
		}
	}
	if alone != 1 {
		return nil
	}
	if !found {
		return fmt.Errorf("%w: a 1×1 table's total is its only cell", ErrUnprotectable)
	}
	t.why[best.r][best.c] = ReasonComplementary
	return nil
}

// protectGrid handles a table with at least two rows and two columns. A
// suppressed cell is recoverable from the row and column totals exactly when
// it is a bridge of the graph of suppressed cells (see graph.go), so each
// round closes the first bridge into a cycle. Each round removes at least
// that bridge and creates none, so the loop ends.
func (t *table) protectGrid() error {
	for {
		b, found := t.firstBridge()
		if !found {
			return nil
		}
		detour := t.cheapestDetour(b)
		if len(detour) == 0 {
			// Unreachable: with two rows and two columns a detour always
			// exists, and a bridge's detour always needs a new cell.
			return fmt.Errorf("disclosure: internal error: no detour for cell [%d][%d]", b.r, b.c)
		}
		for _, e := range detour {
			t.why[e.r][e.c] = ReasonComplementary
		}
	}
}
