// Command spc shows an indicator over time as a statistical process control
// chart. It evaluates a monthly series from the synthetic population in
// one pass, with a deliberate shift: from October 2024 a recall programme
// tests one in eight people with diabetes every month. The p chart, whose
// limits come from the nine months before, and the Making Data Count chart
// should both flag it.
//
//	go run ./examples/spc
package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
	"github.com/openhpi/hpi/indicator/spc"
	"github.com/openhpi/hpi/internal/synth"
)

//go:embed monitoring.yaml
var definitions []byte

// recallStart is when the deliberate shift begins.
var recallStart = time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "spc:", err)
		os.Exit(1)
	}
}

func run(args []string, w io.Writer) error {
	flags := flag.NewFlagSet("spc", flag.ContinueOnError)
	n := flags.Int("n", 50_000, "number of synthetic patients")
	if err := flags.Parse(args); err != nil {
		return err
	}
	set, err := indicator.Load("monitoring.yaml", definitions)
	if err != nil {
		return err
	}
	src, err := patients(set.Schema(), *n)
	if err != nil {
		return err
	}
	months := indicator.Months(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 14, "period_start", "period_end")
	series, err := set.EvaluateSeries(context.Background(), src, months)
	if err != nil {
		return err
	}
	groups, err := series.Subgroups("DM-HBA1C-MONTH", spc.KindP)
	if err != nil {
		return err
	}
	baseline := 9 // January to September 2024, before the recall programme
	chart, err := spc.New(spc.KindP, groups, spc.Options{Multiply: 100, Freeze: baseline})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s, %d synthetic patients\np chart (%%), limits from the first %d months\n\n", set.Spec().Indicators[0].Title, *n, baseline)
	printChart(w, chart)

	values := make([]float64, len(chart.Points))
	for i, p := range chart.Points {
		values[i] = p.Y
	}
	target := 20.0
	mdc, err := spc.MakingDataCount(values, spc.MDCOptions{Improvement: spc.Increase, Target: &target})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nMaking Data Count (target %.0f%%)\n\n", target)
	printMDC(w, chart, mdc)
	return nil
}

// patients streams the synthetic population with its HbA1c test dates,
// adding the recall programme's tests: from recallStart, every eighth
// person with diabetes is tested on the 15th of each month.
func patients(schema *indicator.Schema, n int) (indicator.Source, error) {
	gen, err := synth.New(synth.Config{N: n, Seed: 11})
	if err != nil {
		return nil, err
	}
	idx, err := source.FieldIndexes(schema, "age", "conditions", "hba1c_dates")
	if err != nil {
		return nil, err
	}
	var batch []synth.Patient
	next := func(ctx context.Context) ([]synth.Patient, error) {
		batch = gen.Next(batch)
		if len(batch) == 0 {
			return nil, io.EOF
		}
		return batch, ctx.Err()
	}
	refDate := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	count := 0
	fill := func(p *synth.Patient, rw *source.RowWriter) error {
		count++
		rw.Int(idx[0], int64(p.Age))
		conditions := rw.Field(idx[1])
		for _, c := range p.Conditions {
			conditions.Event(0).AppendString(c.Code)
			conditions.EndEvent()
		}
		dates := rw.Field(idx[2])
		for _, o := range p.Observations {
			if o.Code == "hba1c" {
				dates.AppendTime(o.Date)
			}
		}
		if count%8 == 0 && (p.HasCondition("E10") || p.HasCondition("E11")) {
			for m := recallStart; m.Before(refDate); m = m.AddDate(0, 1, 0) {
				dates.AppendTime(m.AddDate(0, 0, 14))
			}
		}
		return nil
	}
	return source.Func(schema, next, fill), nil
}

func printChart(w io.Writer, c *spc.Chart) {
	fmt.Fprintf(w, "%-8s %6s %6s %6s %6s  %s\n", "month", "value", "LCL", "CL", "UCL", "")
	lo, hi := span(c)
	for _, p := range c.Points {
		mark := ""
		if p.SigmaSignal {
			mark = "  outside the 3-sigma limits"
		}
		fmt.Fprintf(w, "%-8s %6.1f %6.1f %6.1f %6.1f  %s%s\n", p.X, p.Y, p.LCL, p.CL, p.UCL, bar(p, lo, hi), mark)
	}
	for i, r := range c.Runs {
		fmt.Fprintf(w, "\npart %d runs analysis: longest run %d (limit %d), crossings %d (limit %d): %s\n",
			i+1, r.LongestRun, r.LongestRunMax, r.Crossings, r.CrossingsMin, verdict(r.Signal))
	}
}

func verdict(signal bool) string {
	if signal {
		return "non-random variation"
	}
	return "random variation"
}

// span is the range of values and limits, for the text bars.
func span(c *spc.Chart) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range c.Points {
		for _, v := range []float64{p.Y, p.LCL, p.UCL} {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	return lo, hi
}

// bar draws the point (*) against its limits (|) and centre line (:) on a
// 40-column scale.
func bar(p spc.Point, lo, hi float64) string {
	const width = 40
	line := []byte(strings.Repeat(" ", width+1))
	put := func(v float64, ch byte) {
		if math.IsNaN(v) || hi <= lo {
			return
		}
		line[int(math.Round((v-lo)/(hi-lo)*width))] = ch
	}
	put(p.LCL, '|')
	put(p.UCL, '|')
	put(p.CL, ':')
	put(p.Y, '*')
	return string(line)
}

func printMDC(w io.Writer, c *spc.Chart, r *spc.MDCResult) {
	fmt.Fprintf(w, "%-8s %6s %6s %6s %6s  %s\n", "month", "value", "LPL", "mean", "UPL", "rule")
	for i, p := range r.Points {
		fmt.Fprintf(w, "%-8s %6.1f %6.1f %6.1f %6.1f  %s (%s)\n", c.Points[i].X, p.Y, p.LPL, p.Mean, p.UPL, p.Label, p.PointType)
	}
	fmt.Fprintf(w, "\nvariation icon: %s\nassurance icon: %s\n", r.Variation, orNone(r.Assurance))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
