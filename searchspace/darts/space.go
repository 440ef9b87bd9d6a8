package darts

import (
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/archtype"
)

// Space is the DARTS search space (the space of NAS-Bench-301). It
// implements searchspace.SearchSpace; its architectures are Genotype values.
// It is not enumerable: 2.8·10^20 genotypes as written (7^8 op choices and
// 2·6·12·20 ordered input pairs per cell), 6.9·10^19 up to the order of
// each node's two edges. Make one with New; the zero value is the space of
// New() with no options.
type Space struct {
	cells int // 0: DefaultCells
}

var (
	_ searchspace.SearchSpace = (*Space)(nil)
	_ searchspace.CellSized   = (*Space)(nil)
)

// DefaultCells is the cell count of the network that Encode describes by
// default: DARTS's 8-cell search network.
const DefaultCells = 8

// MaxCells is the largest cell count WithCells accepts (DARTS's networks
// have 8, 14 or 20).
const MaxCells = 1024

// Option configures New (and the loaders, which make the Benchmark's space
// with New).
type Option func(*Space) error

// WithCells sets the number of cells of the evaluated network that Encode
// describes: 8 (the default) for DARTS's search network, 20 for its CIFAR-10
// evaluation network. It must be in 1..MaxCells.
func WithCells(n int) Option {
	return func(s *Space) error {
		if n < 1 || n > MaxCells {
			return fmt.Errorf("darts: WithCells(%d): the network needs 1 to %d cells", n, MaxCells)
		}
		s.cells = n
		return nil
	}
}

// New returns the DARTS space; the error reports a bad option.
func New(opts ...Option) (*Space, error) {
	s := &Space{cells: DefaultCells}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Cells returns the number of cells of the encoded network.
func (s *Space) Cells() int {
	if s == nil || s.cells == 0 {
		return DefaultCells
	}
	return s.cells
}

// IsReduction reports whether cell i (0-based) of an n-cell DARTS network
// is a reduction cell: DARTS puts them at n/3 and 2n/3 (integer division).
func IsReduction(i, n int) bool { return i == n/3 || i == 2*n/3 }

// Name returns "darts".
func (*Space) Name() string { return "darts" }

// OpNames returns the node-type vocabulary of the encodings (NodeOpNames).
func (*Space) OpNames() []string { return append([]string(nil), NodeOpNames[:]...) }

// MaxNodes returns 11, the node count of a cell graph, Encode's unit.
func (*Space) MaxNodes() int { return CellNodes }

// MaxCellNodes returns 20, the node count of EncodeCell's normal+reduction
// graph (searchspace.CellSized).
func (*Space) MaxCellNodes() int { return PairNodes }

// NumFeatures returns 0: a reduction cell's ops have node types of their
// own instead of a feature.
func (*Space) NumFeatures() int { return 0 }

// Sample draws a genotype uniformly: for every node of both cells an
// ordered pair of distinct inputs and an op per edge, all uniform. It
// returns nil for a nil rng.
func (*Space) Sample(rng *rand.Rand) searchspace.Arch {
	if rng == nil {
		return nil
	}
	return Genotype{Normal: sampleCell(rng), Reduce: sampleCell(rng)}
}

func sampleCell(rng *rand.Rand) Cell {
	var c Cell
	for k := range NumNodes {
		a := rng.IntN(k + 2)
		b := rng.IntN(k + 1)
		if b >= a {
			b++
		}
		c[2*k] = Edge{Op: Ops[rng.IntN(NumOps)], Input: a}
		c[2*k+1] = Edge{Op: Ops[rng.IntN(NumOps)], Input: b}
	}
	return c
}

// neighboursPerCell is the number of single changes of a cell: 8 edges × 6
// other ops, plus per node k, 2 edges × k other inputs (0+2+4+6).
const neighboursPerCell = NumEdges*(NumOps-1) + 12

// Mutate makes one change, chosen uniformly among all 120 neighbours: the
// op of one edge, or the input of one edge (to a state the node does not
// already read), in the normal or the reduction cell. a must be a valid
// Genotype or *Genotype.
func (*Space) Mutate(a searchspace.Arch, rng *rand.Rand) (searchspace.Arch, error) {
	return archtype.Mutate(a, rng, "darts", asGenotype, mutateGenotype)
}

// mutateGenotype makes the change of Mutate in a copy of g.
func mutateGenotype(g Genotype, rng *rand.Rand) Genotype {
	r := rng.IntN(2 * neighboursPerCell)
	c := &g.Normal
	if r >= neighboursPerCell {
		c, r = &g.Reduce, r-neighboursPerCell
	}
	if r < NumEdges*(NumOps-1) {
		i, o := r/(NumOps-1), r%(NumOps-1)
		if o >= OpIndex(c[i].Op) { // skip the current op
			o++
		}
		c[i].Op = Ops[o]
		return g
	}
	r -= NumEdges * (NumOps - 1)
	// Node k's edges have k alternative inputs each; nodes 1, 2, 3 own
	// 2, 4, 6 of the remaining 12 moves.
	k := 1
	for r >= 2*k {
		r -= 2 * k
		k++
	}
	i := 2*k + r/k
	partner := c[i^1].Input
	cur := c[i].Input
	// The k alternatives are 0..k+1 without cur and partner, in order.
	v := r % k
	for in := range k + 2 {
		if in == cur || in == partner {
			continue
		}
		if v == 0 {
			c[i].Input = in
			break
		}
		v--
	}
	return g
}

// Validate reports whether a is a valid Genotype or *Genotype (see
// Genotype.Validate).
func (*Space) Validate(a searchspace.Arch) error {
	_, err := asGenotype(a)
	return err
}

// Parse is the package function Parse (any of the three text forms),
// returning a searchspace.Arch.
func (*Space) Parse(s string) (searchspace.Arch, error) { return archtype.Parse(s, Parse) }

// asGenotype unwraps the accepted forms of a DARTS architecture (Genotype,
// *Genotype) and checks it.
func asGenotype(a searchspace.Arch) (Genotype, error) {
	return archtype.Valid(a, "a DARTS", Genotype.Validate)
}
