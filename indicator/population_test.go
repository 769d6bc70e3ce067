package indicator_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
)

// ---------------------------------------------------------------------------
// Helpers shared by the tests of this package.

// mustLoad parses and compiles a set, failing the test on any diagnostic.
func mustLoad(t testing.TB, yaml string, opts ...indicator.CompileOption) *indicator.Set {
	t.Helper()
	set, err := indicator.Load("test.yaml", []byte(yaml), opts...)
	require.NoError(t, err)
	return set
}

// run evaluates the set over the batches and fails the test on an error.
func run(t testing.TB, set *indicator.Set, batches []*indicator.Batch, opts ...indicator.EvalOption) *indicator.Report {
	t.Helper()
	rep, err := set.Evaluate(context.Background(), indicator.Batches(batches...), opts...)
	require.NoError(t, err)
	return rep
}

// result returns the result of one indicator of a report.
func result(t testing.TB, rep *indicator.Report, id string) *indicator.Result {
	t.Helper()
	r, ok := rep.Result(id)
	require.True(t, ok, "no result for indicator %s", id)
	return r
}

// field returns the index of a schema field, failing when absent.
func field(t testing.TB, s *indicator.Schema, name string) int {
	t.Helper()
	i := s.FieldIndex(name)
	require.GreaterOrEqual(t, i, 0, "schema has no field %s", name)
	return i
}

// requireAccounting checks read = included + excluded + errored.
func requireAccounting(t testing.TB, r *indicator.Result, read int64) {
	t.Helper()
	a := r.Accounting
	require.Equal(t, read, a.Read, "indicator %s: records read", r.ID)
	require.GreaterOrEqual(t, float64(a.Included), 0.0, "indicator %s", r.ID)
	require.GreaterOrEqual(t, float64(a.Excluded), 0.0, "indicator %s", r.ID)
	require.GreaterOrEqual(t, a.Errored, int64(0), "indicator %s", r.ID)
	require.Equal(t, float64(a.Read), float64(a.Included+a.Excluded)+float64(a.Errored),
		"indicator %s: read = included + excluded + errored", r.ID)
}

// popsOf returns the populations of a result or stratum, which must not
// have been withheld.
func popsOf(t testing.TB, p *indicator.Populations) indicator.Populations {
	t.Helper()
	require.NotNil(t, p, "populations withheld")
	return *p
}

func isNaN(f indicator.Float) bool { return math.IsNaN(float64(f)) }

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// z975 is the standard normal deviate with 2.5% in the upper tail.
const z975 = 1.959963984540054

// ---------------------------------------------------------------------------
// Proportion: the eCQM / FHIR population rules.

const truthTableYAML = `
id: truth-table
schema:
  unit: record
  fields:
    ip: bool
    den: bool
    denex: bool
    denexcep: bool
    numer: bool
    numex: bool
indicators:
  - id: P
    type: proportion
    initial_population: ip
    denominator: den
    denominator_exclusion: denex
    denominator_exception: denexcep
    numerator: numer
    numerator_exclusion: numex
`

// criteria is the truth value of each population criterion for one record.
type criteria struct{ ip, den, denex, denexcep, numer, numex bool }

func (c criteria) String() string {
	return fmt.Sprintf("IP=%t DEN=%t DENEX=%t DENEXCEP=%t NUMER=%t NUMEX=%t",
		c.ip, c.den, c.denex, c.denexcep, c.numer, c.numex)
}

// membership is what one record contributes to a proportion.
type membership struct {
	pops        indicator.Populations // FHIR counts: membership before subtraction
	denominator bool                  // in the final denominator (measure population)
	numerator   bool                  // in the final numerator
}

