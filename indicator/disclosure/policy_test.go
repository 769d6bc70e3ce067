package disclosure_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/openhpi/hpi/indicator/disclosure"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		policy  disclosure.Policy
		wantErr bool
	}{
		{"zero value", disclosure.Policy{}, false},
		{"HES preset", disclosure.HES(), false},
		{"CMS preset", disclosure.CMS(), false},
		{"min 0 covers all positive counts", disclosure.Policy{Max: 5}, false},
		{"single value range", disclosure.Policy{Min: 3, Max: 3}, false},
		{"zero only", disclosure.Policy{SuppressZero: true}, false},
		{"dash marker", disclosure.Policy{Marker: "-"}, false},
		{"min above max", disclosure.Policy{Min: 8, Max: 7}, true},
		{"min without max", disclosure.Policy{Min: 1}, true},
		{"negative min", disclosure.Policy{Min: -1, Max: 7}, true},
		{"negative max", disclosure.Policy{Max: -7}, true},
		{"negative round_to", disclosure.Policy{RoundTo: -5}, true},
		{"NaN min", disclosure.Policy{Min: math.NaN(), Max: 7}, true},
		{"NaN max", disclosure.Policy{Max: math.NaN()}, true},
		{"NaN round_to", disclosure.Policy{RoundTo: math.NaN()}, true},
		{"infinite max", disclosure.Policy{Max: math.Inf(1)}, true},
		{"infinite round_to", disclosure.Policy{RoundTo: math.Inf(1)}, true},
		{"numeric marker", disclosure.Policy{Marker: "0"}, true},
		{"NaN marker reads as a number", disclosure.Policy{Marker: "NaN"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Validate()
			if (err != nil) != tt.wantErr {
				t.Fatalf("Validate() = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, disclosure.ErrInvalidPolicy) {
				t.Errorf("error %v is not ErrInvalidPolicy", err)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	hes, cms := disclosure.HES(), disclosure.CMS()
	zeroToo := disclosure.Policy{Min: 1, Max: 7, SuppressZero: true}
	tests := []struct {
		name    string
		policy  disclosure.Policy
		count   float64
		want    disclosure.Reason
		wantErr error
	}{
		{"HES zero published", hes, 0, disclosure.ReasonNone, nil},
		{"HES lower bound", hes, 1, disclosure.ReasonPrimary, nil},
		{"HES inside", hes, 4, disclosure.ReasonPrimary, nil},
		{"HES upper bound", hes, 7, disclosure.ReasonPrimary, nil},
		{"HES above", hes, 8, disclosure.ReasonNone, nil},
		{"HES just above upper bound", hes, 7.5, disclosure.ReasonNone, nil},
		{"HES below min is published", hes, 0.5, disclosure.ReasonNone, nil},
		{"CMS upper bound", cms, 10, disclosure.ReasonPrimary, nil},
		{"CMS above", cms, 11, disclosure.ReasonNone, nil},
		{"suppress zero", zeroToo, 0, disclosure.ReasonPrimary, nil},
		{"suppress zero keeps range", zeroToo, 7, disclosure.ReasonPrimary, nil},
		{"min 0 does not cover zero", disclosure.Policy{Max: 5}, 0, disclosure.ReasonNone, nil},
		{"min 0 covers fractions", disclosure.Policy{Max: 5}, 0.5, disclosure.ReasonPrimary, nil},
		{"zero value policy", disclosure.Policy{}, 3, disclosure.ReasonNone, nil},
		{"zero value policy at zero", disclosure.Policy{}, 0, disclosure.ReasonNone, nil},
		{"negative count", hes, -1, disclosure.ReasonNone, disclosure.ErrInvalidCount},
		{"NaN count", hes, math.NaN(), disclosure.ReasonNone, disclosure.ErrInvalidCount},
		{"infinite count", hes, math.Inf(1), disclosure.ReasonNone, disclosure.ErrInvalidCount},
		{"invalid policy", disclosure.Policy{Min: 8, Max: 7}, 3, disclosure.ReasonNone, disclosure.ErrInvalidPolicy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.policy.Classify(tt.count)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Classify(%v) error = %v, want %v", tt.count, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Classify(%v) = %q, want %q", tt.count, got, tt.want)
			}
			// Suppressed agrees with Classify and fails closed on errors.
			if want := err != nil || got.Suppressed(); tt.policy.Suppressed(tt.count) != want {
				t.Errorf("Suppressed(%v) = %v, want %v", tt.count, !want, want)
			}
		})
	}
}

func TestRound(t *testing.T) {
	tests := []struct {
		name    string
		roundTo float64
		count   float64
		want    float64
		wantErr error
	}{
		{"no rounding", 0, 12.3, 12.3, nil},
		{"zero stays zero", 5, 0, 0, nil},
		{"down to 5", 5, 12, 10, nil},
		{"up to 5", 5, 13, 15, nil},
		{"tie goes up (base 5)", 5, 12.5, 15, nil},
		{"small tie goes up", 5, 2.5, 5, nil},
		{"below half goes to zero", 5, 2, 0, nil},
		{"tie goes up (base 10)", 10, 15, 20, nil},
		{"tie goes up, even quotient", 10, 25, 30, nil},
		{"exact multiple", 5, 20, 20, nil},
		{"base 2 tie", 2, 3, 4, nil},
		{"negative count", 5, -3, 0, disclosure.ErrInvalidCount},
		{"NaN count", 5, math.NaN(), 0, disclosure.ErrInvalidCount},
		{"infinite count", 5, math.Inf(1), 0, disclosure.ErrInvalidCount},
		{"overflow", 1e-300, 1e308, 0, disclosure.ErrInvalidCount},
		{"negative base", -5, 12, 0, disclosure.ErrInvalidPolicy},
		{"NaN base", math.NaN(), 12, 0, disclosure.ErrInvalidPolicy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := disclosure.Policy{RoundTo: tt.roundTo}.Round(tt.count)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Round(%v) error = %v, want %v", tt.count, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Round(%v) to %v = %v, want %v", tt.count, tt.roundTo, got, tt.want)
			}
		})
	}
}

