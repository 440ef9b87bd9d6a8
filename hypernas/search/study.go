package search

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

var (
	// ErrPending is returned by Study.Ask when the strategy must see the
	// result of a trial that is being evaluated before it can propose
	// another (or the budget is handed out and trials are still out):
	// ask again after a Tell.
	ErrPending = errors.New("search: waiting for a pending trial")
	// ErrStudyDone is returned by Study.Ask when the budget is spent (or
	// the strategy has no new architecture) and every trial is told.
	ErrStudyDone = errors.New("search: the study is complete")
)

// Trial is an architecture that a study handed out for evaluation.
type Trial struct {
	Study string
	// Number is the order in which the study handed it out, from 0.
	Number int
	Arch   searchspace.Arch
}

type trialKey struct{}

// TrialFrom returns the trial whose evaluation ctx belongs to: Study.Run
// and Work pass it to the oracle (CommandOracle substitutes its number).
func TrialFrom(ctx context.Context) (Trial, bool) {
	if ctx == nil {
		return Trial{}, false
	}
	t, ok := ctx.Value(trialKey{}).(Trial)
	return t, ok
}

// WithTrial returns a context that carries t, for an oracle called
// outside Study.Run and Work.
func WithTrial(ctx context.Context, t Trial) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithValue(ctx, trialKey{}, t)
}

// askTeller is a strategy of this package: it runs as a study.
type askTeller interface {
	Strategy
	proposer() proposer
	settings() settings
}

// proposer is a strategy in ask/tell form: next returns the next
// architecture to query given the history r, errPending when it must first
// see a pending result, errExhausted when it has no new architecture.
type proposer interface {
	next(r *run) (searchspace.Arch, error)
}

type proposerFunc func(r *run) (searchspace.Arch, error)

func (f proposerFunc) next(r *run) (searchspace.Arch, error) { return f(r) }

// Study is an ask/tell search: Ask hands out the next architecture to
// evaluate, Tell records its result, and the strategy proposes from every
// told result, knowing the trials still out so that it never hands out an
// architecture twice. Run evaluates with an oracle, several trials at once
// (WithWorkers); Work lets other processes evaluate a study kept in a
// shared database.
//
// The study lives in a Storage (WithStorage; in memory by default). A told
// result is written before Tell returns; opening the study again with the
// same storage, name and settings resumes it: the told trials are kept,
// the trials that were out are handed out again, and the budget counts
// both. A resumed strategy starts from the told history (a predictor
// strategy trains anew on it), so its later choices need not be those the
// uninterrupted study would have made.
//
// A Study is safe for concurrent use. Only one process may coordinate a
// study (NewStudy refuses a second one with ErrStudyLocked).
type Study struct {
	name     string
	store    Storage
	ownStore bool
	strategy Strategy
	prop     proposer
	space    searchspace.SearchSpace
	cfg      Config
	started  time.Time // zero until the first trial is handed out

	errMu sync.Mutex
	errs  map[int]error // this process's oracle errors, by trial, until told

	mu        sync.Mutex
	r         *run
	synced    int                      // told records applied
	pending   map[int]searchspace.Arch // handed out, not told
	exhausted bool
	stopErr   error
}

