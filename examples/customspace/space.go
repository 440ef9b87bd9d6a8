package main

import (
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"

	"github.com/hypernas/go-hypernas/searchspace"
)

// A small search space written from scratch: a chain of Depth convolution
// blocks, each with a kernel size, a width and a stride. Everything the
// predictor needs comes through searchspace.SearchSpace.

const Depth = 4

var (
	kernels = []int{1, 3, 5}
	widths  = []int{16, 32, 64}
	strides = []int{1, 2}
)

// Node types of the encoding: the block's convolution by kernel size.
var opNames = []string{"input", "output", "conv1x1", "conv3x3", "conv5x5"}

// Block is one convolution block (indices into kernels, widths, strides).
type Block struct{ K, W, S int }

// Chain is an architecture: Depth blocks in order. Its text form is
// "k3w32s1-k5w64s2-…".
type Chain [Depth]Block

func (c Chain) String() string {
	parts := make([]string, Depth)
	for i, b := range c {
		parts[i] = fmt.Sprintf("k%dw%ds%d", kernels[b.K], widths[b.W], strides[b.S])
	}
	return strings.Join(parts, "-")
}

// ChainSpace implements searchspace.SearchSpace and searchspace.Enumerable.
type ChainSpace struct{}

func (ChainSpace) Name() string                        { return "chain" }
func (ChainSpace) OpNames() []string                   { return append([]string(nil), opNames...) }
func (ChainSpace) MaxNodes() int                       { return Depth + 2 } // EncodeCell's chain; Encode's units have 3
func (ChainSpace) NumFeatures() int                    { return 2 }         // width, stride
func (ChainSpace) Size() int                           { return pow(len(kernels)*len(widths)*len(strides), Depth) }
func (s ChainSpace) Validate(a searchspace.Arch) error { _, err := s.chain(a); return err }

func pow(b, e int) int {
	r := 1
	for range e {
		r *= b
	}
	return r
}

func (ChainSpace) chain(a searchspace.Arch) (Chain, error) {
	c, ok := a.(Chain)
	if !ok {
		return c, fmt.Errorf("%w: %T is not a chain architecture", searchspace.ErrInvalidArch, a)
	}
	for i, b := range c {
		if b.K < 0 || b.K >= len(kernels) || b.W < 0 || b.W >= len(widths) || b.S < 0 || b.S >= len(strides) {
			return c, fmt.Errorf("%w: block %d has choice indices %+v", searchspace.ErrInvalidArch, i, b)
		}
	}
	return c, nil
}

// Sample draws every choice uniformly from rng (nil for a nil rng, as the
// built-in spaces do).
func (ChainSpace) Sample(rng *rand.Rand) searchspace.Arch {
	if rng == nil {
		return nil
	}
	var c Chain
	for i := range c {
		c[i] = Block{rng.IntN(len(kernels)), rng.IntN(len(widths)), rng.IntN(len(strides))}
	}
	return c
}

// Mutate changes one choice of one block to another value.
func (s ChainSpace) Mutate(a searchspace.Arch, rng *rand.Rand) (searchspace.Arch, error) {
	c, err := s.chain(a)
	if err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("chain: Mutate needs a random source, got nil")
	}
	i := rng.IntN(Depth)
	switch rng.IntN(3) {
	case 0:
		c[i].K = (c[i].K + 1 + rng.IntN(len(kernels)-1)) % len(kernels)
	case 1:
		c[i].W = (c[i].W + 1 + rng.IntN(len(widths)-1)) % len(widths)
	default:
		c[i].S = 1 - c[i].S
	}
	return c, nil
}

func index(choices []int, v int) int {
	for i, c := range choices {
		if c == v {
			return i
		}
	}
	return -1
}

