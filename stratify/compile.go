package stratify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/yamlsrc"
)

// Model is a loaded risk model or segmentation: checked, lowered to
// indicator definitions, compiled, and verified against its reference
// cases. It is immutable and safe for concurrent use.
type Model struct {
	ID             string
	Version        string
	Title          string
	Description    string
	Sources        []string // the published sources, as cited in the file
	Inputs         []Input
	Components     []Component
	Hierarchies    []Hierarchy
	ScoreExpr      indicator.Expr // empty: the sum of the components
	ScoreCap       *float64
	Logistic       *Logistic
	Tiers          []Tier
	Segments       []Segment
	ReferenceCases []ReferenceCase
	Pos            indicator.Position

	scoreIsInt bool
	intPoints  bool // every point is a whole number and the score is their sum: points are CEL ints
	prefix     string
	schema     indicator.Schema
	set        *indicator.Set // the standalone set over the model's inputs
	popSet     *indicator.Set // the standalone set with the population indicators
	outputs    []string       // definitions read by Score: components, score, tier, segment
}

func (m *Model) input(name string) *Input {
	for i := range m.Inputs {
		if m.Inputs[i].Name == name {
			return &m.Inputs[i]
		}
	}
	return nil
}

func (m *Model) component(name string) *Component {
	for i := range m.Components {
		if m.Components[i].Name == name {
			return &m.Components[i]
		}
	}
	return nil
}

// known reports whether name is an input, a component or an output.
func (m *Model) known(name string) bool {
	return m.input(name) != nil || m.component(name) != nil || slices.Contains([]string{"score", "tier", "segment"}, name)
}

// LoadOption configures Load and LoadFile.
type LoadOption func(*loadConfig)

type loadConfig struct {
	compile []indicator.CompileOption
}

// WithCompileOptions compiles the model's lowered definitions with opts,
// e.g. indicator.WithUntrustedRules(indicator.Limits{}) for a model that
// someone else wrote: its expressions are then held to the limits when it
// loads (its reference cases run under them too) and whenever it scores.
// A model attached to an indicator set (Attach) is held to the options
// that set is compiled with.
func WithCompileOptions(opts ...indicator.CompileOption) LoadOption {
	return func(c *loadConfig) { c.compile = append(c.compile, opts...) }
}

// LoadFile reads, checks and compiles a model from a YAML file, and
// verifies its reference cases.
func LoadFile(path string, opts ...LoadOption) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("stratify: %w", err)
	}
	defer f.Close()
	return Load(f, path, opts...)
}

// Load reads, checks and compiles a model from YAML and verifies its
// reference cases; name is the file name used in error positions. Every
// problem is reported at once as indicator.Diagnostics, each with
// file:line:column: a model whose reference cases fail does not load.
func Load(r io.Reader, name string, opts ...LoadOption) (*Model, error) {
	var cfg loadConfig
	for _, o := range opts {
		o(&cfg)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSourceBytes+1))
	if err != nil {
		return nil, fmt.Errorf("stratify: reading %s: %w", name, err)
	}
	m, diags := parse(name, data)
	p := &parser{Walker: yamlsrc.Walker{File: yamlsrc.NewFile(name, data), Diags: diags}, owner: "model"}
	if m == nil || len(p.Diags) > 0 {
		return nil, diagErr(p.Diags)
	}
	p.owner = "model " + m.ID
	m.validate(p)
	if len(p.Diags) > 0 {
		return nil, diagErr(p.Diags)
	}
	m.checkCEL(p)
	if len(p.Diags) > 0 {
		return nil, diagErr(p.Diags)
	}
	if err := m.compile(cfg.compile); err != nil {
		// The lowered definitions keep their components' positions; the
		// problems are the compiler's (a limit of WithCompileOptions, say).
		var ds indicator.Diagnostics
		if !errors.As(err, &ds) {
			p.diag(m.Pos, "", indicator.ErrInvalidDefinition, "the lowered model does not compile: %v", err)
		}
		p.Diags = append(p.Diags, ds...)
		return nil, diagErr(p.Diags)
	}
	m.verify(p)
	if err := diagErr(p.Diags); err != nil {
		return nil, err
	}
	return m, nil
}

// diagErr returns the diagnostics sorted by position, or nil when there are none.
func diagErr(ds indicator.Diagnostics) error {
	if len(ds) == 0 {
		return nil
	}
	slices.SortStableFunc(ds, func(a, b indicator.Diagnostic) int {
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Column - b.Pos.Column
	})
	return ds
}

