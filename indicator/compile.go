package indicator

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/ext"

	"github.com/openhpi/hpi/internal/textvalue"
)

// DefaultCostBudget is the largest estimated cost of one expression that
// Compile accepts unless WithCostBudget says otherwise. CEL counts roughly
// one unit per operation, and a list field is assumed to hold up to
// WithMaxListSize elements.
const DefaultCostBudget = 1_000_000

// DefaultMaxListSize is the number of elements a list or event field is
// assumed to hold at most when costs are estimated.
const DefaultMaxListSize = 1000

// CompileOption sets an optional compile setting.
type CompileOption func(*compileConfig)

type compileConfig struct {
	costBudget  uint64
	maxListSize uint64
	native      bool
	limits      *Limits // untrusted-rule mode; nil for trusted rules
}

// WithCostBudget rejects any expression whose estimated worst-case cost
// exceeds budget.
func WithCostBudget(budget uint64) CompileOption {
	return func(c *compileConfig) { c.costBudget = budget }
}

// WithMaxListSize sets the assumed maximum length of list and event fields
// used by cost estimation.
func WithMaxListSize(n uint64) CompileOption {
	return func(c *compileConfig) { c.maxListSize = n }
}

// WithInterpreterOnly evaluates every expression with cel-go's
// interpreter, never with the native closures of the common subset. The
// results are the same; it exists to compare the two paths.
func WithInterpreterOnly() CompileOption {
	return func(c *compileConfig) { c.native = false }
}

// Set is a compiled indicator set: immutable, reusable and safe for
// concurrent use. Evaluate runs all of its indicators over a source in one
// pass.
type Set struct {
	spec         *SetSpec
	schema       *Schema
	names        map[string]binding
	record       *objectType
	events       []*objectType // per top-level field; nil unless an event list
	elemTypes    []*types.Type // per top-level field: the element type of a list
	valueSets    *object
	params       []ParameterSpec
	defaults     []ref.Val
	exprs        []compiledExpr // every definition and criterion, each once
	defExpr      []int          // definition index → its entry in exprs
	slots        int            // variables of native comprehensions: a cursor holds one event index per slot
	buffers      int            // native filters: a cursor holds one index buffer per filter
	temps        int            // vectorised && and ||: a cursor holds one scratch bitvec per node
	eventVectors int            // filters computed as event vectors: a cursor holds one per filter
	keySpaces    [][]*criterion // the distinct stratifiers, by their components
	indicators   []*compiledIndicator
	env          *cel.Env // the environment every expression was checked in, definitions declared
}

// bindingKind says where a CEL variable's value comes from.
type bindingKind uint8

const (
	bindField bindingKind = iota
	bindRecord
	bindValueSets
	bindParam
	bindDefinition
)

type binding struct {
	kind  bindingKind
	index int
}

// compiledExpr is one expression the cursor evaluates at most once per
// record: a definition (named) or a criterion or stratifier component.
// Identical criteria of several indicators share one entry, so a
// stratifier such as age_band, common to every indicator, is evaluated once
// per record, not once per indicator.
type compiledExpr struct {
	name   string // the definition's name; "" for a criterion
	prog   cel.Program
	native native // the same expression as Go closures, when it is in the native subset
}

// LoadFile parses and compiles an indicator set from a YAML file.
func LoadFile(path string, opts ...CompileOption) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("indicator: %w", err)
	}
	return Load(path, data, opts...)
}

// Load parses and compiles an indicator set from YAML bytes; file names the
// source in error positions. The problems of both stages are reported
// together: a file with an unknown key and a type error in an expression
// gets both diagnostics at once.
func Load(file string, data []byte, opts ...CompileOption) (*Set, error) {
	spec, diags := parse(file, data)
	if spec == nil {
		return nil, diags.err()
	}
	set, err := Compile(spec, opts...)
	if len(diags) == 0 {
		return set, err
	}
	var more Diagnostics
	if errors.As(err, &more) {
		diags = diags.merge(more)
	}
	return nil, diags.err()
}

// Spec returns the definitions the set was compiled from. Callers must not
// modify it.
func (s *Set) Spec() *SetSpec { return s.spec }

// Schema returns the set's schema.
func (s *Set) Schema() *Schema { return s.schema }

