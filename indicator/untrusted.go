package indicator

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/ext"
	"cel.dev/cel-go/interpreter"
)

// ErrLimit marks an expression that breaks a limit of untrusted-rule mode
// (WithUntrustedRules): at compile time a Diagnostic of this class, at run
// time the error of a record, whose message names the limit.
var ErrLimit = errors.New("limit exceeded")

// Limits bounds what the expressions of an untrusted indicator set may do,
// so that rules written by someone else cannot exhaust the CPU or memory
// of the process that evaluates them. A zero field takes its value from
// DefaultLimits, so Limits{} is the default and Limits{RuntimeCost: 5000}
// tightens one limit only.
//
// Where each limit is enforced:
//
//	CostBudget         compile  the estimated worst-case cost of one expression
//	RuntimeCost        run      the actual cost of one expression for one record
//	MaxExpressionSize  compile  the characters (code points) of one expression
//	MaxNodes           compile  the AST nodes of one expression, macros expanded
//	MaxNesting         compile  the nesting depth of one expression
//	MaxListSize        both     the elements of a list an expression builds
//	MaxStringSize      run      the bytes of a string an expression builds
//	MaxRegexSize       both     the RE2 program size of a regular expression
//
// A limit broken at compile time is a Diagnostic of class ErrLimit (or
// ErrCostBudget for CostBudget) with file:line:column. A limit broken at run
// time is an evaluation error of class ErrLimit: the record counts as
// errored for the indicator, as with any evaluation error, and evaluation
// goes on with the next record.
type Limits struct {
	// CostBudget is the largest estimated worst-case cost of one
	// expression, list fields assumed to hold up to WithMaxListSize
	// (DefaultMaxListSize) elements. The smaller of it and WithCostBudget
	// applies.
	CostBudget uint64
	// RuntimeCost is the largest actual cost, in the units of CostBudget,
	// of evaluating one expression for one record in cel-go's interpreter;
	// going over it stops that evaluation with an error. It bounds the
	// time a single record can take, deterministically: the same record
	// always fails the same way whatever the machine's load.
	RuntimeCost uint64
	// MaxExpressionSize is the largest number of characters (Unicode code
	// points) of one expression.
	MaxExpressionSize int
	// MaxNodes is the largest number of nodes of one expression's syntax
	// tree, after macros such as exists and map are expanded.
	MaxNodes int
	// MaxNesting is the deepest nesting of one expression (parentheses,
	// operators, calls, comprehensions), as the CEL parser counts it.
	MaxNesting int
	// MaxListSize is the largest number of elements of a list that an
	// expression builds: a list literal (compile time), lists.range(n),
	// concatenation, flatten, split and the like (run time).
	MaxListSize int
	// MaxStringSize is the largest number of bytes of a string that an
	// expression builds by concatenation, join, replace, format and the
	// like. Strings read from the data are not limited.
	MaxStringSize int
	// MaxRegexSize is the largest size of a regular expression's compiled
	// RE2 program (instructions; a literal character is one). A literal
	// pattern over it is a compile error; a pattern built at run time is
	// checked before it is compiled.
	MaxRegexSize int
}

// DefaultLimits returns the limits of WithUntrustedRules when a field is
// zero. They admit ordinary indicator rules — a comprehension over an event
// list with value-set tests, a chain of conditionals, a points score — and
// reject rules whose cost grows beyond one level of comprehension over the
// data.
func DefaultLimits() Limits {
	return Limits{
		CostBudget:        100_000,
		RuntimeCost:       1_000_000,
		MaxExpressionSize: 10_000,
		MaxNodes:          5_000,
		MaxNesting:        64,
		MaxListSize:       10_000,
		MaxStringSize:     100_000,
		MaxRegexSize:      1_000,
	}
}

// withDefaults returns l with every zero field set from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	orDefault(&l.CostBudget, d.CostBudget)
	orDefault(&l.RuntimeCost, d.RuntimeCost)
	orDefault(&l.MaxExpressionSize, d.MaxExpressionSize)
	orDefault(&l.MaxNodes, d.MaxNodes)
	orDefault(&l.MaxNesting, d.MaxNesting)
	orDefault(&l.MaxListSize, d.MaxListSize)
	orDefault(&l.MaxStringSize, d.MaxStringSize)
	orDefault(&l.MaxRegexSize, d.MaxRegexSize)
	return l
}

