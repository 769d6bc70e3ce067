package synth

// ICD-10 codes of generated conditions. Cancers use the site codes listed
// in cancerSitesFemale/cancerSitesMale (all start with "C").
const (
	CodeAsthma             = "J45"
	CodeDepression         = "F32"
	CodeDiabetesType1      = "E10"
	CodeDiabetesType2      = "E11"
	CodeHypertension       = "I10"
	CodeCHD                = "I25" // chronic ischaemic (coronary) heart disease
	CodeAtrialFibrillation = "I48"
	CodeHeartFailure       = "I50"
	CodeStroke             = "I63"
	CodeTIA                = "G45"
	CodeCKDStage3          = "N18.3"
	CodeCKDStage4          = "N18.4"
	CodeCKDStage5          = "N18.5"
	CodeCOPD               = "J44"
	CodeDementia           = "F03"
)

// condition enumerates modelled conditions in generation order: a
// condition's risk may depend only on conditions before it.
type condition uint8

const (
	asthma condition = iota
	depression
	diabetes
	hypertension
	chd
	atrialFibrillation
	heartFailure
	strokeTIA
	ckd
	copd
	dementia
	cancer
	nConditions
)

// riskFactor multiplies the odds of a condition by ratio when cond is
// present (ratio 0 marks an unused slot).
type riskFactor struct {
	cond  condition
	ratio float64
}

// conditionSpec is the prevalence model of one condition:
//
//	odds = odds(knots at age) × depOR^(3-quintile) × maleOR (men) × Π risk-factor ratios
//
// and the condition is present with probability odds/(1+odds).
type conditionSpec struct {
	knots       ageKnots // prevalence (%) at ages 0,10,…,100 for women in quintile 3 without risk factors
	depOR       float64  // odds ratio per quintile step towards quintile 1 (most deprived)
	maleOR      float64
	raisedBy    [4]riskFactor
	meanYears   float64 // mean years since diagnosis (exponential) …
	minOnsetAge float64 // … truncated so that diagnosis is after this age
}

