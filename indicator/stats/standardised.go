package stats

import "math"

// ESP2013 is the European Standard Population 2013 (Eurostat, 2013 revision):
// 19 five-year age bands 0-4, 5-9, …, 85-89 and 90+, summing to 100 000.
// It is the default standard population of PHEindicatormethods::phe_dsr.
// Callers must not modify it; use ESP2013Copy for a slice of one's own.
var ESP2013 = []float64{
	5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
	7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
}

// ESP2013Copy returns a fresh copy of ESP2013 that the caller may modify.
func ESP2013Copy() []float64 {
	return append([]float64(nil), ESP2013...)
}

// minDSREvents is the total count below which PHE does not publish a DSR.
const minDSREvents = 10

// DSR returns the directly standardised rate Σ wᵢxᵢ/nᵢ / Σ wᵢ (counts xᵢ,
// populations nᵢ, standard populations wᵢ, matched by position) with the
// Dobson et al. (1991) interval, as in PHEindicatormethods::phe_dsr:
//
//	DSR ± sqrt(var(DSR)/X) · (X_limit - X)
//
// where X = Σxᵢ, var(DSR) = Σ wᵢ²xᵢ/nᵢ² / (Σwᵢ)², and X_limit are Byar's limits
// for X. Method is "dobson".
//
// A NaN count means "missing" and counts as 0. Every population must be > 0,
// standard populations >= 0 with a positive sum, and counts >= 0; otherwise
// the error wraps ErrInvalidInput. When X < 10 the error wraps ErrTooFewEvents
// (PHE suppresses such DSRs).
func DSR(counts, pops, stdPops []float64, level float64) (Estimate, error) {
	if err := checkLevel(level); err != nil {
		return Estimate{}, err
	}
	if err := checkSameLength("counts, pops and stdPops", len(counts), len(pops), len(stdPops)); err != nil {
		return Estimate{}, err
	}
	var total, weighted, squared, stdTotal float64
	for i := range counts {
		x, err := missingAsZero(counts[i], i)
		if err != nil {
			return Estimate{}, err
		}
		if err := checkPositive("population", pops[i]); err != nil {
			return Estimate{}, bandError(err, i)
		}
		if err := checkCount("standard population", stdPops[i]); err != nil {
			return Estimate{}, bandError(err, i)
		}
		w := stdPops[i] / pops[i]
		total += x
		weighted += x * w
		squared += x * w * w
		stdTotal += stdPops[i]
	}
	if stdTotal <= 0 {
		return Estimate{}, invalidf("standard populations sum to %v, must be > 0", stdTotal)
	}
	if total < minDSREvents {
		return Estimate{}, tooFewEvents(total)
	}
	value := weighted / stdTotal
	scale := math.Sqrt(squared / (stdTotal * stdTotal) / total)
	z := zTwoSided(level)
	return checkedEstimate(Estimate{
		Value:  value,
		Lower:  value + scale*(byarLower(total, z)-total),
		Upper:  value + scale*(byarUpper(total, z)-total),
		Level:  level,
		Method: MethodDobson,
	})
}

// ISRatio returns the indirectly standardised ratio O/E (an SMR as a ratio,
// not ×100), where O = Σ countsᵢ and E = Σ refCountsᵢ/refPopsᵢ × popsᵢ. Its
// interval is the count interval of O (exact below 10, Byar from 10 on, as in
// Rate) divided by E; Method says which. This is
// PHEindicatormethods::calculate_ISRatio with refvalue 1.
//
// A band with refPop 0 or pop 0 adds 0 to E. A NaN count means "missing" and
// counts as 0. Other inputs must be finite and >= 0 and E must be > 0;
// otherwise the error wraps ErrInvalidInput.
func ISRatio(counts, pops, refCounts, refPops []float64, level float64) (Estimate, error) {
	observed, expected, _, err := indirectTotals(counts, pops, refCounts, refPops, level)
	if err != nil {
		return Estimate{}, err
	}
	lo, hi, method := poissonCountLimits(observed, level)
	return checkedEstimate(Estimate{
		Value:  observed / expected,
		Lower:  lo / expected,
		Upper:  hi / expected,
		Level:  level,
		Method: method,
	})
}

// ISRate returns the indirectly standardised rate: ISRatio multiplied by the
// reference crude rate Σ refCounts / Σ refPops, as in
// PHEindicatormethods::calculate_ISRate. Inputs and errors are as for ISRatio,
// and additionally Σ refPops must be > 0.
func ISRate(counts, pops, refCounts, refPops []float64, level float64) (Estimate, error) {
	ratio, err := ISRatio(counts, pops, refCounts, refPops, level)
	if err != nil {
		return Estimate{}, err
	}
	_, _, refRate, err := indirectTotals(counts, pops, refCounts, refPops, level)
	if err != nil {
		return Estimate{}, err
	}
	ratio.Value *= refRate
	ratio.Lower *= refRate
	ratio.Upper *= refRate
	return checkedEstimate(ratio)
}

// indirectTotals validates the inputs of indirect standardisation and returns
// the observed total, the expected total and the reference crude rate.
func indirectTotals(counts, pops, refCounts, refPops []float64, level float64) (observed, expected, refRate float64, err error) {
	if err = checkLevel(level); err != nil {
		return 0, 0, 0, err
	}
	if err = checkSameLength("counts, pops, refCounts and refPops",
		len(counts), len(pops), len(refCounts), len(refPops)); err != nil {
		return 0, 0, 0, err
	}
	var refCountTotal, refPopTotal float64
	for i := range counts {
		x, err := missingAsZero(counts[i], i)
		if err != nil {
			return 0, 0, 0, err
		}
		for _, v := range []struct {
			name string
			val  float64
		}{{"population", pops[i]}, {"reference count", refCounts[i]}, {"reference population", refPops[i]}} {
			if err := checkCount(v.name, v.val); err != nil {
				return 0, 0, 0, bandError(err, i)
			}
		}
		observed += x
		if refPops[i] > 0 && pops[i] > 0 {
			expected += refCounts[i] / refPops[i] * pops[i]
		}
		refCountTotal += refCounts[i]
		refPopTotal += refPops[i]
	}
	if !(expected > 0) || math.IsInf(expected, 0) {
		return 0, 0, 0, invalidf("expected count %v must be finite and > 0", expected)
	}
	// expected > 0 implies some refPop > 0, so the division is safe.
	return observed, expected, refCountTotal / refPopTotal, nil
}

// missingAsZero returns a band's count, reading NaN (missing) as 0 and
// rejecting negative or infinite counts.
func missingAsZero(x float64, band int) (float64, error) {
	if math.IsNaN(x) {
		return 0, nil
	}
	if err := checkCount("count", x); err != nil {
		return 0, bandError(err, band)
	}
	return x, nil
}
