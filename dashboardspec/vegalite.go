package dashboardspec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// VegaLiteSchema is the $schema of every Vega-Lite spec this package writes.
const VegaLiteSchema = "https://vega.github.io/schema/vega-lite/v6.json"

// Grid cell size in pixels, used to size charts from their grid items.
const (
	columnPx = 46
	rowPx    = 40
)

// VegaLiteSpec is the Vega-Lite spec of one chart panel.
type VegaLiteSpec struct {
	Panel string // the panel's id
	Spec  []byte // indented JSON with a final newline
}

// obj is a JSON object; encoding/json writes its keys sorted.
type obj = map[string]any

// VegaLite returns one Vega-Lite v6 spec per chart panel (timeseries, spc,
// funnel, caterpillar, bar, spine), in panel order, with the data inline and
// the size taken from the panel's grid item. The dashboard must be valid.
//
//   - timeseries: a line with points, and a band from lower to upper.
//   - spc: the values as a line with points coloured and shaped by their
//     signal (Making Data Count colours: blue improvement, orange concern,
//     purple neutral, grey common cause), the centre line, dashed control
//     limits and the target.
//   - funnel: the limit curves (from the funnel's limits dataset), the
//     baseline and the areas coloured by significance.
//   - caterpillar: areas ranked by value, an interval rule and a point
//     each, coloured by comparison, and the benchmark.
//   - bar: a bar per stratum coloured by comparison, interval rules and the
//     benchmark.
//   - spine: per row, the range of areas scaled about the benchmark, the
//     inner quartiles darker, and the area's point coloured by comparison.
//
// Filters whose field a chart's dataset has become select inputs bound to
// a parameter that filters the rows.
func VegaLite(d *Dashboard) ([]VegaLiteSpec, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var out []VegaLiteSpec
	for i := range d.Panels {
		p := &d.Panels[i]
		if !p.Kind.IsChart() {
			continue
		}
		spec, err := vegaLitePanel(d, p)
		if err != nil {
			return nil, err
		}
		out = append(out, VegaLiteSpec{Panel: p.ID, Spec: spec})
	}
	return out, nil
}

func vegaLitePanel(d *Dashboard, p *Panel) ([]byte, error) {
	spec := vegaLiteObject(d, p)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(spec); err != nil {
		return nil, fmt.Errorf("dashboardspec: vega-lite spec of panel %s: %w", p.ID, err)
	}
	return buf.Bytes(), nil
}

// altOf returns the text alternative of a panel: its alt, else its
// description.
func altOf(d *Dashboard, id string) string {
	p, _ := d.Panel(id)
	if p.Alt != "" {
		return p.Alt
	}
	return p.Description
}

// chartSize returns the width and height in pixels of a panel's plot area.
func chartSize(d *Dashboard, id string) (int, int) {
	w, h := 12, chartH
	for _, s := range d.Layout.Sections {
		for _, it := range s.Items {
			if it.Panel == id {
				w, h = it.W, it.H
			}
		}
	}
	return max(w*columnPx-110, 120), max(h*rowPx-120, 80)
}

