package indicator_test

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
)

// endless yields the same batch forever. With honourCtx it stops when ctx
// is done, as the Source contract asks; without, only Evaluate can stop.
type endless struct {
	batch     *indicator.Batch
	honourCtx bool
	onNext    func(n int64) // called with the number of batches handed out
	n         atomic.Int64
	err       error
}

func (s *endless) Next(ctx context.Context) bool {
	if s.honourCtx {
		if err := ctx.Err(); err != nil {
			s.err = err
			return false
		}
	}
	n := s.n.Add(1)
	if s.onNext != nil {
		s.onNext(n)
	}
	return true
}

func (s *endless) Batch() *indicator.Batch { return s.batch }
func (s *endless) Err() error              { return s.err }

const cancelYAML = `
id: cancel
schema:
  unit: patient
  fields:
    age: int
    codes: list<string>
indicators:
  - id: P
    type: proportion
    initial_population: age >= 18
    numerator: codes.exists(c, c.startsWith("E1"))
  - id: C
    type: count
    stratifiers: [age / 10]
`

func cancelBatch(t testing.TB, set *indicator.Set, n int) *indicator.Batch {
	t.Helper()
	b := indicator.NewBatchBuilder(set.Schema())
	for i := 0; i < n; i++ {
		b.Field(0).AppendInt(int64(i % 100))
		b.Field(1).AppendString("E11")
		b.Field(1).AppendString("I10")
		require.NoError(t, b.EndRow())
	}
	return b.Build()
}

// evaluateTimed runs Evaluate and returns when it returned; a guard fails
// the test if Evaluate hangs.
func evaluateTimed(t *testing.T, ctx context.Context, set *indicator.Set, src indicator.Source, opts ...indicator.EvalOption) (*indicator.Report, time.Time, error) {
	t.Helper()
	type out struct {
		rep *indicator.Report
		err error
		at  time.Time
	}
	done := make(chan out, 1)
	go func() {
		rep, err := set.Evaluate(ctx, src, opts...)
		done <- out{rep, err, time.Now()}
	}()
	select {
	case o := <-done:
		return o.rep, o.at, o.err
	case <-time.After(60 * time.Second):
		t.Fatal("Evaluate did not return within a minute")
		return nil, time.Time{}, nil
	}
}

// promptly is how soon after its context is done Evaluate must return.
const promptly = 2 * time.Second

// noLeak waits briefly for the goroutine count to fall back to before.
func noLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		now := runtime.NumGoroutine()
		if now <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutine leak: %d before, %d after\n%s", before, now, buf[:n])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCancel(t *testing.T) {
	set := mustLoad(t, cancelYAML)
	batch := cancelBatch(t, set, 100)

	cases := []struct {
		name      string
		honourCtx bool
		workers   int
		// how cancel is triggered: after this many batches, from the source
		// or from the progress callback
		viaProgress bool
	}{
		{"source honouring ctx, cancelled from the source", true, 4, false},
		{"source ignoring ctx, cancelled from the source", false, 4, false},
		{"source honouring ctx, cancelled from progress", true, 2, true},
		{"source ignoring ctx, cancelled from progress", false, 1, true},
		{"many workers", false, 16, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			ctx, cancelCtx := context.WithCancel(context.Background())
			defer cancelCtx()
			var cancelledAt atomic.Int64
			cancel := func() {
				cancelledAt.CompareAndSwap(0, time.Now().UnixNano())
				cancelCtx()
			}
			const after = 10
			src := &endless{batch: batch, honourCtx: tc.honourCtx}
			opts := []indicator.EvalOption{indicator.WithWorkers(tc.workers)}
			if tc.viaProgress {
				opts = append(opts, indicator.WithProgress(func(read int64) {
					if read >= after*int64(batch.Len()) {
						cancel()
					}
				}))
			} else {
				src.onNext = func(n int64) {
					if n == after {
						cancel()
					}
				}
			}
			rep, returned, err := evaluateTimed(t, ctx, set, src, opts...)
			require.Error(t, err)
			assert.Nil(t, rep)
			assert.True(t, errors.Is(err, context.Canceled), "error does not wrap context.Canceled: %v", err)
			// It stopped soon after the cancellation, not eventually.
			require.NotZero(t, cancelledAt.Load())
			assert.Less(t, returned.Sub(time.Unix(0, cancelledAt.Load())), promptly)
			assert.Less(t, src.n.Load(), int64(after+1000))
			noLeak(t, before)
		})
	}
}

