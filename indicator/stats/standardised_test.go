package stats

import (
	"errors"
	"math"
	"testing"
)

// A 19-band test area against ESP2013 (made-up counts and populations).
var (
	dsrCounts = []float64{3, 1, 0, 2, 5, 6, 8, 10, 14, 20, 31, 45, 60, 88, 120, 160, 190, 170, 150}
	dsrPops   = []float64{5200, 5600, 5400, 5300, 6100, 6400, 6900, 7200, 7100, 6800, 6600, 6300, 5900, 5200, 4600, 3600, 2300, 1400, 800}
)

func TestDSR_DobsonMatchesReference(t *testing.T) {
	// References: the Dobson formula of PHEindicatormethods::phe_dsr written out
	// in R 4.2.2 (sum(x*w/n)/sum(w); sqrt(var/X)*(Byar(X) - X)).
	cases := []struct {
		name                string
		counts, pops, std   []float64
		level               float64
		value, lower, upper float64
	}{
		{"ESP2013 area at 95%", dsrCounts, dsrPops, ESP2013, 0.95, 0.011859131572251531, 0.011161829269881357, 0.012588516926843759},
		{"ESP2013 area at 99.8%", dsrCounts, dsrPops, ESP2013, 0.998, 0.011859131572251531, 0.010774375359387727, 0.013017910373807982},
		{"three bands, 12 events, 95%", []float64{2, 4, 6}, []float64{1000, 1500, 900}, []float64{30, 50, 20}, 0.95, 0.0032666666666666664, 0.0016582752335877217, 0.0057493685605391667},
		{"three bands, 12 events, 99.8%", []float64{2, 4, 6}, []float64{1000, 1500, 900}, []float64{30, 50, 20}, 0.998, 0.0032666666666666664, 0.0010507795511917562, 0.0074440759395510512},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := DSR(c.counts, c.pops, c.std, c.level)
			if err != nil {
				t.Fatal(err)
			}
			checkEstimate(t, e, c.value, c.lower, c.upper, exactness)
			if e.Method != MethodDobson {
				t.Errorf("Method = %q", e.Method)
			}
		})
	}
}

func TestDSR_MissingCountIsZero(t *testing.T) {
	withNaN := append([]float64(nil), dsrCounts...)
	withNaN[2] = math.NaN() // the band's count was 0
	a, errA := DSR(withNaN, dsrPops, ESP2013, 0.95)
	b, errB := DSR(dsrCounts, dsrPops, ESP2013, 0.95)
	if errA != nil || errB != nil || a != b {
		t.Errorf("NaN count: %+v %v, zero count: %+v %v; want equal", a, errA, b, errB)
	}
}

func TestDSR_TooFewEventsBelowTen(t *testing.T) {
	e, err := DSR([]float64{2, 3, 4}, []float64{100, 100, 100}, []float64{1, 1, 1}, 0.95)
	if !errors.Is(err, ErrTooFewEvents) || e != (Estimate{}) {
		t.Errorf("9 events: %+v, %v; want zero Estimate and ErrTooFewEvents", e, err)
	}
	if _, err := DSR([]float64{2, 3, 5}, []float64{100, 100, 100}, []float64{1, 1, 1}, 0.95); err != nil {
		t.Errorf("10 events: unexpected error %v", err)
	}
}

func TestDSR_RejectsInvalidInput(t *testing.T) {
	one := []float64{10}
	cases := []struct {
		name              string
		counts, pops, std []float64
	}{
		{"mismatched lengths", []float64{10, 1}, one, one},
		{"empty", nil, nil, nil},
		{"zero population", one, []float64{0}, one},
		{"negative count", []float64{-10}, one, one},
		{"NaN population", one, []float64{math.NaN()}, one},
		{"negative standard population", one, one, []float64{-1}},
		{"zero standard populations", one, one, []float64{0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := DSR(c.counts, c.pops, c.std, 0.95); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("err = %v, want ErrInvalidInput", err)
			}
		})
	}
}

