package indicator

import "context"

// Source yields records in batches, in the style of bufio.Scanner:
//
//	for src.Next(ctx) {
//		b := src.Batch()
//		...
//	}
//	if err := src.Err(); err != nil { ... }
//
// Each batch returned by Batch belongs to the caller: the source must not
// modify it after a later call to Next. Sources are used by one goroutine.
type Source interface {
	// Next advances to the next batch. It returns false at the end of the
	// data, on an error, or when ctx is done.
	Next(ctx context.Context) bool
	// Batch returns the current batch.
	Batch() *Batch
	// Err returns the first error met, or nil at a clean end.
	Err() error
}

// Batches returns a Source over batches already in memory.
func Batches(bs ...*Batch) Source {
	return &batchSource{batches: bs, i: -1}
}

type batchSource struct {
	batches []*Batch
	i       int
	err     error
}

func (s *batchSource) Next(ctx context.Context) bool {
	if err := ctx.Err(); err != nil {
		s.err = err
		return false
	}
	s.i++
	return s.i < len(s.batches)
}

func (s *batchSource) Batch() *Batch { return s.batches[s.i] }
func (s *batchSource) Err() error    { return s.err }
