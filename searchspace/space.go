package searchspace

import (
	"errors"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
)

// Sentinel errors that callers can test with errors.Is.
var (
	// ErrInvalidArch is wrapped by every error about an architecture that is
	// not a member of its space (bad op, bad wiring, wrong size).
	ErrInvalidArch = errors.New("invalid architecture")
	// ErrParse is wrapped by every error about malformed text (arch strings,
	// genotypes, CSV tables).
	ErrParse = errors.New("parse error")
	// ErrNoSuchArch reports an architecture or index that is not in a table
	// or space.
	ErrNoSuchArch = errors.New("no such architecture")
	// ErrNotEnumerable reports a space that has no finite enumeration.
	ErrNotEnumerable = errors.New("search space is not enumerable")
)

// Arch is one architecture of a search space. String returns its canonical
// text form, which the space's Parse turns back into an equal Arch: two
// architectures are the same exactly when their strings are equal.
type Arch interface {
	String() string
}

// SearchSpace is a family of architectures. Implement it to bring a space of
// your own: every model, loader and search strategy of go-hypernas works
// through this interface alone, and spacetest.Check tests an implementation
// against the contract below in one line.
//
// Concurrency: the predictor encodes architectures from several goroutines
// at once, so Encode, EncodeCell, Validate and Parse (and the declarations
// Name, OpNames, MaxNodes, NumFeatures) must be safe for concurrent use.
// Sample and Mutate draw from the rng they are given and from nothing else
// (no global random source, no clock), so the same seed gives the same
// architectures; a *rand.Rand itself is not safe for concurrent use.
//
// Depth: the global encoding of a space whose networks all have the same
// number of units needs no declaration: that length is read from the
// encoding of one sampled architecture, and every other encoding must
// match it. A space whose networks differ in their number of units must
// implement VariableDepth.
type SearchSpace interface {
	// Name is a short identifier such as "nb201".
	Name() string
	// OpNames is the node-type vocabulary of the space's encodings: every
	// Graph.Ops entry indexes this slice. It includes the types of fixed
	// macro units (e.g. a reduction block's ops) and "input"/"output" nodes.
	OpNames() []string
	// MaxNodes is the largest node count of any Graph the space produces
	// (of Encode's units only, when the space implements CellSized);
	// smaller graphs are padded to it and masked.
	MaxNodes() int
	// NumFeatures is the number of numeric node features a Graph carries
	// besides its op type (width, stride, heads ...); 0 for pure cell spaces.
	NumFeatures() int
	// Sample draws an architecture from the space using rng only, so the
	// same seed gives the same architecture. rng must not be nil; the
	// built-in spaces return a nil Arch for a nil rng.
	Sample(rng *rand.Rand) Arch
	// Mutate returns a valid neighbour of a that differs from it (by
	// String), drawing from rng only, or an error if a is not a valid
	// member of the space. It does not modify a. rng must not be nil; the
	// built-in spaces return an error for a nil rng.
	Mutate(a Arch, rng *rand.Rand) (Arch, error)
	// Validate reports whether a is a member of the space; the error wraps
	// ErrInvalidArch and says what is wrong.
	Validate(a Arch) error
	// Parse turns the canonical text form back into an Arch; the error
	// wraps ErrParse or ErrInvalidArch and names the position of the problem
	// (the built-in spaces return a *ParseError).
	Parse(s string) (Arch, error)
	// Encode is the global encoding of the evaluated network (HyperNAS,
	// Lv et al., CVPR 2026): every unit (cell, reduction block, layer) in
	// forward order. Each unit must pass Graph.Validate with the space's
	// declarations; ValidateSequence checks a whole Sequence.
	Encode(a Arch) (Sequence, error)
	// EncodeCell is the plain single-cell encoding used by the Neural
	// Predictor baseline: the network is assumed to be this unit stacked.
	// Its node count is bounded by MaxNodes, or by MaxCellNodes when the
	// space implements CellSized.
	EncodeCell(a Arch) (Graph, error)
}

// VariableDepth is implemented by spaces whose evaluated networks differ in
// their number of units (macro spaces, ViTs): MaxUnits is the longest
// Sequence that Encode returns. Shorter sequences are padded after their last
// unit and the padding is masked out of the architecture embedding. Spaces
// whose every network has the same number of units may leave it out (see
// SearchSpace).
type VariableDepth interface {
	MaxUnits() int
}

// CellSized is implemented by spaces whose single-cell encoding (EncodeCell)
// is a flat graph with more nodes than any unit of their global encoding
// (Encode), such as a chain of blocks, or a normal and a reduction cell,
// that EncodeCell flattens into one graph. MaxCellNodes is the largest node
// count of an EncodeCell graph; MaxNodes then bounds the units of Encode
// alone, so that the global encoding's units are not padded to the flat
// graph's size. Spaces without it use MaxNodes for both; the function
// MaxCellNodes reads the bound of any space.
type CellSized interface {
	MaxCellNodes() int
}

