package indicator

import (
	"fmt"
	"math"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
)

// criterion is one CEL expression of an indicator: its entry in the set's
// expression table, and its YAML key for error reports.
type criterion struct {
	field string
	expr  int
}

type compiledStratifier struct {
	id    string
	comps []*criterion
	keys  int // the set's key space: stratifiers with the same components share one
}

type compiledThreshold struct {
	status string
	prog   cel.Program // nil: always holds
}

// compiledIndicator is an indicator ready to evaluate.
type compiledIndicator struct {
	spec                                   *IndicatorSpec
	ip, den, denex, denexcep, numer, numex *criterion
	numValue, denValue, observation        *criterion
	ageBand                                *criterion // dsr, isr
	stratifiers                            []*compiledStratifier
	thresholds                             []compiledThreshold
	level, multiplier                      float64
	batched                                bool // tallied a batch at a time when error-free (vector.go)
}

// criterionRule says which criteria an indicator type takes.
type criterionRule struct {
	key      string
	get      func(*Criteria) Expr
	numeric  bool
	integer  bool
	allowed  []Type
	required []Type
}

var criterionRules = []criterionRule{
	{key: "initial_population", get: func(c *Criteria) Expr { return c.InitialPopulation }, allowed: allTypes},
	{key: "denominator", get: func(c *Criteria) Expr { return c.Denominator }, allowed: allTypes},
	{key: "denominator_exclusion", get: func(c *Criteria) Expr { return c.DenominatorExclusion }, allowed: allTypes},
	{key: "denominator_exception", get: func(c *Criteria) Expr { return c.DenominatorException }, allowed: []Type{Proportion}},
	{key: "numerator", get: func(c *Criteria) Expr { return c.Numerator }, allowed: eventTypes, required: []Type{Proportion}},
	{key: "numerator_exclusion", get: func(c *Criteria) Expr { return c.NumeratorExclusion }, allowed: eventTypes},
	{key: "numerator_value", get: func(c *Criteria) Expr { return c.NumeratorValue }, numeric: true, allowed: []Type{Ratio, Rate, DSR, ISR}, required: []Type{Rate}},
	{key: "denominator_value", get: func(c *Criteria) Expr { return c.DenominatorValue }, numeric: true, allowed: []Type{Ratio, Rate, DSR, ISR}, required: []Type{Rate}},
	{key: "observation", get: func(c *Criteria) Expr { return c.Observation }, numeric: true, allowed: []Type{Mean}, required: []Type{Mean}},
	{key: "age_band", get: func(c *Criteria) Expr { return c.AgeBand }, integer: true, allowed: []Type{DSR, ISR}, required: []Type{DSR, ISR}},
}

var (
	allTypes   = []Type{Proportion, Ratio, Rate, Mean, Count, DSR, ISR}
	eventTypes = []Type{Proportion, Ratio, Rate, DSR, ISR}
)

func hasType(ts []Type, t Type) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func (c *compiler) compileIndicator(spec *IndicatorSpec) {
	owner := "indicator " + spec.ID
	ind := &compiledIndicator{spec: spec, level: spec.Level, multiplier: spec.Multiplier}
	if !c.checkIndicatorHeader(spec, owner) {
		return
	}
	if ind.level == 0 {
		ind.level = 0.95
	}
	if ind.multiplier == 0 {
		ind.multiplier = 1
	}
	crits := map[string]*criterion{}
	for _, r := range criterionRules {
		e := r.get(&spec.Criteria)
		switch {
		case !e.IsZero() && !hasType(r.allowed, spec.Type):
			c.diag(e.Pos, owner, r.key, ErrInvalidDefinition, "a %s indicator takes no %s", spec.Type, r.key)
		case e.IsZero() && hasType(r.required, spec.Type):
			c.diag(spec.Pos, owner, r.key, ErrInvalidDefinition, "a %s indicator needs %s", spec.Type, r.key)
		case !e.IsZero():
			want := []*types.Type{types.BoolType}
			if r.numeric {
				want = []*types.Type{types.IntType, types.DoubleType}
			}
			if r.integer {
				want = []*types.Type{types.IntType}
			}
			if i := c.compileExpr(e, owner, r.key, want...); i >= 0 {
				crits[r.key] = &criterion{field: r.key, expr: i}
			}
		}
	}
	if spec.Type == Ratio {
		cr := &spec.Criteria
		if cr.Numerator.IsZero() && cr.NumeratorValue.IsZero() {
			c.diag(spec.Pos, owner, "numerator", ErrInvalidDefinition, "a ratio indicator needs numerator or numerator_value")
		}
		if cr.Denominator.IsZero() && cr.DenominatorValue.IsZero() {
			c.diag(spec.Pos, owner, "denominator", ErrInvalidDefinition, "a ratio indicator needs denominator or denominator_value")
		}
	}
	ind.ip, ind.den, ind.denex = crits["initial_population"], crits["denominator"], crits["denominator_exclusion"]
	ind.denexcep, ind.numer, ind.numex = crits["denominator_exception"], crits["numerator"], crits["numerator_exclusion"]
	ind.numValue, ind.denValue, ind.observation = crits["numerator_value"], crits["denominator_value"], crits["observation"]
	ind.ageBand = crits["age_band"]
	c.checkStandardisation(spec, owner)
	ind.stratifiers = c.compileStratifiers(spec, owner)
	ind.thresholds = c.compileThresholds(spec, owner)
	ind.batched = c.set.batchable(ind)
	c.set.indicators = append(c.set.indicators, ind)
}