// NewStudy opens a study of strategy (one of this package's) on space with
// a budget of oracle queries: a new one, or the one kept in the storage
// under the same name (WithStorage), whose settings must be the same
// (ErrStudyMismatch). The options are Search's.
func NewStudy(ctx context.Context, strategy Strategy, space searchspace.SearchSpace, budget int, opts ...Option) (*Study, error) {
	if err := checkArgs(ctx, space, budget); err != nil {
		return nil, err
	}
	at, ok := strategy.(askTeller)
	if !ok || at == nil {
		return nil, fmt.Errorf("%w: strategy %T cannot run as a study (use one of NewStrategy's)", hypernas.ErrBadOption, strategy)
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	s := &Study{name: cfg.Study, store: cfg.Storage, strategy: strategy, space: space, cfg: cfg,
		pending: map[int]searchspace.Arch{}, errs: map[int]error{}}
	if s.store == nil {
		s.store, s.ownStore = NewMemoryStorage(), true
	}
	settings := studySettings(at, space, budget, cfg)
	info, err := s.store.OpenStudy(ctx, s.name, settings)
	if err == nil {
		err = s.store.Lock(ctx, s.name)
	}
	var trials []TrialRecord
	if err == nil {
		trials, err = s.store.Trials(ctx, s.name)
	}
	if err == nil {
		s.r, err = newRun(ctx, strategy.Name(), space, budget, cfg, uint64(len(trials)))
	}
	if err != nil {
		s.closeOwn()
		return nil, err
	}
	s.started = info.Started
	for _, t := range trials {
		a, err := s.parse(t)
		if err != nil {
			s.closeOwn()
			return nil, err
		}
		s.r.hand(a)
		if !t.State.Told() {
			s.pending[t.Number] = a
		}
	}
	s.prop = at.proposer()
	// The told history, without progress reports: they were made before.
	progress := s.r.cfg.Progress
	s.r.cfg.Progress = nil
	err = s.syncLocked(ctx)
	s.r.cfg.Progress = progress
	if err != nil {
		s.closeOwn()
		return nil, err
	}
	return s, nil
}

func (s *Study) closeOwn() {
	if s.ownStore {
		s.store.Close()
	}
}

// parse turns a stored trial's architecture back into the space's.
func (s *Study) parse(t TrialRecord) (searchspace.Arch, error) {
	a, err := s.space.Parse(t.Arch)
	if err != nil {
		return nil, fmt.Errorf("search: study %q in %s, trial %d: %w", s.name, s.store, t.Number, err)
	}
	return a, nil
}

// studySettings are what a resumed study must share with the one that
// created it: everything that decides its queries.
func studySettings(st askTeller, space searchspace.SearchSpace, budget int, cfg Config) map[string]string {
	m := map[string]string{
		"strategy": st.Name(),
		"space":    space.Name(),
		"budget":   strconv.Itoa(budget),
		"seed":     strconv.FormatUint(cfg.Seed, 10),
	}
	if cfg.Cost != nil {
		m["cost"] = cfg.CostName
		m["max_cost"] = strconv.FormatFloat(cfg.MaxCost, 'g', -1, 64)
	}
	if cfg.Candidates != nil {
		h := sha256.New()
		for _, a := range cfg.Candidates {
			if a != nil {
				fmt.Fprintln(h, a.String())
			}
		}
		m["candidates"] = fmt.Sprintf("%d architectures, sha256 %x", len(cfg.Candidates), h.Sum(nil)[:8])
	}
	set := st.settings()
	for _, name := range set.accepts {
		var v string
		switch n, ok := set.counts()[name]; {
		case ok:
			v = strconv.Itoa(*n)
		case name == "predictor":
			v = describePredictor(set.predictor)
		case name == "fit-epochs":
			v = fmt.Sprintf("%d then %d", set.epochs, set.refit)
		}
		m[name] = v
	}
	return m
}

// describePredictor names the predictor settings that change what it
// predicts (not its number of goroutines or batch size for prediction).
func describePredictor(opts []hypernas.Option) string {
	o := hypernas.Defaults()
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	aux := "none"
	if o.Aux != nil {
		aux = fmt.Sprintf("%T", o.Aux)
	}
	return fmt.Sprintf("encoding %v, hidden %d, layers %d, head %d, dropout %g, batch %d, lr %g, wd %g, clip %g, rank labels %v, normalize %v, loss %v, margin %g, %v, aux %s",
		o.Encoding, o.Hidden, o.Layers, o.HeadHidden, o.Dropout, o.BatchSize, o.LearningRate, o.WeightDecay, o.ClipValue,
		o.RankLabels, o.Normalize, o.Loss, o.HingeMargin, o.DType, aux)
}

// Name is the study's name in its storage.
func (s *Study) Name() string {
	if s == nil {
		return ""
	}
	return s.name
}

// Ask hands out the next trial: first any trial that a dead worker left
// (or an earlier run queued), then a new proposal of the strategy. It
// returns ErrPending when the strategy must see a pending result first,
// ErrStudyDone when the study is complete, and the strategy's error (a
// predictor that fails to train) or the storage's otherwise.
func (s *Study) Ask(ctx context.Context) (Trial, error) {
	if s == nil || ctx == nil {
		return Trial{}, fmt.Errorf("%w: nil study or context", hypernas.ErrBadOption)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.syncLocked(ctx); err != nil {
		return Trial{}, err
	}
	if s.stopErr != nil {
		return Trial{}, s.stopErr
	}
	_, t, ok, err := s.store.Claim(ctx, []string{s.name})
	if err != nil {
		return Trial{}, err
	}
	if ok {
		a, ok := s.pending[t.Number]
		if !ok {
			return Trial{}, fmt.Errorf("search: study %q: claimed trial %d is not pending", s.name, t.Number)
		}
		return Trial{Study: s.name, Number: t.Number, Arch: a}, nil
	}
	return s.proposeLocked(ctx, Running)
}

// doneLocked reports whether the study is complete.
func (s *Study) doneLocked() bool {
	return s.r.told() >= s.r.res.Budget || (s.exhausted && len(s.pending) == 0)
}

// proposeLocked adds the strategy's next proposal to the storage in state
// (Running for Ask, Queued for the workers of Run).
func (s *Study) proposeLocked(ctx context.Context, state TrialState) (Trial, error) {
	wait := func() (Trial, error) {
		if len(s.pending) > 0 {
			return Trial{}, ErrPending
		}
		return Trial{}, ErrStudyDone
	}
	if s.doneLocked() {
		return Trial{}, ErrStudyDone
	}
	if s.r.left() <= 0 || s.exhausted {
		return wait()
	}
	s.r.ctx = ctx
	a, err := s.prop.next(s.r)
	switch {
	case errors.Is(err, errExhausted):
		s.exhausted = true
		return wait()
	case errors.Is(err, errPending):
		return Trial{}, ErrPending
	case err != nil:
		return Trial{}, err
	}
	c, err := s.r.cost(a)
	if err != nil {
		return Trial{}, err
	}
	n := s.r.handed
	if err := s.store.Add(ctx, s.name, TrialRecord{Number: n, Arch: a.String(), State: state, Cost: c}); err != nil {
		return Trial{}, err
	}
	s.r.hand(a)
	s.pending[n] = a
	if s.started.IsZero() {
		s.started = time.Now()
	}
	return Trial{Study: s.name, Number: n, Arch: a}, nil
}

// syncLocked applies the results told since the last sync, in told order.
func (s *Study) syncLocked(ctx context.Context) error {
	recs, err := s.store.Told(ctx, s.name, s.synced)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		a, ok := s.pending[rec.Number]
		if !ok {
			if a, err = s.parse(rec); err != nil {
				return err
			}
		}
		delete(s.pending, rec.Number)
		q := Query{Number: rec.Number, Arch: a, Evaluation: rec.Eval, Cost: rec.Cost,
			Failed: rec.State == Failed, Error: rec.Error, Elapsed: rec.Elapsed}
		if q.Failed {
			q.Value = math.NaN()
		}
		s.r.tell(q)
		s.synced++
		s.r.progress()
		if s.r.failures >= s.cfg.MaxFailures && s.stopErr == nil {
			s.errMu.Lock()
			cause := s.errs[rec.Number]
			s.errMu.Unlock()
			if cause == nil {
				cause = errors.New(rec.Error)
			}
			s.stopErr = fmt.Errorf("%w: %d failed queries in a row, the last (%v): %w", ErrOracle, s.r.failures, a, cause)
		}
		s.errMu.Lock()
		delete(s.errs, rec.Number)
		s.errMu.Unlock()
	}
	return nil
}

// Tell records the result of a trial that Ask (or Run) handed out: ev, or
// the error of its evaluation. A non-finite value or an error makes it a
// failed query, which counts against the budget. An error wrapping
// context.Canceled or context.DeadlineExceeded is not a result: the trial
// is handed back and will be asked again. The result is in the storage
// when Tell returns; the returned Query is as the study recorded it.
func (s *Study) Tell(ctx context.Context, t Trial, ev Evaluation, evalErr error) (Query, error) {
	if s == nil || ctx == nil {
		return Query{}, fmt.Errorf("%w: nil study or context", hypernas.ErrBadOption)
	}
	if t.Study != s.name {
		return Query{}, fmt.Errorf("%w: trial %d of study %q told to study %q", hypernas.ErrBadOption, t.Number, t.Study, s.name)
	}
	if errors.Is(evalErr, context.Canceled) || errors.Is(evalErr, context.DeadlineExceeded) {
		if err := s.store.Release(ctx, s.name, t.Number); err != nil {
			return Query{}, err
		}
		return Query{}, evalErr
	}
	if err := s.record(ctx, t, ev, evalErr); err != nil {
		return Query{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.syncLocked(ctx); err != nil {
		return Query{}, err
	}
	for i := len(s.r.res.Queries) - 1; i >= 0; i-- {
		if q := s.r.res.Queries[i]; q.Number == t.Number {
			return q, nil
		}
	}
	return Query{}, fmt.Errorf("search: study %q: trial %d is not told", s.name, t.Number)
}

// record writes a trial's result to the storage.
func (s *Study) record(ctx context.Context, t Trial, ev Evaluation, evalErr error) error {
	rec := result(t.Number, ev, evalErr)
	if evalErr != nil {
		s.errMu.Lock()
		s.errs[t.Number] = evalErr
		s.errMu.Unlock()
	}
	if _, err := s.store.Finish(ctx, s.name, rec); err != nil {
		what := fmt.Sprintf("value %v", ev.Value)
		if rec.State == Failed {
			what = "failed: " + rec.Error
		}
		return fmt.Errorf("search: study %q: the result of trial %d (%v, %s) could not be recorded: %w", s.name, t.Number, t.Arch, what, err)
	}
	return nil
}

// Result returns the told queries so far.
func (s *Study) Result() *Result {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resultLocked()
}

func (s *Study) resultLocked() *Result {
	res := *s.r.res
	res.Queries = append([]Query(nil), res.Queries...)
	res.Elapsed = 0
	if !s.started.IsZero() {
		res.Elapsed = time.Since(s.started)
	}
	if n := len(res.Queries); n > 0 {
		res.Elapsed = max(res.Elapsed, res.Queries[n-1].Elapsed)
	}
	return &res
}

// Close ends the study; the storage it was opened with stays open.
func (s *Study) Close() error {
	if s == nil {
		return nil
	}
	if s.ownStore {
		return s.store.Close()
	}
	return nil
}

// pollEvery is how often Run and Work look at the storage for results,
// queued trials and dead participants, besides being woken by their own.
const pollEvery = 200 * time.Millisecond

// Run evaluates the study's trials with oracle until the study is
// complete: WithWorkers trials at once in this process, and as many more
// as there are workers of other processes (Work) on a shared storage. It
// returns every told query, with the error that stopped it early (the
// context, the oracle failing too often, the strategy or the storage).
// Trials that were being evaluated when the context was cancelled are
// handed back for a resumed run.
func (s *Study) Run(ctx context.Context, oracle Oracle) (*Result, error) {
	if s == nil || ctx == nil {
		return nil, fmt.Errorf("%w: nil study or context", hypernas.ErrBadOption)
	}
	workers := s.cfg.Workers
	if workers > 0 && oracle == nil {
		return s.Result(), fmt.Errorf("%w: nil oracle", hypernas.ErrBadOption)
	}
	if workers == 0 && s.ownStore {
		return s.Result(), fmt.Errorf("%w: no workers, and nothing else can reach the study's own in-memory storage", hypernas.ErrBadOption)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	kick := make(chan struct{}, 1)
	work := make(chan struct{}, max(workers, 1))
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			if err := s.work(wctx, oracle, work, kick); err != nil {
				errc <- err
			}
		})
	}
	err := s.coordinate(wctx, workers, work, kick, errc)
	cancel()
	wg.Wait()
	if err == nil {
		select {
		case err = <-errc:
		default:
		}
	}
	// Results told while the workers stopped.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer fcancel()
	s.mu.Lock()
	if serr := s.syncLocked(fctx); err == nil {
		err = serr
	}
	res := s.resultLocked()
	s.mu.Unlock()
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if cerr := ctx.Err(); cerr != nil {
			err = cerr
		}
	}
	return res, err
}

