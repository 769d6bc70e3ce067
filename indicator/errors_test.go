package indicator_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
)

// header is the start of most sets below: 7 lines, so that the first
// indicator starts on line 8.
const header = "id: s\n" + // 1
	"schema:\n" + // 2
	"  unit: patient\n" + // 3
	"  fields:\n" + // 4
	"    age: int\n" + // 5
	"    hba1c: double?\n" + // 6
	"indicators:\n" // 7

// findDiag returns the diagnostic whose formatted text starts with pos
// ("file:line:col" or a prefix of it), failing the test with every
// diagnostic when there is none.
func findDiag(t *testing.T, err error, pos string) indicator.Diagnostic {
	t.Helper()
	require.Error(t, err)
	var diags indicator.Diagnostics
	require.True(t, errors.As(err, &diags), "error %T is not Diagnostics: %v", err, err)
	for _, d := range diags {
		if strings.HasPrefix(d.Error(), pos) {
			return d
		}
	}
	require.Failf(t, "no diagnostic at "+pos, "got:\n%v", err)
	return indicator.Diagnostic{}
}

func TestDiagnostics(t *testing.T) {
	cases := []struct {
		name     string
		yaml     string
		class    error
		pos      string // file:line:col of the problem
		contains []string
	}{
		// YAML syntax: the YAML library gives a line only.
		{"YAML syntax error: tab indentation", "id: s\nschema:\n\tunit: patient\n",
			indicator.ErrInvalidDefinition, "f.yaml:3: ", []string{"YAML"}},
		{"YAML syntax error: mapping in a plain value", "id: s\ntitle: a: b\n",
			indicator.ErrInvalidDefinition, "f.yaml:2: ", []string{"YAML"}},

		// Unknown keys, everywhere, with the key's own position.
		{"unknown key at top level", "id: s\ntitel: x\nschema:\n  fields:\n    age: int\n",
			indicator.ErrInvalidDefinition, "f.yaml:2:1: ", []string{`set: unknown key "titel"`}},
		{"unknown key in an indicator", header + "  - id: DM\n    type: count\n    numerater: age > 1\n",
			indicator.ErrInvalidDefinition, "f.yaml:10:5: ", []string{`indicator DM: unknown key "numerater"`}},
		{"unknown key in a schema field", "id: s\nschema:\n  fields:\n    hba1c:\n      type: double?\n      units: mmol/mol\n",
			indicator.ErrInvalidDefinition, "f.yaml:6:7: ", []string{`schema field hba1c: unknown key "units"`}},
		{"unknown key in the schema", "id: s\nschema:\n  unit: patient\n  field:\n    age: int\n",
			indicator.ErrInvalidDefinition, "f.yaml:4:3: ", []string{`schema: unknown key "field"`}},
		{"unknown key in a stratifier", header + "  - id: DM\n    type: count\n    stratifiers:\n      - id: S\n        expresion: age\n",
			indicator.ErrInvalidDefinition, "f.yaml:12:9: ", []string{`indicator DM stratifier: unknown key "expresion"`}},
		{"unknown key in confidence", header + "  - id: DM\n    type: count\n    confidence:\n      leve: 0.9\n",
			indicator.ErrInvalidDefinition, "f.yaml:11:7: ", []string{`indicator DM confidence: unknown key "leve"`}},

		// Wrong node kinds.
		{"indicators is a mapping", "id: s\nschema:\n  fields:\n    age: int\nindicators:\n  id: A\n",
			indicator.ErrInvalidDefinition, "f.yaml:6:3: ", []string{"set indicators: want a list, got a mapping"}},
		{"schema is a list", "id: s\nschema: [age]\n",
			indicator.ErrInvalidDefinition, "f.yaml:2:9: ", []string{"schema: want a mapping, got a list"}},
		{"expression is a list", header + "  - id: DM\n    type: proportion\n    numerator: [age]\n",
			indicator.ErrInvalidDefinition, "f.yaml:10:16: ", []string{"indicator DM numerator: want a CEL expression, got a list"}},
		{"id is a mapping", "id: {a: b}\nschema:\n  fields:\n    age: int\n",
			indicator.ErrInvalidDefinition, "f.yaml:1:5: ", []string{"set id: want a string, got a mapping"}},
		{"multiplier is not a number", header + "  - id: DM\n    type: count\n    multiplier: lots\n",
			indicator.ErrInvalidDefinition, "f.yaml:10:17: ", []string{"indicator DM multiplier: want a number"}},
		{"empty file", "",
			indicator.ErrInvalidDefinition, "f.yaml:1:1: ", []string{"empty"}},
		{"file with only a comment", "# nothing yet\n",
			indicator.ErrInvalidDefinition, "f.yaml:1:1: ", []string{"empty"}},

		// Duplicates.
		{"duplicate key at top level", "id: s\nid: t\nschema:\n  fields:\n    age: int\n",
			indicator.ErrInvalidDefinition, "f.yaml:2:1: ", []string{`set: duplicate key "id"`}},
		{"duplicate key in an indicator", header + "  - id: DM\n    type: count\n    type: proportion\n",
			indicator.ErrInvalidDefinition, "f.yaml:10:5: ", []string{`indicator DM: duplicate key "type"`}},
		{"duplicate schema field", "id: s\nschema:\n  fields:\n    age: int\n    age: double\n",
			indicator.ErrInvalidDefinition, "f.yaml:5:5: ", []string{`schema fields: duplicate key "age"`}},
		{"duplicate indicator id", header + "  - id: DM\n    type: count\n  - id: DM\n    type: count\n",
			indicator.ErrInvalidDefinition, "f.yaml:10:5: ", []string{`indicator DM id: duplicate indicator id "DM"`}},

		// Indicator header values (positioned at the indicator).
		{"unknown type", header + "  - id: DM\n    type: percentage\n",
			indicator.ErrInvalidDefinition, "f.yaml:8:5: ", []string{`indicator DM type: unknown type "percentage"`}},
		{"unknown polarity", header + "  - id: DM\n    type: count\n    polarity: up\n",
			indicator.ErrInvalidDefinition, "f.yaml:8:5: ", []string{`indicator DM polarity: unknown polarity "up"`}},
		{"confidence level as a percentage", header + "  - id: DM\n    type: count\n    confidence:\n      level: 95\n",
			indicator.ErrInvalidDefinition, "f.yaml:8:5: ", []string{"indicator DM confidence.level: level must be a fraction"}},
		{"infinite multiplier", header + "  - id: DM\n    type: count\n    multiplier: inf\n",
			indicator.ErrInvalidDefinition, "f.yaml:8:5: ", []string{"indicator DM multiplier: "}},
		{"confidence level not a number", header + "  - id: DM\n    type: count\n    confidence:\n      level: high\n",
			indicator.ErrInvalidDefinition, "f.yaml:11:14: ", []string{"indicator DM confidence.level: want a number"}},
		{"unknown field type", "id: s\nschema:\n  fields:\n    age: integer\n",
			indicator.ErrInvalidDefinition, "f.yaml:4:10: ", []string{`schema field age: unknown type "integer"`}},
		{"bad parameter default", "id: s\nschema:\n  fields:\n    age: int\nparameters:\n  start:\n    type: timestamp\n    default: yesterday\n",
			indicator.ErrInvalidDefinition, "f.yaml:6:3: ", []string{"parameter start default:", "yesterday"}},

		// Criteria required by, or not allowed for, the type.
		{"proportion without numerator", header + "  - id: DM\n    type: proportion\n",
			indicator.ErrInvalidDefinition, "f.yaml:8:5: ", []string{"indicator DM numerator: a proportion indicator needs numerator"}},
		{"mean without observation", header + "  - id: DM\n    type: mean\n",
			indicator.ErrInvalidDefinition, "f.yaml:8:5: ", []string{"indicator DM observation: a mean indicator needs observation"}},
		{"rate without person-time", header + "  - id: DM\n    type: rate\n    numerator_value: age\n",
			indicator.ErrInvalidDefinition, "f.yaml:8:5: ", []string{"indicator DM denominator_value: a rate indicator needs denominator_value"}},
		{"count with numerator", header + "  - id: DM\n    type: count\n    numerator: age > 1\n",
			indicator.ErrInvalidDefinition, "f.yaml:10:16: ", []string{"indicator DM numerator: a count indicator takes no numerator"}},
		{"proportion with observation", header + "  - id: DM\n    type: proportion\n    numerator: age > 1\n    observation: age\n",
			indicator.ErrInvalidDefinition, "f.yaml:11:18: ", []string{"indicator DM observation: a proportion indicator takes no observation"}},
		{"ratio with exception", header + "  - id: DM\n    type: ratio\n    numerator: age > 1\n    denominator_exception: age > 2\n",
			indicator.ErrInvalidDefinition, "f.yaml:11:28: ", []string{"indicator DM denominator_exception: a ratio indicator takes no denominator_exception"}},

		// Undeclared references: the identifier's own line and column.
		{"undeclared reference, plain scalar", header + "  - id: DM\n    type: proportion\n    numerator: hba1cc > 58\n",
			indicator.ErrTypeMismatch, "f.yaml:10:16: ", []string{"indicator DM numerator: ", "undeclared reference", "hba1cc"}},
		{"undeclared reference, literal block scalar second line", header +
			"  - id: DM\n" + // 8
			"    type: proportion\n" + // 9
			"    numerator: |\n" + // 10
			"      has(patient.hba1c) &&\n" + // 11
			"        hba1cc > 58\n", // 12: hba1cc at column 9
			indicator.ErrTypeMismatch, "f.yaml:12:9: ", []string{"indicator DM numerator: ", "undeclared reference", "hba1cc"}},
		{"undeclared reference, double-quoted scalar", header +
			"  - id: DM\n    type: proportion\n" +
			`    numerator: "has(patient.hba1c) && hba1cc > 58"` + "\n", // quote at 16, hba1cc at 17+22
			indicator.ErrTypeMismatch, "f.yaml:10:39: ", []string{"indicator DM numerator: ", "undeclared reference", "hba1cc"}},
		{"undeclared reference, single-quoted scalar", header +
			"  - id: DM\n    type: proportion\n    numerator: 'hba1cc > 58'\n",
			indicator.ErrTypeMismatch, "f.yaml:10:17: ", []string{"indicator DM numerator: ", "undeclared reference", "hba1cc"}},
		{"undeclared reference, folded block scalar second line", header +
			"  - id: DM\n" + // 8
			"    type: proportion\n" + // 9
			"    numerator: >\n" + // 10
			"      has(patient.hba1c) &&\n" + // 11
			"      hba1cc > 58\n", // 12: hba1cc at column 7
			indicator.ErrTypeMismatch, "f.yaml:12:7: ", []string{"indicator DM numerator: ", "undeclared reference", "hba1cc"}},
		{"undeclared reference, plain scalar continued on the next line", header +
			"  - id: DM\n" + // 8
			"    type: proportion\n" + // 9
			"    numerator: has(patient.hba1c) &&\n" + // 10
			"      hba1cc > 58\n", // 11: hba1cc at column 7
			indicator.ErrTypeMismatch, "f.yaml:11:7: ", []string{"indicator DM numerator: ", "undeclared reference", "hba1cc"}},
		{"undeclared reference, double-quoted scalar with an escaped newline", header +
			"  - id: DM\n    type: proportion\n" +
			`    numerator: "has(patient.hba1c) &&\n  hba1cc > 58"` + "\n", // hba1cc at 17+21+2+2
			indicator.ErrTypeMismatch, "f.yaml:10:42: ", []string{"indicator DM numerator: ", "undeclared reference", "hba1cc"}},
		{"undeclared reference in a definition", "id: s\nschema:\n  fields:\n    age: int\ndefinitions:\n  old: agee >= 65\n",
			indicator.ErrTypeMismatch, "f.yaml:6:8: ", []string{"definition old: ", "undeclared reference", "agee"}},
		{"undeclared reference in a stratifier component", header +
			"  - id: DM\n    type: count\n    stratifiers:\n      - id: S\n        components: [age, sexx]\n",
			indicator.ErrTypeMismatch, "f.yaml:12:27: ", []string{"indicator DM stratifier S: ", "undeclared reference", "sexx"}},
		{"undeclared reference in a threshold", header +
			"  - id: DM\n    type: count\n    thresholds:\n      - status: green\n        when: valuee > 1\n",
			indicator.ErrTypeMismatch, "f.yaml:12:15: ", []string{"indicator DM thresholds.when: ", "undeclared reference", "valuee"}},
		{"CEL syntax error", header + "  - id: DM\n    type: proportion\n    numerator: age > > 1\n",
			indicator.ErrInvalidDefinition, "f.yaml:10:", []string{"indicator DM numerator: "}},

		// Type errors.
		{"int compared with a string", header + "  - id: DM\n    type: proportion\n" + `    numerator: age >= "65"` + "\n",
			indicator.ErrTypeMismatch, "f.yaml:10:20: ", []string{"indicator DM numerator: ", "no matching overload"}},
		{"numerator that is an int", header + "  - id: DM\n    type: proportion\n    numerator: age\n",
			indicator.ErrTypeMismatch, "f.yaml:10:16: ", []string{"indicator DM numerator: ", "int", "bool"}},
		{"observation that is a bool", header + "  - id: DM\n    type: mean\n    observation: age > 1\n",
			indicator.ErrTypeMismatch, "f.yaml:10:18: ", []string{"indicator DM observation: ", "bool"}},
		{"stratifier that is a double", header + "  - id: DM\n    type: count\n    stratifiers:\n      - hba1c\n",
			indicator.ErrTypeMismatch, "f.yaml:11:9: ", []string{"indicator DM stratifier hba1c: ", "double"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			set, err := indicator.Load("f.yaml", []byte(tc.yaml))
			require.Error(t, err)
			require.Nil(t, set)
			assert.True(t, errors.Is(err, tc.class), "error is not %v: %v", tc.class, err)
			assert.Contains(t, err.Error(), tc.pos)
			d := findDiag(t, err, tc.pos)
			assert.True(t, errors.Is(d, tc.class), "diagnostic is not %v: %v", tc.class, d)
			for _, s := range tc.contains {
				assert.Contains(t, d.Error(), s)
			}
			assert.NotEmpty(t, d.Message)
		})
	}
}

