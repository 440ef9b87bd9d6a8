package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

var (
	// ErrBudget reports a search budget that cannot be used (< 1).
	ErrBudget = errors.New("search: bad query budget")
	// ErrOracle is wrapped by the error of a search that stopped because
	// its oracle failed too many times in a row (WithMaxFailures). The
	// failed queries are in the result.
	ErrOracle = errors.New("search: the oracle keeps failing")
)

// Strategy is an architecture search algorithm. Search spends at most
// budget oracle queries, never queries an architecture twice (by its
// String), and returns every query in the order it was told. A query whose
// oracle call fails (an error or a non-finite value) is recorded as failed
// and counts against the budget: an answer that was paid for is never
// dropped. When the context is cancelled, or the oracle fails more times in
// a row than WithMaxFailures allows, Search returns the queries made so far
// together with the error. A search that runs out of new architectures to
// try (a small space, a tight constraint) stops early without error.
//
// Search is a loop over a Study (ask, evaluate, tell): WithWorkers
// evaluates several architectures at once, and WithStorage keeps the study
// in a database, so that the same call after a crash resumes it.
type Strategy interface {
	Name() string
	Search(ctx context.Context, space searchspace.SearchSpace, oracle Oracle, budget int, opts ...Option) (*Result, error)
}

// Query is one oracle query of a search.
type Query struct {
	// Number is the trial's number in its study: the order in which it
	// was handed out (from 0), which differs from its place in
	// Result.Queries when several evaluations run at once.
	Number int
	Arch   searchspace.Arch
	Evaluation
	// Cost is the second objective (WithCost), NaN without one.
	Cost float64
	// Failed marks a query whose oracle call returned an error or a
	// non-finite value; Value is then NaN and Error says what happened.
	Failed bool
	Error  string
	// Best is the index in Result.Queries of the best successful query
	// so far (this one included), by Value; -1 while none has succeeded.
	Best int
	// Elapsed is the time from the start of the study (its first trial)
	// to the answer; for a resumed study it includes the time it was
	// stopped.
	Elapsed time.Duration
}

// Result is the outcome of a search.
type Result struct {
	Strategy string
	Budget   int
	// Queries lists every query in the order it was made.
	Queries []Query
	// Elapsed is the whole search's wall time, predictor training included.
	Elapsed time.Duration
	// CostName names the second objective ("" without one).
	CostName string
	// MaxCost is the constraint the search ran under (+Inf for none).
	MaxCost float64
}

// Best returns the successful query with the largest Value (the first one
// on ties); ok is false when no query succeeded.
func (r *Result) Best() (q Query, ok bool) {
	if r == nil || len(r.Queries) == 0 {
		return Query{}, false
	}
	last := r.Queries[len(r.Queries)-1]
	if last.Best < 0 {
		return Query{}, false
	}
	return r.Queries[last.Best], true
}

// BestSoFar returns the best Value after each query (NaN until a query
// succeeds), for convergence plots.
func (r *Result) BestSoFar() []float64 {
	out := make([]float64, len(r.Queries))
	for i, q := range r.Queries {
		out[i] = math.NaN()
		if q.Best >= 0 {
			out[i] = r.Queries[q.Best].Value
		}
	}
	return out
}

// Failures is the number of failed queries.
func (r *Result) Failures() int {
	n := 0
	for _, q := range r.Queries {
		if q.Failed {
			n++
		}
	}
	return n
}

// QueriesToFind returns the 1-based number of queries after which arch was
// queried, or 0 if it never was.
func (r *Result) QueriesToFind(arch string) int {
	for i, q := range r.Queries {
		if q.Arch.String() == arch {
			return i + 1
		}
	}
	return 0
}

// Pareto returns the successful queries that no other query dominates in
// (Value up, Cost down), in order of increasing cost. Without a cost it is
// the best query alone.
func (r *Result) Pareto() []Query {
	if r.CostName == "" {
		if q, ok := r.Best(); ok {
			return []Query{q}
		}
		return nil
	}
	values, costs := make([]float64, len(r.Queries)), make([]float64, len(r.Queries))
	for i, q := range r.Queries {
		values[i], costs[i] = q.Value, q.Cost
	}
	front, err := ParetoFront(values, costs)
	if err != nil {
		return nil
	}
	var out []Query
	for _, i := range front {
		out = append(out, r.Queries[i])
	}
	return out
}

