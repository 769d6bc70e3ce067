package stats

import (
	"math"
	"testing"
)

// Reference quantiles were computed with mpmath 1.2.1 at 50 significant
// digits (root of the regularized incomplete gamma / beta function, or of the
// normal CDF) at the exact binary value of each float64 argument, and agree
// with R 4.2.2's qnorm, qchisq and qt to 14 digits or better. Classical table
// values (z(0.975) = 1.959963984540054, χ²(0.95; 1) = 3.841458820694124,
// t(0.975; 10) = 2.228138851986274) are among them.
const quantileTolerance = 1e-12

func TestNormQuantile_MatchesReferenceTable(t *testing.T) {
	cases := []struct {
		name string
		p    float64
		want float64
	}{
		{"z 0.975 (95% two-sided)", 0.975, 1.9599639845400538556},
		{"z 0.999 (99.8% two-sided)", 0.999, 3.0902323061678132778},
		{"z 0.995", 0.995, 2.5758293035489004539},
		{"lower tail 0.0005", 0.0005, -3.2905267314918947874},
		{"central 0.3", 0.3, -0.52440051270804081597},
		{"far tail 1e-10", 1e-10, -6.3613409024040561991},
		{"extreme tail 1e-300", 1e-300, -37.047096299361199237},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkRel(t, "normQuantile", normQuantile(c.p), c.want, quantileTolerance)
		})
	}
}

func TestNormQuantile_PublishedTableValue(t *testing.T) {
	checkRel(t, "z(0.975)", normQuantile(0.975), 1.959963984540054, quantileTolerance)
	checkRel(t, "zTwoSided(0.95)", zTwoSided(0.95), 1.959963984540054, quantileTolerance)
	checkRel(t, "zTwoSided(0.998)", zTwoSided(0.998), 3.090232306167813, quantileTolerance)
}

func TestNormQuantile_EdgesAndSymmetry(t *testing.T) {
	if normQuantile(0.5) != 0 {
		t.Errorf("normQuantile(0.5) = %v, want 0", normQuantile(0.5))
	}
	if !math.IsInf(normQuantile(0), -1) || !math.IsInf(normQuantile(1), 1) {
		t.Errorf("normQuantile(0), (1) = %v, %v, want -Inf, +Inf", normQuantile(0), normQuantile(1))
	}
	for _, p := range []float64{-0.1, 1.1, math.NaN()} {
		if !math.IsNaN(normQuantile(p)) {
			t.Errorf("normQuantile(%v) = %v, want NaN", p, normQuantile(p))
		}
	}
	for _, p := range []float64{0.001, 0.025, 0.2, 0.49} {
		if normQuantile(p) != -normQuantile(1-p) && !closeRel(normQuantile(p), -normQuantile(1-p), 1e-14) {
			t.Errorf("normQuantile(%v) = %v is not -normQuantile(%v) = %v", p, normQuantile(p), 1-p, normQuantile(1-p))
		}
	}
}

func TestChiSquareQuantile_MatchesReferenceTable(t *testing.T) {
	cases := []struct {
		name  string
		p, df float64
		want  float64
	}{
		{"exact Poisson lower limit for 1 event, 95%", 0.025, 2, 0.050635615968579753654},
		{"exact Poisson upper limit for 0 events, 95%", 0.975, 2, 7.3777589082278708293},
		{"table value 0.95 df 1", 0.95, 1, 3.8414588206941244691},
		{"0.025 df 4", 0.025, 4, 0.4844185570879298204},
		{"0.975 df 20", 0.975, 20, 34.169606902838337208},
		{"99.8% lower tail df 6", 0.001, 6, 0.38106675513680638399},
		{"99.8% upper tail df 20", 0.999, 20, 45.31474661812585865},
		{"large df upper", 0.975, 1434, 1540.844620848213111},
		{"large df lower", 0.025, 1432, 1329.0168412380025323},
		{"fractional df median", 0.5, 0.6, 0.14626227173390379109},
		{"fractional df far lower tail", 0.001, 0.6, 1.394539819356668932e-10},
		{"small df upper tail", 0.999, 0.1, 5.4729171974573511841},
		{"very small tail df 3", 1e-5, 3, 0.0011225825800018480654},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkRel(t, "chiSquareQuantile", chiSquareQuantile(c.p, c.df), c.want, quantileTolerance)
		})
	}
}

func TestChiSquareQuantile_InvertsTheDistribution(t *testing.T) {
	// Independent of the table: P(a, x) at the returned quantile gives back p.
	for _, df := range []float64{0.2, 1, 2, 7, 19, 20, 200, 2000} {
		for _, p := range []float64{0.001, 0.025, 0.5, 0.975, 0.999} {
			x := chiSquareQuantile(p, df)
			lg, _ := math.Lgamma(df / 2)
			lower, upper, _ := gammaPQ(df/2, x/2, lg)
			got, want := lower, p
			if p > 0.5 {
				got, want = upper, 1-p
			}
			if !closeRel(got, want, 1e-12) {
				t.Errorf("df %v p %v: tail at quantile %v = %v, want %v", df, p, x, got, want)
			}
		}
	}
}

func TestStudentTQuantile_MatchesReferenceTable(t *testing.T) {
	cases := []struct {
		name  string
		p, df float64
		want  float64
	}{
		{"df 1 (Cauchy)", 0.975, 1, 12.706204736174693314},
		{"df 2 closed form", 0.975, 2, 4.3026527297494617894},
		{"df 3", 0.975, 3, 3.1824463052837084359},
		{"df 3, 99.8%", 0.999, 3, 10.214531852407383456},
		{"table value df 10", 0.975, 10, 2.2281388519862742245},
		{"df 9, 99.8%", 0.999, 9, 4.2968056627299178805},
		{"df 30", 0.975, 30, 2.0422724563012378878},
		{"df 99, 99.8%", 0.999, 99, 3.17460384975575194},
		{"lower tail df 5", 0.025, 5, -2.570581835636315469},
		{"central df 7", 0.6, 7, 0.26316686135202275215},
		{"far tail df 3", 0.9999999, 3, 222.57159098625124254},
		{"fractional df", 0.975, 2.5, 3.5746548420036817607},
		{"df 5000, 99.8%", 0.999, 5000, 3.0918631199609815656},
		{"df 20000 (expansion)", 0.975, 20000, 1.9600826051581348142},
		{"df 1e6 (expansion)", 0.975, 1e6, 1.9599663568141066553},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkRel(t, "studentTQuantile", studentTQuantile(c.p, c.df), c.want, quantileTolerance)
		})
	}
}

func TestStudentTQuantile_Edges(t *testing.T) {
	if studentTQuantile(0.5, 4) != 0 {
		t.Errorf("median = %v, want 0", studentTQuantile(0.5, 4))
	}
	if !math.IsInf(studentTQuantile(1, 4), 1) || !math.IsInf(studentTQuantile(0, 4), -1) {
		t.Error("quantiles at 0 and 1 must be infinite")
	}
	for _, c := range [][2]float64{{0.5, 0}, {0.5, -1}, {-1, 3}, {math.NaN(), 3}} {
		if !math.IsNaN(studentTQuantile(c[0], c[1])) {
			t.Errorf("studentTQuantile(%v, %v) = %v, want NaN", c[0], c[1], studentTQuantile(c[0], c[1]))
		}
	}
}
