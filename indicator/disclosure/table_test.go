package disclosure_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/openhpi/hpi/indicator/disclosure"
)

// pattern renders reasons one string per row: '.' published, 'P' primary,
// 'C' complementary, '?' anything else.
func pattern(why [][]disclosure.Reason) []string {
	out := make([]string, len(why))
	for r, row := range why {
		b := make([]byte, len(row))
		for c, w := range row {
			switch w {
			case disclosure.ReasonNone:
				b[c] = '.'
			case disclosure.ReasonPrimary:
				b[c] = 'P'
			case disclosure.ReasonComplementary:
				b[c] = 'C'
			default:
				b[c] = '?'
			}
		}
		out[r] = string(b)
	}
	return out
}

// TestApplyTableByHand checks patterns worked out on paper; the comment on
// each case gives the arithmetic.
func TestApplyTableByHand(t *testing.T) {
	hes, cms := disclosure.HES(), disclosure.CMS()
	primaryOnly := hes
	primaryOnly.Complementary = false
	tests := []struct {
		name   string
		policy disclosure.Policy
		cells  [][]float64
		want   []string
	}{
		// 1-D: the total gives the sum of suppressed cells.
		{"1-D lone primary takes smallest other cell", hes,
			[][]float64{{3, 12, 40, 25}}, []string{"PC.."}},
		{"1-D skips published zero when it can", hes,
			[][]float64{{3, 12, 0, 25}}, []string{"PC.."}},
		{"1-D uses a zero as last resort", hes,
			[][]float64{{3, 0, 0}}, []string{"PC."}},
		{"1-D tie goes to first position", hes,
			[][]float64{{9, 3, 9}}, []string{"CP."}},
		{"1-D two primaries protect each other", hes,
			[][]float64{{3, 5, 40}}, []string{"PP."}},
		{"1-D nothing small", hes,
			[][]float64{{12, 25}}, []string{".."}},
		{"1-D as a column", hes,
			[][]float64{{3}, {12}, {9}}, []string{"P", ".", "C"}},
		{"1-D primary only", primaryOnly,
			[][]float64{{3, 12, 40}}, []string{"P.."}},
		{"1x1 primary only", primaryOnly,
			[][]float64{{3}}, []string{"P"}},
		{"1x1 published", hes,
			[][]float64{{12}}, []string{"."}},
		// 2-D: cheapest detour from the primary's row to its column.
		// Via column 1: 20+15+12 = 47 (row 2) or 20+50+40 = 110 (row 1);
		// via column 2: 30+80+12 = 122 or 30+60+40 = 130.
		{"2-D single primary", hes,
			[][]float64{{3, 20, 30}, {40, 50, 60}, {12, 15, 80}},
			[]string{"PC.", "...", "CC."}},
		// Bridge (0,0): via column 1 (free) then row 1: 50+40 = 90,
		// against 30+60+40 = 130 via column 2.
		{"2-D two primaries in a row", hes,
			[][]float64{{3, 5, 30}, {40, 50, 60}},
			[]string{"PP.", "CC."}},
		// Via column 1 uses two published zeros; via column 2 none.
		{"2-D avoids published zeros", hes,
			[][]float64{{3, 0, 30}, {40, 0, 60}},
			[]string{"P.C", "C.C"}},
		{"2-D suppressed zero", disclosure.Policy{SuppressZero: true, Complementary: true},
			[][]float64{{0, 20}, {30, 40}},
			[]string{"PC", "CC"}},
		{"2-D closed rectangle needs nothing", hes,
			[][]float64{{3, 5, 30}, {4, 6, 60}},
			[]string{"PP.", "PP."}},
		// Every row and column has two suppressed cells, yet (1,2) joins
		// two closed blocks and is a bridge: it equals rows 0-1 minus
		// columns 0-1. Cheapest detour row 1 → column 2: (1,0), (0,0)
		// are free, then (0,2) = 40 (against 50, 60, 70 alternatives).
		{"2-D bridge between blocks", cms,
			[][]float64{
				{2, 3, 40, 50},
				{4, 5, 6, 60},
				{70, 80, 7, 8},
				{90, 95, 9, 1},
			},
			[]string{"PPC.", "PPP.", "..PP", "..PP"}},
		{"2-D primary only", primaryOnly,
			[][]float64{{3, 20, 30}, {40, 50, 60}},
			[]string{"P..", "..."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why, err := tt.policy.ApplyTable(tt.cells)
			if err != nil {
				t.Fatalf("ApplyTable: %v", err)
			}
			if got := pattern(why); !slices.Equal(got, tt.want) {
				t.Errorf("pattern = %q, want %q", got, tt.want)
			}
			if tt.policy.Complementary {
				if exposed := exposedCells(tt.cells, why); len(exposed) > 0 {
					t.Errorf("recoverable cells:%s", describeExposed(exposed))
				}
			}
		})
	}
}

