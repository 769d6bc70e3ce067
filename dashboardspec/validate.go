package dashboardspec

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
)

// ErrInvalid is matched (errors.Is) by the Problems Validate returns.
var ErrInvalid = errors.New("dashboardspec: invalid dashboard")

// Problem is one thing wrong with a dashboard, at a JSON Pointer (RFC 6901)
// into its JSON form, e.g. /panels/3/encoding/y/field.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Problems is every problem Validate found, in document order. It is an
// error that prints one problem per line.
type Problems []Problem

// Error implements error.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Path + ": " + p.Message
	}
	return strings.Join(lines, "\n")
}

// Is makes errors.Is(problems, ErrInvalid) true.
func (ps Problems) Is(target error) bool { return target == ErrInvalid }

// idPattern is what dataset, panel, section and filter ids look like: safe
// in a URL, a file name and an HTML id.
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

type validator struct {
	d        *Dashboard
	problems Problems
}

func (v *validator) addf(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Validate checks d and returns every problem as Problems, or nil: the
// apiVersion; ids (present, well formed, unique); dataset fields (named,
// typed, unique) and rows (one value per field, of the field's type); every
// panel's kind, dataset and the encoding its kind needs, each channel naming
// a field of the dataset; provenance on every panel but markdown; filters;
// and the layout: 24 columns, every item naming a panel, inside the grid and
// overlapping no other item of its section, every panel placed once.
func (d *Dashboard) Validate() error {
	if d == nil {
		return Problems{{Path: "", Message: "nil dashboard"}}
	}
	v := &validator{d: d}
	if d.APIVersion != APIVersion {
		v.addf("/apiVersion", "is %q, want %q", d.APIVersion, APIVersion)
	}
	v.id("/id", d.ID)
	if d.Title == "" {
		v.addf("/title", "missing")
	}
	seen := map[string]int{}
	for i := range d.Datasets {
		v.dataset(fmt.Sprintf("/datasets/%d", i), &d.Datasets[i], seen)
	}
	seenPanels := map[string]int{}
	for i := range d.Panels {
		v.panel(fmt.Sprintf("/panels/%d", i), &d.Panels[i], seenPanels)
	}
	seenFilters := map[string]int{}
	for i, f := range d.Filters {
		p := fmt.Sprintf("/filters/%d", i)
		v.unique(p+"/id", f.ID, seenFilters, "filter")
		if f.Field == "" {
			v.addf(p+"/field", "missing")
		}
		if f.Default != "" && !contains(f.Values, f.Default) {
			v.addf(p+"/default", "%q is not one of the values", f.Default)
		}
	}
	v.layout(seenPanels)
	if len(v.problems) == 0 {
		return nil
	}
	return v.problems
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func (v *validator) id(path, id string) bool {
	if id == "" {
		v.addf(path, "missing")
		return false
	}
	if !idPattern.MatchString(id) {
		v.addf(path, "%q is not an id: letters, digits, '_', '.' and '-', starting with a letter or digit, at most 128", id)
		return false
	}
	return true
}

func (v *validator) unique(path, id string, seen map[string]int, what string) {
	if !v.id(path, id) {
		return
	}
	if _, dup := seen[id]; dup {
		v.addf(path, "duplicate %s id %q", what, id)
		return
	}
	seen[id] = len(seen)
}

func (v *validator) dataset(path string, ds *Dataset, seen map[string]int) {
	v.unique(path+"/id", ds.ID, seen, "dataset")
	names := map[string]bool{}
	for j, f := range ds.Fields {
		fp := fmt.Sprintf("%s/fields/%d", path, j)
		switch {
		case f.Name == "":
			v.addf(fp+"/name", "missing")
		case names[f.Name]:
			v.addf(fp+"/name", "duplicate field %q", f.Name)
		}
		names[f.Name] = true
		if !validType(f.Type) {
			v.addf(fp+"/type", "unknown field type %q", f.Type)
		}
		if f.Role != "" && !validRole(f.Role) {
			v.addf(fp+"/role", "unknown role %q", f.Role)
		}
	}
	for r, row := range ds.Rows {
		rp := fmt.Sprintf("%s/rows/%d", path, r)
		if len(row) != len(ds.Fields) {
			v.addf(rp, "has %d values for %d fields", len(row), len(ds.Fields))
			continue
		}
		for c, val := range row {
			if msg := typeMismatch(ds.Fields[c].Type, val); msg != "" {
				v.addf(fmt.Sprintf("%s/%d", rp, c), "field %q: %s", ds.Fields[c].Name, msg)
			}
		}
	}
}

func validType(t FieldType) bool {
	for _, x := range FieldTypes() {
		if t == x {
			return true
		}
	}
	return false
}

func validRole(r Role) bool {
	for _, x := range Roles() {
		if r == x {
			return true
		}
	}
	return false
}

func typeMismatch(t FieldType, val Value) string {
	if val.IsNull() {
		return ""
	}
	switch t {
	case TypeNumber:
		if _, ok := val.Float(); !ok {
			return "want a number"
		}
	case TypeInteger:
		x, ok := val.Float()
		if !ok || x != math.Trunc(x) {
			return "want an integer"
		}
	case TypeString, TypeTemporal:
		if _, ok := val.Text(); !ok {
			return "want a string"
		}
	case TypeBoolean:
		if _, ok := val.Boolean(); !ok {
			return "want a boolean"
		}
	}
	return ""
}

// need lists, per kind, the channels its encoding must have.
func need(k Kind) []string {
	switch k {
	case KindStat:
		return []string{"y"}
	case KindTimeseries:
		return []string{"x", "y"}
	case KindSPC:
		return []string{"x", "y", "centre"}
	case KindFunnel:
		return []string{"x", "y"}
	case KindCaterpillar:
		return []string{"label", "y"}
	case KindBar:
		return []string{"label", "y"}
	case KindSpine:
		return []string{"label", "y", "lower", "upper", "centre"}
	}
	return nil
}

// channels returns the encoding's named channels, in a fixed order.
func (e *Encoding) channels() []struct {
	name string
	ch   *Channel
} {
	return []struct {
		name string
		ch   *Channel
	}{
		{"x", e.X}, {"y", e.Y}, {"lower", e.Lower}, {"upper", e.Upper}, {"centre", e.Centre},
		{"lowerLimit", e.LowerLimit}, {"upperLimit", e.UpperLimit}, {"signal", e.Signal},
		{"status", e.Status}, {"comparison", e.Comparison}, {"label", e.Label},
	}
}

func (v *validator) panel(path string, p *Panel, seen map[string]int) {
	v.unique(path+"/id", p.ID, seen, "panel")
	if !p.Kind.Valid() {
		v.addf(path+"/kind", "unknown kind %q", p.Kind)
		return
	}
	if p.Title == "" {
		v.addf(path+"/title", "missing")
	}
	if p.Kind != KindMarkdown {
		if p.Provenance == nil {
			v.addf(path+"/provenance", "missing: every panel but markdown says where its numbers come from")
		} else if p.Provenance.Source == "" {
			v.addf(path+"/provenance/source", "missing")
		}
	}
	switch p.Kind {
	case KindMarkdown:
		if p.Markdown == "" {
			v.addf(path+"/markdown", "missing")
		}
		return
	case KindLogicModel:
		v.logicModel(path+"/logicModel", p.LogicModel)
		return
	}
	ds, ok := v.d.Dataset(p.Dataset)
	if p.Dataset == "" {
		v.addf(path+"/dataset", "missing")
	} else if !ok {
		v.addf(path+"/dataset", "unknown dataset %q", p.Dataset)
	}
	if p.Encoding == nil {
		v.addf(path+"/encoding", "missing encoding for a %s panel", p.Kind)
		return
	}
	have := map[string]bool{}
	for _, c := range p.Encoding.channels() {
		if c.ch == nil {
			continue
		}
		have[c.name] = true
		v.field(fmt.Sprintf("%s/encoding/%s/field", path, c.name), ds, c.ch.Field)
	}
	for i, c := range p.Encoding.Columns {
		v.field(fmt.Sprintf("%s/encoding/columns/%d/field", path, i), ds, c.Field)
	}
	for _, name := range need(p.Kind) {
		if !have[name] {
			v.addf(path+"/encoding/"+name, "missing encoding: a %s panel needs %s", p.Kind, name)
		}
	}
	switch p.Kind {
	case KindTable:
		if len(p.Encoding.Columns) == 0 {
			v.addf(path+"/encoding/columns", "missing encoding: a table needs columns")
		}
	case KindStat:
		if p.Stat != nil {
			if p.Stat.Match != nil {
				v.field(path+"/stat/match/field", ds, p.Stat.Match.Field)
			}
			if s := p.Stat.Sparkline; s != nil {
				sds, ok := v.d.Dataset(s.Dataset)
				if !ok {
					v.addf(path+"/stat/sparkline/dataset", "unknown dataset %q", s.Dataset)
				} else {
					v.field(path+"/stat/sparkline/y", sds, s.Y)
				}
			}
			v.finite(path+"/stat/target", p.Stat.Target)
		}
	case KindSPC:
		if p.SPC == nil {
			v.addf(path+"/spc", "missing")
		} else {
			v.finite(path+"/spc/target", p.SPC.Target)
		}
	case KindFunnel:
		f := p.Funnel
		if f == nil {
			v.addf(path+"/funnel", "missing: a funnel needs its limits")
			break
		}
		lds, ok := v.d.Dataset(f.Limits)
		if !ok {
			v.addf(path+"/funnel/limits", "unknown dataset %q", f.Limits)
		} else {
			v.field(path+"/funnel/x", lds, f.X)
			v.field(path+"/funnel/y", lds, f.Y)
			v.field(path+"/funnel/series", lds, f.Series)
		}
		if math.IsNaN(f.Baseline) || math.IsInf(f.Baseline, 0) {
			v.addf(path+"/funnel/baseline", "not a finite number")
		}
	case KindSpine:
		if p.Spine == nil {
			v.addf(path+"/spine", "missing: a spine chart names its area")
			break
		}
		if p.Spine.Q1 != "" {
			v.field(path+"/spine/q1", ds, p.Spine.Q1)
		}
		if p.Spine.Q3 != "" {
			v.field(path+"/spine/q3", ds, p.Spine.Q3)
		}
	}
}

func (v *validator) finite(path string, x *float64) {
	if x != nil && (math.IsNaN(*x) || math.IsInf(*x, 0)) {
		v.addf(path, "not a finite number")
	}
}

// field checks that ds (nil when unknown, already reported) has the field.
func (v *validator) field(path string, ds *Dataset, name string) {
	switch {
	case name == "":
		v.addf(path, "missing")
	case ds != nil && ds.Field(name) < 0:
		v.addf(path, "unknown field %q in dataset %q", name, ds.ID)
	}
}

func (v *validator) logicModel(path string, m *LogicModel) {
	if m == nil {
		v.addf(path, "missing")
		return
	}
	if len(m.Columns) == 0 {
		v.addf(path+"/columns", "missing")
	}
	ids := map[string]bool{}
	for i, e := range m.Elements {
		ep := fmt.Sprintf("%s/elements/%d", path, i)
		switch {
		case e.ID == "":
			v.addf(ep+"/id", "missing")
		case ids[e.ID]:
			v.addf(ep+"/id", "duplicate element id %q", e.ID)
		}
		ids[e.ID] = true
		if !contains(m.Columns, e.Column) {
			v.addf(ep+"/column", "unknown column %q", e.Column)
		}
	}
	for i, l := range m.Links {
		lp := fmt.Sprintf("%s/links/%d", path, i)
		if !ids[l.From] {
			v.addf(lp+"/from", "unknown element %q", l.From)
		}
		if !ids[l.To] {
			v.addf(lp+"/to", "unknown element %q", l.To)
		}
	}
}

func (v *validator) layout(panels map[string]int) {
	l := v.d.Layout
	if l.Columns != GridColumns {
		v.addf("/layout/columns", "is %d, want %d", l.Columns, GridColumns)
	}
	placed := map[string]bool{}
	sections := map[string]int{}
	for s, sec := range l.Sections {
		sp := fmt.Sprintf("/layout/sections/%d", s)
		v.unique(sp+"/id", sec.ID, sections, "section")
		for i, it := range sec.Items {
			ip := fmt.Sprintf("%s/items/%d", sp, i)
			if _, ok := panels[it.Panel]; !ok {
				v.addf(ip+"/panel", "unknown panel %q", it.Panel)
			} else if placed[it.Panel] {
				v.addf(ip+"/panel", "panel %q is placed twice", it.Panel)
			}
			placed[it.Panel] = true
			switch {
			case it.X < 0 || it.Y < 0:
				v.addf(ip, "outside the grid: x = %d, y = %d must not be negative", it.X, it.Y)
			case it.W < 1 || it.H < 1:
				v.addf(ip, "outside the grid: w = %d, h = %d must be at least 1", it.W, it.H)
			case it.X >= GridColumns || it.W > GridColumns-it.X:
				v.addf(ip, "outside the grid: x = %d, w = %d exceed %d columns", it.X, it.W, GridColumns)
			case it.Y > maxRows || it.H > maxRows:
				v.addf(ip, "outside the grid: y = %d, h = %d exceed %d rows", it.Y, it.H, maxRows)
			default:
				for j := 0; j < i; j++ {
					if overlap(sec.Items[j], it) {
						v.addf(ip, "overlaps item %d (panel %q)", j, sec.Items[j].Panel)
					}
				}
			}
		}
	}
	for i, p := range v.d.Panels {
		if p.ID != "" && !placed[p.ID] {
			v.addf(fmt.Sprintf("/panels/%d", i), "panel %q is not placed in the layout", p.ID)
		}
	}
}

// maxRows bounds the rows of a section.
const maxRows = 100_000

func overlap(a, b GridItem) bool {
	if a.W < 1 || a.H < 1 || a.X < 0 || a.Y < 0 || a.X >= GridColumns || a.W > GridColumns-a.X || a.Y > maxRows || a.H > maxRows {
		return false // reported on its own
	}
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}
