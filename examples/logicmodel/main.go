// Command logicmodel shows a programme logic model at work: it loads the
// logic model of a diabetes prevention programme (diabetes-prevention.yaml),
// validates it against the quickstart indicator set, evaluates that set
// over a synthetic population, attaches the results to the model's
// outcomes, prints each chain from an activity to the impact with its
// states and where it breaks, and writes the model as Mermaid and Graphviz
// DOT to ./out.
//
//	go run ./examples/logicmodel            # 20,000 patients
//	go run ./examples/logicmodel -n 100000 -out /tmp/out
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/synth"
	"github.com/openhpi/hpi/logicmodel"
)

// quickstartPath is the indicator set whose ids the model's outcomes name.
const quickstartPath = "../quickstart/quickstart.yaml"

//go:embed diabetes-prevention.yaml
var modelYAML string

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "logicmodel:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("logicmodel", flag.ContinueOnError)
	n := flags.Int("n", 20_000, "number of synthetic patients")
	seed := flags.Uint64("seed", 1, "seed of the synthetic population")
	outDir := flags.String("out", "out", "directory for the Mermaid and DOT files")
	set := flags.String("set", "", "indicator set YAML (default: examples/quickstart/quickstart.yaml)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	model, err := logicmodel.Load(strings.NewReader(modelYAML), "diabetes-prevention.yaml")
	if err != nil {
		return err
	}
	setPath := *set
	if setPath == "" {
		setPath, err = findQuickstart()
		if err != nil {
			return err
		}
	}
	indicators, err := indicator.LoadFile(setPath)
	if err != nil {
		return err
	}
	var ids []string
	for _, ind := range indicators.Spec().Indicators {
		ids = append(ids, ind.ID)
	}

	fmt.Fprintf(stdout, "%s: %d elements, %d links\n", model.Title, len(model.Elements), len(model.Links))
	findings := model.Validate(logicmodel.WithKnownIndicators(ids...))
	if len(findings) == 0 {
		fmt.Fprintln(stdout, "validation: no findings")
	}
	for _, f := range findings {
		fmt.Fprintln(stdout, "validation:", f)
	}

	src, err := synth.NewSource(indicators.Schema(), synth.Config{N: *n, Seed: *seed})
	if err != nil {
		return err
	}
	rep, err := indicators.Evaluate(ctx, src)
	if err != nil {
		return err
	}
	status, err := model.Attach(rep)
	if err != nil {
		return err
	}

	fmt.Fprintf(stdout, "\nelements (%d synthetic patients):\n", rep.Read)
	for _, es := range status.Elements {
		fmt.Fprintf(stdout, "  %s %-14s %s\n", es.State.Symbol(), es.ID, es.State)
		for _, is := range es.Indicators {
			fmt.Fprintf(stdout, "      %-16s %s: %s\n", is.ID, is.State, is.Reason)
		}
	}
	fmt.Fprintf(stdout, "\nchains from an activity to the impact (%d):\n", len(status.Chains))
	for _, c := range status.Chains {
		parts := make([]string, len(c.Path))
		for i, id := range c.Path {
			parts[i] = c.States[i].Symbol() + " " + id
		}
		where := "unbroken"
		if c.Break >= 0 {
			where = "breaks at " + c.Path[c.Break]
		}
		fmt.Fprintf(stdout, "  %s  — %s\n", strings.Join(parts, " → "), where)
	}
	if b := status.Breaks(); len(b) > 0 {
		fmt.Fprintf(stdout, "\nthe chain breaks at: %s\n", strings.Join(b, ", "))
	}
	return writeDrawings(stdout, model, status, *outDir)
}

// writeDrawings writes ndpp.mmd and ndpp.dot to dir.
func writeDrawings(stdout io.Writer, model *logicmodel.Model, status *logicmodel.Status, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, out := range []struct {
		name  string
		write func(io.Writer, ...logicmodel.ExportOption) error
	}{
		{model.ID + ".mmd", model.Mermaid},
		{model.ID + ".dot", model.DOT},
	} {
		path := filepath.Join(dir, out.name)
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		err = out.write(f, logicmodel.WithStatus(status))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		fmt.Fprintln(stdout, "wrote", path)
	}
	return nil
}

// findQuickstart finds the quickstart indicator set from the module root
// or from this directory.
func findQuickstart() (string, error) {
	for _, p := range []string{"examples/quickstart/quickstart.yaml", quickstartPath} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("cannot find examples/quickstart/quickstart.yaml: run from the module root or pass -set")
}