// Enumerable is implemented by finite spaces that can list every
// architecture once in a fixed, documented order (for benchmarks whose own
// index is not a formula, such as NB201, the official order is the row
// order of the loaded benchmark table instead).
type Enumerable interface {
	SearchSpace
	// Size is the number of architectures in the space.
	Size() int
	// All yields every architecture once with its index 0..Size()-1.
	All() iter.Seq2[int, Arch]
}

// Graph is one unit of a global encoding: a directed acyclic graph whose
// nodes carry an op type and, optionally, numeric features. Node 0 is the
// unit's input, the last node its output.
type Graph struct {
	// Ops[i] is node i's op type, an index into the space's OpNames.
	Ops []int
	// Adj[i][j] is true for an edge i→j. Edges only go forward (i < j).
	Adj [][]bool
	// Features[i] holds node i's NumFeatures numeric features; nil when the
	// space has none.
	Features [][]float64
}

// NumNodes is the number of nodes of g.
func (g Graph) NumNodes() int { return len(g.Ops) }

// Validate checks that g is a well-formed unit for a space with the given
// vocabulary size, node limit and feature count: 1 to maxNodes nodes, op
// types in 0..vocab-1, a square adjacency of forward edges only (i < j),
// and numFeatures finite features per node (nil Features when numFeatures
// is 0). The error wraps ErrInvalidArch.
func (g Graph) Validate(vocab, maxNodes, numFeatures int) error {
	_, err := g.validate(vocab, maxNodes, numFeatures)
	return err
}

// graphFix says which declaration or which part of an encoding a Graph
// problem asks to change, for ValidateSequence's advice.
type graphFix int

const (
	fixGraph       graphFix = iota // the graph the space builds
	fixMaxNodes                    // MaxNodes (or MaxCellNodes)
	fixOpNames                     // OpNames
	fixNumFeatures                 // NumFeatures
)

func (g Graph) validate(vocab, maxNodes, numFeatures int) (graphFix, error) {
	n := len(g.Ops)
	if n == 0 {
		return fixGraph, fmt.Errorf("%w: graph has no nodes", ErrInvalidArch)
	}
	if n > maxNodes {
		return fixMaxNodes, fmt.Errorf("%w: graph has %d nodes, the space allows at most %d", ErrInvalidArch, n, maxNodes)
	}
	for i, op := range g.Ops {
		if op < 0 || op >= vocab {
			return fixOpNames, fmt.Errorf("%w: node %d has op index %d, vocabulary has %d ops", ErrInvalidArch, i, op, vocab)
		}
	}
	if len(g.Adj) != n {
		return fixGraph, fmt.Errorf("%w: adjacency has %d rows for %d nodes", ErrInvalidArch, len(g.Adj), n)
	}
	for i, row := range g.Adj {
		if len(row) != n {
			return fixGraph, fmt.Errorf("%w: adjacency row %d has %d entries for %d nodes", ErrInvalidArch, i, len(row), n)
		}
		for j := 0; j <= i; j++ {
			if row[j] {
				return fixGraph, fmt.Errorf("%w: edge %d→%d does not go forward (adjacency must be upper triangular)", ErrInvalidArch, i, j)
			}
		}
	}
	if numFeatures == 0 {
		if g.Features != nil {
			return fixNumFeatures, fmt.Errorf("%w: graph has node features but the space declares none", ErrInvalidArch)
		}
		return fixGraph, nil
	}
	if len(g.Features) != n {
		return fixNumFeatures, fmt.Errorf("%w: %d feature rows for %d nodes", ErrInvalidArch, len(g.Features), n)
	}
	for i, f := range g.Features {
		if len(f) != numFeatures {
			return fixNumFeatures, fmt.Errorf("%w: node %d has %d features, the space declares %d", ErrInvalidArch, i, len(f), numFeatures)
		}
		for j, x := range f {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fixGraph, fmt.Errorf("%w: node %d feature %d is %v, features must be finite", ErrInvalidArch, i, j, x)
			}
		}
	}
	return fixGraph, nil
}

// NewGraph returns a graph of n nodes with the given ops and no edges.
func NewGraph(ops ...int) Graph {
	adj := make([][]bool, len(ops))
	for i := range adj {
		adj[i] = make([]bool, len(ops))
	}
	return Graph{Ops: append([]int(nil), ops...), Adj: adj}
}

// Sequence is the global encoding of an evaluated network: its units in
// forward order (HyperNAS's A = (A¹ … A^N)).
type Sequence []Graph

// OpIndex returns the index of name in ops, or -1.
func OpIndex(ops []string, name string) int {
	for i, o := range ops {
		if o == name {
			return i
		}
	}
	return -1
}
