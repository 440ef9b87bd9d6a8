package baseline

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/metrics"
	"github.com/hypernas/go-hypernas/searchspace"
)

// CV chooses among candidate models by k-fold cross-validation on the
// training set alone, then refits the best on the whole training set:
// the folds are a seeded partition of the labelled architectures, every
// candidate is trained on k−1 folds and scored by Kendall's tau on the
// held-out one, the candidates are ordered by their mean tau over the
// folds (the earlier candidate on a tie), and the Top best (2 by default;
// WithTop(1): the winner alone) are refitted on the whole training set
// and their predictions averaged. No label outside the training set is
// read, so the choice is as honest as any one model's.
//
// Training costs k fits of every candidate on (k−1)/k of the labels, and
// one more of each chosen one; with fewer than four labelled
// architectures there are no two folds of two and the first candidate is
// fitted alone.
type CV struct {
	cands []Spec
	seed  uint64
	o     Options

	scores []float64
	chosen []int
	models []Model
}

// NewCV returns an untrained cross-validated choice among candidates.
// Options read: WithFolds, WithTop, WithWorkers (fold fits run in
// parallel).
func NewCV(candidates []Spec, seed uint64, opts ...Option) (*CV, error) {
	o, err := options(opts)
	if err != nil {
		return nil, err
	}
	if len(candidates) == 0 {
		return nil, fmt.Errorf("%w: cross-validation needs at least one candidate model", hypernas.ErrBadOption)
	}
	for _, c := range candidates {
		if c.New == nil {
			return nil, fmt.Errorf("%w: candidate model %q has no New function", hypernas.ErrBadOption, c.Name)
		}
	}
	return &CV{cands: slices.Clone(candidates), seed: seed, o: o}, nil
}

// CVModel is the Spec of NewCV, named "cv".
func CVModel(candidates []Spec, opts ...Option) Spec {
	return Spec{Name: "cv", New: func(seed uint64) (Model, error) { return NewCV(candidates, seed, opts...) }}
}

// DefaultCandidates are the models the automatic choice compares: ridge
// regression and the random forest with opts (WithTrees, WithRankLabels
// …), and the GCN with the global encoding, "hypernas-p", with gcnOpts
// (epochs, hidden size …).
func DefaultCandidates(space searchspace.SearchSpace, opts []Option, gcnOpts ...hypernas.Option) []Spec {
	gcn := append([]hypernas.Option{hypernas.WithEncoding(hypernas.Global)}, gcnOpts...)
	return []Spec{RidgeModel(space, opts...), ForestModel(space, opts...), GCNModel("hypernas-p", space, gcn...)}
}

// AutoModel is the cross-validated choice among DefaultCandidates, named
// "auto": the model to use on a new space when it is not known which
// predictor suits it. opts configure the choice (WithFolds, WithTop) and
// the ridge and forest candidates; gcnOpts the GCN candidate.
func AutoModel(space searchspace.SearchSpace, opts []Option, gcnOpts ...hypernas.Option) Spec {
	s := CVModel(DefaultCandidates(space, opts, gcnOpts...), opts...)
	s.Name = "auto"
	return s
}

// Scores are the candidates' mean Kendall tau over the folds of the last
// Fit, in candidate order (nil when there were too few labels to
// cross-validate).
func (c *CV) Scores() []float64 { return c.scores }

// Chosen are the names of the candidates the last Fit refitted, best
// first.
func (c *CV) Chosen() []string {
	var names []string
	for _, i := range c.chosen {
		names = append(names, c.cands[i].Name)
	}
	return names
}

// Fit cross-validates the candidates on labelled architectures and
// refits the best.
func (c *CV) Fit(ctx context.Context, archs []searchspace.Arch, labels []float64) error {
	if err := checkFit(ctx, archs, labels); err != nil {
		return err
	}
	if _, _, _, err := hypernas.TrainingTargets(labels, true); err != nil {
		return err
	}
	n := len(archs)
	k := min(c.o.Folds, n/2)
	var scores []float64
	chosen := []int{0}
	if k >= 2 {
		var err error
		if scores, err = c.crossValidate(ctx, archs, labels, k); err != nil {
			return err
		}
		order := make([]int, len(c.cands))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			switch {
			case scores[a] > scores[b]:
				return -1
			case scores[a] < scores[b]:
				return 1
			}
			return 0
		})
		chosen = order[:min(c.o.Top, len(order))]
	}
	models := make([]Model, len(chosen))
	for i, ci := range chosen {
		m, err := c.cands[ci].Make(c.seed)
		if err != nil {
			return err
		}
		models[i] = m
	}
	if err := parallel(ctx, c.o.Workers, len(models), func(i int) error {
		if err := models[i].Fit(ctx, archs, labels); err != nil {
			return fmt.Errorf("baseline: refitting %s: %w", c.cands[chosen[i]].Name, err)
		}
		return nil
	}); err != nil {
		return err
	}
	c.scores, c.chosen, c.models = scores, chosen, models
	return nil
}

// crossValidate returns every candidate's mean tau over k folds.
func (c *CV) crossValidate(ctx context.Context, archs []searchspace.Arch, labels []float64, k int) ([]float64, error) {
	n := len(archs)
	perm := rand.New(rand.NewPCG(c.seed, 0xc5)).Perm(n)
	type fold struct {
		trainA, testA []searchspace.Arch
		trainY, testY []float64
	}
	folds := make([]fold, k)
	for i, r := range perm {
		for f := range folds {
			if i%k == f {
				folds[f].testA, folds[f].testY = append(folds[f].testA, archs[r]), append(folds[f].testY, labels[r])
			} else {
				folds[f].trainA, folds[f].trainY = append(folds[f].trainA, archs[r]), append(folds[f].trainY, labels[r])
			}
		}
	}
	taus := make([]float64, len(c.cands)*k)
	err := parallel(ctx, c.o.Workers, len(taus), func(j int) error {
		ci, f := j/k, j%k
		fd := folds[f]
		m, err := c.cands[ci].Make(c.seed + uint64(f))
		if err != nil {
			return err
		}
		if err := m.Fit(ctx, fd.trainA, fd.trainY); err != nil {
			if errors.Is(err, hypernas.ErrBadLabels) { // a fold of equal labels ranks nothing
				return nil
			}
			return fmt.Errorf("baseline: cross-validating %s, fold %d: %w", c.cands[ci].Name, f, err)
		}
		p, err := m.Predict(ctx, fd.testA)
		if err != nil {
			return fmt.Errorf("baseline: cross-validating %s, fold %d: %w", c.cands[ci].Name, f, err)
		}
		tau, err := metrics.KendallTau(p, fd.testY)
		if err != nil {
			if errors.Is(err, metrics.ErrConstant) { // constant predictions or fold: no ranking
				return nil
			}
			return fmt.Errorf("baseline: cross-validating %s, fold %d: %w", c.cands[ci].Name, f, err)
		}
		taus[j] = tau
		return nil
	})
	if err != nil {
		return nil, err
	}
	scores := make([]float64, len(c.cands))
	for j, t := range taus {
		scores[j/k] += t / float64(k)
	}
	return scores, nil
}

// Predict scores architectures with the chosen model (or the mean of the
// chosen models).
func (c *CV) Predict(ctx context.Context, archs []searchspace.Arch) ([]float64, error) {
	if c.models == nil {
		return nil, hypernas.ErrNotTrained
	}
	return meanPrediction(ctx, c.models, archs)
}

// Models are the refitted models, best first, nil before Fit.
func (c *CV) Models() []Model { return c.models }
