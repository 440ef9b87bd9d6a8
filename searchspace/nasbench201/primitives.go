package nasbench201

import "github.com/hypernas/go-hypernas/searchspace"

var _ searchspace.Computable = (*Space)(nil)

// Primitives declares what each node type of the encodings computes
// (searchspace.Computable), as NAS-Bench-201's network does: a cell's
// edge-nodes are none (zeros), skip_connect, ReLU-conv1×1, ReLU-conv3×3 and
// 3×3 average pooling, each applied to the sum of the edge-nodes that end
// where it starts (the graph's wiring); the residual reduction block is
// ReLU-conv3×3 of stride 2 → ReLU-conv3×3 (one node type: the stride is
// relative to the block's input), plus 2×2 average pooling of stride 2 →
// conv1×1 without ReLU, summed at its output node.
func (*Space) Primitives() searchspace.Primitives {
	ops := make([]searchspace.Primitive, NumNodeTypes)
	ops[NodeInput] = searchspace.Primitive{Kind: searchspace.Input}
	ops[NodeOutput] = searchspace.Primitive{Kind: searchspace.Output}
	ops[NodeNone] = searchspace.Primitive{Kind: searchspace.Zero}
	ops[NodeSkipConnect] = searchspace.Primitive{Kind: searchspace.Identity}
	ops[NodeConv1x1] = searchspace.Primitive{Kind: searchspace.Conv, Kernel: 1}
	ops[NodeConv3x3] = searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3}
	ops[NodeAvgPool3x3] = searchspace.Primitive{Kind: searchspace.AvgPool, Kernel: 3}
	ops[NodeResConv3x3] = searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3, Stride: 2}
	ops[NodeResAvgPool2x2] = searchspace.Primitive{Kind: searchspace.AvgPool, Kernel: 2, Stride: 2}
	ops[NodeResConv1x1] = searchspace.Primitive{Kind: searchspace.Conv, Kernel: 1, NoReLU: true}
	return searchspace.Primitives{Ops: ops}
}
