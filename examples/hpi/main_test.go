package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openhpi/hpi/dashboardspec"
	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/source"
)

// hpiBinary is the command built once by TestMain; root is the module root,
// the directory the tests run it in so that paths read as in the README.
var hpiBinary, root string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "hpi-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	hpiBinary = filepath.Join(dir, "hpi")
	if out, err := exec.Command("go", "build", "-o", hpiBinary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		return 1
	}
	if root, err = filepath.Abs(filepath.Join("..", "..")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// hpi runs the built command in the module root and returns its stdout,
// stderr and exit code.
func hpi(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runBinary(t, hpiBinary, args...)
}

func runBinary(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = root
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("hpi %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), code
}

// exampleFiles are every YAML example of the module, of every kind.
func exampleFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{
		"examples/*/*.yaml", "examples/*/sets/*.yaml", "framework/templates/*.yaml",
		"schemas/testdata/valid/*.yaml", "dashboardspec/testdata/sample.yaml",
	} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			rel, _ := filepath.Rel(root, f)
			files = append(files, rel)
		}
	}
	if len(files) < 20 {
		t.Fatalf("found only %d example files", len(files))
	}
	return files
}

func TestLint_ExamplesAreClean(t *testing.T) {
	t.Parallel()
	for _, file := range exampleFiles(t) {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := hpi(t, "lint", file)
			if code != 0 || stdout != "" || stderr != "" {
				t.Errorf("exit %d, want 0 and no output\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
		})
	}
}

// threeMistakes has an unknown key, a CEL type error and an unknown
// indicator type: the first is found when parsing and would hide the
// others from a single load.
const threeMistakes = `id: bad
schema:
  unit: patient
  fields:
    age: int
    sex: string
indicators:
  - id: A
    type: proportion
    titel: a typo
    initial_population: age >= 18
    numerator: sex + 1
  - id: B
    type: proportoin
    numerator: age > 3
`

func TestLint_ReportsEveryMistakeWithPositions(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(file, []byte(threeMistakes), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := hpi(t, "lint", file)
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstderr: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(lines), stdout)
	}
	positioned := regexp.MustCompile(`^` + regexp.QuoteMeta(file) + `:(\d+):(\d+): `)
	want := []struct {
		line    string
		message string
	}{
		{"10", `indicator A: unknown key "titel"`},
		{"12", `indicator A numerator: found no matching overload for '_+_' applied to '(string, int)'`},
		{"", `indicator B type: unknown type "proportoin"`},
	}
	for i, w := range want {
		m := positioned.FindStringSubmatch(lines[i])
		if m == nil {
			t.Errorf("line %d has no file:line:column: %s", i, lines[i])
			continue
		}
		if w.line != "" && m[1] != w.line {
			t.Errorf("line %d at line %s, want %s: %s", i, m[1], w.line, lines[i])
		}
		if !strings.Contains(lines[i], w.message) {
			t.Errorf("line %d = %s\nwant it to contain %s", i, lines[i], w.message)
		}
	}

	stdout, _, code = hpi(t, "lint", "--format", "json", file)
	if code != 1 {
		t.Errorf("--format json: exit %d, want 1", code)
	}
	var ds []diagnostic
	if err := json.Unmarshal([]byte(stdout), &ds); err != nil {
		t.Fatalf("--format json: %v\n%s", err, stdout)
	}
	if len(ds) != 3 {
		t.Fatalf("--format json: %d diagnostics, want 3", len(ds))
	}
	for _, d := range ds {
		if d.File != file || d.Line == 0 || d.Column == 0 || d.Severity != "error" || d.Kind != kindIndicatorSet || d.Message == "" {
			t.Errorf("diagnostic %+v lacks a field", d)
		}
	}
}

