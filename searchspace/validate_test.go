package searchspace

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pair is a test architecture: two digits 1..3, written "a-b".
type pair [2]int

func (p pair) String() string { return fmt.Sprintf("%d-%d", p[0], p[1]) }

// pairSpace is a small space whose declarations the tests change: each
// unit is input → op → output, and EncodeCell chains both ops.
type pairSpace struct {
	vocab, maxNodes, features, maxUnits, maxCellNodes int
	units                                             int // Encode's length (default 2)
}

func (s pairSpace) Name() string { return "pairs" }
func (s pairSpace) OpNames() []string {
	n := s.vocab
	if n == 0 {
		n = 5
	}
	return []string{"input", "output", "op1", "op2", "op3"}[:max(min(n, 5), 0)]
}
func (s pairSpace) MaxNodes() int {
	if s.maxNodes == 0 {
		return 4
	}
	return s.maxNodes
}
func (s pairSpace) NumFeatures() int { return s.features }
func (s pairSpace) Sample(rng *rand.Rand) Arch {
	return pair{1 + rng.IntN(3), 1 + rng.IntN(3)}
}
func (s pairSpace) Mutate(a Arch, rng *rand.Rand) (Arch, error) {
	p, err := s.pair(a)
	if err != nil {
		return nil, err
	}
	p[0] = 1 + (p[0]+rng.IntN(2))%3
	return p, nil
}
func (s pairSpace) pair(a Arch) (pair, error) {
	p, ok := a.(pair)
	if !ok || p[0] < 1 || p[0] > 3 || p[1] < 1 || p[1] > 3 {
		return p, fmt.Errorf("%w: %v is not a pair of digits 1..3", ErrInvalidArch, a)
	}
	return p, nil
}
func (s pairSpace) Validate(a Arch) error { _, err := s.pair(a); return err }
func (s pairSpace) Parse(str string) (Arch, error) {
	t := strings.TrimSpace(str)
	if len(t) != 3 || t[1] != '-' || t[0] < '1' || t[0] > '3' || t[2] < '1' || t[2] > '3' {
		return nil, &ParseError{What: "pair", Input: str, Expected: "a-b with digits 1..3"}
	}
	return pair{int(t[0] - '0'), int(t[2] - '0')}, nil
}
func (s pairSpace) unit(op int) Graph {
	g := NewGraph(0, 1+op, 1)
	g.Adj[0][1], g.Adj[1][2] = true, true
	return g
}
func (s pairSpace) Encode(a Arch) (Sequence, error) {
	p, err := s.pair(a)
	if err != nil {
		return nil, err
	}
	n := s.units
	if n == 0 {
		n = 2
	}
	seq := make(Sequence, n)
	for i := range seq {
		seq[i] = s.unit(p[i%2])
	}
	return seq, nil
}
func (s pairSpace) EncodeCell(a Arch) (Graph, error) {
	p, err := s.pair(a)
	if err != nil {
		return Graph{}, err
	}
	g := NewGraph(0, 1+p[0], 1+p[1], 1)
	g.Adj[0][1], g.Adj[1][2], g.Adj[2][3] = true, true, true
	return g, nil
}
func (s pairSpace) All() iter.Seq2[int, Arch] {
	return func(yield func(int, Arch) bool) {
		for i := range 9 {
			if !yield(i, pair{1 + i/3, 1 + i%3}) {
				return
			}
		}
	}
}
func (s pairSpace) Size() int { return 9 }

// deepPairs declares MaxUnits; cellPairs declares MaxCellNodes.
type (
	deepPairs struct{ pairSpace }
	cellPairs struct{ pairSpace }
)

func (d deepPairs) MaxUnits() int     { return d.maxUnits }
func (c cellPairs) MaxCellNodes() int { return c.maxCellNodes }