// coordinate keeps one trial out per worker (this process's and others')
// until the study is complete.
func (s *Study) coordinate(ctx context.Context, local int, work, kick chan struct{}, errc chan error) error {
	remote := 0
	var scanned time.Time
	for {
		if time.Since(scanned) >= time.Second {
			if _, err := s.store.Requeue(ctx, s.name); err != nil {
				return err
			}
			n, err := s.store.Workers(ctx, s.name)
			if err != nil {
				return err
			}
			remote, scanned = n, time.Now()
		}
		s.mu.Lock()
		err := s.syncLocked(ctx)
		if err == nil {
			err = s.stopErr
		}
		if err == nil {
			err = ctx.Err()
		}
		for err == nil && !s.doneLocked() && len(s.pending) < local+remote {
			if _, err = s.proposeLocked(ctx, Queued); err != nil {
				if errors.Is(err, ErrPending) || errors.Is(err, ErrStudyDone) {
					err = nil
					break
				}
			}
			select {
			case work <- struct{}{}:
			default:
			}
		}
		done := s.doneLocked()
		s.mu.Unlock()
		if err != nil {
			return err
		}
		if done {
			return s.store.Complete(ctx, s.name)
		}
		select {
		case <-kick:
		case err := <-errc:
			return err
		case <-ctx.Done():
		case <-time.After(pollEvery):
		}
	}
}

