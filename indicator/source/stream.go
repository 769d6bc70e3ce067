package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

// rowReader is what differs between sources: how to start (read a header,
// check the schema) and how to append one record to a builder.
type rowReader interface {
	// open is called once, by the first Next, after the schema and the
	// options have been checked.
	open() error
	// readRow appends one record and ends it with EndRow. It returns
	// io.EOF at a clean end. On any other error it may leave a partial
	// record in the builder; the caller discards it.
	readRow(ctx context.Context, b *indicator.BatchBuilder) error
}

// ctxCheckEvery is how many records are read between two checks of the
// context within a batch, so that cancelling a large batch is prompt
// without paying for ctx.Err on every record.
const ctxCheckEvery = 1024

// stream implements indicator.Source over a rowReader: batching, context,
// sticky errors and the delivery of the records read before an error.
type stream struct {
	schema  *indicator.Schema
	cfg     config
	rows    rowReader
	b       *indicator.BatchBuilder
	batch   *indicator.Batch
	opened  bool
	done    bool  // clean end reached
	pending error // error met after some records of the last batch
	err     error // first error reported, sticky
}

func newStream(schema *indicator.Schema, cfg config, rows rowReader) *stream {
	return &stream{schema: schema, cfg: cfg, rows: rows}
}

// Next reads the next batch. Records read before an error are delivered in
// a batch of their own first; the error is reported by the following Next.
func (s *stream) Next(ctx context.Context) bool {
	s.batch = nil
	if s.err != nil || s.done {
		return false
	}
	if s.pending != nil {
		s.err, s.pending = s.pending, nil
		return false
	}
	if err := ctx.Err(); err != nil {
		s.err = err
		return false
	}
	if !s.opened {
		s.opened = true
		if err := s.open(); err != nil {
			s.err = err
			return false
		}
	}
	return s.fill(ctx)
}

func (s *stream) open() error {
	if s.cfg.err != nil {
		return s.cfg.err
	}
	if s.schema == nil {
		return errors.New("source: nil schema")
	}
	// The unit's name does not matter to a source, and Compile defaults an
	// empty one, so a hand-built schema without it is fine here.
	check := *s.schema
	if check.Unit == "" {
		check.Unit = "record"
	}
	if err := check.Validate(); err != nil {
		return fmt.Errorf("source: %w", err)
	}
	s.b = indicator.NewBatchBuilder(s.schema)
	return s.rows.open()
}

// fill reads up to a batch of records and makes it the current batch.
func (s *stream) fill(ctx context.Context) bool {
	for i := 1; s.b.Len() < s.cfg.batchSize; i++ {
		if i%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				s.b.Build() // drop the partial batch: the caller asked to stop
				s.err = err
				return false
			}
		}
		err := s.rows.readRow(ctx, s.b)
		if err == io.EOF {
			s.done = true
			break
		}
		if err != nil {
			s.b.DiscardRow()
			if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
				s.b.Build() // cancelled, not failed: as above
				s.err = ctxErr
				return false
			}
			s.pending = err
			break
		}
	}
	if s.b.Len() == 0 {
		s.err, s.pending = s.pending, nil
		return false
	}
	s.batch = s.b.Build()
	return true
}

// Batch returns the current batch, or nil when Next returned false.
func (s *stream) Batch() *indicator.Batch { return s.batch }

// Err returns the first error, or nil at a clean end.
func (s *stream) Err() error { return s.err }

// builderError rewrites an error of BatchBuilder.EndRow after where, so
// that the message reads "where: field ...: invalid data" rather than
// "where: invalid data: field ...".
func builderError(where string, err error) error {
	if !errors.Is(err, indicator.ErrInvalidData) {
		return fmt.Errorf("%s: %w", where, err)
	}
	msg := strings.Replace(err.Error(), indicator.ErrInvalidData.Error()+": ", "", 1)
	return fmt.Errorf("%s: %s: %w", where, msg, indicator.ErrInvalidData)
}