// proportionOracle is the FHIR/eCQM proportion rule, written independently
// of the package:
//
//	initial population   = IP
//	denominator          = IP ∧ DEN
//	denominator excl.    = IP ∧ DEN ∧ DENEX
//	numerator            = IP ∧ DEN ∧ ¬DENEX ∧ NUMER
//	numerator excl.      = IP ∧ DEN ∧ ¬DENEX ∧ NUMER ∧ NUMEX
//	denominator exc.     = IP ∧ DEN ∧ ¬DENEX ∧ ¬NUMER ∧ DENEXCEP
//
//	final denominator = IP ∧ DEN ∧ ¬DENEX ∧ ¬(DENEXCEP ∧ ¬NUMER)
//	final numerator   = IP ∧ DEN ∧ ¬DENEX ∧ NUMER ∧ ¬NUMEX
func proportionOracle(c criteria) membership {
	inDen := c.ip && c.den
	inDenex := inDen && c.denex
	inNumer := inDen && !c.denex && c.numer
	inNumex := inNumer && c.numex
	inDenexcep := inDen && !c.denex && !c.numer && c.denexcep
	return membership{
		pops: indicator.Populations{
			InitialPopulation:    b2i(c.ip),
			Denominator:          b2i(inDen),
			DenominatorExclusion: b2i(inDenex),
			DenominatorException: b2i(inDenexcep),
			Numerator:            b2i(inNumer),
			NumeratorExclusion:   b2i(inNumex),
		},
		denominator: c.ip && c.den && !c.denex && !(c.denexcep && !c.numer),
		numerator:   c.ip && c.den && !c.denex && c.numer && !c.numex,
	}
}

// allCriteria returns the 64 combinations; bit 0 is IP … bit 5 is NUMEX.
func allCriteria() []criteria {
	out := make([]criteria, 64)
	for i := range out {
		out[i] = criteria{
			ip: i&1 != 0, den: i&2 != 0, denex: i&4 != 0,
			denexcep: i&8 != 0, numer: i&16 != 0, numex: i&32 != 0,
		}
	}
	return out
}

// truthBatch builds one batch holding a record per combination.
func truthBatch(t testing.TB, set *indicator.Set, rows ...criteria) *indicator.Batch {
	t.Helper()
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	for _, c := range rows {
		b.Field(field(t, s, "ip")).AppendBool(c.ip)
		b.Field(field(t, s, "den")).AppendBool(c.den)
		b.Field(field(t, s, "denex")).AppendBool(c.denex)
		b.Field(field(t, s, "denexcep")).AppendBool(c.denexcep)
		b.Field(field(t, s, "numer")).AppendBool(c.numer)
		b.Field(field(t, s, "numex")).AppendBool(c.numex)
		require.NoError(t, b.EndRow())
	}
	return b.Build()
}

// checkOneRecord evaluates a single record and compares the report with
// the oracle.
func checkOneRecord(t *testing.T, set *indicator.Set, c criteria) {
	t.Helper()
	want := proportionOracle(c)
	rep := run(t, set, []*indicator.Batch{truthBatch(t, set, c)})
	r := result(t, rep, "P")
	assert.Equal(t, want.pops, popsOf(t, r.Populations), "populations for %v", c)
	assert.Equal(t, float64(b2i(want.numerator)), float64(r.Numerator), "numerator for %v", c)
	assert.Equal(t, float64(b2i(want.denominator)), float64(r.Denominator), "denominator for %v", c)
	assert.Equal(t, indicator.Accounting{
		Read: 1, Included: indicator.Float(b2i(want.denominator)), Excluded: indicator.Float(1 - b2i(want.denominator)),
	}, r.Accounting, "accounting for %v", c)
	if want.denominator {
		assert.Equal(t, float64(b2i(want.numerator)), float64(r.Value), "value for %v", c)
	} else {
		assert.True(t, isNaN(r.Value), "value for %v with an empty denominator: got %v", c, r.Value)
	}
	requireAccounting(t, r, 1)
}

func TestProportionTruthTableEveryCombination(t *testing.T) {
	set := mustLoad(t, truthTableYAML)
	for _, c := range allCriteria() {
		t.Run(c.String(), func(t *testing.T) { checkOneRecord(t, set, c) })
	}
}