// compiler holds the state of one Compile call.
type compiler struct {
	spec      *SetSpec
	cfg       compileConfig
	set       *Set
	env       *cel.Env
	diags     Diagnostics
	shared    map[string]int // criterion text → its entry in set.exprs
	keySpaces map[string]int // stratifier components → key space
}

// Compile type-checks every expression of spec against its schema,
// estimates costs, orders definitions and returns a runnable Set. Every
// problem is reported at once as Diagnostics.
func Compile(spec *SetSpec, opts ...CompileOption) (*Set, error) {
	cfg := compileConfig{costBudget: DefaultCostBudget, maxListSize: DefaultMaxListSize, native: true}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.limits != nil {
		cfg.costBudget = min(cfg.costBudget, cfg.limits.CostBudget) // the mode only tightens
	}
	spec = spec.clone() // the Set keeps its own copy: later changes to the caller's spec do not reach it
	if spec.Schema.Unit == "" {
		spec.Schema.Unit = "record"
	}
	c := &compiler{spec: spec, cfg: cfg, set: &Set{spec: spec, schema: &spec.Schema, names: map[string]binding{}}, shared: map[string]int{}, keySpaces: map[string]int{}}
	if err := spec.Schema.Validate(); err != nil {
		c.diag(spec.Pos, "schema", "", ErrInvalidDefinition, "%s", unclassified(err))
		return nil, c.diags.err()
	}
	if !c.buildEnv() {
		return nil, c.diags.err()
	}
	c.compileDefinitions()
	for i := range spec.Indicators {
		c.compileIndicator(&spec.Indicators[i])
	}
	if err := c.diags.err(); err != nil {
		return nil, err
	}
	c.set.env = c.env
	return c.set, nil
}

func (c *compiler) diag(pos Position, owner, field string, class error, format string, args ...any) {
	d := Diagnostic{Pos: pos, Owner: owner, Field: field, Class: class, Message: fmt.Sprintf(format, args...)}
	if lines := c.spec.source[pos.File]; pos.Line >= 1 && pos.Line <= len(lines) {
		d.Line = strings.TrimRight(lines[pos.Line-1], "\r")
	}
	c.diags = append(c.diags, d)
}

// bind records where a CEL name's value comes from, refusing clashes.
func (c *compiler) bind(name string, b binding, pos Position, owner string) bool {
	if !isIdent(name) || reserved(name) {
		c.diag(pos, owner, "", ErrInvalidDefinition, "%q is not a usable name", name)
		return false
	}
	if _, dup := c.set.names[name]; dup {
		c.diag(pos, owner, "", ErrInvalidDefinition, "name %q is already used by a field, parameter or definition", name)
		return false
	}
	c.set.names[name] = b
	return true
}

// buildEnv declares the record, its fields, value sets and parameters.
func (c *compiler) buildEnv() bool {
	s := c.set
	sch := s.schema
	reg, err := types.NewRegistry()
	if err != nil {
		c.diag(c.spec.Pos, "set", "", ErrInvalidDefinition, "CEL registry: %v", err)
		return false
	}
	prov := &provider{Registry: reg, objects: map[string]*objectType{}}
	s.record = newObjectType("hpi." + sch.Unit)
	prov.objects[s.record.name] = s.record
	s.events = make([]*objectType, len(sch.Fields))
	s.elemTypes = make([]*types.Type, len(sch.Fields))
	var vars []cel.EnvOption
	for i := range sch.Fields {
		f := &sch.Fields[i]
		typ := c.declareField(prov, i, f)
		vars = append(vars, cel.Variable(f.Name, typ))
		c.bind(f.Name, binding{kind: bindField, index: i}, c.spec.Pos, "schema")
	}
	vars = append(vars, cel.Variable(sch.Unit, s.record.celType))
	c.bind(sch.Unit, binding{kind: bindRecord}, c.spec.Pos, "schema unit")
	vars = append(vars, cel.Variable("valuesets", c.declareValueSets(prov)))
	s.names["valuesets"] = binding{kind: bindValueSets}
	vars = append(vars, c.declareParams()...)
	var lists []ext.ListsOption
	if c.cfg.limits != nil {
		lists = c.cfg.limits.listsOptions()
	}
	opts := []cel.EnvOption{
		cel.CustomTypeProvider(prov),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(),
		ext.Math(),
		ext.Lists(lists...),
	}
	if c.cfg.limits != nil {
		opts = append(opts, c.cfg.limits.envOptions()...)
	}
	opts = append(opts, functions()...)
	opts = append(opts, valueSetFunctions()...)
	c.env, err = cel.NewEnv(append(opts, vars...)...)
	if err != nil {
		c.diag(c.spec.Pos, "set", "", ErrInvalidDefinition, "CEL environment: %v", err)
		return false
	}
	return true
}

