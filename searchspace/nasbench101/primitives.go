package nasbench101

import "github.com/hypernas/go-hypernas/searchspace"

var _ searchspace.Computable = (*Space)(nil)

// Primitives declares what each node type of the encodings computes
// (searchspace.Computable), as NAS-Bench-101's network does: a cell vertex
// sums its predecessors, with the cell's input projected by a 1×1
// convolution of its own into every vertex it feeds
// (searchspace.SumProjectedInput), then applies its op, a 3×3 or 1×1
// convolution or 3×3 max pooling (ReLU first where NAS-Bench-101 has
// conv-BN-ReLU: the target network has no batch normalisation); the
// output vertex sums its inputs (NAS-Bench-101 concatenates them); the
// downsampling unit is 2×2 max pooling of stride 2.
func (*Space) Primitives() searchspace.Primitives {
	proj := searchspace.SumProjectedInput
	ops := make([]searchspace.Primitive, NumNodeTypes)
	ops[NodeInput] = searchspace.Primitive{Kind: searchspace.Input}
	ops[NodeOutput] = searchspace.Primitive{Kind: searchspace.Output, Combine: proj}
	ops[NodeConv3x3] = searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3, Combine: proj}
	ops[NodeConv1x1] = searchspace.Primitive{Kind: searchspace.Conv, Kernel: 1, Combine: proj}
	ops[NodeMaxPool3x3] = searchspace.Primitive{Kind: searchspace.MaxPool, Kernel: 3, Combine: proj}
	ops[NodeDownsample] = searchspace.Primitive{Kind: searchspace.MaxPool, Kernel: 2, Stride: 2}
	return searchspace.Primitives{Ops: ops}
}