func TestDiagnosticFieldsAndCaret(t *testing.T) {
	_, err := indicator.Load("f.yaml", []byte(header+"  - id: DM\n    type: proportion\n    numerator: hba1cc > 58\n"))
	d := findDiag(t, err, "f.yaml:10:16")
	assert.Equal(t, indicator.Position{File: "f.yaml", Line: 10, Column: 16}, d.Pos)
	assert.Equal(t, "indicator DM", d.Owner)
	assert.Equal(t, "numerator", d.Field)
	assert.Equal(t, "    numerator: hba1cc > 58", d.Line)
	assert.Equal(t, indicator.ErrTypeMismatch, d.Class)
	// The source line and a caret under column 16.
	assert.Contains(t, d.Error(), "\n |     numerator: hba1cc > 58\n | "+strings.Repeat(" ", 15)+"^")
}

// TestDiagnosticCaretAfterNonASCII: columns count characters — as the
// YAML library does for keys and values — both for YAML problems and for
// CEL problems, and the caret stands under the character the column names
// even after letters of several bytes.
func TestDiagnosticCaretAfterNonASCII(t *testing.T) {
	t.Run("CEL problem", func(t *testing.T) {
		yaml := "id: s\nschema:\n  fields:\n    name: string\n    hba1c: double?\nindicators:\n" +
			"  - id: DM\n    type: proportion\n" +
			`    numerator: name == "Zoë" && hba1cc > 1` + "\n" // 9: hba1cc is character 33
		_, err := indicator.Load("f.yaml", []byte(yaml))
		d := findDiag(t, err, "f.yaml:9:33: ")
		assert.Contains(t, d.Error(), "hba1cc")
		lines := strings.Split(d.Error(), "\n")
		require.Len(t, lines, 3, d.Error())
		assert.Equal(t, ` |     numerator: name == "Zoë" && hba1cc > 1`, lines[1])
		assert.Equal(t, " | "+strings.Repeat(" ", 32)+"^", lines[2])
	})
	t.Run("YAML problem", func(t *testing.T) {
		yaml := "id: s\n" + `schema: {unit: "ë", fieldz: {}}` + "\n" // 2: fieldz is character 21
		_, err := indicator.Load("f.yaml", []byte(yaml))
		d := findDiag(t, err, "f.yaml:2:21: ")
		assert.Contains(t, d.Error(), "fieldz")
		lines := strings.Split(d.Error(), "\n")
		require.Len(t, lines, 3, d.Error())
		assert.Equal(t, " | "+strings.Repeat(" ", 20)+"^", lines[2])
	})
}

