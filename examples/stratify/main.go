// Command stratify stratifies a synthetic population by LACE-style
// readmission risk and by Bridges to Health segment, and shows an
// indicator (emergency admissions per 1,000 person-years) by risk tier,
// by segment and by deprivation quintile, with the slope and relative
// indices of inequality. It writes the report and the equity measures as
// JSON to -out.
//
//	go run ./examples/stratify
//
// LACE inputs are bound to the synthetic record: L is the length of stay
// of the last emergency admission, A whether there was one, C a
// Charlson-type count from condition codes, E the emergency admissions in
// the last 6 months. The indicator counts the same admissions that feed L,
// A and E, so its gradient by tier is partly by construction: the example
// shows the machinery, not a validation of LACE.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/internal/synth"
	"github.com/openhpi/hpi/stratify"
)

const setYAML = `
id: stratify-example
title: Emergency admissions by risk tier, segment and deprivation
schema:
  unit: patient
  fields:
    age: int
    deprivation: {type: int, description: "IMD quintile, 1 = most deprived"}
    days_at_risk: double
    conditions: {fields: {code: string}}
    encounters: {fields: {class: string, start: timestamp, length_of_stay: int}}
parameters:
  # Windows as parameters: the year and the 6 months before 2025-03-31.
  year_start: {type: timestamp, default: "2024-03-31"}
  half_year_start: {type: timestamp, default: "2024-09-30"}
definitions:
  emergency: >
    encounters.filter(e, e.class == "emergency" && e.start > year_start)
  charlson_like: >
    (conditions.exists(c, c.code == "I25") ? 1 : 0) + (conditions.exists(c, c.code == "I50") ? 1 : 0)
    + (conditions.exists(c, c.code == "I63" || c.code == "G45") ? 1 : 0) + (conditions.exists(c, c.code == "F03") ? 1 : 0)
    + (conditions.exists(c, c.code == "J44") ? 1 : 0) + (conditions.exists(c, c.code == "E10" || c.code == "E11") ? 1 : 0)
    + (conditions.exists(c, c.code == "N18.4" || c.code == "N18.5") ? 2 : 0) + (conditions.exists(c, c.code.startsWith("C")) ? 2 : 0)
indicators:
  - id: EMERG-ADM
    title: Emergency admissions per 1,000 person-years
    type: rate
    polarity: lower-is-better
    multiplier: 1000
    numerator_value: double(size(emergency))
    denominator_value: days_at_risk / 365.0
    stratifiers: [lace_tier, bridges_to_health_segment, deprivation]
  - id: PEOPLE
    title: People by LACE tier and Bridges to Health segment
    type: count
    stratifiers: [lace_tier, bridges_to_health_segment]
`

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "stratify:", err)
		os.Exit(1)
	}
}

// output is the JSON written besides the report.
type output struct {
	Report *indicator.Report      `json:"report"`
	Equity *stratify.EquityResult `json:"equity"`
}

