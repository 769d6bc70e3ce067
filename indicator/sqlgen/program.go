package sqlgen

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/openhpi/hpi/indicator"
)

// Program is an indicator set compiled to SQL for one dialect and
// mapping: immutable and safe for concurrent use.
type Program struct {
	set       *indicator.Set
	d         Dialect
	m         Mapping
	args      []arg
	inds      []*indPlan
	spaces    [][]int  // key spaces: the criterion columns of their components
	crits     []string // SQL of each criterion column
	critKinds []kind
	query     string // the aggregate query
	perIndex  string // the per-record query with the record index and error fields
}

// indPlan is how one indicator's populations are computed.
type indPlan struct {
	spec   *indicator.IndicatorSpec
	crit   map[string]int // criterion key → column index
	kinds  map[string]kind
	strata []stratPlan
	bands  int
	fields []string // the keys a record error can name, numbered in SQL
}

// field numbers a failing criterion's key.
func (ind *indPlan) field(key string) int {
	for i, f := range ind.fields {
		if f == key {
			return i
		}
	}
	ind.fields = append(ind.fields, key)
	return len(ind.fields) - 1
}

type stratPlan struct {
	id    string
	space int
}

// criterion keys, in the order of indicator.Criteria.
var criterionKeys = []struct {
	key string
	get func(*indicator.Criteria) indicator.Expr
}{
	{"initial_population", func(c *indicator.Criteria) indicator.Expr { return c.InitialPopulation }},
	{"denominator", func(c *indicator.Criteria) indicator.Expr { return c.Denominator }},
	{"denominator_exclusion", func(c *indicator.Criteria) indicator.Expr { return c.DenominatorExclusion }},
	{"denominator_exception", func(c *indicator.Criteria) indicator.Expr { return c.DenominatorException }},
	{"numerator", func(c *indicator.Criteria) indicator.Expr { return c.Numerator }},
	{"numerator_exclusion", func(c *indicator.Criteria) indicator.Expr { return c.NumeratorExclusion }},
	{"numerator_value", func(c *indicator.Criteria) indicator.Expr { return c.NumeratorValue }},
	{"denominator_value", func(c *indicator.Criteria) indicator.Expr { return c.DenominatorValue }},
	{"observation", func(c *indicator.Criteria) indicator.Expr { return c.Observation }},
	{"age_band", func(c *indicator.Criteria) indicator.Expr { return c.AgeBand }},
}

