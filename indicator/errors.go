package indicator

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Sentinel errors classify problems; test for them with errors.Is.
var (
	// ErrInvalidDefinition marks a malformed definition: bad YAML, an
	// unknown key, a missing or invalid value.
	ErrInvalidDefinition = errors.New("invalid definition")
	// ErrTypeMismatch marks a CEL expression that does not type-check, or
	// whose result has the wrong type for its use.
	ErrTypeMismatch = errors.New("type mismatch")
	// ErrCycle marks definitions that depend on each other in a cycle.
	ErrCycle = errors.New("definition cycle")
	// ErrCostBudget marks an expression whose estimated cost exceeds the
	// configured budget.
	ErrCostBudget = errors.New("over the cost budget")
	// ErrInvalidData marks data that does not fit the schema.
	ErrInvalidData = errors.New("invalid data")
	// ErrParameter marks a missing or ill-typed evaluation parameter.
	ErrParameter = errors.New("invalid parameter")
)

// Position is a place in a YAML source: 1-based line and column.
type Position struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// String formats the position as file:line:column.
func (p Position) String() string {
	file := p.File
	if file == "" {
		file = "<input>"
	}
	switch {
	case p.Line == 0:
		return file
	case p.Column == 0: // a YAML syntax error knows its line only
		return fmt.Sprintf("%s:%d", file, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Column)
}

// How much of a message and of a source line Diagnostic.Error shows: a
// diagnostic about a megabyte-long scalar must not be megabytes long.
const (
	maxShownMessage = 1000 // bytes
	maxShownLine    = 120  // characters
)

// shorten cuts msg to maxShownMessage bytes, at a character boundary.
func shorten(msg string) string {
	if len(msg) <= maxShownMessage {
		return msg
	}
	cut := maxShownMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "…"
}

// window returns at most maxShownLine characters of line around index col
// (0-based), marked with … where cut, and col's index in them.
func window(line []rune, col int) ([]rune, int) {
	col = min(col, len(line))
	if len(line) <= maxShownLine {
		return line, col
	}
	start := max(0, min(col-maxShownLine/2, len(line)-maxShownLine))
	out := slices.Concat([]rune{}, line[start:start+maxShownLine])
	col -= start
	if start > 0 {
		out[0] = '…'
	}
	if start+maxShownLine < len(line) {
		out[len(out)-1] = '…'
	}
	return out, col
}

// Diagnostic is one problem found while loading or compiling definitions.
type Diagnostic struct {
	Pos     Position
	Owner   string // what holds the problem, e.g. "indicator DM-HBA1C" or "definition has_diabetes"
	Field   string // the key within the owner, e.g. "numerator"
	Message string
	Line    string // the source line, for a caret display; may be empty
	Class   error  // the sentinel class, e.g. ErrTypeMismatch
}

// Error formats the diagnostic on one line, followed by the source line and
// a caret when the source is known:
//
//	diabetes.yaml:42:18: indicator DM-HBA1C numerator: undeclared reference to 'hba1cc'
//
// The first line is cut after 1,000 bytes and the source line shown is at
// most 120 characters around the column, so that a problem with a huge
// scalar does not give a huge error.
func (d Diagnostic) Error() string {
	var head strings.Builder
	head.WriteString(d.Pos.String())
	head.WriteString(": ")
	if d.Owner != "" {
		head.WriteString(d.Owner)
		if d.Field != "" {
			head.WriteString(" " + d.Field)
		}
		head.WriteString(": ")
	} else if d.Field != "" {
		head.WriteString(d.Field + ": ")
	}
	head.WriteString(d.Message)
	var b strings.Builder
	b.WriteString(shorten(head.String()))
	if d.Line != "" && d.Pos.Column > 0 {
		line, col := window([]rune(d.Line), d.Pos.Column-1)
		b.WriteString("\n | " + string(line) + "\n | ")
		for _, r := range line[:col] {
			if r == '\t' {
				b.WriteByte('\t')
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteByte('^')
	}
	return b.String()
}

// Unwrap returns the diagnostic's class.
func (d Diagnostic) Unwrap() error { return d.Class }

// Diagnostics is every problem found in one load or compile, sorted by
// position. It is the error returned by Parse, Compile and Load.
type Diagnostics []Diagnostic

// Error prints one diagnostic per line.
func (ds Diagnostics) Error() string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the diagnostics, so that errors.Is finds any class.
func (ds Diagnostics) Unwrap() []error {
	errs := make([]error, len(ds))
	for i, d := range ds {
		errs[i] = d
	}
	return errs
}

func (ds Diagnostics) sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// merge returns ds, the problems the parser found, with the compiler's
// problems in more that are not consequences of them: those about the same
// owner and field (a definition the parser refused has no expression to
// compile) or at the same position with the same message.
func (ds Diagnostics) merge(more Diagnostics) Diagnostics {
	type place struct{ owner, field string }
	type key struct {
		pos Position
		msg string
	}
	flagged := map[place]bool{}
	seen := map[key]bool{}
	for _, d := range ds {
		if d.Owner != "" {
			flagged[place{d.Owner, d.Field}] = true
		}
		seen[key{d.Pos, d.Message}] = true
	}
	for _, d := range more {
		if !flagged[place{d.Owner, d.Field}] && !seen[key{d.Pos, d.Message}] {
			ds = append(ds, d)
		}
	}
	return ds
}

// err returns ds as an error, or nil when empty.
func (ds Diagnostics) err() error {
	if len(ds) == 0 {
		return nil
	}
	ds.sort()
	return ds
}

// unclassified returns the message of an ErrInvalidDefinition error without
// the class prefix, for a Diagnostic that carries the class itself.
func unclassified(err error) string {
	return strings.TrimPrefix(err.Error(), ErrInvalidDefinition.Error()+": ")
}
