// Package hpi is an embeddable SDK for healthcare performance intelligence:
// it turns patient-level or area-level data into indicators a health system
// can act on, with the statistics public-health analysts expect.
//
// Users define indicators, performance frameworks, logic models and risk
// stratification rules as YAML, with decision rules and cut-off points as
// CEL expressions. hpi compiles them once, evaluates them over data in one
// pass, and returns typed results, reports and dashboard definitions.
//
// # The packages
//
//   - indicator: schemas, records, the CEL environment, indicator
//     definitions (proportion, ratio, rate, mean, count), one-pass
//     evaluation and reports (JSON, CSV).
//   - indicator/stats: confidence intervals (Wilson, exact Poisson, Byar,
//     Student t, Dobson), standardisation (DSR, ISR), funnel limits,
//     benchmark comparison, inequality (SII, RII, concentration index) and
//     life expectancy, exact to the public-health reference methods.
//   - indicator/spc: statistical process control: Shewhart charts, Anhøj
//     runs analysis and NHS Making Data Count rules, fed by
//     Set.EvaluateSeries.
//   - indicator/disclosure: small-number suppression, rounding and
//     complementary suppression of stratified tables.
//   - indicator/source: readers for CSV, JSON Lines and Go slices.
//
// Dependencies point one way: stats, spc and disclosure use the standard
// library only; indicator uses them and CEL; source uses indicator.
//
// # A short example
//
//	set, err := indicator.LoadFile("diabetes.yaml") // parse, type-check, compile
//	if err != nil {
//		log.Fatal(err) // every problem, each with file:line:column
//	}
//	f, _ := os.Open("patients.csv")
//	src := source.CSV(f, set.Schema())
//	rep, err := set.Evaluate(ctx, src, indicator.WithParams(map[string]any{
//		"period_end": "2025-03-31",
//	}))
//	if err != nil {
//		log.Fatal(err)
//	}
//	for _, r := range rep.Indicators {
//		fmt.Printf("%-12s %6.1f%s (%.1f-%.1f)  n=%.0f\n",
//			r.ID, r.Value, r.Unit, r.Lower, r.Upper, r.Accounting.Included)
//	}
//	rep.WriteJSON(os.Stdout) // stable bytes: sorted keys, fixed float format
//
// The runnable version of this tour is examples/quickstart.
package hpi
