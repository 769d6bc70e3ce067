package logicmodel_test

import (
	"context"
	"github.com/openhpi/hpi/internal/testenv"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMermaid_RealParser parses every Mermaid golden file with the real
// Mermaid parser (mermaid.parse under jsdom, testdata/node/check.mjs). It
// needs Node and the harness's packages:
//
//	npm ci --prefix logicmodel/testdata/node
//
// and skips, saying so, when either is missing.
func TestMermaid_RealParser(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node not found; install Node.js and run: npm ci --prefix logicmodel/testdata/node")
	}
	dir := filepath.Join("testdata", "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mermaid", "package.json")); err != nil {
		testenv.Missing(t, "Mermaid harness not installed; run: npm ci --prefix logicmodel/testdata/node")
	}
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.mmd"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	// A file the parser must reject, so that a harness that accepts
	// everything cannot pass.
	bad := filepath.Join(t.TempDir(), "bad.mmd")
	require.NoError(t, os.WriteFile(bad, []byte("flowchart LR\n  a[\"unclosed\n  a --> \n"), 0o644))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	abs := make([]string, 0, len(files))
	for _, f := range files {
		a, err := filepath.Abs(f)
		require.NoError(t, err)
		abs = append(abs, a)
	}
	cmd := exec.CommandContext(ctx, node, append([]string{"check.mjs"}, abs...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "mermaid rejected a golden file:\n%s", out)
	t.Logf("%s", out)

	cmd = exec.CommandContext(ctx, node, "check.mjs", bad)
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	require.Error(t, err, "the harness accepted invalid Mermaid:\n%s", out)
	require.Contains(t, string(out), "FAIL")
}
