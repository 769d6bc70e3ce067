// Package yamlsrc holds what the YAML loaders of stratify, framework and
// logicmodel share: a file's positions and source lines for diagnostics,
// the YAML library's syntax errors as positioned diagnostics, and how a
// node is named in a message. (Package indicator has its own: it is what
// the diagnostics' types come from.)
package yamlsrc

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/textvalue"
	"github.com/openhpi/hpi/internal/yamlpos"
)

// File is one YAML source: its name and lines.
type File struct {
	Name  string
	data  []byte
	lines []string
}

// NewFile returns the File of data, named name in positions.
func NewFile(name string, data []byte) File {
	return File{Name: name, data: data, lines: strings.Split(string(data), "\n")}
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

// SyntaxErrors turns an error of the YAML library over f's data into
// diagnostics, one per message, with class indicator.ErrInvalidDefinition.
func (f File) SyntaxErrors(err error) indicator.Diagnostics {
	var out indicator.Diagnostics
	for _, p := range yamlpos.Problems(f.data, err) {
		pos := indicator.Position{File: f.Name, Line: p.Line, Column: p.Column}
		out = append(out, f.Diagnostic(pos, "", "", indicator.ErrInvalidDefinition, "YAML: %s", p.Message))
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
		return textvalue.Quote(n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

// Walker walks the nodes of one File, collecting every problem of their
// structure as a diagnostic of class indicator.ErrInvalidDefinition:
// wrong kinds of node, YAML aliases, duplicate and unknown keys.
type Walker struct {
	File
	Diags indicator.Diagnostics
}

// Errorf records a problem at n.
func (w *Walker) Errorf(n *yaml.Node, owner, field, format string, args ...any) {
	w.Diags = append(w.Diags, w.Diagnostic(w.Pos(n), owner, field, indicator.ErrInvalidDefinition, format, args...))
}

// Mapping reports whether n is a mapping, recording why not.
func (w *Walker) Mapping(n *yaml.Node, owner, field string) bool {
	switch n.Kind {
	case yaml.MappingNode:
		return true
	case yaml.AliasNode:
		w.Errorf(n, owner, field, "YAML aliases are not supported")
	default:
		w.Errorf(n, owner, field, "want a mapping, got %s", Kind(n))
	}
	return false
}

// Pairs returns the key/value pairs of mapping n in written order,
// recording duplicate keys (the first one counts).
func (w *Walker) Pairs(n *yaml.Node, owner, field string) [][2]*yaml.Node {
	if !w.Mapping(n, owner, field) {
		return nil
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if seen[k.Value] {
			w.Errorf(k, owner, field, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, n.Content[i+1]})
	}
	return out
}

// Fields walks mapping n, calling the handler of each key with the key
// and its value; unknown keys are recorded with the list of known ones.
func (w *Walker) Fields(n *yaml.Node, owner, field string, handlers map[string]func(k, v *yaml.Node)) {
	for _, kv := range w.Pairs(n, owner, field) {
		h, ok := handlers[kv[0].Value]
		if !ok {
			keys := make([]string, 0, len(handlers))
			for key := range handlers {
				keys = append(keys, key)
			}
			slices.Sort(keys)
			w.Errorf(kv[0], owner, field, "unknown key %q (want one of: %s)", kv[0].Value, strings.Join(keys, ", "))
			continue
		}
		h(kv[0], kv[1])
	}
}

// Items returns the items of sequence n, recording a node of another kind.
func (w *Walker) Items(n *yaml.Node, owner, field string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		w.Errorf(n, owner, field, "want a list, got %s", Kind(n))
		return nil
	}
	return n.Content
}
