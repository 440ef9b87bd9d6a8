package graphs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNew(t *testing.T) {
	g := New(5, 3)
	require.Len(t, g.Features, 5)
	require.NoError(t, g.Validate(1, 5, 3))
	// Rows are capped: appending to one must not write into the next.
	g.Adj[0] = append(g.Adj[0], true)
	g.Features[0] = append(g.Features[0], 7)
	assert.False(t, g.Adj[1][0])
	assert.Zero(t, g.Features[1][0])
	assert.Nil(t, New(5, 0).Features)

	h := New(3, 0)
	Wire(h, [2]int{0, 1}, [2]int{1, 2})
	assert.Equal(t, [][]bool{{false, true, false}, {false, false, true}, {false, false, false}}, h.Adj)
}