func TestEffectiveMarker(t *testing.T) {
	tests := []struct {
		name   string
		policy disclosure.Policy
		want   string
	}{
		{"default", disclosure.Policy{}, "*"},
		{"preset", disclosure.CMS(), "*"},
		{"custom", disclosure.Policy{Marker: "[c]"}, "[c]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.policy.EffectiveMarker(); got != tt.want {
				t.Errorf("EffectiveMarker() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRender(t *testing.T) {
	hes := disclosure.HES()
	tests := []struct {
		name    string
		policy  disclosure.Policy
		count   float64
		why     disclosure.Reason
		want    string
		wantErr bool
	}{
		{"zero published", hes, 0, disclosure.ReasonNone, "0", false},
		{"primary by rule", hes, 3, disclosure.ReasonNone, "*", false},
		{"rounded down", hes, 12, disclosure.ReasonNone, "10", false},
		{"rounded up", hes, 8, disclosure.ReasonNone, "10", false},
		{"tie up", hes, 12.5, disclosure.ReasonNone, "15", false},
		{"complementary", hes, 50, disclosure.ReasonComplementary, "*", false},
		{"derived", hes, 50, disclosure.ReasonDerived, "*", false},
		{"no rounding keeps fraction", disclosure.Policy{}, 2.25, disclosure.ReasonNone, "2.25", false},
		{"custom marker", disclosure.Policy{Max: 5, Marker: "c"}, 2, disclosure.ReasonNone, "c", false},
		{"default marker", disclosure.Policy{Max: 5}, 2, disclosure.ReasonNone, "*", false},
		{"NaN", hes, math.NaN(), disclosure.ReasonNone, "", true},
		{"negative suppressed", hes, -3, disclosure.ReasonPrimary, "", true},
		{"invalid policy", disclosure.Policy{RoundTo: -1}, 12, disclosure.ReasonNone, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.policy.Render(tt.count, tt.why)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Render(%v, %q) error = %v, want error %v", tt.count, tt.why, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Render(%v, %q) = %q, want %q", tt.count, tt.why, got, tt.want)
			}
		})
	}
}

func TestDerived(t *testing.T) {
	tests := []struct {
		name   string
		inputs []disclosure.Reason
		want   disclosure.Reason
	}{
		{"no inputs", nil, disclosure.ReasonNone},
		{"all published", []disclosure.Reason{disclosure.ReasonNone, disclosure.ReasonNone}, disclosure.ReasonNone},
		{"numerator primary", []disclosure.Reason{disclosure.ReasonPrimary, disclosure.ReasonNone}, disclosure.ReasonDerived},
		{"denominator complementary", []disclosure.Reason{disclosure.ReasonNone, disclosure.ReasonComplementary}, disclosure.ReasonDerived},
		{"derived from derived", []disclosure.Reason{disclosure.ReasonDerived}, disclosure.ReasonDerived},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := disclosure.Derived(tt.inputs...); got != tt.want {
				t.Errorf("Derived(%q) = %q, want %q", tt.inputs, got, tt.want)
			}
		})
	}
}

func TestPolicyJSONKeys(t *testing.T) {
	b, err := json.Marshal(disclosure.HES())
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"min":1,"max":7,"suppress_zero":false,"round_to":5,"marker":"*","complementary":true}`
	if string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var back disclosure.Policy
	if err := json.Unmarshal(b, &back); err != nil || back != disclosure.HES() {
		t.Errorf("round trip = %+v, %v; want HES()", back, err)
	}
}
