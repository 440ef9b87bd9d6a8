package hypernas

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuxWarmupTrainsEncoderOnSampledArchitectures(t *testing.T) {
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 8, 3)
	y := fixture.ConvScore(archs)
	run := func(warmup int) (*normTask, *TrainReport, *Predictor) {
		task := &normTask{seen: map[string]int{}}
		p, err := NewPredictor(space, smallOpts(WithSeed(2), WithEpochs(1), WithBatchSize(4),
			WithAux(task), WithAuxWarmup(warmup))...)
		require.NoError(t, err)
		rep, err := p.Fit(context.Background(), archs, y)
		require.NoError(t, err)
		return task, rep, p
	}
	task, rep, p := run(250)
	// 250 warm-up steps and 2 joint steps, 4 architectures each.
	total := 0
	for _, n := range task.seen {
		total += n
	}
	assert.Equal(t, 250*4+2*4, total)
	labelled := map[string]bool{}
	seqs, err := p.EncodeAll(context.Background(), archs)
	require.NoError(t, err)
	for _, s := range seqs {
		labelled[fmt.Sprint(s)] = true
	}
	outside := 0
	for k := range task.seen {
		if !labelled[k] {
			outside++
		}
	}
	assert.Greater(t, outside, 500, "the warm-up samples unlabelled architectures")
	// Blocks of 100, 100 and 50 steps; the auxiliary loss (the mean square of
	// h) falls as the warm-up trains the encoder on it alone.
	require.Len(t, rep.WarmupLosses, 3)
	assert.Less(t, rep.WarmupLosses[2], rep.WarmupLosses[0]/2)

	// The warm-up moved the encoder's weights, deterministically.
	_, rep0, p0 := run(0)
	assert.Empty(t, rep0.WarmupLosses)
	assert.NotEqual(t, p0.params.Float64s("enc/gcn0"), p.params.Float64s("enc/gcn0"))
	_, _, again := run(250)
	assert.True(t, slices.Equal(p.params.Float64s("enc/gcn0"), again.params.Float64s("enc/gcn0")))
}

func TestAuxWarmupOptions(t *testing.T) {
	space := nasbench201.New()
	for _, opts := range [][]Option{
		{WithAuxWarmup(10)},
		{WithAux(&normTask{seen: map[string]int{}}), WithAuxWarmup(-1)},
	} {
		_, err := NewPredictor(space, opts...)
		assert.True(t, errors.Is(err, ErrBadOption), "%v", err)
	}
}
