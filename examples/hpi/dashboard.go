package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/openhpi/hpi/dashboardspec"
	"github.com/openhpi/hpi/framework"
	"github.com/openhpi/hpi/indicator"
)

func runDashboard(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "dashboard", "--framework FILE --data DATA --out DIR [flags]",
		"Evaluates every indicator of a performance framework over the data in one pass, rolls the\n"+
			"results up to its scorecard and writes the scorecard's dashboard to --out: dashboard.json\n"+
			"(the neutral dashboardspec document), dashboard.html (a static page) and\n"+
			"vega/<panel>.vl.json (one Vega-Lite spec per chart).")
	file := fs.String("framework", "", "the performance framework (YAML)")
	out := fs.String("out", "", "directory to write the dashboard to")
	area := fs.String("area", "", "the stratifier whose strata are areas, for funnel and caterpillar plots (e.g. practice)")
	title := fs.String("title", "", "the dashboard's title (default: the framework's)")
	var df dataFlags
	df.register(fs, false)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *file == "" || *out == "" || fs.NArg() > 0 {
		e.errorf("dashboard: --framework, --data and --out are required, and nothing else")
		fs.Usage()
		return exitUsage
	}
	f, err := framework.LoadFile(*file)
	if err != nil {
		return e.fail(err)
	}
	set := f.Set()
	if set == nil {
		return e.fail(fmt.Errorf("%s: %w: attach indicators to its nodes", *file, framework.ErrNoIndicators))
	}
	params, err := df.paramMap()
	if err != nil {
		return e.fail(err)
	}
	open, err := df.opener(params, set.Spec().Parameters)
	if err != nil {
		return e.fail(err)
	}
	ds, err := open(set.Schema())
	if err != nil {
		return e.fail(err)
	}
	defer ds.close()
	prog := newProgress(e.stderr)
	sc, err := f.Evaluate(ctx, ds.src, indicator.WithParams(params), indicator.WithWorkers(df.workers), prog.option())
	prog.done()
	if err != nil {
		return e.fail(err)
	}
	reportSkipped(e, ds)
	opts := []dashboardspec.Option{dashboardspec.WithSource(ds.what)}
	if *area != "" {
		opts = append(opts, dashboardspec.WithAreaStratifier(*area))
	}
	if *title != "" {
		opts = append(opts, dashboardspec.WithTitle(*title))
	}
	d, err := sc.Dashboard(opts...)
	if err != nil {
		return e.fail(err)
	}
	n, err := writeDashboard(d, *out)
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintf(e.stdout, "%s: %s over %s of %s\n", orID(f.Title, f.ID), plural(len(f.Indicators()), "indicator"), plural(int(sc.Read), "record"), ds.what)
	fmt.Fprintf(e.stdout, "wrote %s, %s and %d Vega-Lite specs in %s\n",
		filepath.Join(*out, "dashboard.json"), filepath.Join(*out, "dashboard.html"), n, filepath.Join(*out, "vega"))
	return exitOK
}

// writeDashboard writes the dashboard as the neutral JSON, the static HTML
// page and one Vega-Lite spec per chart, and returns the number of specs.
func writeDashboard(d *dashboardspec.Dashboard, dir string) (int, error) {
	vegaDir := filepath.Join(dir, "vega")
	if err := os.MkdirAll(vegaDir, 0o755); err != nil {
		return 0, err
	}
	if err := writeFile(filepath.Join(dir, "dashboard.json"), func(w io.Writer) error { return dashboardspec.Encode(w, d) }); err != nil {
		return 0, err
	}
	if err := writeFile(filepath.Join(dir, "dashboard.html"), func(w io.Writer) error { return dashboardspec.HTML(w, d) }); err != nil {
		return 0, err
	}
	specs, err := dashboardspec.VegaLite(d)
	if err != nil {
		return 0, err
	}
	for _, s := range specs {
		name := strings.NewReplacer("/", "_", `\`, "_").Replace(s.Panel) + ".vl.json"
		if err := os.WriteFile(filepath.Join(vegaDir, name), s.Spec, 0o644); err != nil {
			return 0, err
		}
	}
	return len(specs), nil
}

func writeFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return write(f)
}