// TestNestedEventLists: an event list inside an event list is either
// usable from CEL or refused where it is declared — never accepted by the
// schema and then unusable.
func TestNestedEventLists(t *testing.T) {
	yaml := "id: s\n" +
		"schema:\n" +
		"  fields:\n" +
		"    visits:\n" +
		"      fields:\n" +
		"        tests:\n" + // 6: the nested event list
		"          fields:\n" +
		"            value: int\n" +
		"indicators:\n" +
		"  - id: HIGH\n" +
		"    type: proportion\n" +
		"    numerator: visits.exists(v, v.tests.exists(x, x.value > 1))\n"
	set, err := indicator.Load("f.yaml", []byte(yaml))
	if err != nil {
		var diags indicator.Diagnostics
		require.True(t, errors.As(err, &diags), "%v", err)
		for _, d := range diags {
			assert.True(t, errors.Is(d, indicator.ErrInvalidDefinition), "%v", d)
			assert.NotEqual(t, "numerator", d.Field, "nested event lists must be refused in the schema, not at their use: %v", d)
			assert.Contains(t, d.Error(), "tests")
		}
		return
	}
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	for _, values := range [][]int64{{0, 5}, {1}} {
		visits := b.Field(0)
		tests := visits.Event(0)
		for _, v := range values {
			tests.Event(0).AppendInt(v)
			tests.EndEvent()
		}
		visits.EndEvent()
		require.NoError(t, b.EndRow())
	}
	r := result(t, run(t, set, []*indicator.Batch{b.Build()}), "HIGH")
	assert.Zero(t, r.Accounting.Errored, "%+v", r.Errors)
	assert.Equal(t, 1.0, float64(r.Numerator))
	assert.Equal(t, 2.0, float64(r.Denominator))
}

