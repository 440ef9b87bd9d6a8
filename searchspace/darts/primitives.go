package darts

import "github.com/hypernas/go-hypernas/searchspace"

var _ searchspace.Computable = (*Space)(nil)

// opPrimitives are what the ops of Ops compute in a normal cell (DARTS's
// OPS: ReLU first; sep_conv is a separable convolution, which DARTS
// applies twice and the target network once; dil_conv a separable one of
// dilation 2).
var opPrimitives = [NumOps]searchspace.Primitive{
	{Kind: searchspace.MaxPool, Kernel: 3},
	{Kind: searchspace.AvgPool, Kernel: 3},
	{Kind: searchspace.Identity},
	{Kind: searchspace.Conv, Kernel: 3, Separable: true},
	{Kind: searchspace.Conv, Kernel: 5, Separable: true},
	{Kind: searchspace.Conv, Kernel: 3, Separable: true, Dilation: 2},
	{Kind: searchspace.Conv, Kernel: 5, Separable: true, Dilation: 2},
}

// Primitives declares what each node type of the encodings computes
// (searchspace.Computable): a cell's two inputs are the outputs of the two
// previous cells (input0 two back, input1 one back), every op node applies
// its op to the sum of its predecessors (the intermediate node it reads,
// whose two edges feed it), and the output sums the four intermediate
// nodes (DARTS concatenates them). A reduction cell's ops have stride 2:
// relative to the cell's input, so only the edges from the cell's inputs
// halve the resolution, as in DARTS, where skip_connect becomes
// FactorizedReduce (a strided conv1×1 in the target network). The
// space has no none op.
func (*Space) Primitives() searchspace.Primitives {
	ops := make([]searchspace.Primitive, NumNodeTypes)
	ops[NodeInput0] = searchspace.Primitive{Kind: searchspace.Input, From: 2}
	ops[NodeInput1] = searchspace.Primitive{Kind: searchspace.Input, From: 1}
	ops[NodeOutput] = searchspace.Primitive{Kind: searchspace.Output}
	for o, p := range opPrimitives {
		ops[NodeOp+o] = p
		p.Stride = 2
		ops[NodeReduceOp+o] = p
	}
	return searchspace.Primitives{Ops: ops}
}
