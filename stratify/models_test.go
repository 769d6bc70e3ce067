package stratify_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/stratify"
)

func load(t testing.TB, name string) *stratify.Model {
	t.Helper()
	m, err := stratify.LoadFile("../examples/riskmodels/" + name + ".yaml")
	require.NoError(t, err)
	return m
}

// band is one row of a published points table: values lo..hi (inclusive;
// hi < 0 means no upper limit) score points.
type band struct{ lo, hi, points int }

func lookup(table []band, x int) int {
	for _, b := range table {
		if x >= b.lo && (b.hi < 0 || x <= b.hi) {
			return b.points
		}
	}
	panic(fmt.Sprintf("no band for %d", x))
}

// The LACE tables of van Walraven et al., CMAJ 2010;182(6):551-557.
var (
	laceL = []band{{-1 << 30, 0, 0}, {1, 1, 1}, {2, 2, 2}, {3, 3, 3}, {4, 6, 4}, {7, 13, 5}, {14, -1, 7}}
	laceC = []band{{-1 << 30, 0, 0}, {1, 1, 1}, {2, 2, 2}, {3, 3, 3}, {4, -1, 5}}
	laceE = []band{{-1 << 30, 0, 0}, {1, 1, 1}, {2, 2, 2}, {3, 3, 3}, {4, -1, 4}}
)

func TestLACE_ReproducesThePublishedTable(t *testing.T) {
	m := load(t, "lace")
	for _, los := range []int{0, 1, 2, 3, 4, 6, 7, 13, 14, 40} {
		for _, cci := range []int{0, 1, 2, 3, 4, 9} {
			for _, ed := range []int{0, 1, 2, 3, 4, 12} {
				for _, emergent := range []bool{false, true} {
					a := 0
					if emergent {
						a = 3
					}
					want := lookup(laceL, los) + a + lookup(laceC, cci) + lookup(laceE, ed)
					tier := "low"
					switch {
					case want >= 10:
						tier = "high"
					case want >= 5:
						tier = "moderate"
					}
					r, err := m.Score(map[string]any{"length_of_stay_days": los, "emergency_admission": emergent, "comorbidity_score": cci, "ed_visits_6m": ed})
					require.NoError(t, err)
					require.Equal(t, float64(want), r.Score, "los %d cci %d ed %d emergent %v", los, cci, ed, emergent)
					require.Equal(t, tier, r.Tier)
					require.Equal(t, float64(lookup(laceL, los)), r.Components["L"])
				}
			}
		}
	}
}

// The CHA2DS2-VASc table of Lip et al., Chest 2010;137(2):263-272, Table 1.
var (
	chaAge   = []band{{-1 << 30, 64, 0}, {65, 74, 1}, {75, -1, 2}}
	chaFlags = map[string]int{"chf": 1, "hypertension": 1, "diabetes": 1, "stroke_tia_te": 2, "vascular_disease": 1}
)

func TestCHA2DS2_ReproducePublishedTables(t *testing.T) {
	vasc, va := load(t, "cha2ds2-vasc"), load(t, "cha2ds2-va")
	flags := []string{"chf", "hypertension", "diabetes", "stroke_tia_te", "vascular_disease"}
	for mask := 0; mask < 1<<len(flags); mask++ {
		for _, age := range []int{0, 64, 65, 74, 75, 101} {
			for _, sex := range []string{"female", "male"} {
				in := map[string]any{"age": age, "sex": sex}
				want := lookup(chaAge, age)
				for i, f := range flags {
					in[f] = mask&(1<<i) != 0
					if mask&(1<<i) != 0 {
						want += chaFlags[f]
					}
				}
				r, err := va.Score(in)
				require.NoError(t, err)
				require.Equal(t, float64(want), r.Score, "CHA2DS2-VA %v", in)
				if sex == "female" {
					want++ // Sc: sex category, female 1
				}
				r, err = vasc.Score(in)
				require.NoError(t, err)
				require.Equal(t, float64(want), r.Score, "CHA2DS2-VASc %v", in)
			}
		}
	}
}

