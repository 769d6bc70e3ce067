package logicmodel_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/logicmodel"
)

// base is a complete, clean chain: activity → output → outcome → impact.
// Line numbers matter to the tests below.
var base = []string{
	"id: m", // 1
	"elements:",
	"  - {id: a, column: activities, text: A}",
	"  - {id: o, column: outputs, text: O}",
	"  - {id: s, column: outcomes-short, text: S, horizon: 1 year, indicators: [I1]}", // 5
	"  - {id: i, column: impact, text: I, verification: [survey]}",
	"links:",
	"  - {from: a, to: o, assumptions: [X]}",
	"  - {from: o, to: s, assumptions: [X]}",
	"  - {from: s, to: i, assumptions: [X]}", // 10
	"assumptions:",
	"  - {id: X, text: x}",
}

// edit returns base with line n (1-based) replaced by text; an empty text
// deletes the line. insert puts lines after line n.
func edit(lines []string, n int, text string) []string {
	out := append([]string(nil), lines...)
	if text == "" {
		return append(out[:n-1], out[n:]...)
	}
	out[n-1] = text
	return out
}

func insert(lines []string, n int, text ...string) []string {
	out := append([]string(nil), lines[:n]...)
	out = append(out, text...)
	return append(out, lines[n:]...)
}

// col is the 1-based column of token in line.
func col(line, token string) int { return strings.Index(line, token) + 1 }

func load(t *testing.T, lines []string) *logicmodel.Model {
	t.Helper()
	m, err := logicmodel.Load(strings.NewReader(strings.Join(lines, "\n")+"\n"), "m.yaml")
	require.NoError(t, err)
	return m
}

func TestValidate_BaseIsClean(t *testing.T) {
	assert.Empty(t, load(t, base).Validate(logicmodel.WithKnownIndicators("I1")))
}

func TestValidate_ExampleIsClean(t *testing.T) {
	m, err := logicmodel.LoadFile("../examples/logicmodel/diabetes-prevention.yaml")
	require.NoError(t, err)
	assert.Empty(t, m.Validate())
}

