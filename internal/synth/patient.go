package synth

import (
	"math"
	"math/bits"
)

// draft is the working state of one patient while it is generated. Dates
// are day offsets before RefDate (1 = the day before RefDate), so larger
// offsets are earlier.
type draft struct {
	age      int
	male     bool
	quintile int
	birthOff int32
	regOff   int32
	deathOff int32 // 0 = alive at RefDate
	conds    uint32
	onset    [nConditions]int32
	code     [nConditions]string
	meds     uint32
	medStart [nMedications]int32
	// Event window: observations and encounters fall on offsets
	// winNear..winFar (registered, alive and within WindowDays).
	winNear, winFar int32
}

// has reports whether the draft has condition c.
func (d *draft) has(c condition) bool { return d.conds&(1<<c) != 0 }

// hasAny reports whether the draft has any condition in mask.
func (d *draft) hasAny(mask uint32) bool { return d.conds&mask != 0 }

// onMed reports whether the draft is prescribed medication k.
func (d *draft) onMed(k medication) bool { return d.meds&(1<<k) != 0 }

// conditionCount is the number of distinct conditions.
func (d *draft) conditionCount() int {
	return bits.OnesCount32(d.conds)
}

// maxEventsPerProcess bounds the events one arrival process can yield.
const maxEventsPerProcess = 1000

// arrivals walks a Poisson process through the event window from its
// earliest day to its latest, so events come out in date order.
type arrivals struct {
	elapsed, length float64 // days walked and window length
	meanGap         float64 // mean days between events; 0 = no events
	far             int32   // offset of the window's earliest day
	left            int
}

// arrivals starts a Poisson process with the given yearly rate.
func (d *draft) arrivals(perYear float64) arrivals {
	a := arrivals{length: float64(d.winFar - d.winNear + 1), far: d.winFar, left: maxEventsPerProcess}
	if perYear > 0 {
		a.meanGap = ReferenceDays / perYear
	}
	return a
}

// next returns the day offset of the next event, or false at the end of
// the window.
func (a *arrivals) next(r *rng) (int32, bool) {
	if a.meanGap == 0 || a.left == 0 {
		return 0, false
	}
	a.elapsed += r.exponential(a.meanGap)
	if a.elapsed >= a.length {
		a.left = 0
		return 0, false
	}
	a.left--
	return a.far - int32(a.elapsed), true
}

// pickIndex draws index k with probability rates[k] / total (rounding
// never selects a zero rate).
func pickIndex(r *rng, rates []float64, total float64) int {
	u, last := r.float()*total, 0
	for k, rate := range rates {
		if rate <= 0 {
			continue
		}
		if u < rate {
			return k
		}
		u -= rate
		last = k
	}
	return last
}

// fill generates patient i into p, reusing p's slices. Every random draw
// comes from the patient's own generator, in a fixed order, so the result
// depends only on (Seed, RefDate, Practices, i).
func (m *model) fill(p *Patient, i int, id string) {
	r := newPatientRNG(m.seed, i)
	practice := m.drawPractice(&r)
	d := m.drawDraft(&r, areaOf(practice))
	conditions := m.appendConditions(reuse(p.Conditions, 8), &d)
	medications := m.appendMedications(reuse(p.Medications, 8), &d)
	observations := m.appendObservations(reuse(p.Observations, 16), &r, &d)
	encounters := m.appendEncounters(reuse(p.Encounters, 32), &r, &d)
	*p = Patient{
		ID:               id,
		Age:              d.age,
		BirthDate:        m.date(d.birthOff),
		Sex:              sexName(d.male),
		Deprivation:      d.quintile,
		Practice:         m.practice(practice),
		Area:             m.area(areaOf(practice)),
		DaysAtRisk:       float64(min(d.regOff, ReferenceDays) - d.deathOff),
		Conditions:       conditions,
		Observations:     observations,
		Medications:      medications,
		Encounters:       encounters,
		RegistrationDate: m.date(d.regOff),
	}
	if d.deathOff > 0 {
		p.DeathDate = m.date(d.deathOff)
	}
}

// drawDraft draws everything about a patient except the dated events:
// demography, conditions, registration, death and medications.
func (m *model) drawDraft(r *rng, area int) draft {
	var d draft
	d.quintile = m.drawQuintile(r, area)
	m.drawAgeSexBirth(r, &d)
	drawConditions(r, &d)
	drawRegistration(r, &d)
	drawDeath(r, &d)
	d.settle()
	drawMedications(r, &d)
	return d
}

// reuse returns s emptied, or a new empty slice with capacity minCap when
// s is smaller. The minimum capacities cover nearly every patient, so a
// reused slot rarely grows in steady-state streaming.
func reuse[T any](s []T, minCap int) []T {
	if cap(s) < minCap {
		return make([]T, 0, minCap)
	}
	return s[:0]
}

// sexName returns SexMale or SexFemale.
func sexName(male bool) string {
	if male {
		return SexMale
	}
	return SexFemale
}

// Streams for per-practice and per-area hashes.
const (
	practiceStream = 0x9ac71ce
	areaStream     = 0xa4ea
)

// drawPractice picks a practice; list sizes vary because a uniformly drawn
// practice is accepted with a per-practice weight in [0.35, 1).
func (m *model) drawPractice(r *rng) int {
	for range 64 {
		j := r.intn(m.practices)
		if r.float() < 0.35+0.65*hashUnit(m.seed, practiceStream, uint64(j)) {
			return j
		}
	}
	return r.intn(m.practices)
}

