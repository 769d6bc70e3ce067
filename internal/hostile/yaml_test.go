package hostile_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/openhpi/hpi/dashboardspec"
	"github.com/openhpi/hpi/framework"
	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
	"github.com/openhpi/hpi/logicmodel"
	"github.com/openhpi/hpi/stratify"
)

// root is the module root, relative to this package's directory.
const root = "../.."

// Bounds every loader must keep on any input.
const (
	maxAlloc   = 200 << 20 // bytes allocated while loading one input
	maxMessage = 1 << 20   // bytes of error text
)

// scaled is n, or less under the race detector or -short.
func scaled(n int) int {
	if raceEnabled || testing.Short() {
		return max(n/3, 2)
	}
	return n
}

// timeBound is how long one load may take. Alone, the slowest inputs
// (5 MB scalars) take well under a second; the bound leaves room for a
// busy machine running other packages' tests at the same time.
func timeBound() time.Duration {
	if raceEnabled {
		return 15 * time.Second
	}
	return 5 * time.Second
}

// loader is one YAML loader of the module.
type loader struct {
	name   string
	sample string // a valid document, relative to the module root
	file   string // the name it is loaded under, for positions
	limit  int    // the loader's size limit in bytes, 0 for none
	// load returns the function that loads data, so that preparing it
	// (writing a file) is not measured.
	load func(t *testing.T, file string, data []byte) func() error
	// diagnostics: the loader's errors are indicator.Diagnostics. The
	// others must at least say "line N".
	diagnostics bool
}

func loaders() []loader {
	return []loader{
		{
			name: "indicator.Load", sample: "examples/quickstart/quickstart.yaml", limit: 16 << 20, diagnostics: true,
			load: func(_ *testing.T, file string, data []byte) func() error {
				return func() error { _, err := indicator.Load(file, data); return err }
			},
		},
		{
			name: "stratify.Load", sample: "examples/riskmodels/cha2ds2-vasc.yaml", limit: 4 << 20, diagnostics: true,
			load: func(_ *testing.T, file string, data []byte) func() error {
				return func() error { _, err := stratify.Load(bytes.NewReader(data), file); return err }
			},
		},
		{
			// Loaded under its own path, so that the indicator sets it names
			// resolve.
			name: "framework.Load", sample: "examples/framework/framework.yaml", limit: 16 << 20, diagnostics: true,
			file: filepath.Join(root, "examples/framework/framework.yaml"),
			load: func(_ *testing.T, file string, data []byte) func() error {
				return func() error { _, err := framework.Load(file, data); return err }
			},
		},
		{
			name: "logicmodel.Load", sample: "examples/logicmodel/diabetes-prevention.yaml", limit: 4 << 20, diagnostics: true,
			load: func(_ *testing.T, file string, data []byte) func() error {
				return func() error { _, err := logicmodel.Load(bytes.NewReader(data), file); return err }
			},
		},
		{
			// Parse has no size limit (Decode's is 256 MiB, too much for a
			// unit test).
			name: "dashboardspec.Parse", sample: "dashboardspec/testdata/sample.yaml",
			load: func(_ *testing.T, _ string, data []byte) func() error {
				return func() error { _, err := dashboardspec.Parse(data); return err }
			},
		},
		{
			name: "source.ParseMapping", sample: "schemas/testdata/valid/fhir-mapping.yaml", limit: 1 << 20, diagnostics: true,
			load: func(_ *testing.T, file string, data []byte) func() error {
				return func() error { _, err := source.ParseMapping(file, data); return err }
			},
		},
		{
			name: "indicator.LoadValueSets", limit: 64 << 20, diagnostics: true,
			load: func(t *testing.T, _ string, data []byte) func() error {
				path := filepath.Join(t.TempDir(), "valuesets.yaml")
				if err := os.WriteFile(path, data, 0o600); err != nil {
					t.Fatal(err)
				}
				return func() error { _, err := indicator.LoadValueSets(path); return err }
			},
		},
	}
}

