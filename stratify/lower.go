package stratify

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/ext"

	"github.com/openhpi/hpi/indicator"
)

// This file checks a parsed model and lowers it to indicator definitions:
// every component, the score, the tier and the segment become named CEL
// expressions, so that one engine evaluates models and indicators alike.

// standaloneUnit is the unit name of a model's own input schema.
const standaloneUnit = "inputs"

// reservedNames may not name an input or a component: they are CEL's
// reserved words, the names hpi binds, and the outputs of a model.
var reservedNames = []string{
	"true", "false", "null", "in", "as", "break", "const", "continue", "else",
	"for", "function", "if", "import", "let", "loop", "package", "namespace",
	"return", "var", "void", "while", "valuesets", "int", "uint", "double",
	"bool", "string", "bytes", "list", "map", "type", "has", "dyn",
	"timestamp", "duration", "optional_type", "math", "strings", "lists",
	"score", "tier", "segment", "logit", "input", standaloneUnit,
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// checker type-checks a model's CEL expressions against its own inputs.
type checker struct {
	p *parser
	m *Model
}

// env returns a CEL environment with the given variables and the
// extensions of package indicator's environment.
func newEnv(vars map[string]*types.Type) (*cel.Env, error) {
	opts := []cel.EnvOption{
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(), ext.Math(), ext.Lists(),
	}
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		opts = append(opts, cel.Variable(n, vars[n]))
	}
	return cel.NewEnv(opts...)
}

func celType(k indicator.Kind) *types.Type {
	switch k {
	case indicator.KindInt:
		return types.IntType
	case indicator.KindDouble:
		return types.DoubleType
	case indicator.KindBool:
		return types.BoolType
	}
	return types.StringType
}

// exprPos maps a CEL location inside e to the YAML file.
func exprPos(e indicator.Expr, loc common.Location) indicator.Position {
	pos := e.Pos
	if loc == nil || loc.Line() < 1 {
		return pos
	}
	if loc.Line() == 1 {
		pos.Column += loc.Column()
		return pos
	}
	pos.Line += loc.Line() - 1
	pos.Column = max(e.Indent, 1) + loc.Column()
	return pos
}

// check type-checks e in env and returns its output type, or nil after
// reporting the problems. Optional inputs, and comprehension variables
// that shadow a model name, are refused.
func (c *checker) check(env *cel.Env, e indicator.Expr, field string, want ...*types.Type) *types.Type {
	parsed, iss := env.Parse(e.Text)
	if iss.Err() != nil {
		for _, ce := range iss.Errors() {
			c.p.diag(exprPos(e, ce.Location), field, indicator.ErrInvalidDefinition, "%s", ce.Message)
		}
		return nil
	}
	for _, x := range ast.MatchDescendants(ast.NavigateAST(parsed.NativeRep()), ast.KindMatcher(ast.ComprehensionKind)) {
		comp := x.AsComprehension()
		for _, v := range []string{comp.IterVar(), comp.IterVar2()} {
			if v != "" && c.m.known(v) {
				c.p.diag(e.Pos, field, indicator.ErrInvalidDefinition, "comprehension variable %q shadows a name of the model", v)
				return nil
			}
		}
	}
	for _, x := range ast.MatchDescendants(ast.NavigateAST(parsed.NativeRep()), ast.KindMatcher(ast.IdentKind)) {
		if in := c.m.input(x.AsIdent()); in != nil && in.Optional {
			c.p.diag(e.Pos, field, indicator.ErrInvalidDefinition, "optional input %q can only be read by a banded component (with absent points)", in.Name)
			return nil
		}
	}
	checked, iss := env.Check(parsed)
	if iss.Err() != nil {
		for _, ce := range iss.Errors() {
			c.p.diag(exprPos(e, ce.Location), field, indicator.ErrTypeMismatch, "%s", ce.Message)
		}
		return nil
	}
	out := checked.OutputType()
	if len(want) > 0 && !slices.ContainsFunc(want, out.IsExactType) {
		names := make([]string, len(want))
		for i, t := range want {
			names[i] = t.String()
		}
		c.p.diag(e.Pos, field, indicator.ErrTypeMismatch, "expression has type %s, want %s", out, strings.Join(names, " or "))
		return nil
	}
	return out
}

