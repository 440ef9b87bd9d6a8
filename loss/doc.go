// Package loss holds the training losses of HyperNAS (Lv et al., CVPR 2026):
// the prediction loss L_pred, the multi-task weighting that combines it with
// the hypernetwork's L_hyper, and a tracker of the Pareto front of the task
// losses over the epochs.
//
// The common case, in a graph g built once per batch size, with pred the
// model's (B) output and lHyper the auxiliary task's loss:
//
//	pl, err := loss.NewPredLoss(loss.KindMSE, pred)       // then pl.Bind(targets) per batch
//	w, err := loss.NewAdaptive(g, 2, tensor.Float64, 1.5) // q = 1.5; w.Params() are learnt too
//	total, err := w.Combine([]*G.Node{pl.Loss, lHyper})   // L_total, what training minimises
//
// then G.Grad(total, append(modelParams, w.Params()...)...) and a tape
// machine as usual; a ParetoTracker records the mean task losses of each
// epoch.
//
// # Prediction losses
//
// MSE is the paper's L_pred. The ranking losses, which the predictor
// literature found to improve Kendall's tau with few labels, are the
// pairwise hinge loss, the pairwise logistic (BPR) loss, both over all
// ordered pairs of the batch, and the listwise ListMLE. A Kind selects one by
// name ("mse", "hinge", "bpr", "listmle"; a *Kind is a flag.Value).
//
// The pairs (target_i > target_j) and ListMLE's sort order depend on the
// targets, so the ranking losses compute their masks inside the graph from
// the target node with Gorgonia's comparison ops, which pass no gradient.
// The graph is therefore built once per batch size, and a new batch needs
// nothing but the new target values: PredLoss.Bind sets them. No permutation
// or mask inputs exist.
//
// # Multi-task weighting
//
// A Weighting combines the task losses: Fixed (Σ w_t L_t), Uncertainty
// (NewUncertainty: Kendall et al. 2018, Σ L_t/(2σ_t²) + ln σ_t, or the
// ln(1 + σ_t²) form of Liebel & Körner 2018), and Adaptive (NewAdaptive),
// the dynamic adaptive multi-task loss of HyperNAS
//
//	L_total = Σ_t [L_t^(q−1) / (2u_t²)]·L_t + ln(1 + u_t²)
//
// with learnable u_t (initialised to 1) and the preference coefficient q.
// At q = 1 it is exactly Uncertainty with Log1pSigmaSq. Whether the factor
// L_t^(q−1) carries gradient is the option WithFactorGradient; when it does
// not, the factor passes through StopGradient, an op of this package with
// the forward value of its input and no gradient, so the factor is that of
// the current step, with no lag. All weightings take any number of tasks.
// Params must be handed to the optimiser with the model's parameters;
// Weights (and Values for the learnt σ_t or u_t) report the state after a
// run, read with G.Read because the tape machine reuses the memory of
// intermediate nodes.
//
// A ParetoTracker records the mean task losses of each epoch (EpochLosses)
// and reports the epochs on the Pareto front: the trade-off between L_pred
// and L_hyper that q steers.
//
// Everything works on float64 and float32 graphs (the dtype is taken from
// the inputs) and returns an error wrapping ErrShape, rather than letting
// Gorgonia panic, for nodes of the wrong shape, dtype or graph. No exported
// function or method panics on any argument.
package loss
