package indicator_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
)

const determinismYAML = `
id: determinism
version: "1.0"
schema:
  unit: patient
  fields:
    age: int
    sex: string
    region: string
    smoker: bool
    hba1c: double?
    sbp: double?
    events: int
    years: double
    codes: list<string>
    conditions:
      fields:
        code: string
        onset: timestamp
        abatement: timestamp?
parameters:
  period_end:
    type: timestamp
    default: "2024-12-31"
valuesets:
  diabetes: [E10, E11, E13]
definitions:
  diabetic: conditions.exists(c, c.code in valuesets.diabetes && (!has(c.abatement) || c.abatement > period_end))
  elderly: age >= 65
  age_band: 'age < 40 ? "18-39" : (age < 65 ? "40-64" : "65+")'
indicators:
  - id: DM-HBA1C
    type: proportion
    polarity: higher-is-better
    multiplier: 100
    initial_population: diabetic
    denominator: age >= 18
    denominator_exclusion: '"Z51" in codes'
    denominator_exception: smoker && age > 85
    numerator: has(patient.hba1c) && hba1c <= 58.0
    numerator_exclusion: '"Z99" in codes'
    stratifiers:
      - sex
      - id: age-sex
        components: [age_band, sex]
      - id: region-elderly-smoker
        components: [region, elderly, smoker]
  - id: DM-HBA1C-RAW
    type: proportion
    polarity: lower-is-better
    initial_population: diabetic
    numerator: hba1c > 75.0
    stratifiers: [region]
  - id: BP-RATIO
    type: ratio
    initial_population: age >= 18
    denominator: has(patient.sbp)
    numerator: has(patient.sbp) && sbp >= 140.0
    numerator_value: sbp / 10.0
    denominator_value: years
    stratifiers: [sex]
  - id: EVENT-RATE
    type: rate
    multiplier: 1000
    initial_population: age >= 18
    denominator_exclusion: '"Z51" in codes'
    numerator_value: events
    denominator_value: years
    stratifiers:
      - region
      - id: band-smoker
        components: [age_band, smoker]
  - id: HBA1C-MEAN
    type: mean
    confidence:
      level: 0.9
    initial_population: diabetic && has(patient.hba1c)
    observation: hba1c
    stratifiers: [age_band]
  - id: SBP-MEAN-RAW
    type: mean
    initial_population: elderly
    observation: sbp
  - id: ELDERLY
    type: count
    initial_population: elderly
    stratifiers:
      - id: region-decade
        components: [region, age / 10]
  - id: CONDITIONS
    type: count
    initial_population: size(conditions) > 0
    stratifiers:
      - id: n
        expression: size(conditions)
  - id: EVENT-DSR
    type: dsr
    multiplier: 100000
    initial_population: age >= 5
    numerator_value: events
    age_band: 'age < 25 ? 0 : (age < 50 ? 1 : (age < 75 ? 2 : 3))'
    standard_population: [20000, 30000, 30000, 20000]
    stratifiers: [sex]
  - id: SMOKER-ISR
    type: isr
    initial_population: age >= 18
    numerator: smoker
    age_band: 'age < 50 ? 0 : 1'
    reference_rates: [0.2, 0.3]
    stratifiers: [region]
`

type genEvent struct {
	code      string
	onset     time.Time
	abatement *time.Time
}

type genPatient struct {
	age        int64
	sex        string
	region     string
	smoker     bool
	hba1c      *float64
	sbp        *float64
	events     int64
	years      float64
	codes      []string
	conditions []genEvent
}

// generatePatients makes n pseudo-random patients from a fixed seed.
func generatePatients(n int) []genPatient {
	rng := rand.New(rand.NewPCG(2024, 12))
	sexes := []string{"female", "male", "unknown"}
	regions := []string{"north", "south", "east", "west", "central"}
	codePool := []string{"E10", "E11", "E13", "I10", "J45", "Z51", "Z99"}
	base := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]genPatient, n)
	for i := range out {
		p := genPatient{
			age:    int64(rng.IntN(100)),
			sex:    sexes[rng.IntN(len(sexes))],
			region: regions[rng.IntN(len(regions))],
			smoker: rng.IntN(4) == 0,
			events: int64(rng.IntN(5)),
			// Person-time with many digits, so sums are sensitive to order.
			years: rng.Float64()*3 + 1.0/3.0,
		}
		if rng.IntN(5) != 0 {
			v := 30 + rng.Float64()*70
			p.hba1c = &v
		}
		if rng.IntN(3) != 0 {
			v := 90 + rng.Float64()*90
			p.sbp = &v
		}
		for k := rng.IntN(4); k > 0; k-- {
			p.codes = append(p.codes, codePool[rng.IntN(len(codePool))])
		}
		for k := rng.IntN(4); k > 0; k-- {
			e := genEvent{code: codePool[rng.IntN(5)], onset: base.Add(time.Duration(rng.IntN(9000)) * 24 * time.Hour)}
			if rng.IntN(3) == 0 {
				a := e.onset.Add(time.Duration(1+rng.IntN(3000)) * 24 * time.Hour)
				e.abatement = &a
			}
			p.conditions = append(p.conditions, e)
		}
		out[i] = p
	}
	return out
}

