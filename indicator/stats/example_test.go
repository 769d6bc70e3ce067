package stats_test

import (
	"fmt"

	"github.com/openhpi/hpi/indicator/stats"
)

func ExampleProportion() {
	// 65 of 100 people, as a percentage with a 95% Wilson interval.
	e, err := stats.Proportion(65, 100, 0.95)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.1f%% (%.1f%% to %.1f%%) %s\n", 100*e.Value, 100*e.Lower, 100*e.Upper, e.Method)
	// Output: 65.0% (55.3% to 73.6%) wilson
}

func ExampleRate() {
	// 3 deaths in 250 person-years: exact interval, per 1 000.
	e, _ := stats.Rate(3, 250, 0.95)
	fmt.Printf("%.2f (%.2f to %.2f) per 1,000, %s\n", 1000*e.Value, 1000*e.Lower, 1000*e.Upper, e.Method)
	// 250 deaths in 100 000: Byar's method, per 100 000.
	e, _ = stats.Rate(250, 100000, 0.998)
	fmt.Printf("%.1f (%.1f to %.1f) per 100,000, %s\n", 1e5*e.Value, 1e5*e.Lower, 1e5*e.Upper, e.Method)
	// Output:
	// 12.00 (2.47 to 35.07) per 1,000, exact
	// 250.0 (204.0 to 302.8) per 100,000, byar
}

func ExampleDSR() {
	// Three age bands standardised to a three-band standard population.
	counts := []float64{2, 4, 6}
	pops := []float64{1000, 1500, 900}
	std := []float64{30, 50, 20}
	e, err := stats.DSR(counts, pops, std, 0.95)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.1f (%.1f to %.1f) per 100,000, %s\n", 1e5*e.Value, 1e5*e.Lower, 1e5*e.Upper, e.Method)

	_, err = stats.DSR([]float64{2, 3}, []float64{100, 100}, []float64{1, 1}, 0.95)
	fmt.Println(err)
	// Output:
	// 326.7 (165.8 to 574.9) per 100,000, dobson
	// stats: too few events: total count 5 is below 10
}

func ExampleCompareToBenchmark() {
	area, _ := stats.Proportion(650, 1000, 0.95) // 65.0% (62.0% to 67.9%)
	fmt.Println(stats.CompareToBenchmark(area, 0.60, stats.HigherIsBetter))
	fmt.Println(stats.CompareToBenchmark(area, 0.60, stats.LowerIsBetter))
	fmt.Println(stats.CompareToBenchmark(area, 0.64, stats.HigherIsBetter))
	fmt.Println(stats.CompareToBenchmark(area, 0.60, stats.NoJudgement))
	// Output:
	// better
	// worse
	// similar
	// higher
}

func ExampleProportionFunnel() {
	limits, _ := stats.ProportionFunnel(0.8, 1000)
	fmt.Printf("95%%: %.4f-%.4f, 99.8%%: %.4f-%.4f\n", limits.Lower95, limits.Upper95, limits.Lower998, limits.Upper998)
	fmt.Println(stats.ClassifyFunnel(0.83, limits))
	// Output:
	// 95%: 0.7752-0.8248, 99.8%: 0.7609-0.8391
	// High (0.025)
}

func ExampleLifeExpectancy() {
	deaths := []float64{17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937}
	pops := []float64{7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601, 50209, 56416, 46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936}
	le, _ := stats.LifeExpectancy(deaths, pops, 0.95)
	fmt.Printf("at birth %.2f (%.2f to %.2f)\n", le[0].Value, le[0].Lower, le[0].Upper)
	// Output: at birth 80.17 (79.88 to 80.46)
}
