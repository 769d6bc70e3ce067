package stats

import (
	"math"
	"math/rand/v2"
	"slices"
)

// SIIGroup is one deprivation group (e.g. a decile) for SII, RII and the
// concentration index. SE is the standard error of Value on the scale of
// Value: a caller holding standard errors on a log or logit scale (as
// PHEindicatormethods does for rates and proportions with value_type 1 or 2)
// must convert them first, e.g. by the delta method, SE ≈ Value × SE_log.
type SIIGroup struct{ Population, Value, SE float64 }

// SIIResult holds the slope index of inequality, the relative index of
// inequality, the regression intercept and their simulated confidence limits.
type SIIResult struct{ SII, RII, Intercept, SIILower, SIIUpper, RIILower, RIIUpper float64 }

// SIIOptions controls the Monte Carlo confidence intervals of SII and
// ConcentrationIndex. A zero Level means 0.95 and a zero Repetitions means
// 100 000 (the PHEindicatormethods default); Repetitions must otherwise be at
// least 1 000. The same Seed always gives the same limits.
type SIIOptions struct {
	Level       float64
	Repetitions int
	Seed        int64
}

// Defaults and bounds of SIIOptions.
const (
	DefaultSIIRepetitions = 100000
	MinSIIRepetitions     = 1000
	defaultSIILevel       = 0.95
	// second word of the PCG seed; any fixed constant keeps seeds reproducible
	pcgStream = 0x9e3779b97f4a7c15
)

// SII returns the slope and relative index of inequality by the PHE method
// (PHEindicatormethods::phe_sii). groups are ordered from most to least
// deprived. Each group is placed at the midpoint of its cumulative population
// share (its rank, in [0, 1]) and Value is regressed on rank by least squares
// weighted by population share. SII is the slope (the modelled value at the
// least deprived end minus that at the most deprived end), Intercept the
// modelled value at the most deprived end, and RII = (Intercept+SII)/Intercept.
//
// The confidence limits come from simulation: each repetition draws every
// group's value from Normal(Value, SE), refits the line and records SII and
// RII; the limits are the order statistics at positions
// round(R·α/2) and round(R·(1-α/2)) of the sorted results, as PHE takes them.
// The random source is PCG seeded from opts.Seed, so results are
// deterministic for a seed.
//
// It needs at least two groups with finite Value, SE >= 0 and Population > 0;
// otherwise the error wraps ErrInvalidInput. PHE recommends 5 to 10 groups.
func SII(groups []SIIGroup, opts SIIOptions) (SIIResult, error) {
	level, reps, err := simulationSettings(opts)
	if err != nil {
		return SIIResult{}, err
	}
	fit, err := newRankRegression(groups)
	if err != nil {
		return SIIResult{}, err
	}
	values := make([]float64, len(groups))
	for i, g := range groups {
		values[i] = g.Value
	}
	slope, intercept := fit.apply(values)
	res := SIIResult{SII: slope, Intercept: intercept, RII: (intercept + slope) / intercept}

	sims := newSimulator(groups, opts.Seed)
	slopes := make([]float64, reps)
	riis := make([]float64, reps)
	for r := range reps {
		s, c := fit.apply(sims.draw())
		slopes[r], riis[r] = s, (c+s)/c
	}
	res.SIILower, res.SIIUpper = percentileLimits(slopes, level)
	res.RIILower, res.RIIUpper = percentileLimits(riis, level)
	return res, nil
}

// ConcentrationIndex returns the concentration index of Value across groups
// ordered from most to least deprived, for grouped data (Kakwani, Wagstaff &
// van Doorslaer 1997):
//
//	C = Σₜ (pₜ Lₜ₊₁ - pₜ₊₁ Lₜ),  t = 1 … T-1,
//
// where pₜ is the cumulative population share and Lₜ the cumulative share of
// the total Σ Population×Value. C lies in (-1, 1); it is negative when the
// quantity is concentrated in the more deprived groups. The confidence limits
// are simulated as for SII (APHO Technical Guide, Confidence Intervals,
// Appendix 8); Method is "monte-carlo".
//
// Inputs are validated as for SII, and Σ Population×Value must be > 0.
func ConcentrationIndex(groups []SIIGroup, opts SIIOptions) (Estimate, error) {
	level, reps, err := simulationSettings(opts)
	if err != nil {
		return Estimate{}, err
	}
	if _, err := newRankRegression(groups); err != nil {
		return Estimate{}, err
	}
	values := make([]float64, len(groups))
	for i, g := range groups {
		values[i] = g.Value
	}
	value, ok := concentration(groups, values)
	if !ok {
		return Estimate{}, invalidf("the population-weighted total of the values must be > 0")
	}
	sims := newSimulator(groups, opts.Seed)
	draws := make([]float64, 0, reps)
	for range reps {
		if c, ok := concentration(groups, sims.draw()); ok {
			draws = append(draws, c)
		}
	}
	if len(draws) == 0 {
		return Estimate{}, invalidf("no simulated total was positive; standard errors too large")
	}
	lower, upper := percentileLimits(draws, level)
	return Estimate{Value: value, Lower: lower, Upper: upper, Level: level, Method: MethodSimulation}, nil
}