// compile builds the standalone set (the inputs as schema fields) and the
// population set (the same with the indicators of Apply).
func (m *Model) compile(opts []indicator.CompileOption) error {
	m.schema = indicator.Schema{Unit: standaloneUnit}
	for _, in := range m.Inputs {
		m.schema.Fields = append(m.schema.Fields, indicator.Field{Name: in.Name, Kind: in.Type, Nullable: in.Optional, Description: in.Description})
	}
	defs, err := m.lower(m.prefix, func(n string) string { return n }, func(n string) string { return "has(" + standaloneUnit + "." + n + ")" })
	if err != nil {
		return err
	}
	spec := &indicator.SetSpec{ID: m.ID, Version: m.Version, Title: m.Title, Schema: m.schema, Definitions: defs, Pos: m.Pos}
	if m.set, err = indicator.Compile(spec, opts...); err != nil {
		return err
	}
	spec.Indicators = m.populationIndicators()
	if m.popSet, err = indicator.Compile(spec, opts...); err != nil {
		return err
	}
	m.outputs = nil
	for _, c := range m.Components {
		m.outputs = append(m.outputs, m.prefix+"_"+c.Name)
	}
	if len(m.Components) > 0 {
		m.outputs = append(m.outputs, m.scoreDef(m.prefix))
	}
	if len(m.Tiers) > 0 {
		m.outputs = append(m.outputs, m.prefix+"_tier")
	}
	if len(m.Segments) > 0 {
		m.outputs = append(m.outputs, m.prefix+"_segment")
	}
	return nil
}

// scoreDef names the definition that holds the score: the points, or the
// linear predictor (logit) of a logistic model.
func (m *Model) scoreDef(prefix string) string {
	if m.Logistic != nil {
		return prefix + "_logit"
	}
	return prefix + "_score"
}

func (m *Model) lower(prefix string, input, present func(string) string) ([]indicator.DefinitionSpec, error) {
	env, err := newEnv(nil)
	if err != nil {
		return nil, err
	}
	l := &lowering{m: m, prefix: prefix, input: input, present: present, env: env}
	return l.defs()
}

// verify scores every reference case and reports those that differ.
func (m *Model) verify(p *parser) {
	for _, rc := range m.ReferenceCases {
		what := "reference case"
		if rc.Name != "" {
			what += " " + strconv.Quote(rc.Name)
		}
		got, err := m.Score(rc.Inputs)
		if err != nil {
			p.diag(rc.Pos, "reference_cases", ErrReferenceCase, "%s: %v", what, err)
			continue
		}
		tol := rc.Tolerance
		if tol == 0 {
			tol = 1e-9
		}
		if rc.Score != nil && !(math.Abs(got.Score-*rc.Score) <= tol) {
			p.diag(rc.Pos, "reference_cases", ErrReferenceCase, "%s: expected score %g, got %g", what, *rc.Score, got.Score)
		}
		if rc.Tier != "" && rc.Tier != got.Tier {
			p.diag(rc.Pos, "reference_cases", ErrReferenceCase, "%s: expected tier %q, got %q", what, rc.Tier, got.Tier)
		}
		if rc.Segment != "" && rc.Segment != got.Segment {
			p.diag(rc.Pos, "reference_cases", ErrReferenceCase, "%s: expected segment %q, got %q", what, rc.Segment, got.Segment)
		}
		for _, k := range sortedKeys(rc.Components) {
			g, ok := got.Components[k]
			if !ok {
				p.diag(rc.Pos, "reference_cases", ErrReferenceCase, "%s: unknown component %q", what, k)
			} else if math.Abs(g-rc.Components[k]) > tol {
				p.diag(rc.Pos, "reference_cases", ErrReferenceCase, "%s: expected component %s = %g, got %g", what, k, rc.Components[k], g)
			}
		}
	}
}

// Schema returns the model's input schema: one field per input (optional
// inputs nullable), under the unit name "inputs". Sources built for it
// can be scored with ScoreEach and Apply.
func (m *Model) Schema() *indicator.Schema {
	s := m.schema
	s.Fields = slices.Clone(m.schema.Fields)
	return &s
}

// Prefix returns the default prefix of the model's definitions: its id
// with '-' and '.' replaced by '_' (lace-modified-uk → lace_modified_uk).
func (m *Model) Prefix() string { return m.prefix }

// Result is a model's output for one record.
type Result struct {
	Score      float64            // points, or probability for a logistic model
	Tier       string             // "" when the model has no tiers
	Segment    string             // for segmentation models
	Components map[string]float64 // points per component after hierarchies and caps
}

