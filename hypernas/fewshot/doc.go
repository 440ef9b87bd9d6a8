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
// Any model of package baseline runs on the same split, so that the GCN
// can be compared with ridge regression, a random forest or the
// cross-validated choice among them, seed by seed:
//
//	res, err := fewshot.EvaluateModel(ctx, bench, proto, baseline.RidgeModel(bench.Space))
//	res, err = fewshot.EvaluateModel(ctx, bench, proto, baseline.AutoModel(bench.Space, nil))
//
// Beside Kendall's tau every Result holds precision@1 %: the share of the
// true top 1 % of the test set that the model also ranks in its top 1 %
// (NB201 with TestAll: 156 cells), the part of the ranking a search uses.
//
// Split gives the same training rows for the same seed, whatever the
// model, so that models can be compared seed by seed.
package fewshot