// validate checks everything but the CEL of the model; it reports
// problems to p.
func (m *Model) validate(p *parser) {
	errAt := func(pos indicator.Position, field, format string, args ...any) {
		p.diag(pos, field, indicator.ErrInvalidDefinition, format, args...)
	}
	m.prefix = strings.NewReplacer("-", "_", ".", "_").Replace(m.ID)
	if m.ID != "" && !isIdent(m.prefix) {
		errAt(m.Pos, "id", "id %q does not make an identifier (letters, digits, '_', '-', '.'; not starting with a digit)", m.ID)
	}
	names := map[string]bool{}
	for _, in := range m.Inputs {
		if !isIdent(in.Name) || slices.Contains(reservedNames, in.Name) {
			errAt(in.Pos, "inputs", "input name %q is not a usable identifier", in.Name)
		}
		names[in.Name] = true
	}
	comps := map[string]*Component{}
	for i := range m.Components {
		c := &m.Components[i]
		if !isIdent(c.Name) || slices.Contains(reservedNames, c.Name) || strings.HasSuffix(c.Name, "_raw") || strings.HasPrefix(c.Name, "input_") {
			errAt(c.Pos, "components", "component name %q is not a usable identifier (reserved, or ending in _raw, or starting with input_)", c.Name)
		}
		comps[c.Name] = c
		if c.Input == "" {
			continue
		}
		in := m.input(c.Input)
		switch {
		case in == nil:
			errAt(c.Pos, "components."+c.Name+".input", "unknown input %q", c.Input)
			continue
		case in.Type != indicator.KindInt && in.Type != indicator.KindDouble:
			errAt(c.Pos, "components."+c.Name+".input", "input %q is a %s; bands need an int or double input", c.Input, in.Type)
			continue
		case in.Optional && c.Absent == nil:
			errAt(c.Pos, "components."+c.Name+".absent", "input %q is optional: say how many points its absence gives (absent: 0)", c.Input)
		case !in.Optional && c.Absent != nil:
			errAt(c.Pos, "components."+c.Name+".absent", "input %q is not optional", c.Input)
		}
		c.inputIsInt, c.inputOption = in.Type == indicator.KindInt, in.Optional
		if err := checkBands(c.Bands, c.inputIsInt); err != nil {
			errAt(c.Pos, "components."+c.Name+".bands", "%v", err)
		}
	}
	for _, h := range m.Hierarchies {
		for _, n := range []string{h.Severe, h.Mild} {
			if n != "" && comps[n] == nil {
				errAt(h.Pos, "hierarchies", "unknown component %q", n)
			}
		}
		if h.Severe == h.Mild && h.Severe != "" {
			errAt(h.Pos, "hierarchies", "a component cannot zero itself")
		}
	}
	if m.Logistic != nil {
		if !m.ScoreExpr.IsZero() || m.ScoreCap != nil {
			errAt(m.Logistic.Pos, "logistic", "a logistic model computes its own score: remove score")
		}
		for _, k := range sortedKeys(m.Logistic.Coefficients) {
			if comps[k] == nil {
				errAt(m.Logistic.Pos, "logistic.coefficients", "unknown component %q", k)
			}
		}
	}
	if len(m.Components) == 0 && len(m.Segments) == 0 {
		errAt(m.Pos, "", "a model needs components (a score) or segments")
	}
	if len(m.Components) == 0 && (len(m.Tiers) > 0 || m.Logistic != nil || !m.ScoreExpr.IsZero()) {
		errAt(m.Pos, "components", "tiers, score and logistic need components")
	}
	m.validateTiers(errAt)
	seen := map[string]bool{}
	for i, s := range m.Segments {
		last := i == len(m.Segments)-1
		switch {
		case seen[s.Name]:
			errAt(s.Pos, "segments", "duplicate segment %q", s.Name)
		case last && !s.When.IsZero():
			errAt(s.Pos, "segments", "the last segment must be the catch-all, without when, so that every record gets a segment")
		case !last && s.When.IsZero():
			errAt(s.Pos, "segments", "only the last segment may be a catch-all without when (segment %q hides those after it)", s.Name)
		}
		seen[s.Name] = true
	}
}