// conditionSpecs is the prevalence model; see the package documentation.
var conditionSpecs = [nConditions]conditionSpec{
	asthma: {
		knots: ageKnots{1.5, 9, 7.5, 6.5, 6, 6, 6, 6, 5.5, 5, 5},
		depOR: 1.08, maleOR: 0.9, meanYears: 15, minOnsetAge: 1,
	},
	depression: {
		knots: ageKnots{0, 1.35, 12, 15, 15, 15, 13.5, 10.8, 10.8, 10.8, 10.8},
		depOR: 1.15, maleOR: 0.55, meanYears: 6, minOnsetAge: 12,
	},
	diabetes: {
		knots: ageKnots{0.02, 0.2, 0.65, 1.6, 4.1, 8, 12.3, 15.5, 16.6, 13.9, 11.8},
		depOR: 1.12, maleOR: 1.3, meanYears: 9, minOnsetAge: 25,
	},
	hypertension: {
		knots: ageKnots{0, 0.1, 0.6, 2, 6, 13, 23, 34, 43, 47, 47},
		depOR: 1.07, maleOR: 1.15, meanYears: 10, minOnsetAge: 20,
		raisedBy: [4]riskFactor{{diabetes, 2.2}},
	},
	chd: {
		knots: ageKnots{0, 0, 0.03, 0.12, 0.42, 1.2, 2.7, 4.8, 7.2, 8.4, 8.4},
		depOR: 1.15, maleOR: 2, meanYears: 9, minOnsetAge: 30,
		raisedBy: [4]riskFactor{{diabetes, 1.8}, {hypertension, 1.6}},
	},
	atrialFibrillation: {
		knots: ageKnots{0, 0, 0.02, 0.07, 0.22, 0.58, 1.6, 4, 7.9, 10.8, 10.8},
		depOR: 1.03, maleOR: 1.5, meanYears: 6, minOnsetAge: 30,
		raisedBy: [4]riskFactor{{hypertension, 1.4}, {chd, 1.4}},
	},
	heartFailure: {
		knots: ageKnots{0, 0, 0.006, 0.03, 0.09, 0.21, 0.48, 1.08, 2.4, 4.2, 4.8},
		depOR: 1.1, maleOR: 1.4, meanYears: 4, minOnsetAge: 30,
		raisedBy: [4]riskFactor{{chd, 3.5}, {atrialFibrillation, 3}, {hypertension, 1.5}, {diabetes, 1.7}},
	},
	strokeTIA: {
		knots: ageKnots{0, 0, 0.035, 0.1, 0.27, 0.68, 1.5, 3.1, 5.4, 6.8, 6.8},
		depOR: 1.1, maleOR: 1.2, meanYears: 6, minOnsetAge: 30,
		raisedBy: [4]riskFactor{{atrialFibrillation, 2.2}, {hypertension, 1.8}, {diabetes, 1.5}, {chd, 1.5}},
	},
	ckd: {
		knots: ageKnots{0, 0, 0.08, 0.23, 0.55, 1.2, 2.7, 6.2, 13.3, 19.5, 21.8},
		depOR: 1.08, maleOR: 0.8, meanYears: 6, minOnsetAge: 30,
		raisedBy: [4]riskFactor{{diabetes, 2.8}, {hypertension, 2.3}, {heartFailure, 2}},
	},
	copd: {
		knots: ageKnots{0, 0, 0, 0.05, 0.4, 1.5, 3.5, 6, 7, 6, 5},
		depOR: 1.35, maleOR: 1.15, meanYears: 8, minOnsetAge: 35,
		raisedBy: [4]riskFactor{{asthma, 2}},
	},
	dementia: {
		knots: ageKnots{0, 0, 0, 0, 0.008, 0.037, 0.22, 1.1, 5.1, 14.7, 22},
		depOR: 1.05, maleOR: 0.8, meanYears: 3, minOnsetAge: 50,
		raisedBy: [4]riskFactor{{strokeTIA, 2}, {diabetes, 1.4}},
	},
	cancer: {
		knots: ageKnots{0.05, 0.1, 0.2, 0.45, 1.1, 2.4, 5, 8.8, 12, 13, 13},
		depOR: 1.03, maleOR: 1, meanYears: 6, minOnsetAge: 15,
	},
}

// conditionAgeOdds and conditionDepOdds are conditionSpecs expanded per
// age and per quintile; built once, never modified.
var (
	conditionAgeOdds   = buildConditionAgeOdds()
	conditionDepOdds   = buildConditionDepOdds()
	conditionRiskMasks = buildConditionRiskMasks()
)

// buildConditionRiskMasks returns, per condition, the bit mask of its risk
// factors, so that patients without any skip the risk-factor loop.
func buildConditionRiskMasks() [nConditions]uint32 {
	var t [nConditions]uint32
	for c, s := range conditionSpecs {
		for _, f := range s.raisedBy {
			if f.ratio != 0 {
				t[c] |= 1 << f.cond
			}
		}
	}
	return t
}

func buildConditionAgeOdds() [nConditions][MaxAge + 1]float64 {
	var t [nConditions][MaxAge + 1]float64
	for c, s := range conditionSpecs {
		t[c] = s.knots.oddsByAge()
	}
	return t
}

func buildConditionDepOdds() [nConditions]byQuintile {
	var t [nConditions]byQuintile
	for c, s := range conditionSpecs {
		t[c] = quintileGradient(s.depOR)
	}
	return t
}

// Cancer sites by sex (ICD-10, weights in %).
var (
	cancerSitesFemale = [...]weightedCode{
		{"C50", 45}, {"C18", 12}, {"C43", 10}, {"C34", 7}, {"C54", 7},
		{"C85", 5}, {"C56", 4}, {"C20", 4}, {"C64", 3}, {"C73", 3},
	}
	cancerSitesMale = [...]weightedCode{
		{"C61", 40}, {"C18", 13}, {"C43", 10}, {"C34", 8}, {"C67", 8},
		{"C85", 7}, {"C64", 5}, {"C20", 5}, {"C16", 2}, {"C62", 2},
	}
	ckdStages = [...]weightedCode{{CodeCKDStage3, 85}, {CodeCKDStage4, 11}, {CodeCKDStage5, 4}}
	strokes   = [...]weightedCode{{CodeStroke, 60}, {CodeTIA, 40}}
)