// valueSetSample is a valid value-set YAML file.
const valueSetSample = `diabetes: [E10, E11]
hypertension:
  system: http://hl7.org/fhir/sid/icd-10
  description: Essential hypertension
  codes: [I10]
`

func (l loader) sampleData(t *testing.T) []byte {
	t.Helper()
	if l.sample == "" {
		return []byte(valueSetSample)
	}
	data, err := os.ReadFile(filepath.Join(root, l.sample))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (l loader) fileName() string {
	if l.file != "" {
		return l.file
	}
	if l.name == "indicator.LoadValueSets" {
		return "" // a temporary path, checked by suffix
	}
	return "hostile.yaml"
}

// outcome is what one load did.
type outcome struct {
	err      error
	panicked any
	stack    []byte
	elapsed  time.Duration
	alloc    uint64
	timedOut bool
}

// run loads data with l, bounded in time, catching a panic and measuring
// the bytes allocated.
func run(t *testing.T, l loader, data []byte) outcome {
	t.Helper()
	load := l.load(t, l.fileName(), data)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan outcome, 1)
	start := time.Now()
	go func() {
		var o outcome
		defer func() {
			if p := recover(); p != nil {
				o.panicked, o.stack = p, debug.Stack()
			}
			done <- o
		}()
		o.err = load()
	}()
	var o outcome
	select {
	case o = <-done:
	case <-time.After(timeBound()):
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		return outcome{timedOut: true, elapsed: time.Since(start), stack: buf}
	}
	o.elapsed = time.Since(start)
	runtime.ReadMemStats(&after)
	o.alloc = after.TotalAlloc - before.TotalAlloc
	return o
}

var lineRE = regexp.MustCompile(`\bline \d+\b`)

// tracker reports the problems of one loader's subtest.
type tracker struct {
	t *testing.T
	l loader
}

func track(t *testing.T, l loader) *tracker {
	return &tracker{t: t, l: l}
}

// problem fails the subtest with a problem of class (echo, no-line, …).
func (tr *tracker) problem(class, what, format string, args ...any) {
	tr.t.Helper()
	tr.t.Errorf("%s: %s: %s (finding: %s)", tr.l.name, what, fmt.Sprintf(format, args...), class)
}

// expect checks that loading data with l fails cleanly: in bounded time
// and memory, without a panic, with a positioned error. fileLevel marks a
// problem of the whole file (too large), whose position is the file name.
func (tr *tracker) expect(what string, data []byte, fileLevel bool) {
	tr.t.Helper()
	tr.check(what, data, fileLevel, false)
}

// bounded checks what expect does, except that success is allowed.
func (tr *tracker) bounded(what string, data []byte) {
	tr.t.Helper()
	tr.check(what, data, false, true)
}

func (tr *tracker) check(what string, data []byte, fileLevel, mayLoad bool) {
	t, l := tr.t, tr.l
	t.Helper()
	fileLevel = fileLevel || (l.limit > 0 && len(data) > l.limit)
	o := run(t, l, data)
	switch {
	case o.timedOut:
		tr.problem("slow", what, "no answer within %v (hang)\n%s", timeBound(), o.stack)
		return
	case o.panicked != nil:
		t.Fatalf("%s: %s: panic: %v (finding)\n%s", l.name, what, o.panicked, o.stack)
	}
	if o.elapsed > timeBound()/4 {
		t.Logf("%s: %s: %v, %d MB allocated", l.name, what, o.elapsed, o.alloc>>20)
	}
	if o.alloc > maxAlloc {
		tr.problem("memory", what, "allocated %d MB, want at most %d MB", o.alloc>>20, maxAlloc>>20)
	}
	if o.err == nil {
		if !mayLoad {
			t.Errorf("%s: %s: loaded without error, want an error", l.name, what)
		}
		return
	}
	msg := o.err.Error()
	if len(msg) > maxMessage {
		tr.problem("echo", what, "error text of %d bytes, want at most %d (the message echoes the input)", len(msg), maxMessage)
	}
	if !l.diagnostics {
		if !fileLevel && !lineRE.MatchString(msg) {
			tr.problem("no-line", what, "error names no line: %s", short(msg))
		}
		return
	}
	var ds indicator.Diagnostics
	if !errors.As(o.err, &ds) || len(ds) == 0 {
		t.Errorf("%s: %s: error %T is not indicator.Diagnostics: %s", l.name, what, o.err, short(msg))
		return
	}
	for _, d := range ds {
		if d.Pos.File == "" || !strings.HasSuffix(d.Pos.File, l.diagFile()) {
			tr.problem("no-file", what, "diagnostic without the file name: %s", short(d.Error()))
		} else if !fileLevel && d.Pos.Line < 1 {
			tr.problem("no-line", what, "diagnostic without a line: %s", short(d.Error()))
		}
	}
}

