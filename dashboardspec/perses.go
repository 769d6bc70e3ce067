package dashboardspec

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Query is how a Perses panel fetches an indicator: Perses dashboards hold
// no data, so the caller maps each indicator to a query of its own
// datasource.
type Query struct {
	// Kind is the query plugin, e.g. "PrometheusTimeSeriesQuery" or
	// "SQLTimeSeriesQuery" (default "PrometheusTimeSeriesQuery").
	Kind string
	// Datasource is the datasource kind, e.g. "PrometheusDatasource", and
	// DatasourceName its name (empty for the project's default).
	Datasource, DatasourceName string
	// Expression is the query text.
	Expression string
}

// Warning says what Perses could not show of a panel.
type Warning struct {
	Panel   string `json:"panel"`
	Message string `json:"message"`
}

// String formats the warning as "panel: message".
func (w Warning) String() string { return w.Panel + ": " + w.Message }

// PersesOption adjusts Perses.
type PersesOption func(*persesConfig)

type persesConfig struct {
	project  string
	duration string
}

// WithPersesProject sets metadata.project (default "hpi").
func WithPersesProject(name string) PersesOption { return func(c *persesConfig) { c.project = name } }

// WithPersesDuration sets the dashboard's default time range (default "1y").
func WithPersesDuration(d string) PersesOption { return func(c *persesConfig) { c.duration = d } }

// The Perses document, as far as this emitter writes it (Perses v0.x
// dashboard resource).
type persesDashboard struct {
	Kind     string         `json:"kind"`
	Metadata persesMetadata `json:"metadata"`
	Spec     persesSpec     `json:"spec"`
}

type persesMetadata struct {
	Name    string `json:"name"`
	Project string `json:"project"`
}

type persesSpec struct {
	Display  persesDisplay          `json:"display"`
	Duration string                 `json:"duration"`
	Panels   map[string]persesPanel `json:"panels"`
	Layouts  []persesLayout         `json:"layouts"`
}

type persesDisplay struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

type persesPanel struct {
	Kind string          `json:"kind"`
	Spec persesPanelSpec `json:"spec"`
}

type persesPanelSpec struct {
	Display persesDisplay `json:"display"`
	Plugin  persesPlugin  `json:"plugin"`
	Queries []persesQuery `json:"queries,omitempty"`
}

type persesPlugin struct {
	Kind string `json:"kind"`
	Spec any    `json:"spec"`
}

type persesQuery struct {
	Kind string          `json:"kind"`
	Spec persesQuerySpec `json:"spec"`
}

type persesQuerySpec struct {
	Plugin persesPlugin `json:"plugin"`
}

type persesLayout struct {
	Kind string           `json:"kind"`
	Spec persesLayoutSpec `json:"spec"`
}

type persesLayoutSpec struct {
	Display *persesLayoutDisplay `json:"display,omitempty"`
	Items   []persesItem         `json:"items"`
}

type persesLayoutDisplay struct {
	Title    string         `json:"title"`
	Collapse persesCollapse `json:"collapse"`
}

type persesCollapse struct {
	Open bool `json:"open"`
}

type persesItem struct {
	X       int            `json:"x"`
	Y       int            `json:"y"`
	Width   int            `json:"width"`
	Height  int            `json:"height"`
	Content map[string]any `json:"content"`
}

