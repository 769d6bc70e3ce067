package indicator_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/synth"
)

// hostileYAML is the set of every hostile case: one proportion whose
// numerator (on hostileLine) is the hostile rule.
const hostileYAML = `id: hostile
schema:
  unit: patient
  fields:
    age: int
    name: string
    codes: list<string>
    conditions:
      fields: {code: string}
indicators:
  - id: H
    type: proportion
    initial_population: age >= 0
    numerator: |-
      %s
`

// hostileLine is the line of the numerator's expression in hostileYAML.
const hostileLine = 15

// hostileData returns records for the hostile cases: a long string of a's,
// codes and conditions.
func hostileData(t *testing.T, set *indicator.Set, records, nameLen, codes, conditions int) *indicator.Batch {
	t.Helper()
	sch := set.Schema()
	b := indicator.NewBatchBuilder(sch)
	for r := range records {
		b.Field(sch.FieldIndex("age")).AppendInt(int64(40 + r))
		b.Field(sch.FieldIndex("name")).AppendString(strings.Repeat("a", nameLen))
		for i := range codes {
			b.Field(sch.FieldIndex("codes")).AppendString(fmt.Sprintf("C%d", i))
		}
		cond := b.Field(sch.FieldIndex("conditions"))
		for i := range conditions {
			cond.Event(0).AppendString(fmt.Sprintf("K%d", i))
			cond.EndEvent()
		}
		require.NoError(t, b.EndRow())
	}
	return b.Build()
}

// outcome is what a hostile rule must come to.
type outcome int

const (
	rejected outcome = iota // a compile-time Diagnostic
	stopped                 // every record errored at run time
	harmless                // evaluates, with no error
)

type hostileCase struct {
	name  string
	expr  string
	opts  []indicator.CompileOption // besides WithUntrustedRules(limits)
	lim   indicator.Limits
	want  outcome
	class error  // rejected: the Diagnostic's class
	msg   string // rejected or stopped: in the message
	// data: records, length of name, codes and conditions per record
	records, nameLen, codes, conditions int
}

func repeatJoin(s, sep string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = s
	}
	return strings.Join(parts, sep)
}

