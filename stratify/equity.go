package stratify

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/stats"
)

// EquityOption sets an optional setting of Equity.
type EquityOption func(*equityConfig)

type equityConfig struct {
	order           []string
	excludeWithheld bool
	seed            int64
	repetitions     int
}

// WithOrder gives the groups' labels from the most to the least deprived.
// By default labels are integers ordered ascending: quintile 1 is the most
// deprived, as in the English Index of Multiple Deprivation.
func WithOrder(labels ...string) EquityOption {
	return func(c *equityConfig) { c.order = labels }
}

// WithExcludeWithheld leaves out strata whose counts the disclosure policy
// withheld, and lists them in EquityResult.Excluded; without it such a
// stratum is an error.
func WithExcludeWithheld() EquityOption {
	return func(c *equityConfig) { c.excludeWithheld = true }
}

// WithSimulation sets the seed and repetitions of the simulated intervals
// of SII, RII and the concentration index (defaults: seed 1, 100 000
// repetitions, see stats.SIIOptions).
func WithSimulation(seed int64, repetitions int) EquityOption {
	return func(c *equityConfig) { c.seed, c.repetitions = seed, repetitions }
}

// EquityGroup is one deprivation group as used by Equity.
type EquityGroup struct {
	Label       string             `json:"label"`
	Numerator   float64            `json:"numerator"`
	Denominator float64            `json:"denominator"`
	Estimate    indicator.Estimate `json:"estimate"` // on the indicator's display scale
}

// EquityResult measures inequality in one indicator across ordered
// deprivation groups. SII and RateDifference are on the indicator's display
// scale (after its multiplier); RII, RateRatio and Concentration have no
// unit.
type EquityResult struct {
	Indicator     string             `json:"indicator"`
	Stratifier    string             `json:"stratifier"`
	Groups        []EquityGroup      `json:"groups"` // most to least deprived
	MostDeprived  string             `json:"most_deprived"`
	LeastDeprived string             `json:"least_deprived"`
	SII           indicator.Estimate `json:"sii"`
	RII           indicator.Estimate `json:"rii"`
	Concentration indicator.Estimate `json:"concentration_index"`
	// RateRatio and RateDifference compare the most with the least deprived
	// group (most / least, most - least).
	RateRatio      indicator.Estimate `json:"rate_ratio"`
	RateDifference indicator.Estimate `json:"rate_difference"`
	Excluded       []string           `json:"excluded,omitempty"`
	Seed           int64              `json:"seed"`
	Repetitions    int                `json:"repetitions"`
}

