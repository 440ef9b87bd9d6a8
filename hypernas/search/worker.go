package search

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

// Work evaluates, with oracle, the trials of the studies named study in
// store (that name, or the names under it: "study/…"), until every one of
// them is complete; it waits for them to be created. It is the worker
// side of a distributed search: any number of processes, on any machines
// that reach the storage, may Work on one study while one coordinator
// (Study.Run, or Search with WithStorage) runs the strategy and keeps one
// trial queued per worker. A worker that dies loses only the trial it was
// evaluating, which is handed out again. Work returns the number of trials
// it evaluated; when ctx is cancelled, the trial it was evaluating is
// handed back.
func Work(ctx context.Context, store Storage, study string, space searchspace.SearchSpace, oracle Oracle) (int, error) {
	switch {
	case ctx == nil, store == nil, space == nil, oracle == nil:
		return 0, fmt.Errorf("%w: Work needs a context, a storage, a space and an oracle", hypernas.ErrBadOption)
	}
	if err := checkStudyName(study); err != nil {
		return 0, err
	}
	stop, err := store.Serve(ctx, study)
	if err != nil {
		return 0, err
	}
	defer stop()
	n := 0
	for {
		infos, err := store.Studies(ctx, study)
		if err != nil {
			return n, err
		}
		var open []string
		for _, in := range infos {
			if sp := in.Settings["space"]; sp != space.Name() {
				return n, fmt.Errorf("%w: study %q in %s searches space %s, this worker's space is %s", ErrStudyMismatch, in.Name, store, sp, space.Name())
			}
			if !in.Complete {
				open = append(open, in.Name)
			}
		}
		if len(infos) > 0 && len(open) == 0 {
			return n, nil
		}
		if len(open) > 0 {
			name, rec, ok, err := store.Claim(ctx, open)
			if err != nil {
				return n, err
			}
			if ok {
				a, err := space.Parse(rec.Arch)
				if err != nil {
					_ = store.Release(context.WithoutCancel(ctx), name, rec.Number)
					return n, fmt.Errorf("search: study %q in %s, trial %d: %w", name, store, rec.Number, err)
				}
				t := Trial{Study: name, Number: rec.Number, Arch: a}
				if err := evaluate(ctx, store, t, oracle, func(ctx context.Context, t Trial, ev Evaluation, evalErr error) error {
					_, err := store.Finish(ctx, t.Study, result(t.Number, ev, evalErr))
					return err
				}); err != nil {
					return n, err
				}
				if ctx.Err() == nil {
					n++
				}
				continue
			}
		}
		select {
		case <-ctx.Done():
			return n, ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

// result is the record of an evaluation: ev, or a failed query when the
// oracle returned an error or a non-finite value.
func result(number int, ev Evaluation, evalErr error) TrialRecord {
	rec := TrialRecord{Number: number, State: Done, Eval: ev}
	if evalErr == nil && (math.IsNaN(ev.Value) || math.IsInf(ev.Value, 0)) {
		evalErr = fmt.Errorf("the oracle returned %v", ev.Value)
	}
	if evalErr != nil {
		rec.State, rec.Error, rec.Eval.Value = Failed, evalErr.Error(), math.NaN()
	}
	return rec
}