func (c *compiler) checkIndicatorHeader(spec *IndicatorSpec, owner string) bool {
	ok := true
	bad := func(field, format string, args ...any) {
		c.diag(spec.Pos, owner, field, ErrInvalidDefinition, format, args...)
		ok = false
	}
	if spec.ID == "" {
		bad("id", "an indicator needs an id")
	}
	for _, other := range c.set.indicators {
		if other.spec.ID == spec.ID && spec.ID != "" {
			bad("id", "duplicate indicator id %q", spec.ID)
		}
	}
	if !hasType(allTypes, spec.Type) {
		bad("type", "unknown type %q (want proportion, ratio, rate, mean, count, dsr or isr)", spec.Type)
	}
	switch spec.Polarity {
	case "", HigherIsBetter, LowerIsBetter, NoJudgement:
	default:
		bad("polarity", "unknown polarity %q (want higher-is-better, lower-is-better or no-judgement)", spec.Polarity)
	}
	if spec.Level != 0 && !(spec.Level > 0 && spec.Level < 1) {
		bad("confidence.level", "level must be a fraction between 0 and 1 (e.g. 0.95), got %v", spec.Level)
	}
	if spec.Multiplier < 0 || math.IsNaN(spec.Multiplier) || math.IsInf(spec.Multiplier, 0) {
		bad("multiplier", "multiplier must be a finite positive number, got %v", spec.Multiplier)
	}
	return ok
}

// checkStandardisation checks the standard population of a DSR and the
// reference of an ISR, and that other types have neither.
func (c *compiler) checkStandardisation(spec *IndicatorSpec, owner string) {
	bad := func(field, format string, args ...any) {
		c.diag(spec.Pos, owner, field, ErrInvalidDefinition, format, args...)
	}
	nonNegative := func(field string, xs []float64) {
		for i, x := range xs {
			if !(x >= 0) || math.IsInf(x, 0) {
				bad(field, "band %d: %v is not a finite number >= 0", i, x)
			}
		}
	}
	switch spec.Type {
	case DSR:
		if len(spec.StandardPopulation) == 0 {
			bad("standard_population", "a dsr indicator needs a standard_population (esp2013 or a list of band weights)")
		}
		nonNegative("standard_population", spec.StandardPopulation)
	case ISR:
		if len(spec.ReferenceCounts) == 0 || len(spec.ReferenceCounts) != len(spec.ReferencePopulations) {
			bad("reference", "an isr indicator needs reference counts and populations of the same length, or reference_rates")
		}
		nonNegative("reference.counts", spec.ReferenceCounts)
		nonNegative("reference.populations", spec.ReferencePopulations)
	}
	if spec.Type != DSR && len(spec.StandardPopulation) > 0 {
		bad("standard_population", "only a dsr indicator takes a standard_population")
	}
	if spec.Type != ISR && (len(spec.ReferenceCounts) > 0 || len(spec.ReferencePopulations) > 0) {
		bad("reference", "only an isr indicator takes a reference")
	}
}