// Equity computes, from an indicator result stratified by an ordered
// deprivation variable (the stratifier with the given id), the slope and
// relative indices of inequality and the concentration index (package
// stats: PHE's method, simulated intervals), and the ratio and difference
// between the most and the least deprived groups with their intervals at
// the indicator's level:
//
//   - proportion: risk ratio with the Katz log interval, SE(ln RR) =
//     sqrt(1/x₁ − 1/n₁ + 1/x₂ − 1/n₂) (Katz et al., Biometrics 1978;34:469-474;
//     Kirkwood & Sterne, Essential Medical Statistics, 2nd ed., §16.3), and
//     difference with Newcombe's hybrid score interval from the two Wilson
//     intervals (Newcombe, Stat Med 1998;17:873-890, method 10);
//   - rate: rate ratio with the log-normal interval, SE(ln RR) =
//     sqrt(1/x₁ + 1/x₂), and difference with the normal interval, SE =
//     sqrt(x₁/T₁² + x₂/T₂²) (Kirkwood & Sterne §23.4; Rothman, Greenland &
//     Lash, Modern Epidemiology, 3rd ed., ch. 14).
//
// SII and the concentration index weight each group by its denominator
// and take each group's standard error from its interval, (upper −
// lower)/(2z), as PHEindicatormethods::phe_sii does. Other indicator
// types, fewer than two groups, labels outside the order and withheld
// strata (unless WithExcludeWithheld) are errors wrapping ErrEquity. A
// zero count leaves the ratio's interval undefined (NaN).
func Equity(res indicator.Result, stratifier string, opts ...EquityOption) (*EquityResult, error) {
	cfg := equityConfig{seed: 1}
	for _, o := range opts {
		o(&cfg)
	}
	fail := func(format string, args ...any) (*EquityResult, error) {
		return nil, fmt.Errorf("stratify: equity of %s by %s: %w: %s", res.ID, stratifier, ErrEquity, fmt.Sprintf(format, args...))
	}
	if res.Type != indicator.Proportion && res.Type != indicator.Rate {
		return fail("indicator type %s is not supported (want proportion or rate)", res.Type)
	}
	var strata []indicator.Stratum
	found := false
	for _, s := range res.Stratifiers {
		if s.ID == stratifier {
			strata, found = s.Strata, true
		}
	}
	if !found {
		return fail("no such stratifier")
	}
	out := &EquityResult{Indicator: res.ID, Stratifier: stratifier, Seed: cfg.seed, Repetitions: cfg.repetitions}
	if out.Repetitions == 0 {
		out.Repetitions = 100_000 // the stats.SIIOptions default
	}
	rank := func(label string) (float64, bool) {
		if cfg.order != nil {
			i := slices.Index(cfg.order, label)
			return float64(i), i >= 0
		}
		x, err := strconv.ParseFloat(label, 64)
		return x, err == nil
	}
	type ranked struct {
		g EquityGroup
		r float64
	}
	var groups []ranked
	for _, st := range strata {
		if len(st.Values) != 1 {
			return fail("stratifier has %d components; want one", len(st.Values))
		}
		label := st.Values[0]
		r, ok := rank(label)
		if !ok {
			return fail("group %q is not in the deprivation order", label)
		}
		num, den := float64(st.Numerator), float64(st.Denominator)
		if st.Suppressed != nil || math.IsNaN(num) || math.IsNaN(den) || math.IsNaN(float64(st.Value)) {
			if cfg.excludeWithheld {
				out.Excluded = append(out.Excluded, label)
				continue
			}
			return fail("group %q is withheld by the disclosure policy (see WithExcludeWithheld)", label)
		}
		groups = append(groups, ranked{EquityGroup{Label: label, Numerator: num, Denominator: den, Estimate: st.Estimate}, r})
	}
	if len(groups) < 2 {
		return fail("%d usable groups; want at least two", len(groups))
	}
	slices.SortStableFunc(groups, func(a, b ranked) int { return cmpFloat(a.r, b.r) })
	level := 0.95
	if len(groups) > 0 && groups[0].g.Estimate.Level > 0 {
		level = groups[0].g.Estimate.Level
	}
	z := normalQuantile(1 - (1-level)/2)
	sg := make([]stats.SIIGroup, len(groups))
	for i, g := range groups {
		out.Groups = append(out.Groups, g.g)
		e := g.g.Estimate
		sg[i] = stats.SIIGroup{Population: g.g.Denominator, Value: float64(e.Value), SE: float64(e.Upper-e.Lower) / (2 * z)}
	}
	out.MostDeprived, out.LeastDeprived = groups[0].g.Label, groups[len(groups)-1].g.Label
	sopts := stats.SIIOptions{Level: level, Repetitions: cfg.repetitions, Seed: cfg.seed}
	nan := indicator.Float(math.NaN())
	undefined := indicator.Estimate{Value: nan, Lower: nan, Upper: nan}
	out.SII, out.RII, out.Concentration = undefined, undefined, undefined
	if s, err := stats.SII(sg, sopts); err == nil {
		out.SII = estimate(s.SII, s.SIILower, s.SIIUpper, level, stats.MethodSimulation)
		out.RII = estimate(s.RII, s.RIILower, s.RIIUpper, level, stats.MethodSimulation)
	} else {
		out.SII.Note, out.RII.Note = err.Error(), err.Error()
	}
	if c, err := stats.ConcentrationIndex(sg, sopts); err == nil {
		out.Concentration = estimate(c.Value, c.Lower, c.Upper, level, c.Method)
	} else {
		out.Concentration.Note = err.Error()
	}
	mult := res.Multiplier
	if mult == 0 {
		mult = 1
	}
	a, b := groups[0].g, groups[len(groups)-1].g
	if res.Type == indicator.Proportion {
		out.RateRatio, out.RateDifference = proportionContrast(a.Numerator, a.Denominator, b.Numerator, b.Denominator, level, z)
	} else {
		out.RateRatio, out.RateDifference = rateContrast(a.Numerator, a.Denominator, b.Numerator, b.Denominator, level, z)
	}
	out.RateDifference.Value *= indicator.Float(mult)
	out.RateDifference.Lower *= indicator.Float(mult)
	out.RateDifference.Upper *= indicator.Float(mult)
	return out, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func estimate(v, lo, hi, level float64, method string) indicator.Estimate {
	return indicator.Estimate{Value: indicator.Float(v), Lower: indicator.Float(lo), Upper: indicator.Float(hi), Level: level, Method: method}
}

// normalQuantile returns the standard normal quantile of p in (0, 1).
func normalQuantile(p float64) float64 { return math.Sqrt2 * math.Erfinv(2*p-1) }

// proportionContrast returns the risk ratio (Katz) and the difference
// (Newcombe hybrid score) of x1/n1 against x2/n2.
func proportionContrast(x1, n1, x2, n2, level, z float64) (ratio, diff indicator.Estimate) {
	p1, p2 := x1/n1, x2/n2
	rr := p1 / p2
	se := math.Sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)
	ratio = estimate(rr, rr*math.Exp(-z*se), rr*math.Exp(z*se), level, "katz-log")
	if x1 == 0 || x2 == 0 {
		ratio.Lower, ratio.Upper = indicator.Float(math.NaN()), indicator.Float(math.NaN())
		ratio.Note = "no interval: a zero count"
	}
	w1, err1 := stats.Proportion(x1, n1, level)
	w2, err2 := stats.Proportion(x2, n2, level)
	d := p1 - p2
	diff = estimate(d, math.NaN(), math.NaN(), level, "newcombe-hybrid-score")
	if err1 == nil && err2 == nil {
		diff.Lower = indicator.Float(d - math.Sqrt((p1-w1.Lower)*(p1-w1.Lower)+(w2.Upper-p2)*(w2.Upper-p2)))
		diff.Upper = indicator.Float(d + math.Sqrt((w1.Upper-p1)*(w1.Upper-p1)+(p2-w2.Lower)*(p2-w2.Lower)))
	}
	return ratio, diff
}

// rateContrast returns the rate ratio (log-normal interval) and the rate
// difference (normal interval) of x1/t1 against x2/t2.
func rateContrast(x1, t1, x2, t2, level, z float64) (ratio, diff indicator.Estimate) {
	r1, r2 := x1/t1, x2/t2
	rr := r1 / r2
	se := math.Sqrt(1/x1 + 1/x2)
	ratio = estimate(rr, rr*math.Exp(-z*se), rr*math.Exp(z*se), level, "log-normal")
	if x1 == 0 || x2 == 0 {
		ratio.Lower, ratio.Upper = indicator.Float(math.NaN()), indicator.Float(math.NaN())
		ratio.Note = "no interval: a zero count"
	}
	d := r1 - r2
	sd := math.Sqrt(x1/(t1*t1) + x2/(t2*t2))
	diff = estimate(d, d-z*sd, d+z*sd, level, "normal")
	return ratio, diff
}
