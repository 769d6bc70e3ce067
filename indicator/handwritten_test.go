package indicator_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/synth"
)

// This file holds a hand-written Go evaluation of the quickstart set
// (examples/quickstart/quickstart.yaml). It is the independent oracle of
// TestQuickstart_MatchesHandWritten and the floor of BenchmarkQuickstart.

var (
	periodStart = time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	periodEnd   = time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
)

// handCell is a numerator and denominator (for a mean: sum and count).
type handCell struct{ num, den float64 }

// handResult maps indicator id → stratum ("" overall, "sex=f", ...) → cell.
type handResult map[string]map[string]*handCell

func (h handResult) add(id, stratum string, num, den float64) {
	m := h[id]
	if m == nil {
		m = map[string]*handCell{}
		h[id] = m
	}
	c := m[stratum]
	if c == nil {
		c = &handCell{}
		m[stratum] = c
	}
	c.num += num
	c.den += den
}

func hasAny(p *synth.Patient, codes ...string) bool {
	for _, c := range p.Conditions {
		for _, code := range codes {
			if c.Code == code {
				return true
			}
		}
	}
	return false
}

func onMed(p *synth.Patient, code string) bool {
	for _, m := range p.Medications {
		if m.Code == code {
			return true
		}
	}
	return false
}

func inPeriod(t time.Time) bool { return !t.Before(periodStart) && !t.After(periodEnd) }

// latest returns the last reading of code in the period (observations are
// sorted by date).
func latest(p *synth.Patient, code string) (float64, bool) {
	v, ok := 0.0, false
	for _, o := range p.Observations {
		if o.Code == code && inPeriod(o.Date) {
			v, ok = o.Value, true
		}
	}
	return v, ok
}

// The quickstart indicators and the strata of the hand-written tally: the
// overall cell, then sex (2), age band (5), deprivation quintile (5), and
// for the indicators stratified by practice too, one cell per practice.
var handIDs = [...]string{"DM-HBA1C", "DM-HBA1C-TESTED", "HT-BP", "SBP-MEAN-HT", "STATIN-CVD-DM",
	"AF-ANTICOAG", "DM-PREV", "EMERG-ADM", "BED-DAYS-PER-ADM", "COPD-REG"}

const (
	dmHbA1c = iota
	dmTested
	htBP
	sbpMean
	statin
	afAnticoag
	dmPrev
	emergAdm
	bedDays
	copdReg
)

var (
	sexLabels  = [...]string{"female", "male"}
	bandLabels = [...]string{"0-17", "18-39", "40-64", "65-79", "80+"}
)

const practiceCells = synth.DefaultPractices // GP001 .. GP100

type handCells [len(handIDs)][13 + practiceCells]handCell

// byPractice marks the indicators stratified by practice.
var byPractice = [len(handIDs)]bool{dmHbA1c: true, emergAdm: true}

// practiceIndex is 0 for GP001.
func practiceIndex(p string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(p, "GP"))
	return n - 1
}

func ageBandIndex(age int) int {
	switch {
	case age < 18:
		return 0
	case age < 40:
		return 1
	case age < 65:
		return 2
	case age < 80:
		return 3
	}
	return 4
}

// handEvaluate computes every population of the quickstart set by hand,
// with no allocation per patient.
func handEvaluate(patients []synth.Patient) *handCells {
	var h handCells
	for i := range patients {
		p := &patients[i]
		sex := 1
		if p.Sex == "female" {
			sex = 0
		}
		strata := [4]int{0, 1 + sex, 3 + ageBandIndex(p.Age), 8 + p.Deprivation - 1}
		practice := 13 + practiceIndex(p.Practice)
		add := func(ind int, num, den float64) {
			for _, s := range strata {
				h[ind][s].num += num
				h[ind][s].den += den
			}
			if byPractice[ind] {
				h[ind][practice].num += num
				h[ind][practice].den += den
			}
		}
		b2f := func(b bool) float64 {
			if b {
				return 1
			}
			return 0
		}
		adult := p.Age >= 18
		dm := hasAny(p, "E10", "E11")
		htn := hasAny(p, "I10")
		hba1c, tested := latest(p, "hba1c")
		sbp, hasSBP := latest(p, "sbp")
		if dm && adult {
			add(dmHbA1c, b2f(tested && hba1c <= 58), 1)
			add(dmTested, b2f(tested), 1)
		}
		if htn && adult {
			numer := hasSBP && sbp < 140
			if numer || !(!hasSBP && p.Age >= 80) { // the exception removes only non-numerator records
				add(htBP, b2f(numer), 1)
			}
			if hasSBP {
				add(sbpMean, sbp, 1)
			}
		}
		if p.Age >= 40 && (dm || hasAny(p, "I63", "G45", "I50")) {
			add(statin, b2f(onMed(p, "statin")), 1)
		}
		if hasAny(p, "I48") && adult {
			add(afAnticoag, b2f(onMed(p, "anticoagulant")), 1)
		}
		if adult {
			add(dmPrev, b2f(dm), 1)
		}
		var admissions, days float64
		for _, e := range p.Encounters {
			if e.Class == "emergency" && inPeriod(e.Start) {
				admissions++
				days += float64(e.LengthOfStay)
			}
		}
		add(emergAdm, admissions, p.DaysAtRisk/365.25)
		add(bedDays, days, admissions)
		if hasAny(p, "J44") {
			add(copdReg, 1, 1)
		}
	}
	return &h
}

