package stats

import "math"

// This file holds the distribution functions the interval methods need: the
// standard normal quantile (Wichura's AS 241), the regularized incomplete gamma
// and beta functions, and the chi-square and Student t quantiles obtained by
// inverting them. They are written here, not borrowed, so that every interval
// the package returns is reproducible to near machine precision.

// AS 241 (PPND16) coefficients, Wichura (1988), Applied Statistics 37:477-484.
// Central region |p-0.5| <= 0.425.
var (
	as241A = [8]float64{
		3.387132872796366608, 133.14166789178437745, 1971.5909503065514427,
		13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
		33430.575583588128105, 2509.0809287301226727,
	}
	as241B = [8]float64{
		1, 42.313330701600911252, 687.1870074920579083,
		5394.1960214247511077, 21213.794301586595867, 39307.89580009271061,
		28729.085735721942674, 5226.495278852854561,
	}
	// Intermediate tail, r = sqrt(-log(min(p, 1-p))) <= 5.
	as241C = [8]float64{
		1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055,
		3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
		0.0227238449892691845833, 7.7454501427834140764e-4,
	}
	as241D = [8]float64{
		1, 2.05319162663775882187, 1.6763848301838038494,
		0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966,
		5.475938084995344946e-4, 1.05075007164441684324e-9,
	}
	// Far tail, r > 5.
	as241E = [8]float64{
		6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358,
		0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
		2.71155556874348757815e-5, 2.01033439929228813265e-7,
	}
	as241F = [8]float64{
		1, 0.59983220655588793769, 0.13692988092273580531,
		0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5,
		1.4215117583164458887e-7, 2.04426310338993978564e-15,
	}
)

// poly7 evaluates c[0] + c[1]x + ... + c[7]x^7 by Horner's rule.
func poly7(c *[8]float64, x float64) float64 {
	return ((((((c[7]*x+c[6])*x+c[5])*x+c[4])*x+c[3])*x+c[2])*x+c[1])*x + c[0]
}

// normQuantile returns z with Φ(z) = p (AS 241, about 1e-16 relative).
// It returns ±Inf at 0 and 1 and NaN outside [0, 1].
func normQuantile(p float64) float64 {
	switch {
	case math.IsNaN(p) || p < 0 || p > 1:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	}
	q := p - 0.5
	if math.Abs(q) <= 0.425 {
		r := 0.180625 - q*q
		return q * poly7(&as241A, r) / poly7(&as241B, r)
	}
	// Work from the nearer tail so that small tail areas keep full precision.
	r := p
	if q > 0 {
		r = 1 - p
	}
	r = math.Sqrt(-math.Log(r))
	var z float64
	if r <= 5 {
		r -= 1.6
		z = poly7(&as241C, r) / poly7(&as241D, r)
	} else {
		r -= 5
		z = poly7(&as241E, r) / poly7(&as241F, r)
	}
	if q < 0 {
		return -z
	}
	return z
}

// zTwoSided returns the standard normal deviate cutting off (1-level)/2 in the
// upper tail, e.g. 1.959963984540054 for level 0.95. It is computed from the
// small tail area, which is exact in floating point, rather than from 1-α/2.
func zTwoSided(level float64) float64 {
	return -normQuantile((1 - level) / 2)
}

const (
	// convergence target for the series and continued fractions below
	seriesEps = 1e-16
	// a value small enough to stand in for zero in Lentz's algorithm
	tinyFloat = 1e-300
	// iteration caps; the expansions converge in far fewer steps for the
	// arguments the root finders visit, the caps only guard against NaN loops
	maxSeriesTerms = 10000
	maxRootSteps   = 200
	// relative Halley step below which the gamma quantile has converged
	halleyDone = 1e-6
	// degrees of freedom from which the t quantile is taken from its
	// Cornish-Fisher expansion rather than by root finding
	cornishFisherDF = 1e4
)

// gammaPSeries returns the regularized lower incomplete gamma P(a, x) by its
// power series, accurate when x < a+1; pre is x^a e^-x / Γ(a).
func gammaPSeries(a, x, pre float64) float64 {
	ap, term := a, 1/a
	sum := term
	for i := 0; i < maxSeriesTerms; i++ {
		ap++
		term *= x / ap
		sum += term
		if math.Abs(term) < math.Abs(sum)*seriesEps {
			break
		}
	}
	return sum * pre
}

// gammaQFraction returns the regularized upper incomplete gamma Q(a, x) by its
// continued fraction (modified Lentz), accurate when x >= a+1; pre is
// x^a e^-x / Γ(a).
func gammaQFraction(a, x, pre float64) float64 {
	b := x + 1 - a
	c := 1 / tinyFloat
	d := 1 / b
	h := d
	for i := 1; i < maxSeriesTerms; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tinyFloat {
			d = tinyFloat
		}
		c = b + an/c
		if math.Abs(c) < tinyFloat {
			c = tinyFloat
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < seriesEps {
			break
		}
	}
	return pre * h
}