func TestLint_EveryKind(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name, content, kind, message string
		code                         int
	}{
		{"risk.yaml", "id: r\ninputs: {age: int}\ncomponents:\n  A: {when: age > 1, points: 1}\n  B: {when: agee > 1, points: 1}\n",
			kindRiskModel, "agee", 1},
		{"framework.yaml", "id: f\nextends: oecd-hcqi\nattach:\n  nosuchnode: [X]\n", kindFramework, "nosuchnode", 1},
		{"logic.yaml", "id: l\nelements:\n  - {id: a, column: activities, text: A}\n  - {id: b, column: impact, text: B}\nlinks:\n  - {from: a, to: c}\n",
			kindLogicModel, `dangling-link`, 1},
		{"mapping.yaml", "patient:\n  id: id\n  sex: gendr\n", kindFHIRMapping, "gendr", 1},
		{"dash.json", `{"apiVersion": "dashboardspec/v1", "id": "d", "title": "D", "colour": 1}`, kindDashboard, "colour", 1},
		{"modeline.yaml", "# yaml-language-server: $schema=../schemas/logic-model.schema.json\nid: l\nlayout: kellogg\n", kindLogicModel, "", 1},
		{"unknown.yaml", "hello: world\n", "", "cannot tell", 1},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := hpi(t, "lint", "--format", "json", path)
		if code != tt.code {
			t.Errorf("%s: exit %d, want %d\n%s%s", tt.name, code, tt.code, stdout, stderr)
		}
		var ds []diagnostic
		if err := json.Unmarshal([]byte(stdout), &ds); err != nil {
			t.Errorf("%s: %v\n%s", tt.name, err, stdout)
			continue
		}
		if len(ds) == 0 {
			t.Errorf("%s: no diagnostics", tt.name)
			continue
		}
		if ds[0].Kind != tt.kind || !strings.Contains(stdout, tt.message) {
			t.Errorf("%s: kind %q, want %q, and a message with %q:\n%s", tt.name, ds[0].Kind, tt.kind, tt.message, stdout)
		}
	}
}

func TestLint_LogicModelWarningsFailOnlyWhenStrict(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "warn.yaml")
	model := "id: w\nelements:\n  - {id: a, column: activities, text: A}\n  - {id: o, column: outputs, text: O}\n" +
		"  - {id: i, column: impact, text: I, verification: [survey]}\n" +
		"links:\n  - {from: a, to: o, assumptions: [A1]}\n  - {from: o, to: i, assumptions: [A1]}\n" +
		"assumptions:\n  - {id: A1, text: People come, killer: true}\n"
	if err := os.WriteFile(file, []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _, code := hpi(t, "lint", file)
	if code != 0 || !strings.Contains(stdout, "warning: ") {
		t.Errorf("exit %d, want 0 with warnings:\n%s", code, stdout)
	}
	if _, _, code := hpi(t, "lint", "--strict", file); code != 1 {
		t.Errorf("--strict: exit %d, want 1", code)
	}
}

