package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/stratify"
)

func runRisk(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "risk", "--model FILE --data FILE [flags]",
		"Scores every record of the data with a risk model and prints the pyramid: the count and\n"+
			"share of each tier with its mean score, and the count of each segment. The data is a CSV\n"+
			"or JSON Lines file whose columns (keys) are the model's inputs.")
	file := fs.String("model", "", "the risk model (YAML)")
	scores := fs.String("scores", "", "also write each record's score, tier, segment and component points to this CSV file")
	format := fs.String("format", "text", "output format: text or json")
	var df dataFlags
	df.register(fs, true)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *format != "text" && *format != "json" {
		return e.fail(usagef("risk: unknown --format %q (want text or json)", *format))
	}
	if *file == "" || fs.NArg() > 0 {
		e.errorf("risk: --model and --data are required, and nothing else")
		fs.Usage()
		return exitUsage
	}
	if strings.HasPrefix(df.data, "synth:") {
		return e.fail(usagef("risk: --data %s: synthetic patients do not have a risk model's inputs; give a CSV or JSON Lines file with the inputs as columns", df.data))
	}
	m, err := stratify.LoadFile(*file)
	if err != nil {
		return e.fail(err)
	}
	if df.data != "" {
		if f, err := detectData(df.data); err == nil && f != formatCSV && f != formatJSONLines {
			return e.fail(usagef("risk: --data %s is %s: want a CSV or JSON Lines file whose columns are the model's inputs (%s)",
				df.data, f, inputNames(m)))
		}
	}
	open, err := df.opener(nil, nil)
	if err != nil {
		return e.fail(err)
	}
	ds, err := open(m.Schema())
	if err != nil {
		return e.fail(err)
	}
	defer ds.close()
	prog := newProgress(e.stderr)
	pop, err := m.Apply(ctx, ds.src, indicator.WithWorkers(df.workers), prog.option())
	prog.done()
	if err != nil {
		return e.fail(err)
	}
	if *scores != "" {
		if err := writeScores(ctx, m, open, *scores); err != nil {
			return e.fail(err)
		}
	}
	if *format == "json" {
		err = writeJSON(e.stdout, pop)
	} else {
		err = printPopulation(e.stdout, m, pop, ds.what)
	}
	if err != nil {
		return e.fail(err)
	}
	if *scores != "" && *format == "text" {
		fmt.Fprintf(e.stdout, "\nwrote %s\n", *scores)
	}
	return exitOK
}

func inputNames(m *stratify.Model) string {
	names := make([]string, len(m.Inputs))
	for i, in := range m.Inputs {
		names[i] = in.Name
	}
	return strings.Join(names, ", ")
}

func printPopulation(w io.Writer, m *stratify.Model, pop *stratify.Population, what string) error {
	fmt.Fprintf(w, "%s: %d records of %s read, %d scored, %d errored\n", orID(m.Title, m.ID), pop.Read, what, pop.Scored, pop.Errored)
	if !isNaN(pop.Mean.Value) {
		fmt.Fprintf(w, "mean score %s (95%% interval %s)\n", num(pop.Mean.Value), interval(pop.Mean))
	}
	for _, re := range pop.Errors {
		fmt.Fprintf(w, "  record %d %s: %s\n", re.Record, re.Field, re.Message)
	}
	if len(pop.Tiers) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "tier\tcount\tshare\tmean score")
		for _, g := range pop.Tiers {
			mean := "-"
			if g.Mean != nil {
				mean = num(g.Mean.Value)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", g.Name, g.Count, share(g.Share), mean)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(pop.Segments) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "segment\tcount\tshare")
		for _, g := range pop.Segments {
			fmt.Fprintf(tw, "%s\t%d\t%s\n", g.Name, g.Count, share(g.Share))
		}
		return tw.Flush()
	}
	return nil
}

// writeScores writes one CSV row per record: its index, score, tier,
// segment, points per component, or the error it met.
func writeScores(ctx context.Context, m *stratify.Model, open opener, path string) error {
	ds, err := open(m.Schema())
	if err != nil {
		return err
	}
	defer ds.close()
	return writeFile(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		header := []string{"record", "score"}
		if len(m.Tiers) > 0 {
			header = append(header, "tier")
		}
		if len(m.Segments) > 0 {
			header = append(header, "segment")
		}
		first := len(header) // of the components
		for _, c := range m.Components {
			header = append(header, c.Name)
		}
		header = append(header, "error")
		if err := cw.Write(header); err != nil {
			return err
		}
		row := make([]string, len(header))
		err := m.ScoreEach(ctx, ds.src, func(i int64, r stratify.Result, err error) error {
			clear(row)
			row[0] = strconv.FormatInt(i, 10)
			if err != nil {
				row[len(row)-1] = err.Error()
			} else {
				row[1] = strconv.FormatFloat(r.Score, 'g', -1, 64)
				k := 2
				if len(m.Tiers) > 0 {
					row[k], k = r.Tier, k+1
				}
				if len(m.Segments) > 0 {
					row[k] = r.Segment
				}
				for j, c := range m.Components {
					if p, ok := r.Components[c.Name]; ok {
						row[first+j] = strconv.FormatFloat(p, 'g', -1, 64)
					}
				}
			}
			return cw.Write(row)
		})
		if err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	})
}

func isNaN(f indicator.Float) bool { return f != f }

func num(f indicator.Float) string {
	if isNaN(f) {
		return "-"
	}
	return strconv.FormatFloat(float64(f), 'f', 2, 64)
}

func share(f indicator.Float) string {
	if isNaN(f) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(f))
}