func TestProportionTruthTableNamedCases(t *testing.T) {
	set := mustLoad(t, truthTableYAML)
	cases := []struct {
		name          string
		c             criteria
		inDenominator bool
		inNumerator   bool
	}{
		{"exception with numerator met stays in the denominator",
			criteria{ip: true, den: true, denexcep: true, numer: true}, true, true},
		{"exception without numerator leaves the denominator",
			criteria{ip: true, den: true, denexcep: true}, false, false},
		{"numerator exclusion keeps the record in the denominator but not the numerator",
			criteria{ip: true, den: true, numer: true, numex: true}, true, false},
		{"denominator exclusion wins over everything",
			criteria{ip: true, den: true, denex: true, denexcep: true, numer: true, numex: true}, false, false},
		{"denominator exclusion wins over a met numerator",
			criteria{ip: true, den: true, denex: true, numer: true}, false, false},
		{"outside the initial population nothing counts",
			criteria{den: true, numer: true}, false, false},
		{"initial population without denominator criterion is not in the denominator",
			criteria{ip: true, numer: true}, false, false},
		{"plain denominator member without numerator",
			criteria{ip: true, den: true}, true, false},
		{"plain numerator member",
			criteria{ip: true, den: true, numer: true}, true, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The hand-written expectation and the oracle must agree …
			want := proportionOracle(tc.c)
			require.Equal(t, tc.inDenominator, want.denominator, "oracle disagrees with the named case")
			require.Equal(t, tc.inNumerator, want.numerator, "oracle disagrees with the named case")
			// … and so must the package.
			checkOneRecord(t, set, tc.c)
		})
	}
}

func TestProportionTruthTableTotalsAndScore(t *testing.T) {
	set := mustLoad(t, truthTableYAML)
	all := allCriteria()
	rep := run(t, set, []*indicator.Batch{truthBatch(t, set, all...)})
	r := result(t, rep, "P")

	var want indicator.Populations
	var num, den int64
	for _, c := range all {
		m := proportionOracle(c)
		want.InitialPopulation += m.pops.InitialPopulation
		want.Denominator += m.pops.Denominator
		want.DenominatorExclusion += m.pops.DenominatorExclusion
		want.DenominatorException += m.pops.DenominatorException
		want.Numerator += m.pops.Numerator
		want.NumeratorExclusion += m.pops.NumeratorExclusion
		num += b2i(m.numerator)
		den += b2i(m.denominator)
	}
	// By hand: 32 records in IP, 16 of them meet DEN, 8 of those are
	// excluded; of the 8 left, 4 meet NUMER (2 of them NUMEX) and 2 of the
	// 4 without NUMER have an exception.
	require.Equal(t, indicator.Populations{
		InitialPopulation: 32, Denominator: 16, DenominatorExclusion: 8,
		DenominatorException: 2, Numerator: 4, NumeratorExclusion: 2,
	}, want, "oracle totals")
	require.Equal(t, int64(2), num)
	require.Equal(t, int64(6), den)

	assert.Equal(t, want, popsOf(t, r.Populations))
	assert.Equal(t, float64(num), float64(r.Numerator))
	assert.Equal(t, float64(den), float64(r.Denominator))
	// score = (NUMER − NUMEX) / (DEN − DENEX − DENEXCEP)
	p := popsOf(t, r.Populations)
	score := float64(p.Numerator-p.NumeratorExclusion) / float64(p.Denominator-p.DenominatorExclusion-p.DenominatorException)
	assert.InDelta(t, 2.0/6.0, score, 1e-15)
	assert.InDelta(t, 2.0/6.0, float64(r.Value), 1e-15)
	assert.Equal(t, "wilson", r.Method)
	assert.Equal(t, 0.95, r.Level)
	// Wilson score interval for 2 of 6, by its closed form.
	lo, hi := wilson(2, 6, z975)
	assert.InDelta(t, lo, float64(r.Lower), 1e-12)
	assert.InDelta(t, hi, float64(r.Upper), 1e-12)
	assert.Equal(t, indicator.Accounting{Read: 64, Included: 6, Excluded: 58}, r.Accounting)
	requireAccounting(t, r, 64)
}

