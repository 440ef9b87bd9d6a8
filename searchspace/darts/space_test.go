package darts

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/graphs"
	"github.com/hypernas/go-hypernas/searchspace/spacetest"
)

func newSpace(t testing.TB, opts ...Option) *Space {
	t.Helper()
	s, err := New(opts...)
	require.NoError(t, err)
	return s
}

// TestContract runs the conformance checks every space must pass; the
// tests below check what is particular to DARTS.
func TestContract(t *testing.T) {
	spacetest.Check(t, newSpace(t))
	spacetest.Check(t, newSpace(t, WithCells(20)), spacetest.WithSamples(8))
	spacetest.Check(t, &Space{}, spacetest.WithSamples(4)) // the zero value
}

func TestNew(t *testing.T) {
	s := newSpace(t)
	assert.Equal(t, DefaultCells, s.Cells())
	assert.Equal(t, "darts", s.Name())
	assert.Equal(t, 20, newSpace(t, WithCells(20)).Cells())
	for _, n := range []int{0, -3, MaxCells + 1, 1 << 40} {
		_, err := New(WithCells(n))
		assert.ErrorContains(t, err, fmt.Sprintf("WithCells(%d): the network needs 1 to 1024 cells", n))
	}
	s0, err := New(nil, WithCells(14))
	require.NoError(t, err)
	assert.Equal(t, 14, s0.Cells())
	assert.Equal(t, DefaultCells, (&Space{}).Cells())
	assert.Equal(t, DefaultCells, (*Space)(nil).Cells())
	assert.Equal(t, CellNodes, s.MaxNodes())
	assert.Equal(t, PairNodes, s.MaxCellNodes())
	names := s.OpNames()
	require.Len(t, names, NumNodeTypes)
	assert.Equal(t, []string{"input0", "input1", "output", "max_pool_3x3"}, names[:4])
	assert.Equal(t, "reduce:dil_conv_5x5", names[NumNodeTypes-1])
}

func TestIsReduction(t *testing.T) {
	// DARTS's rule: layers//3 and 2*layers//3.
	for n, want := range map[int][]int{8: {2, 5}, 20: {6, 13}, 14: {4, 9}, 3: {1, 2}, 1: {0}} {
		var got []int
		for i := range n {
			if IsReduction(i, n) {
				got = append(got, i)
			}
		}
		assert.Equal(t, want, got, "%d cells", n)
	}
}

func TestSample(t *testing.T) {
	s := newSpace(t)
	ops := map[string]int{}
	for i := range 500 {
		a := s.Sample(rand.New(rand.NewPCG(uint64(i), 1)))
		require.NoError(t, s.Validate(a), "sample %d: %v", i, a)
		g := a.(Genotype)
		for _, e := range append(g.Normal[:], g.Reduce[:]...) {
			ops[e.Op]++
		}
	}
	assert.Nil(t, s.Sample(nil))
	assert.Len(t, ops, NumOps)
	for o, n := range ops {
		// 8000 edges, 1/7 each: about 1143.
		assert.InDelta(t, 8000/NumOps, n, 150, o)
	}
}

// diff counts the edges in which two genotypes differ.
func diff(a, b Genotype) int {
	n := 0
	for i := range NumEdges {
		if a.Normal[i] != b.Normal[i] {
			n++
		}
		if a.Reduce[i] != b.Reduce[i] {
			n++
		}
	}
	return n
}

func TestMutate(t *testing.T) {
	s := newSpace(t)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, start := range []Genotype{row1Genotype, dartsV2} {
		seen := map[string]bool{}
		for range 4000 {
			m, err := s.Mutate(start, rng)
			require.NoError(t, err)
			g := m.(Genotype)
			require.NoError(t, g.Validate(), "%v", g)
			require.Equal(t, 1, diff(start, g), "one edge changes: %v", g)
			seen[g.String()] = true
		}
		// Every one of the 120 neighbours is reachable.
		assert.Len(t, seen, 2*neighboursPerCell)
	}
	// A pointer works too and is not modified.
	g := row1Genotype
	m, err := s.Mutate(&g, rng)
	require.NoError(t, err)
	assert.Equal(t, row1Genotype, g)
	assert.NotEqual(t, g, m)

	_, err = s.Mutate(Genotype{}, rng)
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	_, err = s.Mutate(row1Genotype, nil)
	assert.Error(t, err)
}

func TestValidateTypes(t *testing.T) {
	s := newSpace(t)
	g := row1Genotype
	assert.NoError(t, s.Validate(&g))
	for _, a := range []searchspace.Arch{(*Genotype)(nil), Genotype{}} {
		assert.ErrorIs(t, s.Validate(a), searchspace.ErrInvalidArch, "%T", a)
		_, err := s.Encode(a)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
		_, err = s.EncodeCell(a)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	}
	_, err := s.Parse("nonsense")
	assert.ErrorIs(t, err, searchspace.ErrParse)
}

