package nasbench201

import (
	"iter"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/archtype"
	"github.com/hypernas/go-hypernas/searchspace/internal/nb201cell"
)

// Space is the NAS-Bench-201 search space. It implements
// searchspace.SearchSpace and searchspace.Enumerable; its architectures are
// values of type Arch. The zero value is ready to use.
type Space struct{}

var _ searchspace.Enumerable = (*Space)(nil)

// New returns the NAS-Bench-201 space.
func New() *Space { return &Space{} }

// Name returns "nb201".
func (*Space) Name() string { return "nb201" }

// OpNames returns the node-type vocabulary of the encodings (see NodeOpNames).
func (*Space) OpNames() []string { return append([]string(nil), NodeOpNames[:]...) }

// MaxNodes returns 8, the node count of a cell graph (the largest unit).
func (*Space) MaxNodes() int { return CellNodes }

// NumFeatures returns 0: NB201 units carry only their op types.
func (*Space) NumFeatures() int { return 0 }

// Size returns 15625, the number of NB201 cells.
func (*Space) Size() int { return Size }

// All yields every cell once in canonical order (index = Arch.CanonicalIndex,
// a base-5 number over the edges). The official NB201 index order is not a
// formula of the cell; it is the row order of the benchmark (LoadBenchmark).
func (*Space) All() iter.Seq2[int, searchspace.Arch] { return archtype.All(Size, ArchAt) }

// At returns the cell at canonical index i; the error wraps
// searchspace.ErrNoSuchArch when i is out of range.
func (*Space) At(i int) (Arch, error) { return ArchAt(i) }

// Sample draws each edge's op uniformly and independently, so every cell
// has probability 1/15625. It returns nil for a nil rng.
func (*Space) Sample(rng *rand.Rand) searchspace.Arch {
	if rng == nil {
		return nil
	}
	return nb201cell.Sample[Arch](NumOps, rng)
}

// Mutate changes the op of one edge, chosen uniformly, to one of the other
// four ops, chosen uniformly. a must be an Arch or a non-nil *Arch of this
// space; anything else is an error wrapping searchspace.ErrInvalidArch.
func (*Space) Mutate(a searchspace.Arch, rng *rand.Rand) (searchspace.Arch, error) {
	return archtype.Mutate(a, rng, "nb201", asArch, func(c Arch, rng *rand.Rand) Arch { return nb201cell.Mutate(c, NumOps, rng) })
}

// Validate reports whether a is a valid NB201 cell: an Arch or non-nil
// *Arch whose ops are all in 0..NumOps-1.
func (*Space) Validate(a searchspace.Arch) error {
	_, err := asArch(a)
	return err
}

// Parse is the package function Parse returning a searchspace.Arch.
func (*Space) Parse(s string) (searchspace.Arch, error) { return archtype.Parse(s, Parse) }

// asArch unwraps the accepted forms of an NB201 architecture (Arch, *Arch)
// and checks it.
func asArch(a searchspace.Arch) (Arch, error) {
	return archtype.Valid(a, "an NB201", Arch.validate)
}
