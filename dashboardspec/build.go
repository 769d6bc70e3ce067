package dashboardspec

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

// Option adjusts what FromReport, NewBuilder and the Builder's Add methods
// build. Options given to an Add method override those of NewBuilder for
// that call.
type Option func(*config)

type config struct {
	title        string
	description  string
	source       string
	area         string
	focus        string
	headline     []string
	series       *indicator.Series
	funnelPoints int
}

// WithTitle sets the dashboard's title (NewBuilder, FromReport); FromReport's
// default is the set id and the period.
func WithTitle(title string) Option { return func(c *config) { c.title = title } }

// WithDescription sets the dashboard's description (NewBuilder, FromReport)
// or a section's (AddSection).
func WithDescription(text string) Option { return func(c *config) { c.description = text } }

// WithSource names the data source shown in every panel's provenance, e.g.
// "GP records, extract of 2025-04-02". The default names the indicator set.
func WithSource(source string) Option { return func(c *config) { c.source = source } }

// WithAreaStratifier names the stratifier whose strata are areas (practices,
// local authorities): each indicator stratified by it gets a funnel plot
// and a caterpillar plot instead of a bar chart.
func WithAreaStratifier(id string) Option { return func(c *config) { c.area = id } }

// WithFocusArea adds a spine chart of one area (a value of the area
// stratifier) against the range of all areas, one row per indicator.
func WithFocusArea(area string) Option { return func(c *config) { c.focus = area } }

// WithHeadline limits the overview tiles to the given indicators, in that
// order; by default every indicator of the report gets a tile.
func WithHeadline(ids ...string) Option {
	return func(c *config) { c.headline = append([]string(nil), ids...) }
}

// WithSeries adds, for every indicator of the report that the series also
// has, a sparkline to its tile and an SPC panel to its section.
func WithSeries(s *indicator.Series) Option { return func(c *config) { c.series = s } }

// WithFunnelPoints sets the number of points of each funnel limit curve
// (default 120, at least 10, at most 5000).
func WithFunnelPoints(n int) Option { return func(c *config) { c.funnelPoints = n } }

// Layout heights, in grid rows.
const (
	tileW, tileH   = 6, 4
	chartH         = 8
	textH          = 3
	defaultFunnelN = 120
)

// Builder assembles a dashboard section by section. It is how package
// framework (one section per domain) and FromReport build dashboards:
//
//	b := dashboardspec.NewBuilder("diabetes", "Diabetes care")
//	b.AddSection("Overview")
//	b.AddTiles(rep)
//	b.AddSection("HbA1c control")
//	b.AddIndicator(rep, "DM-HBA1C", dashboardspec.WithAreaStratifier("practice"))
//	d, err := b.Dashboard()
//
// Items flow left to right on the 24-column grid of the current section and
// wrap to a new row. A Builder is not safe for concurrent use.
type Builder struct {
	cfg      config
	d        Dashboard
	ids      map[string]bool
	datasets map[string]string    // memoised datasets by key
	spcs     map[string]*spcBuilt // memoised control charts by series and indicator
	x, y, h  int                  // the flow cursor of the current section
	errs     []error
}

// NewBuilder starts a dashboard with the given id and title (WithTitle
// overrides the title).
func NewBuilder(id, title string, opts ...Option) *Builder {
	b := &Builder{ids: map[string]bool{}, datasets: map[string]string{}}
	for _, o := range opts {
		o(&b.cfg)
	}
	if b.cfg.title != "" {
		title = b.cfg.title
	}
	b.d = Dashboard{
		APIVersion: APIVersion, ID: slug(id), Title: title, Description: b.cfg.description,
		Datasets: []Dataset{}, Panels: []Panel{}, Layout: Layout{Columns: GridColumns, Sections: []Section{}},
	}
	return b
}

func (b *Builder) with(opts []Option) config {
	c := b.cfg
	for _, o := range opts {
		o(&c)
	}
	if c.funnelPoints == 0 {
		c.funnelPoints = defaultFunnelN
	}
	c.funnelPoints = min(max(c.funnelPoints, 10), 5000)
	return c
}