func TestHostileRules(t *testing.T) {
	lifted := indicator.Limits{CostBudget: math.MaxUint64} // with noBudget: no static cost check at all
	noBudget := []indicator.CompileOption{indicator.WithCostBudget(math.MaxUint64)}
	ten := "[" + repeatJoin("1", ",", 10) + "]"
	cases := []hostileCase{
		{name: "deep parentheses", expr: strings.Repeat("(", 500) + "true" + strings.Repeat(")", 500),
			want: rejected, class: indicator.ErrLimit, msg: "MaxNesting"},
		{name: "deep negation", expr: strings.Repeat("!(", 500) + "true" + strings.Repeat(")", 500),
			want: rejected, class: indicator.ErrLimit, msg: "MaxNesting"},
		{name: "a run of 500 negations is flat, not deep", expr: strings.Repeat("!", 500) + "(age > 0)",
			records: 2, want: harmless},
		{name: "nesting just over the limit", expr: strings.Repeat("(", 70) + "age > 1" + strings.Repeat(")", 70),
			want: rejected, class: indicator.ErrLimit, msg: "MaxNesting"},
		{name: "huge expression text", expr: repeatJoin("age == 1", " || ", 2000),
			want: rejected, class: indicator.ErrLimit, msg: "MaxExpressionSize"},
		{name: "too many nodes after macro expansion", expr: repeatJoin("[0].all(x,x>0)", "&&", 100),
			lim: indicator.Limits{MaxNodes: 1000}, want: rejected, class: indicator.ErrLimit, msg: "MaxNodes"},
		{name: "exponential comprehension over literals",
			expr: ten + ".map(a, " + ten + ".map(b, " + ten + ".map(c, " + ten + ".map(d, " + ten + ".map(e, " + ten + ".exists(f, f == age)))))).size() > 0",
			want: rejected, class: indicator.ErrCostBudget, msg: "exceeds the budget"},
		{name: "exponential comprehension over lists.range",
			expr: "lists.range(age).map(a, lists.range(age).map(b, lists.range(age).exists(c, c == a + b))).size() > 0",
			want: rejected, class: indicator.ErrCostBudget, msg: "exceeds the budget"},
		{name: "quadratic comprehension over data longer than assumed, stopped at run time",
			expr: "codes.map(a, codes.exists(b, size(b) == size(a) + 9)).size() > 0",
			opts: []indicator.CompileOption{indicator.WithMaxListSize(10)}, records: 2, codes: 3000,
			lim:  indicator.Limits{RuntimeCost: 100_000},
			want: stopped, msg: "runtime cost limit of 100000 (RuntimeCost)"},
		{name: "statically unbounded comprehension admitted, stopped at run time",
			expr: "lists.range(age * 100).map(a, lists.range(age * 100).exists(b, b == a + 1)).size() > 0",
			lim:  lifted, opts: noBudget, records: 2,
			want: stopped, msg: "runtime cost limit of 1000000 (RuntimeCost)"},
		{name: "string doubling, rejected by the static cost", expr: "size(((name + name) + (name + name)) + ((name + name) + (name + name))) > 0",
			want: rejected, class: indicator.ErrCostBudget, msg: "exceeds the budget of 100000"},
		{name: "string doubling, static cost lifted: stopped at MaxStringSize", expr: "size(((name + name) + (name + name)) + ((name + name) + (name + name))) > 0",
			lim: lifted, opts: noBudget, records: 2, nameLen: 30_000,
			want: stopped, msg: "operator + builds a string of 120000 bytes, over the limit of 100000 (MaxStringSize)"},
		{name: "string building by join, rejected by the static cost", expr: "size(codes.map(c, name).join(\"\")) > 0",
			want: rejected, class: indicator.ErrCostBudget, msg: "exceeds the budget of 100000"},
		{name: "string building by join, static cost lifted: stopped at MaxStringSize", expr: "size(codes.map(c, name).join(\"\")) > 0",
			lim: lifted, opts: noBudget, records: 2, nameLen: 1000, codes: 200,
			want: stopped, msg: "join() builds a string of 200000 bytes, over the limit of 100000 (MaxStringSize)"},
		{name: "string amplification by replace, rejected by the static cost", expr: "size(name.replace(\"a\", name)) > 0",
			want: rejected, class: indicator.ErrCostBudget, msg: "exceeds the budget of 100000"},
		{name: "string amplification by replace, static cost lifted: stopped at RuntimeCost", expr: "size(name.replace(\"a\", name)) > 0",
			lim: lifted, opts: noBudget, records: 2, nameLen: 1000,
			want: stopped, msg: "runtime cost limit of 1000000 (RuntimeCost)"},
		{name: "string amplification by replace, static and runtime cost lifted: stopped at MaxStringSize", expr: "size(name.replace(\"a\", name)) > 0",
			lim: indicator.Limits{CostBudget: math.MaxUint64, RuntimeCost: math.MaxUint64}, opts: noBudget, records: 2, nameLen: 1000,
			want: stopped, msg: "replace() builds a string of 1000000 bytes, over the limit of 100000 (MaxStringSize)"},
		{name: "catastrophic pattern (a*)*b is linear in RE2", expr: `name.matches("(a*)*b")`,
			records: 2, nameLen: 20_000, want: harmless},
		{name: "catastrophic pattern (a|aa)*c is linear in RE2", expr: `name.matches("^(a|aa)*c$")`,
			records: 2, nameLen: 20_000, want: harmless},
		{name: "catastrophic pattern (a+)+$ against a long string", expr: `name.matches("(x+x+)+y") || name.matches("^(a+)+$")`,
			records: 2, nameLen: 20_000, want: harmless},
		{name: "huge literal pattern", expr: `name.matches("a{999}b{999}")`,
			want: rejected, class: indicator.ErrLimit, msg: "regex program size 2000 exceeds limit of 1000 (MaxRegexSize)"},
		{name: "huge pattern built at run time, rejected by the static cost", expr: `name.matches(name)`,
			want: rejected, class: indicator.ErrCostBudget, msg: "exceeds the budget of 100000"},
		{name: "huge pattern built at run time, static cost lifted: stopped at MaxRegexSize", expr: `name.matches(name)`,
			lim: lifted, opts: noBudget, records: 2, nameLen: 5000,
			want: stopped, msg: "regex program size 5002 exceeds limit of 1000 (MaxRegexSize)"},
		{name: "integer overflow on multiplication", expr: "age * 9223372036854775807 > 0",
			records: 2, want: stopped, msg: "overflow"},
		{name: "integer overflow on addition, interpreted", expr: "[age, 9223372036854775807].map(x, x + x).size() > 0",
			records: 2, want: stopped, msg: "overflow"},
		{name: "integer overflow in sum", expr: "[age, 9223372036854775807].sum() > 0",
			records: 2, want: stopped, msg: "overflow"},
		{name: "division by zero", expr: "age / (age - age) > 0",
			records: 2, want: stopped, msg: "division by zero"},
		{name: "modulus by zero", expr: "[age].exists(x, x % (x - x) == 0)",
			records: 2, want: stopped, msg: "modulus by zero"},
		{name: "list literal over MaxListSize", expr: "[1, 2, 3, 4, 5, 6].exists(x, x == age)",
			lim:  indicator.Limits{MaxListSize: 5},
			want: rejected, class: indicator.ErrLimit, msg: "list literal of 6 elements is over the limit of 5 (MaxListSize)"},
		{name: "list concatenation over MaxListSize", expr: "size(codes + codes + codes + codes) > 0",
			records: 2, codes: 3000,
			want: stopped, msg: "operator + builds a list of 12000 elements, over the limit of 10000 (MaxListSize)"},
		{name: "list built by split over MaxListSize", expr: `size(name.split("")) > 0`,
			records: 2, nameLen: 20_000,
			want: stopped, msg: "over the limit of 10000 (MaxListSize)"},
		{name: "lists.range over MaxListSize", expr: "lists.range(age * 1000).size() > 0",
			lim: lifted, opts: noBudget, records: 2,
			want: stopped, msg: "lists.range: size 40000 exceeds maximum allowed (10000) (MaxListSize)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			defer func() {
				elapsed := time.Since(start)
				t.Logf("%s in %v", map[outcome]string{rejected: "rejected", stopped: "stopped", harmless: "harmless"}[tc.want], elapsed.Round(time.Millisecond))
				assert.Less(t, elapsed, 2*time.Second, "a hostile rule must be dealt with quickly")
			}()
			opts := append([]indicator.CompileOption{indicator.WithUntrustedRules(tc.lim)}, tc.opts...)
			set, err := indicator.Load("hostile.yaml", []byte(fmt.Sprintf(hostileYAML, tc.expr)), opts...)
			if tc.want == rejected {
				require.Error(t, err)
				assert.ErrorIs(t, err, tc.class)
				var diags indicator.Diagnostics
				require.ErrorAs(t, err, &diags)
				d := diags[0]
				assert.Equal(t, "hostile.yaml", d.Pos.File)
				assert.Equal(t, hostileLine, d.Pos.Line)
				assert.Positive(t, d.Pos.Column)
				assert.Contains(t, d.Error(), "indicator H numerator")
				assert.Contains(t, d.Message, tc.msg)
				t.Logf("%.200s", d.Pos.String()+": "+d.Message)
				return
			}
			require.NoError(t, err, "%.300s", err)
			records := max(tc.records, 1)
			batch := hostileData(t, set, records, tc.nameLen, tc.codes, tc.conditions)
			rep, err := set.Evaluate(context.Background(), indicator.Batches(batch), indicator.WithWorkers(1))
			require.NoError(t, err, "a hostile rule stops its record, never the evaluation")
			res, ok := rep.Result("H")
			require.True(t, ok)
			if tc.want == harmless {
				assert.Zero(t, res.Accounting.Errored)
				return
			}
			assert.Equal(t, int64(records), res.Accounting.Errored, "every record is errored")
			require.NotEmpty(t, res.Errors)
			assert.Contains(t, res.Errors[0].Message, tc.msg)
			assert.Equal(t, "numerator", res.Errors[0].Field)
			t.Logf("%.200s", res.Errors[0].Message)
		})
	}
}

