package indicator_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
)

// One compiled set is safe for concurrent use: 64 goroutines evaluate it
// at once over the same batches (each with its own source over them and 1
// to 4 workers), and every report is the bytes of the serial evaluation.
func TestConcurrency_64GoroutinesShareOneSet(t *testing.T) {
	set := loadQuickstart(t)
	_, batches := population(t, set, 3_000)
	ctx := context.Background()
	serial, err := set.Evaluate(ctx, indicator.Batches(batches...), indicator.WithWorkers(1))
	require.NoError(t, err)
	want, err := json.Marshal(serial)
	require.NoError(t, err)

	var wg sync.WaitGroup
	got := make([][]byte, 64)
	errs := make([]error, 64)
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := set.Evaluate(ctx, indicator.Batches(batches...), indicator.WithWorkers(1+g%4))
			if err != nil {
				errs[g] = err
				return
			}
			got[g], errs[g] = json.Marshal(rep)
		}()
	}
	wg.Wait()
	for g := range got {
		require.NoError(t, errs[g], "goroutine %d", g)
		require.Equal(t, string(want), string(got[g]), "goroutine %d", g)
	}
}
