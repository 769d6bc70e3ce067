package dashboardspec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// The script URLs HTML uses by default: the jsDelivr CDN, pinned to the
// versions the tests render with.
const (
	DefaultVegaURL      = "https://cdn.jsdelivr.net/npm/vega@6.4.0/build/vega.min.js"
	DefaultVegaLiteURL  = "https://cdn.jsdelivr.net/npm/vega-lite@6.4.3/build/vega-lite.min.js"
	DefaultVegaEmbedURL = "https://cdn.jsdelivr.net/npm/vega-embed@7.3.0/build/vega-embed.min.js"
)

// HTMLOption adjusts HTML.
type HTMLOption func(*htmlConfig)

type htmlConfig struct {
	urls   [3]string
	inline [3][]byte
}

// WithScriptURLs loads vega, vega-lite and vega-embed from the given URLs
// instead of the CDN (e.g. a copy on the intranet).
func WithScriptURLs(vega, vegaLite, vegaEmbed string) HTMLOption {
	return func(c *htmlConfig) { c.urls, c.inline = [3]string{vega, vegaLite, vegaEmbed}, [3][]byte{} }
}

// WithInlineScripts writes the given script bytes (the browser builds of
// vega, vega-lite and vega-embed) into the page, for networks without
// access to a CDN: the page is then self-contained. Any "</script" or
// "<!--" in the bytes is escaped so that it cannot end the script element.
func WithInlineScripts(vega, vegaLite, vegaEmbed []byte) HTMLOption {
	return func(c *htmlConfig) { c.inline, c.urls = [3][]byte{vega, vegaLite, vegaEmbed}, [3]string{} }
}

