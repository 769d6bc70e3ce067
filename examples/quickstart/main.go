// Command quickstart is hpi's main job in miniature: it generates a
// synthetic population, evaluates a set of primary-care indicators written
// in YAML (quickstart.yaml) in one pass, prints a table and writes the
// report as JSON and CSV to ./out. It also evaluates the indicators over
// twelve rolling 12-month periods (the series behind the SPC charts) and
// writes a dashboard: out/dashboard.json (the neutral dashboardspec
// document), out/dashboard.html (a static page; open it in a browser) and
// out/vega/<panel>.vl.json (one Vega-Lite spec per chart).
//
//	go run ./examples/quickstart            # 100,000 patients
//	go run ./examples/quickstart -n 1000000 -out /tmp/out
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/openhpi/hpi/dashboardspec"
	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/synth"
)

//go:embed quickstart.yaml
var definitions []byte

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	n := flags.Int("n", 100_000, "number of synthetic patients")
	seed := flags.Uint64("seed", 1, "seed of the synthetic population")
	outDir := flags.String("out", "out", "directory for the JSON and CSV reports")
	workers := flags.Int("workers", 0, "evaluation workers (0 = GOMAXPROCS)")
	periods := flags.Int("periods", 12, "rolling 12-month periods of the dashboard's SPC charts (0 = none)")
	focus := flags.String("practice", "P0001", "the practice the dashboard's spine chart compares with all practices")
	if err := flags.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	set, err := indicator.Load("quickstart.yaml", definitions)
	if err != nil {
		return err
	}
	src, err := synth.NewSource(set.Schema(), synth.Config{N: *n, Seed: *seed})
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := set.Evaluate(ctx, src, indicator.WithWorkers(*workers))
	if err != nil {
		return err
	}
	elapsed := time.Since(start)

	fmt.Fprintf(stdout, "%s: %d indicators over %d synthetic patients in %.2fs (%.0f patients/s)\n\n",
		set.Spec().Title, len(rep.Indicators), rep.Read, elapsed.Seconds(), float64(rep.Read)/elapsed.Seconds())
	if err := printTable(stdout, rep); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	if err := printGradient(stdout, rep, "deprivation"); err != nil {
		return err
	}
	if err := writeReports(stdout, rep, *outDir); err != nil {
		return err
	}
	var series *indicator.Series
	if *periods > 0 {
		src, err := synth.NewSource(set.Schema(), synth.Config{N: *n, Seed: *seed})
		if err != nil {
			return err
		}
		series, err = set.EvaluateSeries(ctx, src, rolling(*periods), indicator.WithWorkers(*workers))
		if err != nil {
			return err
		}
	}
	return writeDashboard(stdout, rep, series, *focus, *outDir)
}

// rolling returns n rolling 12-month periods, the last ending with the
// report's period (2025-03-31), each labelled by its last month.
func rolling(n int) []indicator.Period {
	last := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	out := make([]indicator.Period, n)
	for i := range out {
		month := last.AddDate(0, i-n+1, 0)
		end := month.AddDate(0, 1, 0).Add(-time.Nanosecond)
		out[i] = indicator.Period{
			Label:  month.Format("2006-01"),
			Params: map[string]any{"period_start": month.AddDate(0, -11, 0), "period_end": end},
		}
	}
	return out
}

// dashboardOptions are the options the quickstart builds its dashboard
// with: practices are the areas of the funnel, caterpillar and spine charts.
func dashboardOptions(series *indicator.Series, focus string) []dashboardspec.Option {
	opts := []dashboardspec.Option{
		dashboardspec.WithAreaStratifier("practice"),
		dashboardspec.WithFocusArea(focus),
		dashboardspec.WithTitle("Primary care quality — quickstart"),
		dashboardspec.WithSource("synthetic population (internal/synth)"),
		dashboardspec.WithDescription("Primary care quality indicators over a synthetic population, built by examples/quickstart."),
	}
	if series != nil {
		opts = append(opts, dashboardspec.WithSeries(series))
	}
	return opts
}