// odds returns the patient's odds of condition c given the conditions
// drawn so far.
func (d *draft) odds(c condition) float64 {
	s := &conditionSpecs[c]
	o := conditionAgeOdds[c][d.age] * conditionDepOdds[c][d.quintile]
	if d.male {
		o *= s.maleOR
	}
	if d.conds&conditionRiskMasks[c] == 0 {
		return o
	}
	for _, f := range s.raisedBy {
		if f.ratio != 0 && d.has(f.cond) {
			o *= f.ratio
		}
	}
	return o
}

// drawConditions draws every condition in generation order.
func drawConditions(r *rng, d *draft) {
	for c := range nConditions {
		o := d.odds(c)
		if o > 0 && r.float()*(1+o) < o {
			d.conds |= 1 << c
			d.code[c], d.onset[c] = drawDiagnosis(r, d, c)
		}
	}
}

// drawDiagnosis returns the code and onset offset of condition c.
func drawDiagnosis(r *rng, d *draft, c condition) (string, int32) {
	switch c {
	case diabetes:
		return drawDiabetes(r, d)
	case strokeTIA:
		return pickCode(r, strokes[:]), drawOnset(r, d, c)
	case ckd:
		return pickCode(r, ckdStages[:]), drawOnset(r, d, c)
	case cancer:
		if d.male {
			return pickCode(r, cancerSitesMale[:]), drawOnset(r, d, c)
		}
		return pickCode(r, cancerSitesFemale[:]), drawOnset(r, d, c)
	}
	return baseCodes[c], drawOnset(r, d, c)
}

// baseCodes are the codes of conditions without subtypes.
var baseCodes = [nConditions]string{
	asthma: CodeAsthma, depression: CodeDepression, hypertension: CodeHypertension,
	chd: CodeCHD, atrialFibrillation: CodeAtrialFibrillation, heartFailure: CodeHeartFailure,
	copd: CodeCOPD, dementia: CodeDementia,
}

// type1Share is the probability that a diabetic of the given age has
// type 1 diabetes.
func type1Share(age int) float64 {
	switch {
	case age < 20:
		return 0.9
	case age < 30:
		return 0.5
	case age < 40:
		return 0.15
	}
	return 0.04
}

// drawDiabetes chooses type 1 or type 2; type 1 is diagnosed at a uniform
// age between 1 and min(age, 30).
func drawDiabetes(r *rng, d *draft) (string, int32) {
	if !r.chance(type1Share(d.age)) {
		return CodeDiabetesType2, drawOnset(r, d, diabetes)
	}
	onsetAge := 1 + r.float()*float64(max(min(d.age, 30)-1, 0))
	return CodeDiabetesType1, onsetOffset(d, float64(d.age)-onsetAge+r.float())
}

// drawOnset draws the years since diagnosis: exponential with the
// condition's mean, redrawn uniformly when it would predate minOnsetAge.
func drawOnset(r *rng, d *draft, c condition) int32 {
	s := &conditionSpecs[c]
	maxYears := max(float64(d.age)-s.minOnsetAge, 0.5)
	years := r.exponential(s.meanYears)
	if years > maxYears {
		years = r.float() * maxYears
	}
	return onsetOffset(d, years)
}

// onsetOffset converts years before RefDate to a day offset between the
// day before RefDate and the birth date.
func onsetOffset(d *draft, years float64) int32 {
	off := 1 + int32(years*365.25)
	return min(max(off, 1), d.birthOff)
}

// appendConditions appends the patient's conditions ordered by onset.
func (m *model) appendConditions(dst []Condition, d *draft) []Condition {
	for c := range nConditions {
		if d.has(c) {
			dst = append(dst, Condition{Code: d.code[c], Onset: m.date(d.onset[c])})
		}
	}
	sortConditions(dst)
	return dst
}

// sortConditions is a stable insertion sort by onset.
func sortConditions(s []Condition) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].Onset.Before(s[j-1].Onset); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
