package hypernas

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"math"
	"runtime"
	"testing"

	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/loss"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorgonia.org/tensor"
)

// TestTrainingNumericsUnchanged trains and predicts with every option
// spelled out and compares the predictions, bit for bit, with those the
// Gorgonia graphs gave before the assembly kernels, the graph-free
// prediction and the faster products replaced them (recorded on amd64,
// where Go never fuses a multiply-add; other architectures skip). A change
// of these hashes is a change of the numbers a seed gives: measure its
// effect, document it, then record the new hashes.
func TestTrainingNumericsUnchanged(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("hashes recorded on amd64")
	}
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 300, 21)
	base := []Option{WithEpochs(6), WithSeed(5), WithHidden(32), WithLayers(3), WithHeadHidden(128), WithDropout(0.1),
		WithBatchSize(16), WithLearningRate(1e-3), WithWeightDecay(1e-4), WithClipValue(5), WithRankLabels(true),
		WithLoss(loss.KindMSE), WithDType(tensor.Float32), WithEncoding(Global)}
	for _, c := range []struct {
		name string
		opts []Option
		hash uint64
	}{
		{"global", nil, 0xe7fe700e1691dd43},
		{"single-cell", []Option{WithEncoding(SingleCell)}, 0xaba454e577be917c},
		{"hidden 64", []Option{WithHidden(64), WithLayers(2)}, 0xe05c6c9f797210f3},
		{"float64", []Option{WithDType(tensor.Float64)}, 0x1ae6c9b5d3e6bcf7},
		{"bpr", []Option{WithLoss(loss.KindBPR)}, 0x4616183c957dab1c},
	} {
		p, err := NewPredictor(space, append(base, c.opts...)...)
		require.NoError(t, err, c.name)
		_, err = p.Fit(context.Background(), archs[:78], fixture.ConvScore(archs[:78]))
		require.NoError(t, err, c.name)
		pred, err := p.Predict(context.Background(), archs[78:])
		require.NoError(t, err, c.name)
		h := fnv.New64a()
		for _, v := range pred {
			require.NoError(t, binary.Write(h, binary.LittleEndian, math.Float64bits(v)))
		}
		assert.Equal(t, c.hash, h.Sum64(), "%s: predictions differ from the recorded ones (first %v)", c.name, pred[0])
	}
}
