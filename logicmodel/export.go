package logicmodel

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// ExportOption changes what Mermaid and DOT draw.
type ExportOption func(*exportConfig)

type exportConfig struct {
	status *Status
}

// WithStatus colours each element by its state in s and puts the state's
// symbol (✓, ✗, ?) at the start of its label.
func WithStatus(s *Status) ExportOption {
	return func(c *exportConfig) { c.status = s }
}

// stateStyles are how each state is drawn: a class name, fill and border
// colours. Read only.
var stateStyles = []struct {
	state        State
	class        string
	fill, stroke string
}{
	{OnTrack, "onTrack", "#d4edda", "#1e7e34"},
	{OffTrack, "offTrack", "#f8d7da", "#b21f2d"},
	{NoData, "noData", "#e9ecef", "#6c757d"},
}

// drawing is what both exports draw, in a fixed order: columns in causal
// order with their elements in model order, then external factors, then
// links in file order.
type drawing struct {
	m      *Model
	g      *graph
	ids    []string // element → node id (sanitised, unique)
	states []State  // element → state, "" without a status
	groups []group
}

type group struct {
	id, title string
	members   []int
}

func newDrawing(m *Model, opts []ExportOption) *drawing {
	var cfg exportConfig
	for _, o := range opts {
		o(&cfg)
	}
	d := &drawing{m: m, g: newGraph(m), ids: make([]string, len(m.Elements)), states: make([]State, len(m.Elements))}
	used := map[string]bool{}
	for i, e := range m.Elements {
		id := "e_" + sanitise(e.ID)
		for k := 2; used[id]; k++ {
			id = fmt.Sprintf("e_%s_%d", sanitise(e.ID), k)
		}
		used[id] = true
		d.ids[i] = id
		if cfg.status != nil && i < len(cfg.status.Elements) && cfg.status.Elements[i].ID == e.ID {
			d.states[i] = cfg.status.Elements[i].State
		} else if cfg.status != nil {
			d.states[i] = cfg.status.State(e.ID)
		}
	}
	for _, c := range m.columns() {
		gr := group{id: "col_" + sanitise(c.ID), title: c.Title}
		for i, e := range m.Elements {
			if e.Column == c.ID {
				gr.members = append(gr.members, i)
			}
		}
		if len(gr.members) > 0 {
			d.groups = append(d.groups, gr)
		}
	}
	return d
}

