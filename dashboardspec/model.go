package dashboardspec

// APIVersion is the version string every dashboard carries in apiVersion.
const APIVersion = "dashboardspec/v1"

// GridColumns is the width of the layout grid: every item spans 1 to 24
// columns.
const GridColumns = 24

// Dashboard is a vendor-neutral dashboard: what to show (panels laid out on
// a grid in sections) and the data to show (datasets), with provenance on
// every panel. It is plain data: a third party can produce one without
// importing anything else of hpi.
type Dashboard struct {
	APIVersion  string    `json:"apiVersion" yaml:"apiVersion"`
	ID          string    `json:"id" yaml:"id"`
	Title       string    `json:"title" yaml:"title"`
	Description string    `json:"description,omitempty" yaml:"description,omitempty"`
	Datasets    []Dataset `json:"datasets" yaml:"datasets"`
	Panels      []Panel   `json:"panels" yaml:"panels"`
	Filters     []Filter  `json:"filters,omitempty" yaml:"filters,omitempty"`
	Layout      Layout    `json:"layout" yaml:"layout"`
}

// Dataset is a table carried inline: typed fields and rows of values, one
// value per field in the order of Fields.
type Dataset struct {
	ID     string    `json:"id" yaml:"id"`
	Title  string    `json:"title,omitempty" yaml:"title,omitempty"`
	Fields []Field   `json:"fields" yaml:"fields"`
	Rows   [][]Value `json:"rows" yaml:"rows"`
}

// FieldType is the type of a dataset field.
type FieldType string

// The field types. A temporal field holds ISO 8601 dates or date-times as
// strings.
const (
	TypeNumber   FieldType = "number"
	TypeInteger  FieldType = "integer"
	TypeString   FieldType = "string"
	TypeBoolean  FieldType = "boolean"
	TypeTemporal FieldType = "temporal"
)

// Role says what a field means to a chart.
type Role string

// The field roles. Count marks a count subject to disclosure control (a
// numerator or denominator); Label names a row (an indicator, an area);
// Status holds a RAG status, a comparison or a significance label.
const (
	RoleMeasure Role = "measure"
	RoleLower   Role = "lower"
	RoleUpper   Role = "upper"
	RoleCentre  Role = "centre"
	RoleLimit   Role = "limit"
	RoleSignal  Role = "signal"
	RoleStratum Role = "stratum"
	RolePeriod  Role = "period"
	RoleCount   Role = "count"
	RoleLabel   Role = "label"
	RoleStatus  Role = "status"
)

// Field is one column of a dataset.
type Field struct {
	Name  string    `json:"name" yaml:"name"`
	Type  FieldType `json:"type" yaml:"type"`
	Role  Role      `json:"role,omitempty" yaml:"role,omitempty"`
	Title string    `json:"title,omitempty" yaml:"title,omitempty"`
	Unit  string    `json:"unit,omitempty" yaml:"unit,omitempty"`
}

// Kind is the kind of a panel; the set is closed.
type Kind string

// The panel kinds.
const (
	KindStat        Kind = "stat"        // a KPI tile: value, interval, RAG status, comparison, sparkline
	KindTable       Kind = "table"       // a table of a dataset's columns
	KindTimeseries  Kind = "timeseries"  // a value over time, with an optional interval band
	KindSPC         Kind = "spc"         // a control chart: centre line, limits, signals, Making Data Count icons
	KindFunnel      Kind = "funnel"      // areas by denominator against 95% and 99.8% limits
	KindCaterpillar Kind = "caterpillar" // areas ranked by value with their intervals
	KindBar         Kind = "bar"         // strata with their intervals
	KindSpine       Kind = "spine"       // one area against the range of areas, per indicator (Fingertips)
	KindLogicModel  Kind = "logicmodel"  // a logic-model chain with statuses
	KindMarkdown    Kind = "markdown"    // text
)

