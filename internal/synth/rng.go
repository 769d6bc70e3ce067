package synth

import (
	"math"
	"math/bits"
)

// golden is the SplitMix64 increment (2^64 / φ).
const golden = 0x9e3779b97f4a7c15

// mix64 is the SplitMix64 finaliser: a bijective 64-bit avalanche hash.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// hashUnit maps (seed, stream, key) to a uniform float in [0, 1) without
// any generator state; used for per-practice and per-area attributes.
func hashUnit(seed, stream, key uint64) float64 {
	return float64(mix64(mix64(seed^stream)+key*golden)>>11) * 0x1p-53
}

// rng is a SplitMix64 generator. It is a small value type so that each
// patient gets its own generator on the stack, seeded from (Seed, index).
type rng struct {
	state    uint64
	spare    float64 // second deviate of the last polar-method pair
	hasSpare bool
}

// patientStream salts the per-patient seed so that patient streams do not
// coincide with the hash streams used for practices and areas.
const patientStream = 0x5eed_0f_9a71e47

// newPatientRNG returns the generator for patient index i of population seed.
func newPatientRNG(seed uint64, i int) rng {
	return rng{state: mix64(mix64(seed^patientStream) ^ mix64(uint64(i)+golden))}
}

// uint64 returns the next 64 random bits.
func (r *rng) uint64() uint64 {
	r.state += golden
	return mix64(r.state)
}

// float returns a uniform float64 in [0, 1).
func (r *rng) float() float64 {
	return float64(r.uint64()>>11) * 0x1p-53
}

// openFloat returns a uniform float64 in (0, 1), safe for logarithms.
func (r *rng) openFloat() float64 {
	return (float64(r.uint64()>>11) + 0.5) * 0x1p-53
}

// intn returns a uniform int in [0, n); n must be positive.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.uint64(), uint64(n))
	return int(hi)
}

// between returns a uniform int32 in [lo, hi]; lo when hi < lo.
func (r *rng) between(lo, hi int32) int32 {
	if hi <= lo {
		return lo
	}
	return lo + int32(r.intn(int(hi-lo)+1))
}

// chance reports true with probability p.
func (r *rng) chance(p float64) bool {
	return r.float() < p
}

// normal returns a standard normal deviate (Marsaglia's polar method,
// pairs cached).
func (r *rng) normal() float64 {
	if r.hasSpare {
		r.hasSpare = false
		return r.spare
	}
	for range 64 { // a pair is accepted with probability π/4
		u, v := 2*r.float()-1, 2*r.float()-1
		s := u*u + v*v
		if s > 0 && s < 1 {
			f := math.Sqrt(-2 * math.Log(s) / s)
			r.spare, r.hasSpare = v*f, true
			return u * f
		}
	}
	return 0
}

// exponential returns an exponential deviate with the given mean.
func (r *rng) exponential(mean float64) float64 {
	return -mean * math.Log(r.openFloat())
}

// geometric returns the number of failures before the first success of a
// Bernoulli process whose mean number of failures is mean (>= 0).
func (r *rng) geometric(mean float64) int {
	if mean <= 0 {
		return 0
	}
	k := math.Log(r.openFloat()) / math.Log(mean/(1+mean))
	if k > 1e6 {
		return 1e6
	}
	return int(k)
}