// orDefault sets *v to d when *v is zero.
func orDefault[T comparable](v *T, d T) {
	var zero T
	if *v == zero {
		*v = d
	}
}

// WithUntrustedRules compiles the set in untrusted-rule mode, for rules
// that the embedding program did not write (a tenant's, a user's): every
// expression must stay within limits (zero fields of limits take the
// values of DefaultLimits; see Limits for what each bounds and where). The
// mode only tightens: a rule that compiles in it compiles without it and
// gives the same values, and without it nothing changes.
//
// Regular expressions are RE2 (Go's regexp), whose matching time is linear
// in the input: there is no catastrophic backtracking to guard against,
// only the size of the pattern, which MaxRegexSize bounds.
//
// Integer overflow and division by zero are errors in CEL, trusted or not:
// they count the record as errored, never wrap or panic.
//
// The native closures (see the package documentation) stay on for the
// expressions in their subset. That subset builds no strings, lists or
// regular expressions and has no loops of its own: its only iteration is
// exists, all, filter and map(...).sum() over event lists of the record,
// so its work is proportional to the data's size raised to the nesting of
// those comprehensions — and the static CostBudget already rejects nesting
// whose cost over lists of the assumed size (WithMaxListSize) is too high,
// so with the defaults only single comprehensions over the data pass. The
// closures are not metered against RuntimeCost: a record whose event lists
// are far longer than assumed is evaluated in full by a closure, where the
// interpreter (WithInterpreterOnly) would stop it at RuntimeCost.
//
// Cancellation: Set.Evaluate checks its context between records (every
// 256), and RuntimeCost bounds the work of each expression on each record,
// so a cancelled evaluation stops after at most 256 records times the set's
// expressions times RuntimeCost units of work. Limits has no wall-clock
// timeout: it would make a record's result depend on the machine's load.
func WithUntrustedRules(limits Limits) CompileOption {
	return func(c *compileConfig) {
		l := limits.withDefaults()
		c.limits = &l
	}
}

// envOptions returns the environment options of untrusted-rule mode.
func (l *Limits) envOptions() []cel.EnvOption {
	return []cel.EnvOption{
		cel.ParserExpressionSizeLimit(l.MaxExpressionSize),
		cel.ParserRecursionLimit(l.MaxNesting),
		cel.ExpressionNodeLimit(l.MaxNodes),
		cel.RegexProgramSizeLimit(l.MaxRegexSize),
	}
}

// listsOptions returns the options of the lists extension.
func (l *Limits) listsOptions() []ext.ListsOption {
	return []ext.ListsOption{ext.ListsMaxRangeSize(int64(l.MaxListSize))}
}

// programOptions returns the program options of untrusted-rule mode for
// the checked expression a.
func (l *Limits) programOptions(a *cel.Ast) []cel.ProgramOption {
	return []cel.ProgramOption{
		cel.CostLimit(l.RuntimeCost),
		cel.CustomDecoratorV2(l.sizeLimiter(a)),
	}
}

// limitIssue reports whether a CEL parser or checker message is about one of
// the limits, and names the limit.
func (l *Limits) limitIssue(msg string) (string, bool) {
	switch {
	case strings.Contains(msg, "code point size exceeds limit"):
		return "MaxExpressionSize", true
	case strings.Contains(msg, "recursion limit") || strings.Contains(msg, "nesting"):
		return "MaxNesting", true
	case strings.Contains(msg, "expression count exceeds limit"):
		return "MaxNodes", true
	case strings.Contains(msg, "regex program size"):
		return "MaxRegexSize", true
	}
	return "", false
}

// checkLiterals reports the list literals of a with more elements than
// MaxListSize, with their expression ids.
func (l *Limits) checkLiterals(a *cel.Ast) (id int64, n int, ok bool) {
	for _, e := range ast.MatchDescendants(ast.NavigateAST(a.NativeRep()), ast.KindMatcher(ast.ListKind)) {
		if n := e.AsList().Size(); n > l.MaxListSize {
			return e.ID(), n, false
		}
	}
	return 0, 0, true
}

