package synth

import (
	"math"
	"time"
)

// Observation codes.
const (
	ObsHbA1c       = "hba1c"       // glycated haemoglobin, mmol/mol (IFCC)
	ObsSystolicBP  = "sbp"         // systolic blood pressure, mmHg
	ObsDiastolicBP = "dbp"         // diastolic blood pressure, mmHg (same date as an sbp)
	ObsCholesterol = "cholesterol" // total serum cholesterol, mmol/L
	ObsEGFR        = "egfr"        // estimated glomerular filtration rate, mL/min/1.73m2
)

// Observation units.
const (
	UnitHbA1c       = "mmol/mol"
	UnitBP          = "mmHg"
	UnitCholesterol = "mmol/L"
	UnitEGFR        = "mL/min/1.73m2"
)

// cardiometabolicMask marks conditions that bring regular monitoring.
const cardiometabolicMask = 1<<diabetes | 1<<hypertension | 1<<chd | 1<<atrialFibrillation |
	1<<heartFailure | 1<<strokeTIA | 1<<ckd

// obsKind enumerates the measurement processes; a blood-pressure event
// yields a systolic and a diastolic observation.
type obsKind uint8

const (
	kindHbA1c obsKind = iota
	kindBP
	kindCholesterol
	kindEGFR
	nObsKinds
)

// measurement is a patient's personal distribution for one kind: readings
// are mean + sd·N(0,1), clamped to [lo, hi] and rounded.
type measurement struct {
	mean, sd, lo, hi float64
	ready            bool
}

// appendObservations appends HbA1c, blood pressure, cholesterol and eGFR
// readings within the event window, in date order: the kinds are
// independent Poisson processes, generated as their superposition (gaps
// between events are exponential, each event labelled with kind k with
// probability rate_k / Σ rates), so no sorting is needed.
func (m *model) appendObservations(dst []Observation, r *rng, d *draft) []Observation {
	rates := [nObsKinds]float64{
		kindHbA1c:       d.hba1cRate(r),
		kindBP:          d.bloodPressureRate(),
		kindCholesterol: d.cholesterolRate(),
		kindEGFR:        d.egfrRate(),
	}
	total := rates[0] + rates[1] + rates[2] + rates[3]
	var personal [nObsKinds]measurement
	clock := d.arrivals(total)
	for day, ok := clock.next(r); ok; day, ok = clock.next(r) {
		k := obsKind(pickIndex(r, rates[:], total))
		p := &personal[k]
		if !p.ready {
			*p = d.personalMeasurement(r, k)
		}
		dst = m.appendReading(dst, r, d, k, p, m.date(day))
	}
	return dst
}

// appendReading appends one reading of kind k (two for blood pressure).
func (m *model) appendReading(dst []Observation, r *rng, d *draft, k obsKind, p *measurement, date time.Time) []Observation {
	v := min(max(p.mean+p.sd*r.normal(), p.lo), p.hi)
	switch k {
	case kindHbA1c:
		return append(dst, Observation{Code: ObsHbA1c, Value: math.Round(v), Unit: UnitHbA1c, Date: date})
	case kindCholesterol:
		return append(dst, Observation{Code: ObsCholesterol, Value: math.Round(v*10) / 10, Unit: UnitCholesterol, Date: date})
	case kindEGFR:
		return append(dst, Observation{Code: ObsEGFR, Value: math.Round(v), Unit: UnitEGFR, Date: date})
	}
	sbp := math.Round(v)
	dbp := 0.4*sbp + 25 - 0.15*float64(max(d.age-50, 0)) + 6*r.normal()
	dbp = math.Round(min(max(dbp, 40), 140, sbp-10))
	return append(dst,
		Observation{Code: ObsSystolicBP, Value: sbp, Unit: UnitBP, Date: date},
		Observation{Code: ObsDiastolicBP, Value: dbp, Unit: UnitBP, Date: date})
}

// personalMeasurement draws the patient's personal distribution of kind k.
func (d *draft) personalMeasurement(r *rng, k obsKind) measurement {
	switch k {
	case kindHbA1c:
		return d.personalHbA1c(r)
	case kindBP:
		return measurement{mean: d.systolicMean() + 11*r.normal(), sd: 8, lo: 70, hi: 250, ready: true}
	case kindCholesterol:
		return d.personalCholesterol(r)
	}
	return d.personalEGFR(r)
}

