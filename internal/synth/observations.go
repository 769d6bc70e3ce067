package synth

import "math"

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

// appendObservations appends HbA1c, blood pressure, cholesterol and eGFR
// readings within the event window, ordered by date.
func (m *model) appendObservations(dst []Observation, r *rng, d *draft) []Observation {
	start := len(dst)
	dst = m.appendHbA1c(dst, r, d)
	dst = m.appendBloodPressure(dst, r, d)
	dst = m.appendCholesterol(dst, r, d)
	dst = m.appendEGFR(dst, r, d)
	sortByDate(dst[start:], func(o *Observation) int64 { return o.Date.Unix() })
	return dst
}

// clampRound rounds v to the given number of decimals within [lo, hi].
func clampRound(v, lo, hi float64, decimals int) float64 {
	v = min(max(v, lo), hi)
	if decimals == 0 {
		return math.Round(v)
	}
	return math.Round(v*10) / 10
}

// appendHbA1c: 92% of diabetics are monitored, about 2.2 tests a year,
// around a personal mean that is log-normal with median 53 (type 2) or 64
// (type 1) mmol/mol, +1.5 per quintile step towards deprivation; adults
// without diabetes are tested occasionally (more with cardiometabolic
// disease) with non-diabetic values 25..47.
func (m *model) appendHbA1c(dst []Observation, r *rng, d *draft) []Observation {
	var lambda float64
	switch {
	case d.has(diabetes):
		if !r.chance(0.92) {
			return dst
		}
		lambda = 2.2
	case d.age >= 18:
		lambda = 0.04 + 0.004*float64(d.age-18)
		if d.hasAny(cardiometabolicMask) {
			lambda += 0.3
		}
	default:
		return dst
	}
	n := r.poisson(lambda * d.windowYears())
	if n == 0 {
		return dst
	}
	mean, sd, lo, hi := 36+0.06*float64(d.age-40)+3*r.normal(), 2.0, 25.0, 47.0
	if d.has(diabetes) {
		median := 53.0
		if d.code[diabetes] == CodeDiabetesType1 {
			median = 64
		}
		mean = median*math.Exp(0.24*r.normal()) + 1.5*float64(3-d.quintile)
		sd, lo, hi = 5, 30, 160
	}
	for range n {
		v := clampRound(mean+sd*r.normal(), lo, hi, 0)
		dst = append(dst, Observation{Code: ObsHbA1c, Value: v, Unit: UnitHbA1c, Date: m.date(d.eventDay(r))})
	}
	return dst
}

// appendBloodPressure: adults with cardiometabolic disease have about 2
// readings a year, other adults 0.25 rising by 0.01 a year of age (max
// 0.9). Personal systolic mean: 136 (+0.1/year over 60, +8 if untreated)
// with hypertension, else 114 + 0.3/year over 20 (+4 for men); sd 11
// between and 8 within patients. Diastolic follows systolic.
func (m *model) appendBloodPressure(dst []Observation, r *rng, d *draft) []Observation {
	if d.age < 18 {
		return dst
	}
	lambda := min(0.25+0.01*float64(d.age-18), 0.9)
	if d.hasAny(cardiometabolicMask) {
		lambda = 2
	}
	n := r.poisson(lambda * d.windowYears())
	if n == 0 {
		return dst
	}
	mean := d.systolicMean() + 11*r.normal()
	for range n {
		date := m.date(d.eventDay(r))
		sbp := clampRound(mean+8*r.normal(), 70, 250, 0)
		dbp := 0.4*sbp + 25 - 0.15*float64(max(d.age-50, 0)) + 6*r.normal()
		dbp = clampRound(dbp, 40, min(140, sbp-10), 0)
		dst = append(dst,
			Observation{Code: ObsSystolicBP, Value: sbp, Unit: UnitBP, Date: date},
			Observation{Code: ObsDiastolicBP, Value: dbp, Unit: UnitBP, Date: date})
	}
	return dst
}

// systolicMean is the population-level systolic mean for the patient.
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

// appendCholesterol: adults 25+ with cardiometabolic disease or on a
// statin are tested 0.9 times a year, others 0.05 + 0.004/year over 25.
// Personal mean 4.1 (sd 0.8) on a statin, else 5.0 + 0.015/year between
// 30 and 60 (sd 1.0); within-patient sd 0.3; one decimal.
func (m *model) appendCholesterol(dst []Observation, r *rng, d *draft) []Observation {
	if d.age < 25 {
		return dst
	}
	lambda := 0.05 + 0.004*float64(d.age-25)
	if d.hasAny(cardiometabolicMask) || d.onMed(statin) {
		lambda = 0.9
	}
	n := r.poisson(lambda * d.windowYears())
	if n == 0 {
		return dst
	}
	mean := 5.0 + 0.015*float64(min(max(d.age, 30), 60)-30) + r.normal()
	if d.onMed(statin) {
		mean = 4.1 + 0.8*r.normal()
	}
	for range n {
		v := clampRound(mean+0.3*r.normal(), 2, 12, 1)
		dst = append(dst, Observation{Code: ObsCholesterol, Value: v, Unit: UnitCholesterol, Date: m.date(d.eventDay(r))})
	}
	return dst
}

// appendEGFR: CKD patients are tested 1.5 times a year, diabetics,
// hypertensives and heart failure 0.9, other adults 0.15 (40+) or 0.03.
// Values stay within the CKD stage's range; without CKD, 105 - 0.6/year
// over 30 (sd 10) within 60..140.
func (m *model) appendEGFR(dst []Observation, r *rng, d *draft) []Observation {
	if d.age < 18 {
		return dst
	}
	n := r.poisson(d.egfrRate() * d.windowYears())
	if n == 0 {
		return dst
	}
	mean, sd, lo, hi := 105-0.6*float64(max(d.age-30, 0)), 10.0, 60.0, 140.0
	switch d.code[ckd] {
	case CodeCKDStage3:
		mean, sd, lo, hi = 46, 8, 30, 59
	case CodeCKDStage4:
		mean, sd, lo, hi = 23, 4, 15, 29
	case CodeCKDStage5:
		mean, sd, lo, hi = 10, 3, 4, 14
	}
	mean += sd * r.normal()
	for range n {
		v := clampRound(mean+3*r.normal(), lo, hi, 0)
		dst = append(dst, Observation{Code: ObsEGFR, Value: v, Unit: UnitEGFR, Date: m.date(d.eventDay(r))})
	}
	return dst
}

// egfrRate is the patient's yearly rate of eGFR tests.
func (d *draft) egfrRate() float64 {
	switch {
	case d.has(ckd):
		return 1.5
	case d.hasAny(1<<diabetes | 1<<hypertension | 1<<heartFailure):
		return 0.9
	case d.age >= 40:
		return 0.15
	}
	return 0.03
}