func TestCancelBeforeStart(t *testing.T) {
	set := mustLoad(t, cancelYAML)
	batch := cancelBatch(t, set, 10)
	sources := map[string]func() indicator.Source{
		"in-memory batches":     func() indicator.Source { return indicator.Batches(batch, batch, batch) },
		"endless honouring ctx": func() indicator.Source { return &endless{batch: batch, honourCtx: true} },
		"endless ignoring ctx":  func() indicator.Source { return &endless{batch: batch} },
		"no batches":            func() indicator.Source { return indicator.Batches() },
	}
	for name, mk := range sources {
		t.Run(name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			start := time.Now()
			rep, returned, err := evaluateTimed(t, ctx, set, mk(), indicator.WithWorkers(3))
			assert.Less(t, returned.Sub(start), promptly)
			require.Error(t, err)
			assert.Nil(t, rep)
			assert.True(t, errors.Is(err, context.Canceled), "%v", err)
			noLeak(t, before)
		})
	}
}

func TestDeadlineExceeded(t *testing.T) {
	set := mustLoad(t, cancelYAML)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	deadline, _ := ctx.Deadline()
	rep, returned, err := evaluateTimed(t, ctx, set, &endless{batch: cancelBatch(t, set, 100)}, indicator.WithWorkers(2))
	assert.Less(t, returned.Sub(deadline), promptly)
	require.Error(t, err)
	assert.Nil(t, rep)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	noLeak(t, before)
}

// failing yields some batches, then an error.
type failing struct {
	batch *indicator.Batch
	left  int
	err   error
}

func (s *failing) Next(ctx context.Context) bool {
	if s.left == 0 {
		s.err = errors.New("disk on fire")
		return false
	}
	s.left--
	return true
}
func (s *failing) Batch() *indicator.Batch { return s.batch }
func (s *failing) Err() error              { return s.err }

func TestSourceErrorStopsEvaluation(t *testing.T) {
	set := mustLoad(t, cancelYAML)
	before := runtime.NumGoroutine()
	batch := cancelBatch(t, set, 10)
	rep, _, err := evaluateTimed(t, context.Background(), set, &failing{batch: batch, left: 3}, indicator.WithWorkers(2))
	require.Error(t, err)
	assert.Nil(t, rep)
	assert.Contains(t, err.Error(), "disk on fire")
	assert.Contains(t, err.Error(), "30", "the error says how many records were read")
	noLeak(t, before)
}

func TestProgress(t *testing.T) {
	set := mustLoad(t, cancelYAML)
	sizes := []int{3, 5, 1, 7, 250, 2}
	var batches []*indicator.Batch
	total := 0
	var want []int64
	for _, n := range sizes {
		batches = append(batches, cancelBatch(t, set, n))
		total += n
		want = append(want, int64(total))
	}
	for _, workers := range []int{1, 4} {
		var got []int64
		rep := run(t, set, batches, indicator.WithWorkers(workers), indicator.WithProgress(func(read int64) {
			got = append(got, read)
		}))
		// Once per batch, increasing, ending at the total read.
		assert.Equal(t, want, got)
		for i := 1; i < len(got); i++ {
			assert.Greater(t, got[i], got[i-1])
		}
		require.NotEmpty(t, got)
		assert.Equal(t, rep.Read, got[len(got)-1])
		assert.Equal(t, int64(total), rep.Read)
	}
}
