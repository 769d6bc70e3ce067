package indicator

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// bigSum is the exact sum of finite xs rounded once to a float64 (to
// nearest, ties to even), computed with math/big as the reference.
func bigSum(xs []float64) float64 {
	acc := new(big.Float).SetPrec(4096)
	for _, x := range xs {
		acc.Add(acc, new(big.Float).SetPrec(4096).SetFloat64(x))
	}
	f, _ := acc.Float64()
	return f
}

// terms draws a mix of the values sums meet: small and huge integers,
// fractions, values that cancel, and signed zeros.
func terms(r *rand.Rand, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		switch r.IntN(7) {
		case 0:
			xs[i] = float64(r.IntN(100))
		case 1:
			xs[i] = float64(r.Int64N(1<<53) - 1<<52)
		case 2:
			xs[i] = r.NormFloat64() * 1e6
		case 3:
			xs[i] = math.Ldexp(r.Float64(), r.IntN(200)-100)
		case 4:
			xs[i] = -xs[r.IntN(i+1)]
		case 5:
			xs[i] = math.Copysign(0, -1)
		default:
			xs[i] = float64(1<<53 - 1)
		}
	}
	return xs
}

func TestExactSum_MatchesBigFloatWhateverTheOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 2000 {
		xs := terms(r, 1+r.IntN(3000))
		want := bigSum(xs)
		var s exactSum
		for _, x := range xs {
			s.add(x)
		}
		if got := s.value(); got != want {
			t.Fatalf("round %d: sum %v, want %v", round, got, want)
		}
		// Split in two halves in shuffled order and merged: the same sum.
		r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
		var a, b exactSum
		for i, x := range xs {
			if i%2 == 0 {
				a.add(x)
			} else {
				b.add(x)
			}
		}
		a.merge(&b)
		if got := a.value(); got != want {
			t.Fatalf("round %d: merged sum %v, want %v", round, got, want)
		}
	}
}

func TestExactSum_Edges(t *testing.T) {
	sum := func(xs ...float64) float64 {
		var s exactSum
		for _, x := range xs {
			s.add(x)
		}
		return s.value()
	}
	negZero := math.Copysign(0, -1)
	if got := sum(negZero, negZero); !math.Signbit(got) || got != 0 {
		t.Errorf("sum of -0 = %v, want -0", got)
	}
	if got := sum(); got != 0 || math.Signbit(got) {
		t.Errorf("empty sum = %v, want +0", got)
	}
	// 2^62 is exceeded by integer terms alone: flushed, still exact.
	big := float64(1<<53 - 1)
	xs := make([]float64, 1200)
	for i := range xs {
		xs[i] = big
	}
	xs = append(xs, 0.5)
	if got, want := sum(xs...), bigSum(xs); got != want {
		t.Errorf("many large integers: %v, want %v", got, want)
	}
	if got := sum(1, math.Inf(1), 2); !math.IsInf(got, 1) {
		t.Errorf("with +Inf: %v", got)
	}
	if got := sum(math.Inf(1), math.Inf(-1)); !math.IsNaN(got) {
		t.Errorf("+Inf + -Inf: %v, want NaN", got)
	}
	if got := sum(math.MaxFloat64, math.MaxFloat64); !math.IsInf(got, 1) {
		t.Errorf("overflow: %v, want +Inf", got)
	}
}
