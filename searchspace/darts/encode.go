package darts

import (
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/graphs"
)

// Node types of the encodings: indices into NodeOpNames (Space.OpNames). Op
// Ops[o] of a normal cell has node type NodeOp+o, of a reduction cell
// NodeReduceOp+o.
const (
	NodeInput0   = iota // state 0 of a cell: the output of cell k-2
	NodeInput1          // state 1 of a cell: the output of cell k-1
	NodeOutput          // a cell's output, the concatenation of its 4 nodes
	NodeOp              // first normal-cell op (max_pool_3x3)
	NodeReduceOp = NodeOp + NumOps
	NumNodeTypes = NodeReduceOp + NumOps
)

// NodeOpNames is the node-type vocabulary of the encodings, in the order of
// the Node… constants. A reduction cell's ops are named "reduce:<op>": the
// edges from the previous cells run with stride 2 there, and the separate
// types let the encoder tell the two cells apart without node features.
var NodeOpNames = func() [NumNodeTypes]string {
	var n [NumNodeTypes]string
	n[NodeInput0], n[NodeInput1], n[NodeOutput] = "input0", "input1", "output"
	for o, name := range Ops {
		n[NodeOp+o] = name
		n[NodeReduceOp+o] = "reduce:" + name
	}
	return n
}()

// Shape of the encodings.
const (
	// CellNodes is the node count of a cell graph: the two input states,
	// one node per edge, the output.
	CellNodes = 2 + NumEdges + 1
	// PairNodes is the node count of EncodeCell's graph: a normal cell
	// followed by a reduction cell.
	PairNodes = 2 + NumEdges + 1 + NumEdges + 1
)

// The cell graph puts ops on nodes: node 0 is state 0 (input0), node 1
// state 1 (input1), node 2+i edge i of the Cell, node 10 the output. An
// intermediate node of DARTS is the sum of its two edges, so an edge that
// reads intermediate node m gets an edge from both op nodes of m (nodes
// 2+2m and 3+2m); an edge reading state 0 or 1 gets an edge from node 0 or
// 1. The output concatenates all four intermediate nodes: every op node
// feeds it. Edges only read earlier nodes, so the adjacency is upper
// triangular.

// wireCell writes cell c into g with its input states at nodes in0 and in1,
// its op nodes from first on and its output at out.
func wireCell(g *searchspace.Graph, c Cell, reduce bool, in0, in1, first, out int) {
	base := NodeOp
	if reduce {
		base = NodeReduceOp
	}
	for i, e := range c {
		n := first + i
		g.Ops[n] = base + OpIndex(e.Op)
		switch e.Input {
		case 0:
			g.Adj[in0][n] = true
		case 1:
			g.Adj[in1][n] = true
		default:
			m := e.Input - 2
			g.Adj[first+2*m][n] = true
			g.Adj[first+2*m+1][n] = true
		}
		g.Adj[n][out] = true
	}
	g.Ops[out] = NodeOutput
}

// CellGraph returns the 11-node graph of one cell (see the node layout
// above); reduce selects the reduction-cell op types. The error wraps
// searchspace.ErrInvalidArch when c is not a valid cell.
func CellGraph(c Cell, reduce bool) (searchspace.Graph, error) {
	name := "normal"
	if reduce {
		name = "reduce"
	}
	if err := c.validate(name); err != nil {
		return searchspace.Graph{}, err
	}
	return cellGraph(c, reduce), nil
}

// cellGraph is CellGraph of a valid cell.
func cellGraph(c Cell, reduce bool) searchspace.Graph {
	g := graphs.New(CellNodes, 0)
	g.Ops[0], g.Ops[1] = NodeInput0, NodeInput1
	wireCell(&g, c, reduce, 0, 1, 2, CellNodes-1)
	return g
}

// Encode is the HyperNAS global encoding (Lv et al., CVPR 2026) of the
// evaluated DARTS network: one cell graph per cell in forward order,
// Cells() of them, the reduction cell's graph at positions n/3 and 2n/3 and
// the normal cell's everywhere else (the stem and classifier are the same
// for every genotype and are left out). The units are independent copies.
func (s *Space) Encode(a searchspace.Arch) (searchspace.Sequence, error) {
	g, err := asGenotype(a)
	if err != nil {
		return nil, err
	}
	n := s.Cells()
	seq := make(searchspace.Sequence, n)
	for i := range seq {
		if IsReduction(i, n) {
			seq[i] = cellGraph(g.Reduce, true)
		} else {
			seq[i] = cellGraph(g.Normal, false)
		}
	}
	return seq, nil
}

// EncodeCell is the single-graph encoding of the Neural Predictor baseline.
// A DARTS genotype has two cells, so the graph is a normal cell followed by
// a reduction cell, wired as DARTS wires consecutive cells: 20 nodes, 0 and
// 1 the normal cell's input states, 2–9 its ops, 10 its output, which is
// the reduction cell's state 1 while node 1 is its state 0, 11–18 the
// reduction cell's ops, 19 the output.
func (s *Space) EncodeCell(a searchspace.Arch) (searchspace.Graph, error) {
	g, err := asGenotype(a)
	if err != nil {
		return searchspace.Graph{}, err
	}
	gr := graphs.New(PairNodes, 0)
	gr.Ops[0], gr.Ops[1] = NodeInput0, NodeInput1
	wireCell(&gr, g.Normal, false, 0, 1, 2, CellNodes-1)
	wireCell(&gr, g.Reduce, true, 1, CellNodes-1, CellNodes, PairNodes-1)
	return gr, nil
}