// buildBatches splits the patients into batches of the given size
// (0: one batch).
func buildBatches(t testing.TB, s *indicator.Schema, ps []genPatient, size int) []*indicator.Batch {
	t.Helper()
	if size <= 0 {
		size = len(ps)
	}
	fi := func(name string) int { return field(t, s, name) }
	age, sex, region, smoker := fi("age"), fi("sex"), fi("region"), fi("smoker")
	hba1c, sbp, events, years, codes, conds := fi("hba1c"), fi("sbp"), fi("events"), fi("years"), fi("codes"), fi("conditions")
	b := indicator.NewBatchBuilder(s)
	var out []*indicator.Batch
	for i, p := range ps {
		b.Field(age).AppendInt(p.age)
		b.Field(sex).AppendString(p.sex)
		b.Field(region).AppendString(p.region)
		b.Field(smoker).AppendBool(p.smoker)
		if p.hba1c != nil {
			b.Field(hba1c).AppendDouble(*p.hba1c)
		}
		if p.sbp != nil {
			b.Field(sbp).AppendDouble(*p.sbp)
		} else {
			b.Field(sbp).AppendNull()
		}
		b.Field(events).AppendInt(p.events)
		b.Field(years).AppendDouble(p.years)
		for _, c := range p.codes {
			b.Field(codes).AppendString(c)
		}
		cb := b.Field(conds)
		for _, e := range p.conditions {
			cb.Event(0).AppendString(e.code)
			cb.Event(1).AppendTime(e.onset)
			if e.abatement != nil {
				cb.Event(2).AppendTime(*e.abatement)
			}
			cb.EndEvent()
		}
		require.NoError(t, b.EndRow())
		if b.Len() == size || i == len(ps)-1 {
			out = append(out, b.Build())
		}
	}
	return out
}

func reportBytes(t testing.TB, rep *indicator.Report) (jsonOut, csvOut []byte) {
	t.Helper()
	var j, c bytes.Buffer
	require.NoError(t, rep.WriteJSON(&j))
	require.NoError(t, rep.WriteCSV(&c))
	return j.Bytes(), c.Bytes()
}

const determinismRecords = 2500

func TestEvaluateIsDeterministic(t *testing.T) {
	set := mustLoad(t, determinismYAML)
	patients := generatePatients(determinismRecords)
	sizes := []int{1, 7, 100, 0}
	batches := map[int][]*indicator.Batch{}
	for _, size := range sizes {
		batches[size] = buildBatches(t, set.Schema(), patients, size)
	}

	ref := run(t, set, batches[0], indicator.WithWorkers(1))
	refJSON, refCSV := reportBytes(t, ref)
	checkReportInvariants(t, ref, determinismRecords)

	check := func(t *testing.T, rep *indicator.Report) {
		checkReportInvariants(t, rep, determinismRecords)
		j, c := reportBytes(t, rep)
		assert.Equal(t, string(refJSON), string(j), "JSON differs")
		assert.Equal(t, string(refCSV), string(c), "CSV differs")
	}
	for _, workers := range []int{1, 2, 8} {
		for _, size := range sizes {
			t.Run(fmt.Sprintf("workers=%d/batch=%d", workers, size), func(t *testing.T) {
				check(t, run(t, set, batches[size], indicator.WithWorkers(workers)))
			})
		}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 8} {
		t.Run(fmt.Sprintf("GOMAXPROCS=%d", procs), func(t *testing.T) {
			runtime.GOMAXPROCS(procs)
			check(t, run(t, set, batches[7])) // default workers: GOMAXPROCS
		})
	}
}

