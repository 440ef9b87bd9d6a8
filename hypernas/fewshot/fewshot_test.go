package fewshot

import (
	"context"
	"slices"
	"testing"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/baseline"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syntheticBench is a benchmark of 300 NB201 cells labelled with
// fixture.ConvScore, in two columns (train and test label).
func syntheticBench(t *testing.T) *searchspace.Benchmark {
	t.Helper()
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 400, 3)
	tab, err := searchspace.NewTable("valid", "test")
	require.NoError(t, err)
	var kept []searchspace.Arch
	for i, y := range fixture.ConvScore(archs) {
		if _, dup := tab.Row(archs[i].String()); dup {
			continue
		}
		require.NoError(t, tab.Append(archs[i].String(), y+0.01*float64(i%7), y))
		kept = append(kept, archs[i])
	}
	b, err := searchspace.NewBenchmark(space, kept, tab)
	require.NoError(t, err)
	return b
}

func TestSplit(t *testing.T) {
	train, rest, err := Split(100, 30, 7)
	require.NoError(t, err)
	assert.Len(t, train, 30)
	assert.Len(t, rest, 70)
	all := slices.Sorted(slices.Values(append(slices.Clone(train), rest...)))
	for i, r := range all {
		require.Equal(t, i, r, "every row once")
	}
	again, _, _ := Split(100, 30, 7)
	assert.Equal(t, train, again)
	other, _, _ := Split(100, 30, 8)
	assert.NotEqual(t, train, other)
	for _, c := range [][2]int{{10, 20}, {10, -1}, {0, 0}, {-5, 1}} {
		_, _, err := Split(c[0], c[1], 0)
		assert.ErrorIs(t, err, hypernas.ErrBadOption, "%v", c)
	}
}

func TestEvaluate(t *testing.T) {
	b := syntheticBench(t)
	ctx := context.Background()
	p := Protocol{Train: 100, Seed: 1, TrainMetric: "valid", TestMetric: "test"}
	opts := []hypernas.Option{hypernas.WithEpochs(30), hypernas.WithHidden(12), hypernas.WithWorkers(1)}
	res, err := Evaluate(ctx, b, p, opts...)
	require.NoError(t, err)
	assert.Equal(t, b.Table.Len()-100, res.Test)
	assert.Len(t, res.Predicted, res.Test)
	assert.Equal(t, 50, res.TopK)
	t.Logf("tau %.3f, rho %.3f, prec@50 %.2f", res.KendallTau, res.Spearman, res.PrecisionAtK)
	assert.Greater(t, res.KendallTau, 0.5, "the synthetic label is learnable")
	again, err := Evaluate(ctx, b, p, opts...)
	require.NoError(t, err)
	assert.Equal(t, res.KendallTau, again.KendallTau, "same seed, same result")

	all := p
	all.TestAll, all.TopK = true, 5
	res, err = Evaluate(ctx, b, all, opts...)
	require.NoError(t, err)
	assert.Equal(t, b.Table.Len(), res.Test)

	for name, bad := range map[string]Protocol{
		"train 1":       {Train: 1, TrainMetric: "valid", TestMetric: "test"},
		"train all":     {Train: b.Table.Len(), TrainMetric: "valid", TestMetric: "test"},
		"negative topk": {Train: 10, TopK: -1, TrainMetric: "valid", TestMetric: "test"},
	} {
		_, err := Evaluate(ctx, b, bad, opts...)
		assert.ErrorIs(t, err, hypernas.ErrBadOption, name)
	}
	_, err = Evaluate(ctx, nil, p)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = Evaluate(ctx, b, Protocol{Train: 10, TrainMetric: "nope", TestMetric: "test"})
	assert.ErrorContains(t, err, "nope")
}