// unique returns a fresh id made from parts.
func (b *Builder) unique(parts ...string) string {
	base := slug(strings.Join(parts, "-"))
	id := base
	for i := 2; b.ids[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	b.ids[id] = true
	return id
}

// slug lowercases s and keeps letters, digits, '.', '_' and '-', turning
// anything else into '-'; the result is a valid id (at most 100 bytes).
func slug(s string) string {
	var sb strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_'
		switch {
		case ok:
			sb.WriteRune(r)
			dash = false
		case !dash && sb.Len() > 0:
			sb.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(sb.String(), "-._")
	if len(out) > 100 {
		out = strings.Trim(out[:100], "-._")
	}
	if out == "" {
		out = "x"
	}
	return out
}

// AddSection starts a new section; the items added next go in it.
func (b *Builder) AddSection(title string, opts ...Option) {
	c := b.with(opts)
	b.d.Layout.Sections = append(b.d.Layout.Sections, Section{ID: b.unique("section", title), Title: title, Description: c.description, Items: []GridItem{}})
	b.x, b.y, b.h = 0, 0, 0
}

// AddDataset adds a dataset as given (its id must be unique).
func (b *Builder) AddDataset(ds Dataset) {
	b.ids[ds.ID] = true
	b.d.Datasets = append(b.d.Datasets, ds)
}

// AddPanel adds a panel and places it w columns wide and h rows high in the
// current section (a section titled like the dashboard is started when
// there is none). The panel's id must be unique; its datasets must have
// been added.
func (b *Builder) AddPanel(p Panel, w, h int) {
	if len(b.d.Layout.Sections) == 0 {
		b.AddSection(b.d.Title)
	}
	b.ids[p.ID] = true
	w = min(max(w, 1), GridColumns)
	h = max(h, 1)
	if b.x+w > GridColumns {
		b.x, b.y, b.h = 0, b.y+b.h, 0
	}
	sec := &b.d.Layout.Sections[len(b.d.Layout.Sections)-1]
	sec.Items = append(sec.Items, GridItem{Panel: p.ID, X: b.x, Y: b.y, W: w, H: h})
	b.x += w
	b.h = max(b.h, h)
	b.d.Panels = append(b.d.Panels, p)
}

// AddMarkdown adds a text panel across the grid.
func (b *Builder) AddMarkdown(title, text string) {
	b.AddPanel(Panel{ID: b.unique("text", title), Kind: KindMarkdown, Title: title, Markdown: text}, GridColumns, textH)
}

// LogicModelInput is a logic model as AddLogicModel takes it: the neutral
// form of a chain, so that this package need not import logicmodel.
type LogicModelInput struct {
	ID, Title string
	Model     LogicModel
	// Provenance says where the statuses come from; Source is required.
	Provenance Provenance
}

// AddLogicModel adds a logic-model panel across the grid.
func (b *Builder) AddLogicModel(in LogicModelInput) {
	m := in.Model
	prov := in.Provenance
	if prov.Source == "" {
		prov.Source = b.cfg.source
	}
	if prov.Source == "" {
		prov.Source = "logic model " + in.ID
	}
	h := 2 + 2*maxColumnSize(m)
	b.AddPanel(Panel{ID: b.unique("logicmodel", in.ID), Kind: KindLogicModel, Title: in.Title, LogicModel: &m, Provenance: &prov}, GridColumns, h)
}

func maxColumnSize(m LogicModel) int {
	n := map[string]int{}
	best := 1
	for _, e := range m.Elements {
		n[e.Column]++
		best = max(best, n[e.Column])
	}
	return best
}

// Dashboard validates what was built and returns it. The Builder can go on
// building; the returned dashboard shares nothing with it.
func (b *Builder) Dashboard() (*Dashboard, error) {
	if err := errors.Join(b.errs...); err != nil {
		return nil, err
	}
	raw, err := Marshal(&b.d)
	if err != nil {
		return nil, err
	}
	d, err := Parse(raw) // a deep copy
	if err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("dashboardspec: built an invalid dashboard: %w", err)
	}
	return d, nil
}

// FromReport builds a dashboard from an indicator report in one call: an
// overview section with a tile per headline indicator (with a sparkline
// when WithSeries is given) and a table of every indicator, then a section
// per indicator with a bar chart per stratifier, a funnel and a caterpillar
// plot for the area stratifier (WithAreaStratifier), and an SPC chart when
// WithSeries has the indicator. WithFocusArea adds a spine chart to the
// overview. Nothing the report withheld by its disclosure policy is shown
// or can be derived; the suppression notes go into the provenance.
func FromReport(rep *indicator.Report, opts ...Option) (*Dashboard, error) {
	if rep == nil {
		return nil, errors.New("dashboardspec: nil report")
	}
	title := rep.SetID
	if rep.Period != "" {
		title += " — " + rep.Period
	}
	b := NewBuilder(rep.SetID, title, opts...)
	if err := b.AddReport(rep); err != nil {
		return nil, err
	}
	return b.Dashboard()
}

// AddReport adds what FromReport builds to the builder: an overview
// section, then a section per indicator.
func (b *Builder) AddReport(rep *indicator.Report, opts ...Option) error {
	if rep == nil {
		return errors.New("dashboardspec: nil report")
	}
	c := b.with(opts)
	b.AddSection("Overview", opts...)
	if err := b.AddTiles(rep, opts...); err != nil {
		return err
	}
	b.AddTable(rep, opts...)
	if c.focus != "" && c.area != "" {
		if err := b.AddSpine(rep, opts...); err != nil {
			return err
		}
	}
	for i := range rep.Indicators {
		r := &rep.Indicators[i]
		b.AddSection(orID(r.Title, r.ID), WithDescription(fmt.Sprintf("Indicator %s%s.", r.ID, versionSuffix(r.Version))))
		if err := b.AddIndicator(rep, r.ID, opts...); err != nil {
			return err
		}
	}
	return nil
}

func orID(title, id string) string {
	if title == "" {
		return id
	}
	return title
}

func versionSuffix(v string) string {
	if v == "" {
		return ""
	}
	return " version " + v
}

// AddIndicator adds one indicator's charts to the current section: a bar
// chart per stratifier, a funnel and a caterpillar plot for the area
// stratifier, and an SPC chart when the series (WithSeries) has it.
func (b *Builder) AddIndicator(rep *indicator.Report, id string, opts ...Option) error {
	if rep == nil {
		return errors.New("dashboardspec: nil report")
	}
	c := b.with(opts)
	r, ok := rep.Result(id)
	if !ok {
		return fmt.Errorf("dashboardspec: report %s has no indicator %q", rep.SetID, id)
	}
	if c.series != nil {
		if _, ok := c.series.Results(id); ok {
			if err := b.AddSeries(c.series, id, opts...); err != nil {
				return err
			}
		}
	}
	for _, sr := range r.Stratifiers {
		if c.area != "" && sr.ID == c.area {
			if err := b.addAreas(rep, r, sr, c); err != nil {
				return err
			}
			continue
		}
		b.addBar(rep, r, sr, c)
	}
	return nil
}

// provenance is the provenance of a panel about result r.
func provenance(rep *indicator.Report, r *indicator.Result, c config) *Provenance {
	p := &Provenance{Set: rep.SetID, SetVersion: rep.SetVersion, Period: period(rep), Source: c.source}
	if p.Source == "" {
		p.Source = fmt.Sprintf("hpi evaluation of indicator set %s over %d records", rep.SetID, rep.Read)
	}
	if r != nil {
		p.Indicator, p.IndicatorVersion = r.ID, r.Version
		p.Method = method(r.Estimate)
		if r.Suppressed != nil {
			p.Suppression = append(p.Suppression, "overall "+suppressionNote(r.Suppressed))
		}
		if r.Accounting.Errored > 0 {
			p.Notes = append(p.Notes, fmt.Sprintf("%d records failed to evaluate and are not counted", r.Accounting.Errored))
		}
	}
	return p
}

func method(e indicator.Estimate) string {
	if e.Method == "" {
		return ""
	}
	if e.Level != 0 {
		return fmt.Sprintf("%s interval, %s%%", e.Method, formatNumber(e.Level*100))
	}
	return e.Method + " interval"
}

func suppressionNote(s *indicator.Suppression) string {
	var parts []string
	if s.Numerator.Suppressed() {
		parts = append(parts, fmt.Sprintf("numerator withheld (%s)", s.Numerator))
	}
	if s.Denominator.Suppressed() {
		parts = append(parts, fmt.Sprintf("denominator withheld (%s)", s.Denominator))
	}
	if len(parts) == 0 {
		return "value withheld"
	}
	return strings.Join(parts, ", ") + "; value withheld: small numbers"
}

// period names the report's period: its label in a series, else the
// period_start and period_end parameters when it has them.
func period(rep *indicator.Report) string {
	if rep.Period != "" {
		return rep.Period
	}
	start, end := rep.Parameters["period_start"], rep.Parameters["period_end"]
	if start == "" || end == "" {
		return ""
	}
	return strings.TrimSuffix(start, "T00:00:00Z") + " to " + strings.TrimSuffix(end, "T00:00:00Z")
}

// published returns what may be shown of an estimate and its terms: a
// withheld term is null, and so are the value and interval when anything
// was withheld, whatever the report's fields hold.
func published(e indicator.Estimate, num, den indicator.Float, s *indicator.Suppression) (val, lo, hi, n, d Value) {
	if s == nil {
		return Num(float64(e.Value)), Num(float64(e.Lower)), Num(float64(e.Upper)), Num(float64(num)), Num(float64(den))
	}
	if !s.Numerator.Suppressed() {
		n = Num(float64(num))
	}
	if !s.Denominator.Suppressed() {
		d = Num(float64(den))
	}
	return Null(), Null(), Null(), n, d
}

func note(e indicator.Estimate, s *indicator.Suppression) string {
	if s != nil {
		return "suppressed: small numbers"
	}
	return e.Note
}

// valueFormat is the d3 format of an indicator's values.
func valueFormat(t indicator.Type) string {
	if t == indicator.Count {
		return ",.0f"
	}
	return ",.1f"
}

const countFormat = ",.0f"

// headline returns the dataset of every indicator's overall result, one
// row each, made once per report.
func (b *Builder) headline(rep *indicator.Report) string {
	key := "headline\x00" + rep.SetID + "\x00" + rep.Period
	if id, ok := b.datasets[key]; ok {
		return id
	}
	ds := Dataset{
		ID: b.unique("headline", rep.SetID, rep.Period), Title: "Indicators",
		Fields: []Field{
			{Name: "indicator", Type: TypeString, Role: RoleLabel, Title: "Indicator"},
			{Name: "title", Type: TypeString, Role: RoleLabel, Title: "Title"},
			{Name: "value", Type: TypeNumber, Role: RoleMeasure, Title: "Value"},
			{Name: "lower", Type: TypeNumber, Role: RoleLower, Title: "Lower"},
			{Name: "upper", Type: TypeNumber, Role: RoleUpper, Title: "Upper"},
			{Name: "unit", Type: TypeString, Title: "Unit"},
			{Name: "numerator", Type: TypeNumber, Role: RoleCount, Title: "Numerator"},
			{Name: "denominator", Type: TypeNumber, Role: RoleCount, Title: "Denominator"},
			{Name: "target", Type: TypeNumber, Title: "Target"},
			{Name: "status", Type: TypeString, Role: RoleStatus, Title: "Status"},
			{Name: "note", Type: TypeString, Title: "Note"},
		},
		Rows: [][]Value{},
	}
	for _, r := range rep.Indicators {
		val, lo, hi, n, d := published(r.Estimate, r.Numerator, r.Denominator, r.Suppressed)
		target := Null()
		if r.Target != nil {
			target = Num(*r.Target)
		}
		status := Null()
		if r.Status != "" && r.Suppressed == nil {
			status = Str(r.Status)
		}
		ds.Rows = append(ds.Rows, []Value{Str(r.ID), Str(orID(r.Title, r.ID)), val, lo, hi, Str(r.Unit), n, d, target, status, textOrNull(note(r.Estimate, r.Suppressed))})
	}
	b.AddDataset(ds)
	b.datasets[key] = ds.ID
	return ds.ID
}

func textOrNull(s string) Value {
	if s == "" {
		return Null()
	}
	return Str(s)
}

// AddTiles adds a stat tile per headline indicator (WithHeadline; all by
// default), four to a row.
func (b *Builder) AddTiles(rep *indicator.Report, opts ...Option) error {
	if rep == nil {
		return errors.New("dashboardspec: nil report")
	}
	c := b.with(opts)
	ids := c.headline
	if ids == nil {
		for _, r := range rep.Indicators {
			ids = append(ids, r.ID)
		}
	}
	ds := b.headline(rep)
	for _, id := range ids {
		r, ok := rep.Result(id)
		if !ok {
			return fmt.Errorf("dashboardspec: report %s has no headline indicator %q", rep.SetID, id)
		}
		stat := &StatOptions{Match: &Match{Field: "indicator", Value: r.ID}, Unit: r.Unit, Target: r.Target}
		if c.series != nil {
			if _, ok := c.series.Results(id); ok {
				sid, err := b.spcDataset(c.series, id, c)
				if err != nil {
					return err
				}
				stat.Sparkline = &Sparkline{Dataset: sid, Y: "value"}
			}
		}
		vf := valueFormat(r.Type)
		b.AddPanel(Panel{
			ID: b.unique("tile", r.ID), Kind: KindStat, Title: orID(r.Title, r.ID), Dataset: ds,
			Encoding: &Encoding{
				Y:     &Channel{Field: "value", Format: vf},
				Lower: &Channel{Field: "lower", Format: vf}, Upper: &Channel{Field: "upper", Format: vf},
				Status: &Channel{Field: "status", Title: "Status"},
			},
			Stat: stat, Provenance: provenance(rep, r, c),
		}, tileW, tileH)
	}
	return nil
}

// AddTable adds a table of every indicator's overall result.
func (b *Builder) AddTable(rep *indicator.Report, opts ...Option) {
	c := b.with(opts)
	ds := b.headline(rep)
	prov := provenance(rep, nil, c)
	for _, r := range rep.Indicators {
		if r.Suppressed != nil {
			prov.Suppression = append(prov.Suppression, r.ID+": "+suppressionNote(r.Suppressed))
		}
	}
	b.AddPanel(Panel{
		ID: b.unique("table", rep.SetID), Kind: KindTable, Title: "All indicators", Dataset: ds,
		Encoding: &Encoding{Columns: []Channel{
			{Field: "title", Title: "Indicator"}, {Field: "value", Title: "Value", Format: ",.1f"},
			{Field: "lower", Title: "Lower", Format: ",.1f"}, {Field: "upper", Title: "Upper", Format: ",.1f"},
			{Field: "unit", Title: "Unit"},
			{Field: "numerator", Title: "Numerator", Format: countFormat}, {Field: "denominator", Title: "Denominator", Format: countFormat},
			{Field: "status", Title: "Status"}, {Field: "note", Title: "Note"},
		}},
		Provenance: prov,
	}, GridColumns, 2+len(rep.Indicators)/2)
}

// strataDataset returns the dataset of one stratifier's strata.
func (b *Builder) strataDataset(r *indicator.Result, sr indicator.StratifierResult, kind string, unit string) (Dataset, int) {
	ds := Dataset{
		ID: b.unique(kind, r.ID, sr.ID), Title: fmt.Sprintf("%s by %s", r.ID, sr.ID),
		Fields: []Field{
			{Name: "stratum", Type: TypeString, Role: RoleStratum, Title: sr.ID},
			{Name: "value", Type: TypeNumber, Role: RoleMeasure, Title: "Value", Unit: unit},
			{Name: "lower", Type: TypeNumber, Role: RoleLower, Title: "Lower"},
			{Name: "upper", Type: TypeNumber, Role: RoleUpper, Title: "Upper"},
			{Name: "numerator", Type: TypeNumber, Role: RoleCount, Title: "Numerator"},
			{Name: "denominator", Type: TypeNumber, Role: RoleCount, Title: "Denominator"},
			{Name: "benchmark", Type: TypeNumber, Role: RoleCentre, Title: "Overall value"},
			{Name: "comparison", Type: TypeString, Role: RoleStatus, Title: "Compared with overall"},
			{Name: "note", Type: TypeString, Title: "Note"},
		},
		Rows: [][]Value{},
	}
	withheld := 0
	bench := Num(float64(r.Value))
	if r.Suppressed != nil {
		bench = Null()
	}
	for _, st := range sr.Strata {
		val, lo, hi, n, d := published(st.Estimate, st.Numerator, st.Denominator, st.Suppressed)
		if st.Suppressed != nil {
			withheld++
		}
		cmp := Str(st.Comparison)
		if st.Suppressed != nil || st.Comparison == "" {
			cmp = Str("not compared")
		}
		ds.Rows = append(ds.Rows, []Value{Str(strings.Join(st.Values, " / ")), val, lo, hi, n, d, bench, cmp, textOrNull(note(st.Estimate, st.Suppressed))})
	}
	return ds, withheld
}

func strataProvenance(rep *indicator.Report, r *indicator.Result, sr indicator.StratifierResult, withheld int, c config) *Provenance {
	p := provenance(rep, r, c)
	if withheld > 0 {
		p.Suppression = append(p.Suppression, fmt.Sprintf("%d of %d strata of %s withheld: small numbers (primary or complementary suppression)", withheld, len(sr.Strata), sr.ID))
	}
	return p
}

func (b *Builder) addBar(rep *indicator.Report, r *indicator.Result, sr indicator.StratifierResult, c config) {
	ds, withheld := b.strataDataset(r, sr, "strata", r.Unit)
	b.AddDataset(ds)
	vf := valueFormat(r.Type)
	b.AddPanel(Panel{
		ID: b.unique("bar", r.ID, sr.ID), Kind: KindBar, Title: fmt.Sprintf("%s by %s", orID(r.Title, r.ID), sr.ID),
		Alt:     fmt.Sprintf("Bar chart of %s by %s with %s intervals; the line is the overall value.", r.ID, sr.ID, intervalName(r.Estimate)),
		Dataset: ds.ID,
		Encoding: &Encoding{
			Label: &Channel{Field: "stratum", Title: sr.ID},
			Y:     &Channel{Field: "value", Title: yTitle(r), Format: vf},
			Lower: &Channel{Field: "lower", Format: vf}, Upper: &Channel{Field: "upper", Format: vf},
			Centre: &Channel{Field: "benchmark", Title: "Overall", Format: vf},
			Status: &Channel{Field: "comparison", Title: "Compared with overall"},
		},
		Provenance: strataProvenance(rep, r, sr, withheld, c),
	}, 8, chartH)
}

func intervalName(e indicator.Estimate) string {
	if e.Level == 0 {
		return "no"
	}
	return formatNumber(e.Level*100) + "%"
}

func yTitle(r *indicator.Result) string {
	if r.Unit == "" {
		return r.ID
	}
	return fmt.Sprintf("%s (%s)", r.ID, r.Unit)
}

// isFinite reports whether x is a finite number.
func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
