package synth

import (
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

// clonePatient deep-copies p so that it survives reuse of a batch.
func clonePatient(p Patient) Patient {
	p.Conditions = slices.Clone(p.Conditions)
	p.Observations = slices.Clone(p.Observations)
	p.Medications = slices.Clone(p.Medications)
	p.Encounters = slices.Clone(p.Encounters)
	return p
}

// streamAll generates the whole population with Next, copying each batch.
func streamAll(t *testing.T, cfg Config) []Patient {
	t.Helper()
	g, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	var out, batch []Patient
	for batch = g.Next(batch); len(batch) > 0; batch = g.Next(batch) {
		if cfg.BatchSize > 0 && len(batch) > cfg.BatchSize {
			t.Fatalf("batch of %d patients, BatchSize %d", len(batch), cfg.BatchSize)
		}
		for _, p := range batch {
			out = append(out, clonePatient(p))
		}
	}
	return out
}

// firstDifference returns the index of the first differing patient, or -1.
func firstDifference(a, b []Patient) int {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

func TestSameSeedGivesIdenticalPatientsForAnyBatchSize(t *testing.T) {
	const n = 3000
	want := streamAll(t, Config{N: n, Seed: 7, BatchSize: 1024})
	for _, batchSize := range []int{1, 7, 0, 1024, 5000} {
		got := streamAll(t, Config{N: n, Seed: 7, BatchSize: batchSize})
		if i := firstDifference(got, want); i >= 0 {
			t.Errorf("BatchSize %d: patient %d differs from BatchSize 1024", batchSize, i)
		}
	}
}

func TestGenerateMatchesStreamedPatients(t *testing.T) {
	cfg := Config{N: 3000, Seed: 7, BatchSize: 7}
	want := streamAll(t, cfg)
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var reused Patient
	for i := 0; i < cfg.N; i += 13 {
		if got := Generate(cfg, i); !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("Generate(cfg, %d) differs from streamed patient:\n got %+v\nwant %+v", i, got, want[i])
		}
		if got := g.Patient(i); !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("Generator.Patient(%d) differs from streamed patient", i)
		}
		if !g.Fill(&reused, i) || !reflect.DeepEqual(reused, want[i]) {
			t.Fatalf("Generator.Fill(reused, %d) differs from streamed patient", i)
		}
	}
}

func TestParallelFillMatchesSequentialStream(t *testing.T) {
	cfg := Config{N: 4000, Seed: 11}
	want := streamAll(t, cfg)
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]Patient, cfg.N)
	const workers = 4
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < cfg.N; i += workers {
				g.Fill(&got[i], i)
			}
		}()
	}
	wg.Wait()
	if i := firstDifference(got, want); i >= 0 {
		t.Errorf("parallel Fill: patient %d differs from the sequential stream", i)
	}
}

func TestSmallerNIsPrefixOfLargerPopulation(t *testing.T) {
	small := streamAll(t, Config{N: 100, Seed: 3})
	large := streamAll(t, Config{N: 1000, Seed: 3})
	if i := firstDifference(small, large[:100]); i >= 0 {
		t.Errorf("patient %d of N=100 differs from patient %d of N=1000", i, i)
	}
}

func TestDifferentSeedGivesDifferentPopulation(t *testing.T) {
	a := streamAll(t, Config{N: 500, Seed: 1})
	b := streamAll(t, Config{N: 500, Seed: 2})
	same := 0
	for i := range a {
		if a[i].BirthDate.Equal(b[i].BirthDate) && a[i].Practice == b[i].Practice {
			same++
		}
	}
	if same > 5 {
		t.Errorf("%d of %d patients share birth date and practice across seeds 1 and 2", same, len(a))
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"zero N", Config{N: 0}},
		{"negative N", Config{N: -5}},
		{"N above MaxN", Config{N: MaxN + 1}},
		{"negative BatchSize", Config{N: 10, BatchSize: -1}},
		{"negative Practices", Config{N: 10, Practices: -1}},
		{"Practices above MaxPractices", Config{N: 10, Practices: MaxPractices + 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := New(tt.cfg)
			if !errors.Is(err, ErrInvalidConfig) || g != nil {
				t.Errorf("New(%+v) = %v, %v; want nil, ErrInvalidConfig", tt.cfg, g, err)
			}
			if p := Generate(tt.cfg, 0); !reflect.DeepEqual(p, Patient{}) {
				t.Errorf("Generate(%+v, 0) = %+v; want zero Patient", tt.cfg, p)
			}
		})
	}
}

func TestNewAcceptsBoundaryConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"N of 1", Config{N: 1}},
		{"N of MaxN", Config{N: MaxN}},
		{"BatchSize larger than N", Config{N: 10, BatchSize: 1 << 30}},
		{"one practice", Config{N: 10, Practices: 1}},
		{"MaxPractices", Config{N: 10, Practices: MaxPractices}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := New(tt.cfg)
			if err != nil {
				t.Fatalf("New(%+v): %v", tt.cfg, err)
			}
			if g.Len() != tt.cfg.N {
				t.Errorf("Len() = %d, want %d", g.Len(), tt.cfg.N)
			}
			batchSize := tt.cfg.BatchSize
			if batchSize == 0 {
				batchSize = DefaultBatchSize
			}
			if batch := g.Next(nil); len(batch) != min(tt.cfg.N, batchSize) {
				t.Errorf("first batch has %d patients, want %d", len(batch), min(tt.cfg.N, batchSize))
			}
		})
	}
}

func TestNextReturnsBatchesUntilNThenEmpty(t *testing.T) {
	tests := []struct {
		n, batchSize int
		wantSizes    []int
	}{
		{25, 7, []int{7, 7, 7, 4}},
		{10, 10, []int{10}},
		{3, 0, []int{3}},
		{2049, 0, []int{1024, 1024, 1}},
	}
	for _, tt := range tests {
		g, err := New(Config{N: tt.n, BatchSize: tt.batchSize})
		if err != nil {
			t.Fatal(err)
		}
		var sizes []int
		var batch []Patient
		for batch = g.Next(batch); len(batch) > 0; batch = g.Next(batch) {
			sizes = append(sizes, len(batch))
		}
		if !slices.Equal(sizes, tt.wantSizes) {
			t.Errorf("N=%d BatchSize=%d: batch sizes %v, want %v", tt.n, tt.batchSize, sizes, tt.wantSizes)
		}
		if again := g.Next(batch); len(again) != 0 {
			t.Errorf("N=%d: Next after the end returned %d patients", tt.n, len(again))
		}
		g.Reset()
		if first := g.Next(nil); len(first) == 0 || first[0].ID != "P0000001" {
			t.Errorf("N=%d: Reset did not rewind to P0000001", tt.n)
		}
	}
}

func TestIDsAreSequentialAndZeroPadded(t *testing.T) {
	tests := []struct {
		index int
		want  string
	}{
		{0, "P0000001"}, {9, "P0000010"}, {1234566, "P1234567"}, {MaxN - 1, "P10000000"},
	}
	for _, tt := range tests {
		if got := Generate(Config{N: MaxN}, tt.index).ID; got != tt.want {
			t.Errorf("ID of patient %d = %q, want %q", tt.index, got, tt.want)
		}
	}
}

func TestGenerateOutsidePopulationReturnsZeroPatient(t *testing.T) {
	cfg := Config{N: 10}
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{-1, 10, 1 << 40} {
		if p := Generate(cfg, i); !reflect.DeepEqual(p, Patient{}) {
			t.Errorf("Generate(cfg, %d) is not the zero Patient", i)
		}
		var p Patient
		if g.Fill(&p, i) || !reflect.DeepEqual(g.Patient(i), Patient{}) {
			t.Errorf("Fill/Patient(%d) outside [0, N) did not report false / zero", i)
		}
	}
}

