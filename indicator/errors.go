package indicator

import (
	"errors"
	"fmt"
	"sort"
	"strings"
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
func (d Diagnostic) Error() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	if d.Owner != "" {
		b.WriteString(d.Owner)
		if d.Field != "" {
			b.WriteString(" " + d.Field)
		}
		b.WriteString(": ")
	} else if d.Field != "" {
		b.WriteString(d.Field + ": ")
	}
	b.WriteString(d.Message)
	if d.Line != "" && d.Pos.Column > 0 {
		b.WriteString("\n | " + d.Line + "\n | ")
		for i, r := range []rune(d.Line) {
			if i >= d.Pos.Column-1 {
				break
			}
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

// err returns ds as an error, or nil when empty.
// merge returns ds with the diagnostics of more that it does not hold yet
// (the same position and message).
func (ds Diagnostics) merge(more Diagnostics) Diagnostics {
	type key struct {
		pos Position
		msg string
	}
	seen := map[key]bool{}
	for _, d := range ds {
		seen[key{d.Pos, d.Message}] = true
	}
	for _, d := range more {
		if !seen[key{d.Pos, d.Message}] {
			ds = append(ds, d)
		}
	}
	return ds
}

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
