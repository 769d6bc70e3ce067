package dashboardspec

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/spc"
	"github.com/openhpi/hpi/indicator/stats"
)

// Funnel limits. The curves are computed here, in Go, on a dense grid, so
// that a renderer only draws lines:
//
//   - proportion: the baseline p is the overall value (numerator over
//     denominator); for n on a geometric grid of the funnel points from 0.8
//     times the smallest to 1.1 times the largest area denominator,
//     stats.ProportionFunnel(p, n) gives the 95% and 99.8% limits
//     p ± z·sqrt(p(1-p)/n), capped to [0, 1].
//   - rate: the baseline λ is the overall rate (events over person-time);
//     for observed counts O on a geometric grid chosen so that the curves
//     span the same range of person-time, stats.CrudeRateFunnel(λ, O) gives
//     the exact Poisson limits L, each drawn at the person-time O/L.
//
// Limits are multiplied by the indicator's multiplier; the x axis is the
// unscaled denominator (people, or person-time). Areas are classified with
// stats.ProportionFunnelSignificance and stats.RateFunnelSignificance
// (PHEindicatormethods' labels). Other indicator types get a caterpillar
// plot without a funnel.

// Funnel curve names, the values of the series field of a limits dataset.
const (
	Limit998Lower = "99.8% lower"
	Limit95Lower  = "95% lower"
	Limit95Upper  = "95% upper"
	Limit998Upper = "99.8% upper"
)

func (b *Builder) addAreas(rep *indicator.Report, r *indicator.Result, sr indicator.StratifierResult, c config) error {
	ds, withheld := b.strataDataset(r, sr, "areas", r.Unit)
	ds.Fields[0].Role = RoleLabel
	ds.Fields = append(ds.Fields, Field{Name: "significance", Type: TypeString, Role: RoleStatus, Title: "Funnel significance"})
	mult := r.Multiplier
	if mult == 0 {
		mult = 1
	}
	funnel := r.Suppressed == nil && isFinite(float64(r.Numerator)) && isFinite(float64(r.Denominator)) && r.Denominator > 0 &&
		(r.Type == indicator.Proportion || r.Type == indicator.Rate && r.Numerator > 0)
	baseline := float64(r.Numerator) / float64(r.Denominator)
	var dens []float64
	for k, st := range sr.Strata {
		sig := string(stats.FunnelNotRated)
		if funnel && st.Suppressed == nil {
			x, n := float64(st.Numerator), float64(st.Denominator)
			var s stats.FunnelSignificance
			var err error
			if r.Type == indicator.Proportion {
				s, err = stats.ProportionFunnelSignificance(x, n, baseline)
			} else {
				s, err = stats.RateFunnelSignificance(x, n, baseline)
			}
			if err == nil {
				sig = string(s)
				dens = append(dens, n)
			}
		}
		ds.Rows[k] = append(ds.Rows[k], Str(sig))
	}
	b.AddDataset(ds)
	prov := strataProvenance(rep, r, sr, withheld, c)
	vf := valueFormat(r.Type)
	title := orID(r.Title, r.ID)
	if funnel && len(dens) > 0 {
		limits, method, err := funnelLimits(r.Type, baseline, mult, slices.Min(dens), slices.Max(dens), c.funnelPoints)
		if err != nil {
			return fmt.Errorf("dashboardspec: funnel of %s by %s: %w", r.ID, sr.ID, err)
		}
		limits.ID = b.unique("funnel-limits", r.ID, sr.ID)
		limits.Title = fmt.Sprintf("Funnel limits of %s", r.ID)
		b.AddDataset(limits)
		xTitle := "Denominator"
		if r.Type == indicator.Rate {
			xTitle = "Person-time (denominator)"
		}
		fp := *prov
		fp.Method = method
		b.AddPanel(Panel{
			ID: b.unique("funnel", r.ID, sr.ID), Kind: KindFunnel, Title: fmt.Sprintf("%s: funnel plot by %s", title, sr.ID),
			Alt:     fmt.Sprintf("Funnel plot of %s for each %s against its denominator, with 95%% and 99.8%% control limits around the overall value.", r.ID, sr.ID),
			Dataset: ds.ID,
			Encoding: &Encoding{
				X:      &Channel{Field: "denominator", Title: xTitle, Format: countFormat},
				Y:      &Channel{Field: "value", Title: yTitle(r), Format: vf},
				Label:  &Channel{Field: "stratum", Title: sr.ID},
				Status: &Channel{Field: "significance", Title: "Funnel significance"},
			},
			Funnel:     &FunnelOptions{Limits: limits.ID, X: "denominator", Y: "limit", Series: "series", Baseline: baseline * mult, Method: method},
			Provenance: &fp,
		}, 12, chartH+2)
	} else {
		prov.Notes = append(prov.Notes, fmt.Sprintf("no funnel plot: a %s indicator, or no published value to set the baseline", r.Type))
	}
	b.AddPanel(Panel{
		ID: b.unique("caterpillar", r.ID, sr.ID), Kind: KindCaterpillar, Title: fmt.Sprintf("%s: %s ranked", title, sr.ID),
		Alt:     fmt.Sprintf("Caterpillar plot: each %s's %s with its %s interval, ranked; the line is the overall value.", sr.ID, r.ID, intervalName(r.Estimate)),
		Dataset: ds.ID,
		Encoding: &Encoding{
			Label: &Channel{Field: "stratum", Title: sr.ID},
			Y:     &Channel{Field: "value", Title: yTitle(r), Format: vf},
			Lower: &Channel{Field: "lower", Format: vf}, Upper: &Channel{Field: "upper", Format: vf},
			Centre: &Channel{Field: "benchmark", Title: "Overall", Format: vf},
			Status: &Channel{Field: "comparison", Title: "Compared with overall"},
		},
		Provenance: prov,
	}, 12, chartH+2)
	return nil
}

