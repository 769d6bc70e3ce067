package disclosure_test

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/openhpi/hpi/indicator/disclosure"
)

// testPolicies are the policies the property and fuzz tests draw from, all
// with complementary suppression on.
func testPolicies() []disclosure.Policy {
	return []disclosure.Policy{
		disclosure.HES(),
		disclosure.CMS(),
		{Min: 1, Max: 3, SuppressZero: true, Complementary: true},
		{Max: 5, Complementary: true},
		{SuppressZero: true, Complementary: true},
		{Min: 4, Max: 6, Marker: "c", Complementary: true},
	}
}

// randomCount draws a count that is often zero or small, sometimes large and
// occasionally a half (a weighted count).
func randomCount(rng *rand.Rand) float64 {
	switch x := rng.IntN(20); {
	case x < 6:
		return 0
	case x < 14:
		return float64(1 + rng.IntN(12))
	case x < 19:
		return float64(13 + rng.IntN(200))
	default:
		return float64(rng.IntN(20)) + 0.5
	}
}

// randomTable draws a rows × cols table.
func randomTable(rng *rand.Rand, rows, cols int) [][]float64 {
	cells := make([][]float64, rows)
	for r := range cells {
		cells[r] = make([]float64, cols)
		for c := range cells[r] {
			cells[r][c] = randomCount(rng)
		}
	}
	return cells
}

// checkInvariants fails t unless why is a correct outcome of
// p.ApplyTable(cells): same shape, primary cells exactly those the rule
// covers, complementary cells only when asked for, and, when asked for, no
// suppressed cell recoverable from the published cells and margins.
func checkInvariants(t *testing.T, p disclosure.Policy, cells [][]float64, why [][]disclosure.Reason) {
	t.Helper()
	if len(why) != len(cells) {
		t.Fatalf("%d rows of reasons for %d rows of cells", len(why), len(cells))
	}
	for r, row := range cells {
		if len(why[r]) != len(row) {
			t.Fatalf("row %d: %d reasons for %d cells", r, len(why[r]), len(row))
		}
		for c, v := range row {
			w := why[r][c]
			if p.Suppressed(v) != (w == disclosure.ReasonPrimary) {
				t.Fatalf("cell [%d][%d] = %v: reason %q, primary rule says %v", r, c, v, w, p.Suppressed(v))
			}
			if w != disclosure.ReasonNone && w != disclosure.ReasonPrimary &&
				(w != disclosure.ReasonComplementary || !p.Complementary) {
				t.Fatalf("cell [%d][%d]: unexpected reason %q", r, c, w)
			}
		}
	}
	if !p.Complementary {
		return
	}
	if exposed := exposedCells(cells, why); len(exposed) > 0 {
		t.Fatalf("table %v, pattern %q: recoverable cells:%s", cells, pattern(why), describeExposed(exposed))
	}
}

// unprotectable reports whether ApplyTable must refuse the table: a single
// cell that is suppressed, whose total would give it away.
func unprotectable(p disclosure.Policy, cells [][]float64) bool {
	return p.Complementary && len(cells) == 1 && len(cells[0]) == 1 && p.Suppressed(cells[0][0])
}

func TestApplyTableProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 11))
	policies := testPolicies()
	var withComplements, lines, grids int
	for range 3000 {
		rows, cols := 1+rng.IntN(7), 1+rng.IntN(7)
		p := policies[rng.IntN(len(policies))]
		cells := randomTable(rng, rows, cols)
		why, err := p.ApplyTable(cells)
		if unprotectable(p, cells) {
			if !errors.Is(err, disclosure.ErrUnprotectable) {
				t.Fatalf("table %v: error %v, want ErrUnprotectable", cells, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("table %v: %v", cells, err)
		}
		checkInvariants(t, p, cells, why)
		again, _ := p.ApplyTable(cells)
		if !reflect.DeepEqual(why, again) {
			t.Fatalf("table %v: pattern %q then %q", cells, pattern(why), pattern(again))
		}
		if rows == 1 || cols == 1 {
			lines++
		} else {
			grids++
		}
		if hasComplement(why) {
			withComplements++
		}
	}
	// Guard against a generator that never exercises the interesting path.
	if withComplements < 500 || lines < 300 || grids < 1500 {
		t.Errorf("weak coverage: %d tables with complements, %d 1-D, %d 2-D", withComplements, lines, grids)
	}
}

// TestPrimaryOnlyIsOftenExposed shows the property above has teeth: on the
// same kind of random tables, primary suppression alone leaves recoverable
// cells, and the checker finds them with their true values.
func TestPrimaryOnlyIsOftenExposed(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 2024))
	p := disclosure.CMS()
	p.Complementary = false
	var exposedTables int
	for range 500 {
		cells := randomTable(rng, 2+rng.IntN(4), 2+rng.IntN(4))
		why, err := p.ApplyTable(cells)
		if err != nil {
			t.Fatal(err)
		}
		exposed := exposedCells(cells, why)
		for at, v := range exposed {
			if f, _ := v.Float64(); f != cells[at.r][at.c] {
				t.Fatalf("checker recovered %v for cell %v = %v", v.RatString(), at, cells[at.r][at.c])
			}
		}
		if len(exposed) > 0 {
			exposedTables++
		}
	}
	if exposedTables < 50 {
		t.Errorf("only %d of 500 primary-only tables had recoverable cells", exposedTables)
	}
}

// hasComplement reports whether any cell is complementary.
func hasComplement(why [][]disclosure.Reason) bool {
	for _, row := range why {
		for _, w := range row {
			if w == disclosure.ReasonComplementary {
				return true
			}
		}
	}
	return false
}