func TestApplyTableErrors(t *testing.T) {
	tests := []struct {
		name    string
		policy  disclosure.Policy
		cells   [][]float64
		wantErr error
	}{
		{"ragged", disclosure.HES(), [][]float64{{1, 2}, {3}}, disclosure.ErrRaggedTable},
		{"ragged empty row", disclosure.HES(), [][]float64{{1, 2}, {}}, disclosure.ErrRaggedTable},
		{"NaN cell", disclosure.HES(), [][]float64{{1, math.NaN()}}, disclosure.ErrInvalidCount},
		{"negative cell", disclosure.HES(), [][]float64{{12, -1}}, disclosure.ErrInvalidCount},
		{"infinite cell", disclosure.HES(), [][]float64{{math.Inf(1)}}, disclosure.ErrInvalidCount},
		{"invalid policy", disclosure.Policy{Min: 8, Max: 7}, [][]float64{{12}}, disclosure.ErrInvalidPolicy},
		{"1x1 suppressed cell is its total", disclosure.HES(), [][]float64{{3}}, disclosure.ErrUnprotectable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why, err := tt.policy.ApplyTable(tt.cells)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ApplyTable error = %v, want %v", err, tt.wantErr)
			}
			if why != nil {
				t.Errorf("ApplyTable returned reasons %q with an error", pattern(why))
			}
		})
	}
}

func TestApplyTableEmpty(t *testing.T) {
	tests := []struct {
		name  string
		cells [][]float64
		want  []string
	}{
		{"nil", nil, []string{}},
		{"no rows", [][]float64{}, []string{}},
		{"rows without columns", [][]float64{{}, nil}, []string{"", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why, err := disclosure.HES().ApplyTable(tt.cells)
			if err != nil {
				t.Fatalf("ApplyTable: %v", err)
			}
			if got := pattern(why); !slices.Equal(got, tt.want) {
				t.Errorf("pattern = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestApplyTableLeavesInputAlone(t *testing.T) {
	cells := [][]float64{{3, 20}, {40, 50}}
	if _, err := disclosure.HES().ApplyTable(cells); err != nil {
		t.Fatal(err)
	}
	if cells[0][0] != 3 || cells[1][1] != 50 {
		t.Errorf("input changed: %v", cells)
	}
}

// TestCheckerFindsExposedCells proves the exact checker can fail: with only
// primary suppression, it must find the cells an intruder can recover, and
// recover their true values.
func TestCheckerFindsExposedCells(t *testing.T) {
	primaryOnly := disclosure.CMS()
	primaryOnly.Complementary = false
	tests := []struct {
		name  string
		cells [][]float64
		want  map[pos]float64
	}{
		{"1-D lone primary", [][]float64{{3, 12, 40}}, map[pos]float64{{0, 0}: 3}},
		{"2-D lone primary", [][]float64{{3, 20, 30}, {40, 50, 60}}, map[pos]float64{{0, 0}: 3}},
		{"2-D two primaries in a row", [][]float64{{3, 5, 30}, {40, 50, 60}}, map[pos]float64{{0, 0}: 3, {0, 1}: 5}},
		{"bridge despite two per line", [][]float64{
			{2, 3, 40, 50},
			{4, 5, 6, 60},
			{70, 80, 7, 8},
			{90, 95, 9, 1},
		}, map[pos]float64{{1, 2}: 6}},
		{"closed rectangle is safe", [][]float64{{3, 5, 30}, {4, 6, 60}}, map[pos]float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why, err := primaryOnly.ApplyTable(tt.cells)
			if err != nil {
				t.Fatal(err)
			}
			exposed := exposedCells(tt.cells, why)
			if len(exposed) != len(tt.want) {
				t.Fatalf("exposed:%s; want %v", describeExposed(exposed), tt.want)
			}
			for p, v := range tt.want {
				got, ok := exposed[p]
				if !ok {
					t.Errorf("cell %v not found exposed", p)
					continue
				}
				if f, _ := got.Float64(); f != v {
					t.Errorf("cell %v: recovered %v, want %v", p, got.RatString(), v)
				}
			}
		})
	}
}
