package hypernet

import (
	"context"
	"errors"
	"testing"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/internal/fixture"

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
	task, err := New(space, syntheticImages(64, 2))
	require.NoError(t, err)
	archs := fixture.SampleArchs(space, 20, 4)
	const lr = 3e-3
	run := func(auxLR float64) (*hypernas.TrainReport, *hypernas.Predictor) {
		p, err := hypernas.NewPredictor(space, smallOpts(hypernas.WithAux(task), hypernas.WithEpochs(3), hypernas.WithSeed(1), hypernas.WithLearningRate(lr), hypernas.WithAuxLearningRate(auxLR))...)
		require.NoError(t, err)
		rep, err := p.Fit(context.Background(), archs, fixture.ConvScore(archs))
		require.NoError(t, err)
		return rep, p
	}
	repNone, pNone := run(0)
	repSame, pSame := run(lr)
	assert.Equal(t, repNone.AuxLosses, repSame.AuxLosses)
	assert.Equal(t, repNone.Losses, repSame.Losses)
	for _, name := range paramsOf(t, pNone).Names() {
		assert.Equal(t, paramsOf(t, pNone).Float64s(name), paramsOf(t, pSame).Float64s(name), name)
	}

	_, pFast := run(10 * lr)
	_, pZero := run(1e-12)
	// Distance moved by the hypernetwork's shared layer from where a run
	// with a negligible auxiliary learning rate leaves it (its init).
	dist := func(p *hypernas.Predictor) float64 {
		a, b := paramsOf(t, p).Float64s("hyper/w"), paramsOf(t, pZero).Float64s("hyper/w")
		require.NotEmpty(t, a)
		s := 0.0
		for i := range a {
			s += (a[i] - b[i]) * (a[i] - b[i])
		}
		return s
	}
	assert.Greater(t, dist(pFast), 4*dist(pNone))

	_, err = hypernas.NewPredictor(space, hypernas.WithAux(task), hypernas.WithAuxLearningRate(-1))
	assert.True(t, errors.Is(err, hypernas.ErrBadOption), "%v", err)
}
