package indicator_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/indicator"
)

// hundredIndicators is the quickstart set with its ten indicators repeated
// ten times under new ids and with different thresholds: 100 indicators.
func hundredIndicators(tb testing.TB) []byte {
	tb.Helper()
	src, err := os.ReadFile("../examples/quickstart/quickstart.yaml")
	require.NoError(tb, err)
	head, body, ok := strings.Cut(string(src), "indicators:\n")
	require.True(tb, ok)
	var b strings.Builder
	b.WriteString(head + "indicators:\n")
	for k := range 10 {
		copy := strings.ReplaceAll(body, "  - id: ", fmt.Sprintf("  - id: R%d-", k))
		copy = strings.ReplaceAll(copy, "age >= 18", fmt.Sprintf("age >= %d", 18+k))
		b.WriteString(copy)
	}
	return []byte(b.String())
}

func TestHundredIndicatorsCompile(t *testing.T) {
	set, err := indicator.Load("hundred.yaml", hundredIndicators(t))
	require.NoError(t, err)
	require.Len(t, set.Spec().Indicators, 100)
}

// BenchmarkCompile100 loads and compiles a set of 100 indicators.
func BenchmarkCompile100(b *testing.B) {
	src := hundredIndicators(b)
	for b.Loop() {
		if _, err := indicator.Load("hundred.yaml", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorkers evaluates the quickstart set on 1 and 2 workers; the
// ratio of the two is the scaling.
func BenchmarkWorkers(b *testing.B) {
	set := loadQuickstart(b)
	_, batches := population(b, set, benchSize(b)/5)
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprint(w), func(b *testing.B) {
			for b.Loop() {
				if _, err := set.Evaluate(context.Background(), indicator.Batches(batches...), indicator.WithWorkers(w)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
