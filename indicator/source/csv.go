package source

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

// CSV returns a Source that reads records from CSV text with a header row.
//
// Columns are matched to schema fields by header name, in any order. A
// column that names no field is an error unless WithIgnoreUnknown is given;
// a missing column is an error unless its field is nullable, in which case
// every record has null there. Cells are typed by the schema (see the
// package documentation); an empty cell is null for a nullable field and
// an error otherwise, except for a list field, where it is the empty list.
// Event-list fields cannot be represented in one flat table: a schema with
// one is reported as an error wrapping errors.ErrUnsupported.
//
// A bad cell stops the source with an error that names the line of the file
// (the header is line 1), the column and why, and wraps
// indicator.ErrInvalidData, e.g.
//
//	source: CSV line 17, column "age": not an int: invalid data
//
// It does not quote the cell, which may identify a patient, unless
// WithValuesInErrors is given.
//
// Malformed CSV (a bare quote, a row with the wrong number of cells) wraps
// both the *csv.ParseError and indicator.ErrInvalidData. The records before
// the bad row are delivered first. The input is read as it is consumed,
// one record at a time.
//
// Options: WithBatchSize, WithListSeparator, WithComma, WithIgnoreUnknown,
// WithValuesInErrors.
func CSV(r io.Reader, schema *indicator.Schema, opts ...Option) indicator.Source {
	cfg := newConfig(opts)
	return newStream(schema, cfg, &csvReader{in: r, schema: schema, cfg: cfg})
}

// csvColumn is one column of the file and the field it feeds.
type csvColumn struct {
	name  string
	field int // index in the schema, or -1 for an ignored column
	kind  indicator.Kind
	elem  indicator.Kind // element kind of a list
	null  bool           // the field is nullable
}

type csvReader struct {
	in     io.Reader
	schema *indicator.Schema
	cfg    config
	r      *csv.Reader
	cols   []csvColumn
}

func (c *csvReader) open() error {
	for _, f := range c.schema.Fields {
		if f.Kind == indicator.KindEvents {
			return fmt.Errorf("source: CSV: field %q is an event list, which a flat CSV file cannot hold (use JSONLines or Slice): %w", f.Name, errors.ErrUnsupported)
		}
	}
	c.r = csv.NewReader(c.in)
	c.r.Comma = c.cfg.comma
	// The record slice is reused: cells are copied into the batch (string
	// cells share the record's string unless it is long; see shareLimit).
	c.r.ReuseRecord = true
	header, err := c.r.Read()
	if err == io.EOF {
		return fmt.Errorf("source: CSV: empty input, want a header row: %w", indicator.ErrInvalidData)
	}
	if err != nil {
		return csvReadError(err)
	}
	return c.mapHeader(header)
}

// mapHeader matches header names to schema fields and checks that every
// non-nullable field has a column.
func (c *csvReader) mapHeader(header []string) error {
	c.cols = make([]csvColumn, len(header))
	seen := make(map[string]bool, len(header))
	var unknown []string
	for j, name := range header {
		if j == 0 {
			name = strings.TrimPrefix(name, "\ufeff") // a byte-order mark left by spreadsheet exports
		}
		name = strings.TrimSpace(name)
		col := csvColumn{name: name, field: c.schema.FieldIndex(name)}
		if seen[name] && col.field >= 0 {
			return fmt.Errorf("source: CSV header: column %q appears twice: %w", name, indicator.ErrInvalidData)
		}
		seen[name] = true
		if col.field < 0 {
			unknown = append(unknown, fmt.Sprintf("%q", name))
		} else {
			f := &c.schema.Fields[col.field]
			col.kind, col.elem, col.null = f.Kind, f.Elem, f.Nullable
		}
		c.cols[j] = col
	}
	if len(unknown) > 0 && !c.cfg.ignoreUnknown {
		return fmt.Errorf("source: CSV header: unknown %s %s (no such schema field; WithIgnoreUnknown skips it): %w", plural(len(unknown), "column"), strings.Join(unknown, ", "), indicator.ErrInvalidData)
	}
	var missing []string
	for _, f := range c.schema.Fields {
		if !seen[f.Name] && !f.Nullable {
			missing = append(missing, fmt.Sprintf("%q", f.Name))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("source: CSV header: missing %s %s (not nullable): %w", plural(len(missing), "column"), strings.Join(missing, ", "), indicator.ErrInvalidData)
	}
	return nil
}

func (c *csvReader) readRow(_ context.Context, b *indicator.BatchBuilder) error {
	rec, err := c.r.Read()
	if err == io.EOF {
		return io.EOF
	}
	if err != nil {
		return csvReadError(err)
	}
	size := 0
	for _, cell := range rec {
		size += len(cell)
	}
	clone := size > shareLimit
	for j, cell := range rec {
		col := &c.cols[j]
		if col.field < 0 {
			continue
		}
		if err := c.appendCell(b.Field(col.field), col, cell, clone); err != nil {
			line, _ := c.r.FieldPos(j)
			return fmt.Errorf("source: CSV line %d, column %q: %v: %w", line, col.name, err, indicator.ErrInvalidData)
		}
	}
	if err := b.EndRow(); err != nil {
		line := 0
		if len(rec) > 0 {
			line, _ = c.r.FieldPos(0)
		}
		return builderError(fmt.Sprintf("source: CSV line %d", line), err)
	}
	return nil
}

// appendCell appends the value of one cell. Absent nullable values are left
// out: EndRow records them as null.
func (c *csvReader) appendCell(cb indicator.ColumnBuilder, col *csvColumn, cell string, clone bool) error {
	if col.kind == indicator.KindList {
		return c.appendList(cb, col.elem, cell, clone)
	}
	empty := cell == ""
	if col.kind != indicator.KindString {
		empty = strings.TrimSpace(cell) == ""
	}
	if empty {
		if col.null {
			return nil
		}
		return errors.New("empty cell, but the field is not nullable")
	}
	return appendText(cb, col.kind, cell, clone, c.cfg.values)
}

// appendList appends the elements of a list cell. An empty cell is the
// empty list; otherwise every separated part is an element, so "a||b" is
// three strings, the middle one empty (and an error for other kinds).
func (c *csvReader) appendList(cb indicator.ColumnBuilder, elem indicator.Kind, cell string, clone bool) error {
	if cell == "" {
		return nil
	}
	for k := 1; ; k++ {
		part, rest, more := strings.Cut(cell, c.cfg.listSep)
		if err := appendText(cb, elem, part, clone, c.cfg.values); err != nil {
			return fmt.Errorf("element %d: %w", k, err)
		}
		if !more {
			return nil
		}
		cell = rest
	}
}

// csvReadError classifies an error of csv.Reader: malformed CSV is invalid
// data; anything else comes from the underlying reader.
func csvReadError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("source: CSV: %w: %w", err, indicator.ErrInvalidData)
	}
	return fmt.Errorf("source: CSV: reading: %w", err)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
