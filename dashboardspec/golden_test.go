package dashboardspec

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", filepath.FromSlash(name))
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./dashboardspec -run Golden -update to create it")
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./dashboardspec -run Golden -update rewrites it)\n%s", path, firstDiff(got, want))
	}
}

func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n got: " + a + "\nwant: " + b
		}
	}
	return ""
}

func itoa(i int) string { return formatNumber(float64(i)) }

func sample(t testing.TB) *Dashboard {
	t.Helper()
	data, err := os.ReadFile("testdata/sample.yaml")
	require.NoError(t, err)
	d, err := Parse(data)
	require.NoError(t, err)
	require.NoError(t, d.Validate())
	return d
}

// emitAll runs every emitter on d and returns the outputs by golden name.
func emitAll(t testing.TB, d *Dashboard, prefix string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	b, err := Marshal(d)
	require.NoError(t, err)
	out[prefix+".json"] = b
	var y bytes.Buffer
	require.NoError(t, EncodeYAML(&y, d))
	out[prefix+".yaml"] = y.Bytes()
	var h bytes.Buffer
	require.NoError(t, HTML(&h, d))
	out[prefix+".html"] = h.Bytes()
	specs, err := VegaLite(d)
	require.NoError(t, err)
	for _, s := range specs {
		out[prefix+"-vega/"+s.Panel+".vl.json"] = s.Spec
	}
	p, warns, err := Perses(d, map[string]Query{"HBA1C": {Kind: "SQLTimeSeriesQuery", Datasource: "SQLDatasource", DatasourceName: "warehouse", Expression: "SELECT period, value FROM hba1c"},
		"STATIN": {Datasource: "PrometheusDatasource", Expression: `hpi_indicator_value{id="STATIN"}`}})
	require.NoError(t, err)
	out[prefix+".perses.json"] = p
	var wl strings.Builder
	for _, w := range warns {
		wl.WriteString(w.String() + "\n")
	}
	out[prefix+".perses-warnings.txt"] = []byte(wl.String())
	return out
}

func TestGolden_Sample(t *testing.T) {
	for name, got := range emitAll(t, sample(t), "sample") {
		golden(t, name, got)
	}
}

func TestGolden_Report(t *testing.T) {
	for name, got := range emitAll(t, buildTest(t), "report") {
		if strings.HasSuffix(name, ".json") && !strings.Contains(name, "/") || strings.HasSuffix(name, ".txt") {
			golden(t, name, got) // the HTML and specs of the report are checked for determinism below, not stored
		}
	}
}

// TestEmitters_Deterministic builds and emits twice: the bytes are equal,
// whatever the order Go iterates maps in.
func TestEmitters_Deterministic(t *testing.T) {
	a, b := emitAll(t, buildTest(t), "r"), emitAll(t, buildTest(t), "r")
	require.Equal(t, len(a), len(b))
	for k := range a {
		assert.True(t, bytes.Equal(a[k], b[k]), "%s differs between two runs", k)
	}
	s1, s2 := emitAll(t, sample(t), "s"), emitAll(t, sample(t), "s")
	for k := range s1 {
		assert.True(t, bytes.Equal(s1[k], s2[k]), "%s differs between two runs", k)
	}
}

// TestEncode_RoundTrips: JSON and YAML decode to the same document.
func TestEncode_RoundTrips(t *testing.T) {
	d := sample(t)
	j, err := Marshal(d)
	require.NoError(t, err)
	var y bytes.Buffer
	require.NoError(t, EncodeYAML(&y, d))
	fromJSON, err := Parse(j)
	require.NoError(t, err)
	fromYAML, err := Decode(&y)
	require.NoError(t, err)
	j2, err := Marshal(fromJSON)
	require.NoError(t, err)
	y2, err := Marshal(fromYAML)
	require.NoError(t, err)
	assert.Equal(t, string(j), string(j2))
	assert.Equal(t, string(j), string(y2))
}
