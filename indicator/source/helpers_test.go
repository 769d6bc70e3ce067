package source_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/openhpi/hpi/indicator"
	"github.com/stretchr/testify/require"
)

// flatYAML has a field of every scalar type, a nullable field and a list:
// everything a CSV file can hold. Its one indicator counts records by a
// stratifier whose components spell out every field, so the strata of the
// report are the records read (see records).
const flatYAML = `id: flat
schema:
  unit: patient
  fields:
    age: int
    sex: string
    score: double
    smoker: bool
    born: timestamp
    stay: duration
    hba1c: double?
    note: string?
    codes: list<string>
indicators:
  - id: all
    type: count
    stratifiers:
      - id: record
        components:
          - string(age)
          - sex
          - string(score)
          - string(smoker)
          - string(born)
          - string(stay)
          - 'has(patient.hba1c) ? string(hba1c) : "null"'
          - 'has(patient.note) ? note : "null"'
          - codes.join("|")
`

// eventsYAML adds a list of ints and an event list with a nullable field.
const eventsYAML = `id: events
schema:
  unit: patient
  fields:
    age: int
    hba1c: double?
    doses: list<int>
    conditions:
      fields:
        code: string
        onset: timestamp
        severity: int?
indicators:
  - id: all
    type: count
    stratifiers:
      - id: record
        components:
          - string(age)
          - 'has(patient.hba1c) ? string(hba1c) : "null"'
          - doses.map(d, string(d)).join("|")
          - 'conditions.map(c, c.code + "@" + string(c.onset) + "#" + (has(c.severity) ? string(c.severity) : "null")).join(";")'
`

// loadSet compiles definitions for tests; the record-spelling stratifiers
// are beyond the default cost budget, which is meant for real indicators.
func loadSet(t testing.TB, yaml string) *indicator.Set {
	t.Helper()
	set, err := indicator.Load("test.yaml", []byte(yaml), indicator.WithCostBudget(math.MaxUint64))
	require.NoError(t, err)
	return set
}

// capture forwards a source's batches and keeps its error to itself, so
// that an evaluation shows the records delivered before an error.
type capture struct {
	src   indicator.Source
	err   error
	sizes []int
}

func (c *capture) Next(ctx context.Context) bool {
	if c.src.Next(ctx) {
		c.sizes = append(c.sizes, c.src.Batch().Len())
		return true
	}
	c.err = c.src.Err()
	return false
}

func (c *capture) Batch() *indicator.Batch { return c.src.Batch() }
func (c *capture) Err() error              { return nil }

// result is what a source delivered: the records (each its fields joined
// by ", ", sorted), the batch sizes, and the source's error.
type result struct {
	records []string
	sizes   []int
	err     error
}

// read evaluates set over src and returns the records that src delivered.
func read(t testing.TB, set *indicator.Set, src indicator.Source) result {
	t.Helper()
	c := &capture{src: src}
	rep, err := set.Evaluate(context.Background(), c, indicator.WithWorkers(1))
	require.NoError(t, err)
	return result{records: nonNil(strata(t, rep)), sizes: c.sizes, err: c.err}
}

// strata lists the records counted by the "all" indicator, one string per
// record, sorted.
func strata(t testing.TB, rep *indicator.Report) []string {
	t.Helper()
	res, ok := rep.Result("all")
	require.True(t, ok)
	require.Zero(t, res.Accounting.Errored, "a record did not evaluate: %v", res.Errors)
	var out []string
	for _, s := range res.Stratifiers {
		for _, st := range s.Strata {
			for range st.Populations.InitialPopulation {
				out = append(out, strings.Join(st.Values, ", "))
			}
		}
	}
	require.EqualValues(t, res.Accounting.Read, len(out))
	slices.Sort(out)
	return out
}

func sorted(records ...string) []string {
	out := slices.Clone(records)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
