package sqlgen_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/sqlgen"
)

// semanticsYAML exercises CEL's error rules (null reads, overflow,
// division by zero, an index out of range, NaN, && and || absorbing
// errors, the lazy order of the population rules) and hostile strings in
// value sets, parameters, literals and data (stratum values).
const semanticsYAML = `
id: semantics
schema:
  unit: person
  fields:
    name: string
    grp: string?
    a: int?
    b: int?
    x: double?
    y: double?
    flag: bool?
    seen: timestamp?
    readings:
      fields:
        v: double?
        code: string?
        at: timestamp
parameters:
  label: {type: string, default: "it's"}
  cutoff: {type: double, default: "1.5"}
  start: {type: timestamp, default: "2024-01-01"}
valuesets:
  hostile: ["'; DROP TABLE person; --", "back\\slash", "quote'\"", "ünïcödé ✓", "$1", "?"]
definitions:
  q: a / b
  m: a % b
  ratio: x / y
  total: a + b
  big: a * 3037000500
  last: readings[size(readings) - 1].v
  firsts: readings.filter(e, e.v > 0.0)
  bad_code: readings.exists(e, e.code in valuesets.hostile)
  all_pos: readings.all(e, e.v >= 0.0)
  text: 'name + "|" + label'
indicators:
  - id: PROP
    type: proportion
    initial_population: a > 0 || flag
    denominator: total > 1 || x < y
    denominator_exclusion: big > 10
    denominator_exception: has(person.x) && x > cutoff
    numerator: q >= 1 && ratio != 2.0
    numerator_exclusion: m == 1
    stratifiers:
      - name
      - {id: grp, expression: grp}
      - {id: combo, components: [name, "a > 2"]}
  - id: TEXT
    type: proportion
    initial_population: "true"
    numerator: >
      name == label || name in valuesets.hostile || name.startsWith("'") ||
      name.endsWith("\\") || name.contains("--") || text.matches("^[a-z]+[|]")
    stratifiers: [name]
  - id: RATE
    type: rate
    initial_population: "has(person.seen) ? seen >= start : flag"
    numerator_value: size(firsts)
    denominator_value: "x > 0.0 ? x : -x"
    stratifiers: [{id: grp, expression: grp}]
  - id: MEAN
    type: mean
    initial_population: size(readings) > 0
    observation: last
    stratifiers: [{id: flag, expression: flag}]
  - id: RATIO
    type: ratio
    denominator: bad_code || all_pos
    numerator: "!all_pos"
    numerator_value: readings.map(e, e.v).sum()
    denominator_value: ratio
  - id: COUNT
    type: count
    initial_population: "a - b < 0 && -a < 5 && (b == 0 || a / b > 0)"
    stratifiers: [{id: band, expression: "a % 3"}]
  - id: DSR
    type: dsr
    initial_population: has(person.a)
    age_band: "a < 0 ? -a % 3 : a % 3"
    numerator_value: "flag ? 1 : 0"
    standard_population: [100, 200, 300]
`

