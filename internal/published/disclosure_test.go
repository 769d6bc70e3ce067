// Package published_test checks every way hpi publishes results against
// one indicator's disclosure policy: no emitter shows a count the policy
// withholds, nor lets it be derived from the totals.
package published_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/dashboardspec"
	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/fhir"
)

// Practice A has 3 people in the numerator: a small number (1 to 7) that
// the policy withholds, and complementary suppression must withhold a
// second practice so that A's count cannot be recovered from the total.
var practices = []struct {
	name      string
	people, k int
}{{"A", 40, 3}, {"B", 50, 25}, {"C", 60, 31}, {"D", 45, 22}}

func report(t *testing.T) *indicator.Report {
	t.Helper()
	set, err := indicator.Load("p.yaml", []byte(`
id: pub
parameters:
  period_start: {type: timestamp, default: "2024-01-01"}
  period_end: {type: timestamp, default: "2024-12-31"}
schema: {unit: patient, fields: {practice: string, ok: bool}}
indicators:
  - id: P
    type: proportion
    numerator: ok
    disclosure: {min: 1, max: 7, complementary: true}
    stratifiers: [practice]
`))
	require.NoError(t, err)
	b := indicator.NewBatchBuilder(set.Schema())
	for _, p := range practices {
		for i := range p.people {
			b.Field(0).AppendString(p.name)
			b.Field(1).AppendBool(i < p.k)
			require.NoError(t, b.EndRow())
		}
	}
	rep, err := set.Evaluate(context.Background(), indicator.Batches(b.Build()))
	require.NoError(t, err)
	return rep
}

// withheld returns the practices whose numerator the report withholds.
func withheld(t *testing.T, rep *indicator.Report) map[string]bool {
	t.Helper()
	r, _ := rep.Result("P")
	out := map[string]bool{}
	for _, st := range r.Stratifiers[0].Strata {
		if math.IsNaN(float64(st.Numerator)) {
			out[st.Values[0]] = true
		}
	}
	require.True(t, out["A"], "the small count is withheld")
	require.GreaterOrEqual(t, len(out), 2, "and a second one, so that it cannot be derived from the total")
	return out
}

// secret returns the true numerator of a practice.
func secret(name string) int {
	for _, p := range practices {
		if p.name == name {
			return p.k
		}
	}
	return -1
}

func TestPublished_NoEmitterShowsAWithheldCount(t *testing.T) {
	rep := report(t)
	hidden := withheld(t, rep)

	t.Run("report JSON", func(t *testing.T) {
		raw, err := json.Marshal(rep)
		require.NoError(t, err)
		var doc struct {
			Indicators []struct {
				Stratifiers []struct {
					Strata []map[string]any `json:"strata"`
				} `json:"stratifiers"`
			} `json:"indicators"`
		}
		require.NoError(t, json.Unmarshal(raw, &doc))
		for _, st := range doc.Indicators[0].Stratifiers[0].Strata {
			name := st["values"].([]any)[0].(string)
			if hidden[name] {
				assert.Nil(t, st["numerator"], name)
				assert.Nil(t, st["value"], name)
				assert.Nil(t, st["populations"], name)
			}
		}
	})

	t.Run("report CSV", func(t *testing.T) {
		var buf bytes.Buffer
		require.NoError(t, rep.WriteCSV(&buf))
		rows, err := csv.NewReader(&buf).ReadAll()
		require.NoError(t, err)
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, row := range rows[1:] {
			if row[col["stratifier"]] == "practice" && hidden[row[col["stratum"]]] {
				for _, h := range []string{"numerator", "value", "lower", "upper", "numerator_count", "initial_population"} {
					assert.Empty(t, row[col[h]], "%s %s", row[col["stratum"]], h)
				}
			}
		}
	})

	t.Run("FHIR MeasureReport", func(t *testing.T) {
		raw, err := fhir.MeasureReport(rep)
		require.NoError(t, err)
		var bundle struct {
			Entry []struct {
				Resource struct {
					Group []struct {
						Stratifier []struct {
							Stratum []struct {
								Value      struct{ Text string }
								Population []map[string]any
								Score      any `json:"measureScore"`
							}
						}
					}
				}
			}
		}
		require.NoError(t, json.Unmarshal(raw, &bundle))
		strata := bundle.Entry[0].Resource.Group[0].Stratifier[0].Stratum
		require.Len(t, strata, len(practices))
		for _, st := range strata {
			if !hidden[st.Value.Text] {
				continue
			}
			assert.Nil(t, st.Score, st.Value.Text)
			for _, pop := range st.Population {
				if c, ok := pop["count"]; ok {
					assert.NotEqual(t, float64(secret(st.Value.Text)), c, "%s population %v", st.Value.Text, pop["code"])
				}
			}
		}
	})

	d, err := dashboardspec.FromReport(rep, dashboardspec.WithAreaStratifier("practice"))
	require.NoError(t, err)

	t.Run("dashboard datasets", func(t *testing.T) {
		seen := 0
		for _, ds := range d.Datasets {
			for _, row := range ds.Rows {
				name, ok := rowName(row)
				if !ok || !hidden[name] {
					continue
				}
				for i, f := range ds.Fields {
					if f.Name == "numerator" || f.Role == dashboardspec.RoleMeasure || f.Role == dashboardspec.RoleLower || f.Role == dashboardspec.RoleUpper {
						seen++
						assert.True(t, row[i].IsNull(), "dataset %s, %s, %s = %v", ds.ID, name, f.Name, row[i])
					}
				}
			}
		}
		require.Positive(t, seen, "the dashboard has rows of the withheld practices")
	})

	t.Run("Vega-Lite", func(t *testing.T) {
		specs, err := dashboardspec.VegaLite(d)
		require.NoError(t, err)
		seen := 0
		for _, s := range specs {
			var spec any
			require.NoError(t, json.Unmarshal(s.Spec, &spec))
			walkValues(spec, func(row map[string]any) {
				if name, _ := row["stratum"].(string); hidden[name] {
					seen++
					for _, k := range []string{"numerator", "value", "lower", "upper"} {
						assert.Nil(t, row[k], "%s: %s %s", s.Panel, name, k)
					}
				}
			})
		}
		require.Positive(t, seen, "the charts have rows of the withheld practices")
	})

	t.Run("HTML", func(t *testing.T) {
		var buf bytes.Buffer
		require.NoError(t, dashboardspec.HTML(&buf, d))
		rowRE := regexp.MustCompile(`<tr><th scope="row">([^<]+)</th>(.*?)</tr>`)
		seen := 0
		for _, m := range rowRE.FindAllStringSubmatch(buf.String(), -1) {
			if hidden[m[1]] {
				seen++
				assert.NotContains(t, m[2], "<td>"+strconv.Itoa(secret(m[1]))+"</td>", "row %s", m[1])
			}
		}
		require.Positive(t, seen, "the page has rows of the withheld practices")
	})
}

// rowName returns the first string of a dataset row (its label).
func rowName(row []dashboardspec.Value) (string, bool) {
	for _, v := range row {
		if s, ok := v.Text(); ok {
			return s, true
		}
	}
	return "", false
}

// walkValues calls f with every object of every inline data "values" list.
func walkValues(v any, f func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		if vals, ok := x["values"].([]any); ok {
			for _, r := range vals {
				if row, ok := r.(map[string]any); ok {
					f(row)
				}
			}
		}
		for _, y := range x {
			walkValues(y, f)
		}
	case []any:
		for _, y := range x {
			walkValues(y, f)
		}
	}
}
