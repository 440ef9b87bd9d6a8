package nasbench101

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"iter"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/archtype"
)

// Space is the NAS-Bench-101 search space. It implements
// searchspace.SearchSpace and searchspace.Enumerable; its architectures are
// Cell values. The zero value is ready to use.
type Space struct{}

var _ searchspace.Enumerable = (*Space)(nil)

// New returns the NAS-Bench-101 space.
func New() *Space { return &Space{} }

// Name returns "nb101".
func (*Space) Name() string { return "nb101" }

// OpNames returns the node-type vocabulary of the encodings (NodeOpNames).
func (*Space) OpNames() []string { return append([]string(nil), NodeOpNames[:]...) }

// MaxNodes returns 7, the largest cell (the largest unit).
func (*Space) MaxNodes() int { return MaxVertices }

// NumFeatures returns 0: NB101 units carry only their op types.
func (*Space) NumFeatures() int { return 0 }

// Size returns 423624, the number of unique NB101 cells.
func (*Space) Size() int { return NumCells }

// All yields every unique cell once, in ascending order of Fingerprint (the
// order of the benchmark's hash-keyed files): index i is the cell with the
// i-th smallest fingerprint. The first call enumerates the space (a few
// seconds on two cores, using every core of runtime.GOMAXPROCS); the result
// is kept for the life of the process, so later calls cost nothing.
func (*Space) All() iter.Seq2[int, searchspace.Arch] {
	return func(yield func(int, searchspace.Arch) bool) {
		for i, c := range theSpace().cells {
			if !yield(i, c) {
				return
			}
		}
	}
}

// Cell returns the cell at index i of All; the error wraps
// searchspace.ErrNoSuchArch when i is out of range. Cell(rng.IntN(NumCells))
// samples the space uniformly, which Sample does not. Like All, the first
// call enumerates the space.
func (*Space) Cell(i int) (Cell, error) {
	if i < 0 || i >= NumCells {
		return Cell{}, fmt.Errorf("%w: nb101 index %d, the space has %d cells", searchspace.ErrNoSuchArch, i, NumCells)
	}
	return theSpace().cells[i], nil
}

// Lookup finds a cell by its fingerprint (32 hex digits) and returns it with
// its index in All. A malformed fingerprint is an error wrapping
// searchspace.ErrParse, an unknown one wraps searchspace.ErrNoSuchArch.
// Like All, the first call enumerates the space; a lookup is then a binary
// search.
func (*Space) Lookup(fingerprint string) (Cell, int, error) {
	var fp [16]byte
	if len(fingerprint) != 2*len(fp) {
		return Cell{}, -1, fmt.Errorf("%w: nb101 fingerprint %q has %d characters, want %d hex digits", searchspace.ErrParse, fingerprint, len(fingerprint), 2*len(fp))
	}
	if _, err := hex.Decode(fp[:], []byte(fingerprint)); err != nil {
		return Cell{}, -1, fmt.Errorf("%w: nb101 fingerprint %q: %v", searchspace.ErrParse, fingerprint, err)
	}
	e := theSpace()
	i, ok := slices.BinarySearchFunc(e.fps, fp, func(a, b [16]byte) int { return bytes.Compare(a[:], b[:]) })
	if !ok {
		return Cell{}, -1, fmt.Errorf("%w: no nb101 cell has fingerprint %s", searchspace.ErrNoSuchArch, fingerprint)
	}
	return e.cells[i], i, nil
}

// Sample draws a cell as the benchmark's random search does: a random
// upper-triangular 7×7 matrix (each edge with probability ½) and random
// interior ops, pruned, drawn again until the cell is valid (an
// input→output path, at most 9 edges). The result is a Cell. Small cells
// are rarer than under uniform sampling of the 423,624 cells; for that use
// Cell(rng.IntN(NumCells)). It returns nil for a nil rng.
func (*Space) Sample(rng *rand.Rand) searchspace.Arch {
	if rng == nil {
		return nil
	}
	return sampleCell(rng)
}

