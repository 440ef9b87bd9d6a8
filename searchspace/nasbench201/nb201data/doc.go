// Package nb201data is the NAS-Bench-201 benchmark, built into the module:
// all 15,625 cells with their CIFAR-10, CIFAR-100 accuracies, parameter
// counts and training time, and the measured latency of every cell on 27
// devices. It needs no download, no data folder and no set-up; import it
// only where you want the data (the space, package nasbench201, and the
// predictor do not import it, so they stay small).
//
//	bench, err := nb201data.LoadBenchmark()                // 15,625 cells, official index order
//	acc, err := bench.Labels(nasbench201.MetricTestAcc, nil) // percent, row = official index
//	lat, err := nb201data.LoadLatency()                    // ms on 27 devices, same rows
//
// The tables are exactly what nasbench201.LoadBenchmark and LoadLatency
// return for the benchmark's CSV files (nb201.csv, nb201_latency.csv),
// which a data folder can still supply: a fuller or newer table in the
// same format, read with those loaders.
//
// Origin: the published NAS-Bench-201 results (Dong & Yang, "NAS-Bench-201:
// Extending the Scope of Reproducible Neural Architecture Search", ICLR
// 2020; NATS-Bench, TPAMI 2021), accuracies the means over the benchmark's
// training seeds; latencies from HW-NAS-Bench (Li et al., ICLR 2021) as
// collected by HELP (Lee et al., NeurIPS 2021).
//
//go:generate go run github.com/hypernas/go-hypernas/internal/gendata -only nb201,nb201-latency
package nb201data