// concentration returns the concentration index of values for the groups'
// populations, and false when the weighted total is not positive.
func concentration(groups []SIIGroup, values []float64) (float64, bool) {
	var popTotal, healthTotal float64
	for i, g := range groups {
		popTotal += g.Population
		healthTotal += g.Population * values[i]
	}
	if !(healthTotal > 0) {
		return 0, false
	}
	var c, p, l float64
	for i, g := range groups {
		pNext := p + g.Population/popTotal
		lNext := l + g.Population*values[i]/healthTotal
		c += p*lNext - pNext*l
		p, l = pNext, lNext
	}
	return c, true
}

// simulationSettings applies the SIIOptions defaults and validates them.
func simulationSettings(opts SIIOptions) (level float64, reps int, err error) {
	level, reps = opts.Level, opts.Repetitions
	if level == 0 {
		level = defaultSIILevel
	}
	if reps == 0 {
		reps = DefaultSIIRepetitions
	}
	if err := checkLevel(level); err != nil {
		return 0, 0, err
	}
	if reps < MinSIIRepetitions {
		return 0, 0, invalidf("repetitions = %d must be at least %d", reps, MinSIIRepetitions)
	}
	return level, reps, nil
}

// rankRegression holds the weights that turn group values into the weighted
// least squares slope and intercept on cumulative-midpoint rank: both are
// linear in the values, slope = Σ slopeW·y and intercept = Σ interceptW·y.
type rankRegression struct {
	slopeW, interceptW []float64
}

// newRankRegression validates groups and precomputes the regression weights.
func newRankRegression(groups []SIIGroup) (rankRegression, error) {
	if len(groups) < 2 {
		return rankRegression{}, invalidf("at least 2 groups are needed, got %d", len(groups))
	}
	var total float64
	for i, g := range groups {
		if !finite(g.Value) || !finite(g.SE) || g.SE < 0 || !finite(g.Population) || g.Population <= 0 {
			return rankRegression{}, invalidf("group %d %+v: need finite Value, SE >= 0 and Population > 0", i, g)
		}
		total += g.Population
	}
	if !finite(total) {
		return rankRegression{}, invalidf("total population %v is not finite", total)
	}
	share := make([]float64, len(groups))
	rank := make([]float64, len(groups))
	var cum, meanRank float64
	for i, g := range groups {
		share[i] = g.Population / total
		rank[i] = cum + share[i]/2
		cum += share[i]
		meanRank += share[i] * rank[i]
	}
	var sxx float64
	for i := range groups {
		d := rank[i] - meanRank
		sxx += share[i] * d * d
	}
	reg := rankRegression{slopeW: make([]float64, len(groups)), interceptW: make([]float64, len(groups))}
	for i := range groups {
		reg.slopeW[i] = share[i] * (rank[i] - meanRank) / sxx
		reg.interceptW[i] = share[i] - meanRank*reg.slopeW[i]
	}
	return reg, nil
}

// apply returns the fitted slope and intercept for values.
func (r rankRegression) apply(values []float64) (slope, intercept float64) {
	for i, y := range values {
		slope += r.slopeW[i] * y
		intercept += r.interceptW[i] * y
	}
	return slope, intercept
}

// simulator draws group values from Normal(Value, SE) with a seeded PCG.
type simulator struct {
	groups []SIIGroup
	rng    *rand.Rand
	buf    []float64
}

func newSimulator(groups []SIIGroup, seed int64) *simulator {
	return &simulator{
		groups: groups,
		rng:    rand.New(rand.NewPCG(uint64(seed), pcgStream)),
		buf:    make([]float64, len(groups)),
	}
}

// draw returns one simulated set of values; the slice is reused between calls.
func (s *simulator) draw() []float64 {
	for i, g := range s.groups {
		s.buf[i] = g.Value + g.SE*s.rng.NormFloat64()
	}
	return s.buf
}

// percentileLimits sorts draws and returns the order statistics PHE uses as
// limits: positions round(R(1-c)) and round(R·c), 1-based, with
// c = level + (1-level)/2 and R's round-half-to-even.
func percentileLimits(draws []float64, level float64) (lower, upper float64) {
	slices.Sort(draws)
	n := float64(len(draws))
	tail := (1 - level) / 2
	return draws[orderIndex(n*tail, len(draws))], draws[orderIndex(n*(1-tail), len(draws))]
}

// orderIndex converts a 1-based position to a 0-based index within [0, n-1].
func orderIndex(pos float64, n int) int {
	i := int(math.RoundToEven(pos)) - 1
	return min(max(i, 0), n-1)
}
