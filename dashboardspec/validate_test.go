package dashboardspec

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidate_ReportsEveryProblemWithItsPath(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(d *Dashboard)
		want   []string // paths, in order
	}{
		{"unknown dataset", func(d *Dashboard) { d.Panels[2].Dataset = "nope" }, []string{"/panels/2/dataset"}},
		{"unknown field", func(d *Dashboard) { d.Panels[3].Encoding.Y.Field = "valu" }, []string{"/panels/3/encoding/y/field"}},
		{"missing encoding", func(d *Dashboard) { d.Panels[3].Encoding.Centre = nil }, []string{"/panels/3/encoding/centre"}},
		{"no encoding", func(d *Dashboard) { d.Panels[6].Encoding = nil }, []string{"/panels/6/encoding"}},
		{"duplicate panel id", func(d *Dashboard) { d.Panels[1].ID = "tile-hba1c" }, []string{"/panels/1/id", "/layout/sections/0/items/1/panel"}},
		{"duplicate dataset id", func(d *Dashboard) { d.Datasets[1].ID = "headline" }, []string{"/datasets/1/id", "/panels/0/stat/sparkline/dataset", "/panels/2/dataset", "/panels/3/dataset"}},
		{"outside the grid", func(d *Dashboard) { d.Layout.Sections[0].Items[1].W = 19 }, []string{"/layout/sections/0/items/1"}},
		{"overlap", func(d *Dashboard) { d.Layout.Sections[1].Items[1].X = 6 }, []string{"/layout/sections/1/items/1"}},
		{"funnel limits field", func(d *Dashboard) { d.Panels[4].Funnel.Y = "lim" }, []string{"/panels/4/funnel/y"}},
		{"row length and type", func(d *Dashboard) {
			d.Datasets[0].Rows[0] = d.Datasets[0].Rows[0][:4]
			d.Datasets[0].Rows[1][1] = Str("high")
		}, []string{"/datasets/0/rows/0", "/datasets/0/rows/1/1"}},
		{"no provenance", func(d *Dashboard) { d.Panels[0].Provenance = nil }, []string{"/panels/0/provenance"}},
		{"unknown kind", func(d *Dashboard) { d.Panels[9].Kind = "pie" }, []string{"/panels/9/kind"}},
		{"logic model link", func(d *Dashboard) { d.Panels[8].LogicModel.Links[0].To = "x" }, []string{"/panels/8/logicModel/links/0/to"}},
		{"not placed", func(d *Dashboard) {
			d.Layout.Sections[1].Items = d.Layout.Sections[1].Items[:6]
		}, []string{"/panels/9"}},
		{"bad id and version", func(d *Dashboard) { d.ID = "a b"; d.APIVersion = "v0" }, []string{"/apiVersion", "/id"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := sample(t)
			c.mutate(d)
			err := d.Validate()
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalid))
			var ps Problems
			require.True(t, errors.As(err, &ps))
			var paths []string
			for _, p := range ps {
				paths = append(paths, p.Path)
			}
			assert.Equal(t, c.want, paths, "%v", err)
		})
	}
}

func TestValidate_AllProblemsAtOnce(t *testing.T) {
	d := sample(t)
	d.Panels[2].Dataset = "nope"
	d.Panels[3].Encoding.Y.Field = "valu"
	d.Layout.Sections[0].Items[0].X = -1
	err := d.Validate()
	require.Error(t, err)
	assert.Len(t, err.(Problems), 3)
	assert.Contains(t, err.Error(), "/panels/3/encoding/y/field: unknown field \"valu\" in dataset \"monthly\"")
}

func TestValidate_NilAndEmpty(t *testing.T) {
	var d *Dashboard
	assert.Error(t, d.Validate())
	assert.Error(t, (&Dashboard{}).Validate())
}