func TestEval_QuickstartFormats(t *testing.T) {
	t.Parallel()
	set, err := indicator.LoadFile(filepath.Join(root, "examples/quickstart/quickstart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"eval", "--set", "examples/quickstart/quickstart.yaml", "--data", "synth:2000", "--format"}
	t.Run("table", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := hpi(t, append(args, "table")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, ind := range set.Spec().Indicators {
			if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(ind.ID) + ` `).MatchString(stdout) {
				t.Errorf("table lacks a row for %s:\n%s", ind.ID, stdout)
			}
		}
		if stderr != "" {
			t.Errorf("stderr not empty (no progress off a terminal): %q", stderr)
		}
	})
	t.Run("json", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := hpi(t, append(args, "json")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var rep indicator.Report
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Read != 2000 || len(rep.Indicators) != len(set.Spec().Indicators) || rep.SetID != "quickstart" {
			t.Errorf("report of %s: %d records, %d indicators", rep.SetID, rep.Read, len(rep.Indicators))
		}
	})
	t.Run("csv", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := hpi(t, append(args, "csv")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 1+len(set.Spec().Indicators) || rows[0][0] != "indicator" || !slices.Contains(rows[0], "value") {
			t.Errorf("csv has %d rows, header %v", len(rows), rows[0])
		}
	})
	t.Run("measurereport", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := hpi(t, append(args, "measurereport", "--param", "period_end=2025-03-31")...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var bundle struct {
			ResourceType string `json:"resourceType"`
			Type         string `json:"type"`
			Entry        []struct {
				Resource struct {
					ResourceType string `json:"resourceType"`
					Period       struct{ Start, End string }
				} `json:"resource"`
			} `json:"entry"`
		}
		if err := json.Unmarshal([]byte(stdout), &bundle); err != nil {
			t.Fatal(err)
		}
		if bundle.ResourceType != "Bundle" || len(bundle.Entry) != len(set.Spec().Indicators) {
			t.Fatalf("a %s with %d entries, want a Bundle with %d", bundle.ResourceType, len(bundle.Entry), len(set.Spec().Indicators))
		}
		r := bundle.Entry[0].Resource
		if r.ResourceType != "MeasureReport" || r.Period.Start != "2024-04-01" || r.Period.End != "2025-03-31" {
			t.Errorf("first entry %+v", r)
		}
	})
}

func TestEval_FHIR(t *testing.T) {
	t.Parallel()
	// The report the library gives for the example, as examples/fhir reads it.
	set, err := indicator.LoadFile(filepath.Join(root, "examples/fhir/indicators.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := source.FHIRDir(set.Schema(), os.DirFS(filepath.Join(root, "examples/fhir/data")),
		source.WithReferenceDate(time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)))
	want, err := set.Evaluate(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := hpi(t, "eval", "--set", "examples/fhir/indicators.yaml", "--data", "examples/fhir/data",
		"--ref-date", "2021-12-31", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got indicator.Report
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Read != want.Read || len(got.Indicators) != len(want.Indicators) {
		t.Fatalf("read %d records, %d indicators; want %d, %d", got.Read, len(got.Indicators), want.Read, len(want.Indicators))
	}
	for i, w := range want.Indicators {
		g := got.Indicators[i]
		if g.ID != w.ID || g.Numerator != w.Numerator || g.Denominator != w.Denominator {
			t.Errorf("%s: %v/%v, want %s: %v/%v", g.ID, g.Numerator, g.Denominator, w.ID, w.Numerator, w.Denominator)
		}
	}
	// The Patient file alone is FHIR NDJSON (it holds resources), not JSON Lines.
	_, stderr, code = hpi(t, "eval", "--set", "examples/fhir/indicators.yaml", "--data", "examples/fhir/data/Patient.ndjson")
	if code != 0 {
		t.Errorf("Patient.ndjson: exit %d: %s", code, stderr)
	}
}

func TestExplain_FHIRPatient(t *testing.T) {
	t.Parallel()
	args := []string{"explain", "--set", "examples/fhir/indicators.yaml", "--data", "examples/fhir/data",
		"--indicator", "DM-HBA1C-TESTED"}
	stdout, stderr, code := hpi(t, append(args, "--record", "p1", "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ex indicator.Explanation
	if err := json.Unmarshal([]byte(stdout), &ex); err != nil {
		t.Fatal(err)
	}
	if ex.Record != 0 || ex.Indicator != "DM-HBA1C-TESTED" || !ex.Populations.Numerator || len(ex.Criteria) == 0 {
		t.Errorf("explanation %+v: want record 0 (p1) in the numerator", ex)
	}

	stdout, stderr, code = hpi(t, append(args, "--record", "p1")...)
	if code != 0 {
		t.Fatalf("text: exit %d: %s", code, stderr)
	}
	for _, s := range []string{`record "p1" (index 0)`, "numerator", "initial_population", "has_diabetes", "consulted"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("text lacks %q:\n%s", s, stdout)
		}
	}
	if _, stderr, code := hpi(t, append(args, "--record", "#1")...); code != 0 {
		t.Errorf("--record #1: exit %d: %s", code, stderr)
	}
	if _, stderr, code := hpi(t, append(args, "--record", "nobody")...); code != 1 || !strings.Contains(stderr, `no record with id "nobody"`) {
		t.Errorf("unknown id: exit %d, stderr %q", code, stderr)
	}
}

func TestDashboard_Framework(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	stdout, stderr, code := hpi(t, "dashboard", "--framework", "examples/framework/framework.yaml", "--data", "synth:2000",
		"--out", out, "--area", "practice")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "dashboard.json") {
		t.Errorf("stdout: %s", stdout)
	}
	f, err := os.Open(filepath.Join(out, "dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := dashboardspec.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
	html, err := os.ReadFile(filepath.Join(out, "dashboard.html"))
	if err != nil || !bytes.Contains(html, []byte("<html")) {
		t.Errorf("dashboard.html: %v", err)
	}
	specs, _ := filepath.Glob(filepath.Join(out, "vega", "*.vl.json"))
	if len(specs) == 0 {
		t.Fatal("no Vega-Lite specs")
	}
	for _, s := range specs {
		b, err := os.ReadFile(s)
		var v struct {
			Schema string `json:"$schema"`
		}
		if err != nil || json.Unmarshal(b, &v) != nil || v.Schema != dashboardspec.VegaLiteSchema {
			t.Errorf("%s is not a Vega-Lite spec", s)
		}
	}
}

// cha2ds2vasc is the published CHA2DS2-VASc table (Lip et al., Chest
// 2010;137:263-272, Table 1), written out here independently of the
// model's YAML.
func cha2ds2vasc(age int, female, chf, hypertension, diabetes, stroke, vascular bool) int {
	score := 0
	for _, p := range []struct {
		holds  bool
		points int
	}{
		{chf, 1}, {hypertension, 1}, {age >= 75, 2}, {diabetes, 1}, {stroke, 2}, {vascular, 1},
		{age >= 65 && age < 75, 1}, {female, 1},
	} {
		if p.holds {
			score += p.points
		}
	}
	return score
}

func TestRisk_CHA2DS2VASc(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("age,sex,chf,hypertension,diabetes,stroke_tia_te,vascular_disease\n")
	want := map[string]int{}
	rows := 0
	for _, age := range []int{40, 64, 65, 74, 75, 91} {
		for _, female := range []bool{false, true} {
			for mask := range 32 {
				bit := func(i int) bool { return mask&(1<<i) != 0 }
				sex := "male"
				if female {
					sex = "female"
				}
				// Only some combinations, so that the counts are not symmetric.
				if mask%3 == 2 && age != 91 {
					continue
				}
				fmt.Fprintf(&b, "%d,%s,%t,%t,%t,%t,%t\n", age, sex, bit(0), bit(1), bit(2), bit(3), bit(4))
				switch s := cha2ds2vasc(age, female, bit(0), bit(1), bit(2), bit(3), bit(4)); {
				case s == 0:
					want["low"]++
				case s == 1:
					want["intermediate"]++
				default:
					want["high"]++
				}
				rows++
			}
		}
	}
	data := filepath.Join(dir, "af.csv")
	if err := os.WriteFile(data, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	scores := filepath.Join(dir, "scores.csv")
	stdout, stderr, code := hpi(t, "risk", "--model", "examples/riskmodels/cha2ds2-vasc.yaml", "--data", data, "--scores", scores)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^(low|intermediate|high)\s+(\d+)\s`).FindAllStringSubmatch(stdout, -1) {
		var n int
		fmt.Sscan(m[2], &n)
		got[m[1]] = n
	}
	for _, tier := range []string{"low", "intermediate", "high"} {
		if got[tier] != want[tier] {
			t.Errorf("tier %s: %d records, want %d (from the published table)\n%s", tier, got[tier], want[tier], stdout)
		}
	}
	if !strings.Contains(stdout, fmt.Sprintf("%d scored, 0 errored", rows)) {
		t.Errorf("want %d scored:\n%s", rows, stdout)
	}
	f, err := os.Open(scores)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != rows+1 || !slices.Equal(recs[0][:3], []string{"record", "score", "tier"}) {
		t.Errorf("scores: %d rows, header %v; want %d rows", len(recs), recs[0], rows+1)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := [][]string{
		{},
		{"nosuchcommand"},
		{"eval", "--bogus"},
		{"eval", "--set", "examples/quickstart/quickstart.yaml"},
		{"eval", "--set", "examples/quickstart/quickstart.yaml", "--data", "synth:10", "--format", "xml"},
		{"eval", "--set", "examples/quickstart/quickstart.yaml", "--data", "synth:many"},
		{"eval", "--set", "examples/quickstart/quickstart.yaml", "--data", "synth:10", "--param", "nosuch=1"},
		{"explain", "--set", "examples/fhir/indicators.yaml", "--data", "examples/fhir/data"},
		{"lint"},
		{"lint", "--format", "xml", "examples/quickstart/quickstart.yaml"},
		{"risk", "--model", "examples/riskmodels/lace.yaml", "--data", "synth:10"},
		{"schema", "nosuchkind"},
	}
	for _, args := range tests {
		_, stderr, code := hpi(t, args...)
		if code != 2 {
			t.Errorf("hpi %s: exit %d, want 2\n%s", strings.Join(args, " "), code, stderr)
		}
	}
	// Problems with the data are not usage errors.
	_, stderr, code := hpi(t, "eval", "--set", "examples/quickstart/quickstart.yaml", "--data", "examples/quickstart/main.go")
	if code != 1 || !strings.Contains(stderr, "examples/quickstart/main.go") || !strings.Contains(stderr, "want a .csv") {
		t.Errorf("unknown data file: exit %d, stderr %q", code, stderr)
	}
}

func TestHelpSchemaVersion(t *testing.T) {
	t.Parallel()
	stdout, _, code := hpi(t, "help")
	if code != 0 {
		t.Errorf("help: exit %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(stdout, "  "+c.name+" ") {
			t.Errorf("help lacks %s:\n%s", c.name, stdout)
		}
		if c.run == nil {
			continue
		}
		if _, stderr, code := hpi(t, c.name, "-h"); code != 0 || !strings.Contains(stderr, "Usage: hpi "+c.name) {
			t.Errorf("%s -h: exit %d\n%s", c.name, code, stderr)
		}
	}
	for _, kind := range schemaKinds() {
		stdout, _, code := hpi(t, "schema", kind)
		var v map[string]any
		if code != 0 || json.Unmarshal([]byte(stdout), &v) != nil {
			t.Errorf("schema %s: exit %d, not JSON", kind, code)
		}
	}
	if stdout, _, code := hpi(t, "version"); code != 0 || !strings.HasPrefix(stdout, "hpi ") {
		t.Errorf("version: exit %d: %q", code, stdout)
	}
}

// TestInstall checks the acceptance path: go install into an empty GOBIN,
// then the quickstart from a fresh clone (no data file: synthetic patients).
func TestInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command again")
	}
	t.Parallel()
	gobin := t.TempDir()
	cmd := exec.Command("go", "install", "./examples/hpi")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	bin := filepath.Join(gobin, "hpi")
	if _, err := os.Stat(bin); err != nil {
		bin += ".exe"
	}
	stdout, stderr, code := runBinary(t, bin, "eval", "--set", "examples/quickstart/quickstart.yaml", "--data", "synth:1000")
	if code != 0 || !strings.Contains(stdout, "DM-HBA1C") {
		t.Errorf("installed hpi eval: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestDetectKind(t *testing.T) {
	t.Parallel()
	tests := []struct{ content, kind string }{
		{"# yaml-language-server: $schema=../../schemas/risk-model.schema.json\nid: x\n", kindRiskModel},
		{"# a comment\n# yaml-language-server: $schema=https://openhpi.github.io/hpi/schemas/framework.schema.json\nid: x\n", kindFramework},
		{"# yaml-language-server: $schema=../dashboardspec/schema/dashboardspec-v1.schema.json\nid: x\n", kindDashboard},
		{"id: x\nindicators: []\n", kindIndicatorSet},
		{"id: x\nschema: {unit: patient}\n", kindIndicatorSet},
		{"id: x\ninputs: {}\n", kindRiskModel},
		{"id: x\nsegments: []\n", kindRiskModel},
		{"id: x\nextends: oecd-hcqi\n", kindFramework},
		{"id: x\nindicator_sets: []\n", kindFramework},
		{"id: x\nelements: []\nlayout: kellogg\n", kindLogicModel},
		{"apiVersion: dashboardspec/v1\nid: x\n", kindDashboard},
		{`{"apiVersion": "dashboardspec/v1"}`, kindDashboard},
		{"reference_date: 2024-01-01\npatient: {id: id}\n", kindFHIRMapping},
	}
	for _, tt := range tests {
		got, err := detectKind([]byte(tt.content))
		if err != nil || got != tt.kind {
			t.Errorf("detectKind(%q) = %q, %v; want %q", tt.content, got, err, tt.kind)
		}
	}
}

func TestBlankUnknownKeysKeepsPositions(t *testing.T) {
	t.Parallel()
	src := "a:\n  - titel: x\n    id: 1\n  - id: 2\n    extra:\n      - deep\n    more: 3\nb: 4\n"
	ds := indicator.Diagnostics{
		{Pos: indicator.Position{File: "f", Line: 2, Column: 5}, Message: `unknown key "titel"`},
		{Pos: indicator.Position{File: "f", Line: 5, Column: 5}, Message: `unknown key "extra"`},
	}
	got, changed := blankUnknownKeys([]byte(src), "f", ds)
	if !changed {
		t.Fatal("nothing changed")
	}
	want := "a:\n  -         \n    id: 1\n  - id: 2\n          \n            \n    more: 3\nb: 4\n"
	if string(got) != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}