// Panel is one thing shown on the dashboard. Which of its parts are needed
// depends on Kind: every kind but markdown and logicmodel reads a Dataset
// through its Encoding; Stat, SPC, Funnel, Spine, LogicModel and Markdown
// hold what is particular to those kinds.
type Panel struct {
	ID          string         `json:"id" yaml:"id"`
	Kind        Kind           `json:"kind" yaml:"kind"`
	Title       string         `json:"title" yaml:"title"`
	Description string         `json:"description,omitempty" yaml:"description,omitempty"`
	Alt         string         `json:"alt,omitempty" yaml:"alt,omitempty"` // a text alternative for a chart
	Dataset     string         `json:"dataset,omitempty" yaml:"dataset,omitempty"`
	Encoding    *Encoding      `json:"encoding,omitempty" yaml:"encoding,omitempty"`
	Stat        *StatOptions   `json:"stat,omitempty" yaml:"stat,omitempty"`
	SPC         *SPCOptions    `json:"spc,omitempty" yaml:"spc,omitempty"`
	Funnel      *FunnelOptions `json:"funnel,omitempty" yaml:"funnel,omitempty"`
	Spine       *SpineOptions  `json:"spine,omitempty" yaml:"spine,omitempty"`
	LogicModel  *LogicModel    `json:"logicModel,omitempty" yaml:"logicModel,omitempty"`
	Markdown    string         `json:"markdown,omitempty" yaml:"markdown,omitempty"`
	Provenance  *Provenance    `json:"provenance,omitempty" yaml:"provenance,omitempty"`
	Links       []Link         `json:"links,omitempty" yaml:"links,omitempty"`
}

// Link is a hyperlink shown with a panel (a definition, a source).
type Link struct {
	Title string `json:"title" yaml:"title"`
	URL   string `json:"url" yaml:"url"`
}

// Encoding maps a panel's visual channels to fields of its dataset. The
// channels a kind needs:
//
//   - stat: y (the value); lower, upper, status, comparison optional.
//   - table: columns.
//   - timeseries: x (the period) and y; lower and upper draw a band.
//   - spc: x, y, centre; lowerLimit, upperLimit and signal optional.
//   - funnel: x (the denominator) and y; label, status optional.
//   - caterpillar: label and y; lower, upper, centre (the benchmark), status optional.
//   - bar: label and y; lower, upper, status optional.
//   - spine: label (the indicator), y (the area), lower and upper (the
//     range of areas), centre (the benchmark); status optional.
//
// In the neutral model y is always the value axis, whatever the
// orientation an emitter draws. Emitters leave out an optional channel whose
// field is null in every row.
type Encoding struct {
	X          *Channel  `json:"x,omitempty" yaml:"x,omitempty"`
	Y          *Channel  `json:"y,omitempty" yaml:"y,omitempty"`
	Lower      *Channel  `json:"lower,omitempty" yaml:"lower,omitempty"`
	Upper      *Channel  `json:"upper,omitempty" yaml:"upper,omitempty"`
	Centre     *Channel  `json:"centre,omitempty" yaml:"centre,omitempty"`
	LowerLimit *Channel  `json:"lowerLimit,omitempty" yaml:"lowerLimit,omitempty"`
	UpperLimit *Channel  `json:"upperLimit,omitempty" yaml:"upperLimit,omitempty"`
	Signal     *Channel  `json:"signal,omitempty" yaml:"signal,omitempty"`
	Status     *Channel  `json:"status,omitempty" yaml:"status,omitempty"`
	Comparison *Channel  `json:"comparison,omitempty" yaml:"comparison,omitempty"`
	Label      *Channel  `json:"label,omitempty" yaml:"label,omitempty"`
	Columns    []Channel `json:"columns,omitempty" yaml:"columns,omitempty"`
}

// Channel names a dataset field shown through a channel, with an optional
// title and a d3-format number format (e.g. ".1f").
type Channel struct {
	Field  string `json:"field" yaml:"field"`
	Title  string `json:"title,omitempty" yaml:"title,omitempty"`
	Format string `json:"format,omitempty" yaml:"format,omitempty"`
}