func TestDiagnosticsReportEveryProblemSorted(t *testing.T) {
	yaml := "id: s\n" +
		"titel: x\n" + // 2: unknown key
		"schema:\n" +
		"  fields:\n" +
		"    age: int\n" +
		"indicators:\n" +
		"  - id: B\n" + // 7
		"    type: proportion\n" +
		"    numerator: agee > 1\n" + // 9: undeclared
		"  - id: A\n" + // 10
		"    type: count\n" +
		"    colour: red\n" // 12: unknown key
	_, err := indicator.Load("f.yaml", []byte(yaml))
	require.Error(t, err)
	var diags indicator.Diagnostics
	require.True(t, errors.As(err, &diags))
	// Load reports the problems of parsing and of compiling together, in
	// file order: the CEL problem is seen despite the unknown keys.
	require.Len(t, diags, 3, "%v", err)
	assert.Equal(t, 2, diags[0].Pos.Line)
	assert.Equal(t, 9, diags[1].Pos.Line)
	assert.Equal(t, 12, diags[2].Pos.Line)
	lines := strings.Split(err.Error(), "\n")
	assert.True(t, strings.HasPrefix(lines[0], "f.yaml:2:1: "), lines[0])

	// Without parse errors, every compile problem is reported at once.
	yaml = strings.Replace(strings.Replace(yaml, "titel: x\n", "title: x\n", 1), "    colour: red\n", "    numerator: age > 1\n", 1)
	_, err = indicator.Load("f.yaml", []byte(yaml))
	require.True(t, errors.As(err, &diags))
	require.Len(t, diags, 2, "%v", err)
	assert.Equal(t, 9, diags[0].Pos.Line)
	assert.Contains(t, diags[0].Error(), "agee")
	assert.Equal(t, 12, diags[1].Pos.Line)
	assert.Contains(t, diags[1].Error(), "a count indicator takes no numerator")
	assert.True(t, errors.Is(err, indicator.ErrTypeMismatch))
	assert.True(t, errors.Is(err, indicator.ErrInvalidDefinition))
}

