package indicator

import "math"

// exactSum adds floating-point numbers without rounding error and rounds
// once, at the end (Shewchuk's algorithm, as in Python's math.fsum). Its
// value does not depend on the order of the additions, so results are
// identical whatever the worker count or batch size.
type exactSum struct {
	ints     int64     // the sum of the integer-valued terms, exact while |ints| <= 2^62
	partials []float64 // non-overlapping, increasing magnitude
	special  float64   // sum of infinities and NaNs, kept apart
}

// maxSafeInt bounds the terms ints takes: integers of magnitude below 2^53
// are exact doubles, so at least 2^9 of them add up before ints is flushed.
const (
	maxSafeInt = 1 << 53
	flushInts  = 1 << 62
)

func (s *exactSum) add(x float64) {
	// Counts and whole-day durations are the common terms: an int64 adds
	// them exactly at a fraction of the cost of the partials. -0 takes the
	// slow path so that a sum of negative zeros stays -0.
	if t := int64(x); float64(t) == x && t > -maxSafeInt && t < maxSafeInt && (t != 0 || !math.Signbit(x)) {
		s.ints += t
		if s.ints > flushInts || s.ints < -flushInts {
			s.flush()
		}
		return
	}
	s.addFloat(x)
}

// flush moves ints into the partials as two exactly representable parts.
func (s *exactSum) flush() {
	hi := s.ints >> 26 << 26 // at most 37 significant bits
	s.addFloat(float64(hi))
	s.addFloat(float64(s.ints - hi))
	s.ints = 0
}

func (s *exactSum) addFloat(x float64) {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		s.special += x
		return
	}
	i := 0
	for _, y := range s.partials {
		if math.Abs(x) < math.Abs(y) {
			x, y = y, x
		}
		hi := x + y
		lo := y - (hi - x)
		if lo != 0 {
			s.partials[i] = lo
			i++
		}
		x = hi
	}
	if math.IsInf(x, 0) { // overflow of finite values: keep it as a special
		s.partials = s.partials[:i]
		s.special += x
		return
	}
	s.partials = append(s.partials[:i], x)
}

// merge adds every term of o into s.
func (s *exactSum) merge(o *exactSum) {
	for _, p := range o.partials {
		s.addFloat(p)
	}
	s.special += o.special
	s.ints += o.ints // both at most 2^62 in magnitude: no overflow
	if s.ints > flushInts || s.ints < -flushInts {
		s.flush()
	}
}

// value returns the correctly rounded sum.
func (s *exactSum) value() float64 {
	if s.special != 0 || math.IsNaN(s.special) {
		return s.special
	}
	if s.ints != 0 {
		c := exactSum{ints: s.ints, partials: append([]float64(nil), s.partials...)}
		c.flush()
		return c.value()
	}
	n := len(s.partials)
	if n == 0 {
		return 0
	}
	hi := s.partials[n-1]
	lo := 0.0
	for n--; n > 0; {
		x := hi
		n--
		y := s.partials[n]
		hi = x + y
		yr := hi - x
		lo = y - yr
		if lo != 0 {
			break
		}
	}
	// Round half to even across the remaining partials: if the rest has the
	// same sign as lo, the tie must be broken upward in magnitude.
	if n > 0 && ((lo < 0 && s.partials[n-1] < 0) || (lo > 0 && s.partials[n-1] > 0)) {
		y := lo * 2
		x := hi + y
		if y == x-hi {
			hi = x
		}
	}
	return hi
}

// moments accumulates a count, a sum and a sum of squares exactly; squares
// are split with a fused multiply-add so that no rounding enters before
// the final value.
type moments struct {
	n          int64
	sum, sumSq exactSum
}

func (m *moments) add(x float64) {
	m.n++
	m.sum.add(x)
	sq := x * x
	m.sumSq.add(sq)
	m.sumSq.add(math.FMA(x, x, -sq))
}

func (m *moments) merge(o *moments) {
	m.n += o.n
	m.sum.merge(&o.sum)
	m.sumSq.merge(&o.sumSq)
}

// meanSD returns the mean and the sample standard deviation (n-1).
func (m *moments) meanSD() (mean, sd float64) {
	if m.n == 0 {
		return math.NaN(), math.NaN()
	}
	n := float64(m.n)
	sum := m.sum.value()
	mean = sum / n
	if m.n < 2 {
		return mean, math.NaN()
	}
	v := (m.sumSq.value() - sum*mean) / (n - 1)
	return mean, math.Sqrt(math.Max(v, 0))
}

func nan() float64 { return math.NaN() }
