package dashboardspec

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/synth"
)

// testPopulation is the synthetic population of the tests: small enough to
// be fast, with few practices so that each has a few hundred patients.
var testPopulation = synth.Config{N: 3000, Seed: 7, Practices: 12}

// evaluated caches the evaluation of the test set: every test but those
// that alter the report shares it, read-only.
var evaluated struct {
	sync.Mutex
	rep    *indicator.Report
	series *indicator.Series
}

// buildTest builds the dashboard of the test report (see build).
func buildTest(t testing.TB) *Dashboard {
	t.Helper()
	evaluated.Lock()
	if evaluated.rep == nil {
		evaluated.rep, evaluated.series = evaluate(t)
	}
	rep, series := evaluated.rep, evaluated.series
	evaluated.Unlock()
	return build(t, rep, series)
}

// evaluate evaluates testdata/set.yaml over the test population: the
// report of the default period and a 12-month series.
func evaluate(t testing.TB) (*indicator.Report, *indicator.Series) {
	t.Helper()
	data, err := os.ReadFile("testdata/set.yaml")
	require.NoError(t, err)
	set, err := indicator.Load("set.yaml", data)
	require.NoError(t, err)
	src, err := synth.NewSource(set.Schema(), testPopulation)
	require.NoError(t, err)
	rep, err := set.Evaluate(context.Background(), src, indicator.WithWorkers(2))
	require.NoError(t, err)
	src, err = synth.NewSource(set.Schema(), testPopulation)
	require.NoError(t, err)
	months := indicator.Months(time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), 12, "period_start", "period_end")
	series, err := set.EvaluateSeries(context.Background(), src, months, indicator.WithWorkers(2))
	require.NoError(t, err)
	return rep, series
}

// testLogicModel is a small chain for the logic-model panel.
func testLogicModel() LogicModelInput {
	return LogicModelInput{
		ID: "statins", Title: "Statin programme logic model",
		Model: LogicModel{
			Columns: []string{"inputs", "activities", "outputs", "outcomes"},
			Elements: []LogicElement{
				{ID: "pharm", Label: "Practice pharmacists", Column: "inputs", Status: "green"},
				{ID: "review", Label: "Medication reviews", Column: "activities", Status: "amber", Note: "two practices behind"},
				{ID: "rx", Label: "Statins prescribed", Column: "outputs", Status: "amber", Indicators: []string{"STATIN"}},
				{ID: "cvd", Label: "Fewer CVD events", Column: "outcomes", Status: "unknown"},
			},
			Links: []LogicLink{{From: "pharm", To: "review"}, {From: "review", To: "rx"}, {From: "rx", To: "cvd", Assumption: "adherence"}},
		},
		Provenance: Provenance{Source: "programme returns, Q4"},
	}
}

// build builds the dashboard of a report the way FromReport does, plus a
// logic model and a text panel.
func build(t testing.TB, rep *indicator.Report, series *indicator.Series) *Dashboard {
	t.Helper()
	opts := []Option{WithAreaStratifier("practice"), WithFocusArea("GP003"), WithSeries(series), WithSource("synthetic population (internal/synth), seed 7")}
	b := NewBuilder("dash-test", "Dashboard test set", append(opts, WithDescription("Built by the tests of package dashboardspec."))...)
	require.NoError(t, b.AddReport(rep, opts...))
	b.AddSection("Programme")
	b.AddLogicModel(testLogicModel())
	b.AddMarkdown("About", "# Reading this page\n\nValues are **percentages** unless stated.\n\n- funnel limits: 95% and 99.8%\n- `–` means withheld or not computed")
	d, err := b.Dashboard()
	require.NoError(t, err)
	return d
}

// quickstartOnce runs the quickstart (go run ./examples/quickstart) once
// per test binary, on 20,000 patients, and decodes the dashboard it wrote.
var quickstartOnce = sync.OnceValues(func() (*Dashboard, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "hpi-quickstart-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "run", "./examples/quickstart", "-n", "20000", "-out", dir)
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go run ./examples/quickstart: %w\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "dashboard.json"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Decode(f)
})

// buildQuickstart returns the dashboard the quickstart writes.
func buildQuickstart(t testing.TB) *Dashboard {
	t.Helper()
	d, err := quickstartOnce()
	require.NoError(t, err)
	require.NoError(t, d.Validate())
	return d
}
