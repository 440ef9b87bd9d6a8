package fewshot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/baseline"
	"github.com/hypernas/go-hypernas/hypernas/metrics"
	"github.com/hypernas/go-hypernas/searchspace"
)

// Protocol is the few-shot evaluation protocol of the predictor
// literature (TNASP, PINAT, HyperNAS): train on the first Train rows of a
// seeded random permutation of a benchmark (Split), labelled with
// TrainMetric, and report the ranking quality of the predictions against
// TestMetric.
type Protocol struct {
	Train       int
	Seed        uint64
	TrainMetric string
	TestMetric  string
	// TestAll evaluates on every row of the benchmark (the NAS-Bench-201
	// protocol); otherwise on the rows not used for training.
	TestAll bool
	// TopK is the k of precision@k (0: 50, or the test set if smaller).
	TopK int
}

// Result is the outcome of one few-shot run.
type Result struct {
	Seed         uint64
	Train, Test  int
	KendallTau   float64
	Spearman     float64
	PrecisionAtK float64
	TopK         int
	// PrecisionAt1Pct is precision@k for k the top 1 % of the test set
	// (TopOnePct, at least 1): the share of the true top 1 % that the
	// model also puts in its top 1 %, what a search that trains only the
	// predicted best needs most (NB201 with TestAll: the top 156).
	PrecisionAt1Pct float64
	TopOnePct       int
	TrainSeconds    float64
	PredictSeconds  float64
	// Predictor and Report are the trained GCN and its training report:
	// set by Evaluate, and by EvaluateModel when the model is a
	// baseline.GCN; nil otherwise.
	Predictor *hypernas.Predictor
	Report    *hypernas.TrainReport
	// Model is the trained model of EvaluateModel (nil from Evaluate).
	Model baseline.Model
	// Predicted and True are the test-set predictions and true values, in
	// test order, for plots.
	Predicted, True []float64
}

// Split returns the training rows, the first n of a permutation of
// 0…rows−1 seeded by seed, and the remaining rows. The same seed gives the
// same split for every model, so that models can be compared seed by seed.
func Split(rows, n int, seed uint64) (train, rest []int, err error) {
	if rows < 1 || n < 0 || n > rows {
		return nil, nil, fmt.Errorf("%w: cannot take %d training rows from %d", hypernas.ErrBadOption, n, rows)
	}
	perm := rand.New(rand.NewPCG(seed, 0xfe75)).Perm(rows)
	return perm[:n], perm[n:], nil
}

// Evaluate runs the protocol on bench with a new predictor built from opts
// (the seed option is overridden by p.Seed).
func Evaluate(ctx context.Context, bench *searchspace.Benchmark, p Protocol, opts ...hypernas.Option) (*Result, error) {
	var pred *hypernas.Predictor
	var rep *hypernas.TrainReport
	res, err := evaluate(ctx, bench, p, func() error {
		var err error
		pred, err = hypernas.NewPredictor(bench.Space, append(append([]hypernas.Option(nil), opts...), hypernas.WithSeed(p.Seed))...)
		return err
	}, func(archs []searchspace.Arch, y []float64) error {
		var err error
		rep, err = pred.Fit(ctx, archs, y)
		return err
	}, func(archs []searchspace.Arch) ([]float64, error) {
		return pred.Predict(ctx, archs)
	})
	if err != nil {
		return nil, err
	}
	res.Predictor, res.Report = pred, rep
	return res, nil
}

// EvaluateModel runs the protocol with any model of package baseline
// (ridge regression, random forest, the GCN, an ensemble, the
// cross-validated choice), made by spec with the seed p.Seed, on the same
// split as Evaluate, so that models can be compared seed by seed.
func EvaluateModel(ctx context.Context, bench *searchspace.Benchmark, p Protocol, spec baseline.Spec) (*Result, error) {
	var m baseline.Model
	res, err := evaluate(ctx, bench, p, func() error {
		var err error
		m, err = spec.Make(p.Seed)
		return err
	}, func(archs []searchspace.Arch, y []float64) error {
		return m.Fit(ctx, archs, y)
	}, func(archs []searchspace.Arch) ([]float64, error) {
		return m.Predict(ctx, archs)
	})
	if err != nil {
		return nil, err
	}
	res.Model = m
	if g, ok := m.(*baseline.GCN); ok {
		res.Predictor, res.Report = g.Predictor(), g.Report()
	}
	return res, nil
}

