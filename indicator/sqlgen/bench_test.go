package sqlgen_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/sqlgen"
	"github.com/openhpi/hpi/internal/synth"
)

// benchSize is 1,000,000 patients unless HPI_BENCH_N says otherwise.
func benchSize(b *testing.B) int {
	if s := os.Getenv("HPI_BENCH_N"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(b, err)
		return n
	}
	return 1_000_000
}

// BenchmarkPostgres evaluates the quickstart set over the same synthetic
// patients in-process (already in memory as batches) and in PostgreSQL
// (the generated SQL over the loaded tables); loading the population into
// PostgreSQL is timed once, apart (load-s), and skipped when an earlier run
// left it loaded.
func BenchmarkPostgres(b *testing.B) {
	dsn, db := postgres(b)
	ctx := context.Background()
	set, err := indicator.LoadFile("../../examples/quickstart/quickstart.yaml")
	require.NoError(b, err)
	cfg := synth.Config{N: benchSize(b), Seed: 7}
	pgSchema, load := loadSynth(b, dsn, db, cfg)
	b.Logf("load: %d patients in %v (0: loaded by an earlier run)", cfg.N, load.Round(time.Millisecond))
	src, err := synth.NewSource(set.Schema(), cfg)
	require.NoError(b, err)
	var batches []*indicator.Batch
	for src.Next(ctx) {
		batches = append(batches, src.Batch())
	}
	require.NoError(b, src.Err())
	b.Run("in-process", func(b *testing.B) {
		for b.Loop() {
			_, err := set.Evaluate(ctx, indicator.Batches(batches...))
			require.NoError(b, err)
		}
		b.ReportMetric(float64(cfg.N)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("postgres", func(b *testing.B) {
		p, err := sqlgen.Compile(set, sqlgen.Postgres{}, synthMapping(set.Schema(), pgSchema))
		require.NoError(b, err)
		for b.Loop() {
			_, err := p.Evaluate(ctx, db, nil)
			require.NoError(b, err)
		}
		b.ReportMetric(float64(cfg.N)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		if load > 0 {
			b.ReportMetric(load.Seconds(), "load-s")
		}
	})
}
