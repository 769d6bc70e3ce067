package synth

import (
	"math"
	"sync"
	"testing"
	"time"
)

// The statistical tests measure one population of summaryN patients,
// generated once and shared. Seeds are fixed, so the tests are
// deterministic; the margins guard the model, not sampling noise.
const summaryN = 200_000

// conditionGroup is a named set of ICD-10 code prefixes.
type conditionGroup struct {
	name     string
	prefixes []string
}

var conditionGroups = []conditionGroup{
	{"hypertension", []string{CodeHypertension}},
	{"diabetes", []string{CodeDiabetesType1, CodeDiabetesType2}},
	{"COPD", []string{CodeCOPD}},
	{"AF", []string{CodeAtrialFibrillation}},
	{"heart failure", []string{CodeHeartFailure}},
	{"CKD 3-5", []string{"N18"}},
	{"dementia", []string{CodeDementia}},
	{"cancer", []string{"C"}},
	{"stroke/TIA", []string{CodeStroke, CodeTIA}},
	{"asthma", []string{CodeAsthma}},
	{"CHD", []string{CodeCHD}},
	{"depression", []string{CodeDepression}},
}

func (g conditionGroup) in(p *Patient) bool {
	for _, prefix := range g.prefixes {
		if p.HasCondition(prefix) {
			return true
		}
	}
	return false
}

// ratio accumulates a numerator over a denominator.
type ratio struct{ num, den float64 }

func (r *ratio) add(num, den float64) { r.num += num; r.den += den }

// count adds one to the denominator and, if hit, one to the numerator.
func (r *ratio) count(hit bool) {
	r.den++
	if hit {
		r.num++
	}
}

// pct is the ratio in percent.
func (r ratio) pct() float64 { return 100 * r.num / r.den }

// Age bands used by the summary.
const (
	band0to17 = iota
	band18to39
	band40to59
	band60to79
	band80plus
	nBands
)

var bandNames = [nBands]string{"0-17", "18-39", "40-59", "60-79", "80+"}

func ageBand(age int) int {
	switch {
	case age < 18:
		return band0to17
	case age < 40:
		return band18to39
	case age < 60:
		return band40to59
	case age < 80:
		return band60to79
	}
	return band80plus
}

// summary holds everything the statistical tests check.
type summary struct {
	overall    []ratio // per conditionGroups
	byBand     [][nBands]ratio
	byQuintile [][6]ratio
	quintile   [6]ratio

	ckdGivenDiabetes, ckdGivenNoDiabetes           ratio
	htnGivenDiabetes, htnGivenNoDiabetes           ratio
	statinIndicated, statinNotIndicated            ratio
	anticoagulantWithAF, anticoagulantWithoutAF    ratio
	metforminWithoutType2, insulinWithType1        ratio
	emergencyByBand                                [nBands]ratio
	emergencyByQuintile                            [6]ratio
	emergencyByConditions                          [3]ratio // 0, 1, 2+ conditions
	emergencyOverall                               ratio
	sameDayEmergency                               ratio
	hba1cSum, hba1cSumSq, hba1cN, nonDiabeticHbA1c float64
	diabeticsWithoutHbA1c                          ratio
	sbpHypertensive, sbpNormotensive               ratio // mean = num/den
	adultsWithoutObservations                      ratio
	died, partYear                                 ratio
}

var populationSummary = sync.OnceValue(func() *summary {
	s := &summary{
		overall:    make([]ratio, len(conditionGroups)),
		byBand:     make([][nBands]ratio, len(conditionGroups)),
		byQuintile: make([][6]ratio, len(conditionGroups)),
	}
	g, err := New(Config{N: summaryN, Seed: 2025})
	if err != nil {
		panic(err)
	}
	yearStart := g.m.ref.AddDate(0, 0, -ReferenceDays)
	var batch []Patient
	for batch = g.Next(batch); len(batch) > 0; batch = g.Next(batch) {
		for i := range batch {
			s.add(&batch[i], yearStart)
		}
	}
	return s
})

func (s *summary) add(p *Patient, yearStart time.Time) {
	band := ageBand(p.Age)
	for k, group := range conditionGroups {
		in := group.in(p)
		s.overall[k].count(in)
		s.byBand[k][band].count(in)
		s.byQuintile[k][p.Deprivation].count(in)
	}
	for q := 1; q <= 5; q++ {
		s.quintile[q].count(p.Deprivation == q)
	}
	s.addComorbidity(p)
	s.addMedications(p)
	s.addEmergencies(p, band, yearStart)
	s.addObservations(p)
	s.died.count(!p.DeathDate.IsZero())
	s.partYear.count(p.DaysAtRisk < ReferenceDays)
}