// TestCrossTypeNumericComparisons: int and double compare as numbers.
func TestCrossTypeNumericComparisons(t *testing.T) {
	set := mustLoad(t, header+
		"  - id: HBA1C\n    type: proportion\n    numerator: hba1c > 58\n"+
		"  - id: AGE\n    type: proportion\n    numerator: age > 64.5\n"+
		"  - id: MIXED\n    type: proportion\n    numerator: hba1c >= age\n")
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	for _, r := range []struct {
		age   int64
		hba1c float64
	}{{65, 58.5}, {64, 58.0}, {80, 80.0}, {30, 57.999}} {
		b.Field(field(t, s, "age")).AppendInt(r.age)
		b.Field(field(t, s, "hba1c")).AppendDouble(r.hba1c)
		require.NoError(t, b.EndRow())
	}
	rep := run(t, set, []*indicator.Batch{b.Build()})
	// hba1c > 58: 58.5 and 80.0. age > 64.5: 65 and 80. hba1c >= age:
	// 80.0 >= 80 and 57.999 >= 30.
	assert.Equal(t, 2.0, float64(result(t, rep, "HBA1C").Numerator))
	assert.Equal(t, 2.0, float64(result(t, rep, "AGE").Numerator))
	assert.Equal(t, 2.0, float64(result(t, rep, "MIXED").Numerator))
	for _, r := range rep.Indicators {
		assert.Zero(t, r.Accounting.Errored, "%s: %+v", r.ID, r.Errors)
	}
}

