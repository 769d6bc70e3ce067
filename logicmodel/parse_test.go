package logicmodel_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/logicmodel"
)

func TestLoad_ReadsEveryField(t *testing.T) {
	m, err := logicmodel.Load(strings.NewReader(`id: m
title: T
description: D
columns: {impact: Goal}
elements:
  - id: s
    column: outcomes-short
    text: S
    horizon: 1 year
    indicators: [I1, {id: I2, at_least: 70, at_most: 90}]
    verification: audit
    assumptions: X
links:
  - {from: s, to: s, assumptions: [X]}
assumptions:
  - {id: X, text: x, evidence: e, killer: true}
external_factors:
  - {id: F, text: f}
`), "m.yaml")
	require.NoError(t, err)
	assert.Equal(t, "T", m.Title)
	assert.Equal(t, "D", m.Description)
	assert.Equal(t, logicmodel.Kellogg, m.Layout)
	assert.Equal(t, "Goal", m.Columns[len(m.Columns)-1].Title)
	e := m.Elements[0]
	assert.Equal(t, "1 year", e.Horizon)
	require.Len(t, e.Indicators, 2)
	assert.Equal(t, "I2", e.Indicators[1].ID)
	assert.Equal(t, 70.0, *e.Indicators[1].AtLeast)
	assert.Equal(t, 90.0, *e.Indicators[1].AtMost)
	assert.Equal(t, []string{"audit"}, e.Verification)
	assert.Equal(t, []string{"X"}, e.Assumptions)
	assert.Equal(t, "m.yaml:6:9", e.Pos.String())
	assert.Equal(t, logicmodel.Link{From: "s", To: "s", Assumptions: []string{"X"},
		Pos:     indicator.Position{File: "m.yaml", Line: 14, Column: 5},
		FromPos: indicator.Position{File: "m.yaml", Line: 14, Column: 12},
		ToPos:   indicator.Position{File: "m.yaml", Line: 14, Column: 19}}, m.Links[0])
	assert.Equal(t, logicmodel.Assumption{ID: "X", Text: "x", Evidence: "e", Killer: true,
		Pos: indicator.Position{File: "m.yaml", Line: 16, Column: 10}}, m.Assumptions[0])
	assert.Equal(t, "f", m.ExternalFactors[0].Text)
}

// TestLoad_Diagnostics: structural problems fail Load with positioned
// diagnostics of class ErrInvalidDefinition.
func TestLoad_Diagnostics(t *testing.T) {
	const (
		boundsLine = "  - {id: a, column: outcomes-short, text: A, indicators: [{id: I, at_least: 9, at_most: 1}]}"
		highLine   = "  - {id: a, column: inputs, text: A, indicators: [{id: I, at_least: high}]}"
	)
	cases := []struct {
		name, yaml string
		want       []string // Diagnostic.Error() first lines, in order
	}{
		{"empty", "", []string{"m.yaml:1:1: empty document"}},
		{"syntax", "id: m\nelements: [\n", []string{"m.yaml:2: YAML: did not find expected node content"}},
		{"not a mapping", "- a\n", []string{"m.yaml:1:1: model: want a mapping, got a list"}},
		{"missing id", "title: t\n", []string{"m.yaml:1:1: model id: missing id"}},
		{"unknown key", "id: m\ncolour: red\n", []string{
			`m.yaml:2:1: model: unknown key "colour" (want one of: assumptions, columns, description, elements, external_factors, id, layout, links, title)`}},
		{"unknown layout", "id: m\nlayout: matrix\n", []string{`m.yaml:2:9: model layout: unknown layout "matrix" (want kellogg or logframe)`}},
		{"unknown column title", "id: m\ncolumns: {goal: G}\n", []string{
			`m.yaml:2:11: model columns: the kellogg layout has no column "goal" (want one of: inputs, activities, outputs, outcomes-short, outcomes-medium, outcomes-long, impact)`}},
		{"element column", "id: m\nlayout: logframe\nelements:\n  - {id: a, column: impact, text: A}\n", []string{
			`m.yaml:4:21: element a column: the logframe layout has no column "impact" (want one of: activities, outputs, purpose, goal)`}},
		{"element missing keys", "id: m\nelements:\n  - {id: a}\n", []string{
			"m.yaml:3:5: element a column: missing column", "m.yaml:3:5: element a text: missing text"}},
		{"duplicate element", "id: m\nelements:\n  - {id: a, column: inputs, text: A}\n  - {id: a, column: inputs, text: B}\n", []string{
			"m.yaml:4:10: element a id: duplicate id (first at m.yaml:3:10)"}},
		{"link missing to", "id: m\nlinks:\n  - {from: a}\n", []string{"m.yaml:3:5: link 1 to: missing to"}},
		{"bad bounds", "id: m\nelements:\n" + boundsLine + "\n", []string{
			fmt.Sprintf("m.yaml:3:%d: element a indicators at_least: at_least 9 is above at_most 1", col(boundsLine, "{id: I"))}},
		{"not a number", "id: m\nelements:\n" + highLine + "\n", []string{
			fmt.Sprintf(`m.yaml:3:%d: element a indicators at_least: want a number, got "high"`, col(highLine, "high"))}},
		{"killer not bool", "id: m\nassumptions:\n  - {id: X, text: x, killer: maybe}\n", []string{
			`m.yaml:3:30: assumption killer: want true or false, got "maybe"`}},
		{"alias", "id: m\nelements: &e []\nlinks: *e\n", []string{"m.yaml:3:8: model links: want a list, got an alias"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := logicmodel.Load(strings.NewReader(tc.yaml), "m.yaml")
			require.Error(t, err)
			assert.True(t, errors.Is(err, indicator.ErrInvalidDefinition))
			var ds indicator.Diagnostics
			require.True(t, errors.As(err, &ds))
			var got []string
			for _, d := range ds {
				got = append(got, strings.SplitN(d.Error(), "\n", 2)[0])
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLoadFile_MissingFile(t *testing.T) {
	_, err := logicmodel.LoadFile("testdata/no-such-file.yaml")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "logicmodel:")
}
