package stratify_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/synth"
	"github.com/openhpi/hpi/stratify"
)

// chaSet is an indicator set over the synthetic population with
// CHA2DS2-VASc attached, counting people per score.
func chaSet(t testing.TB) *indicator.Set {
	t.Helper()
	spec, err := indicator.Parse("cha.yaml", []byte(`
id: cha
schema:
  unit: patient
  fields:
    age: int
    sex: string
    conditions: {fields: {code: string}}
indicators:
  - id: BY-SCORE
    type: count
    stratifiers: [cha2ds2_vasc_score]
`))
	require.NoError(t, err)
	has := func(codes ...string) string {
		t := "conditions.exists(c, "
		for i, code := range codes {
			if i > 0 {
				t += " || "
			}
			t += "c.code == " + strconv.Quote(code)
		}
		return t + ")"
	}
	m := load(t, "cha2ds2-vasc")
	require.NoError(t, m.Attach(spec, map[string]string{
		"age": "age", "sex": "sex",
		"chf":              has("I50"),
		"hypertension":     has("I10"),
		"diabetes":         has("E10", "E11"),
		"stroke_tia_te":    has("I63", "G45"),
		"vascular_disease": has("I25"),
	}))
	set, err := indicator.Compile(spec)
	require.NoError(t, err)
	return set
}

// handCHA2DS2VASc is the same score written by hand in Go.
func handCHA2DS2VASc(p *synth.Patient) int {
	s := 0
	switch {
	case p.Age >= 75:
		s += 2
	case p.Age >= 65:
		s++
	}
	if p.Sex == synth.SexFemale {
		s++
	}
	var chf, ht, dm, stroke, vasc bool
	for _, c := range p.Conditions {
		switch c.Code {
		case "I50":
			chf = true
		case "I10":
			ht = true
		case "E10", "E11":
			dm = true
		case "I63", "G45":
			stroke = true
		case "I25":
			vasc = true
		}
	}
	for _, f := range []bool{chf, ht, dm, vasc} {
		if f {
			s++
		}
	}
	if stroke {
		s += 2
	}
	return s
}

func population(t testing.TB, set *indicator.Set, n int) ([]synth.Patient, []*indicator.Batch) {
	t.Helper()
	cfg := synth.Config{N: n, Seed: 5}
	gen, err := synth.New(cfg)
	require.NoError(t, err)
	patients := make([]synth.Patient, 0, n)
	for b := gen.Next(nil); len(b) > 0; b = gen.Next(nil) {
		patients = append(patients, b...)
	}
	src, err := synth.NewSource(set.Schema(), cfg)
	require.NoError(t, err)
	var batches []*indicator.Batch
	for src.Next(context.Background()) {
		batches = append(batches, src.Batch())
	}
	require.NoError(t, src.Err())
	return patients, batches
}

func engineCounts(t testing.TB, set *indicator.Set, batches []*indicator.Batch) [10]int64 {
	rep, err := set.Evaluate(context.Background(), indicator.Batches(batches...))
	require.NoError(t, err)
	var out [10]int64
	res, _ := rep.Result("BY-SCORE")
	require.Zero(t, res.Accounting.Errored)
	for _, st := range res.Stratifiers[0].Strata {
		k, err := strconv.Atoi(st.Values[0])
		require.NoError(t, err)
		out[k] = int64(st.Numerator)
	}
	return out
}

func handCounts(patients []synth.Patient) [10]int64 {
	var out [10]int64
	for i := range patients {
		out[handCHA2DS2VASc(&patients[i])]++
	}
	return out
}

func TestAttach_EngineMatchesHandWritten(t *testing.T) {
	set := chaSet(t)
	patients, batches := population(t, set, 20_000)
	require.Equal(t, handCounts(patients), engineCounts(t, set, batches))
}

func TestScoreEach_MatchesScore(t *testing.T) {
	m := load(t, "lace")
	b := indicator.NewBatchBuilder(m.Schema())
	rows := [][4]int{{0, 0, 0, 0}, {5, 1, 2, 1}, {20, 1, 7, 9}}
	for _, r := range rows {
		b.Field(0).AppendInt(int64(r[0]))
		b.Field(1).AppendBool(r[1] == 1)
		b.Field(2).AppendInt(int64(r[2]))
		b.Field(3).AppendInt(int64(r[3]))
		require.NoError(t, b.EndRow())
	}
	var got []stratify.Result
	require.NoError(t, m.ScoreEach(context.Background(), indicator.Batches(b.Build()), func(_ int64, r stratify.Result, err error) error {
		require.NoError(t, err)
		got = append(got, r)
		return nil
	}))
	require.Len(t, got, len(rows))
	for i, r := range rows {
		want, err := m.Score(map[string]any{"length_of_stay_days": r[0], "emergency_admission": r[1] == 1, "comorbidity_score": r[2], "ed_visits_6m": r[3]})
		require.NoError(t, err)
		require.Equal(t, want, got[i])
	}
}

func benchSize(b *testing.B) int {
	if s := os.Getenv("HPI_BENCH_N"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(b, err)
		return n
	}
	return 100_000
}

// BenchmarkCHA2DS2VASc scores HPI_BENCH_N synthetic patients (default
// 100,000; the README figure uses 1,000,000) already in memory with
// CHA2DS2-VASc attached to an indicator set, counting people per score,
// beside a hand-written Go loop that computes the same counts on one
// goroutine; the engine runs with one worker too, so the ratio of the two
// ns/op is the cost of writing the model in YAML and CEL.
func BenchmarkCHA2DS2VASc(b *testing.B) {
	n := benchSize(b)
	set := chaSet(b)
	patients, batches := population(b, set, n)
	require.Equal(b, handCounts(patients), engineCounts(b, set, batches))
	b.Run("engine", func(b *testing.B) {
		for b.Loop() {
			if _, err := set.Evaluate(context.Background(), indicator.Batches(batches...), indicator.WithWorkers(1)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("handwritten", func(b *testing.B) {
		for b.Loop() {
			handCounts(patients)
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
}