func (s *summary) addComorbidity(p *Patient) {
	diabetic := p.HasCondition("E1")
	if diabetic {
		s.ckdGivenDiabetes.count(p.HasCondition("N18"))
		s.htnGivenDiabetes.count(p.HasCondition(CodeHypertension))
	} else {
		s.ckdGivenNoDiabetes.count(p.HasCondition("N18"))
		s.htnGivenNoDiabetes.count(p.HasCondition(CodeHypertension))
	}
}

func hasMedication(p *Patient, code string) bool {
	for _, m := range p.Medications {
		if m.Code == code {
			return true
		}
	}
	return false
}

func (s *summary) addMedications(p *Patient) {
	if p.HasCondition("E1") || p.HasCondition(CodeCHD) || p.HasCondition(CodeStroke) || p.HasCondition(CodeTIA) {
		s.statinIndicated.count(hasMedication(p, MedStatin))
	} else {
		s.statinNotIndicated.count(hasMedication(p, MedStatin))
	}
	if p.HasCondition(CodeAtrialFibrillation) {
		s.anticoagulantWithAF.count(hasMedication(p, MedAnticoagulant))
	} else {
		s.anticoagulantWithoutAF.count(hasMedication(p, MedAnticoagulant))
	}
	if !p.HasCondition(CodeDiabetesType2) {
		s.metforminWithoutType2.count(hasMedication(p, MedMetformin))
	}
	if p.HasCondition(CodeDiabetesType1) {
		s.insulinWithType1.count(hasMedication(p, MedInsulin))
	}
}

func (s *summary) addEmergencies(p *Patient, band int, yearStart time.Time) {
	admissions := 0.0
	for _, e := range p.Encounters {
		if e.Class == EncEmergency && !e.Start.Before(yearStart) {
			admissions++
			s.sameDayEmergency.count(e.LengthOfStay == 0)
		}
	}
	years := p.DaysAtRisk / ReferenceDays
	s.emergencyByBand[band].add(admissions, years)
	s.emergencyByQuintile[p.Deprivation].add(admissions, years)
	s.emergencyByConditions[min(len(p.Conditions), 2)].add(admissions, years)
	s.emergencyOverall.add(admissions, years)
}

func (s *summary) addObservations(p *Patient) {
	diabetic, hypertensive := p.HasCondition("E1"), p.HasCondition(CodeHypertension)
	sawHbA1c := false
	for _, o := range p.Observations {
		switch {
		case o.Code == ObsHbA1c && diabetic:
			s.hba1cSum += o.Value
			s.hba1cSumSq += o.Value * o.Value
			s.hba1cN++
			sawHbA1c = true
		case o.Code == ObsHbA1c:
			s.nonDiabeticHbA1c = max(s.nonDiabeticHbA1c, o.Value)
		case o.Code == ObsSystolicBP && hypertensive:
			s.sbpHypertensive.add(o.Value, 1)
		case o.Code == ObsSystolicBP:
			s.sbpNormotensive.add(o.Value, 1)
		}
	}
	if diabetic {
		s.diabeticsWithoutHbA1c.count(!sawHbA1c)
	}
	if p.Age >= 18 {
		s.adultsWithoutObservations.count(len(p.Observations) == 0)
	}
}

func groupIndex(t *testing.T, name string) int {
	t.Helper()
	for k, g := range conditionGroups {
		if g.name == name {
			return k
		}
	}
	t.Fatalf("no condition group %q", name)
	return -1
}

func TestOverallPrevalenceWithinDocumentedRange(t *testing.T) {
	s := populationSummary()
	tests := []struct {
		group  string
		lo, hi float64 // percent of all registered patients
	}{
		{"hypertension", 12, 16},
		{"diabetes", 6, 8},
		{"COPD", 1.5, 2.8},
		{"AF", 1.5, 2.6},
		{"heart failure", 0.7, 1.4},
		{"CKD 3-5", 3, 5},
		{"dementia", 0.5, 1.1},
		{"cancer", 2.5, 4},
		{"stroke/TIA", 1.5, 2.5},
		{"asthma", 5, 7.5},
		{"CHD", 2.5, 3.8},
		{"depression", 7, 11},
	}
	for _, tt := range tests {
		got := s.overall[groupIndex(t, tt.group)].pct()
		t.Logf("%-13s %5.2f%%", tt.group, got)
		if got < tt.lo || got > tt.hi {
			t.Errorf("%s prevalence %.2f%%, want %.1f..%.1f%%", tt.group, got, tt.lo, tt.hi)
		}
	}
}

