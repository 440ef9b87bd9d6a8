package search

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hypernas/go-hypernas/hypernas"
)

// The strategies' default settings.
const (
	DefaultInitial     = 20  // random queries before the first fit
	DefaultTopK        = 10  // candidates queried per round
	DefaultMutants     = 500 // candidates scored per generation (predictor-evolution)
	DefaultParents     = 10  // population of predictor-evolution
	DefaultPopulation  = 20  // population of evolution
	DefaultTournament  = 5   // tournament of evolution
	DefaultFitEpochs   = 100 // the predictor's first fit
	DefaultRefitEpochs = 30  // each warm-started refit
)

// StrategyOption sets one setting of a strategy, for NewStrategy and the
// New… constructors. Each strategy accepts the settings it has and refuses
// the others with hypernas.ErrBadOption.
type StrategyOption func(*settings)

// settings are every strategy's settings; set records which were given.
type settings struct {
	set, accepts  []string
	predictor     []hypernas.Option
	initial       int
	population    int
	tournament    int
	mutants       int
	topK          int
	pool          int
	epochs, refit int
}

func (s *settings) mark(name string) {
	if !slices.Contains(s.set, name) {
		s.set = append(s.set, name)
	}
}

// counts names the settings that are one number, for the options that set
// them and the description of a study.
func (s *settings) counts() map[string]*int {
	return map[string]*int{
		"initial":    &s.initial,
		"population": &s.population,
		"tournament": &s.tournament,
		"mutants":    &s.mutants,
		"top-k":      &s.topK,
		"pool":       &s.pool,
	}
}

// withCount is the option that sets the count called name (counts) to n.
func withCount(name string, n int) StrategyOption {
	return func(s *settings) { *s.counts()[name] = n; s.mark(name) }
}

// WithPredictor sets the options of the predictor that the predictor
// strategies train (size, loss, encoding …); its seed is the search's.
func WithPredictor(opts ...hypernas.Option) StrategyOption {
	return func(s *settings) { s.predictor = append(s.predictor, opts...); s.mark("predictor") }
}

// WithInitial sets the number of random queries before the predictor is
// first trained (predictor strategies; default 20, at least 2).
func WithInitial(n int) StrategyOption { return withCount("initial", n) }

// WithPopulation sets the population: the most recent queries for
// evolution (default 20), the number of best queries that are parents for
// predictor-evolution (default 10).
func WithPopulation(n int) StrategyOption { return withCount("population", n) }

// WithTournament sets evolution's tournament size: how many population
// members are drawn to pick each parent (default 5, at most the
// population).
func WithTournament(n int) StrategyOption { return withCount("tournament", n) }

// WithMutants sets how many mutated candidates predictor-evolution scores
// per generation (default 500; a tenth more are random samples).
func WithMutants(n int) StrategyOption { return withCount("mutants", n) }

// WithTopK sets how many of the best predicted candidates the predictor
// strategies query per round (default 10).
func WithTopK(n int) StrategyOption { return withCount("top-k", n) }

// WithPool sets how many sampled architectures predictor-iterative scores
// per round. The default (0) scores the whole space when it is enumerable
// with at most 50,000 architectures, else 10,000 samples.
func WithPool(n int) StrategyOption { return withCount("pool", n) }

// WithFitEpochs sets the epochs of the predictor strategies' first fit
// (default 100) and of every warm-started refit on the grown query set
// (default 30).
func WithFitEpochs(first, refit int) StrategyOption {
	return func(s *settings) { s.epochs, s.refit = first, refit; s.mark("fit-epochs") }
}

// newSettings applies opts over the defaults of a strategy that accepts
// the settings named in accepts.
func newSettings(strategy string, defaults settings, accepts []string, opts []StrategyOption) (settings, error) {
	s := defaults
	s.set, s.accepts = nil, accepts
	for _, f := range opts {
		if f != nil {
			f(&s)
		}
	}
	for _, name := range s.set {
		if !slices.Contains(accepts, name) {
			return s, fmt.Errorf("%w: strategy %s has no %s setting (it has: %s)", hypernas.ErrBadOption, strategy, name, strings.Join(accepts, ", "))
		}
	}
	return s, nil
}

// StrategyNames lists the names NewStrategy accepts.
func StrategyNames() []string {
	return []string{"predictor-evolution", "predictor-iterative", "random", "evolution"}
}

// UsesPredictor reports whether the named strategy trains a predictor
// (and so accepts WithPredictor).
func UsesPredictor(name string) bool { return strings.HasPrefix(name, "predictor-") }

// NewStrategy returns a strategy by name (StrategyNames) with its default
// settings changed by opts.
func NewStrategy(name string, opts ...StrategyOption) (Strategy, error) {
	switch name {
	case "predictor-evolution":
		return NewPredictorEvolution(opts...)
	case "predictor-iterative":
		return NewPredictorIterative(opts...)
	case "random":
		return NewRandom(opts...)
	case "evolution":
		return NewEvolution(opts...)
	}
	return nil, fmt.Errorf("%w: unknown strategy %q (known: %s)", hypernas.ErrBadOption, name, strings.Join(StrategyNames(), ", "))
}