// Charlson weights: Charlson et al. 1987 Table 3 and Quan et al. 2011
// Table 3; age points from Charlson et al. 1994.
var (
	charlsonConditions = []string{"mi", "chf", "pvd", "cerebrovascular", "dementia", "chronic_pulmonary", "rheumatic", "peptic_ulcer", "mild_liver",
		"diabetes_uncomplicated", "diabetes_complicated", "hemiplegia", "renal", "malignancy", "moderate_severe_liver", "metastatic_tumour", "aids"}
	charlson1987 = []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 6, 6}
	quan2011     = []int{0, 2, 0, 0, 2, 1, 1, 0, 2, 0, 1, 2, 1, 2, 4, 6, 4}
	charlsonAge  = []band{{-1 << 30, 49, 0}, {50, 59, 1}, {60, 69, 2}, {70, 79, 3}, {80, -1, 4}}
	// severe → mild
	charlsonHierarchy = map[string]string{"diabetes_complicated": "diabetes_uncomplicated", "moderate_severe_liver": "mild_liver", "metastatic_tumour": "malignancy"}
)

func charlsonExpected(weights []int, present map[string]bool, age *int) int {
	total := 0
	for i, c := range charlsonConditions {
		if !present[c] {
			continue
		}
		zeroed := false
		for severe, mild := range charlsonHierarchy {
			if mild == c && present[severe] {
				zeroed = true
			}
		}
		if !zeroed {
			total += weights[i]
		}
	}
	if age != nil {
		total += lookup(charlsonAge, *age)
	}
	return total
}

func TestCharlson_ReproducesPublishedWeightsAndHierarchies(t *testing.T) {
	for name, weights := range map[string][]int{"charlson-1987": charlson1987, "charlson-quan2011": quan2011} {
		m := load(t, name)
		var cases []map[string]bool
		for _, c := range charlsonConditions { // each condition alone
			cases = append(cases, map[string]bool{c: true})
		}
		for severe, mild := range charlsonHierarchy { // each hierarchy, with and without the severe form
			cases = append(cases, map[string]bool{severe: true, mild: true}, map[string]bool{severe: true}, map[string]bool{mild: true, "mi": true})
		}
		for k := 0; k < 64; k++ { // deterministic pseudo-random subsets
			s := map[string]bool{}
			for i, c := range charlsonConditions {
				if (k*2654435761+i*40503)%7 < 3 {
					s[c] = true
				}
			}
			cases = append(cases, s)
		}
		ages := []*int{nil}
		for _, a := range []int{0, 49, 50, 59, 60, 69, 70, 79, 80, 104} {
			ages = append(ages, &a)
		}
		for _, present := range cases {
			for _, age := range ages {
				in := map[string]any{}
				for _, c := range charlsonConditions {
					in[c] = present[c]
				}
				if age != nil {
					in["age"] = *age
				}
				r, err := m.Score(in)
				require.NoError(t, err)
				require.Equal(t, float64(charlsonExpected(weights, present, age)), r.Score, "%s %v age %v", name, present, age)
			}
		}
	}
}

