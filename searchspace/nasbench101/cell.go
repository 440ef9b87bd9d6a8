package nasbench101

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Limits of an NB101 cell, and the size of the space.
const (
	// MaxVertices is the largest vertex count of a cell, input and output
	// included.
	MaxVertices = 7
	// MaxEdges is the largest edge count of a (pruned) cell.
	MaxEdges = 9
	// NumCells is the number of unique cells (fingerprints) of the space.
	NumCells = 423624
)

// Op names of a cell, as the benchmark's ModelSpec writes them.
const (
	OpInput   = "input"
	OpOutput  = "output"
	OpConv3x3 = "conv3x3-bn-relu"
	OpConv1x1 = "conv1x1-bn-relu"
	OpMaxPool = "maxpool3x3"
)

// op is a vertex's operation. The interior codes are ordered as their
// letters sort ('1' < '3' < 'M'), so comparing codes compares strings: the
// canonical labelling is then simply the smallest one.
type op uint8

const (
	opConv1x1 op = iota
	opConv3x3
	opMaxPool
	opInput
	opOutput
	numInteriorOps = 3
)

var (
	opNames   = [...]string{opConv1x1: OpConv1x1, opConv3x3: OpConv3x3, opMaxPool: OpMaxPool, opInput: OpInput, opOutput: OpOutput}
	opLetters = [...]byte{opConv1x1: '1', opConv3x3: '3', opMaxPool: 'M', opInput: 'I', opOutput: 'O'}
)

// Cell is one NB101 cell: a DAG of 2 … 7 vertices with at most 9 edges,
// vertex 0 the input, the last vertex the output, every other vertex one of
// conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3.
//
// A Cell is always pruned (every vertex lies on an input→output path, as the
// benchmark prunes) and canonical: of all the ways to number the vertices of
// its graph in topological order, it holds the one whose String is
// lexicographically smallest. Isomorphic cells, which the benchmark treats as
// one (same Fingerprint), are therefore equal Cells with equal Strings, so
// Cell values can be compared with == and used as map keys. Make cells with
// NewCell, Parse, Space.Sample or Space.All; the zero Cell is not a valid
// cell.
type Cell struct {
	n   uint8
	adj [MaxVertices]uint8 // adj[i] bit j: edge i→j; only j > i
	ops [MaxVertices]op
}

// NewCell builds a cell from an adjacency matrix (adj[i][j]: edge i→j) and
// the ops of its vertices, as the benchmark's ModelSpec takes them: ops[0]
// must be "input", the last "output", the others conv3x3-bn-relu,
// conv1x1-bn-relu or maxpool3x3. The matrix must be square, at most 7×7 and
// strictly upper-triangular (vertices numbered in topological order).
// Vertices on no input→output path are pruned, then the cell must have at
// most 9 edges. The result is the canonical form of the cell. Errors wrap
// searchspace.ErrInvalidArch.
func NewCell(adj [][]bool, ops []string) (Cell, error) {
	n := len(ops)
	switch {
	case len(adj) != n:
		return Cell{}, cellErr("adjacency has %d rows for %d ops", len(adj), n)
	case n < 2:
		return Cell{}, cellErr("%d vertices, a cell needs at least an input and an output vertex", n)
	case n > MaxVertices:
		return Cell{}, cellErr("%d vertices, NB101 allows at most %d", n, MaxVertices)
	}
	raw := Cell{n: uint8(n)}
	for i, name := range ops {
		o, ok := opByName(name)
		switch {
		case !ok:
			return Cell{}, cellErr("vertex %d: unknown op %q (want %s, %s or %s)", i, name, OpConv3x3, OpConv1x1, OpMaxPool)
		case i == 0 && o != opInput:
			return Cell{}, cellErr("vertex 0 is %q, the first vertex must be %q", name, OpInput)
		case i == n-1 && o != opOutput:
			return Cell{}, cellErr("vertex %d is %q, the last vertex must be %q", i, name, OpOutput)
		case i > 0 && i < n-1 && o >= opInput:
			return Cell{}, cellErr("vertex %d is %q, which only the first or last vertex can be", i, name)
		}
		raw.ops[i] = o
	}
	for i, row := range adj {
		if len(row) != n {
			return Cell{}, cellErr("adjacency row %d has %d entries for %d vertices", i, len(row), n)
		}
		for j, e := range row {
			if !e {
				continue
			}
			if j <= i {
				return Cell{}, cellErr("adjacency[%d][%d] is set: edge %d→%d points backward, so the cell is not a DAG in vertex order (NB101 matrices are strictly upper-triangular)", i, j, i, j)
			}
			raw.adj[i] |= 1 << j
		}
	}
	c, err := raw.prune()
	if err != nil {
		return Cell{}, err
	}
	return c.canonical(), nil
}