// gammaPQ returns P(a, x) and Q(a, x) = 1 - P(a, x), each computed directly in
// the region where it is the smaller one, so that tail areas keep their
// relative precision, and the gamma density x^(a-1) e^-x / Γ(a) at x.
func gammaPQ(a, x, lgammaA float64) (p, q, density float64) {
	if x <= 0 {
		return 0, 1, 0
	}
	pre := math.Exp(a*math.Log(x) - x - lgammaA)
	if x < a+1 {
		p = gammaPSeries(a, x, pre)
		return p, 1 - p, pre / x
	}
	q = gammaQFraction(a, x, pre)
	return 1 - q, q, pre / x
}

// gammaQuantile returns x with P(a, x) = tail when upper is false, or with
// Q(a, x) = tail when upper is true; tail must be in (0, 1) and a > 0.
// It starts from the Wilson-Hilferty approximation and refines with Halley
// steps kept inside a bracket, so it converges even where the start is poor.
func gammaQuantile(a, tail float64, upper bool) float64 {
	lg, _ := math.Lgamma(a)
	x := gammaStart(a, tail, upper, lg)
	if x == 0 {
		// For a tiny shape the lower quantile underflows: P(a, x) ≈ x^a/Γ(a+1)
		// reaches the tail only below the smallest positive float64.
		return 0
	}
	lo, hi := 0.0, math.Inf(1)
	for i := 0; i < maxRootSteps; i++ {
		p, q, density := gammaPQ(a, x, lg)
		// f is the signed error in the tail we are matching; with the lower
		// tail it increases with x, with the upper tail it decreases.
		f := p - tail
		if upper {
			f = tail - q
		}
		if f == 0 {
			return x
		}
		if f > 0 {
			hi = x
		} else {
			lo = x
		}
		step := f / density
		// Halley's correction uses f''/f' = (a-1)/x - 1 for the gamma density.
		step /= 1 - 0.5*step*((a-1)/x-1)
		next := x - step
		if !(next > lo && next < hi) || math.IsNaN(next) {
			x = bracketMidpoint(lo, hi, x)
			continue
		}
		// Halley converges cubically: after a step this small the remaining
		// error is far below double precision, so no confirming pass is needed.
		if math.Abs(step) <= halleyDone*next {
			return next
		}
		x = next
	}
	return x
}

// bracketMidpoint bisects [lo, hi], growing the bracket when hi is still open.
func bracketMidpoint(lo, hi, x float64) float64 {
	if math.IsInf(hi, 1) {
		return 2*x + 1
	}
	return 0.5 * (lo + hi)
}

// gammaStart returns a starting value for gammaQuantile: the Wilson-Hilferty
// cube-root normal approximation, and in the lower tail also the leading
// terms of the series P(a, x) ≈ x^a e^-x (1 + x/(a+1)) / Γ(a+1), which is
// better for small shapes; both underestimate there, so the larger is taken.
func gammaStart(a, tail float64, upper bool, lgammaA float64) float64 {
	z := normQuantile(tail)
	if upper {
		z = -z
	}
	t := 1 - 1/(9*a) + z/(3*math.Sqrt(a))
	wh := a * t * t * t
	if upper {
		if wh > 0 {
			return wh
		}
		return a
	}
	lg1 := lgammaA + math.Log(a) // ln Γ(a+1)
	x0 := math.Exp((math.Log(tail) + lg1) / a)
	x1 := math.Exp((math.Log(tail) + lg1 + x0 - math.Log1p(x0/(a+1))) / a)
	return math.Max(wh, x1)
}

// chiSquareQuantile returns the p-quantile of the chi-square distribution with
// df degrees of freedom (df > 0). The result equals qchisq(p, df) in R.
func chiSquareQuantile(p, df float64) float64 {
	switch {
	case p <= 0:
		return 0
	case p >= 1:
		return math.Inf(1)
	case p > 0.5:
		return 2 * gammaQuantile(df/2, 1-p, true)
	default:
		return 2 * gammaQuantile(df/2, p, false)
	}
}

