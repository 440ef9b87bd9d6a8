// Package darts is the DARTS search space, the space of NAS-Bench-301: a
// genotype is a normal and a reduction cell, each with 4 intermediate nodes
// that sum two inputs (earlier states of the cell) through one of 7 ops.
//
// The common case:
//
//	space, err := darts.New()                // encodes DARTS's 8-cell network; WithCells(20) for the 20-cell one
//	g, err := darts.Parse("Genotype(normal=[('sep_conv_3x3', 0), …], normal_concat=range(2, 6), reduce=[…], reduce_concat=range(2, 6))")
//	seq, err := space.Encode(g)              // 8 cell graphs, reduction cells at positions 2 and 5
//	bench, err := nb301data.LoadNB301()      // 1,218 genotypes, built in (package nb301data); LoadNB301(dir) reads a folder
//
// Three text forms are read by Parse: NAS-Bench-301's
// normal=[(op,input),…];reduce=[…] (what Genotype.String writes and the
// benchmark table is keyed by), DARTS's Python form (Genotype.Python,
// ParsePython) and NASLib's compact form (Genotype.Compact, ParseCompact).
//
// The benchmark's labels (val_accuracy) may be predictions of the
// NAS-Bench-301 surrogate model rather than accuracies of trained networks,
// and a repeated genotype may differ by up to 0.2 between rows; LoadNB301
// averages repeats. Rank-based evaluation on them measures agreement with
// the surrogate as much as with training.
//
// Encodings put ops on nodes (CellGraph): a cell is an 11-node graph with
// its two input states, one node per edge and the output. Encode lists the
// evaluated network's cells in order, with DARTS's rule of reduction cells
// at 1/3 and 2/3 depth; reduction-cell ops have node types of their own
// ("reduce:sep_conv_3x3" …). The space is not enumerable.
package darts
