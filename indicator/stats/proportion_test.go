package stats

import (
	"errors"
	"math"
	"testing"
)

// wilsonTextbook writes the Wilson score limits out exactly as printed in the
// PHE Technical Guide / PHEindicatormethods (wilson_lower, wilson_upper), with
// z from a table, independently of the package's rearranged lower limit.
func wilsonTextbook(x, n, z float64) (float64, float64) {
	root := z * math.Sqrt(z*z+4*x*(1-x/n))
	return (2*x + z*z - root) / 2 / (n + z*z), (2*x + z*z + root) / 2 / (n + z*z)
}

func TestProportion_WilsonMatchesReference(t *testing.T) {
	// References: PHE's wilson_lower/wilson_upper formula evaluated in R 4.2.2
	// (qnorm for z), printed to 17 digits.
	cases := []struct {
		name         string
		x, n, level  float64
		lower, upper float64
	}{
		{"65 of 100 at 95%", 65, 100, 0.95, 0.55254443296887967, 0.73635751756902468},
		{"65 of 100 at 99.8%", 65, 100, 0.998, 0.49549465740704474, 0.77835406140896846},
		{"1 in a million at 95%", 1, 1e6, 0.95, 1.7652457674537157e-07, 5.6649118043114403e-06},
		{"1 in a million at 99.8%", 1, 1e6, 0.998, 8.7242584188844363e-08, 1.1462182830244017e-05},
		{"zero numerator at 95%", 0, 50, 0.95, 0, 0.071347599133358697},
		{"zero numerator at 99.8%", 0, 50, 0.998, 0, 0.160362891042788},
		{"numerator equals denominator at 95%", 50, 50, 0.95, 0.92865240086664136, 1},
		{"numerator equals denominator at 99.8%", 50, 50, 0.998, 0.839637108957212, 1},
		{"fractional numerator at 95%", 8.5, 23.25, 0.95, 0.20230258811503588, 0.56699739527213167},
		{"fractional numerator at 99.8%", 8.5, 23.25, 0.998, 0.1419340154980758, 0.66751450670033963},
		{"9 of 10000 at 95%", 9, 10000, 0.95, 0.00047357706058500591, 0.0017097301130243716},
		{"9 of 10000 at 99.8%", 9, 10000, 0.998, 0.00033472307445179053, 0.0024176021533527663},
		{"300 of 1000 at 95%", 300, 1000, 0.95, 0.27240684247700486, 0.32912386091721724},
		{"300 of 1000 at 99.8%", 300, 1000, 0.998, 0.25728228985714224, 0.34650139202010383},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Proportion(c.x, c.n, c.level)
			if err != nil {
				t.Fatal(err)
			}
			checkEstimate(t, e, c.x/c.n, c.lower, c.upper, exactness)
			if e.Method != MethodWilson || e.Level != c.level {
				t.Errorf("Method, Level = %q, %v", e.Method, e.Level)
			}
		})
	}
}

func TestProportion_AgreesWithTextbookFormulaAcrossRange(t *testing.T) {
	// z values from standard tables: 1.959963984540054 and 3.090232306167814.
	for level, z := range map[float64]float64{0.95: 1.959963984540054, 0.998: 3.090232306167814} {
		for _, n := range []float64{10, 137, 5000, 2e6} {
			for _, frac := range []float64{0.01, 0.2, 0.5, 0.77, 0.999} {
				x := math.Round(frac * n)
				e, err := Proportion(x, n, level)
				if err != nil {
					t.Fatal(err)
				}
				lo, hi := wilsonTextbook(x, n, z)
				if !closeRel(e.Lower, lo, exactness) || !closeRel(e.Upper, math.Min(hi, 1), exactness) {
					t.Errorf("x=%v n=%v level=%v: got [%v, %v], textbook [%v, %v]", x, n, level, e.Lower, e.Upper, lo, hi)
				}
			}
		}
	}
}

func TestProportion_ExactBoundsAtZeroAndAll(t *testing.T) {
	e, _ := Proportion(0, 40, 0.95)
	if e.Lower != 0 {
		t.Errorf("lower limit at x=0 is %v, want exactly 0", e.Lower)
	}
	e, _ = Proportion(40, 40, 0.998)
	if e.Upper != 1 || e.Value != 1 {
		t.Errorf("x=n gives value %v upper %v, want exactly 1 and 1", e.Value, e.Upper)
	}
}

func TestProportion_RejectsInvalidInput(t *testing.T) {
	cases := []struct {
		name        string
		x, n, level float64
	}{
		{"negative numerator", -1, 10, 0.95},
		{"numerator above denominator", 11, 10, 0.95},
		{"zero denominator", 0, 0, 0.95},
		{"negative denominator", 1, -10, 0.95},
		{"NaN numerator", math.NaN(), 10, 0.95},
		{"infinite denominator", 1, math.Inf(1), 0.95},
		{"level as a percentage", 5, 10, 95},
		{"level zero", 5, 10, 0},
		{"level one", 5, 10, 1},
		{"NaN level", 5, 10, math.NaN()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Proportion(c.x, c.n, c.level)
			if !errors.Is(err, ErrInvalidInput) {
				t.Errorf("err = %v, want ErrInvalidInput", err)
			}
			if e != (Estimate{}) {
				t.Errorf("estimate = %+v, want the zero value with an error", e)
			}
		})
	}
}
