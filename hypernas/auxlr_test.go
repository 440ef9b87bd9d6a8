package hypernas

import (
	"context"
	"errors"
	"testing"

	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAuxLearningRate: a separate learning rate for the auxiliary task's
// parameters equal to the predictor's gives the very same run as none (the
// two Adam groups are independent per value), and a larger one moves the
// hypernetwork further in the same number of steps.
func TestAuxLearningRate(t *testing.T) {
	space := nasbench201.New()
	task, err := NewHyperTask(space, syntheticImages(64, 2))
	require.NoError(t, err)
	archs := sampleArchs(space, 20, 4)
	const lr = 3e-3
	run := func(auxLR float64) (*TrainReport, *Predictor) {
		p, err := NewPredictor(space, smallOpts(WithAux(task), WithEpochs(3), WithSeed(1), WithLearningRate(lr), WithAuxLearningRate(auxLR))...)
		require.NoError(t, err)
		rep, err := p.Fit(context.Background(), archs, convScore(archs))
		require.NoError(t, err)
		return rep, p
	}
	repNone, pNone := run(0)
	repSame, pSame := run(lr)
	assert.Equal(t, repNone.AuxLosses, repSame.AuxLosses)
	assert.Equal(t, repNone.Losses, repSame.Losses)
	for _, name := range pNone.params.Names() {
		assert.Equal(t, pNone.params.Float64s(name), pSame.params.Float64s(name), name)
	}

	_, pFast := run(10 * lr)
	_, pZero := run(1e-12)
	// Distance moved by the hypernetwork's shared layer from where a run
	// with a negligible auxiliary learning rate leaves it (its init).
	dist := func(p *Predictor) float64 {
		a, b := p.params.Float64s("hyper/w"), pZero.params.Float64s("hyper/w")
		require.NotEmpty(t, a)
		s := 0.0
		for i := range a {
			s += (a[i] - b[i]) * (a[i] - b[i])
		}
		return s
	}
	assert.Greater(t, dist(pFast), 4*dist(pNone))

	_, err = NewPredictor(space, WithAux(task), WithAuxLearningRate(-1))
	assert.True(t, errors.Is(err, ErrBadOption), "%v", err)
}