// Parse reads the text form. Its errors are *searchspace.ParseError, as
// the built-in spaces' are: they give the column of the bad block, what was
// found there and what was expected.
func (ChainSpace) Parse(str string) (searchspace.Arch, error) {
	perr := func(offset int, found, expected string, invalid bool) error {
		return &searchspace.ParseError{What: "chain arch", Input: str, Offset: offset, Found: found, Expected: expected, Invalid: invalid}
	}
	parts := strings.Split(str, "-")
	var c Chain
	offset := 0
	for i, p := range parts {
		if i == Depth {
			return nil, perr(offset-1, fmt.Sprintf("%d blocks", len(parts)), fmt.Sprintf("%d blocks", Depth), false)
		}
		var k, w, s int
		if n, err := fmt.Sscanf(p, "k%dw%ds%d", &k, &w, &s); err != nil || n != 3 || fmt.Sprintf("k%dw%ds%d", k, w, s) != p {
			return nil, perr(offset, fmt.Sprintf("block %d %q", i+1, p), "k<kernel>w<width>s<stride>, e.g. k3w32s1", false)
		}
		c[i] = Block{index(kernels, k), index(widths, w), index(strides, s)}
		if c[i].K < 0 || c[i].W < 0 || c[i].S < 0 {
			return nil, perr(offset, fmt.Sprintf("block %d %q", i+1, p), fmt.Sprintf("kernel one of %v, width one of %v, stride one of %v", kernels, widths, strides), true)
		}
		offset += len(p) + 1
	}
	if len(parts) < Depth {
		return nil, perr(len(str), fmt.Sprintf("%d blocks", len(parts)), fmt.Sprintf("%d blocks", Depth), false)
	}
	return c, nil
}

func features(b Block) []float64 {
	return []float64{float64(widths[b.W]) / 64, float64(strides[b.S] - 1)}
}

// Encode: one unit per block (input → conv → output), the block's width and
// stride as features of every node of the unit.
func (s ChainSpace) Encode(a searchspace.Arch) (searchspace.Sequence, error) {
	c, err := s.chain(a)
	if err != nil {
		return nil, err
	}
	seq := make(searchspace.Sequence, Depth)
	for i, b := range c {
		g := searchspace.NewGraph(0, 2+b.K, 1)
		g.Adj[0][1], g.Adj[1][2] = true, true
		f := features(b)
		g.Features = [][]float64{f, f, f}
		seq[i] = g
	}
	return seq, nil
}

// EncodeCell: the single-graph baseline, the whole chain as one graph.
func (s ChainSpace) EncodeCell(a searchspace.Arch) (searchspace.Graph, error) {
	c, err := s.chain(a)
	if err != nil {
		return searchspace.Graph{}, err
	}
	ops := []int{0}
	feats := [][]float64{{0, 0}}
	for _, b := range c {
		ops = append(ops, 2+b.K)
		feats = append(feats, features(b))
	}
	ops = append(ops, 1)
	feats = append(feats, []float64{0, 0})
	g := searchspace.NewGraph(ops...)
	for i := 0; i+1 < len(ops); i++ {
		g.Adj[i][i+1] = true
	}
	g.Features = feats
	return g, nil
}

// All enumerates the space in mixed-radix order of the choice indices.
func (s ChainSpace) All() iter.Seq2[int, searchspace.Arch] {
	return func(yield func(int, searchspace.Arch) bool) {
		per := len(kernels) * len(widths) * len(strides)
		for i := 0; i < s.Size(); i++ {
			var c Chain
			x := i
			for j := Depth - 1; j >= 0; j-- {
				v := x % per
				x /= per
				c[j] = Block{v / (len(widths) * len(strides)), v / len(strides) % len(widths), v % len(strides)}
			}
			if !yield(i, c) {
				return
			}
		}
	}
}

var _ searchspace.Enumerable = ChainSpace{}

// Primitives declares what each node type computes
// (searchspace.Computable), which is all the hypernetwork auxiliary task
// (-model hypernas) needs to build this space's target network: a block
// is a convolution (ReLU first) of its kernel, the features give its width
// (widths[W]/64, declared relative to the 32-channel block, so 16, 32 and
// 64 channels are ½, 1 and 2 times the target network's base width) and
// its stride (stride − 1, so Offset 1).
func (ChainSpace) Primitives() searchspace.Primitives {
	return searchspace.Primitives{
		Ops: []searchspace.Primitive{
			{Kind: searchspace.Input},
			{Kind: searchspace.Output},
			{Kind: searchspace.Conv, Kernel: 1},
			{Kind: searchspace.Conv, Kernel: 3},
			{Kind: searchspace.Conv, Kernel: 5},
		},
		Width:  searchspace.FeatureMap{Index: 0, Scale: 2, Max: 2},
		Stride: searchspace.FeatureMap{Index: 1, Offset: 1, Scale: 1},
	}
}

var _ searchspace.Computable = ChainSpace{}