func TestRefDateDefaultsAndIsReducedToItsCalendarDate(t *testing.T) {
	want := streamAll(t, Config{N: 200, Seed: 5, RefDate: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)})
	tests := []struct {
		name string
		ref  time.Time
	}{
		{"zero RefDate", time.Time{}},
		{"time of day ignored", time.Date(2025, 3, 31, 17, 45, 3, 9, time.UTC)},
		{"calendar date in its own location", time.Date(2025, 3, 31, 23, 30, 0, 0, time.FixedZone("UTC-5", -5*3600))},
	}
	for _, tt := range tests {
		got := streamAll(t, Config{N: 200, Seed: 5, RefDate: tt.ref})
		if i := firstDifference(got, want); i >= 0 {
			t.Errorf("%s: patient %d differs from RefDate 2025-03-31 UTC", tt.name, i)
		}
	}
}

// civilAge is the age in completed years at ref of someone born on birth.
func civilAge(birth, ref time.Time) int {
	by, bm, bd := birth.Date()
	ry, rm, rd := ref.Date()
	age := ry - by
	if rm < bm || (rm == bm && rd < bd) {
		age--
	}
	return age
}

func TestAgeMatchesBirthDateOnAnyRefDate(t *testing.T) {
	refs := []time.Time{
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, ref := range refs {
		g, err := New(Config{N: 20000, Seed: 9, RefDate: ref})
		if err != nil {
			t.Fatal(err)
		}
		var p Patient
		for i := range g.Len() {
			g.Fill(&p, i)
			if got := civilAge(p.BirthDate, ref); got != p.Age || !p.BirthDate.Before(ref) {
				t.Fatalf("RefDate %s: %s born %s has Age %d, civil age %d", ref.Format(time.DateOnly), p.ID, p.BirthDate.Format(time.DateOnly), p.Age, got)
			}
		}
	}
}

// checkPatient reports the first range violation in p, or "".
func checkPatient(p *Patient, ref time.Time) string {
	windowStart := ref.AddDate(0, 0, -WindowDays)
	switch {
	case p.Age < 0 || p.Age > MaxAge:
		return "age out of range"
	case p.Deprivation < 1 || p.Deprivation > 5:
		return "deprivation quintile out of range"
	case p.Sex != SexFemale && p.Sex != SexMale:
		return "unknown sex"
	case p.DaysAtRisk < 1 || p.DaysAtRisk > ReferenceDays:
		return "DaysAtRisk out of range"
	case !p.BirthDate.Before(ref) || p.RegistrationDate.Before(p.BirthDate) || !p.RegistrationDate.Before(ref):
		return "birth or registration date out of order"
	case !p.DeathDate.IsZero() && (!p.DeathDate.Before(ref) || !p.DeathDate.After(p.RegistrationDate)):
		return "death date out of range"
	}
	if msg := checkConditions(p, ref); msg != "" {
		return msg
	}
	if msg := checkObservations(p, windowStart, ref); msg != "" {
		return msg
	}
	if msg := checkMedications(p, ref); msg != "" {
		return msg
	}
	return checkEncounters(p, windowStart, ref)
}

func checkConditions(p *Patient, ref time.Time) string {
	for i, c := range p.Conditions {
		if c.Code == "" || c.Onset.Before(p.BirthDate) || !c.Onset.Before(ref) {
			return "condition onset out of range"
		}
		if i > 0 && c.Onset.Before(p.Conditions[i-1].Onset) {
			return "conditions not sorted by onset"
		}
	}
	return ""
}

// observationRanges are the plausible [lo, hi] values per observation code.
var observationRanges = map[string][2]float64{
	ObsHbA1c: {20, 180}, ObsSystolicBP: {60, 260}, ObsDiastolicBP: {30, 150},
	ObsCholesterol: {1.5, 15}, ObsEGFR: {2, 150},
}

func checkObservations(p *Patient, windowStart, ref time.Time) string {
	for i, o := range p.Observations {
		bounds, ok := observationRanges[o.Code]
		switch {
		case !ok || o.Unit == "":
			return "unknown observation code or missing unit"
		case o.Value < bounds[0] || o.Value > bounds[1]:
			return "implausible " + o.Code + " value"
		case o.Date.Before(windowStart) || !o.Date.Before(ref) || o.Date.Before(p.RegistrationDate):
			return "observation date outside the window"
		case !p.DeathDate.IsZero() && o.Date.After(p.DeathDate):
			return "observation after death"
		case i > 0 && o.Date.Before(p.Observations[i-1].Date):
			return "observations not sorted by date"
		}
	}
	return ""
}

func checkMedications(p *Patient, ref time.Time) string {
	for i, m := range p.Medications {
		if m.Code == "" || m.Start.Before(p.BirthDate) || !m.Start.Before(ref) {
			return "medication start out of range"
		}
		if i > 0 && m.Start.Before(p.Medications[i-1].Start) {
			return "medications not sorted by start"
		}
	}
	return ""
}

func checkEncounters(p *Patient, windowStart, ref time.Time) string {
	for i, e := range p.Encounters {
		switch {
		case e.Start.Before(windowStart) || !e.Start.Before(ref) || e.Start.Before(p.RegistrationDate):
			return "encounter date outside the window"
		case i > 0 && e.Start.Before(p.Encounters[i-1].Start):
			return "encounters not sorted by date"
		case e.Class == EncInpatient && e.LengthOfStay < 1:
			return "inpatient stay shorter than 1 day"
		case e.Class == EncEmergency && e.LengthOfStay < 0:
			return "negative emergency length of stay"
		case (e.Class == EncOutpatient || e.Class == EncPrimaryCare) && e.LengthOfStay != 0:
			return "length of stay on a non-admission"
		case e.Class != EncEmergency && e.Class != EncInpatient && e.Class != EncOutpatient && e.Class != EncPrimaryCare:
			return "unknown encounter class"
		}
	}
	return ""
}

func TestAllValuesInRange(t *testing.T) {
	refs := []time.Time{{}, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)}
	for _, ref := range refs {
		g, err := New(Config{N: 30000, Seed: 13, RefDate: ref})
		if err != nil {
			t.Fatal(err)
		}
		var batch []Patient
		for batch = g.Next(batch); len(batch) > 0; batch = g.Next(batch) {
			for i := range batch {
				if msg := checkPatient(&batch[i], g.m.ref); msg != "" {
					t.Fatalf("RefDate %v: %s: %s\n%+v", ref, batch[i].ID, msg, batch[i])
				}
			}
		}
	}
}

