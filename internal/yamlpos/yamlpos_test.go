package yamlpos

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func problems(t *testing.T, data string) []Problem {
	t.Helper()
	var n yaml.Node
	err := yaml.Unmarshal([]byte(data), &n)
	require.Error(t, err)
	return Problems([]byte(data), err)
}

func TestProblems(t *testing.T) {
	for _, c := range []struct {
		name, data string
		want       Problem
	}{
		{"line given", "a: 1\nb: [\n", Problem{Line: 2, Message: "did not find expected node content"}},
		{"first line", "a: [", Problem{Line: 1, Message: "did not find expected node content"}},
		{"invalid UTF-8", "a: 1\nbé: x\xff\n", Problem{Line: 2, Column: 6, Message: "invalid leading UTF-8 octet"}},
		{"control character", "a: 1\nb: 2\n  c\x01", Problem{Line: 3, Column: 4, Message: "control characters are not allowed"}},
		{"control character first", "\x00", Problem{Line: 1, Column: 1, Message: "control characters are not allowed"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := problems(t, c.data)
			require.Len(t, got, 1)
			assert.Equal(t, c.want, got[0])
		})
	}
}

func TestProblems_TypeError(t *testing.T) {
	data := "a: x\nb: y\n"
	var v struct{ A, B int }
	err := yaml.Unmarshal([]byte(data), &v)
	require.Error(t, err)
	got := Problems([]byte(data), err)
	require.Len(t, got, 2)
	assert.Equal(t, 1, got[0].Line)
	assert.Equal(t, 2, got[1].Line)
	assert.Contains(t, got[1].Message, "cannot unmarshal")
}
