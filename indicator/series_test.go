package indicator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/spc"
)

func TestMonths_CoverWholeCalendarMonths(t *testing.T) {
	ps := indicator.Months(time.Date(2024, 11, 15, 13, 0, 0, 0, time.UTC), 3, "from", "to")
	require.Len(t, ps, 3)
	assert.Equal(t, []string{"2024-11", "2024-12", "2025-01"}, []string{ps[0].Label, ps[1].Label, ps[2].Label})
	assert.Equal(t, time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC), ps[1].Params["from"])
	assert.Equal(t, time.Date(2024, 12, 31, 23, 59, 59, 999999999, time.UTC), ps[1].Params["to"])
}

// TestEvaluateSeries_EachPeriodEqualsItsOwnEvaluation: a series is, period
// by period, exactly what Evaluate gives with that period's parameters.
func TestEvaluateSeries_EachPeriodEqualsItsOwnEvaluation(t *testing.T) {
	set := loadQuickstart(t)
	_, batches := population(t, set, 3000)
	periods := indicator.Months(time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), 4, "period_start", "period_end")
	for _, workers := range []int{1, 3} {
		series, err := set.EvaluateSeries(context.Background(), indicator.Batches(batches...), periods, indicator.WithWorkers(workers))
		require.NoError(t, err)
		require.Len(t, series.Reports, len(periods))
		for i, p := range periods {
			want, err := set.Evaluate(context.Background(), indicator.Batches(batches...), indicator.WithParams(p.Params))
			require.NoError(t, err)
			want.Period = p.Label
			var a, b bytes.Buffer
			require.NoError(t, want.WriteJSON(&a))
			require.NoError(t, series.Reports[i].WriteJSON(&b))
			assert.Equal(t, a.String(), b.String(), "period %s, %d workers", p.Label, workers)
		}
	}
	// Monthly windows see fewer events than the whole year: the parameters
	// really differ per period.
	series, err := set.EvaluateSeries(context.Background(), indicator.Batches(batches...), periods)
	require.NoError(t, err)
	results, ok := series.Results("DM-HBA1C-TESTED")
	require.True(t, ok)
	year, err := set.Evaluate(context.Background(), indicator.Batches(batches...))
	require.NoError(t, err)
	whole, _ := year.Result("DM-HBA1C-TESTED")
	for _, r := range results {
		assert.Less(t, float64(r.Numerator), float64(whole.Numerator))
	}
	raw, err := json.Marshal(series)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"period":"2024-07"`)
}

func TestEvaluateSeries_Errors(t *testing.T) {
	set := loadQuickstart(t)
	_, err := set.EvaluateSeries(context.Background(), indicator.Batches(), nil)
	assert.ErrorIs(t, err, indicator.ErrParameter)
	_, err = set.EvaluateSeries(context.Background(), indicator.Batches(), []indicator.Period{{Label: "bad", Params: map[string]any{"period_end": "tomorrow"}}})
	assert.ErrorIs(t, err, indicator.ErrParameter)
	assert.Contains(t, err.Error(), `period "bad"`)
	_, ok := (&indicator.Series{Reports: []*indicator.Report{{}}}).Results("nope")
	assert.False(t, ok)
}

func TestSeries_SubgroupsByChartKind(t *testing.T) {
	set := loadQuickstart(t)
	_, batches := population(t, set, 2000)
	periods := indicator.Months(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), 2, "period_start", "period_end")
	series, err := set.EvaluateSeries(context.Background(), indicator.Batches(batches...), periods)
	require.NoError(t, err)
	results, _ := series.Results("EMERG-ADM")

	counts, err := series.Subgroups("EMERG-ADM", spc.KindU)
	require.NoError(t, err)
	require.Len(t, counts, 2)
	assert.Equal(t, "2024-07", counts[1].X)
	assert.Equal(t, []float64{float64(results[1].Numerator)}, counts[1].Values, "events")
	assert.Equal(t, float64(results[1].Denominator), counts[1].N, "person-time")

	values, err := series.Subgroups("EMERG-ADM", spc.KindI)
	require.NoError(t, err)
	assert.Equal(t, []float64{float64(results[0].Value)}, values[0].Values, "the value on the display scale")

	_, err = series.Subgroups("EMERG-ADM", spc.KindXbar)
	assert.Error(t, err)
	_, err = series.Subgroups("NOPE", spc.KindP)
	assert.Error(t, err)
}

func TestSeries_StratumSubgroups(t *testing.T) {
	set := loadQuickstart(t)
	_, batches := population(t, set, 2000)
	periods := indicator.Months(time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), 2, "period_start", "period_end")
	series, err := set.EvaluateSeries(context.Background(), indicator.Batches(batches...), periods)
	require.NoError(t, err)
	results, _ := series.Results("DM-HBA1C-TESTED")
	var female indicator.Stratum
	for _, st := range results[1].Stratifiers[0].Strata {
		if st.Values[0] == "female" {
			female = st
		}
	}
	groups, err := series.StratumSubgroups("DM-HBA1C-TESTED", "sex", []string{"female"}, spc.KindP)
	require.NoError(t, err)
	assert.Equal(t, []float64{float64(female.Numerator)}, groups[1].Values)
	assert.Equal(t, float64(female.Denominator), groups[1].N)

	missing, err := series.StratumSubgroups("DM-HBA1C-TESTED", "sex", []string{"other"}, spc.KindP)
	require.NoError(t, err)
	assert.True(t, math.IsNaN(missing[0].Values[0]), "a stratum without records is a missing observation")
}

func TestParams_TimestampsOutsideTheDataRangeAreRefused(t *testing.T) {
	set := loadQuickstart(t)
	_, err := set.Evaluate(context.Background(), indicator.Batches(),
		indicator.WithParams(map[string]any{"period_end": time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}))
	assert.ErrorIs(t, err, indicator.ErrParameter)
	assert.Contains(t, err.Error(), "outside the years 1678-2261")
}
