package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/openhpi/hpi/dashboardspec"
	"github.com/openhpi/hpi/framework"
	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
	"github.com/openhpi/hpi/logicmodel"
	"github.com/openhpi/hpi/schemas"
	"github.com/openhpi/hpi/stratify"
)

// The kinds of file lint knows: those of package schemas and dashboards.
const (
	kindIndicatorSet = "indicator-set"
	kindRiskModel    = "risk-model"
	kindFramework    = "framework"
	kindLogicModel   = "logic-model"
	kindFHIRMapping  = "fhir-mapping"
	kindDashboard    = "dashboard"
)

// diagnostic is one problem lint reports, as printed by --format json.
type diagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Severity string `json:"severity"` // error or warning
	Kind     string `json:"kind"`     // the kind of file linted
	Message  string `json:"message"`  // with the owner and field, as in the text form
	Owner    string `json:"owner,omitempty"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code,omitempty"` // logic-model finding code
}

func (d diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&b, ":%d", d.Line)
		if d.Column > 0 {
			fmt.Fprintf(&b, ":%d", d.Column)
		}
	}
	b.WriteString(": ")
	if d.Severity == "warning" {
		b.WriteString("warning: ")
	}
	b.WriteString(d.Message)
	return b.String()
}

func runLint(_ context.Context, e *env, args []string) int {
	fs := newFlags(e, "lint", "[flags] FILE...",
		"Checks each file with the loader of its kind and prints every problem at once, as\n"+
			"file:line:column: owner field: message (or a JSON array with --format json).\n"+
			"The kind comes from the file's \"# yaml-language-server: $schema=...\" comment,\n"+
			"else from its top-level keys, unless --kind says. Exits 1 when any error is\n"+
			"found (or, with --strict, any warning).")
	format := fs.String("format", "text", "output format: text or json")
	kind := fs.String("kind", "", "the kind of every file: "+strings.Join(schemaKinds(), ", ")+" (default: detected)")
	strict := fs.Bool("strict", false, "fail on warnings (logic-model findings) too")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *format != "text" && *format != "json" {
		return e.fail(usagef("lint: unknown --format %q (want text or json)", *format))
	}
	if *kind != "" && !slices.Contains(schemaKinds(), *kind) {
		return e.fail(usagef("lint: unknown --kind %q (want one of %s)", *kind, strings.Join(schemaKinds(), ", ")))
	}
	if fs.NArg() == 0 {
		e.errorf("lint: no files given")
		fs.Usage()
		return exitUsage
	}
	all := []diagnostic{}
	for _, file := range fs.Args() {
		all = append(all, lintFile(file, *kind)...)
	}
	failed := false
	for _, d := range all {
		if d.Severity == "error" || *strict {
			failed = true
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			return e.fail(err)
		}
	} else {
		for _, d := range all {
			fmt.Fprintln(e.stdout, d)
		}
	}
	if failed {
		return exitFail
	}
	return exitOK
}

