package transnas101

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/graphs"
	"github.com/hypernas/go-hypernas/searchspace/spacetest"
)

func mustCell(t testing.TB, s string) Cell {
	t.Helper()
	c, err := ParseCell(s)
	require.NoError(t, err)
	return c
}

func mustSkeleton(t testing.TB, s string) Skeleton {
	t.Helper()
	sk, err := ParseSkeleton(s)
	require.NoError(t, err)
	return sk
}

// TestContract runs the conformance checks every space must pass; the
// tests below check what is particular to TransNAS-Bench-101.
func TestContract(t *testing.T) {
	spacetest.Check(t, NewMicro())
	spacetest.Check(t, NewMacro())
}

func TestSpaces(t *testing.T) {
	for _, sp := range []searchspace.Enumerable{NewMicro(), NewMacro()} {
		assert.Equal(t, NodeOpNames[:], sp.OpNames())
		assert.Equal(t, 8, searchspace.MaxCellNodes(sp))
		assert.Equal(t, 3, sp.NumFeatures())
		assert.Nil(t, sp.Sample(nil))
	}
	assert.Equal(t, CellNodes, NewMicro().MaxNodes())
	assert.Equal(t, BlockNodes, NewMacro().MaxNodes(), "Encode's units; EncodeCell's chain is bounded by MaxCellNodes")
	assert.Equal(t, "transnas101_micro", NewMicro().Name())
	assert.Equal(t, "transnas101_macro", NewMacro().Name())
	assert.Equal(t, MicroSize, NewMicro().Size())
	assert.Equal(t, MacroSize, NewMacro().Size())
	n, err := searchspace.NumUnits(NewMicro())
	require.NoError(t, err)
	assert.Equal(t, 10, n)
	n, err = searchspace.NumUnits(NewMacro())
	require.NoError(t, err)
	assert.Equal(t, 12, n)
}

// TestValidateTypes: each space rejects the other's architectures and its
// own invalid values.
func TestValidateTypes(t *testing.T) {
	micro, macro := NewMicro(), NewMacro()
	c := mustCell(t, "64-41414-3_33_333")
	s := mustSkeleton(t, "64-111114-basic")
	assert.NoError(t, micro.Validate(&c))
	assert.NoError(t, macro.Validate(&s))
	for _, a := range []searchspace.Arch{(*Cell)(nil), s, Cell{5}} {
		assert.ErrorIs(t, micro.Validate(a), searchspace.ErrInvalidArch, "%T", a)
		_, err := micro.Encode(a)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
		_, err = micro.EncodeCell(a)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	}
	for _, a := range []searchspace.Arch{(*Skeleton)(nil), c, Skeleton{1, 1}} {
		assert.ErrorIs(t, macro.Validate(a), searchspace.ErrInvalidArch, "%T", a)
		_, err := macro.Encode(a)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
		_, err = macro.EncodeCell(a)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	}
	_, err := micro.Parse("64-111114-basic")
	assert.ErrorIs(t, err, searchspace.ErrParse)
	_, err = macro.Parse("64-41414-3_33_333")
	assert.ErrorIs(t, err, searchspace.ErrParse)
}

func TestSampleMutateMicro(t *testing.T) {
	sp := NewMicro()
	rng := rand.New(rand.NewPCG(1, 2))
	counts := make([]int, MicroSize)
	for range 40960 {
		counts[sp.Sample(rng).(Cell).Index()]++
	}
	for i, n := range counts {
		require.Greater(t, n, 0, "cell %d never sampled", i) // mean 10
	}

	c := mustCell(t, "64-41414-1_02_213")
	seen := map[Cell]bool{}
	for range 1000 {
		m, err := sp.Mutate(c, rng)
		require.NoError(t, err)
		d := 0
		for k := range c {
			if m.(Cell)[k] != c[k] {
				d++
			}
		}
		require.Equal(t, 1, d)
		seen[m.(Cell)] = true
	}
	assert.Len(t, seen, NumEdges*(NumOps-1))
	_, err := sp.Mutate(c, nil)
	assert.Error(t, err)
	_, err = sp.Mutate(Cell{7}, rng)
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
}

