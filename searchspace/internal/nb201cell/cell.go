package nb201cell

import (
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/graphs"
)

// Shape of the cell and of its graph.
const (
	// NumNodes is the cell's node count: node 0 is its input, node 3 its
	// output.
	NumNodes = 4
	// NumEdges is the number of edges: every pair of nodes, from the lower
	// node to the higher.
	NumEdges = 6
	// GraphNodes is the node count of the cell graph: input, one node per
	// edge, output.
	GraphNodes = NumEdges + 2
)

// Edge is one edge of the cell, From → To.
type Edge struct{ From, To int }

// Edges lists the edges in the order of a cell's entries and of both
// benchmarks' arch strings: grouped by target node, sources increasing. It
// is read-only.
var Edges = [NumEdges]Edge{{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}}

// EdgesAs returns Edges as a space's own edge type, which the space
// exports.
func EdgesAs[E ~struct{ From, To int }]() [NumEdges]E {
	var es [NumEdges]E
	for k, e := range Edges {
		es[k] = E(e)
	}
	return es
}

// Index reads the ops of a as a base-numOps number, edge (1←0) the most
// significant digit; it is -1 when an op is not in 0..numOps-1.
func Index[A ~[NumEdges]O, O ~uint8](a A, numOps int) int {
	i := 0
	for _, o := range a {
		if int(o) >= numOps {
			return -1
		}
		i = i*numOps + int(o)
	}
	return i
}

// At is the inverse of Index for i in 0..numOps^NumEdges-1; the caller
// checks the range.
func At[A ~[NumEdges]O, O ~uint8](i, numOps int) A {
	var a A
	for k := NumEdges - 1; k >= 0; k-- {
		a[k] = O(i % numOps)
		i /= numOps
	}
	return a
}

// Sample draws each edge's op uniformly and independently from
// 0..numOps-1.
func Sample[A ~[NumEdges]O, O ~uint8](numOps int, rng *rand.Rand) A {
	var a A
	for k := range a {
		a[k] = O(rng.IntN(numOps))
	}
	return a
}

// Mutate returns a with the op of one edge, chosen uniformly, changed to
// one of the numOps-1 other ops, chosen uniformly.
func Mutate[A ~[NumEdges]O, O ~uint8](a A, numOps int, rng *rand.Rand) A {
	k := rng.IntN(NumEdges)
	// Drawing from the other ops and skipping the current one keeps the
	// choice uniform without rejection.
	o := O(rng.IntN(numOps - 1))
	if o >= a[k] {
		o++
	}
	a[k] = o
	return a
}

// Live reports, per edge, whether its op is not none (0) and it lies on a
// path from the input (node 0) to the output (node 3) through non-none
// edges only. Only such edges affect the cell's output: a node sums its
// inputs, none outputs zeros, and a node with no path to the output is
// dropped.
func Live[A ~[NumEdges]O, O ~uint8](a A) [NumEdges]bool {
	// fwd[n]: node n is reachable from node 0; bwd[n]: node n reaches node 3.
	var fwd, bwd [NumNodes]bool
	fwd[0] = true
	for k, e := range Edges { // ordered by target, so fwd[e.From] is final when read
		if a[k] != 0 && fwd[e.From] {
			fwd[e.To] = true
		}
	}
	bwd[NumNodes-1] = true
	for k := NumEdges - 1; k >= 0; k-- { // targets decrease, so bwd[e.To] is final when read
		e := Edges[k]
		if a[k] != 0 && bwd[e.To] {
			bwd[e.From] = true
		}
	}
	var live [NumEdges]bool
	for k, e := range Edges {
		live[k] = a[k] != 0 && fwd[e.From] && bwd[e.To]
	}
	return live
}

// NodeTypes is a space's numbering of the cell graph's node types: the
// graph's input and output nodes, and the type of op 0 (none); op o has
// type None+o.
type NodeTypes struct{ Input, Output, None int }

// Graph is the cell graph of a with ops on nodes, as a GCN expects, rather
// than on edges: node 0 is the input, node 1+k edge k of Edges (ordered by
// target, so every data-flow edge goes forward and the adjacency is upper
// triangular), node GraphNodes-1 the output. Edge-node (j←i) feeds every
// edge-node whose source is j; the input feeds the edge-nodes with source
// 0, those with target 3 feed the output.
//
// Dead edges (see Live) are pruned: such an edge-node is typed none and
// gets no edges, so cells that compute the same function that way encode
// identically. The graph has numFeatures zero features per node for the
// caller to fill. The ops of a must be valid.
func Graph[A ~[NumEdges]O, O ~uint8](a A, t NodeTypes, numFeatures int) searchspace.Graph {
	g := graphs.New(GraphNodes, numFeatures)
	out := GraphNodes - 1
	g.Ops[0], g.Ops[out] = t.Input, t.Output
	live := Live(a)
	for k, e := range Edges {
		n := k + 1
		if !live[k] {
			g.Ops[n] = t.None
			continue
		}
		g.Ops[n] = t.None + int(a[k])
		if e.From == 0 {
			g.Adj[0][n] = true
		}
		if e.To == NumNodes-1 {
			g.Adj[n][out] = true
		}
		for m, f := range Edges {
			if live[m] && f.From == e.To {
				g.Adj[n][m+1] = true // m > k: edges are ordered by target
			}
		}
	}
	return g
}
