// Command fhir evaluates an indicator set over a few hand-written FHIR R4
// resources (NDJSON files and one Bundle, in data/), prints the report,
// explains one patient and writes the FHIR MeasureReports to -out.
//
//	go run ./examples/fhir -out out
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/fhir"
	"github.com/openhpi/hpi/indicator/source"
)

func main() {
	dir := flag.String("dir", defaultDir(), "the example's directory (indicators.yaml, data/)")
	out := flag.String("out", "out", "directory for the MeasureReport JSON")
	flag.Parse()
	if err := run(context.Background(), *dir, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// defaultDir finds the example's files whether run from the module root
// or from its own directory.
func defaultDir() string {
	if _, err := os.Stat("indicators.yaml"); err == nil {
		return "."
	}
	return filepath.Join("examples", "fhir")
}

func run(ctx context.Context, dir, out string, w io.Writer) error {
	set, err := indicator.LoadFile(filepath.Join(dir, "indicators.yaml"))
	if err != nil {
		return err
	}
	refDate := time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)
	data := os.DirFS(filepath.Join(dir, "data"))
	src := source.FHIRDir(set.Schema(), data, source.WithReferenceDate(refDate))
	rep, err := set.Evaluate(ctx, src)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d patients read, %d resources skipped\n", rep.Read, src.SkippedCount())
	for _, s := range src.Skipped() {
		fmt.Fprintln(w, "  skipped:", s.Error())
	}
	for _, r := range rep.Indicators {
		fmt.Fprintf(w, "%-18s %6.1f  (%g / %g)\n", r.ID, float64(r.Value), float64(r.Numerator), float64(r.Denominator))
	}

	// Why is the first patient (p1) in the numerator?
	ex, err := set.Explain(ctx, source.FHIRDir(set.Schema(), data, source.WithReferenceDate(refDate)), 0, "DM-HBA1C-TESTED")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "patient p1, DM-HBA1C-TESTED: numerator=%t\n", ex.Populations.Numerator)
	for _, c := range ex.Criteria {
		fmt.Fprintf(w, "  %s = %v\n", c.Name, c.Value)
	}

	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	summary, err := fhir.MeasureReport(rep, fhir.WithMeasureBase("http://example.org/fhir/Measure"))
	if err != nil {
		return err
	}
	individual, err := fhir.Individual(ex, rep.Parameters, fhir.WithSubject("Patient/p1"))
	if err != nil {
		return err
	}
	for name, b := range map[string][]byte{"measurereports.json": summary, "p1-DM-HBA1C-TESTED.json": individual} {
		if err := os.WriteFile(filepath.Join(out, name), b, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "wrote %s\n", filepath.Join(out, "measurereports.json"))
	return nil
}