// TestTrustedRulesUnaffected: without WithUntrustedRules nothing is
// limited, and an ordinary rule gives the same report in both modes.
func TestTrustedRulesUnaffected(t *testing.T) {
	// Over every default limit of untrusted mode, fine for trusted rules.
	for _, expr := range []string{
		`name.matches("a{999}b{999}") || true`,
		`size(codes + codes + codes + codes) > 0`,
		strings.Repeat("(", 100) + "age > 1" + strings.Repeat(")", 100),
	} {
		set, err := indicator.Load("hostile.yaml", []byte(fmt.Sprintf(hostileYAML, expr)))
		require.NoError(t, err, expr)
		batch := hostileData(t, set, 2, 200, 3000, 0)
		rep, err := set.Evaluate(context.Background(), indicator.Batches(batch))
		require.NoError(t, err)
		res, _ := rep.Result("H")
		assert.Zero(t, res.Accounting.Errored, "%s: %v", expr, res.Errors)
	}
	ordinary := `conditions.exists(c, c.code in ["K1", "K7"]) && codes.exists(x, x.startsWith("C1")) && name.matches("^a+$")`
	var reports [2][]byte
	for i, opts := range [][]indicator.CompileOption{nil, {indicator.WithUntrustedRules(indicator.Limits{})}} {
		set, err := indicator.Load("hostile.yaml", []byte(fmt.Sprintf(hostileYAML, ordinary)), opts...)
		require.NoError(t, err)
		rep, err := set.Evaluate(context.Background(), indicator.Batches(hostileData(t, set, 5, 50, 20, 10)))
		require.NoError(t, err)
		res, _ := rep.Result("H")
		assert.Zero(t, res.Accounting.Errored)
		assert.Equal(t, 5.0, float64(res.Numerator))
		reports[i], err = rep.MarshalJSON()
		require.NoError(t, err)
	}
	assert.Equal(t, string(reports[0]), string(reports[1]))
}

