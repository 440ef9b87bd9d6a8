// Package metrics measures how well a NAS performance predictor ranks
// architectures: Kendall's tau-b, Spearman's rho, precision@k and the best
// true accuracy among the predicted top k.
//
// What matters for a predictor is the order it puts architectures in, not the
// accuracy values themselves, so every metric here depends on ranks only.
// KendallTau runs in O(n log n) (Knight's algorithm), fast enough for the
// 423,624 cells of NAS-Bench-101, and gives the same value as
// scipy.stats.kendalltau (variant 'b', ties included).
//
// The common case, with pred the predicted and truth the true accuracies of
// the same architectures in the same order:
//
//	tau, err := metrics.KendallTau(pred, truth)
//	rho, err := metrics.SpearmanRho(pred, truth)
//	p10, err := metrics.PrecisionAtK(pred, truth, 10)
//
// Inputs with different lengths, fewer than two elements or a NaN give an
// error (ErrLengthMismatch, ErrTooFew, ErrNaN), as does a k outside 1…n
// (ErrBadK); infinities are ordinary values. A rank correlation is undefined
// when all values of one input are equal: where scipy returns NaN, these
// return ErrConstant, so that a caller can say "all labels are equal"
// instead of printing NaN. With any error the value returned is NaN.
package metrics