// TestValidate_EveryFinding triggers each finding code and checks its
// severity, message and position.
func TestValidate_EveryFinding(t *testing.T) {
	type want struct {
		sev       logicmodel.Severity
		code, msg string
		line, col int
	}
	err, warn := logicmodel.SeverityError, logicmodel.SeverityWarning
	cases := []struct {
		name  string
		lines []string
		opts  []logicmodel.ValidateOption
		want  want
	}{
		{"dangling to", edit(base, 10, "  - {from: s, to: nowhere, assumptions: [X]}"), nil,
			want{err, "dangling-link", `link to "nowhere", which is not an element`, 10, 19}},
		{"dangling from", edit(base, 10, "  - {from: ghost, to: i, assumptions: [X]}"), nil,
			want{err, "dangling-link", `link from "ghost", which is not an element`, 10, 12}},
		{"unknown assumption on a link", edit(base, 8, "  - {from: a, to: o, assumptions: [Y]}"), nil,
			want{err, "unknown-assumption", `link a → o names assumption "Y", which is not defined`, 8, 5}},
		{"unknown assumption on an element", edit(base, 3, "  - {id: a, column: activities, text: A, assumptions: [Z]}"), nil,
			want{err, "unknown-assumption", `element "a" names assumption "Z", which is not defined`, 3, 10}},
		{"unknown indicator", base, []logicmodel.ValidateOption{logicmodel.WithKnownIndicators("I2")},
			want{err, "unknown-indicator", `element "s" names indicator "I1", which is not in the indicator set`, 5, col(base[4], "I1]")}},
		{"self loop", insert(base, 10, "  - {from: s, to: s, assumptions: [X]}"), nil,
			want{err, "cycle", "cycle: s → s", 11, 5}},
		{"two-element cycle", insert(insert(base, 5, "  - {id: t, column: outcomes-short, text: T, horizon: 2 years, indicators: [I1]}"),
			11, "  - {from: s, to: t, assumptions: [X]}", "  - {from: t, to: s, assumptions: [X]}"), nil,
			// The first link in file order with both ends in the cycle is s → t (line 12).
			want{err, "cycle", "cycle: s → t → s", 12, 5}},
		{"backward link", insert(base, 10, "  - {from: i, to: a, assumptions: [X]}"), nil,
			want{err, "backward-link", "link i → a runs backwards, from impact to activities", 11, 5}},
		{"no impact", edit(edit(base, 10, ""), 6, ""), nil,
			want{err, "no-impact", "no element is in the impact column", 1, 1}},
		{"no start", edit(edit(base, 8, ""), 3, ""), nil,
			want{err, "no-start", "no element is an input or an activity", 1, 1}},
		{"unreachable", insert(insert(base, 4, "  - {id: lone, column: outputs, text: L}"), 10, "  - {from: lone, to: s, assumptions: [X]}"), nil,
			want{err, "unreachable", `no input or activity leads to "lone"`, 5, 10}},
		{"dead end", insert(insert(base, 5, "  - {id: extra, column: outcomes-short, text: E, horizon: 1 year, indicators: [I1]}"), 10, "  - {from: o, to: extra, assumptions: [X]}"), nil,
			want{err, "dead-end", `"extra" leads nowhere: no path from it reaches the impact`, 6, 10}},
		{"activity without output", insert(insert(base, 3, "  - {id: b, column: activities, text: B}"), 10, "  - {from: b, to: s, assumptions: [X]}"), nil,
			want{warn, "activity-without-output", `activity "b" leads to no output`, 4, 10}},
		{"output without outcome", insert(insert(base, 4, "  - {id: p, column: outputs, text: P}"), 11, "  - {from: a, to: p, assumptions: [X]}", "  - {from: p, to: i, assumptions: [X]}"), nil,
			want{warn, "output-without-outcome", `output "p" leads to no outcome`, 5, 10}},
		{"unmeasured impact", edit(base, 6, "  - {id: i, column: impact, text: I}"), nil,
			want{warn, "unmeasured", `impact "i" has no indicator and no means of verification`, 6, 10}},
		{"unmeasured outcome", edit(base, 5, "  - {id: s, column: outcomes-short, text: S, horizon: 1 year}"), nil,
			want{warn, "unmeasured", `outcome "s" has no indicator and no means of verification`, 5, 10}},
		{"no horizon", edit(base, 5, "  - {id: s, column: outcomes-short, text: S, indicators: [I1]}"), nil,
			want{warn, "no-horizon", `outcome "s" has no time horizon`, 5, 10}},
		{"unassumed link", edit(base, 9, "  - {from: o, to: s}"), nil,
			want{warn, "unassumed-link", "link o → s states no assumption", 9, 5}},
		{"killer assumption", edit(base, 12, "  - {id: X, text: x, killer: true}"), nil,
			want{warn, "killer-assumption", `assumption "X" is a killer assumption: redesign the chain rather than rely on it`, 12, 10}},
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := load(t, tc.lines).Validate(tc.opts...)
			var got []logicmodel.Finding
			for _, f := range findings {
				if f.Code == tc.want.code {
					got = append(got, f)
				}
			}
			require.Len(t, got, 1, "findings: %v", findings)
			f := got[0]
			assert.Equal(t, tc.want.sev, f.Severity)
			assert.Equal(t, tc.want.msg, f.Message)
			assert.Equal(t, fmt.Sprintf("m.yaml:%d:%d", tc.want.line, tc.want.col), f.Pos.String())
			covered[tc.want.code] = true
		})
	}
	// unknown-column cannot come from YAML (Load rejects it): a model
	// changed in Go.
	t.Run("unknown column", func(t *testing.T) {
		m := load(t, base)
		m.Elements[0].Column = "middle"
		var got []logicmodel.Finding
		for _, f := range m.Validate() {
			if f.Code == logicmodel.CodeUnknownColumn {
				got = append(got, f)
			}
		}
		require.Len(t, got, 1)
		assert.Equal(t, `element "a" is in column "middle", which the kellogg layout does not have`, got[0].Message)
		assert.Equal(t, "m.yaml:3:10", got[0].Pos.String())
		covered[logicmodel.CodeUnknownColumn] = true
	})
	for _, code := range []string{
		logicmodel.CodeDanglingLink, logicmodel.CodeUnknownAssumption, logicmodel.CodeUnknownIndicator,
		logicmodel.CodeUnknownColumn, logicmodel.CodeCycle, logicmodel.CodeBackwardLink, logicmodel.CodeNoImpact,
		logicmodel.CodeNoStart, logicmodel.CodeUnreachable, logicmodel.CodeDeadEnd,
		logicmodel.CodeActivityWithoutOutput, logicmodel.CodeOutputWithoutOutcome, logicmodel.CodeUnmeasured,
		logicmodel.CodeNoHorizon, logicmodel.CodeUnassumedLink, logicmodel.CodeKillerAssumption,
	} {
		assert.True(t, covered[code], "no test triggers %s", code)
	}
}

func TestValidate_ElementAssumptionsCoverItsLinks(t *testing.T) {
	lines := edit(edit(base, 9, "  - {from: o, to: s}"), 4, "  - {id: o, column: outputs, text: O, assumptions: [X]}")
	assert.Empty(t, load(t, lines).Validate())
}

func TestValidate_FindingString(t *testing.T) {
	f := load(t, edit(base, 9, "  - {from: o, to: s}")).Validate()
	require.Len(t, f, 1)
	assert.Equal(t, "m.yaml:9:5: warning: unassumed-link: link o → s states no assumption", f[0].String())
}

func TestValidate_Logframe(t *testing.T) {
	m := load(t, []string{
		"id: lf",
		"layout: logframe",
		"elements:",
		"  - {id: act, column: activities, text: Train staff, assumptions: [A]}",
		"  - {id: out, column: outputs, text: Staff trained, verification: training log, assumptions: [A]}",
		"  - {id: pur, column: purpose, text: Better care, horizon: 2 years, indicators: [I1], assumptions: [A]}",
		"  - {id: goal, column: goal, text: Better health, verification: [survey]}",
		"links:",
		"  - {from: act, to: out}",
		"  - {from: out, to: pur}",
		"  - {from: pur, to: goal}",
		"assumptions:",
		"  - {id: A, text: Staff stay}",
	})
	assert.Empty(t, m.Validate())
	assert.Equal(t, []string{"training log"}, m.Elements[1].Verification)
	paths, truncated, err := m.PathsToImpact()
	require.NoError(t, err)
	assert.False(t, truncated)
	assert.Equal(t, []logicmodel.Path{{"act", "out", "pur", "goal"}}, paths)
	// A logframe's purpose needs a horizon as an outcome does.
	m.Elements[2].Horizon = ""
	f := m.Validate()
	require.Len(t, f, 1)
	assert.Equal(t, logicmodel.CodeNoHorizon, f[0].Code)
}