// betaFraction evaluates the continued fraction for the regularized incomplete
// beta function I_x(a, b) (modified Lentz); it converges fast when
// x < (a+1)/(a+b+2).
func betaFraction(a, b, x float64) float64 {
	qab, qap, qam := a+b, a+1, a-1
	c := 1.0
	d := 1 - qab*x/qap
	if math.Abs(d) < tinyFloat {
		d = tinyFloat
	}
	d = 1 / d
	h := d
	for m := 1; m < maxSeriesTerms; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tinyFloat {
			d = tinyFloat
		}
		c = 1 + aa/c
		if math.Abs(c) < tinyFloat {
			c = tinyFloat
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tinyFloat {
			d = tinyFloat
		}
		c = 1 + aa/c
		if math.Abs(c) < tinyFloat {
			c = tinyFloat
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < seriesEps {
			break
		}
	}
	return h
}

// lgammaHalfRatio returns ln Γ(a+1/2) - ln Γ(a) without the cancellation that
// subtracting two large log-gammas suffers when a is large: for a >= 10 it
// uses the difference of the two Stirling series.
func lgammaHalfRatio(a float64) float64 {
	if a < 10 {
		l1, _ := math.Lgamma(a + 0.5)
		l2, _ := math.Lgamma(a)
		return l1 - l2
	}
	h := 0.5
	// (a+h-1/2) ln(a+h) - (a-1/2) ln a - h, rearranged to avoid cancellation
	main := (a-0.5)*math.Log1p(h/a) + h*math.Log(a+h) - h
	return main + stirlingCorrection(a+h) - stirlingCorrection(a)
}

// stirlingCorrection returns ln Γ(z) - [(z-1/2) ln z - z + ln(2π)/2], by its
// asymptotic series; for z >= 10 the omitted terms are below 1e-15.
func stirlingCorrection(z float64) float64 {
	w := 1 / (z * z)
	return (1.0/12 + w*(-1.0/360+w*(1.0/1260+w*(-1.0/1680+w*(1.0/1188))))) / z
}

// studentTUpperTail returns P(T > t) for t >= 0 with df degrees of freedom,
// via P(T > t) = I_x(df/2, 1/2) / 2 with x = df/(df+t²). Logs of x and 1-x are
// formed with Log1p so that large df keep full precision. lhr is
// lgammaHalfRatio(df/2), passed in so root finding computes it once.
func studentTUpperTail(t, df, lhr float64) float64 {
	if t <= 0 {
		return 0.5
	}
	a, b := df/2, 0.5
	r := t * t / df
	x := 1 / (1 + r)
	y := r / (1 + r)
	lnx := -math.Log1p(r)
	lny := math.Log(r) + lnx
	// ln[Γ(a+b) / (Γ(a) Γ(b))] with Γ(1/2) = sqrt(π)
	lnFront := lhr - 0.5*math.Log(math.Pi) + a*lnx + b*lny
	front := math.Exp(lnFront)
	if x < (a+1)/(a+b+2) {
		return 0.5 * front * betaFraction(a, b, x) / a
	}
	return 0.5 * (1 - front*betaFraction(b, a, y)/b)
}

// studentTDensity returns the density of Student's t at t, given
// lhr = lgammaHalfRatio(df/2).
func studentTDensity(t, df, lhr float64) float64 {
	lnNorm := lhr - 0.5*math.Log(df*math.Pi)
	return math.Exp(lnNorm - (df+1)/2*math.Log1p(t*t/df))
}

// studentTQuantile returns the p-quantile of Student's t with df > 0 degrees
// of freedom; it equals qt(p, df) in R.
func studentTQuantile(p, df float64) float64 {
	switch {
	case math.IsNaN(p) || math.IsNaN(df) || df <= 0 || p < 0 || p > 1:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	case p == 0.5:
		return 0
	case p < 0.5:
		return -studentTUpperQuantile(p, df)
	default:
		return studentTUpperQuantile(1-p, df)
	}
}

// studentTUpperQuantile returns t > 0 with P(T > t) = tail, for tail in (0, 0.5).
// It solves on the upper-tail area so small areas keep their precision, from a
// Cornish-Fisher start, with Newton steps kept inside a bracket.
func studentTUpperQuantile(tail, df float64) float64 {
	if df == 1 { // Cauchy: closed form
		return math.Tan(math.Pi * (0.5 - tail))
	}
	if df == 2 { // closed form, t = (1-2α)/sqrt(2α(1-α))
		return (1 - 2*tail) / math.Sqrt(2*tail*(1-tail))
	}
	t := studentTStart(tail, df)
	if df >= cornishFisherDF {
		// The incomplete beta continued fraction loses digits for very large
		// df, while the expansion is already exact to double precision.
		return t
	}
	lhr := lgammaHalfRatio(df / 2)
	lo, hi := 0.0, math.Inf(1)
	for i := 0; i < maxRootSteps; i++ {
		f := tail - studentTUpperTail(t, df, lhr) // increases with t
		if f == 0 {
			return t
		}
		if f > 0 {
			hi = t
		} else {
			lo = t
		}
		next := t - f/studentTDensity(t, df, lhr)
		if !(next > lo && next < hi) || math.IsNaN(next) {
			next = bracketMidpoint(lo, hi, t)
		}
		if math.Abs(next-t) <= 4e-16*next {
			return next
		}
		t = next
	}
	return t
}

// studentTStart is the Cornish-Fisher expansion of the t quantile about the
// normal quantile (Abramowitz & Stegun 26.7.5, four correction terms). It is a
// close start for df >= 3, and for df >= cornishFisherDF its truncation error
// (of order df^-5) is below 1e-15, so it is used as the answer there.
func studentTStart(tail, df float64) float64 {
	z := -normQuantile(tail)
	z2 := z * z
	g1 := (z2 + 1) * z / 4
	g2 := ((5*z2+16)*z2 + 3) * z / 96
	g3 := (((3*z2+19)*z2+17)*z2 - 15) * z / 384
	g4 := ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) * z / 92160
	t := z + (g1+(g2+(g3+g4/df)/df)/df)/df
	if t <= 0 || math.IsNaN(t) {
		return z
	}
	return t
}