var hostile = []string{"'; DROP TABLE person; --", `back\slash`, `quote'"`, "ünïcödé ✓", "$1", "?", "it's", "plain", "", "%_", `\`, "--"}

// semanticsRow is one record of the semantics set; nil is null.
type semanticsRow struct {
	name     string
	grp      *string
	a, b     *int64
	x, y     *float64
	flag     *bool
	seen     *time.Time
	readings []reading
}

type reading struct {
	v    *float64
	code *string
	at   time.Time
}

func semanticsRows(n int) []semanticsRow {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(p float64) bool { return rng.Float64() < p }
	ints := []int64{0, 1, -1, 2, 3, 7, -7, math.MaxInt64, math.MinInt64, 3037000500, -3037000500, 10}
	floats := []float64{0, 1, -1, 2, 0.5, 1.5, 3.25, math.NaN(), math.Inf(1), math.Inf(-1), 1e-300, math.Copysign(0, -1)}
	out := make([]semanticsRow, n)
	for i := range out {
		r := &out[i]
		r.name = hostile[rng.IntN(len(hostile))]
		if pick(0.8) {
			s := hostile[rng.IntN(len(hostile))]
			r.grp = &s
		}
		if pick(0.9) {
			v := ints[rng.IntN(len(ints))]
			r.a = &v
		}
		if pick(0.9) {
			v := ints[rng.IntN(len(ints))]
			r.b = &v
		}
		if pick(0.9) {
			v := floats[rng.IntN(len(floats))]
			r.x = &v
		}
		if pick(0.9) {
			v := floats[rng.IntN(len(floats))]
			r.y = &v
		}
		if pick(0.9) {
			v := pick(0.5)
			r.flag = &v
		}
		if pick(0.7) {
			v := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(400))
			r.seen = &v
		}
		for k := range rng.IntN(4) {
			var e reading
			if pick(0.9) {
				v := floats[rng.IntN(len(floats))]
				e.v = &v
			}
			if pick(0.9) {
				s := hostile[rng.IntN(len(hostile))]
				e.code = &s
			}
			e.at = time.Date(2024, 1, 1+k, 0, 0, 0, 0, time.UTC)
			r.readings = append(r.readings, e)
		}
	}
	return out
}

// oneBatch is a Source of one batch.
type oneBatch struct {
	b    *indicator.Batch
	done bool
}

func (s *oneBatch) Next(context.Context) bool { ok := !s.done; s.done = true; return ok }
func (s *oneBatch) Batch() *indicator.Batch   { return s.b }
func (s *oneBatch) Err() error                { return nil }

func semanticsBatch(t testing.TB, schema *indicator.Schema, rows []semanticsRow) indicator.Source {
	b := indicator.NewBatchBuilder(schema)
	col := func(name string) indicator.ColumnBuilder { return b.Field(schema.FieldIndex(name)) }
	for _, r := range rows {
		col("name").AppendString(r.name)
		appendOpt(col("grp"), r.grp, indicator.ColumnBuilder.AppendString)
		appendOpt(col("a"), r.a, indicator.ColumnBuilder.AppendInt)
		appendOpt(col("b"), r.b, indicator.ColumnBuilder.AppendInt)
		appendOpt(col("x"), r.x, indicator.ColumnBuilder.AppendDouble)
		appendOpt(col("y"), r.y, indicator.ColumnBuilder.AppendDouble)
		appendOpt(col("flag"), r.flag, indicator.ColumnBuilder.AppendBool)
		appendOpt(col("seen"), r.seen, indicator.ColumnBuilder.AppendTime)
		ev := col("readings")
		for _, e := range r.readings {
			appendOpt(ev.Event(0), e.v, indicator.ColumnBuilder.AppendDouble)
			appendOpt(ev.Event(1), e.code, indicator.ColumnBuilder.AppendString)
			ev.Event(2).AppendTime(e.at)
			ev.EndEvent()
		}
		require.NoError(t, b.EndRow())
	}
	return &oneBatch{b: b.Build()}
}

func appendOpt[T any](cb indicator.ColumnBuilder, v *T, add func(indicator.ColumnBuilder, T)) {
	if v == nil {
		cb.AppendNull()
		return
	}
	add(cb, *v)
}

func opt[T any](v *T) any {
	if v == nil {
		return nil
	}
	return *v
}

// loadSemantics creates the default tables of schema in a fresh
// PostgreSQL schema and inserts rows with bound parameters.
func loadSemantics(t testing.TB, db *sql.DB, pgSchema string, schema *indicator.Schema, rows []semanticsRow) sqlgen.Mapping {
	ctx := context.Background()
	m := synthMapping(schema, pgSchema)
	stmts, err := sqlgen.CreateTables(sqlgen.Postgres{}, schema, &m)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+pgSchema+" CASCADE; CREATE SCHEMA "+pgSchema)
	require.NoError(t, err)
	for _, s := range stmts {
		_, err := db.ExecContext(ctx, s)
		require.NoError(t, err, s)
	}
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	for i, r := range rows {
		_, err := tx.ExecContext(ctx, "INSERT INTO "+pgSchema+".person (hpi_key, name, grp, a, b, x, y, flag, seen) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			i, r.name, opt(r.grp), opt(r.a), opt(r.b), opt(r.x), opt(r.y), opt(r.flag), opt(r.seen))
		require.NoError(t, err)
		for k, e := range r.readings {
			_, err := tx.ExecContext(ctx, "INSERT INTO "+pgSchema+".person_readings (hpi_key, hpi_ordinal, v, code, at) VALUES ($1, $2, $3, $4, $5)",
				i, k, opt(e.v), opt(e.code), e.at)
			require.NoError(t, err)
		}
	}
	require.NoError(t, tx.Commit())
	return m
}

func TestPostgres_CELSemanticsAndHostileStrings(t *testing.T) {
	_, db := postgres(t)
	ctx := context.Background()
	set, err := indicator.Load("semantics.yaml", []byte(semanticsYAML))
	require.NoError(t, err)
	rows := semanticsRows(3000)
	m := loadSemantics(t, db, "hpi_semantics", set.Schema(), rows)
	for _, params := range []map[string]any{
		nil,
		{"label": "'; DROP TABLE person; --", "cutoff": 0.25},
		{"label": `quote'"`, "start": "2024-03-01"},
		{"label": "$1"},
	} {
		t.Run(fmt.Sprint(params), func(t *testing.T) {
			want, err := set.Evaluate(ctx, semanticsBatch(t, set.Schema(), rows), indicator.WithParams(params), indicator.WithMaxErrors(25))
			require.NoError(t, err)
			p, err := sqlgen.Compile(set, sqlgen.Postgres{}, m)
			require.NoError(t, err)
			got, err := p.Evaluate(ctx, db, params, sqlgen.WithMaxErrors(25))
			require.NoError(t, err)
			sameReport(t, want, got)
			for _, r := range want.Indicators {
				t.Logf("%s: included %v, errored %d", r.ID, r.Accounting.Included, r.Accounting.Errored)
			}
		})
	}
	var n int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM hpi_semantics.person").Scan(&n))
	assert.Equal(t, len(rows), n, "the table survived the hostile strings")
	sqlText := must(sqlgen.Compile(set, sqlgen.Postgres{}, m)).SQL()
	for _, h := range hostile {
		if len(h) > 2 {
			assert.NotContains(t, sqlText, h, "a hostile string was written into the SQL")
		}
	}
	assert.False(t, strings.Contains(sqlText, "DROP"), "no value set code in the SQL text")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
