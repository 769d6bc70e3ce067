package spc

import (
	"math"
	"testing"
)

// anhojTable is the table "Critical values for runs and crossing" printed in
// the README of Jacob Anhøj's pbcharts package (github.com/anhoej/pbcharts),
// rows n = 10..100: upper limit for the longest run, lower limit for the
// number of crossings. The same table is Appendix 2 of the qicharts2 vignette.
var anhojTable = [][2]int{
	{6, 2}, {6, 2}, {7, 3}, {7, 3}, {7, 4}, {7, 4}, {7, 4}, {7, 5}, {7, 5}, {7, 6}, // 10-19
	{7, 6}, {7, 6}, {7, 7}, {8, 7}, {8, 8}, {8, 8}, {8, 8}, {8, 9}, {8, 9}, {8, 10}, // 20-29
	{8, 10}, {8, 11}, {8, 11}, {8, 11}, {8, 12}, {8, 12}, {8, 13}, {8, 13}, {8, 14}, {8, 14}, // 30-39
	{8, 14}, {8, 15}, {8, 15}, {8, 16}, {8, 16}, {8, 17}, {9, 17}, {9, 17}, {9, 18}, {9, 18}, // 40-49
	{9, 19}, {9, 19}, {9, 20}, {9, 20}, {9, 21}, {9, 21}, {9, 21}, {9, 22}, {9, 22}, {9, 23}, // 50-59
	{9, 23}, {9, 24}, {9, 24}, {9, 25}, {9, 25}, {9, 25}, {9, 26}, {9, 26}, {9, 27}, {9, 27}, // 60-69
	{9, 28}, {9, 28}, {9, 29}, {9, 29}, {9, 29}, {9, 30}, {9, 30}, {9, 31}, {9, 31}, {9, 32}, // 70-79
	{9, 32}, {9, 33}, {9, 33}, {9, 34}, {9, 34}, {9, 34}, {9, 35}, {9, 35}, {9, 36}, {9, 36}, // 80-89
	{9, 37}, {10, 37}, {10, 38}, {10, 38}, {10, 39}, {10, 39}, {10, 39}, {10, 40}, {10, 40}, {10, 41}, // 90-99
	{10, 41}, // 100
}

// quantileBySummation is qbinom(0.05, m, 0.5) computed independently: the
// binomial probabilities are built by the recurrence
// P(k+1) = P(k)·(m-k)/(k+1) from P(0) = 2^-m in floating point and summed
// until the total reaches 0.05. For m <= 100, 2^-m is exact and every partial
// sum up to the quantile is at least 0.17% (relative) away from 0.05, so
// rounding cannot change the answer.
func quantileBySummation(m int) int {
	p := math.Ldexp(1, -m)
	total := 0.0
	for k := 0; k <= m; k++ {
		total += p
		if total >= 0.05 {
			return k
		}
		p = p * float64(m-k) / float64(k+1)
	}
	return m
}

func TestAnhojLimitsTenToHundred(t *testing.T) {
	for n := 10; n <= 100; n++ {
		longest, crossings := anhojLimits(n)
		// round(log2 n) + 3, written out.
		if want := int(math.Floor(math.Log2(float64(n))+0.5)) + 3; longest != want {
			t.Errorf("n=%d: longest run limit %d, round(log2 n)+3 = %d", n, longest, want)
		}
		if want := quantileBySummation(n - 1); crossings != want {
			t.Errorf("n=%d: crossings limit %d, binomial sum gives %d", n, crossings, want)
		}
		row := anhojTable[n-10]
		if longest != row[0] || crossings != row[1] {
			t.Errorf("n=%d: limits (%d, %d), published table (%d, %d)", n, longest, crossings, row[0], row[1])
		}
	}
	// The examples of the qicharts2 vignette: n = 24 → more than 8, fewer
	// than 8; n = 10 → 6 and 2 (Anhøj & Olesen 2014).
	if l, c := anhojLimits(24); l != 8 || c != 8 {
		t.Errorf("n=24: (%d, %d), want (8, 8)", l, c)
	}
	if l, c := anhojLimits(10); l != 6 || c != 2 {
		t.Errorf("n=10: (%d, %d), want (6, 2)", l, c)
	}
}

// The exact and floating-point quantiles agree around the switch, and small
// cases are hand-checked: Bin(1, 1/2) gives P(X=0) = 0.5 >= 0.05, so 0.
func TestBinomialQuantile(t *testing.T) {
	for _, tc := range []struct{ m, want int }{{0, 0}, {1, 0}, {2, 0}, {4, 0}, {5, 1}, {9, 2}, {23, 8}} {
		if got := binomialQuantile05(tc.m); got != tc.want {
			t.Errorf("qbinom(0.05, %d, 0.5) = %d, want %d", tc.m, got, tc.want)
		}
	}
	for _, m := range []int{500, 999, 4000} {
		if e, f := binomialQuantile05Exact(m), binomialQuantile05Float(m); e != f {
			t.Errorf("m=%d: exact %d, float %d", m, e, f)
		}
	}
	// Beyond the exact range, the normal approximation
	// m/2 - 1.645·sqrt(m)/2 ≈ 8087.2 for m = 16385.
	if got := binomialQuantile05(exactQuantileMax + 1); got < 8084 || got > 8090 {
		t.Errorf("large m quantile %d is not near the normal approximation 8087", got)
	}
}

// Counting runs: points on the centre line neither break nor extend a run.
func TestAnhojRunsCounting(t *testing.T) {
	r := anhojRuns([]int{1, 1, -1, -1, -1, 1, 1, 1, 1, -1})
	if r.NUseful != 10 || r.LongestRun != 4 || r.Crossings != 3 {
		t.Errorf("got %+v", r)
	}
	if r.Signal { // 4 <= 6 and 3 >= 2
		t.Error("no signal expected")
	}
	if r := anhojRuns(nil); r != (Runs{}) {
		t.Errorf("no useful point: %+v, want zero Runs", r)
	}
}
