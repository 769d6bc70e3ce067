package spc

import (
	"slices"
	"testing"
)

// The cases below are those of NHSRplotthedots'
// tests/testthat/test-ptd_calculate_point_type.R, translated to 0-based
// slices and booleans.

func TestTrendEndsNHSRplotthedotsCases(t *testing.T) {
	for _, tc := range []struct {
		y    []float64
		want []int
	}{
		{nil, []int{}},
		{[]float64{1, 2, 3, 4, 5, 6}, []int{0, 0, 0, 0, 0, 0}},
		{[]float64{1, 2, 3, 3, 4, 5, 6}, []int{0, 0, 0, 0, 0, 0, 0}}, // c(1:3, 3:6): the tie breaks it
		{[]float64{1, 2, 3, 4, 5, 6, 7}, []int{0, 0, 0, 0, 0, 0, 1}},
		{[]float64{2, 1, 2, 3, 4, 5, 6, 7, 3}, []int{0, 0, 0, 0, 0, 0, 0, 1, 0}},
		{[]float64{7, 6, 5, 4, 3, 2, 1}, []int{0, 0, 0, 0, 0, 0, -1}},
		{[]float64{2, 7, 6, 5, 4, 3, 2, 1, 3}, []int{0, 0, 0, 0, 0, 0, 0, -1, 0}},
	} {
		if got := trendEnds(tc.y); !slices.Equal(got, tc.want) {
			t.Errorf("trendEnds(%v) = %v, want %v", tc.y, got, tc.want)
		}
	}
}

func TestRunEndsNHSRplotthedotsCases(t *testing.T) {
	for _, tc := range []struct {
		side, want []int
	}{
		{[]int{}, []int{}},
		{[]int{1, 1, 1, 1, 1, 1}, []int{0, 0, 0, 0, 0, 0}},
		{[]int{1, 1, 1, 1, 1, 1, -1}, []int{0, 0, 0, 0, 0, 0, 0}},
		{[]int{1, 1, 1, 1, 1, 1, 1, 1, -1}, []int{0, 0, 0, 0, 0, 0, 1, 1, 0}},
		{[]int{-1, -1, -1, -1, -1, -1, -1, -1, 1}, []int{0, 0, 0, 0, 0, 0, -1, -1, 0}},
	} {
		if got := runEnds(tc.side); !slices.Equal(got, tc.want) {
			t.Errorf("runEnds(%v) = %v, want %v", tc.side, got, tc.want)
		}
	}
}

func TestPartOfSevenNHSRplotthedotsCases(t *testing.T) {
	for _, tc := range []struct {
		ends []int
		want []bool
	}{
		{[]int{0, 0, 0, 0, 0, 0}, []bool{false, false, false, false, false, false}},
		{[]int{0, 0, 0, 0, 0, 0, 1, 0}, []bool{true, true, true, true, true, true, true, false}},
		{[]int{0, 0, 0, 0, 0, 0, 0, 1, 0}, []bool{false, true, true, true, true, true, true, true, false}},
		{[]int{0, 0, 0, 0, 0, 0, -1, 0}, []bool{true, true, true, true, true, true, true, false}},
	} {
		if got := partOfSeven(tc.ends); !slices.Equal(got, tc.want) {
			t.Errorf("partOfSeven(%v) = %v, want %v", tc.ends, got, tc.want)
		}
	}
}

// ptd_part_of_two_in_three(ptd_two_in_three(v, rtm), v) cases.
func TestTwoInThreeNHSRplotthedotsCases(t *testing.T) {
	b := func(v ...int) []bool {
		out := make([]bool, len(v))
		for i, x := range v {
			out[i] = x == 1
		}
		return out
	}
	same := func(n int) []int { return slices.Repeat([]int{1}, n) }
	for _, tc := range []struct {
		near       []bool
		side       []int
		wantFlags  []bool
		comparison string
	}{
		{b(1, 0, 1), same(3), b(1, 0, 1), "c(1,0,1)"},
		{b(0, 1, 1), same(3), b(0, 1, 1), "c(0,1,1)"},
		{b(1, 1, 0), same(3), b(1, 1, 0), "c(1,1,0)"},
		{b(0, 0, 1, 0, 1, 0, 0), same(7), b(0, 0, 1, 0, 1, 0, 0), "fv"},
		{b(0, 0, 1, 1, 0, 0, 0), same(7), b(0, 0, 1, 1, 0, 0, 0), "gv"},
		{b(1, 0, 0, 1), same(4), b(0, 0, 0, 0), "hv"},
		{b(1, 0, 0, 1, 1), same(5), b(0, 0, 0, 1, 1), "iv"},
		{b(1, 0, 1), []int{1, -1, 1}, b(0, 0, 0), "opposite sides"},
		{b(0, 0, 1, 1, 0, 0, 0), []int{-1, 1, -1, 1, -1, 1, -1}, b(0, 0, 0, 0, 0, 0, 0), "alternating sides"},
	} {
		if got := twoInThreeFlags(tc.near, tc.side); !slices.Equal(got, tc.wantFlags) {
			t.Errorf("%s: twoInThreeFlags = %v, want %v", tc.comparison, got, tc.wantFlags)
		}
	}
}
