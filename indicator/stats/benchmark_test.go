package stats

import (
	"math"
	"testing"
)

func TestCompareToBenchmark_SingleOverlappingIntervalRule(t *testing.T) {
	area := Estimate{Value: 0.5, Lower: 0.4, Upper: 0.6, Level: 0.95, Method: MethodWilson}
	cases := []struct {
		name      string
		benchmark float64
		polarity  Polarity
		want      Comparison
	}{
		{"benchmark below interval, higher is better", 0.3, HigherIsBetter, Better},
		{"benchmark below interval, lower is better", 0.3, LowerIsBetter, Worse},
		{"benchmark below interval, no judgement", 0.3, NoJudgement, Higher},
		{"benchmark above interval, higher is better", 0.7, HigherIsBetter, Worse},
		{"benchmark above interval, lower is better", 0.7, LowerIsBetter, Better},
		{"benchmark above interval, no judgement", 0.7, NoJudgement, Lower},
		{"benchmark inside", 0.55, HigherIsBetter, Similar},
		{"benchmark on lower bound is inclusive", 0.4, HigherIsBetter, Similar},
		{"benchmark on upper bound is inclusive", 0.6, LowerIsBetter, Similar},
		{"not applicable polarity", 0.3, NotApplicable, NotCompared},
		{"unknown polarity", 0.3, Polarity("RAG"), NotCompared},
		{"NaN benchmark", math.NaN(), HigherIsBetter, NotCompared},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CompareToBenchmark(area, c.benchmark, c.polarity); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestCompareToBenchmark_NaNInEstimateIsNotCompared(t *testing.T) {
	for _, e := range []Estimate{
		{Value: math.NaN(), Lower: 0.4, Upper: 0.6},
		{Value: 0.5, Lower: math.NaN(), Upper: 0.6},
		{Value: 0.5, Lower: 0.4, Upper: math.NaN()},
		{Value: 0.5, Lower: 0.4, Upper: 0.6, Level: math.NaN()},
	} {
		if got := CompareToBenchmark(e, 0.1, HigherIsBetter); got != NotCompared {
			t.Errorf("%+v: got %q, want not-compared", e, got)
		}
	}
}

func TestCompareToBenchmark2_BestAndWorstBeyondTheWiderInterval(t *testing.T) {
	a95 := Estimate{Value: 0.5, Lower: 0.45, Upper: 0.55, Level: 0.95}
	a998 := Estimate{Value: 0.5, Lower: 0.42, Upper: 0.58, Level: 0.998}
	cases := []struct {
		name      string
		benchmark float64
		polarity  Polarity
		want      Comparison
	}{
		{"beyond 99.8%, higher is better", 0.40, HigherIsBetter, Best},
		{"beyond 95% only, higher is better", 0.44, HigherIsBetter, Better},
		{"inside 95%", 0.50, HigherIsBetter, Similar},
		{"beyond 95% only above, higher is better", 0.56, HigherIsBetter, Worse},
		{"beyond 99.8% above, higher is better", 0.60, HigherIsBetter, Worst},
		{"beyond 99.8%, lower is better", 0.40, LowerIsBetter, Worst},
		{"beyond 99.8% above, lower is better", 0.60, LowerIsBetter, Best},
		{"beyond 99.8%, no judgement", 0.40, NoJudgement, Higher},
		{"on the 99.8% bound is inclusive", 0.42, HigherIsBetter, Better},
		{"NaN in the 99.8% estimate", 0.40, HigherIsBetter, NotCompared},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wide := a998
			if c.want == NotCompared {
				wide.Upper = math.NaN()
			}
			if got := CompareToBenchmark2(a95, wide, c.benchmark, c.polarity); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestQuintile_FingertipsRule(t *testing.T) {
	ten := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	cases := []struct {
		name     string
		values   []float64
		value    float64
		polarity Polarity
		want     int
	}{
		{"lowest of ten", ten, 1, LowerIsBetter, 1},
		{"second lowest of ten", ten, 2, NoJudgement, 1},
		{"third of ten", ten, 3, NoJudgement, 2},
		{"highest of ten", ten, 10, LowerIsBetter, 5},
		{"highest of ten, higher is better, is quintile 1", ten, 10, HigherIsBetter, 1},
		{"lowest of ten, higher is better, is quintile 5", ten, 1, HigherIsBetter, 5},
		{"fewer than five values", []float64{1, 2, 3, 4}, 2, LowerIsBetter, 0},
		{"NaN values are not counted", []float64{1, 2, 3, 4, math.NaN()}, 2, LowerIsBetter, 0},
		{"NaN value", ten, math.NaN(), LowerIsBetter, 0},
		{"ties take the minimum rank", []float64{5, 5, 5, 5, 5, 9}, 5, NoJudgement, 1},
		// Seven values: N/q = 1.4 is inexact; PHE's float formula gives
		// ranks 1..7 the quintiles 1,1,2,3,4,4,5 (ceil(7/1.4) = 5 exactly here).
		{"seven values, rank 2", []float64{10, 20, 30, 40, 50, 60, 70}, 20, NoJudgement, 1},
		{"seven values, rank 3", []float64{10, 20, 30, 40, 50, 60, 70}, 30, NoJudgement, 2},
		{"seven values, rank 6", []float64{10, 20, 30, 40, 50, 60, 70}, 60, NoJudgement, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Quintile(c.values, c.value, c.polarity); got != c.want {
				t.Errorf("got %d, want %d", got, c.want)
			}
		})
	}
}

func TestQuantiles_AgreesWithQuantileAndPHEDeciles(t *testing.T) {
	// 20 areas into deciles: two per decile, as PHE's formula gives
	// floor(11 - ceil((21 - rank)/2)).
	values := make([]float64, 20)
	for i := range values {
		values[i] = float64((i*7)%20) + 0.5 // a permutation of 0.5..19.5
	}
	values = append(values, math.NaN())
	for _, p := range []Polarity{LowerIsBetter, HigherIsBetter} {
		got := Quantiles(values, 10, p)
		for i, v := range values {
			if got[i] != Quantile(values, v, 10, p) {
				t.Errorf("%s: Quantiles[%d] = %d, Quantile = %d", p, i, got[i], Quantile(values, v, 10, p))
			}
			if math.IsNaN(v) {
				continue
			}
			rank := int(v-0.5) + 1 // 1..20, ascending
			if p == HigherIsBetter {
				rank = 21 - rank
			}
			if want := (rank + 1) / 2; got[i] != want {
				t.Errorf("%s: value %v decile %d, want %d", p, v, got[i], want)
			}
		}
	}
	if q := Quantiles([]float64{1, 2}, 5, NoJudgement); q[0] != 0 || q[1] != 0 {
		t.Errorf("too few values gave %v", q)
	}
}