func TestEvaluateModel(t *testing.T) {
	b := syntheticBench(t)
	ctx := context.Background()
	p := Protocol{Train: 100, Seed: 1, TrainMetric: "valid", TestMetric: "test"}
	for _, spec := range []baseline.Spec{
		baseline.RidgeModel(b.Space),
		baseline.ForestModel(b.Space, baseline.WithTrees(50)),
		baseline.CVModel([]baseline.Spec{baseline.RidgeModel(b.Space), baseline.ForestModel(b.Space, baseline.WithTrees(50))}),
	} {
		t.Run(spec.Name, func(t *testing.T) {
			res, err := EvaluateModel(ctx, b, p, spec)
			require.NoError(t, err)
			t.Logf("tau %.3f, prec@1%% (%d) %.2f", res.KendallTau, res.TopOnePct, res.PrecisionAt1Pct)
			assert.Equal(t, b.Table.Len()-100, res.Test)
			assert.Equal(t, max(1, res.Test/100), res.TopOnePct)
			assert.Greater(t, res.KendallTau, 0.5, "the synthetic label is learnable")
			assert.GreaterOrEqual(t, res.PrecisionAt1Pct, 0.0)
			assert.LessOrEqual(t, res.PrecisionAt1Pct, 1.0)
			assert.NotNil(t, res.Model)
			assert.Nil(t, res.Predictor)
			again, err := EvaluateModel(ctx, b, p, spec)
			require.NoError(t, err)
			assert.Equal(t, res.KendallTau, again.KendallTau, "same seed, same result")
		})
	}

	// The GCN through EvaluateModel is the GCN of Evaluate: same split,
	// same seed, same scores.
	opts := []hypernas.Option{hypernas.WithEpochs(10), hypernas.WithHidden(8), hypernas.WithWorkers(1)}
	direct, err := Evaluate(ctx, b, p, opts...)
	require.NoError(t, err)
	viaSpec, err := EvaluateModel(ctx, b, p, baseline.GCNModel("hypernas-p", b.Space, opts...))
	require.NoError(t, err)
	assert.Equal(t, direct.Predicted, viaSpec.Predicted)
	assert.Equal(t, direct.PrecisionAt1Pct, viaSpec.PrecisionAt1Pct)
	assert.NotNil(t, viaSpec.Predictor)
	assert.NotNil(t, viaSpec.Report)

	ridge := baseline.RidgeModel(b.Space)
	_, err = EvaluateModel(ctx, nil, p, ridge)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	//nolint:staticcheck // a nil context on purpose
	_, err = EvaluateModel(nil, b, p, ridge)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = EvaluateModel(ctx, b, p, baseline.Spec{Name: "empty"})
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = EvaluateModel(ctx, b, Protocol{Train: 1, TrainMetric: "valid", TestMetric: "test"}, ridge)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = EvaluateModel(ctx, b, Protocol{Train: 10, TrainMetric: "nope", TestMetric: "test"}, ridge)
	assert.ErrorContains(t, err, "nope")
}

func TestPrecisionAt1Pct(t *testing.T) {
	// A model that knows the test label exactly has precision@1 % of 1.
	b := syntheticBench(t)
	oracle := baseline.Spec{Name: "oracle", New: func(uint64) (baseline.Model, error) { return &tableModel{b: b}, nil }}
	res, err := EvaluateModel(context.Background(), b, Protocol{Train: 10, TrainMetric: "valid", TestMetric: "test", TestAll: true}, oracle)
	require.NoError(t, err)
	assert.Equal(t, b.Table.Len()/100, res.TopOnePct)
	assert.Equal(t, 1.0, res.PrecisionAt1Pct)
	assert.InDelta(t, 1.0, res.KendallTau, 1e-12)
}

// tableModel predicts the test column of a benchmark.
type tableModel struct{ b *searchspace.Benchmark }

func (m *tableModel) Fit(context.Context, []searchspace.Arch, []float64) error { return nil }

func (m *tableModel) Predict(_ context.Context, archs []searchspace.Arch) ([]float64, error) {
	rows := make([]int, len(archs))
	for i, a := range archs {
		r, ok := m.b.Table.Row(a.String())
		if !ok {
			return nil, searchspace.ErrInvalidArch
		}
		rows[i] = r
	}
	return m.b.Labels("test", rows)
}
