package framework

import (
	"context"
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/synth"
)

var onePassN = flag.Int("framework.n", 20_000, "patients in TestEvaluate_OnePass and TestEvaluate_EachDefinitionAtMostOncePerRecord (1000000 for the acceptance run)")

// The framework's two indicator sets become one compiled set, and one
// evaluation reads every record exactly once.
func TestEvaluate_OnePass(t *testing.T) {
	f := loadExample(t)
	require.Len(t, f.Indicators(), 26)
	require.Len(t, f.Set().Spec().Indicators, 26, "one merged set holds every indicator")

	src := population(t, f, *onePassN)
	sc, err := f.Evaluate(context.Background(), src)
	require.NoError(t, err)
	assert.Equal(t, int64(*onePassN), src.records, "each record read once")
	assert.Equal(t, 1, src.ended, "the source is drained once")
	assert.Equal(t, (*onePassN+511)/512, src.batches)
	assert.Equal(t, int64(*onePassN), sc.Read)
	for _, n := range sc.Nodes {
		for _, is := range n.Indicators {
			r, ok := sc.Report.Result(is.ID)
			require.True(t, ok)
			assert.Equal(t, int64(*onePassN), r.Accounting.Read, is.ID)
		}
	}
}

// Merging does not change results: each indicator's value equals the one
// its own set gives when evaluated alone.
func TestEvaluate_MergedSetMatchesSeparateSets(t *testing.T) {
	f := loadExample(t)
	const n = 3000
	sc, err := f.Evaluate(context.Background(), population(t, f, n))
	require.NoError(t, err)
	for _, file := range []string{"clinical.yaml", "utilisation.yaml"} {
		set, err := indicator.LoadFile(exampleDir + "/sets/" + file)
		require.NoError(t, err)
		src, err := synth.NewSource(set.Schema(), synth.Config{N: n, Seed: 7})
		require.NoError(t, err)
		rep, err := set.Evaluate(context.Background(), src)
		require.NoError(t, err)
		for _, want := range rep.Indicators {
			got, ok := sc.Report.Result(want.ID)
			require.True(t, ok, want.ID)
			assert.Equal(t, want.Numerator, got.Numerator, want.ID)
			assert.Equal(t, want.Denominator, got.Denominator, want.ID)
		}
	}
}

// BenchmarkEvaluate evaluates the example framework (26 indicators) over
// b.N × 10,000 synthetic patients.
func BenchmarkEvaluate(b *testing.B) {
	f := loadExample(b)
	for b.Loop() {
		src, err := synth.NewSource(f.Set().Schema(), synth.Config{N: 10_000, Seed: 7})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Evaluate(context.Background(), src); err != nil {
			b.Fatal(err)
		}
	}
}
