package nasbench201

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace/internal/graphs"
)

func mustParse(t testing.TB, s string) Arch {
	t.Helper()
	a, err := Parse(s)
	require.NoError(t, err)
	return a
}

func TestEncodeCellHandMade(t *testing.T) {
	const (
		in  = NodeInput
		out = NodeOutput
		no  = NodeNone
		sk  = NodeSkipConnect
		c1  = NodeConv1x1
		c3  = NodeConv3x3
		ap  = NodeAvgPool3x3
	)
	tests := []struct {
		name  string
		arch  string
		ops   []int
		edges [][2]int
	}{
		{"all none: no path, no edges",
			"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
			[]int{in, no, no, no, no, no, no, out}, nil},
		{"only the direct edge 0→3",
			"|nor_conv_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|none~2|",
			// (1←0) and (2←0) lead nowhere: dead.
			[]int{in, no, no, no, c1, no, no, out}, [][2]int{{0, 4}, {4, 7}}},
		{"edge from an unreachable node is dead",
			"|none~0|+|none~0|nor_conv_3x3~1|+|none~0|avg_pool_3x3~1|skip_connect~2|",
			// node 1 has no input, so (2←1), (3←1) and then (3←2) are dead.
			[]int{in, no, no, no, no, no, no, out}, nil},
		{"chain 0→1→2→3",
			"|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|none~0|none~1|avg_pool_3x3~2|",
			[]int{in, c3, no, c1, no, no, ap, out}, [][2]int{{0, 1}, {1, 3}, {3, 6}, {6, 7}}},
		{"row 1 of the benchmark",
			row1,
			[]int{in, c3, c3, ap, sk, c3, sk, out},
			[][2]int{{0, 1}, {0, 2}, {0, 4}, {1, 3}, {1, 5}, {2, 6}, {3, 6}, {4, 7}, {5, 7}, {6, 7}}},
		{"all conv3x3: every edge live",
			"|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
			[]int{in, c3, c3, c3, c3, c3, c3, out},
			[][2]int{{0, 1}, {0, 2}, {0, 4}, {1, 3}, {1, 5}, {2, 6}, {3, 6}, {4, 7}, {5, 7}, {6, 7}}},
	}
	s := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := s.EncodeCell(mustParse(t, tt.arch))
			require.NoError(t, err)
			require.NoError(t, g.Validate(len(s.OpNames()), s.MaxNodes(), s.NumFeatures()))
			assert.Equal(t, tt.ops, g.Ops)
			assert.Equal(t, tt.edges, graphs.Edges(g))
		})
	}
}

func TestReductionGraph(t *testing.T) {
	g := ReductionGraph()
	s := New()
	require.NoError(t, g.Validate(len(s.OpNames()), s.MaxNodes(), 0))
	names := make([]string, len(g.Ops))
	for i, o := range g.Ops {
		names[i] = s.OpNames()[o]
	}
	assert.Equal(t, []string{"input", "resblock_conv_3x3", "resblock_conv_3x3", "resblock_avg_pool_2x2", "resblock_conv_1x1", "output"}, names)
	assert.Equal(t, [][2]int{{0, 1}, {0, 3}, {1, 2}, {2, 5}, {3, 4}, {4, 5}}, graphs.Edges(g))
}

func TestEncodeSequence(t *testing.T) {
	s := New()
	a := mustParse(t, row1)
	seq, err := s.Encode(a)
	require.NoError(t, err)
	require.Len(t, seq, 17)
	cell, err := s.EncodeCell(a)
	require.NoError(t, err)
	red := ReductionGraph()
	for i, g := range seq {
		require.NoError(t, g.Validate(len(s.OpNames()), s.MaxNodes(), s.NumFeatures()), "unit %d", i)
		if i == 5 || i == 11 {
			assert.Equal(t, red, g, "unit %d is a reduction block", i)
		} else {
			assert.Equal(t, cell, g, "unit %d is the cell", i)
		}
	}
	// Units share no memory: changing one leaves the others alone.
	seq[0].Ops[1] = NodeNone
	seq[0].Adj[0][1] = false
	seq[5].Adj[0][1] = false
	assert.Equal(t, cell, seq[1])
	assert.Equal(t, red, seq[11])
	assert.Equal(t, red, ReductionGraph())
}

