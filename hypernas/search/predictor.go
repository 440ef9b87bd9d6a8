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

// queryTop queries the k best admissible candidates in the order the
// predictions (and costs) give.
func (r *run) queryTop(cands []searchspace.Arch, pred []float64, k int) error {
	var keep []searchspace.Arch
	var kp []float64
	for i, a := range cands {
		ok, err := r.admissible(a)
		if err != nil {
			return err
		}
		if ok {
			keep, kp = append(keep, a), append(kp, pred[i])
		}
	}
	if len(keep) == 0 {
		// Every candidate was used up: fall back to random queries so the
		// budget is still spent on new architectures.
		return r.randomQueries(min(k, r.left()))
	}
	costs, err := r.costsOf(keep)
	if err != nil {
		return err
	}
	top, err := r.order(kp, costs, min(k, r.left()))
	if err != nil {
		return err
	}
	for _, i := range top {
		if _, err := r.query(keep[i]); err != nil {
			return err
		}
	}
	return nil
}