// funnelLimits computes the limit curves (see the comment above) as a
// dataset in long form: denominator, limit, series.
func funnelLimits(t indicator.Type, baseline, mult, minDen, maxDen float64, points int) (Dataset, string, error) {
	ds := Dataset{
		Fields: []Field{
			{Name: "denominator", Type: TypeNumber, Title: "Denominator"},
			{Name: "limit", Type: TypeNumber, Role: RoleLimit, Title: "Control limit"},
			{Name: "series", Type: TypeString, Role: RoleLabel, Title: "Limit"},
		},
		Rows: [][]Value{},
	}
	lo, hi := math.Max(minDen*0.8, 1e-9), math.Max(maxDen*1.1, minDen*0.8+1e-9)
	names := []string{Limit998Lower, Limit95Lower, Limit95Upper, Limit998Upper}
	curves := make([][][2]float64, 4)
	var method string
	switch t {
	case indicator.Proportion:
		method = fmt.Sprintf("funnel limits p ± z·sqrt(p(1-p)/n) at 95%% and 99.8%% (PHE), p = %s, on %d denominators", formatNumber(round6(baseline)), points)
		for _, n := range geometric(lo, hi, points) {
			l, err := stats.ProportionFunnel(baseline, n)
			if err != nil {
				return ds, "", err
			}
			for k, y := range []float64{l.Lower998, l.Lower95, l.Upper95, l.Upper998} {
				curves[k] = append(curves[k], [2]float64{n, y})
			}
		}
	case indicator.Rate:
		method = fmt.Sprintf("exact Poisson funnel limits at 95%% and 99.8%% (PHE), baseline rate %s per unit of person-time, on %d observed counts", formatNumber(round6(baseline)), points)
		oLo, oHi := math.Max(baseline*lo, 0.5), math.Min(math.Max(baseline*hi, 1), 1e6)
		if oHi <= oLo {
			oHi = oLo * 2
		}
		for _, o := range geometric(oLo, oHi, points) {
			l, err := stats.CrudeRateFunnel(baseline, o)
			if err != nil {
				return ds, "", err
			}
			for k, y := range []float64{l.Lower998, l.Lower95, l.Upper95, l.Upper998} {
				if y > 0 && isFinite(y) {
					curves[k] = append(curves[k], [2]float64{o / y, y})
				}
			}
		}
	default:
		return ds, "", fmt.Errorf("no funnel for a %s indicator", t)
	}
	for k, cv := range curves {
		for _, pt := range cv {
			if pt[0] < lo*0.5 || pt[0] > hi*2 {
				continue
			}
			ds.Rows = append(ds.Rows, []Value{Num(round6(pt[0])), Num(round6(pt[1] * mult)), Str(names[k])})
		}
	}
	return ds, method, nil
}