// work is one of Run's workers: it evaluates queued trials of the study.
func (s *Study) work(ctx context.Context, oracle Oracle, work, kick chan struct{}) error {
	for ctx.Err() == nil {
		_, rec, ok, err := s.store.Claim(ctx, []string{s.name})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if !ok {
			select {
			case <-work:
			case <-ctx.Done():
			case <-time.After(pollEvery):
			}
			continue
		}
		// Parsed here rather than read from pending: the coordinator may
		// hold the lock for a whole predictor fit.
		a, err := s.parse(rec)
		if err != nil {
			return err
		}
		t := Trial{Study: s.name, Number: rec.Number, Arch: a}
		err = evaluate(ctx, s.store, t, oracle, s.record)
		select {
		case kick <- struct{}{}:
		default:
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// evaluate queries oracle on a claimed trial and records the result, or
// hands the trial back when ctx was cancelled before an answer. A paid
// answer is recorded even when ctx is cancelled meanwhile.
func evaluate(ctx context.Context, store Storage, t Trial, oracle Oracle, record func(context.Context, Trial, Evaluation, error) error) error {
	ev, err := oracle.Query(WithTrial(ctx, t), t.Arch)
	keep := context.WithoutCancel(ctx)
	if err != nil && ctx.Err() != nil {
		return store.Release(keep, t.Study, t.Number)
	}
	return record(keep, t, ev, err)
}

// searchStudy is Strategy.Search: a study run to completion.
func searchStudy(ctx context.Context, st askTeller, space searchspace.SearchSpace, oracle Oracle, budget int, opts []Option) (*Result, error) {
	if err := checkArgs(ctx, space, budget); err != nil {
		return nil, err
	}
	if oracle == nil {
		return nil, fmt.Errorf("%w: nil oracle", hypernas.ErrBadOption)
	}
	s, err := NewStudy(ctx, st, space, budget, opts...)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Run(ctx, oracle)
}