// sizeLimiter wraps every function call of a whose result may be a string
// or a list with a check of its size. Field reads, constants and
// comprehensions are left alone: data is not limited, constants are bounded
// by MaxExpressionSize, and exists, all, filter and map build at most one
// element per element of a list that is itself checked or data.
func (l *Limits) sizeLimiter(a *cel.Ast) interpreter.InterpretableDecoratorV2 {
	native := a.NativeRep()
	return func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
		call, ok := i.(interpreter.InterpretableCall)
		if !ok {
			return i, nil
		}
		switch t := native.GetType(call.ID()); t.Kind() {
		case types.StringKind, types.ListKind, types.DynKind, types.AnyKind:
			return &sizeLimited{InterpretableCall: call, lists: l.MaxListSize, strings: l.MaxStringSize}, nil
		}
		return i, nil
	}
}

// sizeLimited is a function call whose string or list result is checked
// against the limits.
type sizeLimited struct {
	interpreter.InterpretableCall
	lists, strings int
}

// Exec implements interpreter.InterpretableV2.
func (s *sizeLimited) Exec(frame *interpreter.ExecutionFrame) ref.Val {
	return s.check(s.InterpretableCall.Exec(frame))
}

// Eval implements interpreter.Interpretable.
func (s *sizeLimited) Eval(act interpreter.Activation) ref.Val {
	return s.check(s.InterpretableCall.Eval(act))
}

func (s *sizeLimited) check(v ref.Val) ref.Val {
	switch x := v.(type) {
	case types.String:
		if len(x) > s.strings {
			return types.WrapErr(fmt.Errorf("%w: %s builds a string of %d bytes, over the limit of %d (MaxStringSize)", ErrLimit, callName(s.Function()), len(x), s.strings))
		}
	case traits.Lister:
		if n, ok := x.Size().(types.Int); ok && int64(n) > int64(s.lists) {
			return types.WrapErr(fmt.Errorf("%w: %s builds a list of %d elements, over the limit of %d (MaxListSize)", ErrLimit, callName(s.Function()), n, s.lists))
		}
	}
	return v
}

// callName spells a CEL function for a message: _+_ as +.
func callName(fn string) string {
	if strings.HasPrefix(fn, "_") && strings.HasSuffix(fn, "_") && len(fn) > 2 {
		return "operator " + strings.Trim(fn, "_")
	}
	return fn + "()"
}

// limitedProgram is a program of untrusted-rule mode: it names the limit in
// the interpreter's runtime cost error.
type limitedProgram struct {
	cel.Program
	cost uint64
}

// Eval implements cel.Program.
func (p limitedProgram) Eval(input any) (ref.Val, *cel.EvalDetails, error) {
	v, det, err := p.Program.Eval(input)
	return v, det, p.explain(err)
}

// ContextEval implements cel.Program.
func (p limitedProgram) ContextEval(ctx context.Context, input any) (ref.Val, *cel.EvalDetails, error) {
	v, det, err := p.Program.ContextEval(ctx, input)
	return v, det, p.explain(err)
}

func (p limitedProgram) explain(err error) error {
	var cancelled interpreter.EvalCancelledError
	if errors.As(err, &cancelled) && cancelled.Cause == interpreter.CostLimitExceeded {
		return fmt.Errorf("%w: evaluation stopped at the runtime cost limit of %d (RuntimeCost)", ErrLimit, p.cost)
	}
	if err != nil && !errors.Is(err, ErrLimit) {
		// cel-go's own run-time limits, named after the limit that set them.
		switch msg := err.Error(); {
		case strings.Contains(msg, "regex program size"):
			return fmt.Errorf("%w: %w (MaxRegexSize)", ErrLimit, err)
		case strings.Contains(msg, "lists.range: size") && strings.Contains(msg, "exceeds maximum"):
			return fmt.Errorf("%w: %w (MaxListSize)", ErrLimit, err)
		}
	}
	return err
}
