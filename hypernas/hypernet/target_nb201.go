package hypernet

import (
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	G "gorgonia.org/gorgonia"
)

// targetSpec is what the hypernetwork task needs to know of a space: which
// units of its encoding the proxy network uses, how to wire them, and which
// hypernetwork heads generate the weights of which nodes.
type targetSpec interface {
	maxCellsPerStage() int
	check(s encoding.Shape) error
	// units lists the units of the encoding whose node embeddings the
	// target network reads (parameter-free units need not be listed).
	units(cellsPerStage int) []int
	// heads lists the hypernetwork's heads; their parameters are
	// hyper/<name>/w and hyper/<name>/b, created in this order.
	heads() []hyperHead
	// uses lists the heads (indices into heads) that generate weights for
	// node n of unit g, in the order the target network applies them.
	uses(g searchspace.Graph, n int) []int
	build(tn targetNet, x *G.Node, geo imgGeom) (*G.Node, imgGeom, error)
}

// wiredTarget is a targetSpec whose cells are wired per architecture
// (NB101), where NB201's cells share one DAG: Build binds, per used unit,
// an adjacency input (B, adjRows(N), N) and projection flags (B, N), which
// wire fills from the unit's graph for each architecture.
type wiredTarget interface {
	targetSpec
	adjRows(nodes int) int
	wire(g searchspace.Graph, nodes int, adj, flags []float64) error
}

// hyperHead is one head of the hypernetwork: it generates the weights
// (k·k·C·C) of a k×k convolution of the target network from a node's
// embedding, for the architectures whose code at the node is in match.
type hyperHead struct {
	name  string
	k     int
	match [4]int // node types using the head (-1: unused slot)
	// proj: the head reads the projection flags instead of the op codes
	// (match {1}): the weights of the projection of a cell's input into
	// the node (wiredTarget).
	proj bool
}

// targetNet is what a target-network builder reads, per used unit (in the
// order of targetSpec.units): the hypernetwork's hidden layer (B, N, hidden)
// of the unit's nodes and their op codes (B, N), and for a wiredTarget the
// unit's adjacency and projection flags.
type targetNet struct {
	hidden, codes []*G.Node
	adj, flags    []*G.Node
	hn            *hyperNet
	spec          targetSpec
	cells         int
}

// weights generates the weights (B, k·k·C·C) of head (an index into
// spec.heads()) at node of used unit u, for the architectures that use
// the head there; zero for the others.
func (tn targetNet) weights(u, node, head int) (*G.Node, error) {
	h := tn.spec.heads()[head]
	codes := tn.codes[u]
	if h.proj {
		if u >= len(tn.flags) {
			return nil, fmt.Errorf("hypernas: head %s needs projection flags, the target network has none", h.name)
		}
		codes = tn.flags[u]
	}
	return hyperGen(tn.hidden[u], tn.hn.hw[head], tn.hn.hb[head], codes, node, h.match)
}

func targetFor(space searchspace.SearchSpace) (targetSpec, error) {
	switch space.(type) {
	case *nasbench201.Space:
		return nb201Target{}, nil
	case *nasbench101.Space:
		return nb101Target{}, nil
	}
	return nil, fmt.Errorf("%w: no hypernetwork target network for space %s yet (supported: nb201, nb101)", hypernas.ErrBadOption, space.Name())
}

// nb201Target is the proxy of NAS-Bench-201's evaluated network: stem,
// CellsPerStage cells, residual reduction block, CellsPerStage cells,
// residual reduction block, CellsPerStage cells, global pooling and a
// classifier, every op as in NB201 (ReLU-conv for convolutions, 3×3 average
// pooling without padded positions, identity, zero) except that there is no
// batch normalisation (statistics of a few tiny images per architecture are
// noise) but a parameter-free RMS normalisation of each image's feature map
// at the output of every cell and reduction block, and the width stays the
// same in every stage. Its cells read the embeddings of the first CellsPerStage
// cells of each stage of the encoding, its reduction blocks those of the
// encoding's reduction units.
type nb201Target struct{}

var nb201Edges = [nasbench201.NumEdges][2]int{{1, 0}, {2, 0}, {2, 1}, {3, 0}, {3, 1}, {3, 2}} // (to, from) of edge-node 1+k

func (nb201Target) maxCellsPerStage() int { return nasbench201.CellsPerStage }

func (nb201Target) check(s encoding.Shape) error {
	if s.Units != nasbench201.NumUnits || s.Nodes != nasbench201.CellNodes || s.Vocab != nasbench201.NumNodeTypes {
		return fmt.Errorf("%w: the NB201 hypernetwork needs the global encoding (%d units of %d nodes), the predictor has %+v",
			hypernas.ErrBadOption, nasbench201.NumUnits, nasbench201.CellNodes, s)
	}
	return nil
}

