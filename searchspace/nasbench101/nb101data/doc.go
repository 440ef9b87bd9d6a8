// Package nb101data is the labelled part of NAS-Bench-101, built into the
// module: 30,001 cells with the validation accuracy of one training run
// after 4, 12, 36 and 108 epochs, the training time and the parameter
// count, and NASLib's sample of 500 queries with zero-cost proxy scores.
// It needs no download, no data folder and no set-up, and no enumeration of
// the space: the cells are stored, not their fingerprints. Import it only
// where you want the data (package nasbench101 and the predictor do not).
//
//	bench, err := nb101data.LoadLabelled()                       // 30,001 cells
//	acc, err := bench.Labels(nasbench101.MetricValAcc108, nil)    // fractions 0 … 1
//	fp := bench.Archs[0].(nasbench101.Cell).Fingerprint()          // the benchmark's own hash
//
// The tables are exactly what nasbench101.LoadLabelled and LoadNASLib500
// return for the benchmark's files (nb101_val_30k.csv, keyed by
// fingerprint, and nb101_naslib500.csv), which a data folder can still
// supply. The labels are single training runs, not the means of three
// that papers usually average.
//
// Origin: NAS-Bench-101 (Ying et al., "NAS-Bench-101: Towards Reproducible
// Neural Architecture Search", ICML 2019), one run per cell as exported by
// public analysis repositories; the 500-query sample and its zero-cost
// scores from NASLib (Krishnakumar et al., "NAS-Bench-Suite-Zero", NeurIPS
// 2022 Datasets and Benchmarks).
//
//go:generate go run github.com/hypernas/go-hypernas/internal/gendata -only nb101,nb101-fingerprints,nb101-naslib500
package nb101data