// round6 rounds to 6 significant digits: the curves are for drawing, and
// shorter numbers keep the documents small and the bytes stable.
func round6(x float64) float64 {
	if x == 0 || !isFinite(x) {
		return x
	}
	e := math.Pow(10, 5-math.Floor(math.Log10(math.Abs(x))))
	if !isFinite(e) || e == 0 {
		return x
	}
	return math.Round(x*e) / e
}

// geometric returns n points from lo to hi, evenly spaced on a log scale.
func geometric(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	r := math.Log(hi / lo)
	for i := range out {
		out[i] = lo * math.Exp(r*float64(i)/float64(n-1))
	}
	out[n-1] = hi
	return out
}

// AddSpine adds a spine chart (Fingertips style) of the focus area
// (WithFocusArea) against the range of areas (WithAreaStratifier), one row
// per indicator stratified by areas. Each row is scaled so that the overall
// value is in the middle; only published area values enter the range.
func (b *Builder) AddSpine(rep *indicator.Report, opts ...Option) error {
	if rep == nil {
		return errors.New("dashboardspec: nil report")
	}
	c := b.with(opts)
	if c.area == "" || c.focus == "" {
		return errors.New("dashboardspec: a spine chart needs WithAreaStratifier and WithFocusArea")
	}
	ds := Dataset{
		ID: b.unique("spine", rep.SetID, c.focus), Title: fmt.Sprintf("%s against all areas", c.focus),
		Fields: []Field{
			{Name: "indicator", Type: TypeString, Role: RoleLabel, Title: "Indicator"},
			{Name: "value", Type: TypeNumber, Role: RoleMeasure, Title: c.focus},
			{Name: "worst", Type: TypeNumber, Role: RoleLower, Title: "Lowest area"},
			{Name: "q1", Type: TypeNumber, Title: "25th percentile"},
			{Name: "benchmark", Type: TypeNumber, Role: RoleCentre, Title: "Overall"},
			{Name: "q3", Type: TypeNumber, Title: "75th percentile"},
			{Name: "best", Type: TypeNumber, Role: RoleUpper, Title: "Highest area"},
			{Name: "comparison", Type: TypeString, Role: RoleStatus, Title: "Compared with overall"},
		},
		Rows: [][]Value{},
	}
	prov := provenance(rep, nil, c)
	for _, r := range rep.Indicators {
		for _, sr := range r.Stratifiers {
			if sr.ID != c.area {
				continue
			}
			var vals []float64
			val, cmp := Null(), Str("not compared")
			for _, st := range sr.Strata {
				if st.Suppressed == nil && isFinite(float64(st.Value)) {
					vals = append(vals, float64(st.Value))
				}
				if strings.Join(st.Values, " / ") == c.focus {
					v, _, _, _, _ := published(st.Estimate, st.Numerator, st.Denominator, st.Suppressed)
					val = v
					if st.Suppressed == nil && st.Comparison != "" {
						cmp = Str(st.Comparison)
					}
				}
			}
			if len(vals) == 0 || r.Suppressed != nil {
				continue
			}
			slices.Sort(vals)
			ds.Rows = append(ds.Rows, []Value{Str(r.ID), val, Num(vals[0]), Num(quantile7(vals, 0.25)), Num(float64(r.Value)), Num(quantile7(vals, 0.75)), Num(vals[len(vals)-1]), cmp})
		}
	}
	if len(ds.Rows) == 0 {
		return fmt.Errorf("dashboardspec: no indicator of report %s is stratified by %q", rep.SetID, c.area)
	}
	b.AddDataset(ds)
	b.AddPanel(Panel{
		ID: b.unique("spine", c.focus), Kind: KindSpine, Title: fmt.Sprintf("%s compared with all areas", c.focus),
		Alt:     fmt.Sprintf("Spine chart: for each indicator, %s's value (circle) against the range of areas (bar, darker between the 25th and 75th percentiles), centred on the overall value.", c.focus),
		Dataset: ds.ID,
		Encoding: &Encoding{
			Label: &Channel{Field: "indicator", Title: "Indicator"}, Y: &Channel{Field: "value", Format: ",.1f"},
			Lower: &Channel{Field: "worst", Format: ",.1f"}, Upper: &Channel{Field: "best", Format: ",.1f"},
			Centre: &Channel{Field: "benchmark", Format: ",.1f"}, Status: &Channel{Field: "comparison", Title: "Compared with overall"},
		},
		Spine:      &SpineOptions{Q1: "q1", Q3: "q3", Area: c.focus},
		Provenance: prov,
	}, GridColumns, 2+len(ds.Rows))
	return nil
}

