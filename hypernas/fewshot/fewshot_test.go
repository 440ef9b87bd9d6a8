package fewshot

import (
	"context"
	"slices"
	"testing"

	"github.com/hypernas/go-hypernas/hypernas"
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