// liveByPaths is an independent liveness oracle: an edge is live if it lies
// on one of the four input→output paths of the cell with all its edges
// non-none.
func liveByPaths(a Arch) [NumEdges]bool {
	edgeIndex := map[[2]int]int{{0, 1}: 0, {0, 2}: 1, {1, 2}: 2, {0, 3}: 3, {1, 3}: 4, {2, 3}: 5}
	paths := [][]int{{0, 3}, {0, 1, 3}, {0, 2, 3}, {0, 1, 2, 3}}
	var live [NumEdges]bool
	for _, p := range paths {
		ok := true
		for i := 1; i < len(p); i++ {
			if a[edgeIndex[[2]int{p[i-1], p[i]}]] == None {
				ok = false
			}
		}
		if ok {
			for i := 1; i < len(p); i++ {
				live[edgeIndex[[2]int{p[i-1], p[i]}]] = true
			}
		}
	}
	return live
}

func TestEncodeAllArchs(t *testing.T) {
	s := New()
	vocab := len(s.OpNames())
	byEncoding := make(map[string]Arch)
	for i := range Size {
		a, err := ArchAt(i)
		require.NoError(t, err)
		live := liveByPaths(a)
		require.Equal(t, live, a.Live(), "%v", a)

		g, err := s.EncodeCell(a)
		require.NoError(t, err)
		require.NoError(t, g.Validate(vocab, s.MaxNodes(), s.NumFeatures()), "%v", a)
		for k := range NumEdges {
			n := k + 1
			hasEdges := false
			for m := range CellNodes {
				hasEdges = hasEdges || g.Adj[n][m] || g.Adj[m][n]
			}
			// A node has edges exactly when it is live, and keeps its op then.
			require.Equal(t, live[k], hasEdges, "%v node %d", a, n)
			if live[k] {
				require.Equal(t, NodeNone+int(a[k]), g.Ops[n])
			} else {
				require.Equal(t, NodeNone, g.Ops[n])
			}
		}

		// The pruned cell (dead edges set to none) encodes the same, and two
		// cells encode the same only if their pruned cells are equal.
		pruned := a
		for k := range pruned {
			if !live[k] {
				pruned[k] = None
			}
		}
		gp, err := s.EncodeCell(pruned)
		require.NoError(t, err)
		require.Equal(t, g, gp)
		key := fmt.Sprint(g.Ops, graphs.Edges(g))
		if prev, ok := byEncoding[key]; ok {
			require.Equal(t, prev, pruned, "%v and %v encode the same", prev, a)
		}
		byEncoding[key] = pruned
	}
	t.Logf("%d distinct cell encodings of %d cells", len(byEncoding), Size)
}

func TestFunctionallyEqualArchsEncodeIdentically(t *testing.T) {
	s := New()
	// Edge (1←0) is dead in all three (node 1 feeds nothing): only its op differs.
	a := mustParse(t, "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|")
	b := mustParse(t, "|avg_pool_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|")
	c := mustParse(t, "|none~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|")
	sa, err := s.Encode(a)
	require.NoError(t, err)
	sb, err := s.Encode(b)
	require.NoError(t, err)
	sc, err := s.Encode(c)
	require.NoError(t, err)
	assert.Equal(t, sa, sb)
	assert.Equal(t, sa, sc)
	// A live edge's op matters.
	d := mustParse(t, "|none~0|+|nor_conv_3x3~0|none~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|")
	sd, err := s.Encode(d)
	require.NoError(t, err)
	assert.NotEqual(t, sa, sd)
}

func BenchmarkEncode(b *testing.B) {
	s := New()
	a := mustParse(b, row1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Encode(a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(row1); err != nil {
			b.Fatal(err)
		}
	}
}
