package transnas101

import (
	"iter"
	"math/rand/v2"
	"slices"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/archtype"
	"github.com/hypernas/go-hypernas/searchspace/internal/nb201cell"
)

// Micro is the TransNAS-Bench-101 micro space: 4,096 cells in the fixed
// skeleton 64-41414. It implements searchspace.Enumerable; its
// architectures are Cell values. The zero value is ready to use.
type Micro struct{}

// Macro is the TransNAS-Bench-101 macro space: 3,256 skeletons of ResNet
// basic-block modules. It implements searchspace.Enumerable; its
// architectures are Skeleton values. The zero value is ready to use.
type Macro struct{}

var (
	_ searchspace.Enumerable    = (*Micro)(nil)
	_ searchspace.Enumerable    = (*Macro)(nil)
	_ searchspace.VariableDepth = (*Macro)(nil)
	_ searchspace.CellSized     = (*Macro)(nil)
)

// NewMicro returns the micro space.
func NewMicro() *Micro { return &Micro{} }

// NewMacro returns the macro space.
func NewMacro() *Macro { return &Macro{} }

// Name returns "transnas101_micro".
func (*Micro) Name() string { return "transnas101_micro" }

// Name returns "transnas101_macro".
func (*Macro) Name() string { return "transnas101_macro" }

// OpNames returns the node-type vocabulary (NodeOpNames), shared by both
// spaces.
func (*Micro) OpNames() []string { return append([]string(nil), NodeOpNames[:]...) }

// OpNames returns the node-type vocabulary (NodeOpNames), shared by both
// spaces.
func (*Macro) OpNames() []string { return append([]string(nil), NodeOpNames[:]...) }

// MaxNodes returns 8, the node count of a cell graph.
func (*Micro) MaxNodes() int { return MaxNodes }

// MaxNodes returns 5, the node count of a residual-block graph, Encode's
// unit.
func (*Macro) MaxNodes() int { return BlockNodes }

// MaxCellNodes returns 8, the node count of EncodeCell's longest chain
// (input, 6 modules, output; searchspace.CellSized).
func (*Macro) MaxCellNodes() int { return MaxNodes }

// NumFeatures returns 3: FeatWidth, FeatStride, FeatLevel.
func (*Micro) NumFeatures() int { return NumFeatures }

// NumFeatures returns 3: FeatWidth, FeatStride, FeatLevel.
func (*Macro) NumFeatures() int { return NumFeatures }

// Size returns 4096.
func (*Micro) Size() int { return MicroSize }

// Size returns 3256.
func (*Macro) Size() int { return MacroSize }

// All yields every cell once in the row order of micro.csv (index =
// Cell.Index).
func (*Micro) All() iter.Seq2[int, searchspace.Arch] { return archtype.All(MicroSize, CellAt) }

// All yields every skeleton once in the row order of macro.csv, sorted by
// arch string (index = Skeleton.Index). Each is a fresh slice.
func (*Macro) All() iter.Seq2[int, searchspace.Arch] { return archtype.All(MacroSize, SkeletonAt) }

// Sample draws each edge's op uniformly and independently: every cell has
// probability 1/4096. It returns nil for a nil rng.
func (*Micro) Sample(rng *rand.Rand) searchspace.Arch {
	if rng == nil {
		return nil
	}
	return nb201cell.Sample[Cell](NumOps, rng)
}

// Sample draws a skeleton uniformly from the 3,256. It returns nil for a
// nil rng.
func (*Macro) Sample(rng *rand.Rand) searchspace.Arch {
	if rng == nil {
		return nil
	}
	all, _ := macroAll()
	return slices.Clone(all[rng.IntN(len(all))])
}

// Mutate changes the op of one edge, chosen uniformly, to one of the three
// others, chosen uniformly.
func (*Micro) Mutate(a searchspace.Arch, rng *rand.Rand) (searchspace.Arch, error) {
	return archtype.Mutate(a, rng, "transnas101", asCell, func(c Cell, rng *rand.Rand) Cell { return nb201cell.Mutate(c, NumOps, rng) })
}

// Mutate returns a neighbour chosen uniformly among the distinct valid
// skeletons one edit away: one module changed to another type, one module
// inserted anywhere, or one module removed.
func (*Macro) Mutate(a searchspace.Arch, rng *rand.Rand) (searchspace.Arch, error) {
	return archtype.Mutate(a, rng, "transnas101", asSkeleton, func(s Skeleton, rng *rand.Rand) Skeleton {
		n := Neighbours(s)
		return n[rng.IntN(len(n))]
	})
}