// Compile translates every definition and criterion of a compiled set to
// SQL for dialect d over the tables of mapping m. A construct outside the
// supported subset is an error (errors.Is ErrUnsupported) that names it,
// the indicator or definition and field, and its file:line:column; every
// such problem is reported at once.
func Compile(set *indicator.Set, d Dialect, m Mapping) (p *Program, err error) {
	defer func() {
		if r := recover(); r != nil { // a bug must not crash the caller
			p, err = nil, fmt.Errorf("sqlgen: internal error compiling set %s: %v", set.Spec().ID, r)
		}
	}()
	if set == nil || d == nil {
		return nil, errors.New("sqlgen: Compile needs a set and a dialect")
	}
	if err := m.check(set.Schema()); err != nil {
		return nil, err
	}
	spec := set.Spec()
	g := &gen{set: set, spec: spec, d: d, m: m, env: set.Env(), byKey: map[string]int{},
		defs: make([]*defCol, len(spec.Definitions)), busy: make([]bool, len(spec.Definitions)), defSQL: make([]string, len(spec.Definitions))}
	p = &Program{set: set, d: d, m: m}
	var errs []error
	shared := map[string]int{}
	var critKinds []kind
	column := func(e indicator.Expr, owner, field string) (int, kind, bool) {
		text := strings.TrimSpace(e.Text)
		if i, ok := shared[text]; ok {
			return i, critKinds[i], true
		}
		v, err := g.translate(e, owner, field)
		if err != nil {
			errs = append(errs, err)
			return 0, 0, false
		}
		switch v.k {
		case kBool, kInt, kDouble, kString:
		default:
			errs = append(errs, &UnsupportedError{Pos: e.Pos, Owner: owner, Field: field, Construct: "a criterion of type " + v.k.String()})
			return 0, 0, false
		}
		shared[text] = len(p.crits)
		p.crits = append(p.crits, v.sql)
		critKinds = append(critKinds, v.k)
		return len(p.crits) - 1, v.k, true
	}
	spaces := map[string]int{}
	for i := range spec.Indicators {
		ind := &spec.Indicators[i]
		owner := "indicator " + ind.ID
		ip := &indPlan{spec: ind, crit: map[string]int{}, kinds: map[string]kind{}}
		for _, ck := range criterionKeys {
			e := ck.get(&ind.Criteria)
			if e.IsZero() {
				continue
			}
			if c, k, ok := column(e, owner, ck.key); ok {
				ip.crit[ck.key], ip.kinds[ck.key] = c, k
			}
		}
		for _, s := range ind.Stratifiers {
			var comps []int
			var sig strings.Builder
			for _, e := range s.Components {
				c, _, ok := column(e, owner, "stratifier "+s.ID)
				if !ok {
					continue
				}
				comps = append(comps, c)
				fmt.Fprintf(&sig, "%d,", c)
			}
			sp, ok := spaces[sig.String()]
			if !ok {
				sp = len(p.spaces)
				spaces[sig.String()] = sp
				p.spaces = append(p.spaces, comps)
			}
			ip.strata = append(ip.strata, stratPlan{id: s.ID, space: sp})
		}
		switch ind.Type {
		case indicator.DSR:
			ip.bands = len(ind.StandardPopulation)
		case indicator.ISR:
			ip.bands = len(ind.ReferenceCounts)
		}
		p.inds = append(p.inds, ip)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	p.args = g.args
	p.critKinds = critKinds
	p.build(g)
	return p, nil
}

// SQL returns the query that computes the aggregates: its placeholders
// are bound to Args.
func (p *Program) SQL() string { return p.query }

// critColumn is the SQL of criterion column c in the layers after the
// criteria's.
func (p *Program) critColumn(c int) string { return "r." + p.d.Ident("c"+strconv.Itoa(c)) }

// build writes the layered per-record query and the aggregate query.
func (p *Program) build(g *gen) {
	d := p.d
	sch := p.set.Schema()
	base := func(withIndex bool) string {
		cols := []string{"t." + d.Ident(p.m.Key) + " AS " + d.Ident("_k")}
		if withIndex {
			if p.m.Index != "" {
				cols = append(cols, "t."+d.Ident(p.m.Index)+" AS "+d.Ident("_i"))
			} else {
				cols = append(cols, "row_number() OVER (ORDER BY t."+d.Ident(p.m.Key)+") - 1 AS "+d.Ident("_i"))
			}
		}
		for _, f := range sch.Fields {
			if isScalar(f.Kind) {
				cols = append(cols, "t."+d.Ident(p.m.column(f.Name))+" AS "+d.Ident("f_"+f.Name))
			}
		}
		return "SELECT " + strings.Join(cols, ", ") + " FROM " + table(d, p.m.Table) + " AS t"
	}
	// Definitions by layer, each after those it reads.
	maxDepth := 0
	for _, c := range g.defs {
		if c != nil {
			maxDepth = max(maxDepth, c.depth)
		}
	}
	var layers [][]string
	for depth := 1; depth <= maxDepth; depth++ {
		var cols []string
		for i, c := range g.defs {
			if c != nil && c.depth == depth {
				cols = append(cols, g.defSQL[i]+" AS "+d.Ident("d_"+p.set.Spec().Definitions[i].Name))
			}
		}
		layers = append(layers, cols)
	}
	var crit []string
	for i, s := range p.crits {
		crit = append(crit, s+" AS "+d.Ident("c"+strconv.Itoa(i)))
	}
	layers = append(layers, crit)
	perRecord := func(withIndex bool) string {
		q := base(withIndex)
		for _, cols := range layers {
			if len(cols) == 0 {
				continue
			}
			q = "SELECT r.*,\n\t" + strings.Join(cols, ",\n\t") + "\nFROM (" + q + ") AS r" + d.Fence()
		}
		return q
	}
	// States, values and labels per record.
	var cols []string
	for k, ind := range p.inds {
		state, _ := p.rules(ind)
		cols = append(cols, state+" AS "+d.Ident("s"+strconv.Itoa(k)))
		if v, ok := p.value(ind, "numerator_value", "observation"); ok {
			cols = append(cols, v+" AS "+d.Ident("nv"+strconv.Itoa(k)))
		}
		if v, ok := p.value(ind, "denominator_value"); ok {
			cols = append(cols, v+" AS "+d.Ident("dv"+strconv.Itoa(k)))
		}
		if c, ok := ind.crit["age_band"]; ok {
			cols = append(cols, p.critColumn(c)+" AS "+d.Ident("b"+strconv.Itoa(k)))
		}
	}
	var labels []string
	for j, comps := range p.spaces {
		for c, col := range comps {
			l := p.critColumn(col)
			if p.critKinds[col] != kString {
				l = d.Text(l)
			}
			name := d.Ident("l" + strconv.Itoa(j) + "_" + strconv.Itoa(c))
			cols = append(cols, l+" AS "+name)
			labels = append(labels, "r."+name)
		}
	}
	states := "SELECT r." + d.Ident("_k") + ",\n\t" + strings.Join(cols, ",\n\t") + "\nFROM (" + perRecord(false) + ") AS r" + d.Fence()
	// The aggregates.
	sel := []string{}
	if len(labels) > 0 {
		sel = append(sel, "GROUPING("+strings.Join(labels, ", ")+") AS "+d.Ident("g"))
		sel = append(sel, labels...)
	} else {
		sel = append(sel, "0 AS "+d.Ident("g"))
	}
	sel = append(sel, "count(*) AS "+d.Ident("n"))
	for k, ind := range p.inds {
		sel = append(sel, p.aggregates(k, ind)...)
	}
	q := "SELECT " + strings.Join(sel, ",\n\t") + "\nFROM (" + states + ") AS r"
	if len(labels) > 0 {
		sets := []string{"()"}
		for j, comps := range p.spaces {
			var s []string
			for c := range comps {
				s = append(s, "r."+d.Ident("l"+strconv.Itoa(j)+"_"+strconv.Itoa(c)))
			}
			sets = append(sets, "("+strings.Join(s, ", ")+")")
		}
		q += "\nGROUP BY GROUPING SETS (" + strings.Join(sets, ", ") + ")"
	}
	p.query = q
	// Error fields, for the examples of record errors.
	var ecols []string
	for k, ind := range p.inds {
		_, field := p.rules(ind)
		ecols = append(ecols, field+" AS "+d.Ident("x"+strconv.Itoa(k)))
	}
	p.perIndex = "SELECT r." + d.Ident("_i") + ",\n\t" + strings.Join(ecols, ",\n\t") + "\nFROM (" + perRecord(true) + ") AS r"
}

// value is the SQL of an indicator's numeric criterion (the first of keys
// it has), or 1 when the type sums one that it lacks.
func (p *Program) value(ind *indPlan, keys ...string) (string, bool) {
	for _, k := range keys {
		if c, ok := ind.crit[k]; ok {
			return p.critColumn(c), true
		}
	}
	switch ind.spec.Type {
	case indicator.Ratio, indicator.Rate, indicator.DSR, indicator.ISR:
		return "1", true
	}
	return "", false
}

// Population bits of a record's state.
const (
	bIP = 1 << iota
	bDEN
	bDENEX
	bDENEXCEP
	bNUMER
	bNUMEX
	bIncluded
	bInNum
	bInDen
)

// rules writes the indicator's population rules, in the order in which
// the engine evaluates them (indicator's evaluate, proportion, rate,
// ratio and standardised), as two CASE expressions over the criterion
// columns: the record's state (population bits; NULL when the record is
// errored) and the key of the failing criterion (NULL when it is not).
func (p *Program) rules(ind *indPlan) (state, field string) {
	type when struct {
		cond string
		mask string // "" for an error
		fail string
	}
	var ws []when
	col := func(key string) string {
		if c, ok := ind.crit[key]; ok {
			return p.critColumn(c)
		}
		return ""
	}
	fail := func(cond, key string) { ws = append(ws, when{cond: cond, fail: key}) }
	leaf := func(cond string, mask int) { ws = append(ws, when{cond: cond, mask: strconv.Itoa(mask)}) }
	errIf := func(key string) {
		if c := col(key); c != "" {
			fail(c+" IS NULL", key)
		}
	}
	bad := func(key string) string { // a numeric value the engine refuses
		c := col(key)
		if ind.kinds[key] == kDouble {
			d := p.d
			return "(" + c + " IS NULL OR " + c + " IN (" + d.Double(math.NaN()) + ", " + d.Double(math.Inf(1)) + ", " + d.Double(math.Inf(-1)) + "))"
		}
		return "(" + c + " IS NULL)"
	}
	errIf("initial_population")
	if c := col("initial_population"); c != "" {
		leaf("NOT "+c, 0)
	}
	for _, s := range ind.strata {
		var tests []string
		for _, c := range p.spaces[s.space] {
			tests = append(tests, p.critColumn(c)+" IS NULL")
		}
		if len(tests) > 0 {
			fail(strings.Join(tests, " OR "), "stratifier "+s.id)
		}
	}
	rate := func(mask int) {
		if c := col("denominator_value"); c != "" {
			fail(bad("denominator_value")+" OR "+c+" < 0", "denominator_value")
		}
		mask |= bIncluded | bInDen
		errIf("numerator")
		if c := col("numerator"); c != "" {
			leaf("NOT "+c, mask)
		}
		mask |= bNUMER
		errIf("numerator_exclusion")
		if c := col("numerator_exclusion"); c != "" {
			leaf(c, mask|bNUMEX)
		}
		if col("numerator_value") != "" {
			fail(bad("numerator_value"), "numerator_value")
		}
		leaf("TRUE", mask|bInNum)
	}
	if ind.spec.Type == indicator.Ratio {
		den, denex := orElse(col("denominator"), "TRUE"), orElse(col("denominator_exclusion"), "FALSE")
		num, numex := orElse(col("numerator"), "TRUE"), orElse(col("numerator_exclusion"), "FALSE")
		errIf("denominator")
		if c := col("denominator_exclusion"); c != "" {
			fail(den+" AND "+c+" IS NULL", "denominator_exclusion")
		}
		if col("denominator_value") != "" {
			fail(den+" AND NOT "+denex+" AND "+bad("denominator_value"), "denominator_value")
		}
		errIf("numerator")
		if c := col("numerator_exclusion"); c != "" {
			fail(num+" AND "+c+" IS NULL", "numerator_exclusion")
		}
		if col("numerator_value") != "" {
			fail(num+" AND NOT "+numex+" AND "+bad("numerator_value"), "numerator_value")
		}
		bit := func(cond string, b int) string {
			return "(CASE WHEN " + cond + " THEN " + strconv.Itoa(b) + " ELSE 0 END)"
		}
		inDen, inNum := "("+den+" AND NOT "+denex+")", "("+num+" AND NOT "+numex+")"
		mask := strings.Join([]string{strconv.Itoa(bIP), bit(den, bDEN), bit(den+" AND "+denex, bDENEX), bit(inDen, bInDen),
			bit(num, bNUMER), bit(num+" AND "+numex, bNUMEX), bit(inNum, bInNum), bit(inDen+" OR "+inNum, bIncluded)}, " + ")
		ws = append(ws, when{cond: "TRUE", mask: "(" + mask + ")"})
	} else {
		errIf("denominator")
		if c := col("denominator"); c != "" {
			leaf("NOT "+c, bIP)
		}
		errIf("denominator_exclusion")
		if c := col("denominator_exclusion"); c != "" {
			leaf(c, bIP|bDEN|bDENEX)
		}
		base := bIP | bDEN
		switch ind.spec.Type {
		case indicator.Proportion:
			errIf("numerator")
			num := col("numerator")
			if c := col("denominator_exception"); c != "" {
				fail("NOT "+num+" AND "+c+" IS NULL", "denominator_exception")
				leaf("NOT "+num+" AND "+c, base|bDENEXCEP)
			}
			leaf("NOT "+num, base|bIncluded)
			errIf("numerator_exclusion")
			if c := col("numerator_exclusion"); c != "" {
				leaf(c, base|bNUMER|bIncluded|bNUMEX)
			}
			leaf("TRUE", base|bNUMER|bIncluded|bInNum)
		case indicator.Mean:
			fail(bad("observation"), "observation")
			leaf("TRUE", base|bIncluded|bInNum)
		case indicator.Rate:
			rate(base)
		case indicator.DSR, indicator.ISR:
			c := col("age_band")
			fail(c+" IS NULL OR "+c+" < 0 OR "+c+" >= "+strconv.Itoa(ind.bands), "age_band")
			rate(base)
		default: // count
			leaf("TRUE", base|bIncluded)
		}
	}
	var s, f strings.Builder
	s.WriteString("(CASE")
	f.WriteString("(CASE")
	for _, w := range ws {
		s.WriteString(" WHEN " + w.cond + " THEN ")
		f.WriteString(" WHEN " + w.cond + " THEN ")
		if w.mask == "" {
			s.WriteString("NULL")
			// The failing field as its number in ind.fields: stratifier
			// ids are the user's text, never spliced into SQL.
			f.WriteString(strconv.Itoa(ind.field(w.fail)))
		} else {
			s.WriteString(w.mask)
			f.WriteString("NULL")
		}
		if w.cond == "TRUE" {
			break
		}
	}
	s.WriteString(" END)")
	f.WriteString(" END)")
	return s.String(), f.String()
}

func orElse(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

// aggregates are the select list of one indicator: nine counts (the six
// populations, included, errored, observations) and four sums (numerator,
// denominator, observations and their squares), then two sums per band.
func (p *Program) aggregates(k int, ind *indPlan) []string {
	d := p.d
	s := "r." + d.Ident("s"+strconv.Itoa(k))
	has := func(b int) string { return "(" + s + " & " + strconv.Itoa(b) + ") <> 0" }
	var out []string
	for _, b := range []int{bIP, bDEN, bDENEX, bDENEXCEP, bNUMER, bNUMEX, bIncluded} {
		out = append(out, d.CountIf(has(b)))
	}
	out = append(out, d.CountIf(s+" IS NULL"))
	nv := "r." + d.Ident("nv"+strconv.Itoa(k))
	dv := "r." + d.Ident("dv"+strconv.Itoa(k))
	switch ind.spec.Type {
	case indicator.Mean:
		out = append(out, d.CountIf(has(bInNum)), "0", "0", d.SumIf(nv, has(bInNum)), d.SumSquaresIf(nv, has(bInNum)))
	case indicator.Ratio, indicator.Rate, indicator.DSR, indicator.ISR:
		out = append(out, "0", d.SumIf(nv, has(bInNum)), d.SumIf(dv, has(bInDen)), "0", "0")
	default:
		out = append(out, "0", "0", "0", "0", "0")
	}
	band := "r." + d.Ident("b"+strconv.Itoa(k))
	for b := range ind.bands {
		in := band + " = " + strconv.Itoa(b)
		out = append(out, d.SumIf(nv, has(bInNum)+" AND "+in), d.SumIf(dv, has(bIncluded)+" AND "+in))
	}
	return out
}
