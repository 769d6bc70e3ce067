// Package yamlsrc holds what the YAML loaders of stratify, framework and
// logicmodel share: a file's positions and source lines for diagnostics,
// the YAML library's syntax errors as positioned diagnostics, and how a
// node is named in a message. (Package indicator has its own: it is what
// the diagnostics' types come from.)
package yamlsrc

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/openhpi/hpi/indicator"
)

// File is one YAML source: its name and lines.
type File struct {
	Name  string
	lines []string
}

// NewFile returns the File of data, named name in positions.
func NewFile(name string, data []byte) File {
	return File{Name: name, lines: strings.Split(string(data), "\n")}
}

// Pos returns the position of n in f.
func (f File) Pos(n *yaml.Node) indicator.Position {
	return indicator.Position{File: f.Name, Line: n.Line, Column: n.Column}
}

// Lines returns the lines of f, with their line endings but \n; callers
// must not change them.
func (f File) Lines() []string { return f.lines }

// Line returns line k (1-based) of f without its line ending, or "".
func (f File) Line(k int) string {
	if k < 1 || k > len(f.lines) {
		return ""
	}
	return strings.TrimRight(f.lines[k-1], "\r")
}

// Diagnostic returns a diagnostic at pos with the source line for its caret.
func (f File) Diagnostic(pos indicator.Position, owner, field string, class error, format string, args ...any) indicator.Diagnostic {
	return indicator.Diagnostic{Pos: pos, Owner: owner, Field: field, Class: class,
		Message: fmt.Sprintf(format, args...), Line: f.Line(pos.Line)}
}

// lineRE finds the line the YAML library names in its messages.
var lineRE = regexp.MustCompile(`line (\d+): `)

// SyntaxErrors turns an error of the YAML library into diagnostics, one
// per message, positioned at the line it names (the library gives no
// column), with class indicator.ErrInvalidDefinition.
func (f File) SyntaxErrors(err error) indicator.Diagnostics {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var out indicator.Diagnostics
	for _, m := range msgs {
		pos := indicator.Position{File: f.Name}
		m = strings.TrimPrefix(m, "yaml: ")
		if sub := lineRE.FindStringSubmatch(m); sub != nil {
			pos.Line, _ = strconv.Atoi(sub[1])
			m = strings.Replace(m, sub[0], "", 1) // the position says it
		}
		out = append(out, f.Diagnostic(pos, "", "", indicator.ErrInvalidDefinition, "YAML: %s", m))
	}
	return out
}

// Kind names what n is, for messages such as "want a list, got a mapping".
func Kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}