// StatOptions selects the row a stat tile shows, when its dataset has more
// than one, and adds what a tile shows besides the value.
type StatOptions struct {
	// Match selects the first row whose field equals the value.
	Match *Match `json:"match,omitempty" yaml:"match,omitempty"`
	// Unit is shown after the value, e.g. "%".
	Unit string `json:"unit,omitempty" yaml:"unit,omitempty"`
	// Target is shown with the value.
	Target *float64 `json:"target,omitempty" yaml:"target,omitempty"`
	// Sparkline draws the recent trend from another dataset.
	Sparkline *Sparkline `json:"sparkline,omitempty" yaml:"sparkline,omitempty"`
}

// Match selects rows whose field has the given value.
type Match struct {
	Field string `json:"field" yaml:"field"`
	Value string `json:"value" yaml:"value"`
}

// Sparkline is a small line of a dataset's y field, in row order.
type Sparkline struct {
	Dataset string `json:"dataset" yaml:"dataset"`
	Y       string `json:"y" yaml:"y"`
}

// SPCOptions describes a control chart: its kind (qicharts2's names: p, u,
// i, …) and the Making Data Count icons.
type SPCOptions struct {
	Chart string `json:"chart" yaml:"chart"`
	// Variation is the Making Data Count variation icon: common_cause,
	// special_cause_improvement, special_cause_concern,
	// special_cause_neutral_high or special_cause_neutral_low.
	Variation string `json:"variation,omitempty" yaml:"variation,omitempty"`
	// Assurance is the assurance icon: consistent_pass, consistent_fail or
	// inconsistent; empty without a target.
	Assurance string   `json:"assurance,omitempty" yaml:"assurance,omitempty"`
	Target    *float64 `json:"target,omitempty" yaml:"target,omitempty"`
}

// FunnelOptions names the dataset of the funnel's limit curves, in long
// form: one row per point of a curve, x the denominator, y the limit, and
// series the curve's name (e.g. "99.8% upper").
type FunnelOptions struct {
	Limits   string  `json:"limits" yaml:"limits"`
	X        string  `json:"x" yaml:"x"`
	Y        string  `json:"y" yaml:"y"`
	Series   string  `json:"series" yaml:"series"`
	Baseline float64 `json:"baseline" yaml:"baseline"` // the centre line, on the display scale
	Method   string  `json:"method,omitempty" yaml:"method,omitempty"`
}

// SpineOptions names the quartile fields of a spine chart, drawn as the
// darker inner band.
type SpineOptions struct {
	Q1 string `json:"q1,omitempty" yaml:"q1,omitempty"`
	Q3 string `json:"q3,omitempty" yaml:"q3,omitempty"`
	// Area is the name of the area shown against the others.
	Area string `json:"area" yaml:"area"`
}

// LogicModel is a logic-model chain as a panel shows it: columns in order
// (inputs … impact), elements in columns with a status, and links.
type LogicModel struct {
	Columns  []string          `json:"columns" yaml:"columns"`
	Elements []LogicElement    `json:"elements" yaml:"elements"`
	Links    []LogicLink       `json:"links,omitempty" yaml:"links,omitempty"`
	Statuses map[string]string `json:"statuses,omitempty" yaml:"statuses,omitempty"` // status → description, for a legend
}

// LogicElement is one element of a logic model.
type LogicElement struct {
	ID         string   `json:"id" yaml:"id"`
	Label      string   `json:"label" yaml:"label"`
	Column     string   `json:"column" yaml:"column"`
	Status     string   `json:"status,omitempty" yaml:"status,omitempty"` // e.g. green, amber, red, unknown
	Indicators []string `json:"indicators,omitempty" yaml:"indicators,omitempty"`
	Note       string   `json:"note,omitempty" yaml:"note,omitempty"`
}

// LogicLink is a link between two elements, with its assumption.
type LogicLink struct {
	From       string `json:"from" yaml:"from"`
	To         string `json:"to" yaml:"to"`
	Assumption string `json:"assumption,omitempty" yaml:"assumption,omitempty"`
}

