package search

import (
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

// schedule is the training schedule the predictor strategies share: a
// first fit, then warm-started refits on the grown query set.
type schedule struct {
	opts          []hypernas.Option
	epochs, refit int
}

func (s settings) schedule() (schedule, error) {
	if s.epochs < 1 || s.refit < 1 {
		return schedule{}, fmt.Errorf("%w: predictor epochs %d and refit epochs %d must be at least 1", hypernas.ErrBadOption, s.epochs, s.refit)
	}
	return schedule{opts: s.predictor, epochs: s.epochs, refit: s.refit}, nil
}

// fit trains p (a new predictor when p is nil) on every successful query
// so far. Refits continue from the current weights, so a few epochs
// suffice.
func (ps schedule) fit(r *run, p *hypernas.Predictor) (*hypernas.Predictor, error) {
	archs, vals := r.succeeded()
	var fitOpts []hypernas.Option
	if p == nil {
		opts := append(append([]hypernas.Option(nil), ps.opts...), hypernas.WithSeed(r.cfg.Seed), hypernas.WithEpochs(ps.epochs))
		var err error
		if p, err = hypernas.NewPredictor(r.space, opts...); err != nil {
			return nil, err
		}
	} else {
		fitOpts = []hypernas.Option{hypernas.WithEpochs(ps.refit)}
	}
	if _, err := p.Fit(r.ctx, archs, vals, fitOpts...); err != nil {
		return nil, fmt.Errorf("search: training the search predictor on %d queries: %w", len(archs), err)
	}
	return p, nil
}

// top plans the k best admissible candidates in the order the predictions
// (and costs) give. When every candidate is used up it plans k random
// architectures instead (nil entries, drawn when handed out), so that the
// budget is still spent on new ones.
func (r *run) top(cands []searchspace.Arch, pred []float64, k int) ([]searchspace.Arch, error) {
	var keep []searchspace.Arch
	var kp []float64
	for i, a := range cands {
		ok, err := r.admissible(a)
		if err != nil {
			return nil, err
		}
		if ok {
			keep, kp = append(keep, a), append(kp, pred[i])
		}
	}
	if len(keep) == 0 {
		return make([]searchspace.Arch, min(k, r.left())), nil
	}
	costs, err := r.costsOf(keep)
	if err != nil {
		return nil, err
	}
	order, err := r.order(kp, costs, min(k, r.left()))
	if err != nil {
		return nil, err
	}
	out := make([]searchspace.Arch, len(order))
	for j, i := range order {
		out[j] = keep[i]
	}
	return out, nil
}

// rounds is the ask/tell state that the predictor strategies share: random
// queries until initial have been handed out, then rounds that each fit
// the predictor on every told query (the first round waits until the
// initial queries are told) and plan the next queries.
type rounds struct {
	initial int
	p       *hypernas.Predictor
	queue   []searchspace.Arch // planned queries; nil entries are random
	final   bool               // the queue is the last: nothing after it
}

// next hands out the next planned query, running round (which fills the
// queue) when none is left.
func (s *rounds) next(r *run, round func(r *run) error) (searchspace.Arch, error) {
	initial := min(s.initial, r.res.Budget)
	if r.handed < initial {
		return r.random()
	}
	for {
		if len(s.queue) > 0 {
			return r.pop(&s.queue)
		}
		if s.final {
			return nil, errExhausted
		}
		if r.told() < initial {
			return nil, errPending
		}
		if err := round(r); err != nil {
			return nil, err
		}
	}
}
