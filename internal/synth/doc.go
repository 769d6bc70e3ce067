// Package synth generates deterministic synthetic populations of patients
// registered with GP practices, for the tests, benchmarks and examples of
// the performance-indicator library. The numbers are plausible orders of
// magnitude for England (QOF registers, ONS population, HES admissions);
// they are not epidemiological estimates.
//
// # Determinism and streaming
//
// Patient i (0-based) is a pure function of (Config.Seed,
// Config.RefDate, Config.Practices, i): its own SplitMix64 generator is
// seeded from a hash of (Seed, i), so the batch size, the number of
// parallel generators and N never change a patient (a population of N
// patients is a prefix of any larger one with the same seed). [Generate]
// and [Generator.Fill] give any single patient; [Generator.Next] streams
// batches into a reused slice, so memory is bounded by the batch, not N:
// after warm-up a batch of 1024 costs one allocation (the batch's ID
// string). Event dates are whole days at 00:00 UTC, strictly before
// RefDate.
//
// # Demography
//
//   - Age 0..105 from the England age structure in 5-year bands; the birth
//     date is uniform within the age year, so Age is the completed years at
//     RefDate (29 February handled).
//   - Sex: female with probability 0.49, rising linearly from age 50 to
//     0.70 at 100.
//   - Practices "GP001".. (Config.Practices, default 100) have list sizes
//     that vary about threefold; every 4 consecutive practices form an area
//     "E02000001"... Areas cycle through deprivation quintiles; a patient
//     takes the area's quintile with probability 1/2, otherwise a uniform
//     quintile (1 = most deprived).
//   - Registration: babies born in the reference year (RefDate-365d,
//     RefDate] register at birth; 10% of 18-34 year olds and 4% of others
//     registered during the reference year; the rest earlier.
//   - Death within the reference year at an annual rate rising from 0.08%
//     (age 0-9) through 1.3% (70), 3.5% (80) and 11% (90), × 1.3 .. 0.8 from
//     quintile 1 to 5 and × 1.2 .. 2 per serious condition (capped at 80%);
//     about 1.1% die. Age stays the age at RefDate.
//   - DaysAtRisk = days registered and alive in the reference year (1..365);
//     about 7% of patients have less than 365.
//
// # Conditions
//
// Conditions are drawn in a fixed order, each with probability
// odds/(1+odds), where
//
//	odds = odds(age) × depOR^(3−quintile) × maleOR [men] × Π ratio [risk factor present]
//
// odds(age) interpolates, on the logit scale, a reference prevalence at
// ages 0, 10, …, 100 for women in quintile 3 without risk factors. Onset
// (date of diagnosis) is an exponential number of years before RefDate,
// redrawn uniformly when it would predate a minimum age of onset, and never
// before birth. Prevalences below are the measured share of all registered
// patients (200,000 patients, seed 2025) and the ranges the tests enforce:
//
//	condition      codes                   depOR  male  risk factors (odds ratio)                 measured  tested
//	asthma         J45                     1.08   0.9   –                                         5.9%      5–7.5%
//	depression     F32                     1.15   0.55  –                                         8.8%      7–11%
//	diabetes       E11; E10 (6% of cases)  1.12   1.3   –                                         7.1%      6–8%
//	hypertension   I10                     1.07   1.15  diabetes 2.2                              14.6%     12–16%
//	CHD            I25                     1.15   2     diabetes 1.8, hypertension 1.6            3.2%      2.5–3.8%
//	AF             I48                     1.03   1.5   hypertension 1.4, CHD 1.4                 2.0%      1.5–2.6%
//	heart failure  I50                     1.1    1.4   CHD 3.5, AF 3, diabetes 1.7, hypert. 1.5  1.04%     0.7–1.4%
//	stroke/TIA     I63 60%, G45 40%        1.1    1.2   AF 2.2, hypert. 1.8, diab. 1.5, CHD 1.5   1.9%      1.5–2.5%
//	CKD stage 3–5  N18.3/.4/.5: 85/11/4%   1.08   0.8   diabetes 2.8, hypertension 2.3, HF 2      4.0%      3–5%
//	COPD           J44                     1.35   1.15  asthma 2                                  2.2%      1.5–2.8%
//	dementia       F03                     1.05   0.8   stroke/TIA 2, diabetes 1.4                0.8%      0.5–1.1%
//	cancer         C-codes by sex, below   1.03   1     –                                         3.1%      2.5–4%
//	  cancer sites, women: C50 45%, C18 12%, C43 10%, C34 7%, C54 7%, C85 5%, C56 4%, C20 4%, C64 3%, C73 3%
//	  cancer sites, men:   C61 40%, C18 13%, C43 10%, C34 8%, C67 8%, C85 7%, C64 5%, C20 5%, C16 2%, C62 2%
//
// Measured prevalence (%) by age band and in the most (Q1) and least (Q5)
// deprived quintiles (same population; the age knots are in conditionSpecs):
//
//	                0-17  18-39  40-59  60-79    80+     Q1     Q5
//	hypertension     0.1    2.4   15.1   36.7   49.3   16.4   12.6
//	diabetes         0.2    2.0    8.7   16.6   16.2    8.6    5.6
//	CHD              0.0    0.2    2.3    8.8   14.2    4.1    2.3
//	AF               0.0    0.1    0.8    5.3   13.8    2.2    1.9
//	heart failure    0.0    0.0    0.4    2.5    8.5    1.4    0.7
//	stroke/TIA       0.0    0.1    1.0    5.2   11.2    2.4    1.5
//	CKD 3-5          0.0    0.3    1.6   10.4   27.6    4.8    3.2
//	COPD             0.0    0.1    1.9    6.4    8.3    3.6    1.2
//	dementia         0.0    0.0    0.0    1.4   10.4    0.9    0.8
//	cancer           0.1    0.5    2.5    8.0   12.2    3.2    2.9
//	asthma           6.0    6.4    5.8    5.7    5.0    6.9    5.1
//	depression       1.4   10.9   11.6    9.5    9.4   11.3    6.6
//
// Prevalence rises steeply with age for every condition except asthma
// (flat after childhood) and depression (peaks at 40-59); the most deprived
// quintile has 1.1× (hypertension) to 3× (COPD) the prevalence of the least
// deprived. CKD is about 6× as common and hypertension 3.5× as common in
// diabetics as in others.
//
// # Observations
//
// Each kind of observation is a Poisson process over the event window:
// the WindowDays (456, about 15 months) before RefDate, limited to days the
// patient was registered and alive. Counts are therefore Poisson and many
// patients have none (about 28% of adults have no observation at all).
// Readings scatter around a personal mean drawn once per patient; they may
// predate a diagnosis made within the window.
//
//   - "hba1c" (mmol/mol): 92% of diabetics are monitored, 2.2 tests a year;
//     personal mean log-normal with median 53 (type 2) or 64 (type 1), +1.5
//     per quintile step towards deprivation, within-patient sd 5: overall
//     mean ≈ 56, sd ≈ 15; ≈ 15% of diabetics have no HbA1c in the window.
//     Some non-diabetic adults are tested (values 25..47).
//   - "sbp"/"dbp" (mmHg), same date: adults; 2 readings a year with
//     cardiometabolic disease, otherwise 0.25 + 0.01 per year of age over 18
//     (max 0.9). Systolic mean 136 with treated hypertension (+8 untreated),
//     else 114 + 0.3 per year over 20 (+4 men); sd 11 between and 8 within
//     patients (means ≈ 138 vs 126).
//   - "cholesterol" (mmol/L, one decimal): adults 25+; mean 4.1 on a statin,
//     otherwise 5.0–5.45 by age; 0.9 tests a year with cardiometabolic
//     disease or a statin, else 0.05–0.4 by age.
//   - "egfr" (mL/min/1.73m2): within the CKD stage's range (3: 30–59,
//     4: 15–29, 5: 4–14), otherwise ≥ 60; 1.5 tests a year with CKD, 0.9
//     with diabetes, hypertension or heart failure.
//
// # Medications
//
// A current prescription has a Med* code (an ATC group is documented on
// each constant) and a start date after the indicating diagnosis, or within
// the last 8 years of adulthood when unindicated. Rules: statin 80% with
// CHD/stroke/TIA, 70% of diabetics aged 40+, 55% with CKD, otherwise
// primary prevention 3–25% from age 40 (+15% with hypertension);
// antihypertensive 85% with hypertension, 90% with heart failure; anticoagulant
// 72% with AF (60% at 90+), 0.5% of other adults; antiplatelet 70% with
// CHD/stroke (15% if anticoagulated); metformin 75% of type 2 diabetics
// only; insulin every type 1 and 15% of type 2; inhaler 85% with asthma or
// COPD; antidepressant 55% with depression, 4% of other adults.
//
// # Encounters
//
// Encounters are Poisson processes over the event window (so count only
// those within the reference year when computing yearly rates against
// DaysAtRisk). Emergency admissions: per person-year 0.08 (age 0), 0.03–0.055 (10–40), 0.075 (60),
// 0.2 (80), 0.35 (90), × 1.35 .. 0.8 from quintile 1 to 5, × (1 + 0.3 per
// condition), × 1.6 with heart failure, × 1.5 with COPD (measured ≈ 0.10
// overall, 0.04 at 0-39, 0.07 at 40-59, 0.18 at 60-79, 0.50 at 80+, 0.14
// in quintile 1 vs 0.07 in quintile 5);
// LengthOfStay 0 (same day) for 25%, otherwise 1 + geometric. Elective
// inpatient stays (LengthOfStay ≥ 1) 0.02–0.1 a year by age; outpatient
// 0.6 + 0.02/year of age + 0.5 per condition; primary care 1.5 + 0.05/year
// of age + 0.8 per condition.
//
// Not modelled: deregistration other than death, A&E attendances without
// admission, day-case admissions, medication stops, secular trends.
package synth
