package dashboardspec

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"github.com/openhpi/hpi/internal/testenv"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Node harness (testdata/node) pins vega, vega-lite, vega-embed, ajv and
// playwright-core in a lockfile. .ci/run installs it with npm ci; locally:
//
//	npm ci --prefix dashboardspec/testdata/node
//
// The tests below skip, saying so, when node or the harness is missing, and
// the browser test when /usr/bin/chromium (Debian's chromium) is missing.

const harness = "testdata/node"

func needNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node not found: install Node.js 20+ and run `npm ci --prefix dashboardspec/testdata/node` to run the Vega-Lite, JSON Schema and browser checks")
	}
	if _, err := os.Stat(filepath.Join(harness, "node_modules", "vega-lite", "package.json")); err != nil {
		testenv.Missing(t, "the Node harness is not installed: run `npm ci --prefix dashboardspec/testdata/node` (.ci/run does)")
	}
	return node
}

// runNode runs a harness script and returns its JSON lines.
func runNode(t *testing.T, script string, args ...string) ([]map[string]any, error) {
	t.Helper()
	node := needNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	abs, err := filepath.Abs(filepath.Join(harness, script))
	require.NoError(t, err)
	cmd := exec.CommandContext(ctx, node, append([]string{abs}, args...)...)
	cmd.Dir = harness
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	if stderr.Len() > 0 {
		t.Logf("%s stderr:\n%s", script, stderr.String())
	}
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), "line %q", sc.Text())
		lines = append(lines, m)
	}
	return lines, runErr
}

// testDashboards are the dashboards the Node checks run on: the test set's
// and the quickstart's.
func testDashboards(t *testing.T) map[string]*Dashboard {
	return map[string]*Dashboard{"test": buildTest(t), "quickstart": buildQuickstart(t), "sample": sample(t)}
}

// artifactDir is where the checks leave their files: $HPI_ARTIFACTS when set
// (e.g. out/ under the repository), otherwise a temporary directory.
func artifactDir(t *testing.T, name string) string {
	t.Helper()
	if dir := os.Getenv("HPI_ARTIFACTS"); dir != "" {
		d := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(d, 0o755))
		return d
	}
	return t.TempDir()
}

func TestVegaLite_ValidatesCompilesAndRendersSVG(t *testing.T) {
	t.Parallel()
	needNode(t)
	for name, d := range testDashboards(t) {
		dir := artifactDir(t, filepath.Join("vega", name))
		specs, err := VegaLite(d)
		require.NoError(t, err)
		var files []string
		for _, s := range specs {
			f := filepath.Join(dir, s.Panel+".vl.json")
			require.NoError(t, os.WriteFile(f, s.Spec, 0o644))
			files = append(files, f)
		}
		// every chart kind is exercised
		kinds := map[Kind]bool{}
		for _, p := range d.Panels {
			kinds[p.Kind] = true
		}
		lines, err := runNode(t, "vegalite.mjs", append([]string{"--svg"}, files...)...)
		require.Len(t, lines, len(files))
		for _, l := range lines {
			assert.Equal(t, true, l["valid"], "%s: not valid against the Vega-Lite schema: %v", l["file"], l["schemaErrors"])
			assert.Empty(t, l["warnings"], "%s: vega-lite or vega warned", l["file"])
			assert.Nil(t, l["error"], "%s", l["file"])
			assert.Greater(t, l["svgBytes"], 1000.0, "%s: no SVG", l["file"])
		}
		require.NoError(t, err, "vegalite.mjs failed")
		t.Logf("%s: %d Vega-Lite specs valid, compiled and rendered to SVG in %s", name, len(files), dir)
	}
}

// TestVegaLite_Vl2svg runs the vega-lite package's own vl2svg command on
// one spec of each chart kind.
func TestVegaLite_Vl2svg(t *testing.T) {
	t.Parallel()
	node := needNode(t)
	d := buildTest(t)
	specs, err := VegaLite(d)
	require.NoError(t, err)
	dir := artifactDir(t, "vl2svg")
	done := map[Kind]bool{}
	bin, err := filepath.Abs(filepath.Join(harness, "node_modules", "vega-lite", "bin", "vl2svg"))
	require.NoError(t, err)
	for _, s := range specs {
		p, _ := d.Panel(s.Panel)
		if done[p.Kind] {
			continue
		}
		done[p.Kind] = true
		in := filepath.Join(dir, s.Panel+".vl.json")
		out := filepath.Join(dir, s.Panel+".svg")
		require.NoError(t, os.WriteFile(in, s.Spec, 0o644))
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, node, bin, in, out)
		msg, err := cmd.CombinedOutput()
		cancel()
		require.NoError(t, err, "vl2svg %s: %s", s.Panel, msg)
		assert.Empty(t, strings.TrimSpace(string(msg)), "vl2svg %s printed warnings", s.Panel)
		svg, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Contains(t, string(svg), "<svg", s.Panel)
	}
	for _, k := range []Kind{KindSPC, KindFunnel, KindCaterpillar, KindBar, KindSpine} {
		assert.True(t, done[k], "no %s panel rendered", k)
	}
}

