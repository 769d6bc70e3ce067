package spc_test

import (
	"math"
	"testing"

	"github.com/openhpi/hpi/indicator/spc"
)

// Results are kept in package variables so the compiler cannot drop the calls.
var (
	benchChart *spc.Chart
	benchMDC   *spc.MDCResult
	benchErr   error
)

// benchSeries is a deterministic wavy series of n values around 100.
func benchSeries(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = 100 + 10*math.Sin(float64(i)*0.7) + float64(i%7)
	}
	return out
}

func BenchmarkNew(b *testing.B) {
	values := benchSeries(1000)
	for _, kind := range []spc.Kind{spc.KindI, spc.KindP, spc.KindXbar, spc.KindPP, spc.KindT} {
		groups := make([]spc.Subgroup, len(values))
		for i, v := range values {
			switch kind {
			case spc.KindXbar:
				groups[i] = spc.Subgroup{Values: []float64{v, v + 1, v - 2, v + 3}}
			case spc.KindP, spc.KindPP:
				groups[i] = spc.Subgroup{Values: []float64{v}, N: 1000}
			default:
				groups[i] = spc.Subgroup{Values: []float64{v}}
			}
		}
		b.Run(string(kind), func(b *testing.B) {
			for b.Loop() {
				benchChart, benchErr = spc.New(kind, groups, spc.Options{Parts: []int{500}, ScreenMovingRanges: true})
			}
		})
	}
}

func BenchmarkMakingDataCount(b *testing.B) {
	values := benchSeries(1000)
	target := 105.0
	opts := spc.MDCOptions{Target: &target, RebaseAt: []int{400}, FixAfter: 100}
	for b.Loop() {
		benchMDC, benchErr = spc.MakingDataCount(values, opts)
	}
}