// bands returns the number of age bands of a dsr or isr indicator.
func (ind *compiledIndicator) bands() int {
	if ind.spec.Type == DSR {
		return len(ind.spec.StandardPopulation)
	}
	return len(ind.spec.ReferenceCounts)
}

func (c *compiler) compileStratifiers(spec *IndicatorSpec, owner string) []*compiledStratifier {
	var out []*compiledStratifier
	seen := map[string]bool{}
	for _, s := range spec.Stratifiers {
		field := "stratifier " + s.ID
		if seen[s.ID] {
			c.diag(s.Pos, owner, field, ErrInvalidDefinition, "duplicate stratifier id %q", s.ID)
			continue
		}
		seen[s.ID] = true
		cs := &compiledStratifier{id: s.ID}
		for _, e := range s.Components {
			i := c.compileExpr(e, owner, field, types.StringType, types.IntType, types.BoolType)
			if i < 0 {
				continue
			}
			cs.comps = append(cs.comps, &criterion{field: field, expr: i})
		}
		cs.keys = c.keySpace(cs.comps)
		out = append(out, cs)
	}
	return out
}

// keySpace returns the key space of a stratifier's components: the
// stratum keys of identical stratifiers (age_band in every indicator) are
// computed and looked up once per record.
func (c *compiler) keySpace(comps []*criterion) int {
	var sig strings.Builder
	for _, comp := range comps {
		fmt.Fprintf(&sig, "%d,", comp.expr)
	}
	if k, ok := c.keySpaces[sig.String()]; ok {
		return k
	}
	c.keySpaces[sig.String()] = len(c.set.keySpaces)
	c.set.keySpaces = append(c.set.keySpaces, comps)
	return len(c.set.keySpaces) - 1
}

// thresholdEnv declares the variables a threshold condition sees, with
// the limits of untrusted-rule mode when l is not nil.
func thresholdEnv(l *Limits) (*cel.Env, error) {
	opts := []cel.EnvOption{
		cel.CrossTypeNumericComparisons(true),
		cel.Variable("value", cel.DoubleType),
		cel.Variable("lower", cel.DoubleType),
		cel.Variable("upper", cel.DoubleType),
		cel.Variable("target", cel.DoubleType),
	}
	if l != nil {
		opts = append(opts, l.envOptions()...)
	}
	return cel.NewEnv(opts...)
}

func (c *compiler) compileThresholds(spec *IndicatorSpec, owner string) []compiledThreshold {
	if len(spec.Thresholds) == 0 {
		return nil
	}
	env, err := thresholdEnv(c.cfg.limits)
	if err != nil {
		c.diag(spec.Pos, owner, "thresholds", ErrInvalidDefinition, "%v", err)
		return nil
	}
	var out []compiledThreshold
	for _, t := range spec.Thresholds {
		ct := compiledThreshold{status: t.Status}
		if !t.When.IsZero() {
			checked, iss := env.Compile(t.When.Text)
			if failed(iss) {
				c.celIssues(t.When, owner, "thresholds.when", iss, ErrTypeMismatch)
				continue
			}
			// A condition runs once per result, but a comprehension over
			// list literals can still be made to run for ever: the cost
			// budget applies as to any expression.
			if !c.withinBudget(env, checked, t.When, owner, "thresholds.when") {
				continue
			}
			if !checked.OutputType().IsExactType(types.BoolType) {
				c.diag(t.When.Pos, owner, "thresholds.when", ErrTypeMismatch, "expression has type %s, want bool", checked.OutputType())
				continue
			}
			ct.prog, err = env.Program(checked)
			if err != nil {
				c.diag(t.When.Pos, owner, "thresholds.when", ErrInvalidDefinition, "%v", err)
				continue
			}
		}
		out = append(out, ct)
	}
	return out
}

// status returns the first threshold status whose condition holds, or ""
// when none does or there is no value (undefined or withheld).
func (ind *compiledIndicator) status(value, lower, upper float64) string {
	if math.IsNaN(value) {
		return ""
	}
	target := nan()
	if ind.spec.Target != nil {
		target = *ind.spec.Target
	}
	vars := map[string]any{"value": value, "lower": lower, "upper": upper, "target": target}
	for _, t := range ind.thresholds {
		if t.prog == nil {
			return t.status
		}
		out, _, err := t.prog.Eval(vars)
		if err == nil && out == types.True {
			return t.status
		}
	}
	return ""
}