func TestBridgesToHealth_FirstMatchWithCatchAll(t *testing.T) {
	m := load(t, "bridges-to-health")
	base := func() map[string]any {
		return map[string]any{"age": 40, "dementia": false, "organ_failure": false, "cancer": false, "disabling_condition": false,
			"chronic_conditions": 0, "emergency_admissions_12m": 0, "maternal_or_infant": false}
	}
	cases := []struct {
		name string
		set  map[string]any
		want string
	}{
		{"nothing", nil, "healthy"},
		{"infant", map[string]any{"age": 0, "maternal_or_infant": true}, "maternal_infant"},
		{"one admission", map[string]any{"emergency_admissions_12m": 1}, "acutely_ill"},
		{"chronic beats acute", map[string]any{"chronic_conditions": 1, "emergency_admissions_12m": 1}, "chronic_normal_function"},
		{"disability", map[string]any{"disabling_condition": true, "chronic_conditions": 2}, "stable_disability"},
		{"cancer with admission", map[string]any{"cancer": true, "emergency_admissions_12m": 1, "disabling_condition": true}, "short_decline"},
		{"cancer without admission", map[string]any{"cancer": true}, "chronic_normal_function"},
		{"organ failure", map[string]any{"organ_failure": true, "cancer": true, "emergency_admissions_12m": 3}, "limited_reserve"},
		{"old and multimorbid", map[string]any{"age": 85, "chronic_conditions": 3, "organ_failure": true}, "frailty"},
		{"84 is not frail", map[string]any{"age": 84, "chronic_conditions": 3}, "chronic_normal_function"},
		{"dementia", map[string]any{"dementia": true}, "frailty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := base()
			for k, v := range c.set {
				in[k] = v
			}
			r, err := m.Score(in)
			require.NoError(t, err)
			assert.Equal(t, c.want, r.Segment)
		})
	}
}