func (m *Model) validateTiers(errAt func(indicator.Position, string, string, ...any)) {
	seen := map[string]bool{}
	for i, t := range m.Tiers {
		if seen[t.Name] {
			errAt(t.Pos, "tiers", "duplicate tier %q", t.Name)
		}
		seen[t.Name] = true
		switch {
		case i == 0 && t.From != nil:
			errAt(t.Pos, "tiers", "the first tier takes every score below the next cut-off: it has no gte or gt")
		case i > 0 && t.From == nil:
			errAt(t.Pos, "tiers", "tier %q needs a cut-off (gte or gt)", t.Name)
		case i > 1 && m.Tiers[i-1].From != nil && t.From.Value <= m.Tiers[i-1].From.Value:
			errAt(t.Pos, "tiers", "cut-offs must increase: %g after %g", t.From.Value, m.Tiers[i-1].From.Value)
		case i > 0 && m.Logistic != nil && (t.From.Value <= 0 || t.From.Value >= 1):
			errAt(t.Pos, "tiers", "a logistic model's cut-offs are probabilities strictly between 0 and 1")
		}
	}
}

// checkBands verifies that bands are in ascending order, contiguous and
// cover every value: the first has no lower bound, the last no upper
// bound, and each starts where the previous ends. For an int input,
// integer neighbours are contiguous (lte 3 then gte 4).
func checkBands(bands []Band, integer bool) error {
	if len(bands) == 0 {
		return nil
	}
	if bands[0].Lower != nil {
		return fmt.Errorf("the first band must have no lower bound, so that every value has points")
	}
	if bands[len(bands)-1].Upper != nil {
		return fmt.Errorf("the last band must have no upper bound, so that every value has points")
	}
	for i := 1; i < len(bands); i++ {
		prev, cur := bands[i-1].Upper, bands[i].Lower
		if prev == nil || cur == nil {
			return fmt.Errorf("band %d: inner bands need both bounds", i+1)
		}
		ok := prev.Value == cur.Value && prev.Inclusive != cur.Inclusive
		if integer && !ok {
			hi := math.Floor(prev.Value)
			if !prev.Inclusive && hi == prev.Value {
				hi--
			}
			lo := math.Ceil(cur.Value)
			if !cur.Inclusive && lo == cur.Value {
				lo++
			}
			ok = lo == hi+1
		}
		if !ok {
			return fmt.Errorf("band %d does not start where band %d ends (a gap or an overlap at %g)", i+1, i, cur.Value)
		}
		if u := bands[i].Upper; u != nil && (u.Value < cur.Value || (u.Value == cur.Value && !(u.Inclusive && cur.Inclusive))) {
			return fmt.Errorf("band %d is empty", i+1)
		}
	}
	return nil
}

// checkCEL type-checks every expression of the model.
// wholePoints reports whether the model's points can be CEL ints: every
// points value, absent value and cap is a whole number, every expression
// component is an int, and the score is the plain sum. Integer points keep
// scores exact and let the engine count by score on its fast path.
func (m *Model) wholePoints() bool {
	if m.Logistic != nil || !m.ScoreExpr.IsZero() || !whole(m.ScoreCap) {
		return false
	}
	for _, c := range m.Components {
		switch {
		case !c.Expression.IsZero() && !c.exprIsInt, !whole(&c.Points), !whole(c.Absent), !whole(c.Cap):
			return false
		}
		for _, b := range c.Bands {
			if !whole(&b.Points) {
				return false
			}
		}
	}
	return true
}

