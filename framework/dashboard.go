package framework

import (
	"fmt"
	"math"
	"strings"

	"github.com/openhpi/hpi/dashboardspec"
	"github.com/openhpi/hpi/logicmodel"
)

// AttachLogicModel attaches the scorecard's report to a logic model (see
// logicmodel.Model.Attach), keeps the statuses in the scorecard
// (LogicModel) and returns them; Dashboard then ends with the chain, each
// element with its status.
func (s *Scorecard) AttachLogicModel(m *logicmodel.Model, opts ...logicmodel.AttachOption) (*logicmodel.Status, error) {
	if s.Report == nil {
		return nil, fmt.Errorf("framework %s: the scorecard has no report to attach to a logic model", s.Framework)
	}
	st, err := m.Attach(s.Report, opts...)
	if err != nil {
		return nil, fmt.Errorf("framework %s: logic model %s: %w", s.Framework, m.ID, err)
	}
	s.LogicModel, s.logicModel = st, m
	return st, nil
}

// logicPanel is a logic model with its statuses as a dashboard panel.
func logicPanel(m *logicmodel.Model, st *logicmodel.Status, source string) dashboardspec.LogicModelInput {
	cols := m.Columns
	if cols == nil {
		cols = m.Layout.Columns()
	}
	title := map[string]string{}
	var lm dashboardspec.LogicModel
	for _, c := range cols {
		title[c.ID] = c.Title
		lm.Columns = append(lm.Columns, c.Title)
	}
	status := map[logicmodel.State]string{logicmodel.OnTrack: "green", logicmodel.OffTrack: "red", logicmodel.NoData: "unknown"}
	for _, e := range m.Elements {
		el := dashboardspec.LogicElement{ID: e.ID, Label: e.Text, Column: title[e.Column], Status: status[st.State(e.ID)]}
		for _, ref := range e.Indicators {
			el.Indicators = append(el.Indicators, ref.ID)
		}
		lm.Elements = append(lm.Elements, el)
	}
	for _, l := range m.Links {
		lm.Links = append(lm.Links, dashboardspec.LogicLink{From: l.From, To: l.To, Assumption: strings.Join(l.Assumptions, ", ")})
	}
	lm.Statuses = map[string]string{"green": "on track", "red": "off track", "unknown": "no data"}
	title0 := m.Title
	if title0 == "" {
		title0 = m.ID
	}
	return dashboardspec.LogicModelInput{ID: m.ID, Title: title0, Model: lm, Provenance: dashboardspec.Provenance{Source: source}}
}

// Dashboard builds a dashboardspec dashboard of the scorecard: an
// overview with the scorecard as a table (each node with its roll-up of
// statuses) and the composites, then a section per top-level node with a
// stat tile per headline indicator of its subtree (every indicator when it
// has no headline) and each headline indicator's charts: bars by stratum,
// the funnel and caterpillar plot of areas when opts name the area
// stratifier (dashboardspec.WithAreaStratifier), and an SPC chart of the
// trend when the scorecard has a series. An indicator under several
// top-level nodes is shown under the first. opts apply to every part.
func (s *Scorecard) Dashboard(opts ...dashboardspec.Option) (*dashboardspec.Dashboard, error) {
	if s.Report == nil {
		return nil, fmt.Errorf("framework %s: the scorecard has no report to build a dashboard from", s.Framework)
	}
	title := s.Title
	if title == "" {
		title = s.Framework
	}
	if s.Series != nil {
		opts = append([]dashboardspec.Option{dashboardspec.WithSeries(s.Series)}, opts...)
	}
	b := dashboardspec.NewBuilder(s.Framework, title, opts...)
	b.AddSection("Overview")
	b.AddMarkdown("Scorecard", s.markdown())
	shown := map[string]bool{}
	for i, n := range s.Nodes {
		if n.Depth != 0 {
			continue
		}
		var headline, all []string
		for j := i; j < len(s.Nodes) && (j == i || s.Nodes[j].Depth > 0); j++ {
			for _, is := range s.Nodes[j].Indicators {
				if shown[is.ID] {
					continue
				}
				shown[is.ID] = true
				all = append(all, is.ID)
				if is.Role == Headline {
					headline = append(headline, is.ID)
				}
			}
		}
		if len(all) == 0 {
			continue
		}
		if len(headline) == 0 {
			headline = all
		}
		b.AddSection(nodeTitle(n))
		if err := b.AddTiles(s.Report, dashboardspec.WithHeadline(headline...)); err != nil {
			return nil, fmt.Errorf("framework %s: node %s: %w", s.Framework, n.ID, err)
		}
		for _, id := range headline {
			if err := b.AddIndicator(s.Report, id); err != nil {
				return nil, fmt.Errorf("framework %s: indicator %s: %w", s.Framework, id, err)
			}
		}
	}
	if s.logicModel != nil {
		b.AddSection("Logic model")
		b.AddLogicModel(logicPanel(s.logicModel, s.LogicModel, "framework "+s.Framework+" report"))
	}
	d, err := b.Dashboard()
	if err != nil {
		return nil, fmt.Errorf("framework %s: %w", s.Framework, err)
	}
	return d, nil
}

func nodeTitle(n NodeScore) string {
	if n.Title != "" {
		return n.Title
	}
	return n.ID
}

// markdown renders the scorecard as Markdown tables.
func (s *Scorecard) markdown() string {
	var b strings.Builder
	if s.Citation != "" {
		fmt.Fprintf(&b, "Framework: %s.\n\n", strings.TrimSpace(s.Citation))
	}
	b.WriteString("| node | indicator | value | status | trend | green | amber | red | unassessed | no data |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
	for _, n := range s.Nodes {
		c := n.Counts
		fmt.Fprintf(&b, "| %s%s | | | | | %d | %d | %d | %d | %d |\n", strings.Repeat("&nbsp;&nbsp;", n.Depth), cell(nodeTitle(n)),
			c.Green, c.Amber, c.Red, c.Unassessed+c.Other, c.NoData)
		for _, is := range n.Indicators {
			tr := ""
			if is.Trend != nil {
				tr = strings.Trim(is.Trend.Direction+" "+is.Trend.Assessment, " ")
			}
			fmt.Fprintf(&b, "| | %s | %s | %s | %s | | | | | |\n", cell(is.ID), formatValue(float64(is.Value)), cell(is.Status), cell(tr))
		}
	}
	for _, c := range s.Composites {
		fmt.Fprintf(&b, "\n**%s** (%s across %s)\n\n| unit | score |\n|---|---|\n", cell(orDefault(c.Title, c.ID)), c.Normalisation, cell(c.Across))
		for _, u := range c.Units {
			fmt.Fprintf(&b, "| %s | %s |\n", cell(u.Unit), formatValue(float64(u.Score)))
		}
	}
	return b.String()
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func formatValue(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%.4g", x)
}
