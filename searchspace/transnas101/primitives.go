package transnas101

import "github.com/hypernas/go-hypernas/searchspace"

var (
	_ searchspace.Computable = (*Micro)(nil)
	_ searchspace.Computable = (*Macro)(nil)
)

// declaredFeatures are the node features that set a node's stride and width in
// both spaces: FeatStride is 1 where the resolution halves, FeatWidth is
// log2(channels/64)/3, so the width over the base width 64 is 2^(3·f),
// at most 8 (512 channels).
var declaredFeatures = searchspace.Primitives{
	Stride: searchspace.FeatureMap{Index: FeatStride, Offset: 1, Scale: 1},
	Width:  searchspace.FeatureMap{Index: FeatWidth, Scale: 3, Pow2: true, Max: 8},
}

// declaration builds the declaration of both spaces; conv1x1 is what the
// node type conv_1x1 computes (a micro op, or a macro block's shortcut).
func declaration(conv1x1 searchspace.Primitive) searchspace.Primitives {
	p := declaredFeatures
	p.Ops = make([]searchspace.Primitive, NumNodeTypes)
	p.Ops[NodeInput] = searchspace.Primitive{Kind: searchspace.Input}
	p.Ops[NodeOutput] = searchspace.Primitive{Kind: searchspace.Output}
	p.Ops[NodeNone] = searchspace.Primitive{Kind: searchspace.Zero}
	p.Ops[NodeSkip] = searchspace.Primitive{Kind: searchspace.Identity}
	p.Ops[NodeConv1x1] = conv1x1
	p.Ops[NodeConv3x3] = searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3}
	// A module of two basic blocks (Macro.EncodeCell's nodes only).
	for t := NodeBlockKeep; t <= NodeBlockDownWiden; t++ {
		p.Ops[t] = searchspace.Primitive{Kind: searchspace.ResBlock, Kernel: 3}
	}
	return p
}

// Primitives declares what each node type of the micro encodings computes
// (searchspace.Computable), as the benchmark's cells do: every edge-node
// applies its op, none, skip_connect, ReLU-conv1×1 or ReLU-conv3×3, to the
// sum of the edge-nodes that end where it starts; the features give each
// node's stride (the edges from the input of a downsampling cell) and
// width, and a skip connection that changes them is a strided ReLU-conv1×1
// (searchspace.Identity), as in the benchmark.
func (*Micro) Primitives() searchspace.Primitives {
	return declaration(searchspace.Primitive{Kind: searchspace.Conv, Kernel: 1})
}

// Primitives declares what each node type of the macro encodings computes
// (searchspace.Computable): a unit is a ResNet basic block, two
// ReLU-conv3×3 (the first with the block's stride) plus a shortcut, the
// identity or a conv1×1 without ReLU where the block changes the
// resolution or the width, summed; the features give each node's stride
// and width.
func (*Macro) Primitives() searchspace.Primitives {
	return declaration(searchspace.Primitive{Kind: searchspace.Conv, Kernel: 1, NoReLU: true})
}