// whole reports whether *x, when given, is a whole number an int64 holds
// exactly.
func whole(x *float64) bool {
	return x == nil || *x == math.Trunc(*x) && math.Abs(*x) < 1<<53
}

func (m *Model) checkCEL(p *parser) {
	c := &checker{p: p, m: m}
	inputs := map[string]*types.Type{}
	for _, in := range m.Inputs {
		inputs[in.Name] = celType(in.Type)
	}
	env, err := newEnv(inputs)
	if err != nil {
		p.diag(m.Pos, "inputs", indicator.ErrInvalidDefinition, "CEL environment: %v", err)
		return
	}
	for i := range m.Components {
		comp := &m.Components[i]
		field := "components." + comp.Name
		switch {
		case !comp.When.IsZero():
			c.check(env, comp.When, field+".when", types.BoolType)
		case !comp.Expression.IsZero():
			t := c.check(env, comp.Expression, field+".expression", types.IntType, types.DoubleType)
			comp.exprIsInt = t != nil && t.IsExactType(types.IntType)
		}
	}
	m.intPoints = m.wholePoints()
	if !m.ScoreExpr.IsZero() {
		vars := map[string]*types.Type{}
		for _, comp := range m.Components {
			vars[comp.Name] = types.DoubleType
		}
		if senv, err := newEnv(vars); err == nil {
			t := c.check(senv, m.ScoreExpr, "score.expression", types.IntType, types.DoubleType)
			m.scoreIsInt = t != nil && t.IsExactType(types.IntType)
		}
	}
	if len(m.Segments) > 0 {
		vars := maps(inputs)
		if len(m.Components) > 0 && m.Logistic == nil {
			vars["score"] = types.DoubleType
			if m.intPoints {
				vars["score"] = types.IntType
			}
		}
		if len(m.Tiers) > 0 {
			vars["tier"] = types.StringType
		}
		if senv, err := newEnv(vars); err == nil {
			for _, s := range m.Segments {
				if !s.When.IsZero() {
					c.check(senv, s.When, "segments."+s.Name+".when", types.BoolType)
				}
			}
		}
	}
}

