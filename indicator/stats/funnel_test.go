package stats

import (
	"errors"
	"math"
	"testing"
)

// phePropBaseline is the baseline of PHEindicatormethods' proportion funnel
// test data (tests/testthat/testdata_funnel_prop_outputs.csv): 80.642448%.
const phePropBaseline = 0.80642448

func TestProportionFunnel_MatchesPHETestOutputs(t *testing.T) {
	// Rows of testdata_funnel_prop_outputs.csv (percentages to 6 decimals,
	// so compared to 1.5e-8 absolute as proportions, which also covers the
	// rounding of the baseline itself).
	cases := []struct {
		name                                 string
		n                                    float64
		lower95, upper95, lower998, upper998 float64
	}{
		{"n 1: floored and capped", 1, 0.03204264, 1, 0, 1},
		{"n 3", 3, 0.35933491, 1, 0.10150815, 1},
		{"n 18", 18, 0.62390093, 0.98894803, 0.51864359, 1},
		{"n 41", 41, 0.68548635, 0.9273626, 0.61574398, 0.99710497},
		{"n 1008", 1008, 0.78203374, 0.83081521, 0.76796814, 0.84488082},
		{"n 110000", 110000, 0.80408963, 0.80875933, 0.80274317, 0.81010578},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ProportionFunnel(phePropBaseline, c.n)
			if err != nil {
				t.Fatal(err)
			}
			want := FunnelLimits{c.lower95, c.upper95, c.lower998, c.upper998}
			for i, pair := range [][2]float64{{got.Lower95, want.Lower95}, {got.Upper95, want.Upper95}, {got.Lower998, want.Lower998}, {got.Upper998, want.Upper998}} {
				if math.Abs(pair[0]-pair[1]) > 1.5e-8 {
					t.Errorf("limit %d = %.10f, PHE %.8f", i, pair[0], pair[1])
				}
			}
		})
	}
}

func TestProportionFunnel_IsTheInvertedWilsonBound(t *testing.T) {
	// Independent formulation: at each limit the Wilson interval of the
	// limit proportion at the same n has its bound on the baseline (PHE's
	// sigma_adjustment derivation), so Wilson(limit) reproduces p.
	p, n := 0.3, 250.0
	f, _ := ProportionFunnel(p, n)
	for _, c := range []struct {
		limit, level float64
		upperBound   bool
	}{{f.Lower95, 0.95, true}, {f.Upper95, 0.95, false}, {f.Lower998, 0.998, true}, {f.Upper998, 0.998, false}} {
		e, err := Proportion(c.limit*n, n, c.level)
		if err != nil {
			t.Fatal(err)
		}
		bound := e.Lower
		if c.upperBound {
			bound = e.Upper
		}
		checkRel(t, "Wilson bound at the funnel limit", bound, p, 1e-12)
	}
}

func TestRatioFunnel_ExactPoissonLimits(t *testing.T) {
	// References: O / (qchisq(0.975, 2O+2)/2), O / (qchisq(0.025, 2O)/2) and
	// the 0.999/0.001 pair, in R 4.2.2.
	cases := []struct {
		name string
		o    float64
		want FunnelLimits
	}{
		{"1 observed", 1, FunnelLimits{0.17948025920436486, 39.497890205207213, 0.10830230905941207, 999.49991662497359}},
		{"10 observed", 10, FunnelLimits{0.54376326250303564, 2.0853366919067851, 0.4143536900639222, 3.3777845584396946}},
		{"716 observed", 716, FunnelLimits{0.92936041741295394, 1.0774882270611912, 0.89209603138083382, 1.1255169700900831}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := RatioFunnel(c.o)
			if err != nil {
				t.Fatal(err)
			}
			checkRel(t, "Lower95", got.Lower95, c.want.Lower95, exactness)
			checkRel(t, "Upper95", got.Upper95, c.want.Upper95, exactness)
			checkRel(t, "Lower998", got.Lower998, c.want.Lower998, exactness)
			checkRel(t, "Upper998", got.Upper998, c.want.Upper998, exactness)
		})
	}
}

