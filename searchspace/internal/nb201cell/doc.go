// Package nb201cell is the 4-node cell that NAS-Bench-201 and
// TransNAS-Bench-101's micro space share: 6 edges, one from every node to
// every later one, each carrying an op. The spaces differ only in their op
// sets, so this package holds what does not depend on them: the edge order,
// the base-n index of a cell, sampling and mutation, which edges are live,
// and the pruned graph of the encodings.
//
// A cell is any array type [NumEdges]O with O an integer op type in which 0
// is none, the absent edge:
//
//	live := nb201cell.Live(arch)                    // edges on an input→output path
//	g := nb201cell.Graph(arch, types, 0)            // the 8-node pruned cell graph
//	next := nb201cell.Mutate(arch, numOps, rng)     // one edge changed
package nb201cell
