package sqlgen_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the database/sql driver "pgx"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/sqlgen"
	"github.com/openhpi/hpi/internal/synth"
	"github.com/openhpi/hpi/internal/testenv"
)

// dsnVar names the PostgreSQL server the tests use; .ci/postgres start
// prints it.
const dsnVar = "HPI_POSTGRES_DSN"

// postgres returns the test server's DSN and a database handle, or skips
// (fails in CI) when there is none.
func postgres(t testing.TB) (string, *sql.DB) {
	t.Helper()
	dsn := os.Getenv(dsnVar)
	if dsn == "" {
		testenv.Missing(t, "no PostgreSQL server: set "+dsnVar+` (eval "$(.ci/postgres start)" starts a throwaway one)`)
	}
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.PingContext(context.Background()))
	return dsn, db
}

// synthSchema is every attribute of the synthetic population: each
// example set's schema is a subset, so one set of tables serves them all.
func synthSchema() *indicator.Schema {
	ts := func(name string) indicator.Field { return indicator.Field{Name: name, Kind: indicator.KindTimestamp} }
	str := func(name string) indicator.Field { return indicator.Field{Name: name, Kind: indicator.KindString} }
	return &indicator.Schema{Unit: "patient", Fields: []indicator.Field{
		str("id"), {Name: "age", Kind: indicator.KindInt}, str("sex"), {Name: "deprivation", Kind: indicator.KindInt},
		str("practice"), str("area"), {Name: "days_at_risk", Kind: indicator.KindDouble},
		ts("birth_date"), ts("registration_date"), {Name: "death_date", Kind: indicator.KindTimestamp, Nullable: true},
		{Name: "conditions", Kind: indicator.KindEvents, Fields: []indicator.Field{str("code"), ts("onset")}},
		{Name: "observations", Kind: indicator.KindEvents, Fields: []indicator.Field{str("code"), {Name: "value", Kind: indicator.KindDouble}, str("unit"), ts("date")}},
		{Name: "medications", Kind: indicator.KindEvents, Fields: []indicator.Field{str("code"), ts("start")}},
		{Name: "encounters", Kind: indicator.KindEvents, Fields: []indicator.Field{str("class"), ts("start"), {Name: "length_of_stay", Kind: indicator.KindInt}}},
	}}
}

// synthMapping maps a set's schema to the tables loadSynth fills in the
// PostgreSQL schema pgSchema.
func synthMapping(schema *indicator.Schema, pgSchema string) sqlgen.Mapping {
	m := sqlgen.DefaultMapping(schema)
	m.Table = pgSchema + "." + m.Table
	for f, et := range m.Events {
		et.Table = pgSchema + "." + et.Table
		m.Events[f] = et
	}
	return m
}

// loadSynth loads the synthetic population of cfg into the PostgreSQL
// schema it returns, unless an earlier run loaded it completely. It
// returns the time the load took (0 when reused).
func loadSynth(t testing.TB, dsn string, db *sql.DB, cfg synth.Config) (string, time.Duration) {
	t.Helper()
	ctx := context.Background()
	pgSchema := fmt.Sprintf("hpi_synth_%d_%d", cfg.N, cfg.Seed)
	var done bool
	err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'loaded')", pgSchema).Scan(&done)
	require.NoError(t, err)
	if done {
		return pgSchema, 0
	}
	start := time.Now()
	schema := synthSchema()
	m := synthMapping(schema, pgSchema)
	stmts, err := sqlgen.CreateTables(sqlgen.Postgres{}, schema, &m)
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+pgSchema+" CASCADE; CREATE SCHEMA "+pgSchema)
	require.NoError(t, err)
	var indexes []string
	for _, s := range stmts {
		if strings.HasPrefix(s, "CREATE INDEX") {
			indexes = append(indexes, s)
			continue
		}
		_, err := db.ExecContext(ctx, s)
		require.NoError(t, err, s)
	}
	// One COPY per table, in parallel, each from its own generator (the
	// population is a pure function of the config).
	tables := []string{"patient", "conditions", "observations", "medications", "encounters"}
	errs := make([]error, len(tables))
	var wg sync.WaitGroup
	for i, tbl := range tables {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = copyTable(ctx, dsn, pgSchema, tbl, cfg)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	for _, s := range indexes {
		_, err := db.ExecContext(ctx, s)
		require.NoError(t, err, s)
	}
	_, err = db.ExecContext(ctx, "ANALYZE; CREATE TABLE "+pgSchema+".loaded (n bigint)")
	require.NoError(t, err)
	return pgSchema, time.Since(start)
}