// diagFile is the name diagnostics should end with.
func (l loader) diagFile() string {
	if n := l.fileName(); n != "" {
		return n
	}
	return "valuesets.yaml"
}

func short(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// aliasBomb is a billion-laughs value: nine levels of nine aliases to the
// level below, 9^9 (387 million) "lol"s once expanded.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("\n  - &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "  - &l%d [", i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("  - *l8\n")
	return b.String()
}

// aliasBombMapping is the same with mappings, and merge keys at the top.
func aliasBombMapping() string {
	var b strings.Builder
	b.WriteString("\n  l0: &m0 {a: lol, b: lol, c: lol, d: lol, e: lol, f: lol, g: lol, h: lol, i: lol}\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "  l%d: &m%d {", i, i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%c: *m%d", 'a'+j, i-1)
		}
		b.WriteString("}\n")
	}
	b.WriteString("  <<: *m8\n")
	return b.String()
}

// firstKey returns the first top-level key of a sample, to hang values on.
func firstKey(t *testing.T, data []byte) string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		t.Fatalf("sample is not a YAML mapping: %v", err)
	}
	return doc.Content[0].Content[0].Value
}

func TestYAML_SamplesLoad(t *testing.T) {
	for _, l := range loaders() {
		t.Run(l.name, func(t *testing.T) {
			o := run(t, l, l.sampleData(t))
			if o.err != nil || o.panicked != nil || o.timedOut {
				t.Fatalf("the valid sample does not load: %v %v", o.err, o.panicked)
			}
		})
	}
}

func TestYAML_AliasBombs(t *testing.T) {
	for _, l := range loaders() {
		t.Run(l.name, func(t *testing.T) {
			tr := track(t, l)
			key := firstKey(t, l.sampleData(t))
			tr.expect("sequence alias bomb under "+key, []byte(key+":"+aliasBomb()), false)
			tr.expect("sequence alias bomb at the top", []byte("bomb:"+aliasBomb()), false)
			tr.expect("mapping alias bomb at the top", []byte("bomb:"+aliasBombMapping()), false)
			tr.expect("mapping alias bomb under "+key, []byte(key+":"+aliasBombMapping()), false)
			// The bomb as the whole document, and aliases in a known place
			// of a valid document (every value of the sample replaced in
			// turn by an alias to the bomb).
			tr.expect("document that is an alias bomb", []byte(strings.ReplaceAll(aliasBomb(), "\n  ", "\n")), false)
			for _, m := range mutations(t, l.sampleData(t), scaled(8), func(n *yaml.Node) bool { return true }) {
				bomb := &yaml.Node{}
				if err := yaml.Unmarshal([]byte("x:"+aliasBomb()), bomb); err != nil {
					t.Fatal(err)
				}
				data := m.apply(func(n *yaml.Node) { *n = *bomb.Content[0].Content[1] })
				tr.expect("alias bomb at "+m.path, data, false)
			}
		})
	}
}