// Progress is passed to the progress callback after every query.
type Progress struct {
	Strategy string
	// Queries made so far and the budget.
	Queries, Budget int
	// Last is the query just made; Best the best successful one so far
	// (its Best field is -1 while none has succeeded).
	Last, Best Query
	Elapsed    time.Duration
}

// Config is the configuration that every strategy shares for one search;
// set it with the Option functions.
type Config struct {
	Seed     uint64
	Progress func(Progress)
	// Candidates, when set, restricts the search to these architectures
	// (e.g. the labelled cells of a benchmark that does not cover its
	// whole space): samples are drawn from them and mutations that leave
	// them are drawn again.
	Candidates []searchspace.Arch
	// Cost is a second objective to minimise and CostName its name.
	Cost     CostFunc
	CostName string
	// MaxCost drops every architecture whose cost is above it before it is
	// queried (+Inf: no constraint).
	MaxCost float64
	// MaxFailures is the number of failed oracle calls in a row after
	// which the search stops with ErrOracle.
	MaxFailures int
	// Storage keeps the study named Study (nil: a new in-memory storage).
	Storage Storage
	Study   string
	// Workers is the number of evaluations that Search and Study.Run run
	// at once in this process.
	Workers int
}

// Option sets one search setting.
type Option func(*Config)

// WithSeed seeds every random choice of the search (the predictor's seed
// included): the same seed gives the same queries.
func WithSeed(s uint64) Option { return func(c *Config) { c.Seed = s } }

// WithProgress sets a callback run after every query.
func WithProgress(f func(Progress)) Option { return func(c *Config) { c.Progress = f } }

// WithCandidates restricts the search to a set of architectures.
func WithCandidates(archs []searchspace.Arch) Option {
	return func(c *Config) { c.Candidates = archs }
}

// WithCost adds a second objective to minimise: the result's Pareto set is
// then the trade-off between Value and cost, and the predictor strategies
// pick the candidates to query by non-dominated rank of (predicted value,
// cost) instead of predicted value alone.
func WithCost(name string, f CostFunc) Option {
	return func(c *Config) { c.CostName, c.Cost = name, f }
}

// WithMaxCost searches under a constraint: no architecture whose cost
// (WithCost) is above max is ever queried.
func WithMaxCost(max float64) Option { return func(c *Config) { c.MaxCost = max } }

// WithMaxFailures stops a search after n failed oracle calls in a row
// (default 10); each failure is recorded in the result.
func WithMaxFailures(n int) Option { return func(c *Config) { c.MaxFailures = n } }

// WithStorage keeps the search in store as the study named name: every
// told query is written before the search goes on, and a search with the
// same storage, study name and settings resumes it (see Study). The
// default is a new in-memory storage.
func WithStorage(store Storage, name string) Option {
	return func(c *Config) { c.Storage, c.Study = store, name }
}

// WithWorkers sets how many architectures a search evaluates at once
// (default 1). With more than one, the strategy proposes from the results
// told so far while the others are evaluated (an asynchronous search), so
// the queries differ from those of the sequential search of the same seed.
// The oracle must be safe for concurrent use.
func WithWorkers(n int) Option { return func(c *Config) { c.Workers = n } }

func newConfig(opts []Option) (Config, error) {
	c := Config{MaxCost: math.Inf(1), MaxFailures: 10, Workers: 1, Study: "study"}
	for _, f := range opts {
		if f != nil {
			f(&c)
		}
	}
	if c.Cost != nil && c.CostName == "" {
		c.CostName = "cost"
	}
	if c.Cost == nil && !math.IsInf(c.MaxCost, 1) {
		return c, fmt.Errorf("%w: a cost constraint (WithMaxCost) needs a cost (WithCost)", hypernas.ErrBadOption)
	}
	if math.IsNaN(c.MaxCost) {
		return c, fmt.Errorf("%w: cost constraint is NaN", hypernas.ErrBadOption)
	}
	if c.MaxFailures < 1 {
		return c, fmt.Errorf("%w: max failures %d < 1", hypernas.ErrBadOption, c.MaxFailures)
	}
	if c.Workers < 0 {
		return c, fmt.Errorf("%w: %d workers < 0", hypernas.ErrBadOption, c.Workers)
	}
	if err := checkStudyName(c.Study); err != nil {
		return c, err
	}
	return c, nil
}

// maxDraws bounds the attempts to draw an architecture that is new, in the
// candidate set and within the constraint, before a search gives up.
const maxDraws = 2000