// quantile7 is the type 7 (R's default) quantile of sorted xs.
func quantile7(xs []float64, p float64) float64 {
	h := p * float64(len(xs)-1)
	i := int(math.Floor(h))
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
}

// chartKind picks the SPC chart for an indicator type: p for proportions,
// u for rates, c for counts, and an individuals chart of the values
// otherwise.
func chartKind(t indicator.Type) spc.Kind {
	switch t {
	case indicator.Proportion:
		return spc.KindP
	case indicator.Rate:
		return spc.KindU
	case indicator.Count:
		return spc.KindC
	}
	return spc.KindI
}

type spcBuilt struct {
	dataset   string
	chart     spc.Kind
	variation string
	assurance string
	notes     []string
	withheld  int
}

// spcDataset computes the indicator's control chart and Making Data Count
// icons from the series and adds its dataset (once per series and id).
func (b *Builder) spcDataset(s *indicator.Series, id string, c config) (string, error) {
	built, err := b.spc(s, id, c)
	if err != nil {
		return "", err
	}
	return built.dataset, nil
}

func (b *Builder) spc(s *indicator.Series, id string, c config) (*spcBuilt, error) {
	key := fmt.Sprintf("spc\x00%p\x00%s", s, id)
	if v, ok := b.spcs[key]; ok {
		return v, nil
	}
	results, ok := s.Results(id)
	if !ok || len(results) == 0 {
		return nil, fmt.Errorf("dashboardspec: the series has no indicator %q", id)
	}
	last := results[len(results)-1]
	kind := chartKind(last.Type)
	groups, err := s.Subgroups(id, kind)
	if err != nil {
		return nil, fmt.Errorf("dashboardspec: spc of %s: %w", id, err)
	}
	mult := last.Multiplier
	if kind == spc.KindI || mult == 0 {
		mult = 1
	}
	withheld := 0
	for i, r := range results {
		if r.Suppressed != nil { // never chart a withheld count or value
			groups[i].Values = []float64{math.NaN()}
			withheld++
		}
	}
	chart, err := spc.New(kind, groups, spc.Options{Multiply: mult})
	if err != nil {
		return nil, fmt.Errorf("dashboardspec: spc of %s: %w", id, err)
	}
	out := &spcBuilt{chart: kind, withheld: withheld}
	ys := make([]float64, 0, len(chart.Points))
	for _, p := range chart.Points {
		if isFinite(p.Y) {
			ys = append(ys, p.Y)
		}
	}
	dir := spc.Neutral
	switch last.Polarity {
	case indicator.HigherIsBetter:
		dir = spc.Increase
	case indicator.LowerIsBetter:
		dir = spc.Decrease
	}
	if len(ys) == len(chart.Points) {
		mdc, err := spc.MakingDataCount(ys, spc.MDCOptions{Improvement: dir, Target: last.Target})
		if err == nil {
			out.variation, out.assurance = mdc.Variation, mdc.Assurance
		}
	} else {
		out.notes = append(out.notes, "no Making Data Count icons: the series has missing periods")
	}
	for i, rs := range chart.Runs {
		if rs.Signal {
			out.notes = append(out.notes, fmt.Sprintf("runs signal in part %d: longest run %d (limit %d), %d crossings (minimum %d)", i+1, rs.LongestRun, rs.LongestRunMax, rs.Crossings, rs.CrossingsMin))
		}
	}
	ds := Dataset{
		ID: b.unique("series", id), Title: fmt.Sprintf("%s by period", id),
		Fields: []Field{
			{Name: "period", Type: TypeString, Role: RolePeriod, Title: "Period"},
			{Name: "value", Type: TypeNumber, Role: RoleMeasure, Title: "Value", Unit: last.Unit},
			{Name: "centre", Type: TypeNumber, Role: RoleCentre, Title: "Centre line"},
			{Name: "lcl", Type: TypeNumber, Role: RoleLimit, Title: "Lower control limit"},
			{Name: "ucl", Type: TypeNumber, Role: RoleLimit, Title: "Upper control limit"},
			{Name: "signal", Type: TypeString, Role: RoleSignal, Title: "Variation"},
		},
		Rows: [][]Value{},
	}
	for _, p := range chart.Points {
		sig := spc.CommonCause
		if p.SigmaSignal {
			sig = sigmaSignal(p, dir)
		}
		if !isFinite(p.Y) {
			sig = "missing"
		}
		ds.Rows = append(ds.Rows, []Value{Str(p.X), Num(round6(p.Y)), Num(round6(p.CL)), Num(round6(p.LCL)), Num(round6(p.UCL)), Str(sig)})
	}
	b.AddDataset(ds)
	out.dataset = ds.ID
	if b.spcs == nil {
		b.spcs = map[string]*spcBuilt{}
	}
	b.spcs[key] = out
	return out, nil
}

