package synth

import (
	"testing"
)

// BenchmarkNext streams batches of DefaultBatchSize patients, reusing the
// destination slice, and reports patients/s plus B/op and allocs/op per
// batch (the steady-state cost of streaming any N).
func BenchmarkNext(b *testing.B) {
	g, err := New(Config{N: MaxN, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var batch []Patient
	patients := 0
	b.ReportAllocs()
	for b.Loop() {
		batch = g.Next(batch)
		if len(batch) == 0 {
			g.Reset()
			batch = g.Next(batch)
		}
		patients += len(batch)
	}
	b.ReportMetric(float64(patients)/b.Elapsed().Seconds(), "patients/s")
}

// BenchmarkGeneratorFill generates single patients into a reused Patient.
func BenchmarkGeneratorFill(b *testing.B) {
	g, err := New(Config{N: MaxN, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var p Patient
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		g.Fill(&p, i%MaxN)
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "patients/s")
}
