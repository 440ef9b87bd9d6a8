// Package hypernas is the HyperNAS few-shot performance predictor: the
// global-encoding GCN of package encoding with an MLP head, trained on a few
// labelled architectures to rank all the others (METHOD.md), together with
// the few-shot evaluation protocol, the hypernetwork auxiliary task
// (NewHyperTask: generated weights in a target network trained on images,
// METHOD.md §2; target networks for NAS-Bench-201 and NAS-Bench-101), saving and loading of trained predictors, and
// predictor-guided architecture search (Oracle, Strategy, NewStrategy,
// multi-objective search with WithCost).
//
// The common case:
//
//	space := nasbench201.New()
//	p, err := hypernas.NewPredictor(space, hypernas.WithSeed(1))
//	_, err = p.Fit(ctx, trainArchs, trainAccuracies)
//	scores, err := p.Predict(candidates) // higher is better
//
// Options follow the functional-options pattern (WithEpochs, WithHidden,
// WithLoss, WithEncoding(SingleCell) for the Neural Predictor baseline …);
// Defaults documents the values used when none is given. By default the
// predictor trains on the rank-Gauss transform of the labels
// (WithRankLabels), so its scores rank but are not calibrated accuracies. Every random choice
// is seeded, so the same seed gives the same predictor. Errors wrap the
// sentinels ErrBadOption, ErrBadLabels, ErrNonFinite, ErrNotTrained and
// ErrBadCheckpoint.
package hypernas
