package nasbench101

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/parsetest"
)

// matrix builds an adjacency matrix from rows of '0'/'1'.
func matrix(rows ...string) [][]bool {
	m := make([][]bool, len(rows))
	for i, r := range rows {
		m[i] = make([]bool, len(r))
		for j := range r {
			m[i][j] = r[j] == '1'
		}
	}
	return m
}

const (
	c3 = OpConv3x3
	c1 = OpConv1x1
	mp = OpMaxPool
	in = OpInput
	ou = OpOutput
)

func TestNewCellErrors(t *testing.T) {
	chain3 := matrix("010", "001", "000")
	tests := []struct {
		name string
		adj  [][]bool
		ops  []string
		msg  string
	}{
		{"rows and ops differ", chain3, []string{in, ou}, "adjacency has 3 rows for 2 ops"},
		{"one vertex", matrix("0"), []string{in}, "1 vertices, a cell needs at least an input and an output"},
		{"eight vertices", matrix("01000000", "00100000", "00010000", "00001000", "00000100", "00000010", "00000001", "00000000"),
			[]string{in, c3, c3, c3, c3, c3, c3, ou}, "8 vertices, NB101 allows at most 7"},
		{"short row", matrix("010", "00", "000"), []string{in, c3, ou}, "adjacency row 1 has 2 entries for 3 vertices"},
		{"backward edge", matrix("010", "001", "010"), []string{in, c3, ou}, "adjacency[2][1] is set: edge 2→1 points backward, so the cell is not a DAG"},
		{"self loop", matrix("010", "011", "000"), []string{in, c3, ou}, "edge 1→1 points backward"},
		{"unknown op", chain3, []string{in, "conv5x5", ou}, `vertex 1: unknown op "conv5x5"`},
		{"first not input", chain3, []string{c3, c3, ou}, `vertex 0 is "conv3x3-bn-relu", the first vertex must be "input"`},
		{"last not output", chain3, []string{in, c3, mp}, `vertex 2 is "maxpool3x3", the last vertex must be "output"`},
		{"input inside", chain3, []string{in, in, ou}, `vertex 1 is "input", which only the first or last vertex can be`},
		{"no path", matrix("010", "000", "000"), []string{in, c3, ou}, "no path from the input to the output"},
		{"no edges", matrix("00", "00"), []string{in, ou}, "no path from the input to the output"},
		// A chain of 6 edges plus 0→2 … 0→5: 10 edges, all on paths.
		{"ten edges", matrix("0111110", "0010000", "0001000", "0000100", "0000010", "0000001", "0000000"),
			[]string{in, c3, c3, c3, c3, c3, ou}, "10 edges after pruning, NB101 allows at most 9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCell(tt.adj, tt.ops)
			require.Error(t, err)
			assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestNewCellPrunes(t *testing.T) {
	tests := []struct {
		name string
		adj  [][]bool
		ops  []string
		want string
	}{
		{"chain", matrix("0100", "0010", "0001", "0000"), []string{in, c3, mp, ou}, "100101:I3MO"},
		{"direct edge, dangling vertices", matrix("0101", "0000", "0000", "0000"), []string{in, c3, c1, ou}, "1:IO"},
		// Vertex 3 is not reachable from the input, vertices 4 and 5 reach
		// no output: they go with their edges, 11 edges down to 4.
		{"unreachable and dead-end vertices", matrix("0110110", "0000001", "0000011", "0000111", "0000010", "0000000", "0000000"),
			[]string{in, mp, c3, c1, c1, c1, ou}, "110011:I3MO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCell(tt.adj, tt.ops)
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.String())
			require.NoError(t, New().Validate(c))
		})
	}
}

func TestCanonicalMergesIsomorphicCells(t *testing.T) {
	// A diamond with its two branches in either order is one cell.
	a, err := NewCell(matrix("0110", "0001", "0001", "0000"), []string{in, mp, c1, ou})
	require.NoError(t, err)
	b, err := NewCell(matrix("0110", "0001", "0001", "0000"), []string{in, c1, mp, ou})
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Equal(t, "110011:I1MO", a.String())
	assert.Equal(t, a.Fingerprint(), b.Fingerprint())

	// Every topological renumbering of random cells gives the same Cell and
	// fingerprint, and the Cell's string is the smallest of them all.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		c := sampleCell(rng)
		strs := renumberings(c)
		require.NotEmpty(t, strs)
		assert.Equal(t, slices.Min(strs), c.String())
		for _, s := range strs {
			d := fromString(t, s)
			e, err := NewCell(d.Matrix(), d.Ops())
			require.NoError(t, err)
			require.Equal(t, c, e, "renumbering %s of %s", s, c)
		}
	}
}