// ---------------------------------------------------------------------------
// Definitions.

func TestDefinitionCycles(t *testing.T) {
	base := "id: s\nschema:\n  fields:\n    age: int\ndefinitions:\n" // 5 lines
	cases := []struct {
		name string
		defs string
		pos  string
		path string
	}{
		{"two definitions", "  a: b && age > 1\n  b: a || age > 2\n", "f.yaml:6:6: ", "a -> b -> a"},
		{"three definitions", "  a: b\n  b: c\n  c: a\n", "f.yaml:6:6: ", "a -> b -> c -> a"},
		{"a definition using itself", "  a: a && age > 1\n", "f.yaml:6:6: ", "a -> a"},
		{"a cycle behind a sound definition", "  top: x || age > 1\n  x: y\n  y: x\n", "f.yaml:7:6: ", "x -> y -> x"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := indicator.Load("f.yaml", []byte(base+tc.defs))
			require.Error(t, err)
			assert.True(t, errors.Is(err, indicator.ErrCycle), "%v", err)
			d := findDiag(t, err, tc.pos)
			assert.True(t, errors.Is(d, indicator.ErrCycle), "%v", d)
			assert.Contains(t, d.Error(), tc.path)
			assert.Contains(t, d.Error(), "definition ")
		})
	}
}

// TestDefinitionsUsingDefinitions: a definition may use another written
// after it; indicators see them all.
func TestDefinitionsUsingDefinitions(t *testing.T) {
	set := mustLoad(t, `
id: defs
schema:
  unit: patient
  fields:
    age: int
    codes: list<string>
valuesets:
  diabetes: [E10, E11]
definitions:
  elderly_diabetic: elderly && diabetic
  elderly: age >= 65
  diabetic: codes.exists(c, c in valuesets.diabetes)
  band: 'elderly ? "65+" : "under 65"'
indicators:
  - id: EDM
    type: proportion
    initial_population: diabetic
    numerator: elderly_diabetic
    stratifiers: [band]
`)
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	for _, r := range []struct {
		age   int64
		codes []string
	}{{70, []string{"E11"}}, {50, []string{"E10", "I10"}}, {80, []string{"I10"}}, {66, []string{"X", "E10"}}} {
		b.Field(field(t, s, "age")).AppendInt(r.age)
		for _, c := range r.codes {
			b.Field(field(t, s, "codes")).AppendString(c)
		}
		require.NoError(t, b.EndRow())
	}
	r := result(t, run(t, set, []*indicator.Batch{b.Build()}), "EDM")
	// Diabetic: records 0, 1, 3; elderly among them: 0 and 3.
	assert.Equal(t, 2.0, float64(r.Numerator))
	assert.Equal(t, 3.0, float64(r.Denominator))
	require.Len(t, r.Stratifiers, 1)
	require.Len(t, r.Stratifiers[0].Strata, 2)
	assert.Equal(t, []string{"65+"}, r.Stratifiers[0].Strata[0].Values)
	assert.Equal(t, 2.0, float64(r.Stratifiers[0].Strata[0].Numerator))
	assert.Equal(t, []string{"under 65"}, r.Stratifiers[0].Strata[1].Values)
	assert.Equal(t, 0.0, float64(r.Stratifiers[0].Strata[1].Numerator))
}

