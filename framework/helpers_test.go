package framework

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/synth"
)

// exampleDir holds the example's indicator sets (26 indicators).
const exampleDir = "../examples/framework"

// loadExample loads examples/framework/framework.yaml.
func loadExample(t testing.TB) *Framework {
	t.Helper()
	data, err := os.ReadFile(exampleDir + "/framework.yaml")
	require.NoError(t, err)
	f, err := Load("framework.yaml", data, WithFS(os.DirFS(exampleDir)))
	require.NoError(t, err)
	return f
}

// countingSource counts the batches and records it hands out.
type countingSource struct {
	src     indicator.Source
	batches int
	records int64
	ended   int // calls of Next that returned false
}

func (c *countingSource) Next(ctx context.Context) bool {
	ok := c.src.Next(ctx)
	if ok {
		c.batches++
		c.records += int64(c.src.Batch().Len())
	} else {
		c.ended++
	}
	return ok
}

func (c *countingSource) Batch() *indicator.Batch { return c.src.Batch() }
func (c *countingSource) Err() error              { return c.src.Err() }

func population(t testing.TB, f *Framework, n int) *countingSource {
	t.Helper()
	src, err := synth.NewSource(f.Set().Schema(), synth.Config{N: n, Seed: 7, BatchSize: 512})
	require.NoError(t, err)
	return &countingSource{src: src}
}

// diagnostics returns the diagnostics of err.
func diagnostics(t *testing.T, err error) indicator.Diagnostics {
	t.Helper()
	require.Error(t, err)
	ds, ok := err.(indicator.Diagnostics)
	require.True(t, ok, "want indicator.Diagnostics, got %T: %v", err, err)
	return ds
}
