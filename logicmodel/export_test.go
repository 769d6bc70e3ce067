package logicmodel_test

import (
	"bytes"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/logicmodel"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const exampleModel = "../examples/logicmodel/diabetes-prevention.yaml"

// exampleStatus attaches a hand-made report to the example model: some
// outcomes on track, some off, the rest without data.
func exampleStatus(t *testing.T, m *logicmodel.Model) *logicmodel.Status {
	t.Helper()
	res := func(id string, v float64, status string) indicator.Result {
		return indicator.Result{ID: id, Status: status, Estimate: indicator.Estimate{Value: indicator.Float(v)}}
	}
	rep := &indicator.Report{Indicators: []indicator.Result{
		res("DM-HBA1C-TESTED", 85, ""), // at_least 80: on track
		res("DM-HBA1C", 60, "amber"),   // amber: off track
		res("HT-BP", 80, ""),           // at_least 77: on track
		res("STATIN-CVD-DM", 75, ""),   // at_least 70: on track
		res("DM-PREV", 8, ""),          // at_most 9: on track
		// EMERG-ADM absent: no data
	}}
	st, err := m.Attach(rep)
	require.NoError(t, err)
	return st
}

type rendering struct {
	name  string
	model string
	state bool
	write func(*logicmodel.Model, *bytes.Buffer, ...logicmodel.ExportOption) error
}

func renderings() []rendering {
	mmd := func(m *logicmodel.Model, b *bytes.Buffer, o ...logicmodel.ExportOption) error {
		return m.Mermaid(b, o...)
	}
	dot := func(m *logicmodel.Model, b *bytes.Buffer, o ...logicmodel.ExportOption) error { return m.DOT(b, o...) }
	return []rendering{
		{"ndpp.mmd", exampleModel, false, mmd},
		{"ndpp-status.mmd", exampleModel, true, mmd},
		{"ndpp.dot", exampleModel, false, dot},
		{"ndpp-status.dot", exampleModel, true, dot},
		{"tricky.mmd", "testdata/tricky.yaml", false, mmd},
		{"tricky.dot", "testdata/tricky.yaml", false, dot},
	}
}

func render(t *testing.T, r rendering) []byte {
	t.Helper()
	m, err := logicmodel.LoadFile(r.model)
	require.NoError(t, err)
	var opts []logicmodel.ExportOption
	if r.state {
		opts = append(opts, logicmodel.WithStatus(exampleStatus(t, m)))
	}
	var b bytes.Buffer
	require.NoError(t, r.write(m, &b, opts...))
	return b.Bytes()
}

// TestExport_Golden compares Mermaid and DOT output with the files under
// testdata/golden (go test ./logicmodel -run Golden -update rewrites them).
func TestExport_Golden(t *testing.T) {
	for _, r := range renderings() {
		t.Run(r.name, func(t *testing.T) {
			got := render(t, r)
			path := filepath.Join("testdata", "golden", r.name)
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
			// Twice the same.
			assert.Equal(t, string(got), string(render(t, r)))
		})
	}
}

// TestExport_OrderOfStatusDoesNotMatter: a status whose elements are in
// another order (as one built by hand may be) draws the same.
func TestExport_OrderOfStatusDoesNotMatter(t *testing.T) {
	m, err := logicmodel.LoadFile(exampleModel)
	require.NoError(t, err)
	st := exampleStatus(t, m)
	var want bytes.Buffer
	require.NoError(t, m.Mermaid(&want, logicmodel.WithStatus(st)))
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := *st
		shuffled.Elements = append([]logicmodel.ElementStatus(nil), st.Elements...)
		rng.Shuffle(len(shuffled.Elements), func(i, j int) {
			shuffled.Elements[i], shuffled.Elements[j] = shuffled.Elements[j], shuffled.Elements[i]
		})
		var got bytes.Buffer
		require.NoError(t, m.Mermaid(&got, logicmodel.WithStatus(&shuffled)))
		require.Equal(t, want.String(), got.String())
	}
}

func TestMermaid_Escaping(t *testing.T) {
	got := string(render(t, rendering{"", "testdata/tricky.yaml", false,
		func(m *logicmodel.Model, b *bytes.Buffer, o ...logicmodel.ExportOption) error {
			return m.Mermaid(b, o...)
		}}))
	// The element "end" (a Mermaid keyword) gets a prefixed id; quotes,
	// hashes, angle brackets, ampersands and backquotes become entities.
	assert.Contains(t, got, `e_end["Quotes #quot;here#quot;, #35;hash, #lt;b#gt;tags#lt;/b#gt; #amp; #96;ticks#96;"]`)
	// "a-b" and "a_b" both sanitise to a_b: the second in model order is numbered.
	assert.Contains(t, got, `e_a_b["Two<br/>lines [with] {braces} (parens) | pipe ; semi %% percent"]`)
	assert.Contains(t, got, `e_a_b_2["Back\slash \n not a newline"]`)
	assert.Contains(t, got, `subgraph col_goal["Goal #35;1 #lt;all#gt; #amp; #quot;everyone#quot;"]`)
	// A link written twice is drawn once.
	assert.Equal(t, 1, bytes.Count([]byte(got), []byte("e_o_x --> e_graph")))
}

func TestDOT_Escaping(t *testing.T) {
	got := string(render(t, rendering{"", "testdata/tricky.yaml", false,
		func(m *logicmodel.Model, b *bytes.Buffer, o ...logicmodel.ExportOption) error { return m.DOT(b, o...) }}))
	assert.Contains(t, got, `digraph "tricky \"model\"" {`)
	assert.Contains(t, got, `"e_a_b_2" [label="Back\\slash \\n not a newline"];`)
	assert.Contains(t, got, `"e_a_b" [label="Two\nlines [with] {braces} (parens) | pipe ; semi %% percent"];`)
}
