package synth

import "math"

// ageKnots holds a value at ages 0, 10, 20, …, 100; values between knots
// are interpolated and ages above 100 use the last knot.
type ageKnots [11]float64

// byAge expands knots to one value per age 0..MaxAge, interpolating
// linearly on the scale given by (to, from), e.g. log or logit.
func (k ageKnots) byAge(to, from func(float64) float64) [MaxAge + 1]float64 {
	var out [MaxAge + 1]float64
	for age := range out {
		lo := min(age/10, len(k)-1)
		hi := min(lo+1, len(k)-1)
		frac := float64(age-lo*10) / 10
		if lo == hi {
			out[age] = k[lo]
			continue
		}
		if k[lo] <= 0 || k[hi] <= 0 {
			out[age] = k[lo] + frac*(k[hi]-k[lo])
			continue
		}
		out[age] = from(to(k[lo]) + frac*(to(k[hi])-to(k[lo])))
	}
	return out
}

// rateByAge interpolates a positive rate log-linearly between knots.
func (k ageKnots) rateByAge() [MaxAge + 1]float64 {
	return k.byAge(math.Log, math.Exp)
}

// oddsByAge interpolates a prevalence in percent on the logit scale and
// returns the odds p/(1-p) at each age.
func (k ageKnots) oddsByAge() [MaxAge + 1]float64 {
	var fractions ageKnots
	for i, pct := range k {
		fractions[i] = pct / 100
	}
	prevalence := fractions.byAge(logit, expit)
	var odds [MaxAge + 1]float64
	for age, p := range prevalence {
		odds[age] = p / (1 - p)
	}
	return odds
}

func logit(p float64) float64 { return math.Log(p / (1 - p)) }
func expit(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// byQuintile holds a multiplier for deprivation quintiles 1..5 at index
// 1..5 (index 0 unused).
type byQuintile [6]float64

// quintileGradient returns perStep^(3-q): quintile 3 is the reference and
// each step towards quintile 1 (most deprived) multiplies by perStep.
func quintileGradient(perStep float64) byQuintile {
	var g byQuintile
	for q := 1; q <= 5; q++ {
		g[q] = math.Pow(perStep, float64(3-q))
	}
	return g
}

// weightedCode is a code and its relative frequency (weights sum to 100).
type weightedCode struct {
	code   string
	weight int
}

// pickCode draws a code from a table whose weights sum to 100.
func pickCode(r *rng, table []weightedCode) string {
	u := r.intn(100)
	for _, w := range table {
		if u < w.weight {
			return w.code
		}
		u -= w.weight
	}
	return table[len(table)-1].code
}