func TestJSONSchema_ValidatesWithAjv(t *testing.T) {
	t.Parallel()
	needNode(t)
	dir := t.TempDir()
	schema := filepath.Join(dir, "schema.json")
	require.NoError(t, os.WriteFile(schema, JSONSchema(), 0o644))
	files := []string{}
	for name, d := range testDashboards(t) {
		f := filepath.Join(dir, name+".json")
		b, err := Marshal(d)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(f, b, 0o644))
		files = append(files, f)
	}
	sample, err := filepath.Abs(filepath.Join("testdata", "golden", "sample.json"))
	require.NoError(t, err)
	files = append(files, sample)
	lines, err := runNode(t, "schema.mjs", append([]string{schema}, files...)...)
	for _, l := range lines {
		assert.Equal(t, true, l["valid"], "%s: %v", l["file"], l["errors"])
	}
	require.NoError(t, err)
	require.Len(t, lines, len(files))

	// and the schema rejects what it should
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"apiVersion":"dashboardspec/v1","id":"x","title":"t","datasets":[],"panels":[{"id":"p","kind":"pie","title":"t"}],"layout":{"columns":24,"sections":[]},"colour":"red"}`), 0o644))
	lines, err = runNode(t, "schema.mjs", schema, bad)
	require.Error(t, err)
	require.Len(t, lines, 1)
	assert.Equal(t, false, lines[0]["valid"])
}

func TestHTML_RendersInChromium(t *testing.T) {
	t.Parallel()
	needNode(t)
	chromium := "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		testenv.Missing(t, "/usr/bin/chromium not found: install Debian's chromium (apt-get install chromium; .ci/run does) to run the browser test")
	}
	vendor := filepath.Join(harness, "node_modules")
	scripts := map[string]string{
		"/vendor/vega.min.js":       filepath.Join(vendor, "vega", "build", "vega.min.js"),
		"/vendor/vega-lite.min.js":  filepath.Join(vendor, "vega-lite", "build", "vega-lite.min.js"),
		"/vendor/vega-embed.min.js": filepath.Join(vendor, "vega-embed", "build", "vega-embed.min.js"),
	}
	pages := map[string][]byte{}
	for name, d := range testDashboards(t) {
		var buf bytes.Buffer
		require.NoError(t, HTML(&buf, d, WithScriptURLs("/vendor/vega.min.js", "/vendor/vega-lite.min.js", "/vendor/vega-embed.min.js")))
		pages["/"+name+".html"] = buf.Bytes()
	}
	// the offline form: scripts inlined, nothing else served
	var inline [3][]byte
	for i, k := range []string{"/vendor/vega.min.js", "/vendor/vega-lite.min.js", "/vendor/vega-embed.min.js"} {
		b, err := os.ReadFile(scripts[k])
		require.NoError(t, err)
		inline[i] = b
	}
	var buf bytes.Buffer
	require.NoError(t, HTML(&buf, buildTest(t), WithInlineScripts(inline[0], inline[1], inline[2])))
	pages["/inline.html"] = buf.Bytes()

	mux := http.NewServeMux()
	for path, file := range scripts {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript")
			http.ServeFile(w, r, file)
		})
	}
	for path, page := range pages {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(page)
		})
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()

	dir := artifactDir(t, "screenshots")
	for path := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(path, "/"), ".html")
		t.Run(name, func(t *testing.T) {
			shot := filepath.Join(dir, "dashboard-"+name+".png")
			lines, err := runNode(t, "browser.mjs", srv.URL+path, shot, chromium)
			require.Len(t, lines, 1)
			res := lines[0]
			assert.Empty(t, res["consoleErrors"], "console errors")
			assert.Empty(t, res["pageErrors"], "page errors")
			assert.Empty(t, res["failedRequests"], "failed requests")
			assert.Empty(t, res["missing"], "charts without an svg or canvas")
			assert.Greater(t, res["charts"], 0.0)
			assert.Equal(t, res["charts"], res["rendered"])
			require.NoError(t, err, "browser.mjs: %v", res)
			info, err := os.Stat(shot)
			require.NoError(t, err)
			assert.Greater(t, info.Size(), int64(10_000))
			t.Logf("%v charts rendered; screenshot %s", res["rendered"], shot)
		})
	}
}