// lintFile checks one file, of the given kind or of the kind it declares or
// looks like.
func lintFile(file, kind string) []diagnostic {
	data, err := os.ReadFile(file)
	if err != nil {
		return []diagnostic{{File: file, Severity: "error", Kind: kind, Message: err.Error()}}
	}
	if kind == "" {
		kind, err = detectKind(data)
		if err != nil {
			d := diagnostic{File: file, Line: 1, Column: 1, Severity: "error", Message: err.Error()}
			var ye *yamlSyntaxError
			if errors.As(err, &ye) {
				d.Line, d.Column = ye.line, 0
			}
			return []diagnostic{d}
		}
	}
	switch kind {
	case kindLogicModel:
		return lintLogicModel(file, data)
	case kindDashboard:
		return lintDashboard(file, data)
	}
	load := loader(kind)
	var out []diagnostic
	seen := map[string]bool{}
	// indicator.Load reports the problems of parsing and compiling
	// together. The other loaders stop after a stage with problems, so
	// that syntax (an unknown key) hides types (a CEL error): for them,
	// blank out each unknown key, keeping every other line and column
	// where it was, and load again to find what the first pass could not
	// see.
	rounds := 3
	if kind == kindIndicatorSet {
		rounds = 1
	}
	for range rounds {
		err := load(file, data)
		if err == nil {
			break
		}
		var ds indicator.Diagnostics
		if !errors.As(err, &ds) {
			if len(out) == 0 {
				out = append(out, diagnostic{File: file, Severity: "error", Kind: kind, Message: err.Error()})
			}
			break
		}
		fresh := 0
		for _, d := range ds {
			dd := fromIndicator(d, kind, file)
			if key := dd.String(); !seen[key] {
				seen[key] = true
				out = append(out, dd)
				fresh++
			}
		}
		if fresh == 0 {
			break
		}
		next, changed := blankUnknownKeys(data, file, ds)
		if !changed {
			break
		}
		data = next
	}
	slices.SortStableFunc(out, func(a, b diagnostic) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	return out
}

// loader returns the function that loads a kind of file from its bytes,
// for lint: only the error matters.
func loader(kind string) func(file string, data []byte) error {
	switch kind {
	case kindRiskModel:
		return func(file string, data []byte) error {
			_, err := stratify.Load(bytes.NewReader(data), file)
			return err
		}
	case kindFramework:
		return func(file string, data []byte) error {
			_, err := framework.Load(file, data)
			return err
		}
	case kindFHIRMapping:
		return func(file string, data []byte) error {
			_, err := source.ParseMapping(file, data)
			return err
		}
	}
	return func(file string, data []byte) error {
		_, err := indicator.Load(file, data)
		return err
	}
}

func fromIndicator(d indicator.Diagnostic, kind, file string) diagnostic {
	msg := d.Message
	switch {
	case d.Owner != "" && d.Field != "":
		msg = d.Owner + " " + d.Field + ": " + msg
	case d.Owner != "":
		msg = d.Owner + ": " + msg
	case d.Field != "":
		msg = d.Field + ": " + msg
	}
	f := d.Pos.File
	if f == "" {
		f = file
	}
	return diagnostic{File: f, Line: d.Pos.Line, Column: d.Pos.Column, Severity: "error", Kind: kind,
		Message: msg, Owner: d.Owner, Field: d.Field}
}

func lintLogicModel(file string, data []byte) []diagnostic {
	m, err := logicmodel.Load(bytes.NewReader(data), file)
	if err != nil {
		var ds indicator.Diagnostics
		if !errors.As(err, &ds) {
			return []diagnostic{{File: file, Severity: "error", Kind: kindLogicModel, Message: err.Error()}}
		}
		out := make([]diagnostic, len(ds))
		for i, d := range ds {
			out[i] = fromIndicator(d, kindLogicModel, file)
		}
		return out
	}
	var out []diagnostic
	for _, f := range m.Validate() {
		d := diagnostic{File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Column, Severity: string(f.Severity),
			Kind: kindLogicModel, Code: f.Code, Message: f.Code + ": " + f.Message}
		if d.File == "" {
			d.File = file
		}
		if f.Element != "" {
			d.Owner = "element " + f.Element
		}
		out = append(out, d)
	}
	return out
}

var (
	lineRE         = regexp.MustCompile(`line (\d+)`)
	unknownFieldRE = regexp.MustCompile(`unknown field "([^"]+)"`)
)

func lintDashboard(file string, data []byte) []diagnostic {
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root) // for positions only; Decode reports syntax errors
	d, err := dashboardspec.Decode(bytes.NewReader(data))
	if err != nil {
		diag := diagnostic{File: file, Severity: "error", Kind: kindDashboard, Message: err.Error()}
		if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
			diag.Line, _ = strconv.Atoi(m[1])
		} else if m := unknownFieldRE.FindStringSubmatch(err.Error()); m != nil {
			if n := findKey(&root, m[1]); n != nil {
				diag.Line, diag.Column = n.Line, n.Column
			}
		}
		return []diagnostic{diag}
	}
	err = d.Validate()
	if err == nil {
		return nil
	}
	var ps dashboardspec.Problems
	if !errors.As(err, &ps) {
		return []diagnostic{{File: file, Severity: "error", Kind: kindDashboard, Message: err.Error()}}
	}
	out := make([]diagnostic, len(ps))
	for i, p := range ps {
		out[i] = diagnostic{File: file, Severity: "error", Kind: kindDashboard, Field: p.Path,
			Message: p.Path + ": " + p.Message}
		if n := pointerNode(&root, p.Path); n != nil {
			out[i].Line, out[i].Column = n.Line, n.Column
		}
	}
	return out
}

// pointerNode returns the node a JSON Pointer (RFC 6901) leads to in a YAML
// (or JSON) document or, when the pointer goes further than the document,
// the deepest node on the way (the key node of a mapping's member). Nil for
// an empty document.
func pointerNode(root *yaml.Node, pointer string) *yaml.Node {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind == 0 {
		return nil
	}
	best := n
	if pointer == "" || pointer == "/" {
		return best
	}
	for _, tok := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n.Kind {
		case yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					best, n, found = n.Content[i], n.Content[i+1], true
					break
				}
			}
			if !found {
				return best
			}
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return best
			}
			n = n.Content[i]
			best = n
		default:
			return best
		}
	}
	return n
}

