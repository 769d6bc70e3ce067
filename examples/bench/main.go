// Command bench runs hpi's performance benchmarks beside their hand-written
// Go baselines and prints the table of ratios that README's Performance
// section reports:
//
//	go run ./examples/bench              # 1,000,000 records, 3 runs of each
//	go run ./examples/bench -n 200000 -count 5
//
// Each benchmark evaluates the same data both ways in one process; the
// ratio is the median hpi time over the median hand-written time, so that
// a noisy machine moves both sides alike.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// suite is one go test invocation: a package and its benchmarks, with the
// sub-benchmark names of the two sides.
type suite struct {
	pkg, bench, title, engine, baseline string
}

var suites = []suite{
	{"./indicator/", "^BenchmarkPredicate$", "one predicate, 1 worker vs 1 goroutine", "hpi", "handwritten"},
	{"./indicator/", "^BenchmarkQuickstart$", "quickstart set, 2 workers vs 2 goroutines", "hpi", "handwritten"},
	{"./stratify/", "^BenchmarkCHA2DS2VASc$", "CHA2DS2-VASc counted by score, 1 worker vs 1 goroutine", "engine", "handwritten"},
	{"./indicator/", "^BenchmarkWorkers$", "quickstart set, 1 worker vs 2 workers", "1", "2"},
}

func main() {
	n := flag.Int("n", 1_000_000, "records per benchmark (HPI_BENCH_N)")
	count := flag.Int("count", 3, "runs of each benchmark")
	flag.Parse()
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "benchmark (%d records)\tfirst side\tsecond side\tratio\n", *n)
	for _, s := range suites {
		cmd := exec.Command("go", "test", "-run", "^$", "-bench", s.bench, "-benchtime", "3x", "-count", strconv.Itoa(*count), s.pkg)
		cmd.Env = append(os.Environ(), "HPI_BENCH_N="+strconv.Itoa(*n))
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s %s: %v\n%s", s.pkg, s.bench, err, out)
			os.Exit(1)
		}
		times := parse(strings.NewReader(string(out)))
		a, b := times[s.engine], times[s.baseline]
		if len(a) == 0 || len(b) == 0 {
			fmt.Fprintf(os.Stderr, "bench: no %s or %s results in:\n%s", s.engine, s.baseline, out)
			os.Exit(1)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f×\n", s.title, span(a), span(b), median(a)/median(b))
	}
	tw.Flush()
}

// line matches a benchmark result: its sub-benchmark name and ns/op.
var line = regexp.MustCompile(`^Benchmark[^/\s]+/(\S+?)(?:-\d+)?\s+\d+\s+([0-9.]+) ns/op`)

// parse returns the ns/op of each sub-benchmark in go test's output.
func parse(r io.Reader) map[string][]float64 {
	out := map[string][]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if ns, err := strconv.ParseFloat(m[2], 64); err == nil {
			out[m[1]] = append(out[m[1]], ns)
		}
	}
	return out
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// span formats the fastest and slowest run in milliseconds.
func span(xs []float64) string {
	return fmt.Sprintf("%.1f–%.1f ms", slices.Min(xs)/1e6, slices.Max(xs)/1e6)
}