func TestRatioFunnel_AgreesWithPHEBisectionOutputs(t *testing.T) {
	// Expected-event columns of testdata_funnel_ratio_outputs.csv. PHE finds
	// each expected count μ = (1+O)v/(1-v) by bisecting v until the step is
	// below 1e-7, so its μ is good only to 1e-7·dμ/dv = 1e-7·(μ+1+O)²/(1+O).
	cases := []struct {
		o                                    float64
		lo95Exp, up95Exp, lo998Exp, up998Exp float64
	}{
		{1, 5.571644585, 0.025317898, 9.233410143, 0.001000547},
		{10, 18.39035799, 4.795387629, 24.13397235, 2.960519925},
		{100, 121.6268111, 81.36400699, 134.9243187, 71.92139974},
		{716, 770.4222128, 664.5083011, 802.60414, 636.1521174},
	}
	for _, c := range cases {
		got, err := RatioFunnel(c.o)
		if err != nil {
			t.Fatal(err)
		}
		for i, pair := range [][2]float64{{c.o / got.Lower95, c.lo95Exp}, {c.o / got.Upper95, c.up95Exp}, {c.o / got.Lower998, c.lo998Exp}, {c.o / got.Upper998, c.up998Exp}} {
			tol := 1e-7 * (pair[1] + 1 + c.o) * (pair[1] + 1 + c.o) / (1 + c.o)
			if math.Abs(pair[0]-pair[1]) > tol {
				t.Errorf("O=%v expected count %d = %.9g, PHE %.9g", c.o, i, pair[0], pair[1])
			}
		}
	}
}

func TestCrudeRateFunnel_MatchesPHERateOutputs(t *testing.T) {
	// testdata_funnel_rate_outputs.csv: baseline 116.1720835 per 100 000,
	// three years of data; limits per 100 000 and 1-year populations.
	const baseline, years, per = 116.1720835 / 1e5, 3.0, 1e5
	cases := []struct {
		o               float64
		limits          FunnelLimits
		lower95Pop1Year float64
	}{
		{10, FunnelLimits{63.17010446, 242.2579623, 48.13632908, 392.4043292}, 5276.757672},
		{1360, FunnelLimits{110.158048, 122.6021934, 106.9073359, 126.5084525}, 411529.9259},
	}
	for _, c := range cases {
		got, err := CrudeRateFunnel(baseline, c.o)
		if err != nil {
			t.Fatal(err)
		}
		checkRel(t, "Lower95", got.Lower95*per, c.limits.Lower95, 1e-6)
		checkRel(t, "Upper95", got.Upper95*per, c.limits.Upper95, 1e-6)
		checkRel(t, "Lower998", got.Lower998*per, c.limits.Lower998, 1e-6)
		checkRel(t, "Upper998", got.Upper998*per, c.limits.Upper998, 1e-6)
		checkRel(t, "population at Lower95", c.o/got.Lower95/years, c.lower95Pop1Year, 1e-6)
	}
}

func TestClassifyFunnel_StrictInequalitiesAndNaN(t *testing.T) {
	limits := FunnelLimits{Lower95: 0.4, Upper95: 0.6, Lower998: 0.3, Upper998: 0.7}
	cases := []struct {
		name  string
		value float64
		want  FunnelSignificance
	}{
		{"below 99.8%", 0.29, FunnelBelow998},
		{"on the 99.8% lower limit", 0.3, FunnelBelow95},
		{"below 95%", 0.35, FunnelBelow95},
		{"on the 95% lower limit", 0.4, FunnelWithin},
		{"inside", 0.5, FunnelWithin},
		{"on the 95% upper limit", 0.6, FunnelWithin},
		{"above 95%", 0.65, FunnelAbove95},
		{"on the 99.8% upper limit", 0.7, FunnelAbove95},
		{"above 99.8%", 0.71, FunnelAbove998},
		{"NaN value", math.NaN(), FunnelNotRated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ClassifyFunnel(c.value, limits); got != c.want {
				t.Errorf("ClassifyFunnel(%v) = %q, want %q", c.value, got, c.want)
			}
		})
	}
	if got := ClassifyFunnel(0.5, FunnelLimits{math.NaN(), 1, 0, 1}); got != FunnelNotRated {
		t.Errorf("NaN limit gives %q", got)
	}
}