// cellErr is an error about an invalid cell.
func cellErr(format string, args ...any) error {
	return fmt.Errorf("%w: nb101 cell: %s", searchspace.ErrInvalidArch, fmt.Sprintf(format, args...))
}

func opByName(name string) (op, bool) {
	for o, n := range opNames {
		if n == name {
			return op(o), true
		}
	}
	return 0, false
}

// NumVertices is the number of vertices, input and output included.
func (c Cell) NumVertices() int { return int(c.n) }

// NumEdges is the number of edges.
func (c Cell) NumEdges() int {
	e := 0
	for _, r := range c.adj {
		e += bits.OnesCount8(r)
	}
	return e
}

// Edge reports whether the cell has the edge i→j.
func (c Cell) Edge(i, j int) bool {
	return i >= 0 && i < int(c.n) && j >= 0 && j < int(c.n) && c.adj[i]&(1<<j) != 0
}

// Op returns the op name of vertex i, or "" when there is no vertex i.
func (c Cell) Op(i int) string {
	if i < 0 || i >= int(c.n) {
		return ""
	}
	return opNames[c.ops[i]]
}

// Ops returns the op names of the vertices, as ModelSpec takes them.
func (c Cell) Ops() []string {
	out := make([]string, c.n)
	for i := range out {
		out[i] = opNames[c.ops[i]]
	}
	return out
}

// Matrix returns the adjacency matrix: Matrix()[i][j] is the edge i→j.
func (c Cell) Matrix() [][]bool {
	n := int(c.n)
	m := make([][]bool, n)
	for i := range m {
		m[i] = make([]bool, n)
		for j := range m[i] {
			m[i][j] = c.adj[i]&(1<<j) != 0
		}
	}
	return m
}

// String returns the cell's text form: the upper triangle of the adjacency
// matrix row by row as '0'/'1' (edges 0→1, 0→2 … 0→n-1, 1→2 …, n(n-1)/2
// bits), a colon, then one letter per vertex: I input, 1 conv1x1-bn-relu,
// 3 conv3x3-bn-relu, M maxpool3x3, O output. The chain
// input→conv3x3→maxpool3x3→output is "100101:I3MO". Parse reads it back.
func (c Cell) String() string {
	n := int(c.n)
	if n > MaxVertices {
		n = MaxVertices
	}
	b := make([]byte, 0, n*(n-1)/2+1+n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			b = append(b, '0'+(c.adj[i]>>j)&1)
		}
	}
	b = append(b, ':')
	for i := range n {
		b = append(b, opLetters[c.ops[i]])
	}
	return string(b)
}

// full reports whether every vertex lies on an input→output path. In an
// upper-triangular graph that is: every vertex but the last has an out-edge
// and every vertex but the first an in-edge (the benchmark's is_full_dag).
func (c *Cell) full() bool {
	n := int(c.n)
	var in uint8
	for i := 0; i < n-1; i++ {
		if c.adj[i] == 0 {
			return false
		}
		in |= c.adj[i]
	}
	want := uint8(1<<n-1) &^ 1
	return in == want
}

