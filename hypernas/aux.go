package hypernas

import (
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/loss"
	"github.com/hypernas/go-hypernas/searchspace"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// AuxTask is an auxiliary training task that reads the encoder's node
// embeddings, such as HyperNAS's hypernetwork and target network on an
// image dataset (the shared hypernetwork of HyperNAS, Lv et al., CVPR 2026;
// package hypernas/hypernet implements it). It is used in training only: prediction runs
// the encoder and the head alone, and its parameters (names outside "enc/"
// and "head/") are not saved.
type AuxTask interface {
	// Name labels the task in reports ("hyper").
	Name() string
	// Build adds the task to a training graph. enc is the encoder of that
	// graph (its NodeEmb hold the node embeddings of every unit); params is
	// the predictor's parameter store, where the task creates its own
	// parameters (with rng) under a prefix of its own.
	Build(g *G.ExprGraph, enc *encoding.Encoder, params *encoding.Params, rng *rand.Rand) (AuxGraph, error)
}

// AuxGraph is an AuxTask built into one training graph.
type AuxGraph interface {
	// Loss is the task's scalar loss (L_hyper).
	Loss() *G.Node
	// Learnables are the task's parameter nodes in the graph.
	Learnables() G.Nodes
	// Bind sets the task's inputs for a step, given the step number and the
	// sequences of the batch's architectures.
	Bind(step int, seqs []searchspace.Sequence) error
}

// WeightingFunc makes the multi-task weighting of a training graph from
// the number of tasks (the prediction loss first).
type WeightingFunc func(g *G.ExprGraph, tasks int, dt tensor.Dtype) (loss.Weighting, error)

// WithAux adds an auxiliary task (nil removes it).
func WithAux(t AuxTask) Option { return func(o *Options) { o.Aux = t } }

// WithAuxSampled sets Options.AuxSampled: the auxiliary task trains on
// unlabelled architectures sampled from the space, a new batch every step.
func WithAuxSampled(on bool) Option { return func(o *Options) { o.AuxSampled = on } }

// WithAuxWarmup sets Options.AuxWarmup: before the labelled training, the
// encoder and the auxiliary task (and only they) train for steps steps on
// batches of unlabelled architectures sampled from the space. It is
// semi-supervised pre-training of the shared encoder; it needs WithAux.
func WithAuxWarmup(steps int) Option { return func(o *Options) { o.AuxWarmup = steps } }

// WithAuxLearningRate sets Options.AuxLearningRate, the learning rate of
// the auxiliary task's own parameters (0: the predictor's).
func WithAuxLearningRate(lr float64) Option { return func(o *Options) { o.AuxLearningRate = lr } }

// WithWeighting sets how the prediction loss and the auxiliary loss are
// combined; the default is UncertaintyWeights().
func WithWeighting(f WeightingFunc) Option { return func(o *Options) { o.Weighting = f } }

// UncertaintyWeights is the WeightingFunc of Kendall et al.'s uncertainty
// weighting (loss.NewUncertainty), the default of WithAux: on NB201 it gave
// a higher Kendall tau than fixed weights in our NAS-Bench-201 ablation.
func UncertaintyWeights() WeightingFunc {
	return func(g *G.ExprGraph, tasks int, dt tensor.Dtype) (loss.Weighting, error) {
		return loss.NewUncertainty(g, tasks, dt)
	}
}

// AdaptiveWeights is the WeightingFunc of HyperNAS's dynamic adaptive
// multi-task loss (loss.NewAdaptive): L_total = Σ_t [L_t^(q−1) / (2·u_t²)]·L_t
// + ln(1 + u_t²), with a learnt u_t per task and the preference
// coefficient q (the paper reports q = 1.5 best).
func AdaptiveWeights(q float64, opts ...loss.AdaptiveOption) WeightingFunc {
	return func(g *G.ExprGraph, tasks int, dt tensor.Dtype) (loss.Weighting, error) {
		return loss.NewAdaptive(g, tasks, dt, q, opts...)
	}
}

// FixedWeights is a WeightingFunc of constant weights.
func FixedWeights(w ...float64) WeightingFunc {
	return func(*G.ExprGraph, int, tensor.Dtype) (loss.Weighting, error) { return loss.NewFixed(w...), nil }
}

// auxParts is what fitSequences needs of a built auxiliary task.
type auxParts struct {
	graph     AuxGraph
	weighting loss.Weighting
	total     *G.Node
	auxVal    G.Value
}

// buildAux adds the auxiliary task, on the encoder enc of graph g, and the
// weighting to a training graph, and returns the combined cost. Without a
// task it returns nil.
func buildAux(o Options, g *G.ExprGraph, enc *encoding.Encoder, params *encoding.Params, predLoss *G.Node, rng *rand.Rand) (*auxParts, error) {
	if o.Aux == nil {
		return nil, nil
	}
	ag, err := o.Aux.Build(g, enc, params, rng)
	if err != nil {
		return nil, fmt.Errorf("hypernas: building auxiliary task %s: %w", o.Aux.Name(), err)
	}
	wf := o.Weighting
	if wf == nil {
		wf = UncertaintyWeights()
	}
	w, err := wf(g, 2, params.DType())
	if err != nil {
		return nil, err
	}
	total, err := w.Combine([]*G.Node{predLoss, ag.Loss()})
	if err != nil {
		return nil, err
	}
	a := &auxParts{graph: ag, weighting: w, total: total}
	G.Read(ag.Loss(), &a.auxVal)
	return a, nil
}