// Provenance says where a panel's numbers come from. Suppression lists the
// disclosure-control notes of what the source withheld.
type Provenance struct {
	Indicator        string   `json:"indicator,omitempty" yaml:"indicator,omitempty"`
	IndicatorVersion string   `json:"indicatorVersion,omitempty" yaml:"indicatorVersion,omitempty"`
	Set              string   `json:"set,omitempty" yaml:"set,omitempty"`
	SetVersion       string   `json:"setVersion,omitempty" yaml:"setVersion,omitempty"`
	Period           string   `json:"period,omitempty" yaml:"period,omitempty"`
	Source           string   `json:"source" yaml:"source"`
	Method           string   `json:"method,omitempty" yaml:"method,omitempty"`
	Suppression      []string `json:"suppression,omitempty" yaml:"suppression,omitempty"`
	Notes            []string `json:"notes,omitempty" yaml:"notes,omitempty"`
}

// Filter is a choice the reader makes, applied to every chart whose
// dataset has the field. Values lists the choices; Default is the initial
// one, empty for all.
type Filter struct {
	ID      string   `json:"id" yaml:"id"`
	Title   string   `json:"title" yaml:"title"`
	Field   string   `json:"field" yaml:"field"`
	Values  []string `json:"values" yaml:"values"`
	Default string   `json:"default,omitempty" yaml:"default,omitempty"`
}

// Layout places panels on a grid of GridColumns columns, in sections (e.g.
// one per framework domain). Each section has its own rows, counted from 0.
type Layout struct {
	Columns  int       `json:"columns" yaml:"columns"`
	Sections []Section `json:"sections" yaml:"sections"`
}

// Section is a titled group of grid items.
type Section struct {
	ID          string     `json:"id" yaml:"id"`
	Title       string     `json:"title" yaml:"title"`
	Description string     `json:"description,omitempty" yaml:"description,omitempty"`
	Items       []GridItem `json:"items" yaml:"items"`
}

// GridItem places a panel at column X, row Y, spanning W columns and H
// rows.
type GridItem struct {
	Panel string `json:"panel" yaml:"panel"`
	X     int    `json:"x" yaml:"x"`
	Y     int    `json:"y" yaml:"y"`
	W     int    `json:"w" yaml:"w"`
	H     int    `json:"h" yaml:"h"`
}

// Dataset returns the dataset with the given id.
func (d *Dashboard) Dataset(id string) (*Dataset, bool) {
	for i := range d.Datasets {
		if d.Datasets[i].ID == id {
			return &d.Datasets[i], true
		}
	}
	return nil, false
}

// Panel returns the panel with the given id.
func (d *Dashboard) Panel(id string) (*Panel, bool) {
	for i := range d.Panels {
		if d.Panels[i].ID == id {
			return &d.Panels[i], true
		}
	}
	return nil, false
}

// Field returns the index of the field with the given name, or -1.
func (ds *Dataset) Field(name string) int {
	for i, f := range ds.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// IsChart reports whether panels of kind k are charts (drawn with
// Vega-Lite); stat, table, logicmodel and markdown are plain HTML.
func (k Kind) IsChart() bool {
	switch k {
	case KindTimeseries, KindSPC, KindFunnel, KindCaterpillar, KindBar, KindSpine:
		return true
	}
	return false
}

// Valid reports whether k is one of the panel kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindStat, KindTable, KindLogicModel, KindMarkdown:
		return true
	}
	return k.IsChart()
}

// Kinds returns every panel kind, in the order of the JSON Schema's enum.
func Kinds() []Kind {
	return []Kind{KindStat, KindTable, KindTimeseries, KindSPC, KindFunnel, KindCaterpillar, KindBar, KindSpine, KindLogicModel, KindMarkdown}
}

// Roles returns every field role, in the order of the JSON Schema's enum.
func Roles() []Role {
	return []Role{RoleMeasure, RoleLower, RoleUpper, RoleCentre, RoleLimit, RoleSignal, RoleStratum, RolePeriod, RoleCount, RoleLabel, RoleStatus}
}

// FieldTypes returns every field type, in the order of the JSON Schema's enum.
func FieldTypes() []FieldType {
	return []FieldType{TypeNumber, TypeInteger, TypeString, TypeBoolean, TypeTemporal}
}
