package synth

// Medication codes (drug classes). The comment gives the ATC group each
// code stands for.
const (
	MedStatin           = "statin"           // C10AA HMG-CoA reductase inhibitors
	MedAntihypertensive = "antihypertensive" // C02, C03, C07, C08, C09
	MedAnticoagulant    = "anticoagulant"    // B01AA vitamin K antagonists, B01AE/B01AF DOACs
	MedAntiplatelet     = "antiplatelet"     // B01AC
	MedMetformin        = "metformin"        // A10BA02
	MedInsulin          = "insulin"          // A10A
	MedInhaler          = "inhaler"          // R03 drugs for obstructive airway disease
	MedAntidepressant   = "antidepressant"   // N06A
)

// medication enumerates modelled drug classes in generation order.
type medication uint8

const (
	statin medication = iota
	antihypertensive
	anticoagulant
	antiplatelet
	metformin
	insulin
	inhaler
	antidepressant
	nMedications
)

var medicationCodes = [nMedications]string{
	MedStatin, MedAntihypertensive, MedAnticoagulant, MedAntiplatelet,
	MedMetformin, MedInsulin, MedInhaler, MedAntidepressant,
}

// cvdMask is coronary heart disease or stroke/TIA.
const cvdMask = 1<<chd | 1<<strokeTIA

// prescription is the probability of a medication and the onset offset of
// the condition that indicates it (0: no indication, primary prevention).
type prescription struct {
	p     float64
	since int32
}

// prescribe returns the prescribing rule of medication k for the draft.
func (d *draft) prescribe(k medication) prescription {
	switch k {
	case statin:
		return d.statinRule()
	case antihypertensive:
		return d.antihypertensiveRule()
	case anticoagulant:
		return d.anticoagulantRule()
	case antiplatelet:
		return d.antiplateletRule()
	case metformin, insulin:
		return d.diabetesDrugRule(k)
	case inhaler:
		return d.firstIndication(0.85, copd, asthma)
	case antidepressant:
		if d.has(depression) {
			return prescription{0.55, d.onset[depression]}
		}
		return d.adultBackground(0.04)
	}
	return prescription{}
}

// statinRule: 80% with CHD/stroke, 70% of diabetics aged 40+, 55% with
// CKD, otherwise primary prevention rising from 3% at 40 to 25%.
func (d *draft) statinRule() prescription {
	switch {
	case d.hasAny(cvdMask):
		return d.firstIndication(0.80, chd, strokeTIA)
	case d.has(diabetes) && d.age >= 40:
		return prescription{0.70, d.onset[diabetes]}
	case d.has(diabetes):
		return prescription{0.25, d.onset[diabetes]}
	case d.has(ckd):
		return prescription{0.55, d.onset[ckd]}
	case d.age >= 40:
		p := min(0.03+0.004*float64(d.age-40), 0.25)
		if d.has(hypertension) {
			p += 0.15
		}
		return prescription{p, 0}
	}
	return prescription{}
}

// antihypertensiveRule: 85% with hypertension, 90% with heart failure, 60%
// with CHD, 50% with CKD, 2% of other adults over 30.
func (d *draft) antihypertensiveRule() prescription {
	switch {
	case d.has(heartFailure):
		return d.firstIndication(0.90, hypertension, heartFailure)
	case d.has(hypertension):
		return prescription{0.85, d.onset[hypertension]}
	case d.has(chd):
		return prescription{0.60, d.onset[chd]}
	case d.has(ckd):
		return prescription{0.50, d.onset[ckd]}
	case d.age >= 30:
		return prescription{0.02, 0}
	}
	return prescription{}
}

// anticoagulantRule: 72% with AF (60% at 90+), 0.5% of other adults.
func (d *draft) anticoagulantRule() prescription {
	switch {
	case d.has(atrialFibrillation) && d.age >= 90:
		return prescription{0.60, d.onset[atrialFibrillation]}
	case d.has(atrialFibrillation):
		return prescription{0.72, d.onset[atrialFibrillation]}
	}
	return d.adultBackground(0.005)
}

// antiplateletRule: 70% with CHD/stroke (15% if anticoagulated), 2% of
// other patients aged 50+.
func (d *draft) antiplateletRule() prescription {
	switch {
	case d.hasAny(cvdMask) && d.onMed(anticoagulant):
		return d.firstIndication(0.15, chd, strokeTIA)
	case d.hasAny(cvdMask):
		return d.firstIndication(0.70, chd, strokeTIA)
	case d.age >= 50:
		return prescription{0.02, 0}
	}
	return prescription{}
}

// diabetesDrugRule: metformin for 75% of type 2; insulin for every type 1
// and 15% of type 2.
func (d *draft) diabetesDrugRule(k medication) prescription {
	switch {
	case !d.has(diabetes):
		return prescription{}
	case d.code[diabetes] == CodeDiabetesType1 && k == insulin:
		return prescription{1, d.onset[diabetes]}
	case d.code[diabetes] == CodeDiabetesType1:
		return prescription{}
	case k == metformin:
		return prescription{0.75, d.onset[diabetes]}
	}
	return prescription{0.15, d.onset[diabetes]}
}

// firstIndication returns probability p from the earliest onset among the
// given conditions the patient has (probability 0 if none).
func (d *draft) firstIndication(p float64, conds ...condition) prescription {
	rule := prescription{}
	for _, c := range conds {
		if d.has(c) && d.onset[c] > rule.since {
			rule = prescription{p, d.onset[c]}
		}
	}
	return rule
}

// adultBackground is a small unindicated prescribing rate for adults.
func (d *draft) adultBackground(p float64) prescription {
	if d.age < 18 {
		return prescription{}
	}
	return prescription{p, 0}
}

// maxPreventionYears bounds how long ago an unindicated drug was started.
const maxPreventionYears = 8

// drawMedications decides each drug class and its start offset: after the
// indicating diagnosis, or within the last 8 years of adulthood.
func drawMedications(r *rng, d *draft) {
	for k := range nMedications {
		rule := d.prescribe(k)
		if rule.p > 0 && r.chance(rule.p) {
			d.meds |= 1 << k
			d.medStart[k] = d.drawStart(r, rule.since)
		}
	}
}

// drawStart draws a start offset between the indication (or the
// prevention horizon) and the last day alive.
func (d *draft) drawStart(r *rng, since int32) int32 {
	if since == 0 {
		since = min(maxPreventionYears*365, d.birthOff-18*365)
	}
	near := max(1, d.deathOff)
	return r.between(near, max(since, near))
}

// appendMedications appends the patient's medications ordered by start.
func (m *model) appendMedications(dst []Medication, d *draft) []Medication {
	for k := range nMedications {
		if d.onMed(k) {
			dst = append(dst, Medication{Code: medicationCodes[k], Start: m.date(d.medStart[k])})
		}
	}
	sortMedications(dst)
	return dst
}

// sortMedications is a stable insertion sort by start date.
func sortMedications(s []Medication) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].Start.Before(s[j-1].Start); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