// Score scores one record given as inputs by name. Values are int, int64
// or int32 for int inputs; float64 (or an int type) for double inputs;
// bool; string. An optional input may be left out or nil. A missing,
// unknown or wrongly typed input is an error (ErrInput) naming it. Score
// is the convenience path; score many records with ScoreEach or Apply.
func (m *Model) Score(inputs map[string]any) (Result, error) {
	b, err := m.batch(inputs)
	if err != nil {
		return Result{}, err
	}
	var res Result
	var rerr error
	err = m.set.EvaluateDefinitions(context.Background(), indicator.Batches(b), m.outputs, func(_ int64, v []any) error {
		res, rerr = m.result(v)
		return nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("stratify: model %s: %w", m.ID, err)
	}
	return res, rerr
}

// ScoreEach scores every record of src, which must have the model's input
// schema (see Schema), in record order, calling fn with the record's
// 0-based index and its result, or the error that record met. An error
// returned by fn, from the source, or a cancelled ctx stops it. Options
// are those of indicator.Set.EvaluateDefinitions (e.g. WithProgress).
func (m *Model) ScoreEach(ctx context.Context, src indicator.Source, fn func(index int64, r Result, err error) error, opts ...indicator.EvalOption) error {
	err := m.set.EvaluateDefinitions(ctx, src, m.outputs, func(i int64, v []any) error {
		r, err := m.result(v)
		return fn(i, r, err)
	}, opts...)
	if err != nil {
		return fmt.Errorf("stratify: model %s: %w", m.ID, err)
	}
	return nil
}

// result turns the values of m.outputs into a Result.
func (m *Model) result(v []any) (Result, error) {
	var r Result
	if len(m.Components) > 0 {
		r.Components = make(map[string]float64, len(m.Components))
	}
	i := 0
	num := func(what string) (float64, error) {
		x := v[i]
		i++
		switch x := x.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		case error:
			return 0, fmt.Errorf("stratify: model %s %s: %w", m.ID, what, x)
		}
		return 0, fmt.Errorf("stratify: model %s %s: unexpected value %v", m.ID, what, x)
	}
	str := func(what string) (string, error) {
		x := v[i]
		i++
		switch x := x.(type) {
		case string:
			return x, nil
		case error:
			return "", fmt.Errorf("stratify: model %s %s: %w", m.ID, what, x)
		}
		return "", fmt.Errorf("stratify: model %s %s: unexpected value %v", m.ID, what, x)
	}
	var errs []error
	for _, c := range m.Components {
		x, err := num("component " + c.Name)
		errs = append(errs, err)
		r.Components[c.Name] = x
	}
	if len(m.Components) > 0 {
		x, err := num("score")
		errs = append(errs, err)
		if m.Logistic != nil {
			x = 1 / (1 + math.Exp(-x))
		}
		r.Score = x
	}
	var err error
	if len(m.Tiers) > 0 {
		r.Tier, err = str("tier")
		errs = append(errs, err)
	}
	if len(m.Segments) > 0 {
		r.Segment, err = str("segment")
		errs = append(errs, err)
	}
	return r, errors.Join(errs...)
}

// batch validates inputs and builds a one-record batch.
func (m *Model) batch(inputs map[string]any) (*indicator.Batch, error) {
	var errs []error
	for _, k := range sortedKeys(inputs) {
		if m.input(k) == nil {
			errs = append(errs, fmt.Errorf("stratify: model %s: %w: unknown input %q", m.ID, ErrInput, k))
		}
	}
	bb := indicator.NewBatchBuilder(&m.schema)
	for i, in := range m.Inputs {
		v, ok := inputs[in.Name]
		col := bb.Field(i)
		if !ok || v == nil {
			if !in.Optional {
				errs = append(errs, fmt.Errorf("stratify: model %s: %w: missing input %q (%s)", m.ID, ErrInput, in.Name, in.Type))
			}
			continue
		}
		bad := func() {
			errs = append(errs, fmt.Errorf("stratify: model %s: %w: input %q is a %s, got %v (%T)", m.ID, ErrInput, in.Name, in.Type, v, v))
		}
		switch in.Type {
		case indicator.KindInt:
			if x, ok := asInt(v); ok {
				col.AppendInt(x)
			} else {
				bad()
			}
		case indicator.KindDouble:
			if x, ok := asInt(v); ok {
				col.AppendDouble(float64(x))
			} else if x, ok := v.(float64); ok {
				col.AppendDouble(x)
			} else {
				bad()
			}
		case indicator.KindBool:
			if x, ok := v.(bool); ok {
				col.AppendBool(x)
			} else {
				bad()
			}
		case indicator.KindString:
			x, ok := v.(string)
			switch {
			case !ok:
				bad()
			case len(in.Values) > 0 && !slices.Contains(in.Values, x):
				errs = append(errs, fmt.Errorf("stratify: model %s: %w: input %q is %q, want one of %s", m.ID, ErrInput, in.Name, x, strings.Join(in.Values, ", ")))
			default:
				col.AppendString(x)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := bb.EndRow(); err != nil {
		return nil, fmt.Errorf("stratify: model %s: %w: %w", m.ID, ErrInput, err)
	}
	return bb.Build(), nil
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case int32:
		return int64(x), true
	}
	return 0, false
}
