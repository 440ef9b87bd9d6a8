package baseline

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

// Ensemble is k models of one Spec, made with the seeds seed … seed+k−1,
// each trained on the whole training set; it predicts the mean of their
// predictions. Members of a rank-Gauss-trained spec (every spec of this
// package by default, and the GCN) predict on the same scale, so the mean
// is a sound combination; averaging seeds is the cheapest variance
// reduction a predictor has (prediction costs k times one member's).
// Members are trained by up to Workers goroutines; the result does not
// depend on their number.
type Ensemble struct {
	spec    Spec
	k       int
	seed    uint64
	o       Options
	members []Model
}

// NewEnsemble returns an untrained ensemble of k members of spec. Options
// read: WithWorkers.
func NewEnsemble(spec Spec, k int, seed uint64, opts ...Option) (*Ensemble, error) {
	o, err := options(opts)
	if err != nil {
		return nil, err
	}
	if k < 1 {
		return nil, fmt.Errorf("%w: ensemble of %d members, want at least 1", hypernas.ErrBadOption, k)
	}
	if spec.New == nil {
		return nil, fmt.Errorf("%w: model spec %q has no New function", hypernas.ErrBadOption, spec.Name)
	}
	return &Ensemble{spec: spec, k: k, seed: seed, o: o}, nil
}

// EnsembleModel is the Spec of NewEnsemble, named "<spec>×k".
func EnsembleModel(spec Spec, k int, opts ...Option) Spec {
	return Spec{Name: fmt.Sprintf("%s×%d", spec.Name, k), New: func(seed uint64) (Model, error) { return NewEnsemble(spec, k, seed, opts...) }}
}

// Members are the trained members, nil before Fit.
func (e *Ensemble) Members() []Model { return e.members }

// Fit trains k fresh members on labelled architectures.
func (e *Ensemble) Fit(ctx context.Context, archs []searchspace.Arch, labels []float64) error {
	if err := checkFit(ctx, archs, labels); err != nil {
		return err
	}
	if _, _, _, err := hypernas.TrainingTargets(labels, true); err != nil {
		return err
	}
	members := make([]Model, e.k)
	for i := range members {
		m, err := e.spec.Make(e.seed + uint64(i))
		if err != nil {
			return err
		}
		members[i] = m
	}
	if err := parallel(ctx, e.o.Workers, e.k, func(i int) error {
		if err := members[i].Fit(ctx, archs, labels); err != nil {
			return fmt.Errorf("baseline: ensemble %s, member %d: %w", e.spec.Name, i, err)
		}
		return nil
	}); err != nil {
		return err
	}
	e.members = members
	return nil
}

// Predict scores architectures: the mean of the members' predictions.
func (e *Ensemble) Predict(ctx context.Context, archs []searchspace.Arch) ([]float64, error) {
	if e.members == nil {
		return nil, hypernas.ErrNotTrained
	}
	return meanPrediction(ctx, e.members, archs)
}

// meanPrediction is the mean of models' predictions.
func meanPrediction(ctx context.Context, models []Model, archs []searchspace.Arch) ([]float64, error) {
	out := make([]float64, len(archs))
	for _, m := range models {
		p, err := m.Predict(ctx, archs)
		if err != nil {
			return nil, err
		}
		if len(p) != len(archs) {
			return nil, fmt.Errorf("baseline: a model gave %d predictions for %d architectures", len(p), len(archs))
		}
		for i, v := range p {
			out[i] += v
		}
	}
	for i := range out {
		out[i] /= float64(len(models))
	}
	return out, nil
}

// parallel runs job(0) … job(n−1) on up to workers goroutines (0: one per
// CPU) and returns the error of the lowest-numbered job that failed, or
// ctx's error if it was cancelled first.
func parallel(ctx context.Context, workers, n int, job func(i int) error) error {
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = job(i)
			}
		}()
	}
	var cerr error
	for i := range n {
		if cerr = ctx.Err(); cerr != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return cerr
}