// hba1cRate: 92% of diabetics are monitored, 2.2 tests a year; adults
// without diabetes 0.04 + 0.004 per year of age over 18, +0.3 with
// cardiometabolic disease.
func (d *draft) hba1cRate(r *rng) float64 {
	switch {
	case d.has(diabetes) && r.chance(0.92):
		return 2.2
	case d.has(diabetes) || d.age < 18:
		return 0
	case d.hasAny(cardiometabolicMask):
		return 0.34 + 0.004*float64(d.age-18)
	}
	return 0.04 + 0.004*float64(d.age-18)
}

// personalHbA1c: diabetics have a log-normal personal mean with median 53
// (type 2) or 64 (type 1) mmol/mol, +1.5 per quintile step towards
// deprivation, within-patient sd 5, range 30..160; others 36 + 0.06 per
// year over 40 (sd 3), within-patient sd 2, range 25..47.
func (d *draft) personalHbA1c(r *rng) measurement {
	if !d.has(diabetes) {
		return measurement{mean: 36 + 0.06*float64(d.age-40) + 3*r.normal(), sd: 2, lo: 25, hi: 47, ready: true}
	}
	median := 53.0
	if d.code[diabetes] == CodeDiabetesType1 {
		median = 64
	}
	mean := median*math.Exp(0.24*r.normal()) + 1.5*float64(3-d.quintile)
	return measurement{mean: mean, sd: 5, lo: 30, hi: 160, ready: true}
}

// bloodPressureRate: adults with cardiometabolic disease 2 readings a
// year, other adults 0.25 + 0.01 per year of age over 18 (max 0.9).
func (d *draft) bloodPressureRate() float64 {
	switch {
	case d.age < 18:
		return 0
	case d.hasAny(cardiometabolicMask):
		return 2
	}
	return min(0.25+0.01*float64(d.age-18), 0.9)
}

// systolicMean is the expected personal systolic mean: 136 (+0.1 per year
// over 60, +8 untreated) with hypertension, else 114 + 0.3 per year over
// 20 (+4 for men). Personal means vary with sd 11, readings with sd 8.
func (d *draft) systolicMean() float64 {
	if d.has(hypertension) {
		mean := 136 + 0.1*float64(d.age-60)
		if !d.onMed(antihypertensive) {
			mean += 8
		}
		return mean
	}
	mean := 114 + 0.3*float64(d.age-20)
	if d.male {
		mean += 4
	}
	return mean
}

// cholesterolRate: adults 25+ with cardiometabolic disease or on a statin
// 0.9 tests a year, others 0.05 + 0.004 per year over 25.
func (d *draft) cholesterolRate() float64 {
	switch {
	case d.age < 25:
		return 0
	case d.hasAny(cardiometabolicMask) || d.onMed(statin):
		return 0.9
	}
	return 0.05 + 0.004*float64(d.age-25)
}

// personalCholesterol: mean 4.1 (sd 0.8) on a statin, else 5.0 + 0.015 per
// year of age between 30 and 60 (sd 1.0); within-patient sd 0.3; range
// 2..12 mmol/L.
func (d *draft) personalCholesterol(r *rng) measurement {
	mean := 5.0 + 0.015*float64(min(max(d.age, 30), 60)-30) + r.normal()
	if d.onMed(statin) {
		mean = 4.1 + 0.8*r.normal()
	}
	return measurement{mean: mean, sd: 0.3, lo: 2, hi: 12, ready: true}
}

// egfrRate: CKD 1.5 tests a year; diabetes, hypertension or heart failure
// 0.9; other adults 0.15 (40+) or 0.03; children none.
func (d *draft) egfrRate() float64 {
	switch {
	case d.age < 18:
		return 0
	case d.has(ckd):
		return 1.5
	case d.hasAny(1<<diabetes | 1<<hypertension | 1<<heartFailure):
		return 0.9
	case d.age >= 40:
		return 0.15
	}
	return 0.03
}

// personalEGFR keeps readings within the CKD stage's range (3: 30–59,
// 4: 15–29, 5: 4–14); without CKD the mean is 105 − 0.6 per year over 30
// (sd 10) within 60..140. Within-patient sd 3.
func (d *draft) personalEGFR(r *rng) measurement {
	mean, sd, lo, hi := 105-0.6*float64(max(d.age-30, 0)), 10.0, 60.0, 140.0
	switch d.code[ckd] {
	case CodeCKDStage3:
		mean, sd, lo, hi = 46, 8, 30, 59
	case CodeCKDStage4:
		mean, sd, lo, hi = 23, 4, 15, 29
	case CodeCKDStage5:
		mean, sd, lo, hi = 10, 3, 4, 14
	}
	return measurement{mean: mean + sd*r.normal(), sd: 3, lo: lo, hi: hi, ready: true}
}