// Neighbours returns the distinct valid skeletons one edit (change, insert
// or remove one module) away from s, in a fixed order. Every valid
// skeleton has at least one.
func Neighbours(s Skeleton) []Skeleton {
	seen := map[string]bool{s.String(): true}
	var out []Skeleton
	add := func(c Skeleton) {
		if c.Validate() != nil || seen[c.String()] {
			return
		}
		seen[c.String()] = true
		out = append(out, c)
	}
	for i := range s {
		for b := Keep; b <= DownWiden; b++ {
			if b != s[i] {
				c := slices.Clone(s)
				c[i] = b
				add(c)
			}
		}
	}
	for i := 0; i <= len(s); i++ {
		for b := Keep; b <= DownWiden; b++ {
			add(slices.Insert(slices.Clone(s), i, b))
		}
	}
	for i := range s {
		add(slices.Delete(slices.Clone(s), i, i+1))
	}
	return out
}

// Validate reports whether a is a valid Cell or non-nil *Cell.
func (*Micro) Validate(a searchspace.Arch) error {
	_, err := asCell(a)
	return err
}

// Validate reports whether a is a valid Skeleton or non-nil *Skeleton (see
// Skeleton.Validate).
func (*Macro) Validate(a searchspace.Arch) error {
	_, err := asSkeleton(a)
	return err
}

// Parse is ParseCell returning a searchspace.Arch.
func (*Micro) Parse(s string) (searchspace.Arch, error) { return archtype.Parse(s, ParseCell) }

// Parse is ParseSkeleton returning a searchspace.Arch.
func (*Macro) Parse(s string) (searchspace.Arch, error) { return archtype.Parse(s, ParseSkeleton) }

// Encode is the HyperNAS global encoding of the evaluated micro network:
// its 10 cells in forward order (five modules 4-1-4-1-4 of two cells; the
// first cell of modules 1, 3 and 5 halves the resolution and doubles the
// width), each the cell graph with FeatWidth, FeatStride and FeatLevel set
// (see cellGraph). The stem and the task decoder are the same for every
// cell and are left out.
func (*Micro) Encode(a searchspace.Arch) (searchspace.Sequence, error) {
	c, err := asCell(a)
	if err != nil {
		return nil, err
	}
	us := units(microSkeleton)
	seq := make(searchspace.Sequence, len(us))
	for i := range us {
		seq[i] = cellGraph(c, &us[i])
	}
	return seq, nil
}

// EncodeCell is the single-cell encoding of the Neural Predictor baseline:
// the 8-node cell graph, its features all zero (the baseline sees the cell
// alone, not where it sits).
func (*Micro) EncodeCell(a searchspace.Arch) (searchspace.Graph, error) {
	c, err := asCell(a)
	if err != nil {
		return searchspace.Graph{}, err
	}
	return cellGraph(c, nil), nil
}

// MaxUnits is the longest macro encoding: two units per module, at most
// MaxBlocks modules (searchspace.VariableDepth).
func (*Macro) MaxUnits() int { return 2 * MaxBlocks }

// Encode is the HyperNAS global encoding of the evaluated macro network:
// one 5-node residual-block graph per ResNet basic block in forward order,
// two per module (8 to 12 units); the first block of a module carries its
// stride (FeatStride on the first convolution and the shortcut) and
// widening (a conv_1x1 shortcut), and every node says its width and
// resolution level (FeatWidth, FeatLevel).
func (*Macro) Encode(a searchspace.Arch) (searchspace.Sequence, error) {
	s, err := asSkeleton(a)
	if err != nil {
		return nil, err
	}
	us := units(s)
	seq := make(searchspace.Sequence, len(us))
	for i, u := range us {
		seq[i] = blockGraph(u)
	}
	return seq, nil
}

// EncodeCell is the single-graph encoding of the Neural Predictor
// baseline: a macro skeleton has no repeated cell, so the graph is the
// chain input → one node per module, typed by its digit
// (block_keep … block_down_widen) → output, with the width and level after
// each module as features.
func (*Macro) EncodeCell(a searchspace.Arch) (searchspace.Graph, error) {
	s, err := asSkeleton(a)
	if err != nil {
		return searchspace.Graph{}, err
	}
	return skeletonGraph(s), nil
}

// asCell unwraps the accepted forms of a micro architecture (Cell, *Cell)
// and checks it.
func asCell(a searchspace.Arch) (Cell, error) {
	return archtype.Valid(a, "a TransNAS-Bench-101 micro", Cell.Validate)
}

// asSkeleton unwraps the accepted forms of a macro architecture (Skeleton,
// *Skeleton), checks it and returns a copy, so callers may modify it.
func asSkeleton(a searchspace.Arch) (Skeleton, error) {
	s, err := archtype.Valid(a, "a TransNAS-Bench-101 macro", Skeleton.Validate)
	if err != nil {
		return nil, err
	}
	return slices.Clone(s), nil
}
