package source

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// Defaults of the options.
const (
	// DefaultBatchSize is the number of records per batch.
	DefaultBatchSize = 4096
	// DefaultListSeparator separates the elements of a list in a CSV cell.
	DefaultListSeparator = "|"
	// DefaultMaxLineBytes bounds the length of one JSON Lines line.
	DefaultMaxLineBytes = 16 << 20
)

// Option sets an optional setting of a source. Options that do not apply to
// a source (WithComma for JSONLines, say) are ignored by it. An invalid
// option value is reported by the source's first Next, through Err.
type Option func(*config)

type config struct {
	batchSize     int
	listSep       string
	comma         rune
	ignoreUnknown bool
	maxLineBytes  int
	maxResources  int
	maxSkips      int
	mapping       *Mapping
	refDate       time.Time
	values        bool  // quote data values in errors (WithValuesInErrors)
	err           error // the first invalid option
}

func newConfig(opts []Option) config {
	c := config{
		batchSize:    DefaultBatchSize,
		listSep:      DefaultListSeparator,
		comma:        ',',
		maxLineBytes: DefaultMaxLineBytes,
		maxResources: DefaultMaxResources,
		maxSkips:     DefaultMaxSkips,
	}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// invalid records the first bad option value; later ones are ignored so
// that the error names the first mistake.
func (c *config) invalid(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("source: "+format, args...)
	}
}

// WithBatchSize sets the number of records per batch (default
// DefaultBatchSize). The last batch may be smaller. Results of an
// evaluation do not depend on it.
func WithBatchSize(n int) Option {
	return func(c *config) {
		if n < 1 {
			c.invalid("batch size %d: want at least 1", n)
			return
		}
		c.batchSize = n
	}
}

// WithListSeparator sets the string that separates the elements of a
// list<T> field in a CSV cell (default "|").
func WithListSeparator(sep string) Option {
	return func(c *config) {
		if sep == "" {
			c.invalid("empty list separator")
			return
		}
		c.listSep = sep
	}
}

// WithComma sets the CSV field delimiter (default ','), e.g. ';' or '\t'.
func WithComma(r rune) Option {
	return func(c *config) {
		// The same rule as encoding/csv, checked here so that the mistake
		// is reported as an option error rather than a read error.
		if r == 0 || r == '"' || r == '\r' || r == '\n' || !utf8.ValidRune(r) || r == utf8.RuneError {
			c.invalid("invalid CSV delimiter %q", r)
			return
		}
		c.comma = r
	}
}

// WithIgnoreUnknown makes CSV columns and JSON keys that name no schema
// field be skipped. By default they are an error, so that a misspelt name
// never passes silently as a missing (null) value.
func WithIgnoreUnknown() Option {
	return func(c *config) { c.ignoreUnknown = true }
}

// WithMaxLineBytes bounds the length of one JSON Lines line, excluding the
// line break (default DefaultMaxLineBytes). A longer line is an error, not
// an unbounded allocation.
func WithMaxLineBytes(n int) Option {
	return func(c *config) {
		if n < 1 {
			c.invalid("max line bytes %d: want at least 1", n)
			return
		}
		c.maxLineBytes = n
	}
}

// WithMaxResources bounds the resources (FHIR) or rows (Synthea) a source
// keeps in memory while grouping them by patient (default
// DefaultMaxResources); more is an error wrapping ErrTooManyResources.
func WithMaxResources(n int) Option {
	return func(c *config) {
		if n < 1 {
			c.invalid("max resources %d: want at least 1", n)
			return
		}
		c.maxResources = n
	}
}

// WithMaxSkips sets how many skipped resources a FHIR or Synthea source
// describes in Skipped (default DefaultMaxSkips); all are counted.
func WithMaxSkips(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.invalid("max skips %d: want at least 0", n)
			return
		}
		c.maxSkips = n
	}
}

// WithMapping sets which FHIR elements (or Synthea columns) become which
// schema fields (default: DefaultMapping).
func WithMapping(m *Mapping) Option {
	return func(c *config) {
		if m == nil {
			c.invalid("nil mapping")
			return
		}
		c.mapping = m
	}
}

// WithReferenceDate sets the date at which a patient's age is computed
// (the "age" element), overriding the mapping's reference_date.
func WithReferenceDate(t time.Time) Option {
	return func(c *config) {
		if t.IsZero() {
			c.invalid("zero reference date")
			return
		}
		c.refDate = t.UTC()
	}
}

// WithValuesInErrors makes error messages and skips quote the values of
// the data they are about, for debugging: the text of a bad CSV cell or
// JSON value, a JSON value of the wrong type, the id of a skipped FHIR
// resource or Synthea row. By default they never do, since a value may
// identify a patient: a message names the line (or record), the column
// (or field path, FHIR element) and what is wrong, e.g.
//
//	source: CSV line 12, column "dob": not a timestamp (want RFC 3339 or YYYY-MM-DD): invalid data
//
// and with this option
//
//	source: CSV line 12, column "dob": "12/03/1961" is not a timestamp (want RFC 3339 or YYYY-MM-DD): invalid data
//
// Messages then hold patient data: keep them out of logs that are not
// cleared for it.
func WithValuesInErrors() Option {
	return func(c *config) { c.values = true }
}
