package transnas101

import (
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/graphs"
	"github.com/hypernas/go-hypernas/searchspace/internal/nb201cell"
)

// Node types of the encodings of both spaces: indices into NodeOpNames
// (the spaces' OpNames). Micro op o has node type NodeNone+int(o); macro
// module type b has node type NodeBlockKeep+int(b)-1 (EncodeCell only).
const (
	NodeInput          = iota // a unit's input
	NodeOutput                // a unit's output (a cell's node 3, a block's sum)
	NodeNone                  // micro op none, and every dead micro edge
	NodeSkip                  // micro op skip_connect; a block's identity shortcut
	NodeConv1x1               // micro op conv_1x1; a block's projection shortcut
	NodeConv3x3               // micro op conv_3x3; a block's two convolutions
	NodeBlockKeep             // macro module type 1 (Macro.EncodeCell)
	NodeBlockWiden            // macro module type 2
	NodeBlockDown             // macro module type 3
	NodeBlockDownWiden        // macro module type 4
	NumNodeTypes
)

// NodeOpNames is the node-type vocabulary of both spaces' encodings, in the
// order of the Node… constants.
var NodeOpNames = [NumNodeTypes]string{
	"input", "output", "none", "skip_connect", "conv_1x1", "conv_3x3",
	"block_keep", "block_widen", "block_down", "block_down_widen",
}

// Node features of both spaces (NumFeatures = 3), each in [0, 1]:
const (
	// FeatWidth is log2(channels/64)/3: 0 at the base width 64, 1 at 512,
	// the widest any network of either space gets.
	FeatWidth = iota
	// FeatStride is 1 on the nodes that halve the resolution: a
	// downsampling cell's live ops that read its input, a downsampling
	// block's first convolution and its shortcut.
	FeatStride
	// FeatLevel is the number of resolution halvings so far (after the
	// stem) over MaxDownsample.
	FeatLevel
	NumFeatures
)

// Shape of the encodings.
const (
	// CellNodes is the node count of a micro cell graph: input, the 6
	// edges, output.
	CellNodes = NumEdges + 2
	// BlockNodes is the node count of a macro residual-block graph: input,
	// two convolutions, shortcut, output.
	BlockNodes = 5
	// BlocksPerModule is the number of ResNet basic blocks (or micro cells)
	// of every module: the benchmark's networks build each module digit as
	// two of them, the first carrying the module's stride and widening.
	BlocksPerModule = 2
	// MaxNodes is the node count of the largest graph of either space: a
	// micro cell, or Macro.EncodeCell's chain of input, 6 modules, output.
	MaxNodes = 8
)

// microSkeleton is the fixed macro skeleton of every micro network.
var microSkeleton = Skeleton{DownWiden, Keep, DownWiden, Keep, DownWiden}

// unit is where one block (or cell) of a network sits.
type unit struct {
	inWidth, outWidth float64 // FeatWidth before and after
	inLevel, outLevel float64 // FeatLevel before and after
	stride            bool
	widens            bool
}

// units lists the BlocksPerModule blocks of every module of s in forward
// order; only the first block of a module changes width or resolution.
func units(s Skeleton) []unit {
	us := make([]unit, 0, BlocksPerModule*len(s))
	width, level := 0.0, 0.0 // doublings and halvings so far
	for _, b := range s {
		for j := range BlocksPerModule {
			u := unit{inWidth: width / 3, inLevel: level / MaxDownsample}
			if j == 0 {
				u.stride, u.widens = b.Downsamples(), b.Widens()
				if u.stride {
					level++
				}
				if u.widens {
					width++
				}
			}
			u.outWidth, u.outLevel = width/3, level/MaxDownsample
			us = append(us, u)
		}
	}
	return us
}

// Live reports, per edge of Edges(), whether the edge's op is not none and
// the edge lies on a path from the cell's input to its output through
// non-none edges: only such edges affect the cell's output, since a node
// sums its inputs and none outputs zeros.
func (c Cell) Live() [NumEdges]bool { return nb201cell.Live(c) }

// cellNodeTypes numbers the cell graph's nodes for nb201cell.Graph.
var cellNodeTypes = nb201cell.NodeTypes{Input: NodeInput, Output: NodeOutput, None: NodeNone}

// cellGraph builds the 8-node graph of c with ops on nodes, the same as the
// nasbench201 package's (see nb201cell.Graph): node 0 the input, node 1+k
// edge k of Edges(), node 7 the output, a dead edge (see Live) typed none
// and without edges. u, if not nil, sets the node features.
func cellGraph(c Cell, u *unit) searchspace.Graph {
	g := nb201cell.Graph(c, cellNodeTypes, NumFeatures)
	if u != nil {
		out, live := CellNodes-1, c.Live()
		g.Features[0][FeatWidth], g.Features[0][FeatLevel] = u.inWidth, u.inLevel
		for n := 1; n < CellNodes; n++ {
			g.Features[n][FeatWidth], g.Features[n][FeatLevel] = u.outWidth, u.outLevel
			if u.stride && n < out && live[n-1] && nb201cell.Edges[n-1].From == 0 {
				g.Features[n][FeatStride] = 1
			}
		}
	}
	return g
}

// blockGraph is the graph of one ResNet basic block: 0 input, 1 and 2 the
// two ReLU-conv3x3-BN (conv_3x3), 3 the shortcut, 4 the output (the sum of
// both paths). The shortcut is a 1×1 conv (conv_1x1) when the block changes
// width or resolution, else the identity (skip_connect). The features give
// the block's width and resolution level and mark the strided nodes 1 and 3.
func blockGraph(u unit) searchspace.Graph {
	g := graphs.New(BlockNodes, NumFeatures)
	short := NodeSkip
	if u.stride || u.widens {
		short = NodeConv1x1
	}
	copy(g.Ops, []int{NodeInput, NodeConv3x3, NodeConv3x3, short, NodeOutput})
	graphs.Wire(g, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 4}, [2]int{0, 3}, [2]int{3, 4})
	g.Features[0][FeatWidth], g.Features[0][FeatLevel] = u.inWidth, u.inLevel
	for n := 1; n < BlockNodes; n++ {
		g.Features[n][FeatWidth], g.Features[n][FeatLevel] = u.outWidth, u.outLevel
	}
	if u.stride {
		g.Features[1][FeatStride], g.Features[3][FeatStride] = 1, 1
	}
	return g
}

// skeletonGraph is Macro.EncodeCell's chain: input, one node per module
// typed by its digit, output.
func skeletonGraph(s Skeleton) searchspace.Graph {
	n := len(s) + 2
	g := graphs.New(n, NumFeatures)
	g.Ops[0], g.Ops[n-1] = NodeInput, NodeOutput
	us := units(s)
	for i, b := range s {
		g.Ops[i+1] = NodeBlockKeep + int(b) - 1
		last := us[BlocksPerModule*i+BlocksPerModule-1]
		g.Features[i+1][FeatWidth], g.Features[i+1][FeatLevel] = last.outWidth, last.outLevel
		if b.Downsamples() {
			g.Features[i+1][FeatStride] = 1
		}
	}
	for i := range n - 1 {
		g.Adj[i][i+1] = true
	}
	end := us[len(us)-1]
	g.Features[n-1][FeatWidth], g.Features[n-1][FeatLevel] = end.outWidth, end.outLevel
	return g
}
