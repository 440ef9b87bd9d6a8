package nasbench201

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/spacetest"
)

// TestContract runs the conformance checks every space must pass; the
// tests below check what is particular to NB201.
func TestContract(t *testing.T) {
	spacetest.Check(t, New())
}

func TestSpaceBasics(t *testing.T) {
	s := New()
	assert.Equal(t, "nb201", s.Name())
	assert.Equal(t, 15625, s.Size())
	assert.Equal(t, 8, s.MaxNodes())
	assert.Equal(t, 0, s.NumFeatures())
	assert.Equal(t, []string{"input", "output", "none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
		"avg_pool_3x3", "resblock_conv_3x3", "resblock_avg_pool_2x2", "resblock_conv_1x1"}, s.OpNames())
	// Cell ops map onto node types in order.
	for o := range Op(NumOps) {
		assert.Equal(t, Ops[o], s.OpNames()[NodeNone+int(o)])
	}
	n, err := searchspace.NumUnits(s)
	require.NoError(t, err)
	assert.Equal(t, NumUnits, n)
}

func TestAllIsCanonicalOrder(t *testing.T) {
	s := New()
	for i, a := range s.All() {
		c, ok := a.(Arch)
		require.True(t, ok, "All yields %T", a)
		require.Equal(t, i, c.CanonicalIndex())
		at, err := s.At(i)
		require.NoError(t, err)
		require.Equal(t, c, at)
	}
	for _, i := range []int{-1, Size, 1 << 40} {
		_, err := s.At(i)
		assert.ErrorIs(t, err, searchspace.ErrNoSuchArch)
	}
}

func TestSampleUniform(t *testing.T) {
	s := New()
	// Each edge's op is uniform: 5000 draws, 1000 expected per op; a
	// binomial sd of about 28 makes ±150 a safe bound.
	rng := rand.New(rand.NewPCG(3, 4))
	var counts [NumEdges][NumOps]int
	for range 5000 {
		a := s.Sample(rng).(Arch)
		for k, o := range a {
			counts[k][o]++
		}
	}
	for k := range counts {
		for o, c := range counts[k] {
			assert.InDelta(t, 1000, c, 150, "edge %d op %d", k, o)
		}
	}
	assert.Nil(t, s.Sample(nil), "no architecture without a random source")
}

func TestMutateChangesOneEdge(t *testing.T) {
	s := New()
	rng := rand.New(rand.NewPCG(5, 6))
	start, err := Parse(row1)
	require.NoError(t, err)
	var edgeCount [NumEdges]int
	var toOp [NumOps]int
	for i := range 6000 {
		var in searchspace.Arch = start
		if i%2 == 1 {
			in = &start // pointers are accepted too
		}
		m, err := s.Mutate(in, rng)
		require.NoError(t, err)
		c := m.(Arch)
		diff := 0
		for k := range c {
			if c[k] != start[k] {
				diff++
				edgeCount[k]++
				toOp[c[k]]++
			}
		}
		require.Equal(t, 1, diff, "mutant %v of %v", c, start)
	}
	for k, c := range edgeCount {
		assert.InDelta(t, 1000, c, 150, "edge %d", k)
	}
	// Every op is reachable as a mutation target.
	for o, c := range toOp {
		assert.Positive(t, c, "op %d", o)
	}
	_, err = s.Mutate(start, nil)
	assert.Error(t, err)
}

func TestInvalidArchs(t *testing.T) {
	s := New()
	rng := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		name string
		a    searchspace.Arch
	}{
		{"nil pointer", (*Arch)(nil)},
		{"op out of range", Arch{0, 0, 0, 7, 0, 0}},
		{"pointer to bad op", &Arch{5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, s.Validate(tt.a), searchspace.ErrInvalidArch)
			_, err := s.Mutate(tt.a, rng)
			assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
			_, err = s.Encode(tt.a)
			assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
			_, err = s.EncodeCell(tt.a)
			assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
		})
	}
	assert.NoError(t, s.Validate(&Arch{4, 4, 4, 4, 4, 4}))
	assert.ErrorContains(t, s.Validate(Arch{0, 0, 0, 7}), "nb201 edge 3 (3←0) has op index 7")
}
