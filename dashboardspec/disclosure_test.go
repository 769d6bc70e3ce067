package dashboardspec

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
	"github.com/openhpi/hpi/indicator/disclosure"
)

// TestDisclosure_SuppressedCountsAppearInNoOutput marks one practice of
// STATIN as withheld while leaving distinctive numbers in its fields (as a
// careless producer of a report might) and checks that none of them reaches
// any emitter's output, and that the suppression note does.
func TestDisclosure_SuppressedCountsAppearInNoOutput(t *testing.T) {
	rep, series := evaluate(t)
	r, ok := rep.Result("STATIN")
	require.True(t, ok)
	var st *indicator.Stratum
	for i := range r.Stratifiers {
		if r.Stratifiers[i].ID == "practice" {
			st = &r.Stratifiers[i].Strata[3]
		}
	}
	require.NotNil(t, st)
	st.Numerator, st.Denominator = 4217, 98731
	st.Value, st.Lower, st.Upper = 4.271234, 3.981234, 4.591234
	st.Suppressed = &indicator.Suppression{Numerator: disclosure.ReasonPrimary, Denominator: disclosure.ReasonComplementary}
	focus := strings.Join(st.Values, " / ")

	d, err := FromReport(rep, WithAreaStratifier("practice"), WithFocusArea(focus), WithSeries(series))
	require.NoError(t, err)
	outputs := emitAll(t, d, "x")
	for name, out := range outputs {
		for _, secret := range []string{"4217", "98731", "98,731", "4,217", "4.271234", "4.3", "3.981234", "4.0", "4.591234", "4.6"} {
			// the number standing alone, not as part of another number
			re := regexp.MustCompile(`(^|[^0-9.,])` + regexp.QuoteMeta(secret) + `([^0-9]|$)`)
			if loc := re.FindIndex(out); loc != nil {
				t.Errorf("%s shows the withheld number %s: …%s…", name, secret, out[max(0, loc[0]-80):min(len(out), loc[1]+80)])
			}
		}
	}
	assert.Contains(t, string(outputs["x.html"]), "strata of practice withheld")
}

// TestDisclosure_ReportSuppressionIsCarried evaluates an indicator under a
// disclosure policy: every stratum the report withheld is null in the
// dashboard's datasets, compared with nothing, and noted in the provenance.
func TestDisclosure_ReportSuppressionIsCarried(t *testing.T) {
	rep, _ := evaluate(t)
	r, ok := rep.Result("STATIN-SDC")
	require.True(t, ok)
	d, err := FromReport(rep, WithAreaStratifier("practice"))
	require.NoError(t, err)
	withheld := 0
	for _, sr := range r.Stratifiers {
		for _, st := range sr.Strata {
			if st.Suppressed == nil {
				continue
			}
			withheld++
			label := strings.Join(st.Values, " / ")
			found := false
			for _, ds := range d.Datasets {
				if !strings.Contains(ds.ID, "statin-sdc-"+strings.ToLower(sr.ID)) || ds.Field("stratum") < 0 {
					continue
				}
				for _, row := range ds.Rows {
					if row[0].String() != label {
						continue
					}
					found = true
					for _, f := range []string{"value", "lower", "upper"} {
						assert.True(t, row[ds.Field(f)].IsNull(), "%s %s: %s shown", ds.ID, label, f)
					}
					if st.Suppressed.Numerator.Suppressed() {
						assert.True(t, row[ds.Field("numerator")].IsNull(), "%s %s: numerator shown", ds.ID, label)
					}
					if st.Suppressed.Denominator.Suppressed() {
						assert.True(t, row[ds.Field("denominator")].IsNull(), "%s %s: denominator shown", ds.ID, label)
					}
					assert.Equal(t, "not compared", row[ds.Field("comparison")].String())
				}
			}
			assert.True(t, found, "stratum %s of %s not in any dataset", label, sr.ID)
		}
	}
	require.Positive(t, withheld, "the test set should withhold some strata")
	notes := 0
	for _, p := range d.Panels {
		if p.Provenance != nil && p.Provenance.Indicator == "STATIN-SDC" {
			notes += len(p.Provenance.Suppression)
		}
	}
	assert.Positive(t, notes)
}
