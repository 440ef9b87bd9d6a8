// Package fewshot is the few-shot evaluation protocol of the predictor
// literature (Neural Predictor, TNASP, PINAT, HyperNAS): train a predictor
// on N labelled architectures of a benchmark, drawn by a seeded
// permutation, and measure how well it ranks the others (Kendall's tau,
// Spearman's rho, precision@k).
//
// The common case:
//
//	bench, err := nasbench201.LoadBenchmark(dir)
//	proto := fewshot.Protocol{Train: 78, Seed: 0, TrainMetric: "cifar10_valid_acc", TestMetric: "cifar10_test_acc", TestAll: true}
//	res, err := fewshot.Evaluate(ctx, bench, proto, hypernas.WithEpochs(300))
//
// Split gives the same training rows for the same seed, whatever the
// model, so that models can be compared seed by seed.
package fewshot