// evaluate is the protocol around a model: build makes it once the
// protocol is checked, fit trains it, predict scores the test set.
func evaluate(ctx context.Context, bench *searchspace.Benchmark, p Protocol, build func() error,
	fit func([]searchspace.Arch, []float64) error, predict func([]searchspace.Arch) ([]float64, error)) (*Result, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", hypernas.ErrBadOption)
	}
	if bench == nil || bench.Table == nil || bench.Space == nil {
		return nil, fmt.Errorf("%w: a benchmark with a space and a table is needed", hypernas.ErrBadOption)
	}
	n := bench.Table.Len()
	maxTrain := n - 2 // at least two rows left to rank
	if p.TestAll {
		maxTrain = n - 1
	}
	if p.Train < 2 || p.Train > maxTrain {
		return nil, fmt.Errorf("%w: training size %d must be between 2 and %d for a benchmark of %d rows", hypernas.ErrBadOption, p.Train, maxTrain, n)
	}
	if p.TopK < 0 {
		return nil, fmt.Errorf("%w: top-k %d < 0", hypernas.ErrBadOption, p.TopK)
	}
	if p.TopK == 0 {
		p.TopK = 50
	}
	trainRows, testRows, err := Split(n, p.Train, p.Seed)
	if err != nil {
		return nil, err
	}
	if p.TestAll {
		testRows = make([]int, n)
		for i := range testRows {
			testRows[i] = i
		}
	}
	p.TopK = min(p.TopK, len(testRows))
	ytrain, err := bench.Labels(p.TrainMetric, trainRows)
	if err != nil {
		return nil, err
	}
	ytest, err := bench.Labels(p.TestMetric, testRows)
	if err != nil {
		return nil, err
	}
	if err := build(); err != nil {
		return nil, err
	}
	trainArchs, err := bench.Select(trainRows)
	if err != nil {
		return nil, err
	}
	testArchs, err := bench.Select(testRows)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := fit(trainArchs, ytrain); err != nil {
		return nil, err
	}
	trainSec := time.Since(t0).Seconds()
	t1 := time.Now()
	scores, err := predict(testArchs)
	if err != nil {
		return nil, err
	}
	predSec := time.Since(t1).Seconds()
	if len(scores) != len(testArchs) {
		return nil, fmt.Errorf("fewshot: the model gave %d scores for %d test architectures", len(scores), len(testArchs))
	}
	res := &Result{Seed: p.Seed, Train: p.Train, Test: len(testRows), TopK: p.TopK, TopOnePct: max(1, len(testRows)/100),
		TrainSeconds: trainSec, PredictSeconds: predSec, Predicted: scores, True: ytest}
	if res.KendallTau, err = metrics.KendallTau(scores, ytest); err != nil {
		if errors.Is(err, metrics.ErrConstant) {
			return nil, fmt.Errorf("fewshot: cannot rank: either all %d test values of %s are equal or the predictor gives every architecture the same score: %w", len(ytest), p.TestMetric, err)
		}
		return nil, fmt.Errorf("fewshot: Kendall tau against %s: %w", p.TestMetric, err)
	}
	if res.Spearman, err = metrics.SpearmanRho(scores, ytest); err != nil {
		return nil, fmt.Errorf("fewshot: Spearman rho against %s: %w", p.TestMetric, err)
	}
	if res.PrecisionAtK, err = metrics.PrecisionAtK(scores, ytest, p.TopK); err != nil {
		return nil, err
	}
	if res.PrecisionAt1Pct, err = metrics.PrecisionAtK(scores, ytest, res.TopOnePct); err != nil {
		return nil, err
	}
	return res, nil
}