// wilson is the Wilson score interval (2x + z² ∓ z√(z² + 4x(1 − x/n))) / (2(n + z²)).
func wilson(x, n, z float64) (float64, float64) {
	c := z * math.Sqrt(z*z+4*x*(1-x/n))
	return (2*x + z*z - c) / (2 * (n + z*z)), (2*x + z*z + c) / (2 * (n + z*z))
}

func TestProportionMultiplierScalesValueAndInterval(t *testing.T) {
	set := mustLoad(t, `
id: m
schema:
  fields:
    ok: bool
indicators:
  - id: PCT
    type: proportion
    multiplier: 100
    numerator: ok
`)
	b := indicator.NewBatchBuilder(set.Schema())
	for _, ok := range []bool{true, true, true, false} {
		b.Field(0).AppendBool(ok)
		require.NoError(t, b.EndRow())
	}
	r := result(t, run(t, set, []*indicator.Batch{b.Build()}), "PCT")
	lo, hi := wilson(3, 4, z975)
	assert.InDelta(t, 75.0, float64(r.Value), 1e-12)
	assert.InDelta(t, 100*lo, float64(r.Lower), 1e-10)
	assert.InDelta(t, 100*hi, float64(r.Upper), 1e-10)
	assert.Equal(t, 100.0, r.Multiplier)
	// The terms stay unscaled.
	assert.Equal(t, 3.0, float64(r.Numerator))
	assert.Equal(t, 4.0, float64(r.Denominator))
}

// ---------------------------------------------------------------------------
// Ratio: separate numerator and denominator populations.

const ratioYAML = `
id: ratio
schema:
  fields:
    ip: bool
    den: bool
    denex: bool
    numer: bool
    numex: bool
    nv: double
    dv: double
indicators:
  - id: R
    type: ratio
    initial_population: ip
    denominator: den
    denominator_exclusion: denex
    numerator: numer
    numerator_exclusion: numex
    numerator_value: nv
    denominator_value: dv
  - id: R-COUNTS
    type: ratio
    initial_population: ip
    denominator: den
    denominator_exclusion: denex
    numerator: numer
    numerator_exclusion: numex
`

type ratioRow struct {
	ip, den, denex, numer, numex bool
	nv, dv                       float64
}

func ratioRows() []ratioRow {
	rows := make([]ratioRow, 32)
	for i := range rows {
		rows[i] = ratioRow{
			ip: i&1 != 0, den: i&2 != 0, denex: i&4 != 0, numer: i&8 != 0, numex: i&16 != 0,
			nv: float64(i) + 0.5, dv: 2*float64(i) + 0.25,
		}
	}
	return rows
}

func ratioBatch(t testing.TB, set *indicator.Set, rows []ratioRow) *indicator.Batch {
	t.Helper()
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	for _, r := range rows {
		b.Field(field(t, s, "ip")).AppendBool(r.ip)
		b.Field(field(t, s, "den")).AppendBool(r.den)
		b.Field(field(t, s, "denex")).AppendBool(r.denex)
		b.Field(field(t, s, "numer")).AppendBool(r.numer)
		b.Field(field(t, s, "numex")).AppendBool(r.numex)
		b.Field(field(t, s, "nv")).AppendDouble(r.nv)
		b.Field(field(t, s, "dv")).AppendDouble(r.dv)
		require.NoError(t, b.EndRow())
	}
	return b.Build()
}

// ratioOracle: the denominator population is IP ∧ DEN ∧ ¬DENEX, the
// numerator population IP ∧ NUMER ∧ ¬NUMEX, independently of each other.
func ratioOracle(r ratioRow) (inNum, inDen bool) {
	return r.ip && r.numer && !r.numex, r.ip && r.den && !r.denex
}