// findKey returns the first mapping key named name in document order.
func findKey(n *yaml.Node, name string) *yaml.Node {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				return n.Content[i]
			}
		}
	}
	for _, c := range n.Content {
		if k := findKey(c, name); k != nil {
			return k
		}
	}
	return nil
}

// yamlSyntaxError is a file whose kind cannot be told because it is not
// YAML.
type yamlSyntaxError struct {
	line int
	err  error
}

func (e *yamlSyntaxError) Error() string { return e.err.Error() }

// detectKind tells the kind of a file: from its modeline comment
// "# yaml-language-server: $schema=.../<kind>.schema.json" when it has one,
// else from its top-level keys.
func detectKind(data []byte) (string, error) {
	if k := modelineKind(data); k != "" {
		return k, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		ye := &yamlSyntaxError{err: err}
		if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
			ye.line, _ = strconv.Atoi(m[1])
		}
		return "", ye
	}
	keys := map[string]string{}
	if len(root.Content) > 0 && root.Content[0].Kind == yaml.MappingNode {
		m := root.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			keys[m.Content[i].Value] = m.Content[i+1].Value
		}
	}
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := keys[n]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case keys["apiVersion"] == dashboardspec.APIVersion || has("apiVersion", "panels"):
		return kindDashboard, nil
	case has("nodes", "extends", "indicator_sets", "attach"):
		return kindFramework, nil
	case has("indicators", "schema"):
		return kindIndicatorSet, nil
	case has("components", "segments", "inputs"):
		return kindRiskModel, nil
	case has("elements"):
		return kindLogicModel, nil
	case has("patient", "events"):
		return kindFHIRMapping, nil
	}
	return "", errors.New("cannot tell what kind of file this is: add a \"# yaml-language-server: $schema=<kind>.schema.json\" " +
		"comment or use --kind (" + strings.Join(schemaKinds(), ", ") + ")")
}

// modelineKind returns the kind named by the yaml-language-server comment
// among the file's leading comments, or "".
func modelineKind(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "#") {
			return ""
		}
		_, ref, ok := strings.Cut(line, "$schema=")
		if !ok {
			continue
		}
		name := path.Base(strings.TrimSpace(ref))
		if strings.HasPrefix(name, "dashboardspec") {
			return kindDashboard
		}
		if k, ok := strings.CutSuffix(name, ".schema.json"); ok && slices.Contains(schemas.Kinds(), k) {
			return k
		}
		return ""
	}
	return ""
}

// schemaOf returns the JSON Schema of a kind.
func schemaOf(kind string) ([]byte, error) {
	if kind == kindDashboard {
		return dashboardspec.JSONSchema(), nil
	}
	return schemas.Get(kind)
}

// blankUnknownKeys replaces with spaces each key of a block mapping that a
// diagnostic of file reports as unknown, together with its value, so that
// every other line and column stays where it was. It reports whether it
// changed anything.
func blankUnknownKeys(data []byte, file string, ds indicator.Diagnostics) ([]byte, bool) {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return data, false
	}
	lines := strings.Split(string(data), "\n")
	changed := false
	for _, d := range ds {
		if d.Pos.File != file || !strings.HasPrefix(d.Message, "unknown key ") {
			continue
		}
		parent, key := keyAt(&root, d.Pos.Line, d.Pos.Column)
		if key == nil || parent.Style&yaml.FlowStyle != 0 {
			continue
		}
		if blankPair(lines, key.Line, key.Column) {
			changed = true
		}
	}
	return []byte(strings.Join(lines, "\n")), changed
}

// keyAt finds the mapping key at line:column and its mapping.
func keyAt(n *yaml.Node, line, col int) (parent, key *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Line == line && k.Column == col {
				return n, k
			}
		}
	}
	for _, c := range n.Content {
		if p, k := keyAt(c, line, col); k != nil {
			return p, k
		}
	}
	return nil, nil
}

// blankPair blanks the pair of a block mapping whose key starts at
// line:col (1-based): the rest of the key's line and the lines of its value
// (more indented than the key, or a sequence at the key's indentation).
func blankPair(lines []string, line, col int) bool {
	i := line - 1
	if i < 0 || i >= len(lines) || col-1 > len(lines[i]) {
		return false
	}
	lines[i] = lines[i][:col-1] + strings.Repeat(" ", len([]rune(lines[i][col-1:])))
	for j := i + 1; j < len(lines); j++ {
		l := lines[j]
		t := strings.TrimLeft(l, " ")
		indent := len(l) - len(t)
		switch {
		case t == "" || strings.HasPrefix(t, "#"):
			// blank or a comment: part of the value if the value goes on
		case indent > col-1, indent == col-1 && (t == "-" || strings.HasPrefix(t, "- ")):
		default:
			return true
		}
		lines[j] = strings.Repeat(" ", len(l))
	}
	return true
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
