package search

import (
	"context"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Random queries uniformly drawn new architectures (the space's Sample, or
// the candidates) until the budget is spent: the baseline every strategy
// must beat.
type Random struct{}

// NewRandom returns random search; it has no settings.
func NewRandom(opts ...StrategyOption) (*Random, error) {
	if _, err := newSettings("random", settings{}, nil, opts); err != nil {
		return nil, err
	}
	return &Random{}, nil
}

// Name returns "random".
func (*Random) Name() string { return "random" }

// Search runs random search.
func (s *Random) Search(ctx context.Context, space searchspace.SearchSpace, oracle Oracle, budget int, opts ...Option) (*Result, error) {
	r, err := newRun(ctx, s.Name(), space, oracle, budget, opts)
	if err != nil {
		return nil, err
	}
	return r.finish(r.randomQueries(budget))
}