// onPath returns the set of vertices (bit i: vertex i) that lie on an
// input→output path.
func (c *Cell) onPath() uint8 {
	n := int(c.n)
	fwd := uint8(1) // reachable from the input; edges go forward, so one pass
	for i := range n {
		if fwd&(1<<i) != 0 {
			fwd |= c.adj[i]
		}
	}
	bwd := uint8(1) << (n - 1) // reach the output
	for i := n - 2; i >= 0; i-- {
		if c.adj[i]&bwd != 0 {
			bwd |= 1 << i
		}
	}
	return fwd & bwd
}

// prune removes the vertices on no input→output path, as the benchmark's
// ModelSpec does, and checks the edge limit on what remains.
func (c Cell) prune() (Cell, error) {
	n := int(c.n)
	keep := c.onPath()
	if keep&(1<<(n-1)) == 0 {
		return Cell{}, cellErr("no path from the input to the output")
	}
	var idx [MaxVertices]int
	m := 0
	for i := range n {
		if keep&(1<<i) != 0 {
			idx[i] = m
			m++
		}
	}
	out := Cell{n: uint8(m)}
	for i := range n {
		if keep&(1<<i) == 0 {
			continue
		}
		out.ops[idx[i]] = c.ops[i]
		for r := c.adj[i] & keep; r != 0; r &= r - 1 {
			out.adj[idx[i]] |= 1 << idx[bits.TrailingZeros8(r)]
		}
	}
	if e := out.NumEdges(); e > MaxEdges {
		return Cell{}, cellErr("%d edges after pruning, NB101 allows at most %d", e, MaxEdges)
	}
	return out, nil
}

// bitWeight[n][i][j] is the weight of edge i→j in the adjacency key of an
// n-vertex cell: the key is the bit string of String read as a binary number
// (first bit most significant), so smaller keys are smaller strings.
var bitWeight [MaxVertices + 1][MaxVertices][MaxVertices]uint32

// perms[m] lists every permutation of 0 … m-1, in lexicographic order.
var perms [MaxVertices - 1][][]uint8

func init() {
	for n := 2; n <= MaxVertices; n++ {
		l := n * (n - 1) / 2
		k := 0
		for i := range n {
			for j := i + 1; j < n; j++ {
				bitWeight[n][i][j] = 1 << (l - 1 - k)
				k++
			}
		}
	}
	for m := range perms {
		perms[m] = permutations(m)
	}
}

func permutations(m int) [][]uint8 {
	if m == 0 {
		return [][]uint8{{}}
	}
	var out [][]uint8
	for _, p := range permutations(m - 1) {
		// Insert m-1 everywhere, then sort, is simpler to get right than
		// Heap's algorithm and runs once at init.
		for pos := 0; pos <= len(p); pos++ {
			q := make([]uint8, 0, m)
			q = append(q, p[:pos]...)
			q = append(q, uint8(m-1))
			q = append(q, p[pos:]...)
			out = append(out, q)
		}
	}
	sortPerms(out)
	return out
}