func TestScore_RejectsBadInputsByName(t *testing.T) {
	m := load(t, "cha2ds2-vasc")
	good := map[string]any{"age": 70, "sex": "female", "chf": false, "hypertension": true, "diabetes": false, "stroke_tia_te": false, "vascular_disease": false}
	cases := []struct {
		name   string
		change func(map[string]any)
		want   string
	}{
		{"missing", func(in map[string]any) { delete(in, "chf") }, `missing input "chf"`},
		{"nil", func(in map[string]any) { in["chf"] = nil }, `missing input "chf"`},
		{"unknown", func(in map[string]any) { in["chff"] = true }, `unknown input "chff"`},
		{"wrong type", func(in map[string]any) { in["age"] = "70" }, `input "age" is a int`},
		{"float for int", func(in map[string]any) { in["age"] = 70.0 }, `input "age" is a int`},
		{"value outside the list", func(in map[string]any) { in["sex"] = "F" }, `input "sex" is "F"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := map[string]any{}
			for k, v := range good {
				in[k] = v
			}
			c.change(in)
			_, err := m.Score(in)
			require.Error(t, err)
			assert.ErrorIs(t, err, stratify.ErrInput)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestLoad_ErrorsArePositioned(t *testing.T) {
	const base = `id: t
inputs:
  x: int
  b: bool
components:
  X:
    input: x
    bands:
      - {lt: 1, points: 0}
      - {gte: 1, points: 2}
  B: {when: b, points: 1}
tiers:
  - {name: low}
  - {name: high, gte: 2}
`
	cases := []struct {
		name, yaml, want string
		class            error
	}{
		{"unknown key", strings.Replace(base, "  B: {when: b, points: 1}", "  B: {when: b, point: 1}", 1), `t.yaml:11:16: model t components.B: unknown key "point"`, indicator.ErrInvalidDefinition},
		{"duplicate key", base + "tiers: []\n", `t.yaml:15:1: model t: duplicate key "tiers"`, indicator.ErrInvalidDefinition},
		{"gap in bands", strings.Replace(base, "{gte: 1, points: 2}", "{gte: 2, points: 2}", 1), `t.yaml:6:3: model t components.X.bands: band 2 does not start where band 1 ends`, indicator.ErrInvalidDefinition},
		{"overlap in bands", strings.Replace(base, "{lt: 1, points: 0}", "{lte: 1, points: 0}", 1), `band 2 does not start where band 1 ends`, indicator.ErrInvalidDefinition},
		{"undeclared name", strings.Replace(base, "when: b,", "when: bb,", 1), `t.yaml:11:13: model t components.B.when: undeclared reference to 'bb'`, indicator.ErrTypeMismatch},
		{"not a bool", strings.Replace(base, "when: b,", "when: x,", 1), `components.B.when: expression has type int, want bool`, indicator.ErrTypeMismatch},
		{"no catch-all", base + "segments:\n  - {name: a, when: b}\n", `t.yaml:16:5: model t segments: the last segment must be the catch-all`, indicator.ErrInvalidDefinition},
		{"reference case fails", base + "reference_cases:\n  - {inputs: {x: 1, b: true}, score: 2, tier: low}\n",
			`t.yaml:16:5: model t reference_cases: reference case: expected score 2, got 3`, stratify.ErrReferenceCase},
		{"reference case input type", base + "reference_cases:\n  - {inputs: {x: yes, b: true}, score: 2}\n", `t.yaml:16:18: model t reference_cases.inputs.x: want a int, got "yes"`, indicator.ErrInvalidDefinition},
		{"unknown hierarchy component", base + "hierarchies:\n  - {severe: X, mild: C}\n", `unknown component "C"`, indicator.ErrInvalidDefinition},
		{"tiers must increase", strings.Replace(base, "  - {name: high, gte: 2}", "  - {name: mid, gte: 2}\n  - {name: high, gte: 1}", 1), `cut-offs must increase`, indicator.ErrInvalidDefinition},
		{"tier without cut-off before another", strings.Replace(base, "  - {name: high, gte: 2}", "  - {name: mid}\n  - {name: high, gte: 1}", 1), `t.yaml:14:5: model t tiers: tier "mid" needs a cut-off`, indicator.ErrInvalidDefinition},
		{"not YAML", "id: [", `t.yaml:1: YAML:`, indicator.ErrInvalidDefinition},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := stratify.Load(strings.NewReader(c.yaml), "t.yaml")
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.True(t, errors.Is(err, c.class), "class %v in %v", c.class, err)
		})
	}
}

func TestLogistic_ProbabilityAndTiers(t *testing.T) {
	m, err := stratify.Load(strings.NewReader(`id: logit-test
inputs: {x: double, smoker: bool}
components:
  X: {expression: "x * 2.0"}
  S: {when: smoker, points: 1}
logistic:
  intercept: -1.5
  coefficients: {X: 0.5, S: 0.7}
tiers:
  - {name: low}
  - {name: high, gte: 0.5}
`), "l.yaml")
	require.NoError(t, err)
	for _, c := range []struct {
		x      float64
		smoker bool
	}{{0, false}, {1.5, false}, {1.49, false}, {0.8, true}, {-3, true}} {
		lp := -1.5 + 0.5*c.x*2
		if c.smoker {
			lp += 0.7
		}
		p := 1 / (1 + mathExp(-lp))
		r, err := m.Score(map[string]any{"x": c.x, "smoker": c.smoker})
		require.NoError(t, err)
		assert.InDelta(t, p, r.Score, 1e-12)
		want := "low"
		if lp >= 0 { // p >= 0.5
			want = "high"
		}
		assert.Equal(t, want, r.Tier, "x=%v", c.x)
	}
}

// TestLoad_UntrustedRules: a model that someone else wrote can be held to
// the limits of indicator.WithUntrustedRules; the shipped models pass them.
func TestLoad_UntrustedRules(t *testing.T) {
	untrusted := stratify.WithCompileOptions(indicator.WithUntrustedRules(indicator.Limits{}))
	for _, name := range []string{"lace", "charlson-quan2011", "cha2ds2-vasc", "bridges-to-health"} {
		_, err := stratify.LoadFile("../examples/riskmodels/"+name+".yaml", untrusted)
		require.NoError(t, err, name)
	}
	terms := make([]string, 2000)
	for i := range terms {
		terms[i] = fmt.Sprintf("x == %d", i)
	}
	huge := `id: huge
inputs:
  x: int
components:
  X: {when: '` + strings.Join(terms, " || ") + `', points: 1}
tiers:
  - {name: low}
  - {name: high, gte: 1}
`
	_, err := stratify.Load(strings.NewReader(huge), "huge.yaml")
	require.NoError(t, err, "trusted: a 2,000-term expression is allowed")
	_, err = stratify.Load(strings.NewReader(huge), "huge.yaml", untrusted)
	require.ErrorIs(t, err, indicator.ErrLimit)
	assert.Contains(t, err.Error(), "huge.yaml")
}