// writeDashboard builds the dashboard of the report and writes it as the
// neutral JSON, the static HTML page and one Vega-Lite spec per chart.
func writeDashboard(w io.Writer, rep *indicator.Report, series *indicator.Series, focus, dir string) error {
	d, err := dashboardspec.FromReport(rep, dashboardOptions(series, focus)...)
	if err != nil {
		return err
	}
	vegaDir := filepath.Join(dir, "vega")
	if err := os.MkdirAll(vegaDir, 0o755); err != nil {
		return err
	}
	jsonPath := filepath.Join(dir, "dashboard.json")
	htmlPath := filepath.Join(dir, "dashboard.html")
	if err := writeFile(jsonPath, func(f io.Writer) error { return dashboardspec.Encode(f, d) }); err != nil {
		return err
	}
	if err := writeFile(htmlPath, func(f io.Writer) error { return dashboardspec.HTML(f, d) }); err != nil {
		return err
	}
	specs, err := dashboardspec.VegaLite(d)
	if err != nil {
		return err
	}
	for _, s := range specs {
		if err := os.WriteFile(filepath.Join(vegaDir, s.Panel+".vl.json"), s.Spec, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "wrote %s, %s and %d Vega-Lite specs in %s\n", jsonPath, htmlPath, len(specs), vegaDir)
	return nil
}

// printTable prints one line per indicator: value, interval, counts, status.
func printTable(w io.Writer, rep *indicator.Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "indicator\tvalue\t95% interval\tnumerator\tdenominator\terrored\tstatus\t")
	for _, r := range rep.Indicators {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t\n", r.ID, value(r.Type, r.Value), interval(r.Estimate),
			count(r.Numerator), count(r.Denominator), r.Accounting.Errored, orDash(r.Status))
	}
	return tw.Flush()
}

// printGradient prints each indicator's value by the strata of one
// stratifier, e.g. deprivation quintile 1 (most deprived) to 5.
func printGradient(w io.Writer, rep *indicator.Report, stratifier string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	var header []string
	for _, r := range rep.Indicators {
		for _, s := range r.Stratifiers {
			if s.ID != stratifier {
				continue
			}
			if header == nil {
				for _, st := range s.Strata {
					header = append(header, "Q"+strings.Join(st.Values, "/"))
				}
				fmt.Fprintf(tw, "%s\t%s\t\n", stratifier, strings.Join(header, "\t"))
			}
			cells := make([]string, len(s.Strata))
			for i, st := range s.Strata {
				cells[i] = value(r.Type, st.Value) + mark(st.Comparison)
			}
			fmt.Fprintf(tw, "%s\t%s\t\n", r.ID, strings.Join(cells, "\t"))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "+ / - : significantly better / worse than the overall value; ^ / v : higher / lower")
	return err
}

func writeReports(w io.Writer, rep *indicator.Report, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	jsonPath := filepath.Join(dir, "quickstart-report.json")
	csvPath := filepath.Join(dir, "quickstart-report.csv")
	if err := writeFile(jsonPath, rep.WriteJSON); err != nil {
		return err
	}
	if err := writeFile(csvPath, rep.WriteCSV); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nwrote %s and %s\n", jsonPath, csvPath)
	return nil
}

func writeFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return write(f)
}

// value formats an indicator value: counts as integers, others to one decimal.
func value(t indicator.Type, f indicator.Float) string {
	if t == indicator.Count {
		return count(f)
	}
	if f != f {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(f))
}

// count formats a numerator or denominator: whole numbers without decimals.
func count(f indicator.Float) string {
	x := float64(f)
	switch {
	case x != x:
		return "-"
	case x == math.Trunc(x):
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.1f", x)
}

func interval(e indicator.Estimate) string {
	if e.Lower != e.Lower || e.Upper != e.Upper {
		return "-"
	}
	return fmt.Sprintf("%.1f-%.1f", float64(e.Lower), float64(e.Upper))
}

func mark(comparison string) string {
	switch comparison {
	case "better":
		return "+"
	case "worse":
		return "-"
	case "higher":
		return "^"
	case "lower":
		return "v"
	}
	return " "
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