func TestCellGraph(t *testing.T) {
	g, err := CellGraph(dartsV2.Normal, false)
	require.NoError(t, err)
	s := newSpace(t)
	require.NoError(t, g.Validate(len(s.OpNames()), s.MaxNodes(), s.NumFeatures()))
	require.Equal(t, CellNodes, g.NumNodes())
	sep, skip, dil := NodeOp+OpIndex("sep_conv_3x3"), NodeOp+OpIndex("skip_connect"), NodeOp+OpIndex("dil_conv_3x3")
	assert.Equal(t, []int{NodeInput0, NodeInput1, sep, sep, sep, sep, sep, skip, skip, dil, NodeOutput}, g.Ops)
	// DARTS_V2 normal: node 0 ← (0, 1), node 1 ← (0, 1), node 2 ← (1, 0),
	// node 3 ← (0, 2); state 2 is node 0, op nodes 2 and 3.
	want := [][2]int{
		{0, 2}, {0, 4}, {0, 7}, {0, 8},
		{1, 3}, {1, 5}, {1, 6},
		{2, 9}, {2, 10},
		{3, 9}, {3, 10},
		{4, 10}, {5, 10}, {6, 10}, {7, 10}, {8, 10}, {9, 10},
	}
	assert.Equal(t, want, graphs.Edges(g))

	r, err := CellGraph(dartsV2.Reduce, true)
	require.NoError(t, err)
	require.NoError(t, r.Validate(len(s.OpNames()), s.MaxNodes(), s.NumFeatures()))
	assert.Equal(t, NodeReduceOp+OpIndex("max_pool_3x3"), r.Ops[2])
	assert.Equal(t, NodeReduceOp+OpIndex("skip_connect"), r.Ops[4])

	// An invalid cell is an error, not a panic.
	bad := dartsV2.Reduce
	bad[5].Input = 40
	_, err = CellGraph(bad, true)
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	assert.ErrorContains(t, err, "darts reduce cell, edge 5: input 40 of node 2")
	_, err = CellGraph(Cell{}, false)
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
}

func TestEncode(t *testing.T) {
	for _, n := range []int{8, 20} {
		s := newSpace(t, WithCells(n))
		seq, err := s.Encode(row1Genotype)
		require.NoError(t, err)
		require.Len(t, seq, n)
		normal, reduce := cellGraph(row1Genotype.Normal, false), cellGraph(row1Genotype.Reduce, true)
		for i, u := range seq {
			require.NoError(t, u.Validate(len(s.OpNames()), s.MaxNodes(), s.NumFeatures()), "unit %d", i)
			if IsReduction(i, n) {
				assert.Equal(t, reduce, u, "unit %d", i)
			} else {
				assert.Equal(t, normal, u, "unit %d", i)
			}
		}
		// Units share no memory.
		seq[0].Adj[0][1] = true
		seq[0].Ops[0] = NodeOutput
		assert.False(t, seq[1].Adj[0][1])
		assert.Equal(t, NodeInput0, seq[1].Ops[0])
	}
}

func TestEncodeCell(t *testing.T) {
	s := newSpace(t)
	g, err := s.EncodeCell(dartsV2)
	require.NoError(t, err)
	require.NoError(t, searchspace.ValidateCell(s, g))
	require.Equal(t, PairNodes, g.NumNodes())
	assert.Equal(t, NodeOutput, g.Ops[10])
	assert.Equal(t, NodeOutput, g.Ops[19])
	// Normal part equals CellGraph.
	c := cellGraph(dartsV2.Normal, false)
	for i := range CellNodes {
		assert.Equal(t, c.Ops[i], g.Ops[i])
		assert.Equal(t, c.Adj[i], g.Adj[i][:CellNodes], "row %d", i)
	}
	// DARTS_V2 reduce: node 0 ← (0, 1): op nodes 11, 12 read node 1 (state
	// 0 of the reduction cell) and node 10 (the normal cell's output).
	assert.True(t, g.Adj[1][11])
	assert.True(t, g.Adj[10][12])
	assert.False(t, g.Adj[0][11])
	// Node 1 of the reduce cell: (skip_connect, 2) reads reduce node 0.
	assert.True(t, g.Adj[11][13])
	assert.True(t, g.Adj[12][13])
	for n := 11; n < 19; n++ {
		assert.True(t, g.Adj[n][19])
		assert.GreaterOrEqual(t, g.Ops[n], NodeReduceOp)
	}
}

func BenchmarkEncode(b *testing.B) {
	s := newSpace(b, WithCells(20))
	for b.Loop() {
		if _, err := s.Encode(row1Genotype); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(row1); err != nil {
			b.Fatal(err)
		}
	}
}
