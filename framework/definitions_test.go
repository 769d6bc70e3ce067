package framework

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
)

// Each definition of the merged set is computed at most once per record,
// however many indicators of either set use it: indicator.WithStats counts
// every computation (a memoised reuse is not one). in_period is read by
// every record (it feeds the initial population of indicators that every
// record enters) and by 8 indicators and emergency_admissions: exactly n
// computations means once per record.
func TestEvaluate_EachDefinitionAtMostOncePerRecord(t *testing.T) {
	f := loadExample(t)
	n := *onePassN
	var st indicator.Stats
	_, err := f.Evaluate(context.Background(), population(t, f, n), indicator.WithStats(&st))
	require.NoError(t, err)
	require.Equal(t, int64(n), st.Records, "each record read once")
	require.NotEmpty(t, st.Evaluations)
	for name, c := range st.Evaluations {
		assert.LessOrEqual(t, c, int64(n), "definition %s", name)
	}
	assert.Equal(t, int64(n), st.Evaluations["in_period"])
}
