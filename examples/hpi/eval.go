package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/fhir"
)

func runEval(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "eval", "--set FILE --data DATA [flags]",
		"Evaluates every indicator of an indicator set over the data in one pass and prints the\n"+
			"report: a table, the report's JSON or CSV, or a FHIR R4 Bundle of MeasureReports\n"+
			"(which needs the period_start and period_end parameters).")
	setFile := fs.String("set", "", "the indicator set (YAML)")
	format := fs.String("format", "table", "output format: table, json, csv or measurereport")
	measureBase := fs.String("measure-base", fhir.DefaultMeasureBase, "base URL of the Measure canonical URLs (measurereport)")
	period := fs.String("period", "", "measurement period START/END as dates (measurereport; default: the period_start and period_end parameters)")
	var df dataFlags
	df.register(fs, false)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	switch *format {
	case "table", "json", "csv", "measurereport":
	default:
		return e.fail(usagef("eval: unknown --format %q (want table, json, csv or measurereport)", *format))
	}
	if *setFile == "" || fs.NArg() > 0 {
		e.errorf("eval: --set and --data are required, and nothing else")
		fs.Usage()
		return exitUsage
	}
	fhirOpts := []fhir.Option{fhir.WithMeasureBase(*measureBase)}
	if *period != "" {
		from, to, err := parsePeriod(*period)
		if err != nil {
			return e.fail(err)
		}
		fhirOpts = append(fhirOpts, fhir.WithPeriod(from, to))
	}
	set, params, open, err := loadSetAndData(*setFile, &df)
	if err != nil {
		return e.fail(err)
	}
	ds, err := open(set.Schema())
	if err != nil {
		return e.fail(err)
	}
	defer ds.close()
	prog := newProgress(e.stderr)
	start := time.Now()
	rep, err := set.Evaluate(ctx, ds.src, indicator.WithParams(params), indicator.WithWorkers(df.workers), prog.option())
	prog.done()
	if err != nil {
		return e.fail(err)
	}
	elapsed := time.Since(start)
	reportSkipped(e, ds)
	switch *format {
	case "table":
		fmt.Fprintf(e.stdout, "%s: %s over %s of %s in %.2fs\n\n",
			orID(set.Spec().Title, set.Spec().ID), plural(len(rep.Indicators), "indicator"), plural(int(rep.Read), "record"), ds.what, elapsed.Seconds())
		err = printReport(e.stdout, rep)
	case "json":
		err = rep.WriteJSON(e.stdout)
	case "csv":
		err = rep.WriteCSV(e.stdout)
	case "measurereport":
		var b []byte
		b, err = fhir.MeasureReport(rep, fhirOpts...)
		if errors.Is(err, fhir.ErrNoPeriod) {
			err = fmt.Errorf("%w (give it with --period START/END)", err)
		}
		if err == nil {
			_, err = e.stdout.Write(append(b, '\n'))
		}
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

// parsePeriod parses START/END, each a date or an RFC 3339 time.
func parsePeriod(s string) (from, to time.Time, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		from, err = parseTime(a)
	}
	if ok && err == nil {
		to, err = parseTime(b)
	}
	if !ok || err != nil || to.Before(from) {
		return from, to, usagef("--period %q: want START/END, two dates (2006-01-02) or RFC 3339 times, START not after END", s)
	}
	return from, to, nil
}

func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// loadSetAndData loads an indicator set and checks the data and parameter
// flags against it.
func loadSetAndData(setFile string, df *dataFlags) (*indicator.Set, map[string]any, opener, error) {
	set, err := indicator.LoadFile(setFile)
	if err != nil {
		return nil, nil, nil, err
	}
	params, err := df.paramMap()
	if err != nil {
		return nil, nil, nil, err
	}
	for name := range params {
		if !hasParam(set.Spec().Parameters, name) {
			return nil, nil, nil, usagef("--param %s: the set %s has no such parameter (it has %s)", name, setFile, paramNames(set.Spec().Parameters))
		}
	}
	open, err := df.opener(params, set.Spec().Parameters)
	if err != nil {
		return nil, nil, nil, err
	}
	return set, params, open, nil
}

