// Command hpi checks and runs hpi's YAML definitions from the shell: it lints
// every kind of file, evaluates indicator sets over CSV, JSON Lines, FHIR and
// Synthea data (or a built-in synthetic population), explains one record,
// builds a framework's dashboard and scores a population with a risk model.
//
//	go install github.com/openhpi/hpi/examples/hpi@latest
//
// Usage:
//
//	hpi lint [--format text|json] [--kind KIND] [--strict] FILE...
//	hpi eval --set FILE --data DATA [--format table|json|csv|measurereport] [--param name=value]... [--period START/END]
//	hpi explain --set FILE --data DATA (--record ID | --index N) --indicator ID [--format text|json]
//	hpi dashboard --framework FILE --data DATA --out DIR [--area STRATIFIER]
//	hpi risk --model FILE --data FILE [--scores FILE] [--format text|json]
//	hpi schema KIND
//	hpi version
//
// DATA is a file or a directory, recognised by its name and content:
//
//	*.csv                      CSV with a header row naming schema fields
//	*.jsonl, *.ndjson          JSON Lines records, or FHIR R4 NDJSON when the
//	                           first line is a resource ("resourceType")
//	*.json                     FHIR R4 Bundles
//	DIR with patients.csv      a Synthea CSV export
//	DIR with *.ndjson, *.json  a FHIR Bulk Data export and/or Bundles
//	synth:N[:SEED]             N synthetic patients (internal/synth) for the
//	                           set's schema, e.g. synth:100000
//
// hpi lint tells the kind of each file (indicator set, risk model, framework,
// logic model, dashboard, FHIR mapping) from its
// "# yaml-language-server: $schema=..." comment, else from its top-level keys,
// loads it with the library's own loader and prints every problem as
// file:line:column, one per line, or as a JSON array with --format json.
//
// Exit codes: 0 success, 1 a problem in the files or the data, 2 a usage error.
// Every command prints its flags with -h.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/openhpi/hpi/schemas"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // a problem in the files or the data
	exitUsage = 2 // bad flags or arguments
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand of hpi.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) int
}

// env is what a command writes to. stderr is also where progress goes when
// it is a terminal.
type env struct {
	stdout, stderr io.Writer
}

// errorf prints an error on stderr with the hpi: prefix.
func (e *env) errorf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "hpi: "+format+"\n", args...)
}

// fail prints err and returns the exit code for it: usage errors exit 2,
// others 1.
func (e *env) fail(err error) int {
	e.errorf("%v", err)
	if errors.Is(err, errUsage) {
		return exitUsage
	}
	return exitFail
}

// errUsage marks errors in the command line.
var errUsage = errors.New("usage")

// usageError is a command-line error: it prints its message alone and
// exits with 2.
type usageError struct{ msg string }

func (u usageError) Error() string        { return u.msg }
func (u usageError) Is(target error) bool { return target == errUsage }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

func commands() []command {
	return []command{
		{"lint", "check indicator sets, risk models, frameworks, logic models, dashboards and FHIR mappings", runLint},
		{"eval", "evaluate an indicator set over data: table, JSON, CSV or FHIR MeasureReport", runEval},
		{"explain", "show which criteria held for one record and one indicator", runExplain},
		{"dashboard", "evaluate a framework and write its dashboard (JSON, HTML, Vega-Lite)", runDashboard},
		{"risk", "score a population with a risk model: tier counts and mean scores", runRisk},
		{"schema", "print the JSON Schema of a kind of file", runSchema},
		{"version", "print hpi's version", runVersion},
		{"help", "list the commands, or show a command's flags", nil},
	}
}

// run runs hpi with args (without the program name) and returns the exit
// code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printHelp(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && name == "help" {
			return run(ctx, []string{args[1], "-h"}, stdout, stderr)
		}
		printHelp(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, e, args[1:])
		}
	}
	e.errorf("unknown command %q (run hpi help)", name)
	return exitUsage
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "hpi: healthcare performance intelligence from the command line")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: hpi COMMAND [flags] [args]")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run hpi COMMAND -h for a command's flags.")
}

// newFlags returns the flag set of a command, with its usage line and
// description printed by -h.
func newFlags(e *env, name, usage, description string) *flag.FlagSet {
	fs := flag.NewFlagSet("hpi "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hpi %s %s\n\n%s\n\nFlags:\n", name, usage, description)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it returns the exit code to stop with, or -1 to go
// on. -h exits 0 after printing the usage, a bad flag exits 2.
func parseFlags(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	return -1
}

// multiFlag collects a repeated flag's values.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runSchema(_ context.Context, e *env, args []string) int {
	fs := newFlags(e, "schema", "KIND", "Prints the JSON Schema (draft 2020-12) of a kind of file: "+
		strings.Join(schemaKinds(), ", ")+".")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	b, err := schemaOf(fs.Arg(0))
	if err != nil {
		return e.fail(usagef("%v (want one of %s)", err, strings.Join(schemaKinds(), ", ")))
	}
	if _, err := e.stdout.Write(b); err != nil {
		return e.fail(err)
	}
	return exitOK
}

func runVersion(_ context.Context, e *env, args []string) int {
	fs := newFlags(e, "version", "", "Prints hpi's module version and the Go version it was built with.")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	version := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	fmt.Fprintf(e.stdout, "hpi %s %s %s/%s\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}

// schemaKinds are the kinds hpi schema and hpi lint know, sorted.
func schemaKinds() []string {
	return slices.Sorted(slices.Values(append(schemas.Kinds(), kindDashboard)))
}

// plural writes n things, in the singular when n is 1.
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