func TestValidateSequence(t *testing.T) {
	unit := pairSpace{}.unit(2)
	backward := NewGraph(0, 2, 1)
	backward.Adj[2][0] = true
	feats := pairSpace{}.unit(2)
	feats.Features = [][]float64{{0}, {1}, {math.NaN()}}
	ragged := pairSpace{}.unit(2)
	ragged.Adj[1] = ragged.Adj[1][:2]

	tests := []struct {
		name  string
		space SearchSpace
		seq   Sequence
		want  string // "" = valid
	}{
		{"valid", pairSpace{}, Sequence{unit, unit}, ""},
		{"nil space", nil, Sequence{unit}, "no search space"},
		{"empty", pairSpace{}, nil, "pairs: Encode returned no units"},
		{"no vocabulary", pairSpace{vocab: -1}, Sequence{unit}, "OpNames() is empty"},
		{"MaxNodes 0", pairSpace{maxNodes: -1}, Sequence{unit}, "MaxNodes() is -1: declare the node count of the largest unit"},
		{"NumFeatures -1", pairSpace{features: -1}, Sequence{unit}, "NumFeatures() is -1"},
		{"too many nodes", pairSpace{maxNodes: 2}, Sequence{unit}, "pairs: Encode unit 0 of 1: invalid architecture: graph has 3 nodes, the space allows at most 2 (MaxNodes() is 2: raise MaxNodes"},
		{"op out of vocabulary", pairSpace{vocab: 3}, Sequence{unit, unit}, "Encode unit 0 of 2: invalid architecture: node 1 has op index 3, vocabulary has 3 ops (OpNames() has 3 entries: add the missing node type to OpNames"},
		{"features undeclared", pairSpace{}, Sequence{unit, feats}, "Encode unit 1 of 2: invalid architecture: graph has node features but the space declares none (NumFeatures() is 0"},
		{"NaN feature", pairSpace{features: 1}, Sequence{feats}, "node 2 feature 0 is NaN, features must be finite"},
		{"backward edge", pairSpace{}, Sequence{backward}, "edge 2→0 does not go forward (adjacency must be upper triangular) (fix the graph Encode builds"},
		{"ragged adjacency", pairSpace{}, Sequence{ragged}, "adjacency row 1 has 2 entries for 3 nodes"},
		{"empty unit", pairSpace{}, Sequence{unit, {}}, "Encode unit 1 of 2: invalid architecture: graph has no nodes"},
		{"more than MaxUnits", deepPairs{pairSpace{maxUnits: 1}}, Sequence{unit, unit}, "Encode returned 2 units, more than MaxUnits() = 1: raise MaxUnits"},
		{"MaxUnits 0", deepPairs{}, Sequence{unit}, "MaxUnits() is 0: declare the unit count of the deepest network"},
		{"within MaxUnits", deepPairs{pairSpace{maxUnits: 3}}, Sequence{unit, unit}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateSequence(tt.space, tt.seq)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ErrInvalidArch)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

func TestValidateCell(t *testing.T) {
	g, err := pairSpace{}.EncodeCell(pair{1, 2})
	require.NoError(t, err)
	assert.NoError(t, ValidateCell(pairSpace{}, g))
	assert.ErrorContains(t, ValidateCell(pairSpace{maxNodes: 3}, g),
		"pairs: EncodeCell graph: invalid architecture: graph has 4 nodes, the space allows at most 3 (MaxNodes() is 3: raise MaxNodes, or implement searchspace.CellSized with MaxCellNodes if only EncodeCell's graphs are larger)")

	// CellSized: MaxNodes bounds Encode's units, MaxCellNodes EncodeCell's graph.
	cs := cellPairs{pairSpace{maxNodes: 3, maxCellNodes: 4}}
	assert.NoError(t, ValidateCell(cs, g))
	seq, err := cs.Encode(pair{1, 2})
	require.NoError(t, err)
	assert.NoError(t, ValidateSequence(cs, seq))
	assert.Equal(t, 4, MaxCellNodes(cs))
	assert.Equal(t, 3, MaxCellNodes(pairSpace{maxNodes: 3}))
	assert.ErrorContains(t, ValidateCell(cellPairs{pairSpace{maxCellNodes: 3}}, g), "MaxCellNodes() is 3: raise MaxCellNodes")
	assert.ErrorContains(t, ValidateCell(cellPairs{}, g), "MaxCellNodes() is 0: declare the node count of the largest EncodeCell graph")
	assert.ErrorContains(t, ValidateCell(nil, g), "no search space")
}

func TestNumUnits(t *testing.T) {
	n, err := NumUnits(pairSpace{units: 5})
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	n, err = NumUnits(deepPairs{pairSpace{maxUnits: 7}})
	require.NoError(t, err)
	assert.Equal(t, 7, n)
	_, err = NumUnits(pairSpace{maxNodes: 1})
	assert.ErrorContains(t, err, "raise MaxNodes")
	_, err = NumUnits(nil)
	assert.Error(t, err)
}

func TestGraphValidate(t *testing.T) {
	g := NewGraph(0, 1, 2)
	g.Adj[0][1], g.Adj[1][2] = true, true
	require.NoError(t, g.Validate(3, 3, 0))
	assert.ErrorIs(t, g.Validate(2, 3, 0), ErrInvalidArch)
	assert.ErrorIs(t, g.Validate(3, 2, 0), ErrInvalidArch)
	assert.ErrorIs(t, g.Validate(3, 3, 1), ErrInvalidArch)
	g.Features = [][]float64{{0}, {math.Inf(1)}, {0}}
	assert.ErrorContains(t, g.Validate(3, 3, 1), "node 1 feature 0 is +Inf")
	g.Features = nil
	g.Adj[2][1] = true
	assert.ErrorContains(t, g.Validate(3, 3, 0), "does not go forward")
	assert.ErrorContains(t, Graph{}.Validate(3, 3, 0), "graph has no nodes")
}
