// Package nb301data is the DARTS benchmark subset of NAS-Bench-301, built
// into the module: 1,218 unique genotypes of the DARTS space with their
// CIFAR-10 validation accuracy, FLOPs, parameter count and zero-cost proxy
// scores. It needs no download, no data folder and no set-up; import it
// only where you want the data (package darts and the predictor do not).
//
//	bench, err := nb301data.LoadNB301()                     // 1,218 genotypes, 8-cell network
//	acc, err := bench.Labels(darts.MetricValAcc, nil)       // percent
//	b20, err := nb301data.LoadNB301(darts.WithCells(20))   // the same, encoding the 20-cell network
//
// The table is exactly what darts.LoadNB301 returns for the benchmark's
// file (nb301_subset.csv: 1,225 rows, repeated genotypes averaged), which a
// data folder can still supply. The accuracies may be predictions of
// NAS-Bench-301's surrogate models rather than results of training.
//
// Origin: NAS-Bench-301 (Zela et al., "Surrogate NAS Benchmarks: Going
// Beyond the Limited Search Spaces of Tabular NAS Benchmarks", ICLR 2022)
// as sampled by NASLib with its zero-cost scores (NAS-Bench-Suite-Zero,
// NeurIPS 2022 Datasets and Benchmarks).
//
//go:generate go run github.com/hypernas/go-hypernas/internal/gendata -only nb301
package nb301data
