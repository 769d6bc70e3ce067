package stats

import (
	"errors"
	"math"
	"testing"
)

// Ten deciles, most deprived first (made-up life expectancies).
var (
	siiPops   = []float64{10000, 12000, 11000, 9000, 10500, 9800, 10200, 11500, 9900, 10100}
	siiValues = []float64{72.1, 73.0, 74.2, 75.0, 75.9, 76.8, 77.5, 78.9, 79.6, 81.2}
)

func siiGroups(se float64) []SIIGroup {
	g := make([]SIIGroup, len(siiPops))
	for i := range g {
		g[i] = SIIGroup{Population: siiPops[i], Value: siiValues[i], SE: se}
	}
	return g
}

func TestSII_WeightedRegressionOnMidpointRank(t *testing.T) {
	// Reference: R 4.2.2 lm(value ~ rank, weights = population) with rank the
	// cumulative population share at each decile's midpoint.
	res, err := SII(siiGroups(0.5), SIIOptions{Repetitions: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkRel(t, "Intercept", res.Intercept, 71.514810858664148, exactness)
	checkRel(t, "SII", res.SII, 9.7357628980563309, exactness)
	checkRel(t, "RII", res.RII, 1.1361363161163536, exactness)
}

func TestSII_SimulatedIntervalIsDeterministicForASeed(t *testing.T) {
	opts := SIIOptions{Level: 0.95, Repetitions: 5000, Seed: 42}
	a, errA := SII(siiGroups(0.4), opts)
	b, errB := SII(siiGroups(0.4), opts)
	if errA != nil || errB != nil || a != b {
		t.Fatalf("same seed, different results: %+v / %+v (%v %v)", a, b, errA, errB)
	}
	opts.Seed = 43
	c, _ := SII(siiGroups(0.4), opts)
	if c.SIILower == a.SIILower && c.SIIUpper == a.SIIUpper {
		t.Errorf("a different seed gave identical limits %v %v", c.SIILower, c.SIIUpper)
	}
}

func TestSII_SimulatedIntervalMatchesAnalyticNormalInterval(t *testing.T) {
	// The slope is linear in the values, so with normal draws its simulated
	// distribution is Normal(SII, Σ cᵢ²SEᵢ²); the percentile limits must
	// approach SII ± z·sd. 100 000 draws put the 2.5% point within about
	// 0.7% of the half-width.
	groups := siiGroups(0.6)
	res, err := SII(groups, SIIOptions{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := newRankRegression(groups)
	var variance float64
	for i, g := range groups {
		variance += reg.slopeW[i] * reg.slopeW[i] * g.SE * g.SE
	}
	half := 1.9599639845400538556 * math.Sqrt(variance)
	for name, got := range map[string]float64{"lower": res.SII - res.SIILower, "upper": res.SIIUpper - res.SII} {
		if !closeRel(got, half, 0.02) {
			t.Errorf("%s half-width %v, analytic %v", name, got, half)
		}
	}
	if !(res.RIILower < res.RII && res.RII < res.RIIUpper) {
		t.Errorf("RII %v outside its interval [%v, %v]", res.RII, res.RIILower, res.RIIUpper)
	}
}

func TestSII_ZeroStandardErrorsGiveAPointInterval(t *testing.T) {
	res, err := SII(siiGroups(0), SIIOptions{Repetitions: 1000})
	if err != nil {
		t.Fatal(err)
	}
	checkRel(t, "SIILower", res.SIILower, res.SII, 1e-12)
	checkRel(t, "SIIUpper", res.SIIUpper, res.SII, 1e-12)
}

func TestSII_RejectsInvalidInput(t *testing.T) {
	good := siiGroups(0.5)
	cases := []struct {
		name   string
		groups []SIIGroup
		opts   SIIOptions
	}{
		{"one group", good[:1], SIIOptions{}},
		{"zero population", []SIIGroup{{0, 1, 1}, {1, 2, 1}}, SIIOptions{}},
		{"negative SE", []SIIGroup{{1, 1, -1}, {1, 2, 1}}, SIIOptions{}},
		{"NaN value", []SIIGroup{{1, math.NaN(), 1}, {1, 2, 1}}, SIIOptions{}},
		{"too few repetitions", good, SIIOptions{Repetitions: 999}},
		{"negative repetitions", good, SIIOptions{Repetitions: -5}},
		{"level as a percentage", good, SIIOptions{Level: 95}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := SII(c.groups, c.opts)
			if !errors.Is(err, ErrInvalidInput) || res != (SIIResult{}) {
				t.Errorf("SII = %+v, %v; want ErrInvalidInput", res, err)
			}
			if _, err := ConcentrationIndex(c.groups, c.opts); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("ConcentrationIndex err = %v, want ErrInvalidInput", err)
			}
		})
	}
}

func TestConcentrationIndex_EqualsCovarianceForm(t *testing.T) {
	// References: the covariance form C = 2·cov_w(y, R)/μ (Kakwani, Wagstaff &
	// van Doorslaer 1997), population-weighted, evaluated in R 4.2.2.
	cases := []struct {
		name   string
		pops   []float64
		values []float64
		want   float64
	}{
		{"deciles of life expectancy", siiPops, siiValues, 0.021026782861137957},
		{"ill health concentrated in the deprived", []float64{100, 120, 90, 110, 80}, []float64{30, 25, 20, 15, 10}, -0.18936585365853659},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			groups := make([]SIIGroup, len(c.pops))
			for i := range groups {
				groups[i] = SIIGroup{Population: c.pops[i], Value: c.values[i], SE: 0.1}
			}
			e, err := ConcentrationIndex(groups, SIIOptions{Repetitions: 2000, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			checkRel(t, "C", e.Value, c.want, exactness)
			if !(e.Lower <= e.Value && e.Value <= e.Upper) || e.Method != MethodSimulation || e.Level != 0.95 {
				t.Errorf("estimate %+v", e)
			}
		})
	}
}

func TestConcentrationIndex_AllHealthInMostDeprivedHalfIsMinusHalf(t *testing.T) {
	// Two equal groups with everything in the first: the concentration curve
	// is L(0.5) = 1, so C = 2·(area between diagonal and curve) = -0.5.
	e, err := ConcentrationIndex([]SIIGroup{{1, 1, 0}, {1, 0, 0}}, SIIOptions{Repetitions: 1000})
	if err != nil {
		t.Fatal(err)
	}
	checkRel(t, "C", e.Value, -0.5, 1e-15)
}

func TestConcentrationIndex_RejectsNonPositiveTotal(t *testing.T) {
	_, err := ConcentrationIndex([]SIIGroup{{1, 0, 0}, {1, 0, 0}}, SIIOptions{})
	if !errors.Is(err, ErrInvalidInput) {
		t.Errorf("err = %v, want ErrInvalidInput", err)
	}
}