// vlField escapes a field name for a Vega-Lite field reference, in which
// '.' and brackets would otherwise mean nested access.
func vlField(name string) string {
	return strings.NewReplacer(`\`, `\\`, `.`, `\.`, `[`, `\[`, `]`, `\]`).Replace(name)
}

// datum returns a Vega expression reading a field of the current row.
func datum(name string) string {
	b, _ := json.Marshal(name)
	return "datum[" + string(b) + "]"
}

// present returns ch when some row of ds has a value in its field, else
// nil: a layer of nothing but nulls has an infinite extent and draws
// nothing.
func present(ds *Dataset, ch *Channel) *Channel {
	if ch == nil {
		return nil
	}
	i := ds.Field(ch.Field)
	if i < 0 {
		return nil
	}
	for _, r := range ds.Rows {
		if i < len(r) && !r[i].IsNull() {
			return ch
		}
	}
	return nil
}

func rowsOf(ds *Dataset) []obj {
	rows := make([]obj, 0, len(ds.Rows))
	for _, r := range ds.Rows {
		o := obj{}
		for i, f := range ds.Fields {
			if i < len(r) {
				o[f.Name] = r[i].Any()
			}
		}
		rows = append(rows, o)
	}
	return rows
}

// vlType maps a field type to a Vega-Lite measurement type.
func vlType(ds *Dataset, name string) string {
	i := ds.Field(name)
	if i < 0 {
		return "nominal"
	}
	switch ds.Fields[i].Type {
	case TypeNumber, TypeInteger:
		return "quantitative"
	case TypeTemporal:
		return "temporal"
	}
	return "nominal"
}

func title(ch *Channel, ds *Dataset) string {
	if ch.Title != "" {
		return ch.Title
	}
	if i := ds.Field(ch.Field); i >= 0 && ds.Fields[i].Title != "" {
		return ds.Fields[i].Title
	}
	return ch.Field
}

// enc is a quantitative or other encoding of a channel.
func enc(ch *Channel, ds *Dataset, typ string) obj {
	o := obj{"field": vlField(ch.Field), "type": typ, "title": title(ch, ds)}
	if ch.Format != "" && typ == "quantitative" {
		o["axis"] = obj{"format": ch.Format}
	}
	return o
}

// textEnc is enc for a text channel (tooltips), which takes the format
// itself.
func textEnc(ch *Channel, ds *Dataset, typ string) obj {
	o := obj{"field": vlField(ch.Field), "type": typ, "title": title(ch, ds)}
	if ch.Format != "" && typ == "quantitative" {
		o["format"] = ch.Format
	}
	return o
}

func tooltip(ds *Dataset, chs ...*Channel) []obj {
	var out []obj
	seen := map[string]bool{}
	for _, ch := range chs {
		if ch == nil || seen[ch.Field] {
			continue
		}
		seen[ch.Field] = true
		out = append(out, textEnc(ch, ds, vlType(ds, ch.Field)))
	}
	return out
}

// Colours: Fingertips comparison colours and Making Data Count variation
// colours, with a domain fixed so that every chart colours alike.
func comparisonScale() obj {
	return obj{
		"domain": []string{"better", "similar", "worse", "higher", "lower", "not compared"},
		"range":  []string{"#92D050", "#FFC000", "#C00000", "#BED2FF", "#5555E6", "#C9C9C9"},
	}
}

func signalScale() (obj, obj) {
	domain := []string{"common_cause", "special_cause_improvement", "special_cause_concern", "special_cause_neutral_high", "special_cause_neutral_low", "missing"}
	return obj{"domain": domain, "range": []string{"#7B7D7D", "#289DE0", "#FAB428", "#361475", "#361475", "#FFFFFF"}},
		obj{"domain": domain, "range": []string{"circle", "triangle-up", "triangle-down", "diamond", "diamond", "circle"}}
}

func significanceScale() obj {
	return obj{
		"domain": []string{"High (0.001)", "High (0.025)", "Not significant", "Low (0.025)", "Low (0.001)", "Not assessed"},
		"range":  []string{"#C00000", "#F4A582", "#FFC000", "#92C5DE", "#2166AC", "#C9C9C9"},
	}
}

// statusColour colours points by the status channel with the scale that
// suits its values.
func statusColour(p *Panel, ds *Dataset) obj {
	ch := p.Encoding.Status
	o := textEnc(ch, ds, "nominal")
	if p.Kind == KindFunnel {
		o["scale"] = significanceScale()
	} else {
		o["scale"] = comparisonScale()
	}
	return o
}

func vegaLiteObject(d *Dashboard, p *Panel) obj {
	ds, _ := d.Dataset(p.Dataset)
	e := withoutEmpty(p.Encoding, ds)
	p = &Panel{ID: p.ID, Kind: p.Kind, Title: p.Title, SPC: p.SPC, Funnel: p.Funnel, Spine: p.Spine, Encoding: e}
	w, h := chartSize(d, p.ID)
	spec := obj{
		"$schema": VegaLiteSchema,
		"title":   obj{"text": p.Title, "anchor": "start", "fontSize": 13},
		"width":   w,
		"height":  h,
		"data":    obj{"values": rowsOf(ds)},
	}
	if alt := altOf(d, p.ID); alt != "" {
		spec["description"] = alt
	}
	var layers []obj
	switch p.Kind {
	case KindTimeseries:
		x := enc(e.X, ds, xType(ds, e.X.Field))
		if e.Lower != nil && e.Upper != nil {
			layers = append(layers, obj{
				"mark": obj{"type": "area", "opacity": 0.2},
				"encoding": obj{"x": x, "y": enc(e.Lower, ds, "quantitative"),
					"y2": obj{"field": vlField(e.Upper.Field)}},
			})
		}
		layers = append(layers, obj{
			"mark":     obj{"type": "line", "point": true},
			"encoding": obj{"x": x, "y": withZero(enc(e.Y, ds, "quantitative")), "tooltip": tooltip(ds, e.X, e.Y, e.Lower, e.Upper)},
		})
	case KindSPC:
		layers = spcLayers(p, ds)
	case KindFunnel:
		layers = funnelLayers(d, p, ds)
		spec["resolve"] = obj{"scale": obj{"color": "independent"}}
	case KindCaterpillar:
		layers = caterpillarLayers(p, ds)
	case KindBar:
		layers = barLayers(p, ds)
	case KindSpine:
		layers = spineLayers(p, ds)
		spec["height"] = max(len(ds.Rows)*24, 60)
	}
	params, filter := filters(d, ds)
	if len(params) > 0 {
		spec["params"] = params
		for _, l := range layers {
			if _, own := l["data"]; !own {
				l["transform"] = append([]obj{{"filter": filter}}, transforms(l)...)
			}
		}
	}
	spec["layer"] = layers
	return spec
}

// withoutEmpty drops the optional channels whose field has no value.
func withoutEmpty(e *Encoding, ds *Dataset) *Encoding {
	c := *e
	c.Lower, c.Upper = present(ds, e.Lower), present(ds, e.Upper)
	if c.Lower == nil || c.Upper == nil {
		c.Lower, c.Upper = nil, nil
	}
	c.Centre = present(ds, e.Centre)
	c.LowerLimit, c.UpperLimit = present(ds, e.LowerLimit), present(ds, e.UpperLimit)
	return &c
}

func transforms(l obj) []obj {
	t, _ := l["transform"].([]obj)
	return t
}

// filters returns the parameters of the dashboard's filters on fields of
// ds and the expression keeping the rows they select.
func filters(d *Dashboard, ds *Dataset) ([]obj, string) {
	var params []obj
	var conds []string
	for i, f := range d.Filters {
		if ds.Field(f.Field) < 0 {
			continue
		}
		name := fmt.Sprintf("filter_%d", i)
		value := f.Default
		if value == "" {
			value = allValues
		}
		options := append([]string{allValues}, f.Values...)
		params = append(params, obj{"name": name, "value": value, "bind": obj{"input": "select", "options": options, "name": f.Title + " "}})
		conds = append(conds, fmt.Sprintf("(%s == %q || toString(%s) == %s)", name, allValues, datum(f.Field), name))
	}
	return params, strings.Join(conds, " && ")
}

// allValues is the filter choice that keeps every row.
const allValues = "(all)"

func xType(ds *Dataset, field string) string {
	if t := vlType(ds, field); t != "nominal" {
		return t
	}
	return "ordinal"
}

func withZero(o obj) obj {
	o["scale"] = obj{"zero": false}
	return o
}

func spcLayers(p *Panel, ds *Dataset) []obj {
	e := p.Encoding
	x := enc(e.X, ds, "ordinal")
	x["sort"] = nil
	x["axis"] = obj{"labelAngle": -45}
	layers := []obj{{
		"mark":     obj{"type": "line", "color": "#7B7D7D"},
		"encoding": obj{"x": x, "y": withZero(enc(e.Y, ds, "quantitative"))},
	}}
	line := func(ch *Channel, dash bool, colour string) {
		if ch == nil {
			return
		}
		m := obj{"type": "line", "color": colour, "interpolate": "step-after"}
		if dash {
			m["strokeDash"] = []int{6, 4}
		}
		layers = append(layers, obj{"mark": m, "encoding": obj{"x": x, "y": obj{"field": vlField(ch.Field), "type": "quantitative"}}})
	}
	line(e.Centre, false, "#231F20")
	line(e.LowerLimit, true, "#A6A6A6")
	line(e.UpperLimit, true, "#A6A6A6")
	if p.SPC != nil && p.SPC.Target != nil {
		layers = append(layers, obj{
			"mark":     obj{"type": "rule", "color": "#DE1B1B", "strokeDash": []int{2, 2}},
			"encoding": obj{"y": obj{"datum": *p.SPC.Target, "type": "quantitative"}},
		})
	}
	point := obj{"x": x, "y": obj{"field": vlField(e.Y.Field), "type": "quantitative"}, "tooltip": tooltip(ds, e.X, e.Y, e.Centre, e.LowerLimit, e.UpperLimit, e.Signal)}
	if e.Signal != nil {
		colour, shape := signalScale()
		point["color"] = obj{"field": vlField(e.Signal.Field), "type": "nominal", "title": title(e.Signal, ds), "scale": colour}
		point["shape"] = obj{"field": vlField(e.Signal.Field), "type": "nominal", "title": title(e.Signal, ds), "scale": shape}
	}
	layers = append(layers, obj{"mark": obj{"type": "point", "filled": true, "size": 60}, "encoding": point})
	return layers
}

func funnelLayers(d *Dashboard, p *Panel, ds *Dataset) []obj {
	e, f := p.Encoding, p.Funnel
	lds, _ := d.Dataset(f.Limits)
	x := enc(e.X, ds, "quantitative")
	layers := []obj{
		{
			"data": obj{"values": rowsOf(lds)},
			"mark": obj{"type": "line", "strokeWidth": 1},
			"encoding": obj{
				"x":      obj{"field": vlField(f.X), "type": "quantitative", "title": title(e.X, ds)},
				"y":      obj{"field": vlField(f.Y), "type": "quantitative", "title": title(e.Y, ds)},
				"detail": obj{"field": vlField(f.Series), "type": "nominal"},
				"strokeDash": obj{"field": vlField(f.Series), "type": "nominal", "title": "Control limits",
					"scale": obj{"domain": []string{Limit95Lower, Limit95Upper, Limit998Lower, Limit998Upper}, "range": [][]int{{4, 3}, {4, 3}, {1, 0}, {1, 0}}}},
				"color": obj{"value": "#555555"},
			},
		},
		{
			"mark":     obj{"type": "rule", "color": "#231F20"},
			"encoding": obj{"y": obj{"datum": f.Baseline, "type": "quantitative"}},
		},
	}
	point := obj{"x": x, "y": enc(e.Y, ds, "quantitative"), "tooltip": tooltip(ds, e.Label, e.Y, e.X, e.Status)}
	if e.Status != nil {
		point["color"] = statusColour(p, ds)
	}
	layers = append(layers, obj{"mark": obj{"type": "point", "filled": true, "size": 40, "opacity": 0.85}, "encoding": point})
	return layers
}

// categories returns the label encoding of a ranked or categorical chart;
// many rows hide their labels (the tooltip names them).
func categories(e *Encoding, ds *Dataset, sort any) obj {
	o := enc(e.Label, ds, "nominal")
	o["sort"] = sort
	if len(ds.Rows) > 40 {
		o["axis"] = obj{"labels": false, "ticks": false}
	}
	return o
}

func caterpillarLayers(p *Panel, ds *Dataset) []obj {
	e := p.Encoding
	y := categories(e, ds, obj{"field": vlField(e.Y.Field), "order": "descending"})
	var layers []obj
	if e.Lower != nil && e.Upper != nil {
		layers = append(layers, obj{
			"mark":     obj{"type": "rule", "color": "#7B7D7D"},
			"encoding": obj{"y": y, "x": enc(e.Lower, ds, "quantitative"), "x2": obj{"field": vlField(e.Upper.Field)}},
		})
	}
	point := obj{"y": y, "x": withZero(enc(e.Y, ds, "quantitative")), "tooltip": tooltip(ds, e.Label, e.Y, e.Lower, e.Upper, e.Status)}
	if e.Status != nil {
		point["color"] = statusColour(p, ds)
	}
	layers = append(layers, obj{"mark": obj{"type": "point", "filled": true, "size": 30}, "encoding": point})
	if e.Centre != nil {
		layers = append(layers, obj{"mark": obj{"type": "rule", "color": "#231F20", "strokeDash": []int{4, 2}},
			"encoding": obj{"x": obj{"field": vlField(e.Centre.Field), "aggregate": "min", "type": "quantitative"}}})
	}
	return layers
}

func barLayers(p *Panel, ds *Dataset) []obj {
	e := p.Encoding
	x := categories(e, ds, nil)
	bar := obj{"x": x, "y": enc(e.Y, ds, "quantitative"), "tooltip": tooltip(ds, e.Label, e.Y, e.Lower, e.Upper, e.Status)}
	if e.Status != nil {
		bar["color"] = statusColour(p, ds)
	}
	layers := []obj{{"mark": obj{"type": "bar"}, "encoding": bar}}
	if e.Lower != nil && e.Upper != nil {
		layers = append(layers, obj{"mark": obj{"type": "rule", "color": "#231F20"},
			"encoding": obj{"x": x, "y": obj{"field": vlField(e.Lower.Field), "type": "quantitative"}, "y2": obj{"field": vlField(e.Upper.Field)}}})
	}
	if e.Centre != nil {
		layers = append(layers, obj{"mark": obj{"type": "rule", "color": "#231F20", "strokeDash": []int{4, 2}},
			"encoding": obj{"y": obj{"field": vlField(e.Centre.Field), "aggregate": "min", "type": "quantitative"}}})
	}
	return layers
}

func spineLayers(p *Panel, ds *Dataset) []obj {
	e := p.Encoding
	c, lo, hi := datum(e.Centre.Field), datum(e.Lower.Field), datum(e.Upper.Field)
	calc := []obj{
		{"calculate": fmt.Sprintf("max(abs(%s - %s), abs(%s - %s)) || 1", hi, c, c, lo), "as": "spine_half"},
		{"calculate": fmt.Sprintf("(%s - %s) / datum.spine_half", lo, c), "as": "spine_lo"},
		{"calculate": fmt.Sprintf("(%s - %s) / datum.spine_half", hi, c), "as": "spine_hi"},
		{"calculate": fmt.Sprintf("(%s - %s) / datum.spine_half", datum(e.Y.Field), c), "as": "spine_y"},
	}
	q1, q3 := "", ""
	if p.Spine != nil && p.Spine.Q1 != "" && p.Spine.Q3 != "" {
		q1, q3 = p.Spine.Q1, p.Spine.Q3
		calc = append(calc,
			obj{"calculate": fmt.Sprintf("(%s - %s) / datum.spine_half", datum(q1), c), "as": "spine_q1"},
			obj{"calculate": fmt.Sprintf("(%s - %s) / datum.spine_half", datum(q3), c), "as": "spine_q3"})
	}
	y := categories(e, ds, nil)
	scale := obj{"domain": []float64{-1, 1}}
	xAxis := obj{"type": "quantitative", "scale": scale, "axis": nil, "title": nil}
	with := func(field string, extra obj) obj {
		o := obj{"field": field}
		for k, v := range xAxis {
			o[k] = v
		}
		for k, v := range extra {
			o[k] = v
		}
		return o
	}
	layers := []obj{{
		"transform": calc,
		"mark":      obj{"type": "bar", "color": "#D9D9D9", "height": 14},
		"encoding":  obj{"y": y, "x": with("spine_lo", nil), "x2": obj{"field": "spine_hi"}},
	}}
	if q1 != "" {
		layers = append(layers, obj{
			"transform": calc,
			"mark":      obj{"type": "bar", "color": "#8C8C8C", "height": 14},
			"encoding":  obj{"y": y, "x": with("spine_q1", nil), "x2": obj{"field": "spine_q3"}},
		})
	}
	point := obj{"y": y, "x": with("spine_y", nil), "tooltip": tooltip(ds, e.Label, e.Y, e.Lower, e.Centre, e.Upper, e.Status)}
	if e.Status != nil {
		point["color"] = statusColour(p, ds)
	}
	layers = append(layers,
		obj{"transform": calc, "mark": obj{"type": "point", "filled": true, "size": 90, "stroke": "#000000", "strokeWidth": 0.5}, "encoding": point},
		obj{"mark": obj{"type": "rule", "color": "#C00000", "strokeWidth": 2}, "encoding": obj{"x": obj{"datum": 0, "type": "quantitative", "scale": scale}}},
	)
	return layers
}