func TestRatioSeparatePopulationsSumValues(t *testing.T) {
	set := mustLoad(t, ratioYAML)
	rows := ratioRows()
	rep := run(t, set, []*indicator.Batch{ratioBatch(t, set, rows)})

	var sumN, sumD float64
	var cntN, cntD, included int64
	for _, r := range rows {
		inNum, inDen := ratioOracle(r)
		if inNum {
			sumN += r.nv
			cntN++
		}
		if inDen {
			sumD += r.dv
			cntD++
		}
		if inNum || inDen {
			included++
		}
	}
	// By hand: of the 16 records in IP, a quarter (NUMER ∧ ¬NUMEX) are in
	// the numerator population and a quarter (DEN ∧ ¬DENEX) in the
	// denominator population; 1 of the 16 is in both.
	require.Equal(t, int64(4), cntN)
	require.Equal(t, int64(4), cntD)
	require.Equal(t, int64(7), included)

	r := result(t, rep, "R")
	assert.Equal(t, sumN, float64(r.Numerator), "sum of numerator_value over IP ∧ NUMER ∧ ¬NUMEX")
	assert.Equal(t, sumD, float64(r.Denominator), "sum of denominator_value over IP ∧ DEN ∧ ¬DENEX")
	assert.InDelta(t, sumN/sumD, float64(r.Value), 1e-15)
	assert.True(t, isNaN(r.Lower) && isNaN(r.Upper), "a ratio has no interval")
	assert.Equal(t, "", r.Method)
	assert.Equal(t, indicator.Accounting{Read: 32, Included: indicator.Float(included), Excluded: indicator.Float(32 - included)}, r.Accounting)
	requireAccounting(t, r, 32)

	// Without values each member counts 1.
	rc := result(t, rep, "R-COUNTS")
	assert.Equal(t, float64(cntN), float64(rc.Numerator))
	assert.Equal(t, float64(cntD), float64(rc.Denominator))
	assert.InDelta(t, float64(cntN)/float64(cntD), float64(rc.Value), 1e-15)
	requireAccounting(t, rc, 32)
}

// TestRatioPopulationCountsBeforeExclusions: populations are counted as a
// FHIR MeasureReport does (see Populations): the numerator count holds
// every record of the initial population meeting NUMER, and those meeting
// NUMEX as well are counted again as numerator exclusions.
func TestRatioPopulationCountsBeforeExclusions(t *testing.T) {
	set := mustLoad(t, ratioYAML)
	rows := ratioRows()
	rep := run(t, set, []*indicator.Batch{ratioBatch(t, set, rows)})
	var want indicator.Populations
	for _, r := range rows {
		want.InitialPopulation += b2i(r.ip)
		want.Denominator += b2i(r.ip && r.den)
		want.DenominatorExclusion += b2i(r.ip && r.den && r.denex)
		want.Numerator += b2i(r.ip && r.numer)
		want.NumeratorExclusion += b2i(r.ip && r.numer && r.numex)
	}
	// By hand: 16 in IP, 8 meet DEN (4 excluded), 8 meet NUMER (4 excluded).
	require.Equal(t, indicator.Populations{
		InitialPopulation: 16, Denominator: 8, DenominatorExclusion: 4,
		Numerator: 8, NumeratorExclusion: 4,
	}, want)
	for _, id := range []string{"R", "R-COUNTS"} {
		assert.Equal(t, want, popsOf(t, result(t, rep, id).Populations), "indicator %s", id)
	}
}

// ---------------------------------------------------------------------------
// Rate: events over person-time with a Poisson interval.