func sortPerms(ps [][]uint8) {
	less := func(a, b []uint8) bool {
		for i := range a {
			if a[i] != b[i] {
				return a[i] < b[i]
			}
		}
		return false
	}
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && less(ps[j], ps[j-1]); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// key is the adjacency key of c (see bitWeight).
func (c *Cell) key() uint32 {
	n := int(c.n)
	var k uint32
	for i := range n {
		for r := c.adj[i]; r != 0; r &= r - 1 {
			k |= bitWeight[n][i][bits.TrailingZeros8(r)]
		}
	}
	return k
}

// relabel returns the key of c with its vertices renumbered by to (vertex i
// becomes to[i]), and false when that numbering is not topological.
func (c *Cell) relabel(to *[MaxVertices]uint8) (uint32, bool) {
	n := int(c.n)
	var k uint32
	for i := range n {
		for r := c.adj[i]; r != 0; r &= r - 1 {
			a, b := to[i], to[bits.TrailingZeros8(r)]
			if a >= b {
				return 0, false
			}
			k |= bitWeight[n][a][b]
		}
	}
	return k, true
}

// interiorTo fills to with the numbering that keeps the input and output in
// place and sends interior vertex 1+k to 1+p[k].
func interiorTo(to *[MaxVertices]uint8, p []uint8, n int) {
	to[0] = 0
	for k, v := range p {
		to[1+k] = 1 + v
	}
	to[n-1] = uint8(n - 1)
}

// canonical returns the topological renumbering of the pruned cell c whose
// String is smallest: the smallest adjacency key, then the smallest ops.
// In a pruned cell the input is the only source and the output the only
// sink, so only interior vertices move.
func (c Cell) canonical() Cell {
	n := int(c.n)
	if n <= 3 {
		return c // at most one interior vertex: one numbering
	}
	var to [MaxVertices]uint8
	bestKey := c.key()
	best := c
	for _, p := range perms[n-2] {
		interiorTo(&to, p, n)
		k, ok := c.relabel(&to)
		if !ok || k > bestKey {
			continue
		}
		var d Cell
		d.n = c.n
		for i := range n {
			d.ops[to[i]] = c.ops[i]
			for r := c.adj[i]; r != 0; r &= r - 1 {
				d.adj[to[i]] |= 1 << to[bits.TrailingZeros8(r)]
			}
		}
		if k < bestKey || opsLess(&d, &best) {
			bestKey, best = k, d
		}
	}
	return best
}

func opsLess(a, b *Cell) bool {
	for i := range int(a.n) {
		if a.ops[i] != b.ops[i] {
			return a.ops[i] < b.ops[i]
		}
	}
	return false
}

// validate checks every invariant of a Cell: a zero or corrupted value fails.
func (c Cell) validate() error {
	n := int(c.n)
	if n < 2 || n > MaxVertices {
		return cellErr("%d vertices, a cell has 2 … %d (the zero Cell is not a cell: use NewCell, Parse or Space.Sample)", n, MaxVertices)
	}
	for i := range MaxVertices {
		o := c.ops[i]
		switch {
		case i >= n:
			if o != 0 || c.adj[i] != 0 {
				return cellErr("data beyond its %d vertices", n)
			}
			continue
		case i == 0 && o != opInput, i == n-1 && o != opOutput,
			i > 0 && i < n-1 && o >= numInteriorOps:
			return cellErr("vertex %d has a bad op code %d", i, o)
		}
		if c.adj[i]&^(uint8(1<<n-1)&^(1<<(i+1)-1)) != 0 {
			return cellErr("vertex %d has an edge that does not go forward to a vertex of the cell", i)
		}
	}
	if !c.full() {
		return cellErr("a vertex is on no input→output path (cells must be pruned)")
	}
	if e := c.NumEdges(); e > MaxEdges {
		return cellErr("%d edges, NB101 allows at most %d", e, MaxEdges)
	}
	if can := c.canonical(); can != c {
		return cellErr("%q is not in canonical form, which is %q", c.String(), can.String())
	}
	return nil
}

// parseErr is a *searchspace.ParseError about s at byte offset off; with
// invalid the text is well formed but no valid cell. found "" means the
// character at off.
func parseErr(s string, off int, invalid bool, found, expected string) error {
	return &searchspace.ParseError{What: "nb101 cell", Input: s, Offset: off, Found: found, Expected: expected, Invalid: invalid}
}

// Parse reads the text form that Cell.String writes and nothing else: the
// cell must be pruned and canonical, so that every cell has exactly one
// string. Errors are *searchspace.ParseError values naming the offending
// character; they wrap searchspace.ErrParse, and also
// searchspace.ErrInvalidArch for well-formed text that is no valid cell.
// For a valid but non-canonical or unpruned cell the error gives the string
// to write instead (NewCell accepts any numbering and prunes).
func Parse(s string) (Cell, error) {
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return Cell{}, parseErr(s, len(s), false, "", "':' between the adjacency bits and the op letters")
	}
	bitStr, letters := s[:colon], s[colon+1:]
	for k := 0; k < len(bitStr); k++ {
		if ch := bitStr[k]; ch != '0' && ch != '1' {
			return Cell{}, parseErr(s, k, false, "", "an adjacency bit, '0' or '1'")
		}
	}
	for k := 0; k < len(letters); k++ {
		if _, ok := opOfLetter(letters[k]); !ok {
			return Cell{}, parseErr(s, colon+1+k, false, "", "an op letter: I, 1, 3, M or O")
		}
	}
	n := len(letters) // letters are ASCII now
	if n > MaxVertices {
		return Cell{}, parseErr(s, colon+1+MaxVertices, true, fmt.Sprintf("%d op letters", n), fmt.Sprintf("at most %d (NB101 cells have at most %d vertices)", MaxVertices, MaxVertices))
	}
	var c Cell
	c.n = uint8(n)
	for k := range n {
		off := colon + 1 + k
		o, _ := opOfLetter(letters[k])
		switch {
		case k == 0 && o != opInput:
			return Cell{}, parseErr(s, off, false, "", "'I' (input) as the first op letter")
		case k == n-1 && o != opOutput:
			return Cell{}, parseErr(s, off, false, "", "'O' (output) as the last op letter")
		case k > 0 && k < n-1 && o >= opInput:
			return Cell{}, parseErr(s, off, false, "", "an interior op letter 1, 3 or M ('I' and 'O' may only be the first and the last)")
		}
		c.ops[k] = o
	}
	if n < 2 {
		return Cell{}, parseErr(s, len(s), false, fmt.Sprintf("%d op letters", n), "at least the input and the output ('I…O')")
	}
	if want := n * (n - 1) / 2; len(bitStr) != want {
		return Cell{}, parseErr(s, min(len(bitStr), want), false, fmt.Sprintf("%d adjacency bits", len(bitStr)), fmt.Sprintf("%d, the upper triangle of a %d-vertex cell row by row", want, n))
	}
	k := 0
	for i := range n {
		for j := i + 1; j < n; j++ {
			if bitStr[k] == '1' {
				c.adj[i] |= 1 << j
			}
			k++
		}
	}
	keep := c.onPath()
	if keep&(1<<(n-1)) == 0 {
		return Cell{}, parseErr(s, 0, true, "a cell with no path from the input to the output", "edges that connect them")
	}
	if keep != uint8(1<<n-1) {
		v := bits.TrailingZeros8(^keep)
		expected := "a pruned cell"
		if p, err := c.prune(); err == nil {
			expected = fmt.Sprintf("the pruned cell %q", p.canonical().String())
		}
		return Cell{}, parseErr(s, colon+1+v, true, fmt.Sprintf("vertex %d, which is on no input→output path", v), expected)
	}
	if e := c.NumEdges(); e > MaxEdges {
		return Cell{}, parseErr(s, tenthEdge(bitStr), true, fmt.Sprintf("%d edges", e), fmt.Sprintf("at most %d (NB101's limit)", MaxEdges))
	}
	if can := c.canonical(); can != c {
		cs := can.String()
		off := 0
		for off < len(s) && s[off] == cs[off] {
			off++
		}
		return Cell{}, parseErr(s, off, true, "a valid cell not in canonical form (its smallest topological numbering)", fmt.Sprintf("%q", cs))
	}
	return c, nil
}

func opOfLetter(ch byte) (op, bool) {
	for o, l := range opLetters {
		if l == ch {
			return op(o), true
		}
	}
	return 0, false
}

// tenthEdge is the offset of the bit of the first edge over the limit.
func tenthEdge(bitStr string) int {
	e := 0
	for k := 0; k < len(bitStr); k++ {
		if bitStr[k] == '1' {
			if e++; e > MaxEdges {
				return k
			}
		}
	}
	return 0
}