func TestProportionFunnelSignificance_MatchesPHELabels(t *testing.T) {
	// Rows and labels of testdata_funnel_prop_inputs.csv.
	cases := []struct {
		area string
		x, n float64
		want FunnelSignificance
	}{
		{"New Forest PCT", 35078.4880, 41980, FunnelAbove998},
		{"Norwich PCT", 24803.6256, 31824, FunnelBelow998},
		{"South Gloucestershire PCT", 50050.7443, 61921, FunnelWithin},
		{"West Norfolk PCT", 26789.2380, 33012, FunnelAbove95},
		{"North Devon PCT", 30277.5312, 37828, FunnelBelow95},
		{"North Tees PCT", 36850.0492, 45449, FunnelAbove95},
		{"Central Derby PCT", 24648.7596, 30521, FunnelWithin},
		{"Witham, Braintree and Halstead Care Trust", 28537.4507, 35201, FunnelAbove95},
	}
	for _, c := range cases {
		t.Run(c.area, func(t *testing.T) {
			got, err := ProportionFunnelSignificance(c.x, c.n, phePropBaseline)
			if err != nil || got != c.want {
				t.Errorf("got %q (%v), PHE %q", got, err, c.want)
			}
		})
	}
}

func TestRatioFunnelSignificance_OneAgainstTheRatioInterval(t *testing.T) {
	cases := []struct {
		name        string
		o, expected float64
		want        FunnelSignificance
	}{
		// Exact 99.8% interval for 9 events is [2.4524, 22.657]; 95% is [4.1154, 17.085].
		{"9 observed, 2.4 expected: above 99.8%", 9, 2.4, FunnelAbove998},
		{"9 observed, 3 expected: above 95% only", 9, 3, FunnelAbove95},
		{"9 observed, 9 expected: not significant", 9, 9, FunnelWithin},
		{"9 observed, 20 expected: below 95% only", 9, 20, FunnelBelow95},
		{"9 observed, 23 expected: below 99.8%", 9, 23, FunnelBelow998},
		{"0 observed, 4 expected: below 95% only", 0, 4, FunnelBelow95},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := RatioFunnelSignificance(c.o, c.expected)
			if err != nil || got != c.want {
				t.Errorf("got %q (%v), want %q", got, err, c.want)
			}
		})
	}
}

func TestRateFunnelSignificance_BaselineAgainstTheRateInterval(t *testing.T) {
	// 250 events in 100 000: 95% [0.00219967, 0.00282989], 99.8% [0.00203962, 0.00302833].
	cases := []struct {
		baseline float64
		want     FunnelSignificance
	}{
		{0.0020, FunnelAbove998}, {0.0021, FunnelAbove95}, {0.0025, FunnelWithin},
		{0.0029, FunnelBelow95}, {0.0031, FunnelBelow998},
	}
	for _, c := range cases {
		got, err := RateFunnelSignificance(250, 1e5, c.baseline)
		if err != nil || got != c.want {
			t.Errorf("baseline %v: got %q (%v), want %q", c.baseline, got, err, c.want)
		}
	}
}

func TestFunnels_RejectInvalidInput(t *testing.T) {
	checks := map[string]error{}
	_, checks["proportion baseline above 1"] = ProportionFunnel(1.2, 10)
	_, checks["proportion NaN baseline"] = ProportionFunnel(math.NaN(), 10)
	_, checks["proportion zero n"] = ProportionFunnel(0.5, 0)
	_, checks["ratio zero observed"] = RatioFunnel(0)
	_, checks["ratio infinite observed"] = RatioFunnel(math.Inf(1))
	_, checks["rate zero baseline"] = CrudeRateFunnel(0, 5)
	_, checks["rate NaN observed"] = CrudeRateFunnel(0.1, math.NaN())
	_, checks["significance x above n"] = ProportionFunnelSignificance(11, 10, 0.5)
	_, checks["significance bad baseline"] = ProportionFunnelSignificance(1, 10, -0.5)
	_, checks["ratio significance zero expected"] = RatioFunnelSignificance(3, 0)
	_, checks["rate significance NaN baseline"] = RateFunnelSignificance(3, 100, math.NaN())
	for name, err := range checks {
		if !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: err = %v, want ErrInvalidInput", name, err)
		}
	}
}
