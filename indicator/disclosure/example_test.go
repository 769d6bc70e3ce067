package disclosure_test

import (
	"fmt"

	"github.com/openhpi/hpi/indicator/disclosure"
)

// The primary rule for single counts under the HES policy: 1–7 suppressed,
// zero published, everything else rounded to the nearest 5 (ties up).
func ExamplePolicy_Classify() {
	p := disclosure.HES()
	for _, count := range []float64{0, 3, 7, 8, 12, 12.5} {
		why, err := p.Classify(count)
		if err != nil {
			fmt.Println(err)
			return
		}
		text, _ := p.Render(count, why)
		if why.Suppressed() {
			fmt.Printf("%v -> %s (%s)\n", count, text, why)
		} else {
			fmt.Printf("%v -> %s\n", count, text)
		}
	}
	// Output:
	// 0 -> 0
	// 3 -> * (primary)
	// 7 -> * (primary)
	// 8 -> 10
	// 12 -> 10
	// 12.5 -> 15
}

// A numerator table by sex and age band under the CMS policy. The 4 is
// suppressed by the primary rule; since the row, column and grand totals are
// published, three more cells are suppressed so it cannot be worked out from
// them. Going through the 65+ column costs 31+27+18 = 76, less than the
// 25+40+18 = 83 through 18-64.
func ExamplePolicy_ApplyTable() {
	p := disclosure.CMS()
	ageBands := []string{"0-17", "18-64", "65+"}
	sexes := []string{"female", "male"}
	counts := [][]float64{
		{4, 25, 31},
		{18, 40, 27},
	}
	why, err := p.ApplyTable(counts)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%-7s%6s%6s%6s\n", "", ageBands[0], ageBands[1], ageBands[2])
	for r, row := range counts {
		fmt.Printf("%-7s", sexes[r])
		for c, n := range row {
			text, _ := p.Render(n, why[r][c])
			fmt.Printf("%6s", text)
		}
		fmt.Println()
	}
	for r, row := range why {
		for c, w := range row {
			if w.Suppressed() {
				fmt.Printf("%s %s: %s\n", sexes[r], ageBands[c], w)
			}
		}
	}
	// Output:
	//          0-17 18-64   65+
	// female      *    25     *
	// male        *    40     *
	// female 0-17: primary
	// female 65+: complementary
	// male 0-17: complementary
	// male 65+: complementary
}

// A rate is suppressed when its numerator or denominator is.
func ExampleDerived() {
	p := disclosure.CMS()
	numerator, denominator := 6.0, 140.0
	nWhy, _ := p.Classify(numerator)
	dWhy, _ := p.Classify(denominator)
	if why := disclosure.Derived(nWhy, dWhy); why.Suppressed() {
		fmt.Println("rate:", p.EffectiveMarker(), why)
		return
	}
	fmt.Printf("rate: %.1f%%\n", 100*numerator/denominator)
	// Output:
	// rate: * derived
}