func TestYAML_DeepNesting(t *testing.T) {
	depth := 10_000
	if raceEnabled {
		depth = 1000 // as in TestYAML_HugeScalars
	}
	inputs := map[string]string{
		"flow lists":              strings.Repeat("[", depth) + strings.Repeat("]", depth),
		"flow mappings":           strings.Repeat("{a: ", depth) + "1" + strings.Repeat("}", depth),
		"unterminated flow lists": strings.Repeat("[", depth),
		"block lists":             blockLists(depth / 20),
		"block mappings":          blockMappings(depth / 10),
	}
	for _, l := range loaders() {
		t.Run(l.name, func(t *testing.T) {
			tr := track(t, l)
			key := firstKey(t, l.sampleData(t))
			for what, in := range inputs {
				tr.expect(what, []byte(in), false)
				tr.expect(what+" under "+key, []byte(key+": "+strings.ReplaceAll(in, "\n", "\n  ")), false)
			}
		})
	}
}

func blockLists(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat(" ", 2*i))
		b.WriteString("-\n")
	}
	return b.String()
}

func blockMappings(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat(" ", i))
		b.WriteString("a:\n")
	}
	return b.String()
}

func TestYAML_HugeScalars(t *testing.T) {
	// The race detector makes the YAML scanner some 20 times slower: the
	// full sizes run without it.
	size := 5 << 20
	if raceEnabled {
		size = 256 << 10
	}
	huge := strings.Repeat("x", size)
	for _, l := range loaders() {
		t.Run(l.name, func(t *testing.T) {
			tr := track(t, l)
			sample := l.sampleData(t)
			key := firstKey(t, sample)
			tr.expect("huge plain scalar document", []byte(huge), false)
			tr.bounded("huge value of "+key+" alone", []byte(key+": "+huge+"\n"))
			// In a valid document, under an unknown key so that the
			// document cannot load (a 5 MB title may be legitimate).
			tr.expect("huge value in the sample", append(append([]byte{}, sample...), "\nzz_unknown_key: "+huge+"\n"...), false)
			if l.limit > 0 && (l.limit <= 16<<20 || !testing.Short() && !raceEnabled) {
				over := append(append([]byte{}, sample...), '\n', '#')
				over = append(over, bytes.Repeat([]byte{'x'}, l.limit+1-len(over))...)
				tr.expect(fmt.Sprintf("one byte over the %d-byte limit", l.limit), over, true)
			}
		})
	}
}

func TestYAML_DuplicateKeys(t *testing.T) {
	for _, l := range loaders() {
		t.Run(l.name, func(t *testing.T) {
			tr := track(t, l)
			ms := mutations(t, l.sampleData(t), scaled(15), func(n *yaml.Node) bool {
				return n.Kind == yaml.MappingNode && len(n.Content) >= 2
			})
			for _, m := range ms {
				data := m.apply(func(n *yaml.Node) {
					n.Content = append(n.Content, cloneNode(n.Content[0]), cloneNode(n.Content[1]))
				})
				tr.expect("duplicate key in "+m.path, data, false)
			}
		})
	}
}

// freeForm lists, per loader, paths whose values are free-form data, where
// a value of another type is not an error.
var freeForm = map[string][]string{
	"dashboardspec.Parse": {"datasets[].rows"},
}

func TestYAML_WrongTypes(t *testing.T) {
	for _, l := range loaders() {
		t.Run(l.name, func(t *testing.T) {
			tr := track(t, l)
			ms := mutations(t, l.sampleData(t), scaled(20), func(n *yaml.Node) bool { return true })
		next:
			for _, m := range ms {
				for _, p := range freeForm[l.name] {
					if strings.Contains(m.generic, p) {
						continue next
					}
				}
				// A value no loader accepts wherever it is: a list for a
				// mapping, and a mapping with an unknown key for anything
				// else.
				data := m.apply(func(n *yaml.Node) {
					if n.Kind == yaml.MappingNode {
						*n = *mustNode(t, "[{zz_unknown: [1]}]")
						return
					}
					*n = *mustNode(t, "{zz_unknown: [1]}")
				})
				tr.expect("wrong type at "+m.path, data, false)
			}
		})
	}
}

