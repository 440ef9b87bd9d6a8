package autoformer

import (
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/graphs"
)

// Node types of the encodings: indices into NodeOpNames (Space.OpNames).
const (
	NodeInput       = iota // the layer's input tokens
	NodeAttention          // LayerNorm and multi-head self-attention
	NodeResidualAdd        // input + attention
	NodeMLP                // LayerNorm and MLP
	NodeOutput             // the layer's output: residual sum + MLP
	NumNodeTypes
)

// NodeOpNames is the node-type vocabulary of the encodings, in the order of
// the Node… constants.
var NodeOpNames = [NumNodeTypes]string{"input", "attention", "residual_add", "mlp", "output"}

// Node features (NumFeatures = 4), each the choice over the space's
// largest choice, so in (0, 1]; 0 where a feature does not apply.
const (
	FeatEmbed    = iota // embedding dimension, on every node
	FeatHeads           // heads, on the attention node
	FeatMLPRatio        // MLP ratio, on the MLP node
	FeatDepth           // the network's depth, on every node
	NumFeatures
)

// LayerNodes is the node count of a layer graph.
const LayerNodes = 5

// layerGraph is one transformer layer, pre-norm with two residual
// connections: 0 input → 1 attention → 2 residual_add ← 0; 2 → 3 mlp →
// 4 output ← 2.
func (s *Space) layerGraph(embed int, heads, ratio float64, depth int) searchspace.Graph {
	g := graphs.New(LayerNodes, NumFeatures)
	copy(g.Ops, []int{NodeInput, NodeAttention, NodeResidualAdd, NodeMLP, NodeOutput})
	graphs.Wire(g, [2]int{0, 1}, [2]int{0, 2}, [2]int{1, 2}, [2]int{2, 3}, [2]int{2, 4}, [2]int{3, 4})
	for _, f := range g.Features {
		f[FeatEmbed] = float64(embed) / float64(s.maxEmbed)
		f[FeatDepth] = float64(depth) / float64(s.maxDepth)
	}
	g.Features[NodeAttention][FeatHeads] = heads / float64(s.maxHeads)
	g.Features[NodeMLP][FeatMLPRatio] = ratio / s.maxRatio
	return g
}

// MaxUnits is the deepest network of the space, one unit per layer
// (searchspace.VariableDepth).
func (s *Space) MaxUnits() int { return s.get().maxDepth }

// Encode is the HyperNAS global encoding of the ViT: one layer graph per
// transformer layer in forward order, its features giving the embedding
// dimension, the layer's heads and MLP ratio, and the depth (see the Feat…
// constants). The patch embedding and the head depend only on the
// embedding dimension, which every node carries, and are left out.
func (s *Space) Encode(a searchspace.Arch) (searchspace.Sequence, error) {
	s = s.get()
	v, err := s.asViT(a)
	if err != nil {
		return nil, err
	}
	seq := make(searchspace.Sequence, v.Depth())
	for i := range seq {
		seq[i] = s.layerGraph(v.Embed, float64(v.Heads[i]), v.MLPRatios[i], v.Depth())
	}
	return seq, nil
}

// EncodeCell is the single-unit encoding of the Neural Predictor baseline,
// which assumes one unit stacked: a ViT's layers differ, so the unit is
// the mean layer, its heads and MLP ratio averaged over the layers.
func (s *Space) EncodeCell(a searchspace.Arch) (searchspace.Graph, error) {
	s = s.get()
	v, err := s.asViT(a)
	if err != nil {
		return searchspace.Graph{}, err
	}
	var h, r float64
	for i := range v.Heads {
		h += float64(v.Heads[i])
		r += v.MLPRatios[i]
	}
	d := float64(v.Depth())
	return s.layerGraph(v.Embed, h/d, r/d, v.Depth()), nil
}