// declareField registers field i with the record type (and an event type
// for event lists) and returns its CEL type.
func (c *compiler) declareField(prov *provider, i int, f *Field) *types.Type {
	s := c.set
	eventName := s.record.name + "." + f.Name
	if f.Kind == KindEvents {
		et := newObjectType(eventName)
		for j := range f.Fields {
			j, ef := j, &f.Fields[j]
			et.add(ef.Name, celTypeOf(ef, ""),
				func(obj any) bool { e := obj.(*eventRef); return !e.view.col.fields[j].isNull(e.i) },
				func(obj any) (any, error) { e := obj.(*eventRef); return refOrError(e.view.value(j, e.i)) })
		}
		prov.objects[et.name] = et
		s.events[i] = et
	}
	typ := celTypeOf(f, eventName)
	if f.Kind == KindList || f.Kind == KindEvents {
		s.elemTypes[i] = typ.Parameters()[0]
	}
	s.record.add(f.Name, typ,
		func(obj any) bool { return !obj.(*row).isNull(i) },
		func(obj any) (any, error) { return refOrError(obj.(*row).field(i)) })
	return typ
}

func refOrError(v ref.Val) (any, error) {
	if e, ok := v.(*types.Err); ok {
		return nil, e
	}
	return v, nil
}

func (c *compiler) declareValueSets(prov *provider) *types.Type {
	vt := newObjectType("hpi.valuesets")
	seen := map[string]bool{}
	for _, vs := range c.spec.ValueSets {
		owner := "valueset " + vs.Name
		if !isIdent(vs.Name) || reserved(vs.Name) || seen[vs.Name] {
			c.diag(vs.Pos, owner, "", ErrInvalidDefinition, "value set name %q is not a usable identifier or is used twice", vs.Name)
			continue
		}
		seen[vs.Name] = true
		set := newValueSet(vs.Name, vs.Codes, vs.Concepts)
		vt.add(vs.Name, types.NewListType(types.StringType),
			func(any) bool { return true },
			func(any) (any, error) { return set, nil })
	}
	prov.objects[vt.name] = vt
	c.set.valueSets = &object{typ: vt}
	return vt.celType
}

func (c *compiler) declareParams() []cel.EnvOption {
	var vars []cel.EnvOption
	s := c.set
	for _, p := range c.spec.Parameters {
		owner := "parameter " + p.Name
		if !p.Type.Kind.scalar() || p.Type.Nullable {
			c.diag(p.Pos, owner, "type", ErrInvalidDefinition, "want a scalar type")
			continue
		}
		var def ref.Val
		if p.HasDefault {
			v, err := parseScalar(p.Type.Kind, p.Default)
			if err != nil {
				c.diag(p.Pos, owner, "default", ErrInvalidDefinition, "%v", err)
				continue
			}
			def = v
		}
		if !c.bind(p.Name, binding{kind: bindParam, index: len(s.params)}, p.Pos, owner) {
			continue
		}
		s.params = append(s.params, p)
		s.defaults = append(s.defaults, def)
		vars = append(vars, cel.Variable(p.Name, celTypeOf(&p.Type, "")))
	}
	return vars
}

// parseScalar reads a parameter value written as text, by the rules of
// package textvalue that the data sources follow too.
func parseScalar(k Kind, s string) (ref.Val, error) {
	switch k {
	case KindInt:
		v, err := textvalue.Int(s)
		return types.Int(v), err
	case KindDouble:
		v, err := textvalue.Double(s)
		return types.Double(v), err
	case KindBool:
		v, err := textvalue.Bool(s)
		return types.Bool(v), err
	case KindString:
		return types.String(s), nil
	case KindTimestamp:
		v, err := textvalue.Timestamp(s)
		return types.Timestamp{Time: v}, err
	case KindDuration:
		v, err := textvalue.Duration(s)
		return types.Duration{Duration: v}, err
	}
	return nil, fmt.Errorf("unsupported kind %s", k)
}

