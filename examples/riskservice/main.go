// Command riskservice serves LACE readmission-risk scores over HTTP: the
// cookbook's "risk model inside a Go service". The model is loaded and
// verified once at start-up; each request is scored by the same compiled
// model, concurrently.
//
//	go run ./examples/riskservice -addr :8080 &
//	curl -s localhost:8080/score -d '{"length_of_stay_days": 5, "emergency_admission": true, "comorbidity_score": 2, "ed_visits_6m": 1}'
//	{"score":10,"tier":"high","components":{"A":3,"C":2,"E":1,"L":4}}
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/openhpi/hpi/stratify"
)

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	model := flag.String("model", "examples/riskmodels/lace.yaml", "risk model YAML")
	flag.Parse()
	m, err := stratify.LoadFile(*model)
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	srv := &http.Server{Addr: *addr, Handler: newHandler(m), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("scoring %s on %s", m.ID, *addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// scored is the response body.
type scored struct {
	Score      float64            `json:"score"`
	Tier       string             `json:"tier,omitempty"`
	Components map[string]float64 `json:"components"`
}

// newHandler serves POST /score: a JSON object of the model's inputs in,
// the score, tier and points per component out. Bad inputs are a 400 that
// names the input (never echoing values back).
func newHandler(m *stratify.Model) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /score", func(w http.ResponseWriter, r *http.Request) {
		var inputs map[string]any
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
		dec.UseNumber()
		if err := dec.Decode(&inputs); err != nil {
			http.Error(w, "want a JSON object of the model's inputs", http.StatusBadRequest)
			return
		}
		res, err := m.Score(numbers(inputs))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(scored{Score: res.Score, Tier: res.Tier, Components: res.Components})
	})
	return mux
}

// numbers turns JSON numbers into the Go types Score takes: integers into
// int64, others into float64.
func numbers(in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				v = i
			} else if f, err := n.Float64(); err == nil {
				v = f
			} else {
				v = fmt.Sprint(n)
			}
		}
		out[k] = v
	}
	return out
}