const rateYAML = `
id: rate
schema:
  fields:
    ip: bool
    counted: bool
    excl: bool
    events: int
    years: double
indicators:
  - id: RATE
    type: rate
    multiplier: 1000
    initial_population: ip
    numerator_value: events
    denominator_value: years
  - id: RATE-NUMER
    type: rate
    initial_population: ip
    numerator: counted
    numerator_value: events
    denominator_value: years
  - id: RATE-NUMEX
    type: rate
    initial_population: ip
    numerator: counted
    numerator_exclusion: excl
    numerator_value: events
    denominator_value: years
`

type rateRow struct {
	ip, counted, excl bool
	events            int64
	years             float64
}

func rateBatch(t testing.TB, set *indicator.Set, rows []rateRow) *indicator.Batch {
	t.Helper()
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	for _, r := range rows {
		b.Field(field(t, s, "ip")).AppendBool(r.ip)
		b.Field(field(t, s, "counted")).AppendBool(r.counted)
		b.Field(field(t, s, "excl")).AppendBool(r.excl)
		b.Field(field(t, s, "events")).AppendInt(r.events)
		b.Field(field(t, s, "years")).AppendDouble(r.years)
		require.NoError(t, b.EndRow())
	}
	return b.Build()
}

// poissonCDF returns P(X ≤ k) for X ~ Poisson(mu).
func poissonCDF(k int, mu float64) float64 {
	term, sum := math.Exp(-mu), 0.0
	for i := 0; i <= k; i++ {
		if i > 0 {
			term *= mu / float64(i)
		}
		sum += term
	}
	return sum
}

