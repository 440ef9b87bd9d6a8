// Package transnas101 is TransNAS-Bench-101: two search spaces evaluated on
// seven Taskonomy tasks. The micro space is an NB201-like 4-node cell with
// four ops (none, skip_connect, conv_1x1, conv_3x3; 4,096 cells) in a fixed
// skeleton; the macro space is the skeleton itself, 4 to 6 modules of ResNet
// basic blocks that keep, widen, downsample or both (3,256 skeletons).
//
// The common case:
//
//	micro := transnas101.NewMicro()
//	cell, err := transnas101.ParseCell("64-41414-3_33_333")
//	seq, err := micro.Encode(cell)              // 10 cell graphs
//	bench, err := tnbdata.LoadMacro()           // built in (package tnbdata); LoadMacro(dir) reads a folder
//	acc, err := bench.Labels(transnas101.Metric("class_scene"), nil)
//
// Arch strings are the benchmark's own (tnb_arch_str), read and written
// exactly: micro "64-41414-a_bc_def", the ops into cell nodes 1, 2, 3 as
// digits (0 none, 1 skip_connect, 2 conv_1x1, 3 conv_3x3); macro
// "64-<digits>-basic", one digit per module (1 keep, 2 double the width,
// 3 halve the resolution, 4 both). A macro skeleton has 4–6 modules, 1–3 of
// which double the width and 1–4 halve the resolution: exactly the 3,256
// skeletons of the benchmark. Both spaces are enumerable in the row order
// of the benchmark files (Cell.Index, Skeleton.Index).
//
// The benchmark's networks build every module (digit) as two blocks, the
// first carrying the module's stride and widening; the micro networks use
// the skeleton 41414 with cells as blocks. Encode follows the evaluated
// network: one unit per block, 10 cell graphs (micro) or 8–12 residual
// block graphs (macro), with node features for width, stride and
// resolution level (FeatWidth, FeatStride, FeatLevel). Both spaces share
// one node-type vocabulary, NodeOpNames.
package transnas101
