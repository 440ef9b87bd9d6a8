package nasbench201

import (
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/graphs"
	"github.com/hypernas/go-hypernas/searchspace/internal/nb201cell"
)

// Node types of the encodings: indices into NodeOpNames (Space.OpNames).
// A cell op o has node type NodeNone+int(o).
const (
	NodeInput         = iota // a unit's input
	NodeOutput               // a unit's output
	NodeNone                 // cell op none (also every dead cell edge)
	NodeSkipConnect          // cell op skip_connect
	NodeConv1x1              // cell op nor_conv_1x1
	NodeConv3x3              // cell op nor_conv_3x3
	NodeAvgPool3x3           // cell op avg_pool_3x3
	NodeResConv3x3           // residual reduction block: ReLU-conv3x3-BN (first with stride 2)
	NodeResAvgPool2x2        // residual reduction block shortcut: 2×2 average pooling, stride 2
	NodeResConv1x1           // residual reduction block shortcut: conv1x1 after the pooling
	NumNodeTypes             // size of the vocabulary
)

// NodeOpNames is the node-type vocabulary of the encodings, in the order of
// the Node… constants; Space.OpNames returns a copy.
var NodeOpNames = [NumNodeTypes]string{
	"input", "output",
	"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3",
	"resblock_conv_3x3", "resblock_avg_pool_2x2", "resblock_conv_1x1",
}

// Shape of the encodings.
const (
	// CellNodes is the node count of a cell graph: input, the 6 edges, output.
	CellNodes = NumEdges + 2
	// ReductionNodes is the node count of the residual reduction block.
	ReductionNodes = 6
	// CellsPerStage is the number of cells in each of the network's 3 stages.
	CellsPerStage = 5
	// NumUnits is the length of Encode's sequence: 3 stages of 5 cells with a
	// reduction block between stages.
	NumUnits = 3*CellsPerStage + 2
)

// Live reports, per edge of Edges(), whether the edge's op is not none and
// the edge lies on a path from the cell's input (node 0) to its output
// (node 3) through non-none edges only.
func (a Arch) Live() [NumEdges]bool { return nb201cell.Live(a) }

// cellNodeTypes numbers the cell graph's nodes for nb201cell.Graph.
var cellNodeTypes = nb201cell.NodeTypes{Input: NodeInput, Output: NodeOutput, None: NodeNone}

// cellGraph builds the pruned 8-node cell graph of a (which must be valid):
// ops on nodes, as the GCN expects, rather than on edges as NB201 does, and
// dead edges (see Live) typed none with no edges, so that cells computing
// the same function that way encode identically (see nb201cell.Graph).
func cellGraph(a Arch) searchspace.Graph { return nb201cell.Graph(a, cellNodeTypes, 0) }

// ReductionGraph returns the residual reduction block between NB201's
// stages as a 6-node graph: 0 input; 1, 2 the two resblock_conv_3x3 of the
// main path (the first with stride 2); 3 resblock_avg_pool_2x2 and
// 4 resblock_conv_1x1 of the shortcut; 5 output (the sum of both paths).
// It is the same for every architecture.
func ReductionGraph() searchspace.Graph {
	g := graphs.New(ReductionNodes, 0)
	copy(g.Ops, []int{NodeInput, NodeResConv3x3, NodeResConv3x3, NodeResAvgPool2x2, NodeResConv1x1, NodeOutput})
	graphs.Wire(g, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 5}, [2]int{0, 3}, [2]int{3, 4}, [2]int{4, 5})
	return g
}

// Encode is the HyperNAS global encoding (Lv et al., CVPR 2026) of the
// evaluated NB201 network: its NumUnits = 17 units in forward order, 5 cell graphs,
// the reduction block, 5 cell graphs, the reduction block, 5 cell graphs
// (the stem and the classifier are the same for every architecture and are
// left out). The units are independent copies that a caller may modify.
func (s *Space) Encode(a searchspace.Arch) (searchspace.Sequence, error) {
	c, err := asArch(a)
	if err != nil {
		return nil, err
	}
	cell := cellGraph(c)
	red := ReductionGraph()
	// One backing array per kind for all units: Encode runs once per
	// architecture to predict, so it keeps allocations to a handful.
	const nodes = 3*CellsPerStage*CellNodes + 2*ReductionNodes
	ops := make([]int, 0, nodes)
	rows := make([][]bool, 0, nodes)
	cells := make([]bool, 0, 3*CellsPerStage*CellNodes*CellNodes+2*ReductionNodes*ReductionNodes)
	clone := func(g searchspace.Graph) searchspace.Graph {
		n := len(g.Ops)
		o0, r0 := len(ops), len(rows)
		ops = append(ops, g.Ops...)
		for _, row := range g.Adj {
			c0 := len(cells)
			cells = append(cells, row...)
			rows = append(rows, cells[c0:c0+n:c0+n])
		}
		return searchspace.Graph{Ops: ops[o0 : o0+n : o0+n], Adj: rows[r0 : r0+n : r0+n]}
	}
	seq := make(searchspace.Sequence, 0, NumUnits)
	for stage := range 3 {
		if stage > 0 {
			seq = append(seq, clone(red))
		}
		for range CellsPerStage {
			seq = append(seq, clone(cell))
		}
	}
	return seq, nil
}

// EncodeCell is the single-cell encoding of the Neural Predictor baseline:
// the 8-node cell graph that Encode repeats.
func (s *Space) EncodeCell(a searchspace.Arch) (searchspace.Graph, error) {
	c, err := asArch(a)
	if err != nil {
		return searchspace.Graph{}, err
	}
	return cellGraph(c), nil
}
