package logicmodel_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/logicmodel"
)

func ptr(x float64) *float64 { return &x }

// report builds a report by hand: values and statuses chosen to hit each
// of Attach's rules.
func report() *indicator.Report {
	res := func(id string, v float64) indicator.Result {
		return indicator.Result{ID: id, Estimate: indicator.Estimate{Value: indicator.Float(v)}}
	}
	green := res("GREEN", 80)
	green.Status = "green"
	amber := res("AMBER", 65)
	amber.Status = "amber"
	up := res("UP", 72)
	up.Polarity, up.Target = indicator.HigherIsBetter, ptr(70)
	down := res("DOWN", 130)
	down.Polarity, down.Target = indicator.LowerIsBetter, ptr(120)
	nan := res("NAN", math.NaN())
	nan.Note = "not computed: fewer than 10 events"
	return &indicator.Report{Indicators: []indicator.Result{green, amber, up, down, nan, res("PLAIN", 50)}}
}

func TestAttach_IndicatorRules(t *testing.T) {
	cases := []struct {
		ref    logicmodel.IndicatorRef
		opts   []logicmodel.AttachOption
		state  logicmodel.State
		reason string
	}{
		{logicmodel.IndicatorRef{ID: "MISSING"}, nil, logicmodel.NoData, "no result in the report"},
		{logicmodel.IndicatorRef{ID: "NAN", AtLeast: ptr(1)}, nil, logicmodel.NoData, "no value: not computed: fewer than 10 events"},
		// Model bounds come before the indicator's own status.
		{logicmodel.IndicatorRef{ID: "GREEN", AtLeast: ptr(85)}, nil, logicmodel.OffTrack, "value 80 < 85 (model at_least)"},
		{logicmodel.IndicatorRef{ID: "AMBER", AtMost: ptr(70)}, nil, logicmodel.OnTrack, "value 65 ≤ 70 (model at_most)"},
		{logicmodel.IndicatorRef{ID: "PLAIN", AtLeast: ptr(40), AtMost: ptr(45)}, nil, logicmodel.OffTrack, "value 50 outside [40, 45] (model)"},
		{logicmodel.IndicatorRef{ID: "GREEN"}, nil, logicmodel.OnTrack, `value 80, status "green"`},
		{logicmodel.IndicatorRef{ID: "AMBER"}, nil, logicmodel.OffTrack, `value 65, status "amber"`},
		{logicmodel.IndicatorRef{ID: "AMBER"}, []logicmodel.AttachOption{logicmodel.WithOnTrackLabels("green", "amber")}, logicmodel.OnTrack, `value 65, status "amber"`},
		{logicmodel.IndicatorRef{ID: "UP"}, nil, logicmodel.OnTrack, "value 72 ≥ target 70"},
		{logicmodel.IndicatorRef{ID: "DOWN"}, nil, logicmodel.OffTrack, "value 130 > target 120"},
		{logicmodel.IndicatorRef{ID: "PLAIN"}, nil, logicmodel.NoData, "value 50, but no status, target or model bounds to judge it by"},
	}
	for _, tc := range cases {
		t.Run(tc.ref.ID+"/"+tc.reason, func(t *testing.T) {
			m := &logicmodel.Model{ID: "m", Elements: []logicmodel.Element{{ID: "e", Column: "impact", Text: "E", Indicators: []logicmodel.IndicatorRef{tc.ref}}}}
			st, err := m.Attach(report(), tc.opts...)
			require.NoError(t, err)
			require.Len(t, st.Elements, 1)
			is := st.Elements[0].Indicators[0]
			assert.Equal(t, tc.state, is.State)
			assert.Equal(t, tc.reason, is.Reason)
			assert.Equal(t, tc.state, st.Elements[0].State)
		})
	}
}

func TestAttach_ElementAndChain(t *testing.T) {
	m := load(t, diamond)
	set := func(id string, refs ...string) {
		e, ok := m.Element(id)
		require.True(t, ok)
		for _, r := range refs {
			e.Indicators = append(e.Indicators, logicmodel.IndicatorRef{ID: r})
		}
	}
	set("o1", "GREEN", "PLAIN") // on track: one on track, one without judgement
	set("s1", "GREEN", "AMBER") // off track: any off-track indicator wins
	set("s2", "MISSING")        // no data
	set("i", "UP")              // on track
	st, err := m.Attach(report())
	require.NoError(t, err)
	states := map[string]logicmodel.State{}
	for _, e := range st.Elements {
		states[e.ID] = e.State
	}
	assert.Equal(t, map[string]logicmodel.State{
		"a1": logicmodel.NoData, "a2": logicmodel.NoData, "o1": logicmodel.OnTrack,
		"s1": logicmodel.OffTrack, "s2": logicmodel.NoData, "i": logicmodel.OnTrack,
	}, states)
	assert.Equal(t, logicmodel.OffTrack, st.State("s1"))
	assert.Equal(t, logicmodel.NoData, st.State("unknown"))
	require.Len(t, st.Chains, 6)
	// a1 → o1 → s1 → i breaks at s1 (index 2); a1 → o1 → s2 → i does not
	// break: no data is not off track.
	assert.Equal(t, logicmodel.Chain{Path: logicmodel.Path{"a1", "o1", "s1", "i"},
		States: []logicmodel.State{logicmodel.NoData, logicmodel.OnTrack, logicmodel.OffTrack, logicmodel.OnTrack}, Break: 2}, st.Chains[0])
	assert.Equal(t, -1, st.Chains[2].Break)
	assert.Equal(t, []string{"s1"}, st.Breaks())
}

func TestState_Symbol(t *testing.T) {
	assert.Equal(t, "✓", logicmodel.OnTrack.Symbol())
	assert.Equal(t, "✗", logicmodel.OffTrack.Symbol())
	assert.Equal(t, "?", logicmodel.NoData.Symbol())
}