// checkReportInvariants checks the accounting identity of every indicator
// and, where no record errored, that strata add up to the whole.
func checkReportInvariants(t *testing.T, rep *indicator.Report, read int64) {
	t.Helper()
	require.Equal(t, read, rep.Read)
	require.Len(t, rep.Indicators, 10)
	for i := range rep.Indicators {
		r := &rep.Indicators[i]
		requireAccounting(t, r, read)
		if r.Accounting.Errored > 0 {
			continue
		}
		for _, sr := range r.Stratifiers {
			var pops indicator.Populations
			var num, den float64
			for _, st := range sr.Strata {
				sp := popsOf(t, st.Populations)
				pops.InitialPopulation += sp.InitialPopulation
				pops.Denominator += sp.Denominator
				pops.DenominatorExclusion += sp.DenominatorExclusion
				pops.DenominatorException += sp.DenominatorException
				pops.Numerator += sp.Numerator
				pops.NumeratorExclusion += sp.NumeratorExclusion
				num += float64(st.Numerator)
				den += float64(st.Denominator)
			}
			what := fmt.Sprintf("indicator %s stratifier %s", r.ID, sr.ID)
			assert.Equal(t, popsOf(t, r.Populations), pops, what)
			// Sums of rounded stratum sums may differ from the exact overall
			// sum in the last bits.
			assert.InDelta(t, float64(r.Numerator), num, 1e-9*math.Max(1, math.Abs(num)), what+" numerator")
			assert.InDelta(t, float64(r.Denominator), den, 1e-9*math.Max(1, math.Abs(den)), what+" denominator")
		}
	}
}

// TestDeterminismDataExercisesEveryPath guards the test above: the
// generated data must give errors for the unguarded indicators, none for
// the guarded ones, and strata for every stratifier.
func TestDeterminismDataExercisesEveryPath(t *testing.T) {
	set := mustLoad(t, determinismYAML)
	patients := generatePatients(determinismRecords)
	rep := run(t, set, buildBatches(t, set.Schema(), patients, 100))
	erroring := map[string]bool{"DM-HBA1C-RAW": true, "SBP-MEAN-RAW": true}
	for _, r := range rep.Indicators {
		if erroring[r.ID] {
			assert.Positive(t, r.Accounting.Errored, r.ID)
			assert.Len(t, r.Errors, 10, r.ID)
		} else {
			assert.Zero(t, r.Accounting.Errored, "%s: %+v", r.ID, r.Errors)
		}
		assert.Positive(t, r.Accounting.Included, r.ID)
		assert.Positive(t, r.Accounting.Excluded, r.ID)
		assert.False(t, isNaN(r.Value), "%s has no value: %s", r.ID, r.Note)
		for _, sr := range r.Stratifiers {
			assert.Greater(t, len(sr.Strata), 1, "%s %s", r.ID, sr.ID)
		}
	}
	dm := popsOf(t, result(t, rep, "DM-HBA1C").Populations)
	assert.Positive(t, dm.DenominatorExclusion)
	assert.Positive(t, dm.DenominatorException)
	assert.Positive(t, dm.NumeratorExclusion)
	// Multi-component strata carry one value per component.
	for _, sr := range result(t, rep, "DM-HBA1C").Stratifiers {
		if sr.ID == "region-elderly-smoker" {
			for _, st := range sr.Strata {
				assert.Len(t, st.Values, 3)
			}
		}
	}
}

// TestStratumValuesAreKeptApart: stratum values are the values the
// expressions gave, whatever characters they hold, and different
// combinations are different strata.
func TestStratumValuesAreKeptApart(t *testing.T) {
	set := mustLoad(t, `
id: strata
schema:
  fields:
    a: string
    b: string
indicators:
  - id: C
    type: count
    stratifiers:
      - a
      - id: ab
        components: [a, b]
`)
	rows := [][2]string{{"x\x1fy", "z"}, {"x", "y\x1fz"}, {"x | y", "z"}}
	b := indicator.NewBatchBuilder(set.Schema())
	for _, r := range rows {
		b.Field(0).AppendString(r[0])
		b.Field(1).AppendString(r[1])
		require.NoError(t, b.EndRow())
	}
	res := result(t, run(t, set, []*indicator.Batch{b.Build()}), "C")
	require.Len(t, res.Stratifiers, 2)
	got := map[string][][]string{}
	for _, sr := range res.Stratifiers {
		for _, st := range sr.Strata {
			got[sr.ID] = append(got[sr.ID], st.Values)
			assert.Equal(t, 1.0, float64(st.Value), "%s %q", sr.ID, st.Values)
		}
	}
	assert.ElementsMatch(t, [][]string{{"x\x1fy"}, {"x"}, {"x | y"}}, got["a"])
	assert.ElementsMatch(t, [][]string{{"x\x1fy", "z"}, {"x", "y\x1fz"}, {"x | y", "z"}}, got["ab"])
}