// errExhausted ends a search that finds no new architecture to query;
// errPending says that a strategy must see a pending result first.
var (
	errExhausted = errors.New("search: no new architecture to query")
	errPending   = errors.New("search: waiting for a pending result")
)

// run is the history that every strategy reads when it proposes the next
// architecture: the told queries in order, the architectures handed out
// and not yet told (so that none is proposed twice), the budget, the cost
// cache and the candidate set.
type run struct {
	ctx      context.Context
	space    searchspace.SearchSpace
	cfg      Config
	rng      *rand.Rand
	res      *Result
	seen     map[string]bool // told or handed out
	handed   int             // trials handed out: told or pending
	cands    map[string]bool // nil: the whole space
	costs    map[string]float64
	best     int
	failures int // failed queries in a row
}

// checkArgs checks what every search and study needs.
func checkArgs(ctx context.Context, space searchspace.SearchSpace, budget int) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", hypernas.ErrBadOption)
	}
	if space == nil {
		return fmt.Errorf("%w: nil search space", hypernas.ErrBadOption)
	}
	if budget < 1 {
		return fmt.Errorf("%w: %d (must be at least 1)", ErrBudget, budget)
	}
	return nil
}

// newRun returns an empty history. stream offsets the random stream: 0 for
// a new search, the number of trials already made for a resumed one.
func newRun(ctx context.Context, name string, space searchspace.SearchSpace, budget int, cfg Config, stream uint64) (*run, error) {
	r := &run{
		ctx: ctx, space: space, cfg: cfg,
		rng:   rand.New(rand.NewPCG(cfg.Seed, 0x5ea5c4+stream)),
		res:   &Result{Strategy: name, Budget: budget, CostName: cfg.CostName, MaxCost: cfg.MaxCost},
		seen:  make(map[string]bool, budget),
		costs: make(map[string]float64),
		best:  -1,
	}
	if cfg.Candidates != nil {
		if len(cfg.Candidates) == 0 {
			return nil, fmt.Errorf("%w: empty candidate set", hypernas.ErrBadOption)
		}
		r.cands = make(map[string]bool, len(cfg.Candidates))
		for i, a := range cfg.Candidates {
			if a == nil {
				return nil, fmt.Errorf("%w: candidate %d is nil", hypernas.ErrBadOption, i)
			}
			r.cands[a.String()] = true
		}
	}
	return r, nil
}

// left is the budget not yet handed out.
func (r *run) left() int { return r.res.Budget - r.handed }

// told is the number of told queries.
func (r *run) told() int { return len(r.res.Queries) }

// cost returns a's cost (NaN without a cost function), cached.
func (r *run) cost(a searchspace.Arch) (float64, error) {
	if r.cfg.Cost == nil {
		return math.NaN(), nil
	}
	k := a.String()
	if c, ok := r.costs[k]; ok {
		return c, nil
	}
	c, err := r.cfg.Cost(a)
	if err != nil {
		return 0, fmt.Errorf("search: %s of %v: %w", r.cfg.CostName, a, err)
	}
	if math.IsNaN(c) {
		return 0, fmt.Errorf("search: %s of %v is NaN", r.cfg.CostName, a)
	}
	r.costs[k] = c
	return c, nil
}

// admissible reports whether a may be queried: new (neither told nor
// pending), a candidate, within the constraint.
func (r *run) admissible(a searchspace.Arch) (bool, error) {
	k := a.String()
	if r.seen[k] || (r.cands != nil && !r.cands[k]) {
		return false, nil
	}
	c, err := r.cost(a)
	if err != nil {
		return false, err
	}
	return !(c > r.cfg.MaxCost), nil
}

// hand records that a was handed out.
func (r *run) hand(a searchspace.Arch) {
	r.seen[a.String()] = true
	r.handed++
}

// tell appends a told query, keeping the best so far and the failures in
// a row.
func (r *run) tell(q Query) {
	i := len(r.res.Queries)
	if q.Failed {
		r.failures++
	} else {
		r.failures = 0
		if r.best < 0 || q.Value > r.res.Queries[r.best].Value {
			r.best = i
		}
	}
	q.Best = r.best
	r.res.Queries = append(r.res.Queries, q)
}

