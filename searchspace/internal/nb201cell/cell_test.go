package nb201cell

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace/internal/graphs"
)

// op and cell stand in for a space's Op and Arch types.
type op uint8

type cell [NumEdges]op

var types = NodeTypes{Input: 0, Output: 1, None: 2}

func TestLiveAndGraph(t *testing.T) {
	// Edges: 0 (1←0), 1 (2←0), 2 (2←1), 3 (3←0), 4 (3←1), 5 (3←2).
	tests := []struct {
		name  string
		cell  cell
		live  [NumEdges]bool
		ops   []int // node types of the graph
		edges [][2]int
	}{
		{"all none", cell{},
			[NumEdges]bool{}, []int{0, 2, 2, 2, 2, 2, 2, 1}, nil},
		{"direct edge only", cell{3, 1, 0, 2, 0, 0},
			// (1←0) and (2←0) lead nowhere.
			[NumEdges]bool{false, false, false, true, false, false},
			[]int{0, 2, 2, 2, 4, 2, 2, 1}, [][2]int{{0, 4}, {4, 7}}},
		{"unreachable source", cell{0, 0, 3, 0, 4, 1},
			// node 1 has no input, so (2←1), (3←1) and (3←2) are dead.
			[NumEdges]bool{}, []int{0, 2, 2, 2, 2, 2, 2, 1}, nil},
		{"chain 0→1→2→3", cell{1, 0, 2, 0, 0, 3},
			[NumEdges]bool{true, false, true, false, false, true},
			[]int{0, 3, 2, 4, 2, 2, 5, 1}, [][2]int{{0, 1}, {1, 3}, {3, 6}, {6, 7}}},
		{"all live", cell{1, 1, 1, 1, 1, 1},
			[NumEdges]bool{true, true, true, true, true, true},
			[]int{0, 3, 3, 3, 3, 3, 3, 1},
			[][2]int{{0, 1}, {0, 2}, {0, 4}, {1, 3}, {1, 5}, {2, 6}, {3, 6}, {4, 7}, {5, 7}, {6, 7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.live, Live(tt.cell))
			g := Graph(tt.cell, types, 0)
			assert.Equal(t, tt.ops, g.Ops)
			assert.Equal(t, tt.edges, graphs.Edges(g))
			assert.Nil(t, g.Features)
			require.NoError(t, g.Validate(6, GraphNodes, 0))
		})
	}
}

func TestIndexAt(t *testing.T) {
	tests := []struct {
		cell   cell
		numOps int
		index  int
	}{
		{cell{}, 5, 0},
		{cell{0, 0, 0, 0, 0, 1}, 5, 1},
		{cell{1, 0, 0, 0, 0, 0}, 5, 3125},
		{cell{4, 4, 4, 4, 4, 4}, 5, 15624},
		{cell{3, 3, 3, 3, 3, 3}, 4, 4095},
		{cell{0, 0, 0, 0, 1, 2}, 4, 6},
		{cell{0, 0, 4, 0, 0, 0}, 4, -1}, // op 4 is not one of 4 ops
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.cell, tt.numOps), func(t *testing.T) {
			assert.Equal(t, tt.index, Index(tt.cell, tt.numOps))
			if tt.index >= 0 {
				assert.Equal(t, tt.cell, At[cell](tt.index, tt.numOps))
			}
		})
	}
}

func TestSampleMutate(t *testing.T) {
	for _, numOps := range []int{4, 5} {
		rng := rand.New(rand.NewPCG(1, uint64(numOps)))
		for range 1000 {
			c := Sample[cell](numOps, rng)
			require.GreaterOrEqual(t, Index(c, numOps), 0, "%v", c)
			m := Mutate(c, numOps, rng)
			require.GreaterOrEqual(t, Index(m, numOps), 0, "%v", m)
			changed := 0
			for k := range c {
				if c[k] != m[k] {
					changed++
				}
			}
			require.Equal(t, 1, changed, "%v → %v", c, m)
		}
		// The same seed gives the same draws.
		a := Mutate(Sample[cell](numOps, rand.New(rand.NewPCG(9, 9))), numOps, rand.New(rand.NewPCG(3, 3)))
		b := Mutate(Sample[cell](numOps, rand.New(rand.NewPCG(9, 9))), numOps, rand.New(rand.NewPCG(3, 3)))
		assert.Equal(t, a, b)
	}
}

func BenchmarkGraph(b *testing.B) {
	c := cell{3, 3, 1, 0, 2, 4}
	for b.Loop() {
		Graph(c, types, 3)
	}
}
