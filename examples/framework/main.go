// Command framework evaluates a performance framework: 26 primary-care
// indicators from two indicator sets (sets/*.yaml) attached to the nodes
// of the OECD Health Care Quality Indicators template (framework.yaml),
// over a synthetic population, in one pass over the data. It prints the
// scorecard (per node: value, interval, status, trend, and the roll-up of
// statuses), and writes the scorecard as JSON and as a dashboard to -out.
//
//	go run ./examples/framework                 # 100,000 patients
//	go run ./examples/framework -n 1000000 -out /tmp/out
package main

import (
	"context"
	"embed"
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
	"github.com/openhpi/hpi/framework"
	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/synth"
)

//go:embed framework.yaml sets/*.yaml
var files embed.FS

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "framework:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("framework", flag.ContinueOnError)
	n := flags.Int("n", 100_000, "number of synthetic patients")
	seed := flags.Uint64("seed", 1, "seed of the synthetic population")
	outDir := flags.String("out", "out", "directory for scorecard.json and the dashboard")
	workers := flags.Int("workers", 0, "evaluation workers (0 = GOMAXPROCS)")
	periods := flags.Int("periods", 4, "rolling 12-month periods, a quarter apart, for the trends (1 = no trend)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	f, err := load()
	if err != nil {
		return err
	}
	src, err := synth.NewSource(f.Set().Schema(), synth.Config{N: *n, Seed: *seed})
	if err != nil {
		return err
	}
	start := time.Now()
	sc, err := f.EvaluateSeries(ctx, src, rolling(max(*periods, 1)), indicator.WithWorkers(*workers))
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "%s: %d indicators, %d periods, over %d synthetic patients in one pass (%.2fs)\n",
		f.Title, len(f.Indicators()), len(sc.Periods), sc.Read, elapsed.Seconds())
	fmt.Fprintf(stdout, "framework %s extends %s\n\n", f.ID, f.Extends)
	if err := printScorecard(stdout, sc); err != nil {
		return err
	}
	printComposites(stdout, sc, 5)
	return write(stdout, sc, *outDir)
}

// load reads the framework and its indicator sets from the embedded files.
func load() (*framework.Framework, error) {
	data, err := files.ReadFile("framework.yaml")
	if err != nil {
		return nil, err
	}
	return framework.Load("framework.yaml", data, framework.WithFS(files))
}

// rolling returns n rolling 12-month periods a quarter apart, the last
// ending on 2025-03-31 (the synthetic population's reference date).
func rolling(n int) []indicator.Period {
	end := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	out := make([]indicator.Period, n)
	for i := range out {
		e := end.AddDate(0, -3*(n-1-i), 0)
		out[i] = indicator.Period{
			Label:  e.Add(-time.Nanosecond).Format("2006-01"),
			Params: map[string]any{"period_start": e.AddDate(-1, 0, 0), "period_end": e.Add(-time.Nanosecond)},
		}
	}
	return out
}

// printScorecard prints the nodes in tree order with their indicators.
func printScorecard(w io.Writer, sc *framework.Scorecard) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "node / indicator\tvalue\t95% interval\tstatus\tvs benchmark\ttrend\tgreen/amber/red/unassessed/no data")
	for _, n := range sc.Nodes {
		c := n.Counts
		fmt.Fprintf(tw, "%s%s\t\t\t\t\t\t%d/%d/%d/%d/%d\n", strings.Repeat("  ", n.Depth), orID(n.Title, n.ID),
			c.Green, c.Amber, c.Red, c.Unassessed+c.Other, c.NoData)
		for _, s := range n.Indicators {
			role := ""
			if s.Role == framework.Supporting {
				role = " (supporting)"
			}
			fmt.Fprintf(tw, "%s  %s%s\t%s\t%s\t%s\t%s\t%s\t\n", strings.Repeat("  ", n.Depth), s.ID, role,
				num(s.Value), interval(s.Estimate), orDash(s.Status), orDash(s.Comparison), trend(s.Trend))
		}
	}
	return tw.Flush()
}

func printComposites(w io.Writer, sc *framework.Scorecard, top int) {
	for _, c := range sc.Composites {
		fmt.Fprintf(w, "\n%s (%s across %s): first %d units\n", orID(c.Title, c.ID), c.Normalisation, c.Across, top)
		for i, u := range c.Units {
			if i == top {
				break
			}
			fmt.Fprintf(w, "  %s  %s\n", u.Unit, num(u.Score))
		}
	}
}

func write(w io.Writer, sc *framework.Scorecard, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	jsonPath := filepath.Join(dir, "scorecard.json")
	if err := writeFile(jsonPath, sc.WriteJSON); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nwrote %s\n", jsonPath)
	d, err := sc.Dashboard(dashboardspec.WithAreaStratifier("practice"))
	if err != nil {
		return err
	}
	dashPath := filepath.Join(dir, "scorecard-dashboard.json")
	htmlPath := filepath.Join(dir, "scorecard-dashboard.html")
	if err := writeFile(dashPath, func(f io.Writer) error { return dashboardspec.Encode(f, d) }); err != nil {
		return err
	}
	if err := writeFile(htmlPath, func(f io.Writer) error { return dashboardspec.HTML(f, d) }); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s and %s\n", dashPath, htmlPath)
	return nil
}

func writeFile(path string, fill func(io.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	return fill(f)
}

func orID(title, id string) string {
	if title == "" {
		return id
	}
	return title
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func num(f indicator.Float) string {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "-"
	}
	return fmt.Sprintf("%.2f", x)
}

func interval(e indicator.Estimate) string {
	if math.IsNaN(float64(e.Lower)) || math.IsNaN(float64(e.Upper)) {
		return "-"
	}
	return num(e.Lower) + " – " + num(e.Upper)
}

func trend(t *framework.Trend) string {
	if t == nil || t.Direction == "" {
		return "-"
	}
	s := t.Direction
	if t.Assessment != "" {
		s += ", " + t.Assessment
	}
	return s
}