func sampleCell(rng *rand.Rand) Cell {
	for {
		raw := Cell{n: MaxVertices}
		edges := rng.Uint32()
		for i := range MaxVertices {
			for j := i + 1; j < MaxVertices; j++ {
				raw.adj[i] |= uint8(edges&1) << j
				edges >>= 1
			}
		}
		raw.ops[0], raw.ops[MaxVertices-1] = opInput, opOutput
		for v := 1; v < MaxVertices-1; v++ {
			raw.ops[v] = op(rng.IntN(numInteriorOps))
		}
		if c, err := raw.prune(); err == nil {
			return c.canonical()
		}
	}
}

// Mutate returns a neighbour of a, as the benchmark's evolution does: the
// cell is laid out on 7 vertices (its interior vertices at random positions
// among the 5 interior slots, the free slots unconnected with random ops),
// then each of the 21 possible edges is flipped with probability 1/7 and
// each interior op replaced by another with probability 1/5; this is drawn
// again until the pruned result is a valid cell with a fingerprint other
// than a's. a must be a Cell or a non-nil *Cell.
func (*Space) Mutate(a searchspace.Arch, rng *rand.Rand) (searchspace.Arch, error) {
	return archtype.Mutate(a, rng, "nb101", asCell, mutateCell)
}

func mutateCell(c Cell, rng *rand.Rand) Cell {
	n := int(c.n)
	const slots = MaxVertices - 2
	for {
		// Choose where the n-2 interior vertices go, keeping their order.
		var to [MaxVertices]uint8
		free := uint8(1<<slots - 1)
		for range n - 2 {
			free &^= 1 << nthSet(free, rng.IntN(bits.OnesCount8(free)))
		}
		used := uint8(1<<slots-1) &^ free
		to[0], to[n-1] = 0, MaxVertices-1
		v := 1
		for s := 0; s < slots; s++ {
			if used&(1<<s) != 0 {
				to[v] = uint8(1 + s)
				v++
			}
		}
		raw := Cell{n: MaxVertices}
		for i := range n {
			raw.ops[to[i]] = c.ops[i]
			for r := c.adj[i]; r != 0; r &= r - 1 {
				raw.adj[to[i]] |= 1 << to[bits.TrailingZeros8(r)]
			}
		}
		for s := 0; s < slots; s++ {
			if free&(1<<s) != 0 {
				raw.ops[1+s] = op(rng.IntN(numInteriorOps))
			}
		}
		for i := range MaxVertices {
			for j := i + 1; j < MaxVertices; j++ {
				if rng.IntN(MaxVertices) == 0 {
					raw.adj[i] ^= 1 << j
				}
			}
		}
		for v := 1; v < MaxVertices-1; v++ {
			if rng.IntN(slots) == 0 {
				// One of the other two ops, uniformly.
				raw.ops[v] = (raw.ops[v] + 1 + op(rng.IntN(numInteriorOps-1))) % numInteriorOps
			}
		}
		p, err := raw.prune()
		if err != nil {
			continue
		}
		// Canonical forms are equal exactly when fingerprints are: the
		// enumeration test checks that no two classes share a fingerprint.
		if m := p.canonical(); m != c {
			return m
		}
	}
}

// nthSet returns the position of the k-th (0-based) set bit of s.
func nthSet(s uint8, k int) int {
	for range k {
		s &= s - 1
	}
	return bits.TrailingZeros8(s)
}

// Validate reports whether a is a valid NB101 cell: a Cell or non-nil *Cell
// made by this package (the zero Cell is not valid).
func (*Space) Validate(a searchspace.Arch) error {
	_, err := asCell(a)
	return err
}

// Parse is the package function Parse returning a searchspace.Arch.
func (*Space) Parse(s string) (searchspace.Arch, error) { return archtype.Parse(s, Parse) }

// asCell unwraps the accepted forms of an NB101 architecture (Cell, *Cell)
// and checks it.
func asCell(a searchspace.Arch) (Cell, error) {
	return archtype.Valid(a, "an NB101", Cell.validate)
}
