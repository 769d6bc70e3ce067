package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/stratify"
)

// The LACE points of van Walraven et al. (2010): length of stay 5 days → 4,
// emergent admission → 3, Charlson 2 → 2, one ED visit → 1; 10 is high.
func TestScore_LACEOverHTTP(t *testing.T) {
	m, err := stratify.LoadFile("../riskmodels/lace.yaml")
	require.NoError(t, err)
	srv := httptest.NewServer(newHandler(m))
	defer srv.Close()

	post := func(body string) (*http.Response, string) {
		resp, err := http.Post(srv.URL+"/score", "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(b)
	}
	var wg sync.WaitGroup
	for range 8 { // the compiled model serves concurrent requests
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, body := post(`{"length_of_stay_days": 5, "emergency_admission": true, "comorbidity_score": 2, "ed_visits_6m": 1}`)
			assert.Equal(t, http.StatusOK, resp.StatusCode, body)
			var got scored
			assert.NoError(t, json.Unmarshal([]byte(body), &got))
			assert.Equal(t, 10.0, got.Score)
			assert.Equal(t, "high", got.Tier)
			assert.Equal(t, map[string]float64{"L": 4, "A": 3, "C": 2, "E": 1}, got.Components)
		}()
	}
	wg.Wait()

	resp, body := post(`{"length_of_stay_days": 5, "emergency_admission": true, "comorbidity_score": 2}`)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "ed_visits_6m", "a missing input is named")
	resp, _ = post(`not json`)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}
