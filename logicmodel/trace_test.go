package logicmodel_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openhpi/hpi/logicmodel"
)

// diamond: a1 → o1 → {s1, s2} → i; a2 → o1 as well; a1 → a2.
var diamond = []string{
	"id: d",
	"elements:",
	"  - {id: a1, column: activities, text: A1}",
	"  - {id: a2, column: activities, text: A2}",
	"  - {id: o1, column: outputs, text: O1}",
	"  - {id: s1, column: outcomes-short, text: S1}",
	"  - {id: s2, column: outcomes-medium, text: S2}",
	"  - {id: i, column: impact, text: I}",
	"links:",
	"  - {from: a1, to: o1}",
	"  - {from: a1, to: a2}",
	"  - {from: a2, to: o1}",
	"  - {from: o1, to: s1}",
	"  - {from: o1, to: s2}",
	"  - {from: s1, to: i}",
	"  - {from: s2, to: i}",
	"  - {from: s1, to: s2}",
}

func TestPaths_AllPathsInLinkOrder(t *testing.T) {
	m := load(t, diamond)
	paths, truncated, err := m.Paths("o1", "i")
	require.NoError(t, err)
	assert.False(t, truncated)
	// Depth-first, successors in link order: s1 first (s1 → i, then
	// s1 → s2 → i), then s2.
	assert.Equal(t, []logicmodel.Path{{"o1", "s1", "i"}, {"o1", "s1", "s2", "i"}, {"o1", "s2", "i"}}, paths)
}

func TestPathsToImpact_StartAtHeadActivities(t *testing.T) {
	m := load(t, diamond)
	paths, _, err := m.PathsToImpact()
	require.NoError(t, err)
	// a2 is led to by a1, so paths start at a1 only: through o1 directly
	// (3 ways on) and through a2 (3 ways on).
	assert.Equal(t, []logicmodel.Path{
		{"a1", "o1", "s1", "i"}, {"a1", "o1", "s1", "s2", "i"}, {"a1", "o1", "s2", "i"},
		{"a1", "a2", "o1", "s1", "i"}, {"a1", "a2", "o1", "s1", "s2", "i"}, {"a1", "a2", "o1", "s2", "i"},
	}, paths)
}

func TestPaths_Errors(t *testing.T) {
	m := load(t, diamond)
	_, _, err := m.Paths("nope", "i")
	assert.True(t, errors.Is(err, logicmodel.ErrUnknownElement))
	_, _, err = m.Paths("a1", "nope")
	assert.True(t, errors.Is(err, logicmodel.ErrUnknownElement))

	cyclic := load(t, append(append([]string(nil), diamond...), "  - {from: s2, to: s1}"))
	_, _, err = cyclic.Paths("a1", "i")
	assert.True(t, errors.Is(err, logicmodel.ErrCycle))
	_, _, err = cyclic.PathsToImpact()
	assert.True(t, errors.Is(err, logicmodel.ErrCycle))
	_, err = cyclic.Attach(nil)
	assert.True(t, errors.Is(err, logicmodel.ErrCycle))
	// Upstream and Downstream work on cycles.
	up, err := cyclic.Upstream("s1")
	require.NoError(t, err)
	assert.Equal(t, []string{"a1", "a2", "o1", "s2"}, up)
}

// TestPaths_Truncated: five layers of 10 elements fully linked give 10^5
// paths; enumeration stops at MaxPaths and says so.
func TestPaths_Truncated(t *testing.T) {
	lines := []string{"id: dense", "elements:", "  - {id: a, column: activities, text: A}", "  - {id: i, column: impact, text: I}"}
	cols := []string{"outputs", "outcomes-short", "outcomes-medium", "outcomes-long", "outcomes-long"}
	for l, c := range cols {
		for k := range 10 {
			lines = append(lines, fmt.Sprintf("  - {id: n%d_%d, column: %s, text: x}", l, k, c))
		}
	}
	lines = append(lines, "links:")
	for k := range 10 {
		lines = append(lines, fmt.Sprintf("  - {from: a, to: n0_%d}", k), fmt.Sprintf("  - {from: n4_%d, to: i}", k))
		for l := range 4 {
			for j := range 10 {
				lines = append(lines, fmt.Sprintf("  - {from: n%d_%d, to: n%d_%d}", l, k, l+1, j))
			}
		}
	}
	m := load(t, lines)
	paths, truncated, err := m.PathsToImpact()
	require.NoError(t, err)
	assert.True(t, truncated)
	assert.Len(t, paths, logicmodel.MaxPaths)
	assert.Equal(t, logicmodel.Path{"a", "n0_0", "n1_0", "n2_0", "n3_0", "n4_0", "i"}, paths[0])
}

func TestUpstreamDownstream(t *testing.T) {
	m := load(t, diamond)
	for _, tc := range []struct {
		id       string
		up, down []string
	}{
		{"a1", []string{}, []string{"a2", "o1", "s1", "s2", "i"}},
		{"o1", []string{"a1", "a2"}, []string{"s1", "s2", "i"}},
		{"s2", []string{"a1", "a2", "o1", "s1"}, []string{"i"}},
		{"i", []string{"a1", "a2", "o1", "s1", "s2"}, []string{}},
	} {
		up, err := m.Upstream(tc.id)
		require.NoError(t, err)
		assert.Equal(t, tc.up, up, "upstream of %s", tc.id)
		down, err := m.Downstream(tc.id)
		require.NoError(t, err)
		assert.Equal(t, tc.down, down, "downstream of %s", tc.id)
	}
	_, err := m.Downstream("nope")
	assert.True(t, errors.Is(err, logicmodel.ErrUnknownElement))
	assert.True(t, strings.Contains(err.Error(), `"nope"`))
}