// result converts the tally to the shape of engineCells, leaving out
// strata no record reached (the engine reports only strata it saw).
func (h *handCells) result() handResult {
	out := handResult{}
	labels := [13 + practiceCells]string{""}
	for i, s := range sexLabels {
		labels[1+i] = "sex=" + s
	}
	for i, b := range bandLabels {
		labels[3+i] = "age_band=" + b
	}
	for q := 1; q <= 5; q++ {
		labels[7+q] = "deprivation=" + strconv.Itoa(q)
	}
	for k := range practiceCells {
		labels[13+k] = fmt.Sprintf("practice=GP%03d", k+1)
	}
	for ind, cells := range h {
		for s, c := range cells {
			if s == 0 || c.den != 0 || c.num != 0 {
				out.add(handIDs[ind], labels[s], c.num, c.den)
			}
		}
	}
	return out
}

// handEvaluateParallel splits the patients among workers, as the engine does.
func handEvaluateParallel(patients []synth.Patient, workers int) *handCells {
	parts := make([]*handCells, workers)
	var wg sync.WaitGroup
	chunk := (len(patients) + workers - 1) / workers
	for w := range workers {
		lo, hi := min(w*chunk, len(patients)), min((w+1)*chunk, len(patients))
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = handEvaluate(patients[lo:hi])
		}()
	}
	wg.Wait()
	for _, p := range parts[1:] {
		for ind := range p {
			for s := range p[ind] {
				parts[0][ind][s].num += p[ind][s].num
				parts[0][ind][s].den += p[ind][s].den
			}
		}
	}
	return parts[0]
}

func loadQuickstart(tb testing.TB) *indicator.Set {
	tb.Helper()
	set, err := indicator.LoadFile("../examples/quickstart/quickstart.yaml")
	require.NoError(tb, err)
	return set
}

// population returns n synthetic patients as Go values and as batches.
func population(tb testing.TB, set *indicator.Set, n int) ([]synth.Patient, []*indicator.Batch) {
	tb.Helper()
	cfg := synth.Config{N: n, Seed: 7}
	gen, err := synth.New(cfg)
	require.NoError(tb, err)
	patients := make([]synth.Patient, 0, n)
	for batch := gen.Next(nil); len(batch) > 0; batch = gen.Next(nil) {
		patients = append(patients, batch...)
	}
	src, err := synth.NewSource(set.Schema(), cfg)
	require.NoError(tb, err)
	var batches []*indicator.Batch
	for src.Next(context.Background()) {
		batches = append(batches, src.Batch())
	}
	require.NoError(tb, src.Err())
	return patients, batches
}

// engineCells flattens a report in the hand-written result's shape.
func engineCells(rep *indicator.Report) handResult {
	h := handResult{}
	for _, r := range rep.Indicators {
		num, den := float64(r.Numerator), float64(r.Denominator)
		h.add(r.ID, "", num, den)
		for _, s := range r.Stratifiers {
			for _, st := range s.Strata {
				h.add(r.ID, s.ID+"="+st.Values[0], float64(st.Numerator), float64(st.Denominator))
			}
		}
	}
	return h
}