func hasParam(ps []indicator.ParameterSpec, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

func paramNames(ps []indicator.ParameterSpec) string {
	if len(ps) == 0 {
		return "none"
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// printReport prints one line per indicator.
func printReport(w io.Writer, rep *indicator.Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\ttitle\tvalue\tinterval\tnumerator/denominator\terrored\tstatus")
	for _, r := range rep.Indicators {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s/%s\t%d\t%s\n", r.ID, truncate(r.Title, 48), value(r.Type, r.Value, r.Unit),
			interval(r.Estimate), count(r.Numerator), count(r.Denominator), r.Accounting.Errored, orDash(r.Status))
	}
	return tw.Flush()
}

func runExplain(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "explain", "--set FILE --data DATA (--record ID | --index N) --indicator ID [flags]",
		"Evaluates one indicator for one record and prints the populations the record is in, the\n"+
			"value of every criterion (and whether the population rules consulted it) and of every\n"+
			"definition. --record is the value of the schema's id field (or #N for the record at\n"+
			"0-based index N); --index is the 0-based index.")
	setFile := fs.String("set", "", "the indicator set (YAML)")
	record := fs.String("record", "", "the record's id field value, or #N for index N")
	index := fs.Int64("index", -1, "the record's 0-based index in the data")
	id := fs.String("indicator", "", "the indicator to explain")
	format := fs.String("format", "text", "output format: text or json")
	var df dataFlags
	df.register(fs, false)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *format != "text" && *format != "json" {
		return e.fail(usagef("explain: unknown --format %q (want text or json)", *format))
	}
	if *setFile == "" || *id == "" || fs.NArg() > 0 || (*record == "") == (*index < 0) {
		e.errorf("explain: --set, --data, --indicator and one of --record or --index are required")
		fs.Usage()
		return exitUsage
	}
	if n, ok := strings.CutPrefix(*record, "#"); ok {
		i, err := strconv.ParseInt(n, 10, 64)
		if err != nil || i < 0 {
			return e.fail(usagef("explain: --record %s: want #N with N a 0-based index", *record))
		}
		*index, *record = i, ""
	}
	set, params, open, err := loadSetAndData(*setFile, &df)
	if err != nil {
		return e.fail(err)
	}
	if _, ok := indicatorSpec(set, *id); !ok {
		return e.fail(usagef("explain: the set %s has no indicator %q", *setFile, *id))
	}
	if *record != "" {
		*index, err = findRecord(ctx, set, open, params, *record)
		if err != nil {
			return e.fail(err)
		}
	}
	ds, err := open(set.Schema())
	if err != nil {
		return e.fail(err)
	}
	defer ds.close()
	ex, err := set.Explain(ctx, ds.src, *index, *id, indicator.WithParams(params))
	if errors.Is(err, indicator.ErrNoRecord) {
		return e.fail(fmt.Errorf("%s has no record at index %d", ds.what, *index))
	}
	if err != nil {
		return e.fail(err)
	}
	if *format == "json" {
		err = writeJSON(e.stdout, ex)
	} else {
		err = printExplanation(e.stdout, ex, *record)
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

func indicatorSpec(set *indicator.Set, id string) (*indicator.IndicatorSpec, bool) {
	for i := range set.Spec().Indicators {
		if set.Spec().Indicators[i].ID == id {
			return &set.Spec().Indicators[i], true
		}
	}
	return nil, false
}

// recordIDDefinition is the definition findRecord adds to read the id field.
const recordIDDefinition = "hpi_cli_record_id"

// findRecord returns the index of the record whose id field is id, by
// evaluating a definition that reads the field over the data.
func findRecord(ctx context.Context, set *indicator.Set, open opener, params map[string]any, id string) (int64, error) {
	fi := set.Schema().FieldIndex("id")
	if fi < 0 {
		return 0, usagef("explain: the schema has no id field: give --index N or --record #N")
	}
	if k := set.Schema().Fields[fi].Kind; k == indicator.KindList || k == indicator.KindEvents {
		return 0, usagef("explain: the id field is a list: give --index N or --record #N")
	}
	spec := *set.Spec()
	spec.Definitions = append(append([]indicator.DefinitionSpec(nil), spec.Definitions...),
		indicator.DefinitionSpec{Name: recordIDDefinition, Expr: indicator.Expr{Text: "id"}})
	withID, err := indicator.Compile(&spec)
	if err != nil {
		return 0, fmt.Errorf("explain: reading the id field: %w", err)
	}
	ds, err := open(set.Schema())
	if err != nil {
		return 0, err
	}
	defer ds.close()
	errFound := errors.New("found")
	found := int64(-1)
	err = withID.EvaluateDefinitions(ctx, ds.src, []string{recordIDDefinition}, func(i int64, values []any) error {
		if values[0] != nil && fmt.Sprint(values[0]) == id {
			found = i
			return errFound
		}
		return nil
	}, indicator.WithParams(params))
	if err != nil && !errors.Is(err, errFound) {
		return 0, err
	}
	if found < 0 {
		return 0, fmt.Errorf("%s has no record with id %q", ds.what, id)
	}
	return found, nil
}

func printExplanation(w io.Writer, ex *indicator.Explanation, id string) error {
	who := fmt.Sprintf("record %d", ex.Record)
	if id != "" {
		who = fmt.Sprintf("record %q (index %d)", id, ex.Record)
	}
	fmt.Fprintf(w, "%s, indicator %s: included=%t\n", who, ex.Indicator, ex.Included)
	if ex.Error != "" {
		fmt.Fprintf(w, "errored in %s: %s\n", orDash(ex.Field), ex.Error)
	}
	p := ex.Populations
	fmt.Fprintln(w, "\npopulations:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range []struct {
		name string
		in   bool
	}{
		{"initial_population", p.InitialPopulation},
		{"denominator", p.Denominator},
		{"denominator_exclusion", p.DenominatorExclusion},
		{"denominator_exception", p.DenominatorException},
		{"numerator", p.Numerator},
		{"numerator_exclusion", p.NumeratorExclusion},
	} {
		fmt.Fprintf(tw, "  %s\t%t\n", row.name, row.in)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\ncriteria:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  criterion\tvalue\tconsulted\texpression")
	for _, c := range ex.Criteria {
		consulted := "no"
		if c.Consulted {
			consulted = "yes"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Name, explained(c), consulted, oneLine(c.Expression))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(ex.Definitions) > 0 {
		fmt.Fprintln(w, "\ndefinitions:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, d := range ex.Definitions {
			fmt.Fprintf(tw, "  %s\t%s\n", d.Name, explained(d))
		}
		return tw.Flush()
	}
	return nil
}

// explained formats an explained value, or its error.
func explained(v indicator.ExplainedValue) string {
	if v.Error != "" {
		return "error: " + oneLine(v.Error)
	}
	switch x := v.Value.(type) {
	case nil:
		return "null"
	case time.Time:
		return x.Format(time.RFC3339)
	case string:
		return strconv.Quote(x)
	case []any:
		if len(x) > 10 {
			return fmt.Sprintf("[%d elements]", len(x))
		}
	}
	return truncate(fmt.Sprint(v.Value), 60)
}

// progress shows records read and records/s on a terminal, at most ten
// times a second, from the goroutine that reads the source.
type progress struct {
	mu    sync.Mutex
	w     io.Writer // nil when stderr is not a terminal
	start time.Time
	last  time.Time
	shown bool
}

// newProgress returns a progress display on stderr when stderr is a
// terminal, else one that shows nothing.
func newProgress(stderr io.Writer) *progress {
	p := &progress{start: time.Now()}
	if f, ok := stderr.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			p.w = stderr
		}
	}
	return p
}

func (p *progress) option() indicator.EvalOption {
	return indicator.WithProgress(p.update)
}

func (p *progress) update(read int64) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	rate := float64(read) / now.Sub(p.start).Seconds()
	fmt.Fprintf(p.w, "\r\033[K%s records read, %s records/s", thousands(float64(read)), thousands(rate))
	p.shown = true
}

// done clears the progress line.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

// thousands formats a count with thousands separators.
func thousands(x float64) string {
	s := strconv.FormatInt(int64(math.Round(x)), 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// value formats an indicator value: counts as integers, others to one
// decimal, with a % unit.
func value(t indicator.Type, f indicator.Float, unit string) string {
	if t == indicator.Count {
		return count(f)
	}
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "-"
	}
	if unit == "%" {
		return fmt.Sprintf("%.1f%%", x)
	}
	return fmt.Sprintf("%.2f", x)
}

// count formats a numerator or denominator: whole numbers without decimals.
func count(f indicator.Float) string {
	x := float64(f)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "-"
	case x == math.Trunc(x):
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.1f", x)
}

func interval(e indicator.Estimate) string {
	lo, hi := float64(e.Lower), float64(e.Upper)
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return "-"
	}
	return fmt.Sprintf("%.1f to %.1f", lo, hi)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orID(title, id string) string {
	if title == "" {
		return id
	}
	return title
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
