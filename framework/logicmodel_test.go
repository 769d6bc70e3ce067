package framework

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/dashboardspec"
	"github.com/openhpi/hpi/logicmodel"
)

// A logic model attached to a scorecard ends its dashboard, each element
// with the status its indicators give it: an outcome expecting the
// impossible (at least 101%) is off track, one without indicators has no
// data.
func TestScorecard_LogicModelPanel(t *testing.T) {
	f := loadExample(t)
	sc, err := f.Evaluate(context.Background(), population(t, f, 2000))
	require.NoError(t, err)
	m, err := logicmodel.Load(strings.NewReader(`
id: lm
title: Diabetes care
elements:
  - {id: clinic, column: activities, text: Diabetes clinic}
  - {id: tested, column: outputs, text: HbA1c tested, indicators: [DM-HBA1C-TESTED]}
  - {id: control, column: outcomes-short, text: Glycaemic control, horizon: 1 year, indicators: [{id: DM-HBA1C, at_least: 101}]}
  - {id: fewer, column: impact, text: Fewer complications}
links:
  - {from: clinic, to: tested}
  - {from: tested, to: control}
  - {from: control, to: fewer}
`), "lm.yaml")
	require.NoError(t, err)
	st, err := sc.AttachLogicModel(m)
	require.NoError(t, err)
	assert.Equal(t, logicmodel.OffTrack, st.State("control"))
	assert.Equal(t, logicmodel.NoData, st.State("fewer"))

	d, err := sc.Dashboard()
	require.NoError(t, err)
	var panel *dashboardspec.Panel
	for i := range d.Panels {
		if d.Panels[i].Kind == dashboardspec.KindLogicModel {
			panel = &d.Panels[i]
		}
	}
	require.NotNil(t, panel, "a logic-model panel")
	byID := map[string]dashboardspec.LogicElement{}
	for _, e := range panel.LogicModel.Elements {
		byID[e.ID] = e
	}
	assert.Equal(t, "red", byID["control"].Status)
	assert.Equal(t, "unknown", byID["fewer"].Status)
	assert.Equal(t, []string{"DM-HBA1C"}, byID["control"].Indicators)
	assert.Len(t, panel.LogicModel.Links, 3)
	js, err := sc.MarshalJSON()
	require.NoError(t, err)
	assert.Contains(t, string(js), `"logic_model"`)
}
