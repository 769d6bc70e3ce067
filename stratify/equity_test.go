package stratify_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/disclosure"
	"github.com/openhpi/hpi/indicator/stats"
	"github.com/openhpi/hpi/stratify"
)

// stratified builds a result stratified by quintile from counts.
func stratified(t *testing.T, typ indicator.Type, nums, dens []float64) indicator.Result {
	res := indicator.Result{ID: "X", Type: typ, Multiplier: 1}
	s := indicator.StratifierResult{ID: "quintile"}
	for i := range nums {
		var e stats.Estimate
		var err error
		if typ == indicator.Proportion {
			e, err = stats.Proportion(nums[i], dens[i], 0.95)
		} else {
			e, err = stats.Rate(nums[i], dens[i], 0.95)
		}
		require.NoError(t, err)
		s.Strata = append(s.Strata, indicator.Stratum{Values: []string{string(rune('1' + i))},
			Estimate:  indicator.Estimate{Value: indicator.Float(e.Value), Lower: indicator.Float(e.Lower), Upper: indicator.Float(e.Upper), Level: 0.95, Method: e.Method},
			Numerator: indicator.Float(nums[i]), Denominator: indicator.Float(dens[i])})
	}
	res.Stratifiers = []indicator.StratifierResult{s}
	return res
}

// Newcombe RG. Interval estimation for the difference between independent
// proportions: comparison of eleven methods. Stat Med 1998;17:873-890,
// Table II, example (a): 56/70 - 48/80, method 10: 0.0524 to 0.3339.
func TestEquity_NewcombeWorkedExample(t *testing.T) {
	res := stratified(t, indicator.Proportion, []float64{56, 48}, []float64{70, 80})
	eq, err := stratify.Equity(res, "quintile", stratify.WithSimulation(1, 1000))
	require.NoError(t, err)
	assert.InDelta(t, 0.2, float64(eq.RateDifference.Value), 1e-12)
	assert.InDelta(t, 0.0524, float64(eq.RateDifference.Lower), 5e-5)
	assert.InDelta(t, 0.3339, float64(eq.RateDifference.Upper), 5e-5)
	// Katz: RR = 0.8/0.6, SE(ln RR) = sqrt(1/56 - 1/70 + 1/48 - 1/80), by hand.
	rr, se := (56.0/70)/(48.0/80), math.Sqrt(1.0/56-1.0/70+1.0/48-1.0/80)
	assert.InDelta(t, rr, float64(eq.RateRatio.Value), 1e-12)
	assert.InDelta(t, rr*math.Exp(-1.959963985*se), float64(eq.RateRatio.Lower), 1e-8)
	assert.InDelta(t, rr*math.Exp(1.959963985*se), float64(eq.RateRatio.Upper), 1e-8)
}

func TestEquity_RatesAndGradient(t *testing.T) {
	// events and person-years, most deprived first: the rate falls with deprivation.
	res := stratified(t, indicator.Rate, []float64{300, 250, 200, 160, 120}, []float64{1000, 1000, 1000, 1000, 1000})
	eq, err := stratify.Equity(res, "quintile", stratify.WithSimulation(7, 1000))
	require.NoError(t, err)
	assert.Equal(t, "1", eq.MostDeprived)
	assert.Equal(t, "5", eq.LeastDeprived)
	assert.Less(t, float64(eq.SII.Value), 0.0)
	assert.Less(t, float64(eq.Concentration.Value), 0.0)
	// Rate ratio 2.5 with SE(ln RR) = sqrt(1/300 + 1/120); difference 0.18 with SE sqrt(300 + 120)/1000, by hand.
	se := math.Sqrt(1.0/300 + 1.0/120)
	assert.InDelta(t, 2.5, float64(eq.RateRatio.Value), 1e-12)
	assert.InDelta(t, 2.5*math.Exp(-1.959963985*se), float64(eq.RateRatio.Lower), 1e-8)
	assert.InDelta(t, 0.18-1.959963985*math.Sqrt(420)/1000, float64(eq.RateDifference.Lower), 1e-8)
	// the same seed gives the same limits
	again, err := stratify.Equity(res, "quintile", stratify.WithSimulation(7, 1000))
	require.NoError(t, err)
	assert.Equal(t, eq.SII, again.SII)
}

func TestEquity_WithheldStrata(t *testing.T) {
	res := stratified(t, indicator.Rate, []float64{30, 25, 20}, []float64{100, 100, 100})
	res.Stratifiers[0].Strata[1].Suppressed = &indicator.Suppression{Numerator: disclosure.Reason("small")}
	_, err := stratify.Equity(res, "quintile")
	require.ErrorIs(t, err, stratify.ErrEquity)
	assert.True(t, strings.Contains(err.Error(), `group "2" is withheld`), err.Error())
	eq, err := stratify.Equity(res, "quintile", stratify.WithExcludeWithheld(), stratify.WithSimulation(1, 1000))
	require.NoError(t, err)
	assert.Equal(t, []string{"2"}, eq.Excluded)
	_, err = stratify.Equity(res, "nope")
	require.ErrorIs(t, err, stratify.ErrEquity)
}
