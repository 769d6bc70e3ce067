package stats

import (
	"errors"
	"math"
	"testing"
)

func TestMean_StudentTMatchesReference(t *testing.T) {
	// References: mean ± qt((1+level)/2, n-1)·sd/√n in R 4.2.2
	// (PHEindicatormethods::phe_mean's formula).
	eight := []float64{12.1, 15.3, 9.8, 11.0, 13.7, 14.2, 10.5, 12.9}
	cases := []struct {
		name                string
		values              []float64
		level               float64
		value, lower, upper float64
	}{
		{"eight values at 95%", eight, 0.95, 12.4375, 10.826318895843325, 14.048681104156675},
		{"eight values at 99.8%", eight, 0.998, 12.4375, 9.1769531192913032, 15.698046880708697},
		{"two values (df 1) at 95%", []float64{1, 3}, 0.95, 2, -10.706204736174694, 14.706204736174694},
		{"two values (df 1) at 99.8%", []float64{1, 3}, 0.998, 2, -316.30883898555015, 320.30883898555015},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Mean(c.values, c.level)
			if err != nil {
				t.Fatal(err)
			}
			checkEstimate(t, e, c.value, c.lower, c.upper, exactness)
			if e.Method != MethodStudentT {
				t.Errorf("Method = %q", e.Method)
			}
		})
	}
}

func TestMean_RejectsInvalidInput(t *testing.T) {
	cases := []struct {
		name   string
		values []float64
	}{
		{"no values", nil},
		{"one value", []float64{3}},
		{"NaN value", []float64{1, math.NaN()}},
		{"infinite value", []float64{1, math.Inf(-1)}},
		{"overflowing values", []float64{math.MaxFloat64, math.MaxFloat64}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if e, err := Mean(c.values, 0.95); !errors.Is(err, ErrInvalidInput) || e != (Estimate{}) {
				t.Errorf("Mean = %+v, %v; want ErrInvalidInput", e, err)
			}
		})
	}
}

func TestMeanFromSummary_EqualsMeanOfTheValues(t *testing.T) {
	// summary.go (added beside this package's files) must give Mean's interval.
	values := []float64{12.1, 15.3, 9.8, 11.0, 13.7, 14.2, 10.5, 12.9}
	for _, level := range []float64{0.95, 0.998} {
		want, _ := Mean(values, level)
		var squares float64
		for _, v := range values {
			squares += (v - want.Value) * (v - want.Value)
		}
		got, err := MeanFromSummary(8, want.Value, math.Sqrt(squares/7), level)
		if err != nil {
			t.Fatal(err)
		}
		checkEstimate(t, got, want.Value, want.Lower, want.Upper, 1e-14)
	}
	if _, err := MeanFromSummary(1.5, 1, 1, 0.95); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("fractional count: err = %v, want ErrInvalidInput", err)
	}
}
