package search

import (
	"context"
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

// Evolution is aging (regularised) evolution (Real et al. 2019): a
// population of the most recent queries; each step draws a tournament of
// them, mutates the best (by value, or by non-dominated rank with a cost)
// and queries the child, which replaces the oldest member.
type Evolution struct {
	population, tournament int
}

// NewEvolution returns regularised evolution; settings: WithPopulation
// (default 20) and WithTournament (default 5).
func NewEvolution(opts ...StrategyOption) (*Evolution, error) {
	s, err := newSettings("evolution", settings{population: DefaultPopulation, tournament: DefaultTournament}, []string{"population", "tournament"}, opts)
	if err != nil {
		return nil, err
	}
	if s.population < 1 || s.tournament < 1 || s.tournament > s.population {
		return nil, fmt.Errorf("%w: evolution needs 1 <= tournament (%d) <= population (%d)", hypernas.ErrBadOption, s.tournament, s.population)
	}
	return &Evolution{population: s.population, tournament: s.tournament}, nil
}

// Name returns "evolution".
func (*Evolution) Name() string { return "evolution" }

// Search runs regularised evolution.
func (s *Evolution) Search(ctx context.Context, space searchspace.SearchSpace, oracle Oracle, budget int, opts ...Option) (*Result, error) {
	pop, sample := s.population, s.tournament
	r, err := newRun(ctx, s.Name(), space, oracle, budget, opts)
	if err != nil {
		return nil, err
	}
	if err := r.randomQueries(min(pop, budget)); err != nil {
		return r.finish(err)
	}
	// The population is the last pop queries: aging removes the oldest.
	vals := make([]float64, sample)
	costs := make([]float64, sample)
	members := make([]int, sample)
	for r.left() > 0 {
		n := len(r.res.Queries)
		for k := range members {
			members[k] = n - pop + r.rng.IntN(pop)
			q := r.res.Queries[members[k]]
			vals[k], costs[k] = q.Value, q.Cost
		}
		top, err := r.order(vals, costs, 1)
		if err != nil {
			return r.finish(err)
		}
		parent := r.res.Queries[members[top[0]]].Arch
		child, err := r.draw(r.near(parent))
		if err != nil {
			return r.finish(err)
		}
		if _, err := r.query(child); err != nil {
			return r.finish(err)
		}
	}
	return r.finish(nil)
}
