package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRun_AccountsForEveryone runs the example on a small population and
// checks structural facts, not numbers: every record is accounted for,
// tiers and segments each sum to the total, and emergency admissions are
// more frequent in more deprived quintiles (negative SII, as quintile 1 is
// the most deprived and SII runs from most to least deprived).
func TestRun_AccountsForEveryone(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.NoError(t, run([]string{"-n", "5000", "-models", "../riskmodels", "-out", dir}, &out))
	raw, err := os.ReadFile(filepath.Join(dir, "stratify.json"))
	require.NoError(t, err)
	var doc struct {
		Report struct {
			Read       int64 `json:"records_read"`
			Indicators []struct {
				ID          string `json:"id"`
				Accounting  struct{ Read, Included, Excluded, Errored int64 }
				Stratifiers []struct {
					ID     string `json:"id"`
					Strata []struct {
						Numerator float64 `json:"numerator"`
					} `json:"strata"`
				} `json:"stratifiers"`
			} `json:"indicators"`
		} `json:"report"`
		Equity struct {
			SII struct{ Value, Lower, Upper float64 } `json:"sii"`
		} `json:"equity"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.EqualValues(t, 5000, doc.Report.Read)
	for _, ind := range doc.Report.Indicators {
		a := ind.Accounting
		require.Equal(t, a.Read, a.Included+a.Excluded+a.Errored, ind.ID)
		if ind.ID != "PEOPLE" {
			continue
		}
		require.Zero(t, a.Errored)
		require.Len(t, ind.Stratifiers, 2)
		for _, s := range ind.Stratifiers {
			total := 0.0
			for _, st := range s.Strata {
				total += st.Numerator
			}
			require.EqualValues(t, a.Included, total, s.ID)
		}
	}
	require.Less(t, doc.Equity.SII.Value, 0.0)
	require.Less(t, doc.Equity.SII.Lower, doc.Equity.SII.Upper)
	require.Contains(t, out.String(), "LACE tiers")
}
