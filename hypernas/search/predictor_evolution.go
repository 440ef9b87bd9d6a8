package search

import (
	"context"
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

// PredictorEvolution is predictor-guided evolutionary search, the search
// of the HyperNAS paper on DARTS and ViT spaces: after a random start, each
// generation mutates the best queried architectures into many candidates,
// the predictor ranks them, and only the top k are queried; the predictor
// is then refitted on every query so far. With a cost (WithCost) parents
// and candidates are ranked by non-dominated rank of (value, cost) instead.
type PredictorEvolution struct {
	s     settings
	sched schedule
}

// NewPredictorEvolution returns predictor-guided evolution; settings:
// WithPredictor, WithInitial (default 20), WithPopulation (parents,
// default 10), WithMutants (default 500), WithTopK (default 10) and
// WithFitEpochs (default 100, 30).
func NewPredictorEvolution(opts ...StrategyOption) (*PredictorEvolution, error) {
	s, err := newSettings("predictor-evolution",
		settings{initial: DefaultInitial, population: DefaultParents, mutants: DefaultMutants, topK: DefaultTopK, epochs: DefaultFitEpochs, refit: DefaultRefitEpochs},
		[]string{"predictor", "initial", "population", "mutants", "top-k", "fit-epochs"}, opts)
	if err != nil {
		return nil, err
	}
	if s.initial < 2 || s.population < 1 || s.mutants < 1 || s.topK < 1 {
		return nil, fmt.Errorf("%w: predictor evolution needs initial >= 2 (%d), population, mutants and top-k >= 1 (%d, %d, %d)",
			hypernas.ErrBadOption, s.initial, s.population, s.mutants, s.topK)
	}
	sched, err := s.schedule()
	if err != nil {
		return nil, err
	}
	return &PredictorEvolution{s: s, sched: sched}, nil
}

// Name returns "predictor-evolution".
func (*PredictorEvolution) Name() string { return "predictor-evolution" }

// Search runs predictor-guided evolution.
func (d *PredictorEvolution) Search(ctx context.Context, space searchspace.SearchSpace, oracle Oracle, budget int, opts ...Option) (*Result, error) {
	return searchStudy(ctx, d, space, oracle, budget, opts)
}

func (d *PredictorEvolution) settings() settings { return d.s }

// proposer returns predictor-guided evolution in ask/tell form: each round
// fits the predictor, scores the mutants of the best queries and plans the
// top k of them.
func (d *PredictorEvolution) proposer() proposer {
	s := &rounds{initial: d.s.initial}
	round := func(r *run) error {
		p, err := d.sched.fit(r, s.p)
		if err != nil {
			return err
		}
		s.p = p
		cands, err := d.candidates(r)
		if err != nil {
			return err
		}
		if len(cands) == 0 {
			s.queue, s.final = make([]searchspace.Arch, min(d.s.topK, r.left())), true
			return nil
		}
		pred, err := p.Predict(r.ctx, cands)
		if err != nil {
			return err
		}
		s.queue, err = r.top(cands, pred, d.s.topK)
		return err
	}
	return proposerFunc(func(r *run) (searchspace.Arch, error) { return s.next(r, round) })
}

// candidates mutates the best queries (one or two mutations each) and
// adds random samples; every candidate is new and admissible, and unique.
func (d *PredictorEvolution) candidates(r *run) ([]searchspace.Arch, error) {
	vals := make([]float64, len(r.res.Queries))
	costs := make([]float64, len(vals))
	for i, q := range r.res.Queries {
		vals[i], costs[i] = q.Value, q.Cost
	}
	parents, err := r.order(vals, costs, d.s.population)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, d.s.mutants)
	var out []searchspace.Arch
	add := func(gen func() (searchspace.Arch, error), n int) error {
		// Bounded so that a used-up candidate set ends the search quickly.
		for tries, limit := 0, 4*n+maxDraws; n > 0 && tries < limit; tries++ {
			a, err := gen()
			if err != nil {
				return err
			}
			ok, err := r.admissible(a)
			if err != nil {
				return err
			}
			if !ok || seen[a.String()] {
				continue
			}
			seen[a.String()] = true
			out = append(out, a)
			n--
		}
		return nil
	}
	mutant := func() (searchspace.Arch, error) {
		a := r.res.Queries[parents[r.rng.IntN(len(parents))]].Arch
		// Mostly one step, sometimes two, so that a population whose
		// neighbours are all queried still moves.
		steps := 1
		if r.rng.Float64() < 0.3 {
			steps = 2
		}
		for range steps {
			var err error
			if a, err = r.mutate(a); err != nil {
				return nil, err
			}
		}
		return a, nil
	}
	if err := add(mutant, d.s.mutants); err != nil {
		return nil, err
	}
	err = add(func() (searchspace.Arch, error) { return r.sample(), nil }, max(1, d.s.mutants/10))
	return out, err
}