// sigmaSignal names a point outside the limits as Making Data Count does:
// improvement or concern by the direction, high or low when neutral.
func sigmaSignal(p spc.Point, dir spc.Direction) string {
	high := p.Y > p.UCL
	switch {
	case dir == spc.Neutral && high:
		return spc.SpecialCauseNeutralHigh
	case dir == spc.Neutral:
		return spc.SpecialCauseNeutralLow
	case high == (dir == spc.Increase):
		return spc.SpecialCauseImprovement
	}
	return spc.SpecialCauseConcern
}

// AddSeries adds an SPC panel of one indicator of a series across the grid:
// a p chart for a proportion, u for a rate, c for a count and an
// individuals chart otherwise, points coloured by their signal, with the
// Making Data Count variation and assurance icons (NHSRplotthedots' XmR
// rules on the same values). A period whose result was withheld is a gap.
func (b *Builder) AddSeries(s *indicator.Series, id string, opts ...Option) error {
	if s == nil {
		return errors.New("dashboardspec: nil series")
	}
	c := b.with(opts)
	built, err := b.spc(s, id, c)
	if err != nil {
		return err
	}
	results, _ := s.Results(id)
	last := results[len(results)-1]
	rep := s.Reports[len(s.Reports)-1]
	prov := provenance(rep, last, c)
	prov.Period = s.Periods[0] + " to " + s.Periods[len(s.Periods)-1]
	prov.Method = fmt.Sprintf("%s chart, 3-sigma limits (Montgomery; qicharts2); icons: Making Data Count (NHSRplotthedots)", built.chart)
	prov.Suppression = nil
	if built.withheld > 0 {
		prov.Suppression = append(prov.Suppression, fmt.Sprintf("%d of %d periods withheld: small numbers", built.withheld, len(results)))
	}
	prov.Notes = append(prov.Notes, built.notes...)
	vf := valueFormat(last.Type)
	b.AddPanel(Panel{
		ID: b.unique("spc", id), Kind: KindSPC, Title: fmt.Sprintf("%s over time", orID(last.Title, id)),
		Alt:     fmt.Sprintf("Statistical process control %s chart of %s by period with centre line and 3-sigma limits; points outside the limits are marked.", built.chart, id),
		Dataset: built.dataset,
		Encoding: &Encoding{
			X: &Channel{Field: "period", Title: "Period"}, Y: &Channel{Field: "value", Title: yTitle(last), Format: vf},
			Centre:     &Channel{Field: "centre", Format: vf},
			LowerLimit: &Channel{Field: "lcl", Format: vf}, UpperLimit: &Channel{Field: "ucl", Format: vf},
			Signal: &Channel{Field: "signal", Title: "Variation"},
		},
		SPC:        &SPCOptions{Chart: string(built.chart), Variation: built.variation, Assurance: built.assurance, Target: last.Target},
		Provenance: prov,
	}, GridColumns, chartH)
	return nil
}
