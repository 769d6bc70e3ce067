// Command tutorial is the Go half of docs/tutorial.md: it evaluates
// first.yaml over patients.csv and prints the indicator.
//
//	go run ./examples/tutorial
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
)

func main() {
	if err := run(os.Stdout, "examples/tutorial"); err != nil {
		fmt.Fprintln(os.Stderr, "tutorial:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, dir string) error {
	set, err := indicator.LoadFile(dir + "/first.yaml")
	if err != nil {
		return err // every mistake in the YAML, each with file:line:column
	}
	f, err := os.Open(dir + "/patients.csv")
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := set.Evaluate(context.Background(), source.CSV(f, set.Schema()))
	if err != nil {
		return err
	}
	r, _ := rep.Result("DM-CONTROL")
	fmt.Fprintf(w, "%s: %.1f%% (%v of %v; 95%% CI %.1f–%.1f)\n", r.Title, r.Value, r.Numerator, r.Denominator, r.Lower, r.Upper)
	return nil
}