// sanitise keeps ASCII letters and digits and turns everything else into
// "_"; newDrawing numbers ids that then collide.
func sanitise(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// label is an element's text lines: the state's symbol and the text, the
// horizon, and the indicators.
func (d *drawing) label(i int) []string {
	e := d.m.Elements[i]
	text := e.Text
	if text == "" {
		text = e.ID
	}
	if st := d.states[i]; st != "" {
		text = st.Symbol() + " " + text
	}
	lines := strings.Split(text, "\n")
	if e.Horizon != "" {
		lines = append(lines, "("+e.Horizon+")")
	}
	if len(e.Indicators) > 0 {
		ids := make([]string, len(e.Indicators))
		for k, r := range e.Indicators {
			ids[k] = r.ID
		}
		lines = append(lines, "["+strings.Join(ids, ", ")+"]")
	}
	return lines
}

// Mermaid writes the model as a Mermaid flowchart, left to right, one
// subgraph per column that has elements, in causal order, and the external
// factors in a last subgraph. Node ids are "e_" and the element id with
// every character but ASCII letters and digits written as "_" (and "_2",
// "_3"… appended, in model order, to ids that then collide); labels are quoted with quotes, "#", "<", ">", "&" and backquotes
// as Mermaid entity codes and line breaks as <br/>. With WithStatus each
// node has a class (onTrack, offTrack, noData) with its colours and its
// label starts with the state's symbol. The output depends only on the
// model and the status.
func (m *Model) Mermaid(w io.Writer, opts ...ExportOption) error {
	d := newDrawing(m, opts)
	bw := bufio.NewWriter(w)
	bw.WriteString("flowchart LR\n")
	for _, gr := range d.groups {
		fmt.Fprintf(bw, "  subgraph %s[\"%s\"]\n    direction TB\n", gr.id, mermaidText(gr.title))
		for _, i := range gr.members {
			lines := d.label(i)
			for k := range lines {
				lines[k] = mermaidText(lines[k])
			}
			fmt.Fprintf(bw, "    %s[\"%s\"]\n", d.ids[i], strings.Join(lines, "<br/>"))
		}
		bw.WriteString("  end\n")
	}
	if len(m.ExternalFactors) > 0 {
		bw.WriteString("  subgraph external[\"External factors\"]\n    direction TB\n")
		for k, f := range m.ExternalFactors {
			fmt.Fprintf(bw, "    x_%d[\"%s\"]\n", k+1, mermaidText(f.Text))
		}
		bw.WriteString("  end\n")
	}
	for _, ends := range d.edges() {
		fmt.Fprintf(bw, "  %s --> %s\n", d.ids[ends[0]], d.ids[ends[1]])
	}
	if d.hasStates() {
		for _, s := range stateStyles {
			fmt.Fprintf(bw, "  classDef %s fill:%s,stroke:%s,color:#000\n", s.class, s.fill, s.stroke)
		}
		for _, s := range stateStyles {
			var members []string
			for i, st := range d.states {
				if st == s.state {
					members = append(members, d.ids[i])
				}
			}
			if len(members) > 0 {
				fmt.Fprintf(bw, "  class %s %s\n", strings.Join(members, ","), s.class)
			}
		}
	}
	return bw.Flush()
}

// edges returns the links between elements in file order, each pair once;
// dangling links are not drawn.
func (d *drawing) edges() [][2]int {
	var out [][2]int
	seen := map[[2]int]bool{}
	for _, ends := range d.g.links {
		if ends[0] >= 0 && ends[1] >= 0 && !seen[ends] {
			seen[ends] = true
			out = append(out, ends)
		}
	}
	return out
}

func (d *drawing) hasStates() bool {
	for _, s := range d.states {
		if s != "" {
			return true
		}
	}
	return false
}

var mermaidEscaper = strings.NewReplacer(
	"#", "#35;", `"`, "#quot;", "<", "#lt;", ">", "#gt;", "&", "#amp;", "`", "#96;",
	"\r", "", "\n", "<br/>",
)

// mermaidText escapes text for a quoted Mermaid label.
func mermaidText(s string) string { return mermaidEscaper.Replace(s) }

// DOT writes the model as a Graphviz digraph, left to right, one cluster
// per column that has elements, in causal order, and the external factors
// in a last cluster. Node ids are those of Mermaid, quoted; labels are
// quoted with backslashes and quotes escaped and line breaks as \n. With
// WithStatus each node is filled with its state's colour and its label
// starts with the state's symbol. The output depends only on the model and
// the status.
func (m *Model) DOT(w io.Writer, opts ...ExportOption) error {
	d := newDrawing(m, opts)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "digraph %s {\n", dotQuote(m.ID))
	bw.WriteString("  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];\n")
	for _, gr := range d.groups {
		fmt.Fprintf(bw, "  subgraph %s {\n    label=%s;\n", dotQuote("cluster_"+gr.id), dotQuote(gr.title))
		for _, i := range gr.members {
			attrs := "label=" + dotQuote(strings.Join(d.label(i), "\n"))
			for _, s := range stateStyles {
				if d.states[i] == s.state {
					attrs += fmt.Sprintf(", fillcolor=%s, color=%s", dotQuote(s.fill), dotQuote(s.stroke))
				}
			}
			fmt.Fprintf(bw, "    %s [%s];\n", dotQuote(d.ids[i]), attrs)
		}
		bw.WriteString("  }\n")
	}
	if len(m.ExternalFactors) > 0 {
		bw.WriteString("  subgraph \"cluster_external\" {\n    label=\"External factors\";\n    style=dashed;\n")
		for k, f := range m.ExternalFactors {
			fmt.Fprintf(bw, "    \"x_%d\" [label=%s, shape=note];\n", k+1, dotQuote(f.Text))
		}
		bw.WriteString("  }\n")
	}
	for _, ends := range d.edges() {
		fmt.Fprintf(bw, "  %s -> %s;\n", dotQuote(d.ids[ends[0]]), dotQuote(d.ids[ends[1]]))
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", `\n`)

// dotQuote quotes s as a DOT string.
func dotQuote(s string) string { return `"` + dotEscaper.Replace(s) + `"` }