// renumberings lists the strings of every topological renumbering of c,
// by brute force over all permutations of its interior vertices.
func renumberings(c Cell) []string {
	n := c.NumVertices()
	var out []string
	var rec func(p []int, used []bool)
	rec = func(p []int, used []bool) {
		if len(p) == n-2 {
			to := append(append([]int{0}, p...), n-1) // vertex i becomes to[i]
			var bits strings.Builder
			ops := make([]byte, n)
			adj := make([][]bool, n)
			for i := range adj {
				adj[i] = make([]bool, n)
			}
			for i := range n {
				ops[to[i]] = opLetters[c.ops[i]]
				for j := range n {
					if c.Edge(i, j) {
						if to[i] >= to[j] {
							return
						}
						adj[to[i]][to[j]] = true
					}
				}
			}
			for i := range n {
				for j := i + 1; j < n; j++ {
					bits.WriteByte(map[bool]byte{false: '0', true: '1'}[adj[i][j]])
				}
			}
			out = append(out, bits.String()+":"+string(ops))
			return
		}
		for v := 1; v <= n-2; v++ {
			if !used[v] {
				used[v] = true
				rec(append(p, v), used)
				used[v] = false
			}
		}
	}
	rec(nil, make([]bool, n))
	return out
}

// fromString reads a valid, possibly non-canonical cell string.
func fromString(t *testing.T, s string) Cell {
	t.Helper()
	bitStr, letters, ok := strings.Cut(s, ":")
	require.True(t, ok)
	n := len(letters)
	adj := make([][]bool, n)
	ops := make([]string, n)
	k := 0
	for i := range n {
		adj[i] = make([]bool, n)
		ops[i] = opNames[slices.Index(opLetters[:], letters[i])]
		for j := i + 1; j < n; j++ {
			adj[i][j] = bitStr[k] == '1'
			k++
		}
	}
	c, err := NewCell(adj, ops)
	require.NoError(t, err)
	return c
}

func TestAccessors(t *testing.T) {
	c, err := Parse("110011:I1MO")
	require.NoError(t, err)
	assert.Equal(t, 4, c.NumVertices())
	assert.Equal(t, 4, c.NumEdges())
	assert.True(t, c.Edge(0, 1))
	assert.False(t, c.Edge(1, 2))
	assert.False(t, c.Edge(0, 9))
	assert.Equal(t, []string{in, c1, mp, ou}, c.Ops())
	assert.Equal(t, mp, c.Op(2))
	assert.Equal(t, "", c.Op(4))
	assert.Equal(t, matrix("0110", "0001", "0001", "0000"), c.Matrix())
}

func TestParseRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		c := sampleCell(rng)
		d, err := Parse(c.String())
		require.NoError(t, err, c.String())
		require.Equal(t, c, d)
	}
	for _, s := range []string{"1:IO", "100101:I3MO", "110011:I1MO"} {
		c, err := Parse(s)
		require.NoError(t, err)
		assert.Equal(t, s, c.String())
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		s       string
		invalid bool // well formed, no valid cell: wraps ErrInvalidArch too
		col     int
		msg     string
	}{
		{"empty", "", false, 1, "found end of string, expected ':' between the adjacency bits and the op letters"},
		{"no colon", "1IO", false, 4, "expected ':'"},
		{"bad bit", "1x:IO", false, 2, `found 'x', expected an adjacency bit, '0' or '1'`},
		{"non-ASCII bit", "é:IO", false, 1, `found 'é', expected an adjacency bit`},
		{"bad letter", "111:IXO", false, 6, `found 'X', expected an op letter: I, 1, 3, M or O`},
		{"lower-case letter", "111:I3o", false, 7, `found 'o'`},
		{"non-ASCII letter", "111:IéO", false, 6, `found 'é'`},
		{"first not input", "1:3O", false, 3, "found '3', expected 'I' (input) as the first op letter"},
		{"last not output", "1:I3", false, 4, "found '3', expected 'O' (output) as the last op letter"},
		{"output inside", "111:IOO", false, 6, "found 'O', expected an interior op letter 1, 3 or M"},
		{"no letters", "1:", false, 3, "found 0 op letters, expected at least the input and the output"},
		{"one letter", "1:I", false, 3, "expected 'O' (output) as the last op letter"},
		{"too many letters", "1:I333333O", true, 10, "found 8 op letters, expected at most 7"},
		{"too many bits", "11:IO", false, 2, "found 2 adjacency bits, expected 1, the upper triangle of a 2-vertex cell"},
		{"too few bits", "1:I3O", false, 2, "found 1 adjacency bits, expected 3"},
		{"no bits", ":IO", false, 1, "found 0 adjacency bits"},
		{"no path", "0:IO", true, 1, "found a cell with no path from the input to the output"},
		{"dangling vertex", "001000:I31O", true, 9, `found vertex 1, which is on no input→output path, expected the pruned cell "1:IO"`},
		{"ten edges (valid form)", "111110" + "10000" + "1000" + "100" + "10" + "1" + ":I33333O", true, 21, "found 10 edges, expected at most 9"},
		{"not canonical", "110011:IM1O", true, 9, `found a valid cell not in canonical form (its smallest topological numbering), expected "110011:I1MO"`},
		// A short and a long branch: the long one comes first.
		{"not canonical wiring", "1100001101:I333O", true, 2, `expected "1010100011:I333O"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, parse := range []func(string) (searchspace.Arch, error){
				func(s string) (searchspace.Arch, error) { return Parse(s) },
				New().Parse,
			} {
				_, err := parse(tt.s)
				parsetest.Check(t, err, "nb101 cell", tt.s, tt.col, tt.msg, tt.invalid)
			}
		})
	}
}
