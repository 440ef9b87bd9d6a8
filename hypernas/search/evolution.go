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
	s                      settings
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
	return &Evolution{s: s, population: s.population, tournament: s.tournament}, nil
}

// Name returns "evolution".
func (*Evolution) Name() string { return "evolution" }

// Search runs regularised evolution.
func (s *Evolution) Search(ctx context.Context, space searchspace.SearchSpace, oracle Oracle, budget int, opts ...Option) (*Result, error) {
	return searchStudy(ctx, s, space, oracle, budget, opts)
}

func (s *Evolution) settings() settings { return s.s }

// proposer returns aging evolution in ask/tell form: random queries until
// the population is handed out; once it is told, each child is a mutation
// of the tournament winner among the last population told queries.
func (s *Evolution) proposer() proposer {
	pop, sample := s.population, s.tournament
	vals := make([]float64, sample)
	costs := make([]float64, sample)
	members := make([]int, sample)
	return proposerFunc(func(r *run) (searchspace.Arch, error) {
		if r.handed < min(pop, r.res.Budget) {
			return r.random()
		}
		n := r.told()
		if n < pop {
			return nil, errPending
		}
		// The population is the last pop queries: aging removes the oldest.
		for k := range members {
			members[k] = n - pop + r.rng.IntN(pop)
			q := r.res.Queries[members[k]]
			vals[k], costs[k] = q.Value, q.Cost
		}
		top, err := r.order(vals, costs, 1)
		if err != nil {
			return nil, err
		}
		return r.draw(r.near(r.res.Queries[members[top[0]]].Arch))
	})
}
