package autoformer

import "github.com/hypernas/go-hypernas/searchspace"

var _ searchspace.Computable = (*Space)(nil)

// Primitives declares what each node type of the encodings computes
// (searchspace.Computable): a pre-norm transformer layer, the input
// tokens → multi-head self-attention → residual sum → MLP (GELU) → output,
// the residual sum of both. The features give the embedding dimension
// (the width, relative to the largest, which the target network's patch
// embedding has; a narrower network uses its first channels, as
// AutoFormer's weight entanglement does), each layer's heads and MLP
// ratio.
func (s *Space) Primitives() searchspace.Primitives {
	s = s.get()
	ops := make([]searchspace.Primitive, NumNodeTypes)
	ops[NodeInput] = searchspace.Primitive{Kind: searchspace.Input}
	ops[NodeAttention] = searchspace.Primitive{Kind: searchspace.Attention, Heads: s.maxHeads}
	ops[NodeResidualAdd] = searchspace.Primitive{Kind: searchspace.Identity}
	ops[NodeMLP] = searchspace.Primitive{Kind: searchspace.MLP, MLPRatio: s.maxRatio}
	ops[NodeOutput] = searchspace.Primitive{Kind: searchspace.Output}
	return searchspace.Primitives{
		Ops:      ops,
		Width:    searchspace.FeatureMap{Index: FeatEmbed, Scale: 1, Max: 1},
		Heads:    searchspace.FeatureMap{Index: FeatHeads, Scale: float64(s.maxHeads), Max: float64(s.maxHeads)},
		MLPRatio: searchspace.FeatureMap{Index: FeatMLPRatio, Scale: s.maxRatio, Max: s.maxRatio},
	}
}
