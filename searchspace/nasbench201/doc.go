// Package nasbench201 is the NAS-Bench-201 search space: a 4-node cell whose
// 6 edges each carry one of 5 ops (15,625 cells), stacked into a network of
// 3 stages of 5 cells with a residual reduction block between stages.
//
// The common case:
//
//	space := nasbench201.New()
//	arch, err := nasbench201.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
//	seq, err := space.Encode(arch) // 17 units: 5 cells, reduction, 5 cells, reduction, 5 cells
//	bench, err := nb201data.LoadBenchmark()     // built in (package nb201data); LoadBenchmark(dir) reads a folder
//
// An Arch lists the op of each edge in the order of the official arch
// string; Parse accepts exactly the string that String writes. Space.All and
// Space.At enumerate the space in a canonical order (a base-5 number over the
// edges, Arch.CanonicalIndex). The official NB201 index order is not a
// formula; it is the row order of the benchmark table, so an architecture's
// official index is its row in LoadBenchmark's table.
//
// Encodings (the HyperNAS global encoding) put ops on nodes: a cell becomes
// an 8-node graph (input, one node per edge, output) in which dead edges,
// those on no input→output path of non-none edges, are pruned, so cells that
// differ only there encode identically. See Space.Encode and Space.EncodeCell.
package nasbench201