func TestParse_RejectsUnknownFieldsAndVersions(t *testing.T) {
	for name, doc := range map[string]string{
		"json unknown field": `{"apiVersion":"dashboardspec/v1","id":"x","title":"t","datasets":[],"panels":[],"layout":{"columns":24,"sections":[]},"colour":1}`,
		"yaml unknown field": "apiVersion: dashboardspec/v1\nid: x\ntitle: t\ndatasets: []\npanels: []\nlayout: {columns: 24, sections: []}\ncolour: 1\n",
		"version":            `{"apiVersion":"dashboardspec/v2","id":"x"}`,
		"object value":       `{"apiVersion":"dashboardspec/v1","datasets":[{"id":"a","fields":[],"rows":[[{}]]}]}`,
		"trailing data":      `{"apiVersion":"dashboardspec/v1"} {}`,
		"empty":              ``,
		"duplicate key":      "apiVersion: dashboardspec/v1\nid: a\nid: b\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(doc))
			assert.Error(t, err)
		})
	}
	_, err := Parse([]byte(`{"apiVersion":"dashboardspec/v2"}`))
	assert.ErrorIs(t, err, ErrVersion)
}

func TestValue_JSON(t *testing.T) {
	for _, c := range []struct {
		v    Value
		want string
	}{{Num(1.5), "1.5"}, {Num(1e21), "1e+21"}, {Num(1e-7), "1e-7"}, {Num(100), "100"}, {Str("a\"b"), `"a\"b"`}, {Bool(true), "true"}, {Null(), "null"}, {Num(nan()), "null"}} {
		b, err := c.v.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, c.want, string(b))
	}
}

// TestParse_ErrorsNameTheirLine: every error of Parse says where, in YAML
// and in JSON; aliases are refused; a huge scalar is not echoed.
func TestParse_ErrorsNameTheirLine(t *testing.T) {
	const head = "apiVersion: dashboardspec/v1\nid: x\ntitle: t\n"
	huge := strings.Repeat("x", 1<<20)
	for name, c := range map[string]struct{ doc, want string }{
		"unknown field":            {head + "datasets: []\npanels: []\nlayout: {columns: 24, sections: []}\ncolour: 1\n", "line 7: unknown field \"colour\""},
		"unknown nested field":     {head + "datasets:\n  - id: a\n    fields: []\n    rows: []\n    colour: 1\n", "line 8: unknown field \"colour\""},
		"wrong type":               {head + "datasets:\n  - id: a\n    fields: []\n    rows: 7\n", "line 7: "},
		"wrong type in a list":     {head + "panels:\n  - id: p\n    kind: [1]\n", "line 6: "},
		"alias":                    {head + "datasets: &d []\npanels: *d\n", "line 5: YAML aliases are not supported"},
		"version":                  {"id: x\n\napiVersion: dashboardspec/v9\n", "line 3: "},
		"json version":             {"{\"id\": \"x\",\n \"apiVersion\": \"v9\"}", "line 2: "},
		"json wrong type":          {"{\"apiVersion\": \"dashboardspec/v1\",\n\"id\": 7}", "line 2: "},
		"json syntax":              {"{\"apiVersion\": \"dashboardspec/v1\",\n\n\"id\" 7}", "line 3: "},
		"yaml syntax":              {head + "panels: [\n", "line 4: "},
		"huge string of a list":    {head + "datasets: " + huge + "\n", "line 4: "},
		"huge non-finite number":   {head + "layout: {columns: ." + strings.Repeat("9", 400) + "e999}\n", "line 4: "},
		"duplicate key":            {head + "id: y\n", "line 4: duplicate key \"id\""},
		"control character line 2": {"id: x\nti\x01tle: t\n", "line 2: "},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(c.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Less(t, len(err.Error()), 1000, "the error does not echo the input")
		})
	}
}

// TestParse_AliasBombIsCheap: a billion-laughs document is refused at once,
// in far less time and memory than its expansion would take.
func TestParse_AliasBombIsCheap(t *testing.T) {
	var b strings.Builder
	b.WriteString("datasets:\n- &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "- &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	allocs := testing.AllocsPerRun(1, func() {
		_, err := Parse([]byte(b.String()))
		require.ErrorContains(t, err, "line ")
	})
	assert.Less(t, allocs, 100000.0)
}