// copyTable streams one table of the population to PostgreSQL with COPY.
func copyTable(ctx context.Context, dsn, pgSchema, tbl string, cfg synth.Config) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	gen, err := synth.New(cfg)
	if err != nil {
		return err
	}
	var batch []synth.Patient
	var rows [][]any
	first := 0
	nextBatch := func() bool {
		batch = gen.Next(batch)
		if len(batch) == 0 {
			return false
		}
		rows = rows[:0]
		for i := range batch {
			p := &batch[i]
			key := int64(first + i)
			switch tbl {
			case "patient":
				var death any
				if !p.DeathDate.IsZero() {
					death = p.DeathDate
				}
				rows = append(rows, []any{key, p.ID, int64(p.Age), p.Sex, int64(p.Deprivation), p.Practice, p.Area, p.DaysAtRisk, p.BirthDate, p.RegistrationDate, death})
			case "conditions":
				for k, c := range p.Conditions {
					rows = append(rows, []any{key, int64(k), c.Code, c.Onset})
				}
			case "observations":
				for k, o := range p.Observations {
					rows = append(rows, []any{key, int64(k), o.Code, o.Value, o.Unit, o.Date})
				}
			case "medications":
				for k, m := range p.Medications {
					rows = append(rows, []any{key, int64(k), m.Code, m.Start})
				}
			case "encounters":
				for k, e := range p.Encounters {
					rows = append(rows, []any{key, int64(k), e.Class, e.Start, int64(e.LengthOfStay)})
				}
			}
		}
		first += len(batch)
		return true
	}
	cols := map[string][]string{
		"patient":      {"hpi_key", "id", "age", "sex", "deprivation", "practice", "area", "days_at_risk", "birth_date", "registration_date", "death_date"},
		"conditions":   {"hpi_key", "hpi_ordinal", "code", "onset"},
		"observations": {"hpi_key", "hpi_ordinal", "code", "value", "unit", "date"},
		"medications":  {"hpi_key", "hpi_ordinal", "code", "start"},
		"encounters":   {"hpi_key", "hpi_ordinal", "class", "start", "length_of_stay"},
	}[tbl]
	name := tbl
	if tbl != "patient" {
		name = "patient_" + tbl
	}
	src := &batchRows{next: nextBatch, rows: &rows}
	_, err = conn.CopyFrom(ctx, pgx.Identifier{pgSchema, name}, cols, src)
	return err
}

// batchRows is a pgx.CopyFromSource over batches of rows.
type batchRows struct {
	next func() bool
	rows *[][]any
	i    int
}

func (b *batchRows) Next() bool {
	b.i++
	for b.i >= len(*b.rows) {
		if !b.next() {
			return false
		}
		b.i = 0
	}
	return true
}

func (b *batchRows) Values() ([]any, error) { return (*b.rows)[b.i], nil }
func (b *batchRows) Err() error             { return nil }

// exampleSets are the sets the equivalence test covers.
var exampleSets = []string{
	"../../examples/quickstart/quickstart.yaml",
	"../../examples/framework/sets/clinical.yaml",
	"../../examples/framework/sets/utilisation.yaml",
}

// equivalenceN is the population of the equivalence test: at least
// 100,000 patients, as the issue requires; HPI_SQLGEN_N overrides it.
func equivalenceN(t testing.TB) int {
	n := 100_000
	if s := os.Getenv("HPI_SQLGEN_N"); s != "" {
		v, err := strconv.Atoi(s)
		require.NoError(t, err)
		n = v
	}
	return n
}

func TestPostgres_ExampleSetsMatchInProcess(t *testing.T) {
	dsn, db := postgres(t)
	ctx := context.Background()
	cfg := synth.Config{N: equivalenceN(t), Seed: 7}
	start := time.Now()
	pgSchema, load := loadSynth(t, dsn, db, cfg)
	t.Logf("loaded %d patients in %v", cfg.N, load.Round(time.Millisecond))
	for _, file := range exampleSets {
		set, err := indicator.LoadFile(file)
		require.NoError(t, err)
		t.Run(set.Spec().ID, func(t *testing.T) {
			src, err := synth.NewSource(set.Schema(), cfg)
			require.NoError(t, err)
			t0 := time.Now()
			want, err := set.Evaluate(ctx, src)
			require.NoError(t, err)
			t1 := time.Now()
			got, err := sqlgen.Evaluate(ctx, db, sqlgen.Postgres{}, set, synthMapping(set.Schema(), pgSchema), nil)
			require.NoError(t, err)
			t.Logf("in-process %v, PostgreSQL %v", t1.Sub(t0).Round(time.Millisecond), time.Since(t1).Round(time.Millisecond))
			sameReport(t, want, got)
		})
	}
	t.Logf("total %v", time.Since(start).Round(time.Millisecond))
}

// sameReport compares two reports through their JSON: every count and
// string exactly, every number to 1e-12 relative, error messages aside
// (the database does not reproduce cel-go's wording).
func sameReport(t testing.TB, want, got *indicator.Report) {
	t.Helper()
	var w, g any
	for _, c := range []struct {
		r   *indicator.Report
		out *any
	}{{want, &w}, {got, &g}} {
		b, err := json.Marshal(c.r)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, c.out))
	}
	var diffs []string
	sameJSON("", w, g, &diffs)
	if len(diffs) > 20 {
		diffs = append(diffs[:20], fmt.Sprintf("… and %d more", len(diffs)-20))
	}
	if len(diffs) > 0 {
		t.Errorf("reports differ:\n%s", strings.Join(diffs, "\n"))
	}
}

func sameJSON(path string, w, g any, diffs *[]string) {
	switch wv := w.(type) {
	case map[string]any:
		gv, ok := g.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: %v vs %v", path, w, g))
			return
		}
		for k := range wv {
			if k == "message" {
				continue
			}
			sameJSON(path+"."+k, wv[k], gv[k], diffs)
		}
		for k := range gv {
			if _, ok := wv[k]; !ok {
				*diffs = append(*diffs, fmt.Sprintf("%s.%s: absent vs %v", path, k, gv[k]))
			}
		}
	case []any:
		gv, ok := g.([]any)
		if !ok || len(gv) != len(wv) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %d elements vs %v", path, len(wv), g))
			return
		}
		for i := range wv {
			sameJSON(fmt.Sprintf("%s[%d]", path, i), wv[i], gv[i], diffs)
		}
	case float64:
		gv, ok := g.(float64)
		if !ok || math.Abs(wv-gv) > 1e-12*math.Max(math.Abs(wv), math.Abs(gv)) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %v vs %v", path, w, g))
		}
	default:
		if w != g {
			*diffs = append(*diffs, fmt.Sprintf("%s: %v vs %v", path, w, g))
		}
	}
}