func TestSampleMutateMacro(t *testing.T) {
	sp := NewMacro()
	rng := rand.New(rand.NewPCG(3, 4))
	counts := map[string]int{}
	for range 32560 {
		a := sp.Sample(rng)
		require.NoError(t, sp.Validate(a))
		counts[a.String()]++
	}
	assert.Len(t, counts, MacroSize) // mean 10 each

	for i := range MacroSize {
		s, _ := SkeletonAt(i)
		n := Neighbours(s)
		require.NotEmpty(t, n, s.String())
		seen := map[string]bool{}
		for _, x := range n {
			require.NoError(t, x.Validate())
			require.NotEqual(t, s.String(), x.String())
			require.False(t, seen[x.String()])
			seen[x.String()] = true
			require.LessOrEqual(t, abs(len(x)-len(s)), 1)
		}
	}
	// 64-1114 by hand: of the 12 type changes, the 3 of the last module
	// (1111, 1112, 1113) lose the only downsample or widening; the 9 of
	// modules 0-2 are valid. Of the 20 inserts, 16 are distinct (a 1 among
	// the leading 1s gives 11114 four ways, a 4 before or after the 4 gives
	// 11144), all valid. Removals leave 3 modules: invalid.
	n := Neighbours(Skeleton{1, 1, 1, 4})
	var got []string
	for _, x := range n {
		got = append(got, x.String())
	}
	assert.Len(t, got, 9+16)
	for _, bad := range []string{"64-1111-basic", "64-1112-basic", "64-1113-basic", "64-114-basic"} {
		assert.NotContains(t, got, bad)
	}
	for _, good := range []string{"64-2114-basic", "64-1314-basic", "64-1144-basic", "64-11114-basic", "64-41114-basic", "64-11143-basic", "64-11214-basic"} {
		assert.Contains(t, got, good)
	}

	s := mustSkeleton(t, "64-111114-basic")
	orig := slices.Clone(s)
	seen := map[string]bool{}
	for range 2000 {
		m, err := sp.Mutate(s, rng)
		require.NoError(t, err)
		require.NoError(t, sp.Validate(m))
		seen[m.String()] = true
	}
	assert.Equal(t, orig, s, "Mutate does not modify its argument")
	assert.Len(t, seen, len(Neighbours(s)))
	_, err := sp.Mutate(s, nil)
	assert.Error(t, err)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestCellGraph(t *testing.T) {
	// 64-41414-1_02_213: 1←0 skip, 2←0 none, 2←1 conv1x1, 3←0 conv1x1,
	// 3←1 skip, 3←2 conv3x3. All non-none edges are live.
	sp := NewMicro()
	g, err := sp.EncodeCell(mustCell(t, "64-41414-1_02_213"))
	require.NoError(t, err)
	require.NoError(t, g.Validate(len(sp.OpNames()), sp.MaxNodes(), sp.NumFeatures()))
	assert.Equal(t, []int{NodeInput, NodeSkip, NodeNone, NodeConv1x1, NodeConv1x1, NodeSkip, NodeConv3x3, NodeOutput}, g.Ops)
	assert.Equal(t, [][2]int{{0, 1}, {0, 4}, {1, 3}, {1, 5}, {3, 6}, {4, 7}, {5, 7}, {6, 7}}, graphs.Edges(g))
	for _, f := range g.Features {
		assert.Equal(t, []float64{0, 0, 0}, f)
	}

	// 64-41414-0_13_300: 1←0 none, 2←0 skip, 2←1 conv3x3, 3←0 conv3x3,
	// 3←1 none, 3←2 none. Node 1 is unreachable, so 2←1 is dead; node 2
	// reaches the output only through none, so 2←0 is dead too. Only 3←0
	// is live.
	c := mustCell(t, "64-41414-0_13_300")
	assert.Equal(t, [NumEdges]bool{false, false, false, true, false, false}, c.Live())
	g, err = sp.EncodeCell(c)
	require.NoError(t, err)
	assert.Equal(t, []int{NodeInput, NodeNone, NodeNone, NodeNone, NodeConv3x3, NodeNone, NodeNone, NodeOutput}, g.Ops)
	assert.Equal(t, [][2]int{{0, 4}, {4, 7}}, graphs.Edges(g))
}

func TestMicroEncode(t *testing.T) {
	sp := NewMicro()
	c := mustCell(t, "64-41414-1_02_213")
	seq, err := sp.Encode(c)
	require.NoError(t, err)
	require.Len(t, seq, 10)
	cell, _ := sp.EncodeCell(c)
	// Width (log2(C/64)/3) and level (halvings/4) after each cell: modules
	// 4-1-4-1-4 of two cells.
	wantWidth := []float64{1. / 3, 1. / 3, 1. / 3, 1. / 3, 2. / 3, 2. / 3, 2. / 3, 2. / 3, 1, 1}
	wantLevel := []float64{.25, .25, .25, .25, .5, .5, .5, .5, .75, .75}
	for i, u := range seq {
		require.NoError(t, u.Validate(len(sp.OpNames()), sp.MaxNodes(), sp.NumFeatures()))
		assert.Equal(t, cell.Ops, u.Ops, "unit %d", i)
		assert.Equal(t, cell.Adj, u.Adj, "unit %d", i)
		out := u.Features[CellNodes-1]
		assert.InDelta(t, wantWidth[i], out[FeatWidth], 1e-12, "unit %d", i)
		assert.InDelta(t, wantLevel[i], out[FeatLevel], 1e-12, "unit %d", i)
		// Strided: the first cell of modules 1, 3, 5 (units 0, 4, 8), on its live ops
		// reading the input (edges 1←0 skip and 3←0 conv1x1: nodes 1, 4).
		for n := range CellNodes {
			want := 0.0
			if i%4 == 0 && (n == 1 || n == 4) {
				want = 1
			}
			assert.Equal(t, want, u.Features[n][FeatStride], "unit %d node %d", i, n)
		}
		if i > 0 {
			prev := seq[i-1].Features[CellNodes-1]
			assert.Equal(t, prev[FeatWidth], u.Features[0][FeatWidth], "input width = previous output")
			assert.Equal(t, prev[FeatLevel], u.Features[0][FeatLevel])
		}
	}
	assert.Equal(t, []float64{0, 0, 0}, seq[0].Features[0])
	// Units share no memory.
	seq[0].Features[1][0] = 9
	seq[0].Adj[0][1] = false
	assert.NotEqual(t, 9.0, seq[1].Features[1][0])
	assert.True(t, seq[1].Adj[0][1])
}

func TestMacroEncode(t *testing.T) {
	sp := NewMacro()
	s := mustSkeleton(t, "64-4321-basic")
	seq, err := sp.Encode(s)
	require.NoError(t, err)
	require.Len(t, seq, 8)
	type want struct {
		short      int
		stride     float64
		width, lvl float64 // after the block
		inW, inLvl float64
	}
	wants := []want{
		{NodeConv1x1, 1, 1. / 3, .25, 0, 0}, // 4: down and widen
		{NodeSkip, 0, 1. / 3, .25, 1. / 3, .25},
		{NodeConv1x1, 1, 1. / 3, .5, 1. / 3, .25}, // 3: down
		{NodeSkip, 0, 1. / 3, .5, 1. / 3, .5},
		{NodeConv1x1, 0, 2. / 3, .5, 1. / 3, .5}, // 2: widen
		{NodeSkip, 0, 2. / 3, .5, 2. / 3, .5},
		{NodeSkip, 0, 2. / 3, .5, 2. / 3, .5}, // 1: keep
		{NodeSkip, 0, 2. / 3, .5, 2. / 3, .5},
	}
	for i, u := range seq {
		require.NoError(t, u.Validate(len(sp.OpNames()), sp.MaxNodes(), sp.NumFeatures()))
		w := wants[i]
		assert.Equal(t, []int{NodeInput, NodeConv3x3, NodeConv3x3, w.short, NodeOutput}, u.Ops, "unit %d", i)
		assert.Equal(t, [][2]int{{0, 1}, {0, 3}, {1, 2}, {2, 4}, {3, 4}}, graphs.Edges(u))
		assert.Equal(t, []float64{w.inW, 0, w.inLvl}, u.Features[0], "unit %d", i)
		for n := 1; n < BlockNodes; n++ {
			stride := 0.0
			if n == 1 || n == 3 {
				stride = w.stride
			}
			assert.InDeltaSlice(t, []float64{w.width, stride, w.lvl}, u.Features[n], 1e-12, "unit %d node %d", i, n)
		}
	}
	// 4–6 modules: 8–12 units.
	for _, str := range []string{"64-111114-basic", "64-44431-basic"} {
		seq, err := sp.Encode(mustSkeleton(t, str))
		require.NoError(t, err)
		assert.Len(t, seq, 2*(len(str)-len("64--basic")))
	}
}

func TestMacroEncodeCell(t *testing.T) {
	sp := NewMacro()
	g, err := sp.EncodeCell(mustSkeleton(t, "64-4321-basic"))
	require.NoError(t, err)
	require.NoError(t, searchspace.ValidateCell(sp, g))
	assert.Equal(t, []int{NodeInput, NodeBlockDownWiden, NodeBlockDown, NodeBlockWiden, NodeBlockKeep, NodeOutput}, g.Ops)
	assert.Equal(t, [][2]int{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}}, graphs.Edges(g))
	assert.InDeltaSlice(t, []float64{1. / 3, 1, .25}, g.Features[1], 1e-12)
	assert.InDeltaSlice(t, []float64{1. / 3, 1, .5}, g.Features[2], 1e-12)
	assert.InDeltaSlice(t, []float64{2. / 3, 0, .5}, g.Features[3], 1e-12)
	assert.InDeltaSlice(t, []float64{2. / 3, 0, .5}, g.Features[5], 1e-12)
	// The longest chain has MaxNodes nodes, and every skeleton encodes.
	for i, a := range sp.All() {
		g, err := sp.EncodeCell(a)
		require.NoError(t, err)
		require.NoError(t, searchspace.ValidateCell(sp, g), "skeleton %d", i)
		seq, err := sp.Encode(a)
		require.NoError(t, err)
		for _, u := range seq {
			require.NoError(t, u.Validate(len(sp.OpNames()), sp.MaxNodes(), sp.NumFeatures()))
			for _, f := range u.Features {
				for _, x := range f {
					require.True(t, x >= 0 && x <= 1, "feature %v of %v", x, a)
				}
			}
		}
	}
}

func BenchmarkMicroEncode(b *testing.B) {
	sp := NewMicro()
	c := mustCell(b, "64-41414-1_02_213")
	for b.Loop() {
		if _, err := sp.Encode(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMacroEncode(b *testing.B) {
	sp := NewMacro()
	s := mustSkeleton(b, "64-441231-basic")
	for b.Loop() {
		if _, err := sp.Encode(s); err != nil {
			b.Fatal(err)
		}
	}
}
