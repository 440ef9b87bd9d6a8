package baseline

import (
	"fmt"
	"math"
	"strings"

	"github.com/hypernas/go-hypernas/hypernas"
)

// Options configure the baselines (Ridge, Forest), the ensembles and the
// cross-validated choice; each reads the fields that concern it. Set them
// with the With… functions; DefaultOptions gives the values used when none
// is set.
type Options struct {
	// RankLabels trains on the rank-Gauss transform of the labels, as the
	// GCN does by default (hypernas.WithRankLabels); false: z-scores.
	RankLabels bool
	// Alpha is the ridge penalty on standardised features; 0 chooses it on
	// the training set by generalised cross-validation.
	Alpha float64
	// Trees is the number of trees of the random forest.
	Trees int
	// MinLeaf is the smallest number of (bootstrap) samples in a leaf.
	MinLeaf int
	// MaxFeatures is the fraction of the features a split may choose
	// from, drawn afresh at every node.
	MaxFeatures float64
	// Folds is the number of folds of the cross-validated choice.
	Folds int
	// Top is the number of best-scoring candidates the cross-validated
	// choice refits and averages (1: the winner alone). Averaging the
	// two best ranked better than the winner alone on the validation
	// seeds, and more so at the top of the ranking.
	Top int
	// Workers is the number of goroutines that grow trees and fit
	// ensemble members; 0 means one per CPU.
	Workers int
}

// DefaultOptions are the options used when none is given:
//
//	RankLabels  true
//	Alpha       0      chosen by generalised cross-validation
//	Trees       500
//	MinLeaf     5      (the regression default of Breiman's random forest)
//	MaxFeatures 1/3    (idem)
//	Folds       3      (each candidate is fitted 3 more times)
//	Top         2      the two best averaged (chosen on validation seeds:
//	                   NB201 N = 78 and TransNAS-Bench-101 micro N = 100)
//	Workers     0      one per CPU
func DefaultOptions() Options {
	return Options{RankLabels: true, Trees: 500, MinLeaf: 5, MaxFeatures: 1.0 / 3, Folds: 3, Top: 2}
}

// Option sets one option.
type Option func(*Options)

// WithRankLabels trains on rank-Gauss labels (true, the default) or
// z-scores.
func WithRankLabels(on bool) Option { return func(o *Options) { o.RankLabels = on } }

// WithAlpha fixes the ridge penalty (0: chosen by generalised
// cross-validation on the training set).
func WithAlpha(a float64) Option { return func(o *Options) { o.Alpha = a } }

// WithTrees sets the number of trees of the random forest.
func WithTrees(n int) Option { return func(o *Options) { o.Trees = n } }

// WithMinLeaf sets the smallest leaf of the random forest's trees.
func WithMinLeaf(n int) Option { return func(o *Options) { o.MinLeaf = n } }

// WithMaxFeatures sets the fraction of features a split chooses from.
func WithMaxFeatures(f float64) Option { return func(o *Options) { o.MaxFeatures = f } }

// WithFolds sets the number of folds of the cross-validated choice.
func WithFolds(k int) Option { return func(o *Options) { o.Folds = k } }

// WithTop makes the cross-validated choice average the predictions of its
// n best candidates, each refitted on the whole training set (1: the
// winner alone).
func WithTop(n int) Option { return func(o *Options) { o.Top = n } }

// WithWorkers sets the number of goroutines (0: one per CPU).
func WithWorkers(n int) Option { return func(o *Options) { o.Workers = n } }

func options(opts []Option) (Options, error) {
	o := DefaultOptions()
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	var bad []string
	check := func(ok bool, msg string, args ...any) {
		if !ok {
			bad = append(bad, fmt.Sprintf(msg, args...))
		}
	}
	check(o.Alpha >= 0 && !math.IsInf(o.Alpha, 0), "ridge penalty %g is not a number >= 0", o.Alpha)
	check(o.Trees >= 1, "trees %d < 1", o.Trees)
	check(o.MinLeaf >= 1, "minimum leaf size %d < 1", o.MinLeaf)
	check(o.MaxFeatures > 0 && o.MaxFeatures <= 1, "feature fraction %g not in (0, 1]", o.MaxFeatures)
	check(o.Folds >= 2, "folds %d < 2", o.Folds)
	check(o.Top >= 1, "top %d < 1", o.Top)
	check(o.Workers >= 0, "workers %d < 0", o.Workers)
	if len(bad) > 0 {
		return o, fmt.Errorf("%w: %s", hypernas.ErrBadOption, strings.Join(bad, "; "))
	}
	return o, nil
}