func TestQuickstart_MatchesHandWritten(t *testing.T) {
	set := loadQuickstart(t)
	patients, batches := population(t, set, 20_000)
	rep, err := set.Evaluate(context.Background(), indicator.Batches(batches...))
	require.NoError(t, err)
	want, got := handEvaluate(patients).result(), engineCells(rep)
	require.Len(t, got, len(want), "indicators")
	for id, cells := range want {
		require.Len(t, got[id], len(cells), "%s: strata", id)
		for k, w := range cells {
			g := got[id][k]
			require.NotNil(t, g, "%s %q missing", id, k)
			for _, pair := range [][2]float64{{w.num, g.num}, {w.den, g.den}} {
				require.InDelta(t, pair[0], pair[1], 1e-9*math.Max(1, math.Abs(pair[0])), "%s %q: hand %+v, engine %+v", id, k, *w, *g)
			}
		}
	}
}

// BenchmarkQuickstart evaluates the quickstart set over 1,000,000 patients
// already in memory, beside the hand-written Go equivalent with the same
// number of goroutines. The ratio of the two ns/op is the overhead of
// writing the indicators in YAML and CEL.
func BenchmarkQuickstart(b *testing.B) {
	n := benchSize(b)
	set := loadQuickstart(b)
	patients, batches := population(b, set, n)
	workers := runtime.GOMAXPROCS(0)
	b.Run("hpi", func(b *testing.B) {
		for b.Loop() {
			if _, err := set.Evaluate(context.Background(), indicator.Batches(batches...)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("handwritten", func(b *testing.B) {
		for b.Loop() {
			handEvaluateParallel(patients, workers)
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkPredicate evaluates one indicator predicate over 1,000,000
// records on one worker beside the hand-written loop (one goroutine) that
// computes the same count.
func BenchmarkPredicate(b *testing.B) {
	n := benchSize(b)
	set, err := indicator.Load("predicate.yaml", []byte(`
id: predicate
schema:
  unit: patient
  fields: {age: int, sex: string, deprivation: int}
indicators:
  - id: OLD-DEPRIVED-WOMEN
    type: count
    initial_population: age >= 65 && sex == "female" && deprivation <= 2
`))
	require.NoError(b, err)
	cfg := synth.Config{N: n, Seed: 7}
	src, err := synth.NewSource(set.Schema(), cfg)
	require.NoError(b, err)
	var batches []*indicator.Batch
	for src.Next(context.Background()) {
		batches = append(batches, src.Batch())
	}
	type row struct {
		age, deprivation int
		sex              string
	}
	rows := make([]row, 0, n)
	gen, err := synth.New(cfg)
	require.NoError(b, err)
	for ps := gen.Next(nil); len(ps) > 0; ps = gen.Next(ps) {
		for _, p := range ps {
			rows = append(rows, row{p.Age, p.Deprivation, p.Sex})
		}
	}
	var engine, hand float64
	b.Run("hpi", func(b *testing.B) {
		for b.Loop() {
			rep, err := set.Evaluate(context.Background(), indicator.Batches(batches...), indicator.WithWorkers(1))
			if err != nil {
				b.Fatal(err)
			}
			engine = float64(rep.Indicators[0].Value)
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("handwritten", func(b *testing.B) {
		for b.Loop() {
			count := 0
			for i := range rows {
				r := &rows[i]
				if r.age >= 65 && r.sex == "female" && r.deprivation <= 2 {
					count++
				}
			}
			hand = float64(count)
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	if engine != hand {
		b.Fatalf("engine counted %v, hand-written %v", engine, hand)
	}
}

// benchSize is 1,000,000 records unless HPI_BENCH_N says otherwise.
func benchSize(b *testing.B) int {
	if s := os.Getenv("HPI_BENCH_N"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(b, err)
		return n
	}
	return 1_000_000
}

// Every definition of the quickstart set is evaluated at most once per
// record however many indicators and stratifiers read it; one every record
// reads one by one (age_band, through every stratified indicator) exactly
// once, and has_diabetes, a bit vector computed a batch at a time (and
// never failing), not one by one at all.
func TestQuickstart_DefinitionsOncePerRecord(t *testing.T) {
	set := loadQuickstart(t)
	_, batches := population(t, set, 5_000)
	var st indicator.Stats
	_, err := set.Evaluate(context.Background(), indicator.Batches(batches...), indicator.WithStats(&st), indicator.WithWorkers(2))
	require.NoError(t, err)
	require.Equal(t, int64(5_000), st.Records)
	require.Len(t, st.Evaluations, len(set.Spec().Definitions))
	for name, n := range st.Evaluations {
		assert.LessOrEqual(t, n, st.Records, name)
	}
	assert.Zero(t, st.Evaluations["has_diabetes"])
	assert.Equal(t, st.Records, st.Evaluations["age_band"])
	assert.Less(t, st.Evaluations["hba1c_readings"], st.Records, "read only for people with diabetes")
}