// Perses writes the dashboard as a Perses dashboard (JSON), which is lossy:
// Perses panels query datasources and carry no data. queries maps indicator
// ids (the panels' provenance) to queries. Stat panels become StatChart,
// timeseries and spc TimeSeriesChart (without limits, signals or icons), bar
// and caterpillar BarChart (without intervals), tables Table and markdown
// Markdown; funnel, spine and logicmodel panels cannot be represented and
// are left out. Every loss is a Warning, in panel order. Sections become
// collapsible grid layouts with the same 24-column coordinates.
func Perses(d *Dashboard, queries map[string]Query, opts ...PersesOption) ([]byte, []Warning, error) {
	if err := d.Validate(); err != nil {
		return nil, nil, err
	}
	cfg := persesConfig{project: "hpi", duration: "1y"}
	for _, o := range opts {
		o(&cfg)
	}
	out := persesDashboard{
		Kind:     "Dashboard",
		Metadata: persesMetadata{Name: d.ID, Project: cfg.project},
		Spec: persesSpec{
			Display:  persesDisplay{Name: d.Title, Description: d.Description},
			Duration: cfg.duration,
			Panels:   map[string]persesPanel{},
			Layouts:  []persesLayout{},
		},
	}
	var warns []Warning
	warn := func(p *Panel, format string, args ...any) {
		warns = append(warns, Warning{Panel: p.ID, Message: fmt.Sprintf(format, args...)})
	}
	kept := map[string]bool{}
	for i := range d.Panels {
		p := &d.Panels[i]
		plugin, ok := persesPluginOf(p, warn)
		if !ok {
			continue
		}
		pp := persesPanel{Kind: "Panel", Spec: persesPanelSpec{Display: persesDisplay{Name: p.Title, Description: p.Description}, Plugin: plugin}}
		if p.Kind != KindMarkdown {
			ind := ""
			if p.Provenance != nil {
				ind = p.Provenance.Indicator
			}
			q, ok := queries[ind]
			switch {
			case ind == "":
				warn(p, "no indicator in the provenance to map to a query: the panel shows no data")
			case !ok:
				warn(p, "no query for indicator %q: the panel shows no data", ind)
			default:
				pp.Spec.Queries = []persesQuery{persesQueryOf(q)}
			}
			if p.Provenance != nil && len(p.Provenance.Suppression) > 0 {
				warn(p, "the query must apply the disclosure policy itself: the source withheld values")
			}
		}
		out.Spec.Panels[p.ID] = pp
		kept[p.ID] = true
	}
	for _, s := range d.Layout.Sections {
		l := persesLayout{Kind: "Grid", Spec: persesLayoutSpec{
			Display: &persesLayoutDisplay{Title: s.Title, Collapse: persesCollapse{Open: true}},
			Items:   []persesItem{},
		}}
		for _, it := range s.Items {
			if !kept[it.Panel] {
				continue
			}
			l.Spec.Items = append(l.Spec.Items, persesItem{X: it.X, Y: it.Y, Width: it.W, Height: it.H,
				Content: map[string]any{"$ref": "#/spec/panels/" + it.Panel}})
		}
		out.Spec.Layouts = append(out.Spec.Layouts, l)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, nil, fmt.Errorf("dashboardspec: perses: %w", err)
	}
	return buf.Bytes(), warns, nil
}

func persesPluginOf(p *Panel, warn func(*Panel, string, ...any)) (persesPlugin, bool) {
	switch p.Kind {
	case KindStat:
		if p.Stat != nil && p.Stat.Sparkline != nil {
			warn(p, "the sparkline comes from another dataset: not represented")
		}
		warn(p, "the interval and the RAG status are not represented")
		return persesPlugin{Kind: "StatChart", Spec: map[string]any{"calculation": "last-number"}}, true
	case KindTimeseries:
		if p.Encoding.Lower != nil {
			warn(p, "the interval band is not represented")
		}
		return persesPlugin{Kind: "TimeSeriesChart", Spec: map[string]any{}}, true
	case KindSPC:
		warn(p, "drawn as a time series: the centre line, control limits, signals and Making Data Count icons are not represented")
		return persesPlugin{Kind: "TimeSeriesChart", Spec: map[string]any{}}, true
	case KindBar, KindCaterpillar:
		warn(p, "drawn as a bar chart: intervals, the benchmark and comparison colours are not represented")
		return persesPlugin{Kind: "BarChart", Spec: map[string]any{"calculation": "last"}}, true
	case KindTable:
		return persesPlugin{Kind: "Table", Spec: map[string]any{}}, true
	case KindMarkdown:
		return persesPlugin{Kind: "Markdown", Spec: map[string]any{"text": p.Markdown}}, true
	}
	warn(p, "a %s panel has no Perses equivalent: left out", p.Kind)
	return persesPlugin{}, false
}

func persesQueryOf(q Query) persesQuery {
	kind := q.Kind
	if kind == "" {
		kind = "PrometheusTimeSeriesQuery"
	}
	spec := map[string]any{"query": q.Expression}
	if q.Datasource != "" {
		ds := map[string]any{"kind": q.Datasource}
		if q.DatasourceName != "" {
			ds["name"] = q.DatasourceName
		}
		spec["datasource"] = ds
	}
	return persesQuery{Kind: "TimeSeriesQuery", Spec: persesQuerySpec{Plugin: persesPlugin{Kind: kind, Spec: spec}}}
}
