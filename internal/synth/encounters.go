package synth

// Encounter classes.
const (
	EncEmergency   = "emergency"    // emergency (unplanned) hospital admission
	EncInpatient   = "inpatient"    // elective admission with at least one night's stay
	EncOutpatient  = "outpatient"   // hospital outpatient attendance
	EncPrimaryCare = "primary-care" // GP practice consultation
)

// Yearly admission rates at ages 0, 10, …, 100 for quintile 3 without
// conditions.
var (
	emergencyKnots = ageKnots{0.08, 0.03, 0.04, 0.04, 0.045, 0.055, 0.075, 0.11, 0.2, 0.35, 0.45}
	electiveKnots  = ageKnots{0.02, 0.015, 0.02, 0.03, 0.035, 0.05, 0.07, 0.09, 0.10, 0.08, 0.06}
	emergencyByAge = emergencyKnots.rateByAge()
	electiveByAge  = electiveKnots.rateByAge()
)

// emergencyByQuintile multiplies the emergency admission rate.
var emergencyByQuintile = byQuintile{0, 1.35, 1.15, 1, 0.9, 0.8}

// emergencyRate is the yearly emergency admission rate: by age, ×
// deprivation, × (1 + 0.3 per condition), × 1.6 with heart failure, × 1.5
// with COPD.
func (d *draft) emergencyRate() float64 {
	rate := emergencyByAge[d.age] * emergencyByQuintile[d.quintile] * (1 + 0.3*float64(d.conditionCount()))
	if d.has(heartFailure) {
		rate *= 1.6
	}
	if d.has(copd) {
		rate *= 1.5
	}
	return rate
}

// encounterClass enumerates encounter classes in generation order.
type encounterClass uint8

const (
	emergency encounterClass = iota
	inpatient
	outpatient
	primaryCare
	nEncounterClasses
)

var encounterClassNames = [nEncounterClasses]string{EncEmergency, EncInpatient, EncOutpatient, EncPrimaryCare}

// yearlyRate is the patient's yearly rate of encounters of class k.
// Outpatient: 0.6 + 0.02/year of age + 0.5 per condition; primary care:
// 1.5 + 0.05/year of age + 0.8 per condition; elective inpatient: by age
// × (1 + 0.2 per condition).
func (d *draft) yearlyRate(k encounterClass) float64 {
	n, age := float64(d.conditionCount()), float64(d.age)
	switch k {
	case emergency:
		return d.emergencyRate()
	case inpatient:
		return electiveByAge[d.age] * (1 + 0.2*n)
	case outpatient:
		return 0.6 + 0.02*age + 0.5*n
	}
	return 1.5 + 0.05*age + 0.8*n
}

// lengthOfStay draws the stay in days: emergency admissions are same-day
// (0) 25% of the time, else 1 + geometric with mean 1 + 0.08/year over 40;
// elective inpatient stays are 1 + geometric with mean 1.5 (max 30).
func (d *draft) lengthOfStay(r *rng, k encounterClass) int {
	switch k {
	case emergency:
		if r.chance(0.25) {
			return 0
		}
		return min(1+r.geometric(1+0.08*float64(max(d.age-40, 0))), 90)
	case inpatient:
		return min(1+r.geometric(1.5), 30)
	}
	return 0
}

// appendEncounters appends the patient's encounters in date order. The
// classes are independent Poisson processes over the event window,
// generated as their superposition (see appendObservations).
func (m *model) appendEncounters(dst []Encounter, r *rng, d *draft) []Encounter {
	var rates [nEncounterClasses]float64
	total := 0.0
	for k := range nEncounterClasses {
		rates[k] = d.yearlyRate(k)
		total += rates[k]
	}
	clock := d.arrivals(total)
	for day, ok := clock.next(r); ok; day, ok = clock.next(r) {
		k := encounterClass(pickIndex(r, rates[:], total))
		dst = append(dst, Encounter{Class: encounterClassNames[k], Start: m.date(day), LengthOfStay: d.lengthOfStay(r, k)})
	}
	return dst
}