func TestYAML_Garbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 1))
	var inputs [][]byte
	for _, n := range []int{1, 7, 100, 4 << 10, 64 << 10} {
		for range 2 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.UintN(256))
			}
			inputs = append(inputs, b)
		}
	}
	// Printable garbage with YAML's indicators, more likely to get far.
	const alphabet = "{}[]&*!|>'\"%@`#,:?- \n\tab1"
	for range 8 {
		b := make([]byte, 2000)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, b)
	}
	inputs = append(inputs, []byte("\x00"), []byte("\xff\xfe"), []byte("a: \x00b\n"), []byte("a: \"\\xZZ\"\n"))
	for _, l := range loaders() {
		t.Run(l.name, func(t *testing.T) {
			tr := track(t, l)
			sample := l.sampleData(t)
			for i, in := range inputs {
				// Garbage may happen to be valid YAML (a scalar, say), but
				// never a valid document of any kind.
				tr.expect(fmt.Sprintf("garbage %d", i), in, false)
				// After a valid document, garbage must be an error too.
				tr.expect(fmt.Sprintf("sample followed by garbage %d", i), append(append(append([]byte{}, sample...), "\nzz_garbage: "...), in...), false)
			}
		})
	}
}

// mutation is one node of a sample, to be changed.
type mutation struct {
	data    []byte
	index   int    // the node's index in document order
	path    string // where it is, e.g. indicators[2].numerator
	generic string // the path without indices, e.g. indicators[].numerator
}

// mutations picks at most n nodes of data that keep returns true for,
// spread evenly over the document (never the document node or keys).
func mutations(t *testing.T, data []byte, n int, keep func(*yaml.Node) bool) []mutation {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var all []mutation
	walk(&doc, "", "", func(node *yaml.Node, i int, path, generic string) {
		if node != &doc && keep(node) {
			all = append(all, mutation{data: data, index: i, path: path, generic: generic})
		}
	})
	if len(all) <= n {
		return all
	}
	out := make([]mutation, 0, n)
	for k := range n {
		out = append(out, all[k*len(all)/n])
	}
	return out
}

// walk visits the value nodes of a tree in document order with their
// index (counting every node visited) and path.
func walk(root *yaml.Node, path, generic string, visit func(n *yaml.Node, i int, path, generic string)) {
	i := 0
	var rec func(n *yaml.Node, path, generic string)
	rec = func(n *yaml.Node, path, generic string) {
		visit(n, i, path, generic)
		i++
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				rec(c, path, generic)
			}
		case yaml.SequenceNode:
			for k, c := range n.Content {
				rec(c, fmt.Sprintf("%s[%d]", path, k), generic+"[]")
			}
		case yaml.MappingNode:
			for k := 0; k+1 < len(n.Content); k += 2 {
				sep := "."
				if path == "" {
					sep = ""
				}
				key := n.Content[k].Value
				rec(n.Content[k+1], path+sep+key, generic+sep+key)
			}
		}
	}
	rec(root, path, generic)
}

// apply re-reads the sample, changes the mutation's node with change and
// returns the document as YAML.
func (m mutation) apply(change func(*yaml.Node)) []byte {
	var doc yaml.Node
	if err := yaml.Unmarshal(m.data, &doc); err != nil {
		panic(err)
	}
	walk(&doc, "", "", func(n *yaml.Node, i int, _, _ string) {
		if i == m.index {
			change(n)
		}
	})
	out, err := yaml.Marshal(&doc)
	if err != nil {
		panic(err)
	}
	return out
}

func mustNode(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

func cloneNode(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = cloneNode(k)
	}
	return &c
}