func TestESP2013_IsTheEurostatStandard(t *testing.T) {
	// Eurostat 2013 revision: 19 bands summing to 100 000, 1000 aged 90+.
	var sum float64
	for _, w := range ESP2013 {
		sum += w
	}
	if len(ESP2013) != 19 || sum != 100000 || ESP2013[0] != 5000 || ESP2013[18] != 1000 {
		t.Errorf("ESP2013 has %d bands summing to %v", len(ESP2013), sum)
	}
	c := ESP2013Copy()
	c[0] = 0
	if ESP2013[0] != 5000 {
		t.Error("ESP2013Copy shares storage with ESP2013")
	}
}

// ISR test area: four bands against a reference population.
var (
	isrPops      = []float64{2000, 1800, 1200, 600}
	isrRefCounts = []float64{50, 90, 400, 900}
	isrRefPops   = []float64{100000, 90000, 60000, 30000}
)

func TestISRatio_CountIntervalOverExpected(t *testing.T) {
	// References: PHEindicatormethods' ISR formulas written out in R 4.2.2.
	cases := []struct {
		name                string
		counts              []float64
		level               float64
		method              string
		value, lower, upper float64
	}{
		{"16 observed (Byar) at 95%", []float64{1, 2, 5, 8}, 0.95, MethodByar, 0.55555555555555558, 0.31734405967154805, 0.90223743729379358},
		{"16 observed (Byar) at 99.8%", []float64{1, 2, 5, 8}, 0.998, MethodByar, 0.55555555555555558, 0.2210750053927889, 1.1344320799605194},
		{"7 observed (exact) at 95%", []float64{0, 1, 2, 4}, 0.95, MethodExact, 0.24305555555555555, 0.09772093928888427, 0.50078733894799921},
		{"7 observed (exact) at 99.8%", []float64{0, 1, 2, 4}, 0.998, MethodExact, 0.24305555555555555, 0.052789453486069768, 0.68146449289528599},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := ISRatio(c.counts, isrPops, isrRefCounts, isrRefPops, c.level)
			if err != nil {
				t.Fatal(err)
			}
			checkEstimate(t, e, c.value, c.lower, c.upper, exactness)
			if e.Method != c.method {
				t.Errorf("Method = %q, want %q", e.Method, c.method)
			}
			r, err := ISRate(c.counts, isrPops, isrRefCounts, isrRefPops, c.level)
			if err != nil {
				t.Fatal(err)
			}
			const refRate = 0.0051428571428571426 // Σ refCounts / Σ refPops
			checkEstimate(t, r, c.value*refRate, c.lower*refRate, c.upper*refRate, exactness)
		})
	}
}

func TestISRatio_ZeroReferenceOrLocalPopulationAddsNothing(t *testing.T) {
	base, _ := ISRatio([]float64{3, 9}, []float64{100, 200}, []float64{5, 10}, []float64{1000, 1000}, 0.95)
	withEmpty, err := ISRatio([]float64{3, 9, 0, 0}, []float64{100, 200, 0, 50}, []float64{5, 10, 7, 0}, []float64{1000, 1000, 500, 0}, 0.95)
	if err != nil || base != withEmpty {
		t.Errorf("empty bands changed the ratio: %+v vs %+v (%v)", withEmpty, base, err)
	}
}

func TestISRatio_RejectsInvalidInput(t *testing.T) {
	cases := []struct {
		name                 string
		counts, pops, rc, rp []float64
	}{
		{"mismatched lengths", []float64{1}, []float64{1, 2}, []float64{1}, []float64{1}},
		{"no expected deaths", []float64{1}, []float64{10}, []float64{0}, []float64{100}},
		{"negative population", []float64{1}, []float64{-10}, []float64{1}, []float64{100}},
		{"infinite reference count", []float64{1}, []float64{10}, []float64{math.Inf(1)}, []float64{100}},
		{"NaN reference population", []float64{1}, []float64{10}, []float64{1}, []float64{math.NaN()}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if e, err := ISRatio(c.counts, c.pops, c.rc, c.rp, 0.95); !errors.Is(err, ErrInvalidInput) || e != (Estimate{}) {
				t.Errorf("ISRatio = %+v, %v; want ErrInvalidInput", e, err)
			}
			if _, err := ISRate(c.counts, c.pops, c.rc, c.rp, 0.95); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("ISRate err = %v, want ErrInvalidInput", err)
			}
		})
	}
}