// progress reports the last told query to the callback, if any.
func (r *run) progress() {
	if r.cfg.Progress == nil || len(r.res.Queries) == 0 {
		return
	}
	q := r.res.Queries[len(r.res.Queries)-1]
	best := Query{Best: -1}
	if r.best >= 0 {
		best = r.res.Queries[r.best]
	}
	r.cfg.Progress(Progress{Strategy: r.res.Strategy, Queries: len(r.res.Queries), Budget: r.res.Budget,
		Last: q, Best: best, Elapsed: q.Elapsed})
}

// sample draws an architecture from the candidates or the space.
func (r *run) sample() searchspace.Arch {
	if r.cfg.Candidates != nil {
		return r.cfg.Candidates[r.rng.IntN(len(r.cfg.Candidates))]
	}
	return r.space.Sample(r.rng)
}

// mutate returns a neighbour of a, drawn again while it leaves the
// candidate set (falling back to a sample when the set is sparse there).
func (r *run) mutate(a searchspace.Arch) (searchspace.Arch, error) {
	for range 100 {
		m, err := r.space.Mutate(a, r.rng)
		if err != nil {
			return nil, err
		}
		if r.cands == nil || r.cands[m.String()] {
			return m, nil
		}
	}
	return r.sample(), nil
}

// near returns a generator of neighbours of a for draw: one mutation at
// first, then chains of more as attempts fail, so that a parent whose
// neighbours have all been queried still yields a new architecture.
func (r *run) near(a searchspace.Arch) func() (searchspace.Arch, error) {
	attempt := 0
	return func() (searchspace.Arch, error) {
		attempt++
		m := a
		for range 1 + attempt/100 {
			var err error
			if m, err = r.mutate(m); err != nil {
				return nil, err
			}
		}
		return m, nil
	}
}

// draw calls gen until it returns an admissible architecture; errExhausted
// after maxDraws failures.
func (r *run) draw(gen func() (searchspace.Arch, error)) (searchspace.Arch, error) {
	for range maxDraws {
		a, err := gen()
		if err != nil {
			return nil, err
		}
		if a == nil {
			return nil, errors.New("search: the space returned a nil architecture")
		}
		ok, err := r.admissible(a)
		if err != nil {
			return nil, err
		}
		if ok {
			return a, nil
		}
	}
	return nil, errExhausted
}

// random draws a new random architecture.
func (r *run) random() (searchspace.Arch, error) {
	return r.draw(func() (searchspace.Arch, error) { return r.sample(), nil })
}

// pop hands out the first architecture of a planned queue, where nil
// stands for a random one drawn now.
func (r *run) pop(queue *[]searchspace.Arch) (searchspace.Arch, error) {
	a := (*queue)[0]
	*queue = (*queue)[1:]
	if a == nil {
		return r.random()
	}
	return a, nil
}

// succeeded returns the successfully queried architectures and their
// values, what a predictor trains on.
func (r *run) succeeded() ([]searchspace.Arch, []float64) {
	archs := make([]searchspace.Arch, 0, len(r.res.Queries))
	vals := make([]float64, 0, len(r.res.Queries))
	for _, q := range r.res.Queries {
		if !q.Failed {
			archs, vals = append(archs, q.Arch), append(vals, q.Value)
		}
	}
	return archs, vals
}

// order returns the indices of the first need items, best first: by value
// when the search has no cost, else by non-dominated rank of (value, cost)
// and then by value. NaN values (failed queries) come last. Ties keep
// their input order, so the result is deterministic.
func (r *run) order(values, costs []float64, need int) ([]int, error) {
	need = min(need, len(values))
	idx := make([]int, len(values))
	for i := range idx {
		idx[i] = i
	}
	if r.cfg.Cost == nil {
		sort.SliceStable(idx, func(a, b int) bool { return better(values[idx[a]], values[idx[b]]) })
		return idx[:need], nil
	}
	out, err := paretoOrder(values, costs, need)
	if err != nil {
		return nil, err
	}
	if len(out) < need {
		// The failed queries, by input order.
		for _, i := range idx {
			if math.IsNaN(values[i]) || math.IsNaN(costs[i]) {
				out = append(out, i)
			}
		}
	}
	return out[:min(need, len(out))], nil
}

// better orders values from largest to smallest with NaN last.
func better(a, b float64) bool {
	if math.IsNaN(b) {
		return !math.IsNaN(a)
	}
	return a > b
}

// costsOf returns the costs of archs (NaN without a cost function).
func (r *run) costsOf(archs []searchspace.Arch) ([]float64, error) {
	out := make([]float64, len(archs))
	for i, a := range archs {
		c, err := r.cost(a)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}
