// Package searchspace defines what an architecture is to go-hypernas: the
// SearchSpace interface that every built-in space implements and that users
// implement for their own spaces, the global encoding of an evaluated network
// as a sequence of unit graphs (Sequence, Graph; the HyperNAS paper, Lv et
// al., CVPR 2026), and Table and Benchmark, benchmark tables that map
// architectures to named metrics.
//
// The common case:
//
//	space := nasbench201.New()
//	arch, err := space.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
//	seq, err := space.Encode(arch) // 17 units: 5 cells, reduction, 5 cells, reduction, 5 cells
//
// The built-in spaces are the sub-packages nasbench201, nasbench101, darts,
// transnas101 and autoformer. To bring a space of your own, implement
// SearchSpace (and VariableDepth, CellSized or Enumerable where they apply,
// and Computable, what its operations compute, for HyperNAS's
// hypernetwork) and test it with spacetest.Check, which checks the
// contract documented on SearchSpace. ValidateSequence and ValidateCell check one encoding
// against what its space declares; parsers report a *ParseError.
//
// The benchmark tables are built into the module, one package per
// benchmark that a program imports only when it wants the data
// (nasbench201/nb201data, nasbench101/nb101data, darts/nb301data,
// transnas101/tnbdata). The spaces' loaders read the same tables, or
// fuller ones of your own, from a folder given to them or named by the
// HYPERNAS_DATA environment variable (DataDir, DataFile); ReadCSV and
// ReadBenchmark read any table of your own.
//
// The package knows nothing of Gorgonia: package encoding turns Sequences into
// tensors and runs the graph network over them.
package searchspace
