package stats

import "math"

// lifeTableStartAges are the start ages of the 20 bands of the abridged life
// table used by PHE and ONS: 0, 1-4, 5-9, …, 85-89, 90+.
var lifeTableStartAges = [...]int{0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90}

// Life table constants of the PHE method.
const (
	lifeTableBands = len(lifeTableStartAges)
	lifeTableRadix = 1e5 // l₀, the cohort size; it cancels from every result
	// fraction of the interval lived by those dying in it: 0.1 in the first
	// year of life, 0.5 in every other band
	infantFraction = 0.1
	otherFraction  = 0.5
	// total person-years at or below which PHE does not calculate
	minLifeTablePopulation = 5000
	// a life expectancy whose 95% interval is wider than this (years) is
	// suppressed by PHE
	maxLifeExpectancyCIWidth = 20
)

// LifeTableStartAges returns the start ages of the 20 age bands LifeExpectancy
// expects: 0, 1, 5, 10, …, 85, 90 (the last band is 90+).
func LifeTableStartAges() []int {
	return append([]int(nil), lifeTableStartAges[:]...)
}

// LifeExpectancy returns life expectancy at the start of each of the 20 age
// bands of LifeTableStartAges, by Chiang's abridged life table method (Chiang
// II) with the Silcocks et al. (2001) variance for the final, open band, as in
// PHEindicatormethods::phe_life_expectancy and PHE's life expectancy
// calculator. deaths and pops are the deaths and person-years in the bands, in
// age order; the interval is LE ± z·SE. Method is "chiang-silcocks".
//
// As in PHE, a life expectancy whose 95% interval is wider than 20 years has
// its Value set to NaN (its limits are kept), and a band no one survives to
// has life expectancy 0. The error wraps ErrInvalidInput when the slices do
// not have 20 entries, a count is negative or not finite, a population is not
// > 0, deaths exceed the population in a band, or the 90+ band has no deaths;
// it wraps ErrTooSmall when the total population is 5 000 or less.
func LifeExpectancy(deaths, pops []float64, level float64) ([]Estimate, error) {
	if err := checkLifeTable(deaths, pops, level); err != nil {
		return nil, err
	}
	table := chiangLifeTable(deaths, pops)
	z := zTwoSided(level)
	z95 := zTwoSided(0.95)
	out := make([]Estimate, lifeTableBands)
	for i := range out {
		e, se := table.expectancy[i], table.se[i]
		out[i] = Estimate{Value: e, Lower: e - z*se, Upper: e + z*se, Level: level, Method: MethodChiang}
		if 2*z95*se > maxLifeExpectancyCIWidth {
			out[i].Value = math.NaN()
		}
	}
	return out, nil
}

// checkLifeTable validates the inputs of LifeExpectancy.
func checkLifeTable(deaths, pops []float64, level float64) error {
	if err := checkLevel(level); err != nil {
		return err
	}
	if len(deaths) != lifeTableBands || len(pops) != lifeTableBands {
		return invalidf("life expectancy needs %d age bands, got %d deaths and %d populations",
			lifeTableBands, len(deaths), len(pops))
	}
	var total float64
	for i := range deaths {
		if err := checkCount("deaths", deaths[i]); err != nil {
			return bandError(err, i)
		}
		if err := checkPositive("population", pops[i]); err != nil {
			return bandError(err, i)
		}
		if deaths[i] > pops[i] {
			return bandError(invalidf("deaths %v exceed population %v", deaths[i], pops[i]), i)
		}
		total += pops[i]
	}
	if deaths[lifeTableBands-1] == 0 {
		return invalidf("the final (90+) band needs at least one death")
	}
	if !(total > minLifeTablePopulation) {
		return wrapf(ErrTooSmall, "total population %v must exceed %d", total, minLifeTablePopulation)
	}
	return nil
}

// lifeTable holds the columns of an abridged life table that the estimates need.
type lifeTable struct {
	expectancy, se []float64
}

// chiangLifeTable builds the Chiang II abridged life table for validated
// inputs. Notation follows the PHE calculator: M death rate, n band width,
// a fraction of the band lived by decedents, q probability of dying in the
// band, l survivors to its start, L person-years lived in it, T person-years
// lived after its start.
func chiangLifeTable(deaths, pops []float64) lifeTable {
	const k = lifeTableBands
	last := k - 1
	var width, frac, m, q, l, bigL [k]float64
	for i := range k {
		m[i] = deaths[i] / pops[i]
		frac[i] = otherFraction
		if i == 0 {
			frac[i] = infantFraction
		}
		q[i] = 1 // everyone alive at 90 dies in the open band
		if i < last {
			width[i] = float64(lifeTableStartAges[i+1] - lifeTableStartAges[i])
			// PHE caps q at 1 where the death rate is too high for the formula
			if deaths[i] <= pops[i]/width[i]/frac[i] {
				q[i] = m[i] * width[i] / (1 + m[i]*width[i]*(1-frac[i]))
			}
		}
	}
	l[0] = lifeTableRadix
	for i := 1; i < k; i++ {
		l[i] = l[i-1] * (1 - q[i-1])
	}
	for i := range last {
		died := l[i] - l[i+1]
		bigL[i] = width[i] * (l[i+1] + frac[i]*died)
	}
	bigL[last] = l[last] / m[last]

	t := make([]float64, lifeTableBands)
	expectancy := make([]float64, lifeTableBands)
	for i := last; i >= 0; i-- {
		t[i] = bigL[i]
		if i < last {
			t[i] += t[i+1]
		}
		if l[i] > 0 {
			expectancy[i] = t[i] / l[i]
		}
	}
	return lifeTable{expectancy: expectancy, se: chiangStandardErrors(deaths, m[:], q[:], l[:], width[:], frac[:], expectancy)}
}

// chiangStandardErrors returns the standard error of life expectancy at each
// band start: Chiang's variance Σ l²((1-a)n + e_next)² var(q) over the closed
// bands, with var(q) = q²(1-q)/D, plus Silcocks' term (l/2)²·4/(D·M²) for the
// open band, each divided by l² at the starting band.
func chiangStandardErrors(deaths, m, q, l, width, frac, expectancy []float64) []float64 {
	last := len(deaths) - 1
	se := make([]float64, len(deaths))
	var sum float64
	for i := last; i >= 0; i-- {
		var w float64
		if i == last {
			half := l[i] / 2
			w = half * half * 4 / (deaths[i] * m[i] * m[i])
		} else if died := l[i] - l[i+1]; died != 0 {
			varQ := q[i] * q[i] * (1 - q[i]) / deaths[i]
			lived := (1-frac[i])*width[i] + expectancy[i+1]
			w = varQ * l[i] * l[i] * lived * lived
		}
		sum += w
		se[i] = math.Sqrt(sum / (l[i] * l[i]))
	}
	return se
}