// areaQuintile is the deprivation quintile of area a: consecutive areas
// cycle through 1..5 from a seed-dependent start, so quintiles are
// balanced across areas.
func (m *model) areaQuintile(a int) int {
	return 1 + (a+int(mix64(m.seed^areaStream)%5))%5
}

// drawQuintile returns the area's quintile with probability 1/2, otherwise
// a uniform quintile: individual deprivation clusters by area and practice.
func (m *model) drawQuintile(r *rng, area int) int {
	if r.chance(0.5) {
		return m.areaQuintile(area)
	}
	return 1 + r.intn(5)
}

// ageBandWeights is the share (%) of registered patients in the 5-year
// bands 0-4 .. 95-99 and the band 100-105 (England, ONS mid-year, rounded).
var ageBandWeights = [21]float64{
	5.4, 5.9, 6.0, 5.8, 6.0, 6.5, 6.9, 6.7, 6.4, 6.4,
	6.9, 6.9, 6.0, 5.2, 5.1, 3.9, 2.6, 1.6, 0.7, 0.2, 0.03,
}

// ageThresholds[a] is the cumulative probability of ages 0..a scaled to
// 2^64, for inversion with one 64-bit draw.
var ageThresholds = buildAgeThresholds()

func buildAgeThresholds() [MaxAge + 1]uint64 {
	var perAge [MaxAge + 1]float64
	total := 0.0
	for a := range perAge {
		band := min(a/5, len(ageBandWeights)-1)
		width := 5.0
		if band == len(ageBandWeights)-1 {
			width = float64(MaxAge + 1 - 5*band)
		}
		perAge[a] = ageBandWeights[band] / width
		total += perAge[a]
	}
	var th [MaxAge + 1]uint64
	cum := 0.0
	for a, w := range perAge {
		cum += w
		th[a] = uint64(math.Min(cum/total, 0.999999) * 0x1p64)
	}
	th[MaxAge] = math.MaxUint64
	return th
}

// drawAge inverts the age distribution by binary search.
func drawAge(r *rng) int {
	x := r.uint64()
	lo, hi := 0, MaxAge
	for lo < hi {
		mid := (lo + hi) / 2
		if x < ageThresholds[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// femaleShare is the probability that a patient of the given age is
// female: 0.49 up to 50, rising to 0.70 by 100.
func femaleShare(age int) float64 {
	return 0.49 + 0.0042*float64(min(max(age-50, 0), 50))
}

// drawAgeSexBirth draws age, sex and a birth date consistent with the age.
func (m *model) drawAgeSexBirth(r *rng, d *draft) {
	d.age = drawAge(r)
	d.male = !r.chance(femaleShare(d.age))
	first := max(m.yearAgo[d.age], 1)
	d.birthOff = r.between(first, m.yearAgo[d.age+1]-1)
}

// newRegistrationRate is the share of patients (other than newborns) who
// registered during the reference year: 10% at 18-34, 4% otherwise.
func newRegistrationRate(age int) float64 {
	if age >= 18 && age < 35 {
		return 0.10
	}
	return 0.04
}

// drawRegistration sets the registration date: at birth for babies born in
// the reference year, within the reference year for new registrants,
// otherwise uniformly between birth and the start of the reference year.
func drawRegistration(r *rng, d *draft) {
	switch {
	case d.birthOff < ReferenceDays:
		d.regOff = d.birthOff
	case r.chance(newRegistrationRate(d.age)):
		d.regOff = r.between(1, ReferenceDays-1)
	default:
		d.regOff = r.between(ReferenceDays, d.birthOff)
	}
}

// mortalityKnots is the annual death rate at ages 0, 10, …, 100 before
// comorbidity and deprivation (England life tables, rounded).
var mortalityKnots = ageKnots{0.0008, 0.0002, 0.0005, 0.0008, 0.0015, 0.003, 0.006, 0.013, 0.035, 0.11, 0.28}

var mortalityByAge = mortalityKnots.rateByAge()

// mortalityByQuintile multiplies the death rate by deprivation quintile.
var mortalityByQuintile = byQuintile{0, 1.3, 1.15, 1, 0.9, 0.8}

// mortalityMultipliers are hazard ratios for conditions.
var mortalityMultipliers = [...]struct {
	cond  condition
	ratio float64
}{
	{heartFailure, 2}, {dementia, 2}, {cancer, 1.6}, {copd, 1.5},
	{ckd, 1.3}, {strokeTIA, 1.3}, {diabetes, 1.2},
}

// annualMortality is the patient's annual death rate, at most 0.8.
func (d *draft) annualMortality() float64 {
	h := mortalityByAge[d.age] * mortalityByQuintile[d.quintile]
	for _, mm := range mortalityMultipliers {
		if d.has(mm.cond) {
			h *= mm.ratio
		}
	}
	return min(h, 0.8)
}

// drawDeath decides whether the patient died during their registered part
// of the reference year, and when.
func drawDeath(r *rng, d *draft) {
	exposure := min(d.regOff, ReferenceDays)
	if exposure < 2 {
		return
	}
	if r.chance(d.annualMortality() * float64(exposure) / ReferenceDays) {
		d.deathOff = r.between(1, exposure-1)
	}
}

// settle moves condition onsets that fall after death back to the death
// date and fixes the event window.
func (d *draft) settle() {
	for c := range nConditions {
		d.onset[c] = max(d.onset[c], d.deathOff)
	}
	d.winNear = max(1, d.deathOff)
	d.winFar = min(WindowDays, d.regOff)
}
