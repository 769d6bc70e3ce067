package stats

import "testing"

// Results are kept in package variables so the compiler cannot drop the calls.
var (
	benchEstimate Estimate
	benchErr      error
)

func BenchmarkProportion(b *testing.B) {
	for i := 0; i < b.N; i++ {
		benchEstimate, benchErr = Proportion(float64(i%1000), 1000, 0.95)
	}
}

func BenchmarkRate_Exact(b *testing.B) {
	for i := 0; i < b.N; i++ {
		benchEstimate, benchErr = Rate(float64(i%10), 1000, 0.95)
	}
}

func BenchmarkRate_Byar(b *testing.B) {
	for i := 0; i < b.N; i++ {
		benchEstimate, benchErr = Rate(float64(10+i%1000), 100000, 0.95)
	}
}

func BenchmarkDSR(b *testing.B) {
	for i := 0; i < b.N; i++ {
		benchEstimate, benchErr = DSR(dsrCounts, dsrPops, ESP2013, 0.95)
	}
}

func BenchmarkMean(b *testing.B) {
	values := []float64{12.1, 15.3, 9.8, 11.0, 13.7, 14.2, 10.5, 12.9}
	for i := 0; i < b.N; i++ {
		benchEstimate, benchErr = Mean(values, 0.95)
	}
}

func BenchmarkSII_100000Repetitions(b *testing.B) {
	groups := siiGroups(0.5)
	for i := 0; i < b.N; i++ {
		_, benchErr = SII(groups, SIIOptions{Seed: int64(i)})
	}
}