// units lists, stage by stage, the first cells then the reduction unit.
func (nb201Target) units(cells int) []int {
	var us []int
	for stage := 0; stage < 3; stage++ {
		first := stage * (nasbench201.CellsPerStage + 1)
		for c := 0; c < cells; c++ {
			us = append(us, first+c)
		}
		if stage < 2 {
			us = append(us, first+nasbench201.CellsPerStage)
		}
	}
	return us
}

// kernel is the convolution kernel side of a node type, 0 for an op
// without weights.
func (nb201Target) kernel(op int) int {
	switch op {
	case nasbench201.NodeConv1x1, nasbench201.NodeResConv1x1:
		return 1
	case nasbench201.NodeConv3x3, nasbench201.NodeResConv3x3:
		return 3
	}
	return 0
}

// Indices of nb201Heads.
const (
	nb201Head1x1 = iota
	nb201Head3x3
)

// nb201Heads: one head per convolution shape, shared by the cells' edges
// and the reduction blocks' convolutions.
var nb201Heads = []hyperHead{
	nb201Head1x1: {name: "conv1x1", k: 1, match: [4]int{nasbench201.NodeConv1x1, nasbench201.NodeResConv1x1, -1, -1}},
	nb201Head3x3: {name: "conv3x3", k: 3, match: [4]int{nasbench201.NodeConv3x3, nasbench201.NodeResConv3x3, -1, -1}},
}

func (nb201Target) heads() []hyperHead { return nb201Heads }

func (t nb201Target) uses(g searchspace.Graph, n int) []int {
	switch t.kernel(g.Ops[n]) {
	case 1:
		return []int{nb201Head1x1}
	case 3:
		return []int{nb201Head3x3}
	}
	return nil
}

var nb201Codes = edgeCodes{skip: nasbench201.NodeSkipConnect, conv1: nasbench201.NodeConv1x1, conv3: nasbench201.NodeConv3x3, pool: nasbench201.NodeAvgPool3x3, maxPool: noCode}

func (nb201Target) build(tn targetNet, x *G.Node, geo imgGeom) (*G.Node, imgGeom, error) {
	u := 0 // index of the current unit in units()
	for stage := 0; stage < 3; stage++ {
		for c := 0; c < tn.cells; c++ {
			// Cell: node j (1…3) sums its incoming edges; edge-node 1+k
			// carries edge k; the output is node 3.
			states := []*G.Node{x, nil, nil, nil}
			for k, e := range nb201Edges {
				w1, err := tn.weights(u, 1+k, nb201Head1x1)
				if err != nil {
					return nil, geo, err
				}
				w3, err := tn.weights(u, 1+k, nb201Head3x3)
				if err != nil {
					return nil, geo, err
				}
				y, err := targetEdge(states[e[1]], w1, w3, tn.codes[u], geo, 1+k, nb201Codes)
				if err != nil {
					return nil, geo, err
				}
				if states[e[0]] == nil {
					states[e[0]] = y
				} else if states[e[0]], err = G.Add(states[e[0]], y); err != nil {
					return nil, geo, err
				}
			}
			var err error
			if x, err = targetNorm(states[3], geo); err != nil {
				return nil, geo, err
			}
			u++
		}
		if stage == 2 {
			break
		}
		// Residual reduction block (ReductionGraph's nodes): main path
		// ReLU-conv3×3 stride 2 (node 1), ReLU-conv3×3 (node 2); shortcut
		// 2×2 average pooling (node 3) then conv1×1 (node 4); summed.
		var w [5]*G.Node
		for _, nk := range [][2]int{{1, nb201Head3x3}, {2, nb201Head3x3}, {4, nb201Head1x1}} {
			var err error
			if w[nk[0]], err = tn.weights(u, nk[0], nk[1]); err != nil {
				return nil, geo, err
			}
		}
		a, err := targetConv(x, w[1], geo, 3, 2, true)
		if err != nil {
			return nil, geo, err
		}
		half := imgGeom{P: geo.P, S: geo.S / 2, C: geo.C}
		if a, err = targetConv(a, w[2], half, 3, 1, true); err != nil {
			return nil, geo, err
		}
		s, err := targetPool2(x, geo)
		if err != nil {
			return nil, geo, err
		}
		if s, err = targetConv(s, w[4], half, 1, 1, false); err != nil {
			return nil, geo, err
		}
		if x, err = G.Add(a, s); err != nil {
			return nil, geo, err
		}
		if x, err = targetNorm(x, half); err != nil {
			return nil, geo, err
		}
		geo = half
		u++
	}
	return x, geo, nil
}