// compileDefinitions orders definitions by dependency, rejects cycles and
// declares each as a variable of its checked type.
func (c *compiler) compileDefinitions() {
	defs := c.spec.Definitions
	parsed := make([]*cel.Ast, len(defs))
	index := map[string]int{}
	for i, d := range defs {
		owner := "definition " + d.Name
		if !c.bind(d.Name, binding{kind: bindDefinition, index: i}, d.Expr.Pos, owner) {
			continue
		}
		index[d.Name] = i
		a, iss := c.env.Parse(d.Expr.Text)
		if failed(iss) {
			c.celIssues(d.Expr, owner, "", iss, ErrInvalidDefinition)
			continue
		}
		parsed[i] = a
	}
	order, ok := c.orderDefinitions(parsed, index)
	if !ok {
		return
	}
	c.set.defExpr = make([]int, len(defs))
	for _, i := range order {
		d := defs[i]
		owner := "definition " + d.Name
		var want []*types.Type
		if d.Type != KindInvalid {
			want = append(want, celTypeOf(&Field{Kind: d.Type}, ""))
		}
		checked, ok := c.check(parsed[i], d.Expr, owner, "", want)
		typ := types.DynType // declared anyway, so that users are not reported again
		if ok {
			typ = checked.OutputType()
		}
		env, err := c.env.Extend(cel.Variable(d.Name, typ))
		if err != nil {
			c.diag(d.Expr.Pos, owner, "", ErrInvalidDefinition, "%v", err)
			continue
		}
		c.env = env
		if !ok {
			continue
		}
		c.set.defExpr[i] = c.addExpr(d.Name, checked, c.program(checked, d.Expr, owner, ""))
	}
}

