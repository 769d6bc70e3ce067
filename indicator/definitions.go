package indicator

import (
	"context"
	"fmt"
	"time"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// EvaluateDefinitions evaluates the named definitions for every record of
// src, in record order, and calls fn once per record with the record's
// index (0-based, counted across batches) and the definitions' values, in
// the order of names. It is the per-record counterpart of Evaluate: a risk
// score per patient, or the audit trail of one record.
//
// A value is an int64, float64, bool, string, time.Time, time.Duration, a
// []any of such values for a list, or nil for a CEL null. A definition
// that fails on a record, or whose value is an event (which has no plain Go
// form), gives an error value in its place; the other values are still
// given. The values slice is reused: fn must copy what it keeps.
//
// Records are evaluated on the calling goroutine, in order. An unknown
// name, a bad parameter (WithParams), an error from the source, an error
// returned by fn or a cancelled ctx stops the evaluation and is returned.
// WithProgress is honoured; WithWorkers and WithMaxErrors have no effect.
func (s *Set) EvaluateDefinitions(ctx context.Context, src Source, names []string, fn func(index int64, values []any) error, opts ...EvalOption) (err error) {
	cfg := newEvalConfig(opts)
	params, err := s.bindParams(cfg.params)
	if err != nil {
		return err
	}
	exprs := make([]int, len(names))
	for k, name := range names {
		b, ok := s.names[name]
		if !ok || b.kind != bindDefinition {
			return fmt.Errorf("indicator: %w: set %s has no definition %q", ErrParameter, s.spec.ID, name)
		}
		exprs[k] = s.defExpr[b.index]
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("indicator: internal error evaluating a record: %v", p)
		}
	}()
	r := newRow(s)
	c := newCursor(s, r, params)
	values := make([]any, len(names))
	var read int64
	var checked *Schema
	for src.Next(ctx) {
		b := src.Batch()
		if b == nil {
			continue
		}
		if err := s.check(b, &checked); err != nil {
			return err
		}
		r.enter(b)
		for i := 0; i < b.n; i++ {
			if i%cancelCheckRows == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			r.at(i)
			for k, e := range exprs {
				values[k] = c.goValue(e)
			}
			if err := fn(read+int64(i), values); err != nil {
				return err
			}
		}
		read += int64(b.n)
		if cfg.progress != nil {
			cfg.progress(read)
		}
	}
	if err := src.Err(); err != nil {
		return fmt.Errorf("indicator: reading record %d: %w", read, err)
	}
	return ctx.Err()
}

// goValue returns expression i's value for the current row as a plain Go
// value, or its error.
func (c *cursor) goValue(i int) any {
	m := c.compute(i)
	switch {
	case m.err != nil:
		return m.err
	case m.val != nil:
		return goValue(m.val)
	}
	switch n := &c.set.exprs[i].native; n.kind {
	case KindBool:
		return m.b
	case KindInt:
		return m.i
	case KindTimestamp:
		return time.Unix(0, m.i).UTC()
	case KindDouble:
		return m.d
	case KindString:
		return m.s
	default:
		return goValue(c.row.list(n.field, m.evs))
	}
}

// goValue converts a CEL value to the Go values EvaluateDefinitions
// documents.
func goValue(v ref.Val) any {
	switch v := v.(type) {
	case types.Bool, types.Int, types.Uint, types.Double, types.String, types.Bytes:
		return v.Value()
	case types.Timestamp:
		return v.Time
	case types.Duration:
		return v.Duration
	case types.Null:
		return nil
	case *types.Err:
		return fmt.Errorf("%s", v.Error())
	case traits.Lister:
		out := []any{}
		for it := v.Iterator(); it.HasNext() == types.True; {
			e := goValue(it.Next())
			if err, ok := e.(error); ok {
				return err
			}
			out = append(out, e)
		}
		return out
	}
	return fmt.Errorf("a value of type %s has no plain Go form", v.Type().TypeName())
}
