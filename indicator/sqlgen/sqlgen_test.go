package sqlgen_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/sqlgen"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), got, "golden file %s differs (go test -update rewrites it)", path)
}

func TestCompile_GoldenSQL(t *testing.T) {
	sets := append([]string{"semantics"}, exampleSets...)
	for _, d := range []sqlgen.Dialect{sqlgen.Postgres{}, sqlgen.DuckDB{}} {
		for _, file := range sets {
			var set *indicator.Set
			var err error
			if file == "semantics" {
				set, err = indicator.Load("semantics.yaml", []byte(semanticsYAML))
			} else {
				set, err = indicator.LoadFile(file)
			}
			require.NoError(t, err)
			name := d.Name() + "_" + set.Spec().ID
			t.Run(name, func(t *testing.T) {
				p, err := sqlgen.Compile(set, d, sqlgen.DefaultMapping(set.Schema()))
				require.NoError(t, err)
				ddl, err := sqlgen.CreateTables(d, set.Schema(), nil)
				require.NoError(t, err)
				golden(t, name+".sql", "-- tables\n"+strings.Join(ddl, ";\n")+";\n\n-- aggregates\n"+p.SQL()+";\n")
				again, err := sqlgen.Compile(set, d, sqlgen.DefaultMapping(set.Schema()))
				require.NoError(t, err)
				assert.Equal(t, p.SQL(), again.SQL(), "compiling twice gives the same SQL")
			})
		}
	}
}

func TestCompile_UnsupportedIsAPositionedError(t *testing.T) {
	const head = `
id: unsupported
schema:
  unit: person
  fields:
    name: string
    age: int
    tags: list<string>
    events:
      fields:
        code: string
        value: double
indicators:
  - id: X
    type: proportion
    initial_population: "true"
`
	for _, c := range []struct{ numerator, construct string }{
		{`name.matches("\\d+")`, "matches()"},
		{`events.map(e, e.code).size() > 0`, "map() to a string"},
		{`[1, 2].exists(v, v == age)`, "list literal"},
		{`"%d".format([age]) == "1"`, "list literal"},
		{`optional.of(age).hasValue()`, "optional.of()"},
		{`events.exists_one(e, e.value > 1.0)`, "comprehension"},
		{`{"a": 1}["a"] == age`, "map or message literal"},
	} {
		t.Run(c.numerator, func(t *testing.T) {
			set, err := indicator.Load("unsupported.yaml", []byte(head+"    numerator: '"+c.numerator+"'\n"))
			require.NoError(t, err)
			_, err = sqlgen.Compile(set, sqlgen.Postgres{}, sqlgen.DefaultMapping(set.Schema()))
			require.Error(t, err)
			assert.True(t, errors.Is(err, sqlgen.ErrUnsupported), "%v", err)
			var u *sqlgen.UnsupportedError
			require.True(t, errors.As(err, &u))
			assert.Contains(t, u.Construct, c.construct)
			assert.Equal(t, "indicator X", u.Owner)
			assert.Equal(t, "numerator", u.Field)
			assert.Equal(t, "unsupported.yaml", u.Pos.File)
			assert.Equal(t, 17, u.Pos.Line)
			assert.GreaterOrEqual(t, u.Pos.Column, 17)
			assert.Contains(t, err.Error(), "unsupported.yaml:17:")
			t.Log(err)
		})
	}
}

func TestCompile_BadMapping(t *testing.T) {
	set, err := indicator.Load("semantics.yaml", []byte(semanticsYAML))
	require.NoError(t, err)
	m := sqlgen.DefaultMapping(set.Schema())
	m.Columns["nope"] = "x"
	_, err = sqlgen.Compile(set, sqlgen.Postgres{}, m)
	assert.ErrorIs(t, err, sqlgen.ErrMapping)
}

func TestArgs_ParametersAreBoundNotSpliced(t *testing.T) {
	set, err := indicator.Load("semantics.yaml", []byte(semanticsYAML))
	require.NoError(t, err)
	p, err := sqlgen.Compile(set, sqlgen.Postgres{}, sqlgen.DefaultMapping(set.Schema()))
	require.NoError(t, err)
	hostileLabel := "x'); DROP TABLE person; --"
	args, err := p.Args(map[string]any{"label": hostileLabel})
	require.NoError(t, err)
	assert.Contains(t, args, any(hostileLabel))
	assert.NotContains(t, p.SQL(), "DROP")
	_, err = p.Args(map[string]any{"nope": 1})
	assert.ErrorIs(t, err, indicator.ErrParameter)
	_, err = p.Args(map[string]any{"cutoff": "not a number"})
	assert.ErrorIs(t, err, indicator.ErrParameter)
}