// orderDefinitions returns definition indices so that each comes after the
// definitions it uses; a cycle is reported with its path.
func (c *compiler) orderDefinitions(parsed []*cel.Ast, index map[string]int) ([]int, bool) {
	deps := make([][]int, len(parsed))
	for i, a := range parsed {
		if a == nil {
			return nil, false
		}
		seen := map[int]bool{}
		for _, e := range ast.MatchDescendants(ast.NavigateAST(a.NativeRep()), ast.KindMatcher(ast.IdentKind)) {
			if j, ok := index[e.AsIdent()]; ok && !seen[j] {
				seen[j] = true
				deps[i] = append(deps[i], j)
			}
		}
	}
	const (
		unvisited = iota
		visiting
		done
	)
	state := make([]int, len(parsed))
	var order, stack []int
	var visit func(i int) bool
	visit = func(i int) bool {
		switch state[i] {
		case done:
			return true
		case visiting:
			c.cycle(stack, i)
			return false
		}
		state[i] = visiting
		stack = append(stack, i)
		for _, j := range deps[i] {
			if !visit(j) {
				return false
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
		order = append(order, i)
		return true
	}
	for i := range parsed {
		if !visit(i) {
			return nil, false
		}
	}
	return order, true
}

func (c *compiler) cycle(stack []int, back int) {
	defs := c.spec.Definitions
	var names []string
	start := 0
	for k, i := range stack {
		if i == back {
			start = k
		}
	}
	for _, i := range stack[start:] {
		names = append(names, defs[i].Name)
	}
	names = append(names, defs[back].Name)
	d := defs[back]
	c.diag(d.Expr.Pos, "definition "+d.Name, "", ErrCycle, "definitions form a cycle: %s", strings.Join(names, " -> "))
}

// check type-checks an expression (parsing it first if a is nil), compares
// its output type with want (nil: any type) and estimates its cost.
func (c *compiler) check(a *cel.Ast, e Expr, owner, field string, want []*types.Type) (*cel.Ast, bool) {
	if a == nil {
		parsed, iss := c.env.Parse(e.Text)
		if failed(iss) {
			c.celIssues(e, owner, field, iss, ErrInvalidDefinition)
			return nil, false
		}
		a = parsed
	}
	checked, iss := c.env.Check(a)
	if failed(iss) {
		c.celIssues(e, owner, field, iss, ErrTypeMismatch)
		return nil, false
	}
	if l := c.cfg.limits; l != nil {
		if id, n, ok := l.checkLiterals(checked); !ok {
			c.diag(c.exprPos(e, checked.NativeRep().SourceInfo().GetStartLocation(id)), owner, field, ErrLimit,
				"a list literal of %d elements is over the limit of %d (MaxListSize)", n, l.MaxListSize)
			return nil, false
		}
	}
	if len(want) > 0 && !typeIn(checked.OutputType(), want) {
		names := make([]string, len(want))
		for i, t := range want {
			names[i] = t.String()
		}
		c.diag(e.Pos, owner, field, ErrTypeMismatch, "expression has type %s, want %s", checked.OutputType(), strings.Join(names, " or "))
		return nil, false
	}
	if !c.withinBudget(c.env, checked, e, owner, field) {
		return nil, false
	}
	return checked, true
}

// withinBudget reports whether the estimated worst-case cost of checked
// (compiled in env) is within the cost budget, and diagnoses it if not.
func (c *compiler) withinBudget(env *cel.Env, checked *cel.Ast, e Expr, owner, field string) bool {
	est, err := env.EstimateCost(checked, c.sizes())
	if err != nil {
		c.diag(e.Pos, owner, field, ErrCostBudget, "cost estimation failed: %v", err)
		return false
	}
	if est.Max > c.cfg.costBudget {
		c.diag(e.Pos, owner, field, ErrCostBudget, "estimated cost %d exceeds the budget of %d", est.Max, c.cfg.costBudget)
		return false
	}
	return true
}

// failed reports whether iss holds an error. Unlike iss.Err, it does not
// format the issues, which is quadratic in their number: an expression far
// over a limit can have hundreds.
func failed(iss *cel.Issues) bool {
	return iss != nil && len(iss.Errors()) > 0
}

func typeIn(t *types.Type, want []*types.Type) bool {
	for _, w := range want {
		if t.IsExactType(w) {
			return true
		}
	}
	return false
}

func (c *compiler) program(a *cel.Ast, e Expr, owner, field string) cel.Program {
	opts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
	if c.cfg.limits != nil {
		opts = append(opts, c.cfg.limits.programOptions(a)...)
	}
	prg, err := c.env.Program(a, opts...)
	if err != nil {
		class := ErrInvalidDefinition
		if c.cfg.limits != nil {
			if _, ok := c.cfg.limits.limitIssue(err.Error()); ok {
				class = ErrLimit
			}
		}
		c.diag(e.Pos, owner, field, class, "%v", err)
		return nil
	}
	if c.cfg.limits != nil {
		return limitedProgram{Program: prg, cost: c.cfg.limits.RuntimeCost}
	}
	return prg
}

// addExpr appends an expression to the set's table, with its native form
// when it has one, and returns its index.
func (c *compiler) addExpr(name string, checked *cel.Ast, prog cel.Program) int {
	e := compiledExpr{name: name, prog: prog}
	if c.cfg.native {
		e.native, _ = c.compileNative(checked.NativeRep())
	}
	c.set.exprs = append(c.set.exprs, e)
	return len(c.set.exprs) - 1
}

// compileExpr checks one criterion for its use (so that every use gets its
// own positioned diagnostics) and returns its entry in the set's table,
// shared with any identical criterion; -1 when e is empty or wrong.
func (c *compiler) compileExpr(e Expr, owner, field string, want ...*types.Type) int {
	if e.IsZero() {
		return -1
	}
	checked, ok := c.check(nil, e, owner, field, want)
	if !ok {
		return -1
	}
	text := strings.TrimSpace(e.Text)
	if i, ok := c.shared[text]; ok {
		return i
	}
	prog := c.program(checked, e, owner, field)
	if prog == nil {
		return -1
	}
	c.shared[text] = c.addExpr("", checked, prog)
	return c.shared[text]
}

// celIssues turns CEL's issues into diagnostics positioned in the YAML.
func (c *compiler) celIssues(e Expr, owner, field string, iss *cel.Issues, class error) {
	for _, ce := range iss.Errors() {
		if c.cfg.limits != nil {
			if name, ok := c.cfg.limits.limitIssue(ce.Message); ok {
				// A hostile expression can break a limit many times over
				// (once per macro past MaxNodes): its first report says it all.
				c.diag(c.exprPos(e, ce.Location), owner, field, ErrLimit, "%s (%s)", ce.Message, name)
				return
			}
		}
		c.diag(c.exprPos(e, ce.Location), owner, field, class, "%s", ce.Message)
	}
}

// exprPos maps a position inside an expression (CEL lines are 1-based,
// columns 0-based, in code points) to the YAML file. YAML may have folded
// lines, stripped indentation or resolved escapes, so the expression's
// text is aligned with the source character by character from where the
// expression starts: equal characters advance both, and source characters
// that the text does not have (indentation, escapes, line breaks folded
// into spaces) are skipped.
func (c *compiler) exprPos(e Expr, loc common.Location) Position {
	if loc == nil || loc.Line() < 1 {
		return e.Pos
	}
	target := textOffset(e.Text, loc.Line(), loc.Column())
	lines := c.spec.source[e.Pos.File]
	if e.Pos.Line < 1 || e.Pos.Line > len(lines) {
		return e.Pos
	}
	// YAML columns count characters; walk the line in bytes.
	line, col := e.Pos.Line, byteIndex(lines[e.Pos.Line-1], e.Pos.Column-1)
	for i := 0; i < target && line >= 1 && line <= len(lines); {
		src := lines[line-1]
		if col >= len(src) { // a line break: kept as \n or folded into a space
			line, col = line+1, 0
			if e.Text[i] == '\n' || e.Text[i] == ' ' {
				i++
			}
			continue
		}
		if src[col] == '\\' && col+1 < len(src) && unescape(src[col+1]) == e.Text[i] {
			i, col = i+1, col+2 // an escape sequence of a double-quoted scalar
			continue
		}
		if src[col] == e.Text[i] {
			i++
		}
		col++
	}
	if line < 1 || line > len(lines) {
		return e.Pos
	}
	for col < len(lines[line-1]) && lines[line-1][col] == ' ' && (target >= len(e.Text) || e.Text[target] != ' ') {
		col++ // land on the character, not on indentation before it
	}
	return Position{File: e.Pos.File, Line: line, Column: utf8.RuneCountInString(lines[line-1][:col]) + 1}
}

// byteIndex returns the byte offset of the n-th character (0-based) of s.
func byteIndex(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// unescape decodes the character after a backslash in a double-quoted
// YAML scalar; 0 when it is not a one-character escape.
func unescape(b byte) byte {
	switch b {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case '"', '\\', '/', ' ':
		return b
	}
	return 0
}

// textOffset converts a CEL line (1-based) and column (0-based, in code
// points) to a byte offset into text.
func textOffset(text string, line, column int) int {
	off := 0
	for l := 1; l < line; l++ {
		nl := strings.IndexByte(text[off:], '\n')
		if nl < 0 {
			return len(text)
		}
		off += nl + 1
	}
	for i := range text[off:] {
		if column == 0 {
			return off + i
		}
		column--
	}
	return len(text)
}

// sizes returns the cost estimator of the set.
func (c *compiler) sizes() sizeEstimator {
	vs := make(map[string]uint64, len(c.spec.ValueSets))
	for _, v := range c.spec.ValueSets {
		vs[v.Name] = uint64(len(v.Codes) + len(v.Concepts))
	}
	return sizeEstimator{max: c.cfg.maxListSize, valueSets: vs}
}

// sizeEstimator bounds the length of list fields for cost estimation:
// value sets have their known size and a constant-time membership test;
// other lists hold up to max elements.
type sizeEstimator struct {
	max       uint64
	valueSets map[string]uint64
}

func (s sizeEstimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	if p := n.Path(); len(p) == 2 && p[0] == "valuesets" {
		size := s.valueSets[p[1]]
		return &cost.SizeEstimate{Min: size, Max: size}
	}
	if n.ComputedSize() == nil && n.Type() != nil && n.Type().Kind() == types.ListKind {
		return &cost.SizeEstimate{Min: 0, Max: s.max}
	}
	if n.Type() != nil && n.Type().Kind() == types.StringKind && len(n.Path()) > 0 {
		return &cost.SizeEstimate{Min: 0, Max: math.MaxUint16}
	}
	return nil
}

func (s sizeEstimator) EstimateCallCost(function, overloadID string, target *cost.AstNode, args []cost.AstNode) *cost.CallEstimate {
	if function == "@in" && len(args) == 2 {
		if p := args[1].Path(); len(p) == 2 && p[0] == "valuesets" {
			return &cost.CallEstimate{CostEstimate: cost.Estimate{Min: 1, Max: 1}}
		}
	}
	if function == inValueSetFunction && len(args) == 3 {
		if p := args[2].Path(); len(p) == 2 && p[0] == "valuesets" {
			return &cost.CallEstimate{CostEstimate: cost.Estimate{Min: 1, Max: 1}}
		}
	}
	return nil
}