func TestPrevalenceRisesWithAge(t *testing.T) {
	s := populationSummary()
	tests := []struct {
		group          string
		younger, older int
		minRatio       float64
	}{
		{"hypertension", band18to39, band40to59, 3},
		{"hypertension", band40to59, band60to79, 1.5},
		{"diabetes", band18to39, band40to59, 2},
		{"diabetes", band40to59, band60to79, 1.3},
		{"CHD", band40to59, band60to79, 2},
		{"AF", band60to79, band80plus, 1.5},
		{"heart failure", band60to79, band80plus, 2},
		{"stroke/TIA", band40to59, band60to79, 2},
		{"CKD 3-5", band60to79, band80plus, 2},
		{"COPD", band18to39, band40to59, 3},
		{"COPD", band40to59, band60to79, 1.5},
		{"dementia", band60to79, band80plus, 4},
		{"cancer", band40to59, band60to79, 1.5},
	}
	for _, tt := range tests {
		k := groupIndex(t, tt.group)
		young, old := s.byBand[k][tt.younger].pct(), s.byBand[k][tt.older].pct()
		if old < tt.minRatio*young {
			t.Errorf("%s: %.2f%% at %s vs %.2f%% at %s; want at least ×%.1f",
				tt.group, young, bandNames[tt.younger], old, bandNames[tt.older], tt.minRatio)
		}
	}
}

func TestPrevalenceRisesWithDeprivation(t *testing.T) {
	s := populationSummary()
	tests := []struct {
		group    string
		minRatio float64 // quintile 1 (most deprived) over quintile 5
	}{
		{"hypertension", 1.1},
		{"diabetes", 1.25},
		{"COPD", 2},
		{"heart failure", 1.2},
		{"CKD 3-5", 1.15},
		{"stroke/TIA", 1.2},
		{"asthma", 1.15},
		{"CHD", 1.3},
		{"depression", 1.3},
		{"AF", 1},
		{"dementia", 1},
		{"cancer", 1},
	}
	for _, tt := range tests {
		k := groupIndex(t, tt.group)
		q1, q5 := s.byQuintile[k][1].pct(), s.byQuintile[k][5].pct()
		if q1 <= tt.minRatio*q5 {
			t.Errorf("%s: quintile 1 %.2f%% vs quintile 5 %.2f%%; want more than ×%.2f", tt.group, q1, q5, tt.minRatio)
		}
	}
}

func TestDeprivationQuintilesAreRoughlyEqual(t *testing.T) {
	s := populationSummary()
	for q := 1; q <= 5; q++ {
		if got := s.quintile[q].pct(); got < 15 || got > 25 {
			t.Errorf("quintile %d holds %.1f%% of patients, want 15..25%%", q, got)
		}
	}
}

func TestComorbiditiesAreCorrelated(t *testing.T) {
	s := populationSummary()
	tests := []struct {
		name       string
		with, base ratio
		minRatio   float64
	}{
		{"CKD given diabetes", s.ckdGivenDiabetes, s.ckdGivenNoDiabetes, 3},
		{"hypertension given diabetes", s.htnGivenDiabetes, s.htnGivenNoDiabetes, 3},
	}
	for _, tt := range tests {
		t.Logf("%s: %.1f%% vs %.1f%%", tt.name, tt.with.pct(), tt.base.pct())
		if tt.with.pct() < tt.minRatio*tt.base.pct() {
			t.Errorf("%s: %.1f%% vs %.1f%% without; want at least ×%.1f", tt.name, tt.with.pct(), tt.base.pct(), tt.minRatio)
		}
	}
}

func TestMedicationsFollowIndications(t *testing.T) {
	s := populationSummary()
	tests := []struct {
		name   string
		got    ratio
		lo, hi float64 // percent
	}{
		{"statin with diabetes or CVD", s.statinIndicated, 55, 85},
		{"statin without diabetes or CVD", s.statinNotIndicated, 1, 12},
		{"anticoagulant with AF", s.anticoagulantWithAF, 55, 85},
		{"anticoagulant without AF", s.anticoagulantWithoutAF, 0, 1},
		{"metformin without type 2 diabetes", s.metforminWithoutType2, 0, 0},
		{"insulin with type 1 diabetes", s.insulinWithType1, 100, 100},
	}
	for _, tt := range tests {
		t.Logf("%-34s %6.2f%%", tt.name, tt.got.pct())
		if got := tt.got.pct(); got < tt.lo || got > tt.hi {
			t.Errorf("%s: %.2f%%, want %.0f..%.0f%%", tt.name, got, tt.lo, tt.hi)
		}
	}
}