func TestPracticesNestInAreasWithVaryingListSizes(t *testing.T) {
	g, err := New(Config{N: 50000, Seed: 21})
	if err != nil {
		t.Fatal(err)
	}
	areaOfPractice := map[string]string{}
	listSize := map[string]int{}
	var batch []Patient
	for batch = g.Next(batch); len(batch) > 0; batch = g.Next(batch) {
		for _, p := range batch {
			if a, seen := areaOfPractice[p.Practice]; seen && a != p.Area {
				t.Fatalf("practice %s appears in areas %s and %s", p.Practice, a, p.Area)
			}
			areaOfPractice[p.Practice] = p.Area
			listSize[p.Practice]++
		}
	}
	if len(listSize) != DefaultPractices {
		t.Errorf("%d practices used, want %d", len(listSize), DefaultPractices)
	}
	sizes := slices.Sorted(func(yield func(int) bool) {
		for _, n := range listSize {
			if !yield(n) {
				return
			}
		}
	})
	if sizes[len(sizes)-1] < 2*sizes[0] {
		t.Errorf("list sizes range %d..%d; want the largest at least twice the smallest", sizes[0], sizes[len(sizes)-1])
	}
}

func TestNextSteadyStateAllocatesLittlePerBatch(t *testing.T) {
	g, err := New(Config{N: MaxN, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var batch []Patient
	for range 30 { // warm up: slot capacities settle
		batch = g.Next(batch)
	}
	allocs := testing.AllocsPerRun(20, func() { batch = g.Next(batch) })
	// One allocation is the batch's ID string; the rest is rare growth of a
	// reused slice. Per-patient allocation would show as >= 1024.
	if allocs > 10 {
		t.Errorf("Next allocates %.1f times per batch of %d in steady state; want <= 10", allocs, DefaultBatchSize)
	}
}