// TestDefinitionErrorIsTheRecordsError: a definition that fails for a
// record makes the criterion using it fail, naming the definition.
func TestDefinitionErrorIsTheRecordsError(t *testing.T) {
	set := mustLoad(t, header[:len(header)-len("indicators:\n")]+
		"definitions:\n  high: hba1c > 58\n  very_high: high && hba1c > 75\n"+
		"indicators:\n  - id: H\n    type: proportion\n    numerator: very_high\n")
	s := set.Schema()
	b := indicator.NewBatchBuilder(s)
	b.Field(field(t, s, "age")).AppendInt(1)
	require.NoError(t, b.EndRow())
	r := result(t, run(t, set, []*indicator.Batch{b.Build()}), "H")
	require.Len(t, r.Errors, 1)
	assert.Equal(t, "numerator", r.Errors[0].Field)
	assert.Contains(t, r.Errors[0].Message, "high")
	assert.Contains(t, r.Errors[0].Message, "null")
}

// ---------------------------------------------------------------------------
// Cost budget.

const costYAML = `
id: cost
schema:
  unit: patient
  fields:
    age: int
    conditions:
      fields:
        code: string
    observations:
      fields:
        code: string
        value: double
indicators:
  - id: SIMPLE
    type: proportion
    numerator: age > 1
  - id: ONE-LIST
    type: proportion
    numerator: conditions.exists(c, c.code == "E11")
`

const nestedCostYAML = costYAML + `  - id: NESTED
    type: proportion
    numerator: conditions.exists(c, observations.exists(o, o.code == "HBA1C" && c.code == "E11"))
`

func TestCostBudget(t *testing.T) {
	t.Run("the default budget takes simple expressions and one list", func(t *testing.T) {
		mustLoad(t, costYAML)
	})
	t.Run("a tiny budget rejects everything", func(t *testing.T) {
		_, err := indicator.Load("f.yaml", []byte(costYAML), indicator.WithCostBudget(1))
		require.Error(t, err)
		assert.True(t, errors.Is(err, indicator.ErrCostBudget), "%v", err)
		d := findDiag(t, err, "f.yaml:17:16: ")
		assert.Contains(t, d.Error(), "indicator SIMPLE numerator")
		assert.True(t, errors.Is(d, indicator.ErrCostBudget))
	})
	t.Run("a nested comprehension exceeds the default budget", func(t *testing.T) {
		_, err := indicator.Load("f.yaml", []byte(nestedCostYAML))
		require.Error(t, err)
		assert.True(t, errors.Is(err, indicator.ErrCostBudget), "%v", err)
		var diags indicator.Diagnostics
		require.True(t, errors.As(err, &diags))
		require.Len(t, diags, 1, "%v", err)
		assert.Contains(t, diags[0].Error(), "indicator NESTED numerator")
		assert.Equal(t, 23, diags[0].Pos.Line)
		assert.Equal(t, 16, diags[0].Pos.Column)
	})
	t.Run("short lists make the nested comprehension affordable", func(t *testing.T) {
		mustLoad(t, nestedCostYAML, indicator.WithMaxListSize(10))
	})
	t.Run("a larger budget makes the nested comprehension affordable", func(t *testing.T) {
		mustLoad(t, nestedCostYAML, indicator.WithCostBudget(1<<40))
	})
	require.Equal(t, uint64(1000), uint64(indicator.DefaultMaxListSize))
}

// ---------------------------------------------------------------------------
// Parameters.

const paramYAML = `
id: params
schema:
  fields:
    age: int
parameters:
  min_age: int
  period_end:
    type: timestamp
    default: "2024-12-31"
indicators:
  - id: C
    type: count
    initial_population: age >= min_age && timestamp("2024-06-01T00:00:00Z") < period_end
`