// TestQuickstartUntrusted: the quickstart set compiles under the default
// limits and gives the same report bytes as without them.
func TestQuickstartUntrusted(t *testing.T) {
	var reports [2]string
	for i, opts := range [][]indicator.CompileOption{nil, {indicator.WithUntrustedRules(indicator.Limits{})}} {
		set, err := indicator.LoadFile("../examples/quickstart/quickstart.yaml", opts...)
		require.NoError(t, err)
		src, err := synth.NewSource(set.Schema(), synth.Config{N: 2000, Seed: 11})
		require.NoError(t, err)
		rep, err := set.Evaluate(context.Background(), src)
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, rep.WriteJSON(&buf))
		reports[i] = buf.String()
	}
	assert.Equal(t, reports[0], reports[1])
}

// TestUntrustedNativePath documents the decision of WithUntrustedRules: the
// native closures stay on for their bounded subset, and are not metered. A
// record with far more events than assumed is evaluated in full natively,
// where the interpreter stops it at RuntimeCost.
func TestUntrustedNativePath(t *testing.T) {
	expr := `conditions.exists(c, c.code == "none")`
	lim := indicator.Limits{RuntimeCost: 10_000}
	for _, tc := range []struct {
		name    string
		opts    []indicator.CompileOption
		errored int64
	}{
		{"native", []indicator.CompileOption{indicator.WithUntrustedRules(lim)}, 0},
		{"interpreter", []indicator.CompileOption{indicator.WithUntrustedRules(lim), indicator.WithInterpreterOnly()}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			set, err := indicator.Load("hostile.yaml", []byte(fmt.Sprintf(hostileYAML, expr)), tc.opts...)
			require.NoError(t, err)
			rep, err := set.Evaluate(context.Background(), indicator.Batches(hostileData(t, set, 2, 1, 0, 20_000)))
			require.NoError(t, err)
			res, _ := rep.Result("H")
			assert.Equal(t, tc.errored, res.Accounting.Errored, "%v", res.Errors)
			if tc.errored > 0 {
				assert.Contains(t, res.Errors[0].Message, "runtime cost limit of 10000 (RuntimeCost)")
			}
			assert.Less(t, time.Since(start), 2*time.Second)
		})
	}
	// Nested comprehensions over the data, quadratic in the events, are
	// rejected statically under the default limits.
	_, err := indicator.Load("hostile.yaml", []byte(fmt.Sprintf(hostileYAML,
		`conditions.exists(a, conditions.exists(b, a.code == b.code && a != b))`)), indicator.WithUntrustedRules(indicator.Limits{}))
	require.ErrorIs(t, err, indicator.ErrCostBudget)
}

// TestHostileThresholds: a threshold condition runs once per result, but
// a comprehension over list literals could still run for ever; the cost
// budget rejects it in both modes, and untrusted mode limits its nesting.
func TestHostileThresholds(t *testing.T) {
	ten := "[" + repeatJoin("1", ",", 10) + "]"
	const set = `id: t
schema: {unit: patient, fields: {age: int}}
indicators:
  - id: T
    type: proportion
    denominator: "true"
    numerator: age > 1
    thresholds:
      - {status: green, when: '%s'}
      - {status: red}
`
	for _, c := range []struct {
		name, when string
		opts       []indicator.CompileOption
		class      error
	}{
		{"exponential, trusted", ten + ".exists(a, " + ten + ".exists(b, " + ten + ".exists(c, " + ten + ".exists(d, " + ten + ".exists(e, " + ten + ".exists(f, value > 0.0))))))", nil, indicator.ErrCostBudget},
		{"exponential, untrusted", ten + ".exists(a, " + ten + ".exists(b, " + ten + ".exists(c, " + ten + ".exists(d, " + ten + ".exists(e, value > 0.0)))))", []indicator.CompileOption{indicator.WithUntrustedRules(indicator.Limits{})}, indicator.ErrCostBudget},
		{"deep, untrusted", strings.Repeat("(", 100) + "value > 0.0" + strings.Repeat(")", 100), []indicator.CompileOption{indicator.WithUntrustedRules(indicator.Limits{})}, indicator.ErrLimit},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := indicator.Load("t.yaml", []byte(fmt.Sprintf(set, c.when)), c.opts...)
			require.ErrorIs(t, err, c.class)
			var ds indicator.Diagnostics
			require.ErrorAs(t, err, &ds)
			assert.Equal(t, "thresholds.when", ds[0].Field)
			assert.Equal(t, 9, ds[0].Pos.Line)
		})
	}
	_, err := indicator.Load("t.yaml", []byte(fmt.Sprintf(set, "value >= 50.0")), indicator.WithUntrustedRules(indicator.Limits{}))
	require.NoError(t, err, "an ordinary threshold compiles in untrusted mode")
}