func TestEmergencyAdmissionRateRises(t *testing.T) {
	s := populationSummary()
	perYear := func(r ratio) float64 { return r.num / r.den }
	tests := []struct {
		name        string
		lower, more ratio
		minRatio    float64
	}{
		{"age 18-39 → 60-79", s.emergencyByBand[band18to39], s.emergencyByBand[band60to79], 1.8},
		{"age 60-79 → 80+", s.emergencyByBand[band60to79], s.emergencyByBand[band80plus], 1.8},
		{"quintile 5 → quintile 1", s.emergencyByQuintile[5], s.emergencyByQuintile[1], 1.4},
		{"no condition → 2+ conditions", s.emergencyByConditions[0], s.emergencyByConditions[2], 2.5},
	}
	for _, tt := range tests {
		if perYear(tt.more) < tt.minRatio*perYear(tt.lower) {
			t.Errorf("%s: %.3f → %.3f admissions per person-year; want at least ×%.1f",
				tt.name, perYear(tt.lower), perYear(tt.more), tt.minRatio)
		}
	}
	t.Logf("emergency admissions per person-year: overall %.3f; by age band %.3f %.3f %.3f %.3f %.3f; Q1 %.3f Q5 %.3f; 0/1/2+ conditions %.3f %.3f %.3f; same-day %.1f%%",
		perYear(s.emergencyOverall), perYear(s.emergencyByBand[0]), perYear(s.emergencyByBand[1]), perYear(s.emergencyByBand[2]),
		perYear(s.emergencyByBand[3]), perYear(s.emergencyByBand[4]), perYear(s.emergencyByQuintile[1]), perYear(s.emergencyByQuintile[5]),
		perYear(s.emergencyByConditions[0]), perYear(s.emergencyByConditions[1]), perYear(s.emergencyByConditions[2]), s.sameDayEmergency.pct())
	if rate := perYear(s.emergencyOverall); rate < 0.07 || rate > 0.14 {
		t.Errorf("overall emergency admission rate %.3f per person-year, want 0.07..0.14", rate)
	}
	if sameDay := s.sameDayEmergency.pct(); sameDay < 15 || sameDay > 35 {
		t.Errorf("%.1f%% of emergency admissions are same-day, want 15..35%%", sameDay)
	}
}

func TestHbA1cOfDiabeticsCentresNear55WithMissingness(t *testing.T) {
	s := populationSummary()
	mean := s.hba1cSum / s.hba1cN
	sd := math.Sqrt(s.hba1cSumSq/s.hba1cN - mean*mean)
	t.Logf("diabetic HbA1c mean %.1f sd %.1f; %.1f%% of diabetics without HbA1c", mean, sd, s.diabeticsWithoutHbA1c.pct())
	if mean < 50 || mean > 60 || sd < 10 || sd > 20 {
		t.Errorf("diabetic HbA1c mean %.1f sd %.1f mmol/mol, want mean 50..60 and sd 10..20", mean, sd)
	}
	if missing := s.diabeticsWithoutHbA1c.pct(); missing < 5 || missing > 30 {
		t.Errorf("%.1f%% of diabetics have no HbA1c in the window, want 5..30%%", missing)
	}
	if s.nonDiabeticHbA1c >= 48 {
		t.Errorf("a non-diabetic has HbA1c %.0f mmol/mol, want < 48 (diabetic range)", s.nonDiabeticHbA1c)
	}
}

func TestSystolicBPIsHigherInHypertensives(t *testing.T) {
	s := populationSummary()
	htn := s.sbpHypertensive.num / s.sbpHypertensive.den
	normo := s.sbpNormotensive.num / s.sbpNormotensive.den
	t.Logf("mean systolic %.1f with hypertension, %.1f without", htn, normo)
	if htn < normo+8 {
		t.Errorf("mean systolic %.1f mmHg with hypertension vs %.1f without; want at least 8 mmHg higher", htn, normo)
	}
}

func TestSomeAdultsHaveNoObservations(t *testing.T) {
	got := populationSummary().adultsWithoutObservations.pct()
	t.Logf("%.1f%% of adults have no observation in the window", got)
	if got < 20 || got > 80 {
		t.Errorf("%.1f%% of adults have no observation in the window, want 20..80%%", got)
	}
}

func TestPartYearPersonTime(t *testing.T) {
	s := populationSummary()
	t.Logf("part-year %.1f%%, died %.2f%%", s.partYear.pct(), s.died.pct())
	if got := s.partYear.pct(); got < 4 || got > 12 {
		t.Errorf("%.1f%% of patients are at risk for part of the year, want 4..12%%", got)
	}
	if got := s.died.pct(); got < 0.6 || got > 1.6 {
		t.Errorf("%.2f%% of patients died in the reference year, want 0.6..1.6%%", got)
	}
}