// HTML writes the dashboard as one self-contained static page: a CSS grid
// per section; tiles, tables, logic models and text as plain HTML that reads
// without JavaScript and prints (headings, table headers, captions, a text
// alternative and a data table for every chart, RAG status as a colour and
// a symbol and a word); and charts drawn by vega-embed from the specs of
// VegaLite, inlined in the page. The dashboard must be valid.
func HTML(w io.Writer, d *Dashboard, opts ...HTMLOption) error {
	cfg := htmlConfig{urls: [3]string{DefaultVegaURL, DefaultVegaLiteURL, DefaultVegaEmbedURL}}
	for _, o := range opts {
		o(&cfg)
	}
	specs, err := VegaLite(d)
	if err != nil {
		return err
	}
	page, err := buildPage(d, specs, cfg)
	if err != nil {
		return err
	}
	tmpl, err := template.New("page").Funcs(template.FuncMap{"add": func(a, b int) int { return a + b }}).Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("dashboardspec: html template: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, page); err != nil {
		return fmt.Errorf("dashboardspec: html: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

type pageData struct {
	Title, Description string
	Sections           []sectionData
	Filters            []Filter
	Scripts            []template.URL
	Inline             []template.JS
	Specs              []chartSpec
}

type chartSpec struct {
	ID   string          `json:"id"`
	Spec json.RawMessage `json:"spec"`
}

type sectionData struct {
	ID, Title, Description string
	Items                  []itemData
}

type itemData struct {
	GridItem
	Panel      *Panel
	HeadingID  string
	Chart      bool
	Stat       *statData
	Table      *tableData
	Markdown   template.HTML
	Logic      *logicData
	SPC        *spcIcons
	Provenance *Provenance
}

type statData struct {
	Value, Unit, Interval, Target string
	Status                        *statusData
	Sparkline                     *sparkData
}

type statusData struct{ Class, Symbol, Text string }

type sparkData struct {
	Points, Label string
}

type tableData struct {
	Caption string
	Headers []string
	Rows    [][]string
}

type logicData struct {
	Columns []logicColumn
	Links   []string
}

type logicColumn struct {
	Title    string
	Elements []logicElem
}

type logicElem struct {
	Label, Note string
	Status      statusData
	Indicators  string
}

type spcIcons struct {
	Variation, Assurance *iconData
}

type iconData struct {
	Class, Letter, Text string
}

func buildPage(d *Dashboard, specs []VegaLiteSpec, cfg htmlConfig) (*pageData, error) {
	page := &pageData{Title: d.Title, Description: d.Description, Filters: d.Filters}
	for i, u := range cfg.urls {
		if u != "" {
			page.Scripts = append(page.Scripts, template.URL(u))
		} else if cfg.inline[i] != nil {
			page.Inline = append(page.Inline, template.JS(escapeScript(cfg.inline[i])))
		}
	}
	for _, s := range specs {
		page.Specs = append(page.Specs, chartSpec{ID: s.Panel, Spec: json.RawMessage(bytes.TrimSpace(s.Spec))})
	}
	for _, sec := range d.Layout.Sections {
		sd := sectionData{ID: sec.ID, Title: sec.Title, Description: sec.Description}
		for _, it := range sec.Items {
			p, _ := d.Panel(it.Panel)
			item := itemData{GridItem: it, Panel: p, HeadingID: "h-" + p.ID, Chart: p.Kind.IsChart(), Provenance: p.Provenance}
			ds, _ := d.Dataset(p.Dataset)
			switch p.Kind {
			case KindStat:
				item.Stat = statOf(d, p, ds)
			case KindTable:
				item.Table = tableOf(p.Title, ds, p.Encoding.Columns)
			case KindMarkdown:
				item.Markdown = markdown(p.Markdown)
			case KindLogicModel:
				item.Logic = logicOf(p.LogicModel)
			default:
				item.Table = tableOf("Data: "+p.Title, ds, chartColumns(p))
			}
			if p.Kind == KindSPC && p.SPC != nil {
				item.SPC = &spcIcons{Variation: variationIcon(p.SPC.Variation), Assurance: assuranceIcon(p.SPC.Assurance)}
			}
			sd.Items = append(sd.Items, item)
		}
		page.Sections = append(page.Sections, sd)
	}
	return page, nil
}

var scriptEnd = regexp.MustCompile(`(?i)</(script)|<!--`)

// escapeScript keeps inline script bytes from ending the script element.
func escapeScript(b []byte) string {
	return scriptEnd.ReplaceAllStringFunc(string(b), func(m string) string {
		if m == "<!--" {
			return `<\!--`
		}
		return `<\/` + m[2:]
	})
}

// chartColumns lists the encoded fields of a chart panel for its data table.
func chartColumns(p *Panel) []Channel {
	var out []Channel
	seen := map[string]bool{}
	add := func(ch *Channel) {
		if ch != nil && !seen[ch.Field] {
			seen[ch.Field] = true
			out = append(out, *ch)
		}
	}
	e := p.Encoding
	for _, ch := range []*Channel{e.Label, e.X, e.Y, e.Lower, e.Upper, e.Centre, e.LowerLimit, e.UpperLimit, e.Signal, e.Status, e.Comparison} {
		add(ch)
	}
	return out
}

func tableOf(caption string, ds *Dataset, cols []Channel) *tableData {
	t := &tableData{Caption: caption}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = ds.Field(c.Field)
		t.Headers = append(t.Headers, title(&cols[i], ds))
	}
	for _, row := range ds.Rows {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = formatValue(row[idx[i]], c.Format)
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

// formatValue formats a cell with a d3-format subset: [,][.precision][f|d|%|e|g];
// null is an en dash.
func formatValue(v Value, format string) string {
	x, ok := v.Float()
	if !ok {
		if v.IsNull() {
			return "–"
		}
		return v.String()
	}
	return formatD3(x, format)
}

var d3Format = regexp.MustCompile(`^(,)?(?:\.(\d{1,2}))?([fde%g])?$`)

func formatD3(x float64, format string) string {
	m := d3Format.FindStringSubmatch(format)
	if format == "" || m == nil {
		return formatNumber(x)
	}
	prec := -1
	if m[2] != "" {
		prec, _ = strconv.Atoi(m[2])
	}
	var s string
	switch m[3] {
	case "d":
		s = strconv.FormatFloat(math.Round(x), 'f', 0, 64)
	case "%":
		s = strconv.FormatFloat(x*100, 'f', max(prec, 0), 64) + "%"
	case "e":
		s = strconv.FormatFloat(x, 'e', prec, 64)
	case "g":
		s = strconv.FormatFloat(x, 'g', prec, 64)
	default:
		s = strconv.FormatFloat(x, 'f', prec, 64)
	}
	if m[1] == "," {
		s = groupThousands(s)
	}
	return s
}

func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, rest := s, ""
	if i := strings.IndexAny(s, ".e%"); i >= 0 {
		intPart, rest = s[:i], s[i:]
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + rest
}

// statusOf returns the class, symbol and word of a RAG status or a
// comparison: never colour alone.
func statusOf(s string) statusData {
	switch strings.ToLower(s) {
	case "green", "pass", "met":
		return statusData{"rag-green", "✔", titleCase(s)}
	case "amber", "yellow", "warn":
		return statusData{"rag-amber", "◆", titleCase(s)}
	case "red", "fail", "missed":
		return statusData{"rag-red", "✖", titleCase(s)}
	case "better":
		return statusData{"rag-green", "▲", "Better"}
	case "worse":
		return statusData{"rag-red", "▼", "Worse"}
	case "similar":
		return statusData{"rag-amber", "●", "Similar"}
	}
	if s == "" {
		return statusData{"rag-none", "○", "No status"}
	}
	return statusData{"rag-none", "○", titleCase(s)}
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func statOf(d *Dashboard, p *Panel, ds *Dataset) *statData {
	row := -1
	if p.Stat != nil && p.Stat.Match != nil {
		f := ds.Field(p.Stat.Match.Field)
		for i, r := range ds.Rows {
			if r[f].String() == p.Stat.Match.Value {
				row = i
				break
			}
		}
	} else if len(ds.Rows) > 0 {
		row = 0
	}
	e := p.Encoding
	st := &statData{Value: "–"}
	if p.Stat != nil {
		st.Unit = p.Stat.Unit
		if p.Stat.Target != nil {
			st.Target = "Target " + formatD3(*p.Stat.Target, e.Y.Format)
		}
	}
	if row >= 0 {
		r := ds.Rows[row]
		cell := func(ch *Channel) (Value, string) {
			if ch == nil {
				return Null(), ""
			}
			v := r[ds.Field(ch.Field)]
			return v, formatValue(v, ch.Format)
		}
		v, text := cell(e.Y)
		st.Value = text
		if v.IsNull() {
			st.Unit = ""
		}
		lo, los := cell(e.Lower)
		hi, his := cell(e.Upper)
		if !lo.IsNull() && !hi.IsNull() {
			st.Interval = fmt.Sprintf("Interval %s to %s", los, his)
		}
		if e.Status != nil {
			s, _ := cell(e.Status)
			sd := statusOf(s.String())
			st.Status = &sd
		}
		if e.Comparison != nil {
			_, c := cell(e.Comparison)
			if st.Target != "" {
				st.Target += "; "
			}
			st.Target += "Compared: " + c
		}
	}
	if p.Stat != nil && p.Stat.Sparkline != nil {
		st.Sparkline = sparkline(d, p.Stat.Sparkline)
	}
	return st
}

// sparkline draws the y field of a dataset as an SVG polyline, 120 × 30.
func sparkline(d *Dashboard, s *Sparkline) *sparkData {
	ds, ok := d.Dataset(s.Dataset)
	if !ok {
		return nil
	}
	f := ds.Field(s.Y)
	var ys []float64
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range ds.Rows {
		y, _ := r[f].Float()
		ys = append(ys, y)
		if isFinite(y) {
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
	}
	if len(ys) < 2 || !isFinite(lo) {
		return nil
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	var pts []string
	for i, y := range ys {
		if !isFinite(y) {
			continue
		}
		px := 2 + 116*float64(i)/float64(len(ys)-1)
		py := 28 - 26*(y-lo)/span
		pts = append(pts, strconv.FormatFloat(px, 'f', 1, 64)+","+strconv.FormatFloat(py, 'f', 1, 64))
	}
	return &sparkData{Points: strings.Join(pts, " "),
		Label: fmt.Sprintf("Trend over %d periods, from %s to %s", len(ys), formatD3(ys[0], ".1f"), formatD3(ys[len(ys)-1], ".1f"))}
}

func logicOf(m *LogicModel) *logicData {
	ld := &logicData{}
	labels := map[string]string{}
	for _, e := range m.Elements {
		labels[e.ID] = orID(e.Label, e.ID)
	}
	for _, c := range m.Columns {
		col := logicColumn{Title: c}
		for _, e := range m.Elements {
			if e.Column == c {
				col.Elements = append(col.Elements, logicElem{Label: orID(e.Label, e.ID), Note: e.Note, Status: statusOf(e.Status), Indicators: strings.Join(e.Indicators, ", ")})
			}
		}
		ld.Columns = append(ld.Columns, col)
	}
	for _, l := range m.Links {
		s := labels[l.From] + " → " + labels[l.To]
		if l.Assumption != "" {
			s += " (assumption: " + l.Assumption + ")"
		}
		ld.Links = append(ld.Links, s)
	}
	return ld
}

func variationIcon(v string) *iconData {
	switch v {
	case "":
		return nil
	case "common_cause":
		return &iconData{"mdc-common", "~", "Common cause variation"}
	case "special_cause_improvement":
		return &iconData{"mdc-improvement", "↑", "Special cause variation: improvement"}
	case "special_cause_concern":
		return &iconData{"mdc-concern", "!", "Special cause variation: concern"}
	case "special_cause_neutral_high":
		return &iconData{"mdc-neutral", "H", "Special cause variation: higher (neutral)"}
	case "special_cause_neutral_low":
		return &iconData{"mdc-neutral", "L", "Special cause variation: lower (neutral)"}
	}
	return &iconData{"mdc-common", "?", v}
}

func assuranceIcon(a string) *iconData {
	switch a {
	case "":
		return nil
	case "consistent_pass":
		return &iconData{"mdc-improvement", "P", "Assurance: the target will consistently be met"}
	case "consistent_fail":
		return &iconData{"mdc-concern", "F", "Assurance: the target will consistently be missed"}
	case "inconsistent":
		return &iconData{"mdc-common", "?", "Assurance: the target will be met or missed by chance"}
	}
	return &iconData{"mdc-common", "?", a}
}

var (
	mdBold = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	mdCode = regexp.MustCompile("`([^`]+)`")
)

// markdown renders a small, safe subset of Markdown: paragraphs, "#"
// headings (as h4 to h6), "-" or "*" lists, **bold** and `code`. All text is
// escaped first; nothing else is interpreted.
func markdown(src string) template.HTML {
	var out strings.Builder
	inline := func(s string) string {
		s = template.HTMLEscapeString(s)
		s = mdBold.ReplaceAllString(s, "<strong>$1</strong>")
		return mdCode.ReplaceAllString(s, "<code>$1</code>")
	}
	var para []string
	inList := false
	flush := func() {
		if len(para) > 0 {
			out.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
		if inList {
			out.WriteString("</ul>\n")
			inList = false
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "#"):
			flush()
			level := min(len(t)-len(strings.TrimLeft(t, "#")), 3)
			fmt.Fprintf(&out, "<h%d>%s</h%d>\n", level+3, inline(strings.TrimSpace(strings.TrimLeft(t, "#"))), level+3)
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			if len(para) > 0 {
				out.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
				para = nil
			}
			if !inList {
				out.WriteString("<ul>\n")
				inList = true
			}
			out.WriteString("<li>" + inline(t[2:]) + "</li>\n")
		default:
			if inList {
				flush()
			}
			para = append(para, t)
		}
	}
	flush()
	return template.HTML(out.String()) //nolint:gosec // built from escaped text
}

const pageTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="hpi dashboardspec">
<link rel="icon" href="data:,">
<title>{{.Title}}</title>
<style>
:root { --ink: #1d1d1b; --muted: #5c5c5c; --line: #d0d0d0; --bg: #f7f7f5; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); margin: 0; padding: 1rem 1.5rem 3rem; }
header.page { max-width: 1104px; margin: 0 auto 1rem; }
h1 { font-size: 1.6rem; margin: 0.2rem 0; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 0.25rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 0.95rem; margin: 0 0 0.4rem; }
section.dash { max-width: 1104px; margin: 0 auto; }
.grid { display: grid; grid-template-columns: repeat(24, minmax(0, 1fr)); grid-auto-rows: minmax(40px, auto); gap: 8px; margin-top: 0.5rem; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: 0.6rem 0.75rem; overflow: auto; min-width: 0; }
.stat .value { font-size: 2rem; font-weight: 600; margin: 0.1rem 0; }
.stat .unit { font-size: 1rem; font-weight: 400; margin-left: 0.15rem; }
.stat p { margin: 0.15rem 0; }
.muted, .stat .interval, .stat .target { color: var(--muted); font-size: 0.85rem; }
.rag { display: inline-block; padding: 0 0.4rem; border-radius: 3px; font-weight: 600; border: 1px solid currentColor; }
.rag-green { color: #1e6b1e; background: #e3f3d8; }
.rag-amber { color: #7a4b00; background: #fff0c2; }
.rag-red { color: #9b0000; background: #fbe0e0; }
.rag-none { color: var(--muted); background: #f0f0f0; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
th, td { border-bottom: 1px solid var(--line); padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
details { margin-top: 0.4rem; font-size: 0.85rem; }
summary { cursor: pointer; color: var(--muted); }
.prov dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 0.75rem; margin: 0.3rem 0; }
.prov dt { color: var(--muted); }
.prov dd { margin: 0; }
.suppression { font-size: 0.8rem; color: #7a4b00; margin: 0.3rem 0 0; }
.vis { min-height: 60px; }
.mdc { display: inline-flex; align-items: center; gap: 0.3rem; margin-right: 0.8rem; font-size: 0.85rem; }
.mdc .icon { display: inline-flex; width: 1.6rem; height: 1.6rem; border-radius: 50%; align-items: center; justify-content: center; color: #fff; font-weight: 700; }
.mdc-common .icon { background: #7b7d7d; } .mdc-improvement .icon { background: #289de0; } .mdc-concern .icon { background: #fab428; color: #1d1d1b; } .mdc-neutral .icon { background: #361475; }
.logic { display: grid; gap: 8px; }
.logic ul { list-style: none; padding: 0; margin: 0; }
.logic li { border: 1px solid var(--line); border-radius: 4px; padding: 0.3rem; margin-bottom: 0.3rem; }
.filters { font-size: 0.85rem; color: var(--muted); }
svg.spark polyline { fill: none; stroke: #1d70b8; stroke-width: 1.5; }
@media (max-width: 800px) { .grid { display: block; } .panel { margin-bottom: 8px; } }
@media print { body { background: #fff; padding: 0; } .panel { break-inside: avoid; border-color: #999; } details > *:not(summary) { display: block; } h2 { break-after: avoid; } }
</style>
</head>
<body>
<header class="page">
<h1>{{.Title}}</h1>
{{with .Description}}<p>{{.}}</p>{{end}}
{{with .Filters}}<p class="filters">Filters (in the charts): {{range $i, $f := .}}{{if $i}}; {{end}}{{$f.Title}}{{end}}.</p>{{end}}
</header>
<main>
{{range .Sections}}<section class="dash" id="{{.ID}}" aria-labelledby="h-{{.ID}}">
<h2 id="h-{{.ID}}">{{.Title}}</h2>
{{with .Description}}<p class="muted">{{.}}</p>{{end}}
<div class="grid">
{{range .Items}}{{template "item" .}}{{end}}</div>
</section>
{{end}}</main>
{{range .Scripts}}<script src="{{.}}"></script>
{{end}}{{range .Inline}}<script>{{.}}</script>
{{end}}<script>
(function () {
  var specs = {{.Specs}};
  specs.forEach(function (s) {
    var el = document.getElementById("vis-" + s.id);
    if (!el) { return; }
    if (typeof vegaEmbed !== "function") { el.textContent = "Charts need JavaScript and the Vega scripts; the data table below has the numbers."; return; }
    vegaEmbed(el, s.spec, {actions: false, renderer: "svg"}).catch(function (err) {
      el.textContent = "This chart could not be drawn: " + err;
      console.error(err);
    });
  });
})();
</script>
</body>
</html>
{{define "item"}}{{if .Chart}}<figure class="panel {{.Panel.Kind}}" id="p-{{.Panel.ID}}" aria-labelledby="{{.HeadingID}}" style="grid-column: {{add .X 1}} / span {{.W}}; grid-row: {{add .Y 1}} / span {{.H}};">
{{template "body" .}}</figure>
{{else}}<article class="panel {{.Panel.Kind}}" id="p-{{.Panel.ID}}" aria-labelledby="{{.HeadingID}}" style="grid-column: {{add .X 1}} / span {{.W}}; grid-row: {{add .Y 1}} / span {{.H}};">
{{template "body" .}}</article>
{{end}}{{end}}{{define "body"}}<h3 id="{{.HeadingID}}">{{.Panel.Title}}</h3>
{{with .Panel.Description}}<p class="muted">{{.}}</p>{{end}}
{{with .SPC}}<p>{{with .Variation}}<span class="mdc {{.Class}}"><span class="icon" aria-hidden="true">{{.Letter}}</span>{{.Text}}</span>{{end}}{{with .Assurance}}<span class="mdc {{.Class}}"><span class="icon" aria-hidden="true">{{.Letter}}</span>{{.Text}}</span>{{end}}</p>
{{end}}{{with .Stat}}<p class="value">{{.Value}}{{with .Unit}}<span class="unit">{{.}}</span>{{end}}</p>
{{with .Interval}}<p class="interval">{{.}}</p>{{end}}{{with .Status}}<p><span class="rag {{.Class}}"><span aria-hidden="true">{{.Symbol}}</span> {{.Text}}</span></p>{{end}}
{{with .Target}}<p class="target">{{.}}</p>{{end}}{{with .Sparkline}}<svg class="spark" width="120" height="30" viewBox="0 0 120 30" role="img" aria-label="{{.Label}}"><title>{{.Label}}</title><polyline points="{{.Points}}"/></svg>
{{end}}{{end}}{{if .Chart}}<div class="vis" id="vis-{{.Panel.ID}}" role="img" aria-label="{{.Panel.Alt}}"></div>
<figcaption class="muted">{{.Panel.Alt}}</figcaption>
{{with .Table}}<details><summary>Data table</summary>{{template "table" .}}</details>
{{end}}{{else}}{{with .Table}}{{template "table" .}}{{end}}{{end}}{{with .Markdown}}{{.}}{{end}}{{with .Logic}}<div class="logic" style="grid-template-columns: repeat({{len .Columns}}, minmax(0, 1fr));">
{{range .Columns}}<div><h4>{{.Title}}</h4><ul>{{range .Elements}}<li><span class="rag {{.Status.Class}}"><span aria-hidden="true">{{.Status.Symbol}}</span> {{.Status.Text}}</span> {{.Label}}{{with .Indicators}}<br><span class="muted">Indicators: {{.}}</span>{{end}}{{with .Note}}<br><span class="muted">{{.}}</span>{{end}}</li>{{end}}</ul></div>
{{end}}</div>
{{with .Links}}<details><summary>Links</summary><ul>{{range .}}<li>{{.}}</li>{{end}}</ul></details>{{end}}
{{end}}{{with .Provenance}}{{range .Suppression}}<p class="suppression"><span aria-hidden="true">⚠</span> Withheld: {{.}}</p>
{{end}}<details class="prov"><summary>Source and method</summary><dl>
{{with .Indicator}}<dt>Indicator</dt><dd>{{.}}</dd>{{end}}{{with .IndicatorVersion}}<dt>Version</dt><dd>{{.}}</dd>{{end}}
{{with .Set}}<dt>Set</dt><dd>{{.}}</dd>{{end}}{{with .SetVersion}}<dt>Set version</dt><dd>{{.}}</dd>{{end}}
{{with .Period}}<dt>Period</dt><dd>{{.}}</dd>{{end}}<dt>Source</dt><dd>{{.Source}}</dd>
{{with .Method}}<dt>Method</dt><dd>{{.}}</dd>{{end}}{{range .Notes}}<dt>Note</dt><dd>{{.}}</dd>{{end}}
</dl></details>
{{end}}{{end}}{{define "table"}}<table>
<caption>{{.Caption}}</caption>
<thead><tr>{{range .Headers}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{$c}}</th>{{else}}<td>{{$c}}</td>{{end}}{{end}}</tr>
{{end}}</tbody>
</table>{{end}}`
