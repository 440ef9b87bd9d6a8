// Package hypernas is the HyperNAS few-shot performance predictor (Lv et
// al., "HyperNAS: Enhancing Architecture Representation for NAS Predictor
// via Hypernetwork", CVPR 2026): the global-encoding GCN of package
// encoding with an MLP head, trained on a few labelled architectures to rank
// all the others.
//
// The common case:
//
//	p, err := hypernas.NewPredictor(nasbench201.New(), hypernas.WithSeed(1))
//	_, err = p.Fit(ctx, trainArchs, trainAccuracies)
//	scores, err := p.Predict(ctx, candidates) // higher is better
//
// PredictStream scores a stream of any length — a whole space
// (p.PredictStream(ctx, hypernas.Archs(space.All()))), a generator, a
// channel — in bounded memory, yielding the predictions in order; Predict is
// the same pipeline over a slice. Prediction runs the trained encoder and
// head without a graph (encoding.Forward), with the graph's arithmetic, so
// the numbers are those the graph would give.
//
// Options follow the functional-options pattern (WithEpochs, WithHidden,
// WithLoss, WithEncoding(SingleCell) for the Neural Predictor baseline …);
// Defaults lists the values used when none is given. By default the
// predictor trains on the rank-Gauss transform of the labels
// (WithRankLabels), so its scores rank but are not calibrated accuracies.
// Every random choice is seeded, so the same seed gives the same predictor.
// A trained predictor is kept with Save / SaveFile and read back with Load /
// LoadFile.
//
// The auxiliary task hook (AuxTask, WithAux, WithWeighting with
// UncertaintyWeights, AdaptiveWeights or FixedWeights) trains the encoder
// jointly with another task; HyperNAS's hypernetwork is one, in package
// hypernas/hypernet. The other packages of this folder build on the
// predictor: hypernas/search (predictor-guided architecture search),
// hypernas/fewshot (the few-shot evaluation protocol), hypernas/metrics
// (Kendall's tau and other ranking metrics) and hypernas/auxdata (the
// auxiliary images).
//
// Errors wrap the sentinels ErrBadOption, ErrBadLabels, ErrNonFinite,
// ErrNotTrained, ErrBusy and ErrBadCheckpoint. A Predictor is safe for
// concurrent use; its documentation says which calls may overlap.
package hypernas