func run(args []string, w io.Writer) error {
	flags := flag.NewFlagSet("stratify", flag.ContinueOnError)
	n := flags.Int("n", 50_000, "number of synthetic patients")
	models := flags.String("models", "examples/riskmodels", "directory of the shipped risk models")
	out := flags.String("out", "out", "directory for the JSON output")
	if err := flags.Parse(args); err != nil {
		return err
	}
	lace, err := stratify.LoadFile(filepath.Join(*models, "lace.yaml"))
	if err != nil {
		return err
	}
	b2h, err := stratify.LoadFile(filepath.Join(*models, "bridges-to-health.yaml"))
	if err != nil {
		return err
	}
	spec, err := indicator.Parse("stratify-example.yaml", []byte(setYAML))
	if err != nil {
		return err
	}
	err = lace.Attach(spec, map[string]string{
		"length_of_stay_days": "size(emergency) > 0 ? emergency[size(emergency) - 1].length_of_stay : 0",
		"emergency_admission": "size(emergency) > 0",
		"comorbidity_score":   "charlson_like",
		"ed_visits_6m":        "size(emergency.filter(e, e.start > half_year_start))",
	})
	if err != nil {
		return err
	}
	err = b2h.Attach(spec, map[string]string{
		"age":                      "age",
		"dementia":                 `conditions.exists(c, c.code == "F03")`,
		"organ_failure":            `conditions.exists(c, c.code == "I50" || c.code == "J44" || c.code == "N18.4" || c.code == "N18.5")`,
		"cancer":                   `conditions.exists(c, c.code.startsWith("C"))`,
		"disabling_condition":      `conditions.exists(c, c.code == "I63")`,
		"chronic_conditions":       "size(conditions)",
		"emergency_admissions_12m": "size(emergency)",
		"maternal_or_infant":       "age < 1",
	})
	if err != nil {
		return err
	}
	set, err := indicator.Compile(spec)
	if err != nil {
		return err
	}
	src, err := synth.NewSource(set.Schema(), synth.Config{N: *n, Seed: 2025})
	if err != nil {
		return err
	}
	rep, err := set.Evaluate(context.Background(), src)
	if err != nil {
		return err
	}
	people, _ := rep.Result("PEOPLE")
	adm, _ := rep.Result("EMERG-ADM")
	fmt.Fprintf(w, "%d synthetic patients (%d errored)\n\n", rep.Read, people.Accounting.Errored)
	fmt.Fprintln(w, "LACE tiers (the pyramid)")
	printCounts(w, people, "lace_tier", tierNames(lace))
	fmt.Fprintln(w, "\nBridges to Health segments")
	printCounts(w, people, "bridges_to_health_segment", segmentNames(b2h))
	fmt.Fprintf(w, "\n%s: %.1f (%.1f-%.1f)\n", adm.Title, adm.Value, adm.Lower, adm.Upper)
	for _, s := range adm.Stratifiers {
		fmt.Fprintf(w, "  by %s\n", s.ID)
		for _, st := range s.Strata {
			fmt.Fprintf(w, "    %-26s %8.1f (%.1f-%.1f)\n", st.Values[0], st.Value, st.Lower, st.Upper)
		}
	}
	eq, err := stratify.Equity(*adm, "deprivation")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nInequality by deprivation quintile (1 = most deprived)\n")
	fmt.Fprintf(w, "  SII %.1f per 1,000 (%.1f to %.1f), RII %.2f (%.2f to %.2f)\n", eq.SII.Value, eq.SII.Lower, eq.SII.Upper, eq.RII.Value, eq.RII.Lower, eq.RII.Upper)
	fmt.Fprintf(w, "  concentration index %.3f (%.3f to %.3f)\n", eq.Concentration.Value, eq.Concentration.Lower, eq.Concentration.Upper)
	fmt.Fprintf(w, "  rate ratio Q%s/Q%s %.2f (%.2f-%.2f), difference %.1f per 1,000 (%.1f to %.1f)\n", eq.MostDeprived, eq.LeastDeprived,
		eq.RateRatio.Value, eq.RateRatio.Lower, eq.RateRatio.Upper, eq.RateDifference.Value, eq.RateDifference.Lower, eq.RateDifference.Upper)
	return writeJSON(*out, output{Report: rep, Equity: eq})
}

func tierNames(m *stratify.Model) []string {
	var out []string
	for _, t := range m.Tiers {
		out = append(out, t.Name)
	}
	return out
}

func segmentNames(m *stratify.Model) []string {
	var out []string
	for _, s := range m.Segments {
		out = append(out, s.Name)
	}
	return out
}

// printCounts prints the count of each group in the model's order, with
// zero for groups nobody is in.
func printCounts(w io.Writer, res *indicator.Result, strat string, names []string) {
	counts := map[string]float64{}
	for _, s := range res.Stratifiers {
		if s.ID == strat {
			for _, st := range s.Strata {
				counts[st.Values[0]] = float64(st.Numerator)
			}
		}
	}
	for i := len(names) - 1; i >= 0; i-- {
		c := counts[names[i]]
		fmt.Fprintf(w, "  %-26s %8.0f %5.1f%%\n", names[i], c, 100*c/float64(res.Accounting.Included))
	}
}

func writeJSON(dir string, v output) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rep, err := v.Report.MarshalJSON()
	if err != nil {
		return err
	}
	eq, err := json.Marshal(v.Equity)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(`{"report":`+string(rep)+`,"equity":`+string(eq)+`}`), "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	return os.WriteFile(filepath.Join(dir, "stratify.json"), buf.Bytes(), 0o644)
}
