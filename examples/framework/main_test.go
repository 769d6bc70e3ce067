package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.NoError(t, run([]string{"-n", "3000", "-out", dir, "-periods", "3"}, &out))
	text := out.String()
	assert.Contains(t, text, "26 indicators, 3 periods, over 3000 synthetic patients in one pass")
	for _, want := range []string{"Effectiveness", "Diabetes", "DM-HBA1C", "Cost / expenditure", "EMERG-ADM"} {
		assert.Contains(t, text, want)
	}
	data, err := os.ReadFile(filepath.Join(dir, "scorecard.json"))
	require.NoError(t, err)
	var doc struct {
		Framework string `json:"framework"`
		Read      int64  `json:"records_read"`
		Nodes     []struct {
			ID         string            `json:"id"`
			Indicators []json.RawMessage `json:"indicators"`
		} `json:"nodes"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.Equal(t, "primary-care-hcqi", doc.Framework)
	assert.Equal(t, int64(3000), doc.Read)
	refs := 0
	for _, n := range doc.Nodes {
		refs += len(n.Indicators)
	}
	assert.Equal(t, 26, refs)
	html, err := os.ReadFile(filepath.Join(dir, "scorecard-dashboard.html"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(html), "Quality of care"))
}
