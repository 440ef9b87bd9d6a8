package search

import (
	"context"
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

// enumerateLimit is the largest enumerable space whose every architecture
// PredictorIterative scores; larger spaces are sampled.
const enumerateLimit = 50000

// PredictorIterative is the search loop of the Neural Predictor paper (Wen
// et al. 2020): query some random architectures, train, predict a large
// pool (the whole space when it is enumerable and small enough, the
// candidates when set, else sampled architectures), query the k best
// predicted, refit, and repeat until the budget is spent.
type PredictorIterative struct {
	s     settings
	sched schedule
}

// NewPredictorIterative returns the Neural Predictor's loop; settings:
// WithPredictor, WithInitial (default 20), WithTopK (default 10), WithPool
// (default: the whole space up to 50,000 architectures, else 10,000
// samples) and WithFitEpochs (default 100, 30).
func NewPredictorIterative(opts ...StrategyOption) (*PredictorIterative, error) {
	s, err := newSettings("predictor-iterative", settings{initial: DefaultInitial, topK: DefaultTopK, epochs: DefaultFitEpochs, refit: DefaultRefitEpochs},
		[]string{"predictor", "initial", "top-k", "pool", "fit-epochs"}, opts)
	if err != nil {
		return nil, err
	}
	if s.initial < 2 || s.topK < 1 || s.pool < 0 {
		return nil, fmt.Errorf("%w: predictor iterative search needs initial >= 2 (%d), top-k >= 1 (%d) and pool >= 0 (%d)",
			hypernas.ErrBadOption, s.initial, s.topK, s.pool)
	}
	sched, err := s.schedule()
	if err != nil {
		return nil, err
	}
	return &PredictorIterative{s: s, sched: sched}, nil
}

// Name returns "predictor-iterative".
func (*PredictorIterative) Name() string { return "predictor-iterative" }

// Search runs the Neural Predictor's iterative loop.
func (d *PredictorIterative) Search(ctx context.Context, space searchspace.SearchSpace, oracle Oracle, budget int, opts ...Option) (*Result, error) {
	return searchStudy(ctx, d, space, oracle, budget, opts)
}

func (d *PredictorIterative) settings() settings { return d.s }

// proposer returns the iterative loop in ask/tell form: the first round
// fits the predictor and encodes the pool once; every round (re)fits,
// scores the pool and plans its top k.
func (d *PredictorIterative) proposer() proposer {
	s := &rounds{initial: d.s.initial}
	var pool []searchspace.Arch
	var seqs []searchspace.Sequence
	round := func(r *run) error {
		p, err := d.sched.fit(r, s.p)
		if err != nil {
			return err
		}
		if s.p == nil {
			if pool, err = d.pool(r); err != nil {
				return err
			}
			if seqs, err = p.EncodeAll(r.ctx, pool); err != nil {
				return err
			}
		}
		s.p = p
		pred, err := p.PredictSequences(r.ctx, seqs)
		if err != nil {
			return err
		}
		s.queue, err = r.top(pool, pred, d.s.topK)
		return err
	}
	return proposerFunc(func(r *run) (searchspace.Arch, error) { return s.next(r, round) })
}

// pool returns the architectures to score: the candidates, the whole
// space, or Pool unique samples, keeping only those within the constraint.
func (d *PredictorIterative) pool(r *run) ([]searchspace.Arch, error) {
	var all []searchspace.Arch
	switch e, ok := r.space.(searchspace.Enumerable); {
	case r.cfg.Candidates != nil:
		all = r.cfg.Candidates
	case ok && d.s.pool == 0 && e.Size() <= enumerateLimit:
		all = make([]searchspace.Arch, 0, e.Size())
		for _, a := range e.All() {
			all = append(all, a)
		}
	default:
		n := d.s.pool
		if n == 0 {
			n = 10000
		}
		seen := make(map[string]bool, n)
		for tries := 0; len(all) < n && tries < 10*n; tries++ {
			a := r.space.Sample(r.rng)
			if !seen[a.String()] {
				seen[a.String()] = true
				all = append(all, a)
			}
		}
	}
	out := make([]searchspace.Arch, 0, len(all))
	for _, a := range all {
		c, err := r.cost(a)
		if err != nil {
			return nil, err
		}
		if !(c > r.cfg.MaxCost) {
			out = append(out, a)
		}
	}
	return out, nil
}