func TestParameters(t *testing.T) {
	set := mustLoad(t, paramYAML)
	b := indicator.NewBatchBuilder(set.Schema())
	for _, age := range []int64{10, 20, 30} {
		b.Field(0).AppendInt(age)
		require.NoError(t, b.EndRow())
	}
	batch := b.Build()
	eval := func(p map[string]any) (*indicator.Report, error) {
		return set.Evaluate(context.Background(), indicator.Batches(batch), indicator.WithParams(p))
	}

	t.Run("given and defaulted", func(t *testing.T) {
		rep, err := eval(map[string]any{"min_age": 20})
		require.NoError(t, err)
		assert.Equal(t, 2.0, float64(result(t, rep, "C").Value))
		assert.Equal(t, map[string]string{"min_age": "20", "period_end": "2024-12-31T00:00:00Z"}, rep.Parameters)
	})
	t.Run("a string is parsed as the parameter's type", func(t *testing.T) {
		rep, err := eval(map[string]any{"min_age": "30", "period_end": "2024-01-01"})
		require.NoError(t, err)
		// period_end before June: nobody.
		assert.Equal(t, 0.0, float64(result(t, rep, "C").Value))
	})
	t.Run("a time.Time for a timestamp", func(t *testing.T) {
		rep, err := eval(map[string]any{"min_age": int64(5), "period_end": time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
		require.NoError(t, err)
		assert.Equal(t, 3.0, float64(result(t, rep, "C").Value))
	})
	t.Run("unknown parameter", func(t *testing.T) {
		rep, err := eval(map[string]any{"min_age": 1, "max_age": 3})
		require.Error(t, err)
		assert.Nil(t, rep)
		assert.True(t, errors.Is(err, indicator.ErrParameter), "%v", err)
		assert.Contains(t, err.Error(), "max_age")
	})
	t.Run("a field is not a parameter", func(t *testing.T) {
		_, err := eval(map[string]any{"min_age": 1, "age": 3})
		assert.True(t, errors.Is(err, indicator.ErrParameter), "%v", err)
		assert.Contains(t, err.Error(), " age: ")
	})
	t.Run("missing parameter without default", func(t *testing.T) {
		rep, err := eval(nil)
		require.Error(t, err)
		assert.Nil(t, rep)
		assert.True(t, errors.Is(err, indicator.ErrParameter), "%v", err)
		assert.Contains(t, err.Error(), "min_age")
		assert.NotContains(t, err.Error(), "period_end")
	})
	t.Run("ill-typed value", func(t *testing.T) {
		_, err := eval(map[string]any{"min_age": true})
		assert.True(t, errors.Is(err, indicator.ErrParameter), "%v", err)
		assert.Contains(t, err.Error(), "min_age")
	})
	t.Run("unparsable string", func(t *testing.T) {
		_, err := eval(map[string]any{"min_age": "old"})
		assert.True(t, errors.Is(err, indicator.ErrParameter), "%v", err)
	})
}

func TestLoad_RefusedDefinitionIsNotCompiled(t *testing.T) {
	_, err := indicator.Load("set.yaml", []byte("id: s\ndefinitions:\n  d: [1, 2]\nindicators:\n  - id: A\n    type: count\n    initial_population: d\n"))
	var ds indicator.Diagnostics
	require.ErrorAs(t, err, &ds)
	require.NotEmpty(t, ds)
	assert.Equal(t, indicator.Position{File: "set.yaml", Line: 3, Column: 6}, ds[0].Pos)
	assert.Contains(t, ds[0].Message, "want a CEL expression")
	for _, d := range ds {
		assert.Positive(t, d.Pos.Line, "every diagnostic is placed: %v", d)
		assert.NotContains(t, d.Message, "Syntax error", "the refused text is not compiled")
	}
}

func TestDiagnostic_LongLineAndMessage(t *testing.T) {
	long := strings.Repeat("x", 5000)
	d := indicator.Diagnostic{Pos: indicator.Position{File: "f.yaml", Line: 1, Column: 4000}, Message: "bad " + long, Line: "a: " + long}
	text := d.Error()
	assert.Less(t, len(text), 1500, "the message and the line are cut")
	lines := strings.Split(text, "\n")
	require.Len(t, lines, 3)
	shown, caret := []rune(lines[1]), []rune(lines[2])
	assert.Equal(t, '…', shown[3], "cut on the left")
	assert.Equal(t, '…', shown[len(shown)-1], "cut on the right")
	assert.Equal(t, 'x', shown[len(caret)-1], "the caret points into the window")
	short := indicator.Diagnostic{Pos: indicator.Position{File: "f.yaml", Line: 1, Column: 3}, Message: "m", Line: "a: b"}
	assert.Equal(t, "f.yaml:1:3: m\n | a: b\n |   ^", short.Error())
}