// bisect finds the root of a decreasing function f on [lo, hi].
func bisect(f func(float64) float64, lo, hi float64) float64 {
	for i := 0; i < 200; i++ {
		mid := (lo + hi) / 2
		if f(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// exactPoisson is the exact interval for a count x from the Poisson tails:
// P(X ≥ x | L) = α/2 and P(X ≤ x | U) = α/2.
func exactPoisson(x int, level float64) (float64, float64) {
	tail := (1 - level) / 2
	lower := 0.0
	if x > 0 {
		// P(X ≥ x | m) = 1 − P(X ≤ x−1 | m) increases with m.
		lower = bisect(func(m float64) float64 { return tail - (1 - poissonCDF(x-1, m)) }, 0, 100)
	}
	upper := bisect(func(m float64) float64 { return poissonCDF(x, m) - tail }, 0, 100)
	return lower, upper
}

// byar is Byar's approximation to the exact Poisson interval.
func byar(x, z float64) (float64, float64) {
	lo := x * math.Pow(1-1/(9*x)-z/(3*math.Sqrt(x)), 3)
	y := x + 1
	hi := y * math.Pow(1-1/(9*y)+z/(3*math.Sqrt(y)), 3)
	return lo, hi
}

func TestRateIntervalMethod(t *testing.T) {
	set := mustLoad(t, rateYAML)
	cases := []struct {
		name   string
		rows   []rateRow
		events int
		years  float64
		method string
	}{
		{"nine events: exact", []rateRow{
			{ip: true, counted: true, events: 4, years: 100},
			{ip: true, counted: true, events: 5, years: 300},
			{ip: false, counted: true, events: 50, years: 10}, // not in the population
		}, 9, 400, "exact"},
		{"ten events: byar", []rateRow{
			{ip: true, counted: true, events: 4, years: 100.5},
			{ip: true, counted: true, events: 6, years: 200.25},
			{ip: true, counted: true, events: 0, years: 99.25},
		}, 10, 400, "byar"},
		{"twelve events: byar", []rateRow{
			{ip: true, counted: true, events: 12, years: 1200},
			{ip: false, counted: true, events: 100, years: 1000},
		}, 12, 1200, "byar"},
		{"no events: exact with a zero lower limit", []rateRow{
			{ip: true, counted: true, events: 0, years: 50},
			{ip: true, counted: true, events: 0, years: 150},
		}, 0, 200, "exact"},
		{"one event: exact", []rateRow{
			{ip: true, counted: true, events: 1, years: 10},
		}, 1, 10, "exact"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := result(t, run(t, set, []*indicator.Batch{rateBatch(t, set, tc.rows)}), "RATE")
			var lo, hi float64
			if tc.method == "exact" {
				lo, hi = exactPoisson(tc.events, 0.95)
			} else {
				lo, hi = byar(float64(tc.events), z975)
			}
			assert.Equal(t, tc.method, r.Method)
			assert.Equal(t, 0.95, r.Level)
			assert.Equal(t, float64(tc.events), float64(r.Numerator), "events")
			assert.Equal(t, tc.years, float64(r.Denominator), "person-time")
			want := 1000 * float64(tc.events) / tc.years
			assert.InDelta(t, want, float64(r.Value), 1e-12*math.Max(1, want))
			assert.InDelta(t, 1000*lo/tc.years, float64(r.Lower), 1e-9*1000/tc.years+1e-12)
			assert.InDelta(t, 1000*hi/tc.years, float64(r.Upper), 1e-9*1000/tc.years)
			if tc.events == 0 {
				assert.Equal(t, 0.0, float64(r.Lower))
			}
			requireAccounting(t, r, int64(len(tc.rows)))
		})
	}
}

func TestRateNumeratorCriterionLimitsEventsNotPersonTime(t *testing.T) {
	set := mustLoad(t, rateYAML)
	rows := []rateRow{
		{ip: true, counted: true, events: 3, years: 10},
		{ip: true, counted: false, events: 7, years: 20}, // person-time only
		{ip: true, counted: true, events: 2, years: 30},
		{ip: false, counted: true, events: 9, years: 40}, // outside
	}
	r := result(t, run(t, set, []*indicator.Batch{rateBatch(t, set, rows)}), "RATE-NUMER")
	assert.Equal(t, 5.0, float64(r.Numerator))
	assert.Equal(t, 60.0, float64(r.Denominator))
	assert.InDelta(t, 5.0/60.0, float64(r.Value), 1e-15)
	lo, hi := exactPoisson(5, 0.95)
	assert.InDelta(t, lo/60, float64(r.Lower), 1e-10)
	assert.InDelta(t, hi/60, float64(r.Upper), 1e-10)
	assert.Equal(t, "exact", r.Method)
	assert.Equal(t, indicator.Accounting{Read: 4, Included: 3, Excluded: 1}, r.Accounting)
	assert.Equal(t, int64(3), popsOf(t, r.Populations).InitialPopulation)
}

// TestRateNumeratorExclusion: a numerator exclusion removes the record's
// events but not its person-time, and the populations are counted before
// the exclusion, as FHIR does.
func TestRateNumeratorExclusion(t *testing.T) {
	set := mustLoad(t, rateYAML)
	rows := []rateRow{
		{ip: true, counted: true, events: 3, years: 10},
		{ip: true, counted: true, excl: true, events: 4, years: 20}, // excluded events
		{ip: true, counted: false, excl: true, events: 8, years: 5}, // NUMEX without NUMER: nothing
		{ip: true, counted: true, events: 2, years: 30},
		{ip: false, counted: true, excl: true, events: 9, years: 40}, // outside
	}
	r := result(t, run(t, set, []*indicator.Batch{rateBatch(t, set, rows)}), "RATE-NUMEX")
	assert.Equal(t, 5.0, float64(r.Numerator), "events of NUMER ∧ ¬NUMEX")
	assert.Equal(t, 65.0, float64(r.Denominator), "person-time of the whole population")
	assert.InDelta(t, 5.0/65.0, float64(r.Value), 1e-15)
	assert.Equal(t, indicator.Accounting{Read: 5, Included: 4, Excluded: 1}, r.Accounting)
	assert.Equal(t, indicator.Populations{
		InitialPopulation: 4, Denominator: 4, Numerator: 3, NumeratorExclusion: 1,
	}, popsOf(t, r.Populations))
}

// ---------------------------------------------------------------------------
// Mean: observations with a Student t interval.

// t975df4 is the 97.5% quantile of Student's t with 4 degrees of freedom.
const t975df4 = 2.7764451051977987

func TestMeanObservationStudentT(t *testing.T) {
	set := mustLoad(t, `
id: mean
schema:
  unit: patient
  fields:
    dead: bool
    hba1c: double?
indicators:
  - id: MEAN
    type: mean
    initial_population: has(patient.hba1c)
    denominator_exclusion: dead
    observation: hba1c
  - id: ONE
    type: mean
    initial_population: has(patient.hba1c) && !dead && hba1c > 4.5
    observation: hba1c
`)
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	add := func(dead bool, v *float64) {
		b.Field(field(t, s, "dead")).AppendBool(dead)
		if v != nil {
			b.Field(field(t, s, "hba1c")).AppendDouble(*v)
		}
		require.NoError(t, b.EndRow())
	}
	f := func(x float64) *float64 { return &x }
	add(false, f(1))
	add(false, f(2))
	add(false, nil) // not in IP
	add(false, f(3))
	add(true, f(100)) // excluded
	add(false, f(4))
	add(false, f(5))
	rep := run(t, set, []*indicator.Batch{b.Build()})

	r := result(t, rep, "MEAN")
	// Observations 1..5: mean 3, sample sd √(10/4).
	sd := math.Sqrt(10.0 / 4.0)
	half := t975df4 * sd / math.Sqrt(5)
	assert.InDelta(t, 3.0, float64(r.Value), 1e-14)
	assert.InDelta(t, 3-half, float64(r.Lower), 1e-9)
	assert.InDelta(t, 3+half, float64(r.Upper), 1e-9)
	assert.Equal(t, "student-t", r.Method)
	assert.Equal(t, 15.0, float64(r.Numerator), "sum of observations")
	assert.Equal(t, 5.0, float64(r.Denominator), "number of observations")
	assert.Equal(t, indicator.Populations{InitialPopulation: 6, Denominator: 6, DenominatorExclusion: 1}, popsOf(t, r.Populations))
	assert.Equal(t, indicator.Accounting{Read: 7, Included: 5, Excluded: 2}, r.Accounting)

	// A single observation has a mean but no interval.
	one := result(t, rep, "ONE")
	assert.Equal(t, 5.0, float64(one.Value))
	assert.True(t, isNaN(one.Lower) && isNaN(one.Upper), "one observation has no interval")
	assert.Equal(t, "", one.Method)
	assert.Equal(t, 5.0, float64(one.Numerator))
	assert.Equal(t, 1.0, float64(one.Denominator))
}

// ---------------------------------------------------------------------------
// Count.

func TestCountIncludedRecords(t *testing.T) {
	set := mustLoad(t, `
id: count
schema:
  fields:
    age: int
    dead: bool
indicators:
  - id: ELDERLY
    type: count
    initial_population: age >= 65
    denominator_exclusion: dead
`)
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	for _, r := range []struct {
		age  int64
		dead bool
	}{{70, false}, {64, false}, {65, false}, {90, true}, {80, false}, {10, false}} {
		b.Field(field(t, s, "age")).AppendInt(r.age)
		b.Field(field(t, s, "dead")).AppendBool(r.dead)
		require.NoError(t, b.EndRow())
	}
	r := result(t, run(t, set, []*indicator.Batch{b.Build()}), "ELDERLY")
	// 70, 65, 90 (dead), 80 are 65 or over; 90 is excluded.
	assert.Equal(t, 3.0, float64(r.Value))
	assert.True(t, isNaN(r.Lower) && isNaN(r.Upper), "a count has no interval")
	assert.Equal(t, "", r.Method)
	assert.Equal(t, indicator.Populations{InitialPopulation: 4, Denominator: 4, DenominatorExclusion: 1}, popsOf(t, r.Populations))
	assert.Equal(t, indicator.Accounting{Read: 6, Included: 3, Excluded: 3}, r.Accounting)
}