func maps(m map[string]*types.Type) map[string]*types.Type {
	out := make(map[string]*types.Type, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// lowering holds the choices of one lowering: the prefix of the
// definitions and how each input is read.
type lowering struct {
	m      *Model
	prefix string
	// input returns the CEL identifier that holds an input's value;
	// present returns a CEL condition for an optional input's presence,
	// or "" when it is always absent.
	input   func(name string) string
	present func(name string) string
	env     *cel.Env // for parsing, with no declarations needed
}

// pts formats points: CEL ints for a model of whole points, else doubles.
func (l *lowering) pts(x float64) string {
	if !l.m.intPoints {
		return literal(x)
	}
	if x < 0 {
		return "(" + strconv.FormatInt(int64(x), 10) + ")"
	}
	return strconv.FormatInt(int64(x), 10)
}

// bound formats a band's bound for an input: an int literal for an int
// input when the bound is whole (the engine's fastest comparison).
func bound(x float64, intInput bool) string {
	if intInput && whole(&x) {
		if x < 0 {
			return "(" + strconv.FormatInt(int64(x), 10) + ")"
		}
		return strconv.FormatInt(int64(x), 10)
	}
	return literal(x)
}

// name returns the definition name of a model output or component.
func (l *lowering) name(s string) string { return l.prefix + "_" + s }

// literal formats a double as a CEL double literal.
func literal(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	if x < 0 {
		s = "(" + s + ")"
	}
	return s
}

// rename rewrites the identifiers of a CEL expression on its AST (never on
// its text) and prints it back.
func (l *lowering) rename(text string, to func(string) (string, bool)) (string, error) {
	parsed, iss := l.env.Parse(text)
	if iss.Err() != nil {
		return "", iss.Err()
	}
	a := parsed.NativeRep()
	fac := ast.NewExprFactory()
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		if e == nil {
			return
		}
		switch e.Kind() {
		case ast.IdentKind:
			if n, ok := to(e.AsIdent()); ok {
				e.SetKindCase(fac.NewIdent(e.ID(), n))
			}
		case ast.SelectKind:
			walk(e.AsSelect().Operand())
		case ast.CallKind:
			call := e.AsCall()
			if call.IsMemberFunction() {
				walk(call.Target())
			}
			for _, arg := range call.Args() {
				walk(arg)
			}
		case ast.ListKind:
			for _, el := range e.AsList().Elements() {
				walk(el)
			}
		case ast.MapKind:
			for _, en := range e.AsMap().Entries() {
				walk(en.AsMapEntry().Key())
				walk(en.AsMapEntry().Value())
			}
		case ast.StructKind:
			for _, f := range e.AsStruct().Fields() {
				walk(f.AsStructField().Value())
			}
		case ast.ComprehensionKind:
			comp := e.AsComprehension()
			walk(comp.IterRange())
			walk(comp.AccuInit())
			walk(comp.LoopCondition())
			walk(comp.LoopStep())
			walk(comp.Result())
		}
	}
	walk(a.Expr())
	// The printer shows macros (exists, all, ...) as written, from the
	// macro calls kept beside the expanded AST: rename inside them too.
	for _, mc := range a.SourceInfo().MacroCalls() {
		walk(mc)
	}
	return cel.AstToString(parsed)
}

// defs lowers the model to definitions, in dependency order.
func (l *lowering) defs() ([]indicator.DefinitionSpec, error) {
	m := l.m
	var out []indicator.DefinitionSpec
	add := func(name, text string, pos indicator.Position) {
		pos.Column = 0 // the text is generated: no column in the YAML
		out = append(out, indicator.DefinitionSpec{Name: name, Expr: indicator.Expr{Text: text, Pos: pos}})
	}
	inputsOnly := func(n string) (string, bool) {
		if m.input(n) != nil {
			return l.input(n), true
		}
		return "", false
	}
	needRaw := map[string]bool{}
	for _, h := range m.Hierarchies {
		needRaw[h.Severe], needRaw[h.Mild] = true, true
	}
	for _, c := range m.Components {
		if c.Cap != nil {
			needRaw[c.Name] = true
		}
	}
	raw := map[string]string{}
	for _, c := range m.Components {
		var text string
		switch {
		case !c.When.IsZero():
			cond, err := l.rename(c.When.Text, inputsOnly)
			if err != nil {
				return nil, err
			}
			text = fmt.Sprintf("(%s) ? %s : %s", cond, l.pts(c.Points), l.pts(0))
		case !c.Expression.IsZero():
			e, err := l.rename(c.Expression.Text, inputsOnly)
			if err != nil {
				return nil, err
			}
			text = "(" + e + ")"
			if c.exprIsInt && !m.intPoints {
				text = "double" + text
			}
		default:
			text = l.bands(c)
		}
		if needRaw[c.Name] {
			add(l.name(c.Name+"_raw"), text, c.Pos)
			text = l.name(c.Name + "_raw")
		}
		raw[c.Name] = text
	}
	for _, c := range m.Components {
		text := raw[c.Name]
		if !needRaw[c.Name] {
			add(l.name(c.Name), text, c.Pos)
			continue
		}
		if c.Cap != nil {
			text = fmt.Sprintf("%s > %s ? %s : %s", text, l.pts(*c.Cap), l.pts(*c.Cap), text)
		}
		for _, h := range m.Hierarchies {
			if h.Mild == c.Name {
				text = fmt.Sprintf("%s != %s ? %s : (%s)", l.name(h.Severe+"_raw"), l.pts(0), l.pts(0), text)
			}
		}
		add(l.name(c.Name), text, c.Pos)
	}
	comps := func(n string) (string, bool) {
		if m.component(n) != nil {
			return l.name(n), true
		}
		return "", false
	}
	scoreName := l.name("score")
	if len(m.Components) > 0 {
		var text string
		switch {
		case m.Logistic != nil:
			scoreName = l.name("logit")
			terms := []string{literal(m.Logistic.Intercept)}
			for _, k := range sortedKeys(m.Logistic.Coefficients) {
				terms = append(terms, literal(m.Logistic.Coefficients[k])+" * "+l.name(k))
			}
			text = strings.Join(terms, " + ")
		case !m.ScoreExpr.IsZero():
			e, err := l.rename(m.ScoreExpr.Text, comps)
			if err != nil {
				return nil, err
			}
			text = "(" + e + ")"
			if m.scoreIsInt {
				text = "double" + text
			}
		default:
			terms := make([]string, len(m.Components))
			for i, c := range m.Components {
				terms[i] = l.name(c.Name)
			}
			text = strings.Join(terms, " + ")
		}
		if m.ScoreCap != nil {
			add(l.name("score_raw"), text, m.Pos)
			text = fmt.Sprintf("%s > %s ? %s : %s", l.name("score_raw"), l.pts(*m.ScoreCap), l.pts(*m.ScoreCap), l.name("score_raw"))
		}
		add(scoreName, text, m.Pos)
	}
	if len(m.Tiers) > 0 {
		text := strconv.Quote(m.Tiers[0].Name)
		for _, t := range m.Tiers[1:] {
			cut := t.From.Value
			if m.Logistic != nil {
				cut = math.Log(cut / (1 - cut)) // p >= c exactly when logit(p) >= logit(c)
			}
			op := ">"
			if t.From.Inclusive {
				op = ">="
			}
			text = fmt.Sprintf("%s %s %s ? %s : %s", scoreName, op, bound(cut, m.intPoints), strconv.Quote(t.Name), text)
		}
		add(l.name("tier"), text, m.Tiers[0].Pos)
	}
	if len(m.Segments) > 0 {
		segNames := func(n string) (string, bool) {
			switch {
			case m.input(n) != nil:
				return l.input(n), true
			case n == "score" || n == "tier":
				return l.name(n), true
			}
			return "", false
		}
		text := strconv.Quote(m.Segments[len(m.Segments)-1].Name)
		for i := len(m.Segments) - 2; i >= 0; i-- {
			s := m.Segments[i]
			cond, err := l.rename(s.When.Text, segNames)
			if err != nil {
				return nil, err
			}
			text = fmt.Sprintf("(%s) ? %s : %s", cond, strconv.Quote(s.Name), text)
		}
		add(l.name("segment"), text, m.Segments[0].Pos)
	}
	return out, nil
}

// bands lowers a points table to a conditional chain on the upper bounds,
// from the top band down; checkBands made the bands contiguous, so the
// chain tests each value against one bound per band.
func (l *lowering) bands(c Component) string {
	x := l.input(c.Input)
	last := c.Bands[len(c.Bands)-1]
	text := l.pts(last.Points)
	for i := len(c.Bands) - 2; i >= 0; i-- {
		b := c.Bands[i]
		op := "<"
		if b.Upper.Inclusive {
			op = "<="
		}
		text = fmt.Sprintf("%s %s %s ? %s : %s", x, op, bound(b.Upper.Value, c.inputIsInt), l.pts(b.Points), text)
	}
	if c.inputOption {
		cond := l.present(c.Input)
		if cond == "" {
			return l.pts(*c.Absent)
		}
		text = fmt.Sprintf("%s ? (%s) : %s", cond, text, l.pts(*c.Absent))
	}
	return text
}
