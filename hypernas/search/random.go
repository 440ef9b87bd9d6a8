package search

import (
	"context"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Random queries uniformly drawn new architectures (the space's Sample, or
// the candidates) until the budget is spent: the baseline every strategy
// must beat.
type Random struct{ s settings }

// NewRandom returns random search; it has no settings.
func NewRandom(opts ...StrategyOption) (*Random, error) {
	s, err := newSettings("random", settings{}, nil, opts)
	if err != nil {
		return nil, err
	}
	return &Random{s: s}, nil
}

// Name returns "random".
func (*Random) Name() string { return "random" }

// Search runs random search.
func (s *Random) Search(ctx context.Context, space searchspace.SearchSpace, oracle Oracle, budget int, opts ...Option) (*Result, error) {
	return searchStudy(ctx, s, space, oracle, budget, opts)
}

func (s *Random) settings() settings { return s.s }

func (*Random) proposer() proposer { return proposerFunc((*run).random) }
