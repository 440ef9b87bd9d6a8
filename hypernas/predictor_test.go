package hypernas

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/hypernas/metrics"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/internal/gradcheck"
	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/loss"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func smallOpts(extra ...Option) []Option {
	return append([]Option{WithHidden(12), WithHeadHidden(16), WithEpochs(25), WithBatchSize(16), WithLearningRate(3e-3)}, extra...)
}

func TestFitPredictLearnsAndIsDeterministic(t *testing.T) {
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 260, 11)
	y := fixture.ConvScore(archs)
	train, test := archs[:160], archs[160:]
	fit := func(seed uint64) []float64 {
		p, err := NewPredictor(space, smallOpts(WithSeed(seed))...)
		require.NoError(t, err)
		rep, err := p.Fit(context.Background(), train, y[:160])
		require.NoError(t, err)
		require.Len(t, rep.Losses, 25)
		assert.Less(t, rep.Losses[len(rep.Losses)-1], rep.Losses[0], "training loss falls")
		pred, err := p.Predict(context.Background(), test)
		require.NoError(t, err)
		return pred
	}
	a, b, c := fit(1), fit(1), fit(2)
	assert.Equal(t, a, b, "same seed, same predictions")
	assert.NotEqual(t, a, c, "another seed, other predictions")
	tau, err := metrics.KendallTau(a, y[160:])
	require.NoError(t, err)
	t.Logf("held-out Kendall tau %.3f", tau)
	assert.Greater(t, tau, 0.6)
}

func TestRankingLossesTrain(t *testing.T) {
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 120, 3)
	y := fixture.ConvScore(archs)
	for _, k := range []loss.Kind{loss.KindHinge, loss.KindBPR, loss.KindListMLE} {
		p, err := NewPredictor(space, smallOpts(WithLoss(k), WithEpochs(15))...)
		require.NoError(t, err)
		_, err = p.Fit(context.Background(), archs[:80], y[:80])
		require.NoError(t, err, k.String())
		pred, err := p.Predict(context.Background(), archs[80:])
		require.NoError(t, err)
		tau, err := metrics.KendallTau(pred, y[80:])
		require.NoError(t, err)
		t.Logf("%s: held-out tau %.3f", k, tau)
		assert.Greater(t, tau, 0.3, k.String())
	}
}

// TestModelGradient checks encoder + head + MSE against finite differences
// on float64 (dropout off).
func TestModelGradient(t *testing.T) {
	space := nasbench201.New()
	p, err := NewPredictor(space, WithDType(tensor.Float64), WithHidden(6), WithHeadHidden(5), WithLayers(2))
	require.NoError(t, err)
	archs := fixture.SampleArchs(space, 3, 5)
	seqs, err := p.EncodeAll(context.Background(), archs)
	require.NoError(t, err)
	m, err := buildModel(p.params, p.encConfig(), 5, 3, 0)
	require.NoError(t, err)
	pl, err := loss.NewPredLoss(loss.KindMSE, m.pred)
	require.NoError(t, err)
	batch, err := encoding.NewBatch(p.shape, 3)
	require.NoError(t, err)
	require.NoError(t, batch.Pack(seqs))
	rng := rand.New(rand.NewPCG(1, 2))
	res, err := gradcheck.Check(m.g, pl.Loss, m.learnables, 6, 1e-6, rng, func() error {
		if err := m.enc.Bind(batch); err != nil {
			return err
		}
		return pl.Bind([]float64{0.3, -1.2, 2})
	})
	require.NoError(t, err)
	t.Logf("checked %d entries, max relative error %.2e (%s)", res.Checked, res.MaxRelError, res.Worst)
	assert.Less(t, res.MaxRelError, 1e-5, res.Worst)
}

func TestFitErrors(t *testing.T) {
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 4, 1)
	p, err := NewPredictor(space, smallOpts(WithEpochs(1))...)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = p.Fit(ctx, archs, []float64{1, 2})
	assert.ErrorIs(t, err, ErrBadLabels)
	_, err = p.Fit(ctx, archs, []float64{1, math.NaN(), 2, 3})
	assert.ErrorIs(t, err, ErrBadLabels)
	_, err = p.Fit(ctx, archs[:1], []float64{1})
	assert.ErrorIs(t, err, ErrBadLabels)
	_, err = p.Predict(context.Background(), archs)
	assert.ErrorIs(t, err, ErrNotTrained)
	_, err = NewPredictor(space, WithHidden(0), WithDropout(1))
	assert.ErrorIs(t, err, ErrBadOption)
	assert.ErrorContains(t, err, "dropout")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = p.Fit(cancelled, archs, []float64{1, 2, 3, 4})
	assert.ErrorIs(t, err, context.Canceled)
	type foreign struct{ searchspace.Arch }
	_, err = p.Fit(ctx, []searchspace.Arch{archs[0], foreign{archs[1]}}, []float64{1, 2})
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
}

func TestNonFiniteLossStops(t *testing.T) {
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 8, 1)
	p, err := NewPredictor(space, smallOpts(WithNormalize(false), WithRankLabels(false), WithEpochs(3))...)
	require.NoError(t, err)
	// float32 overflows: the squared error of 1e30 is +Inf.
	_, err = p.Fit(context.Background(), archs, []float64{1e30, -1e30, 1e30, -1e30, 1e30, -1e30, 1e30, -1e30})
	require.ErrorIs(t, err, ErrNonFinite)
	assert.ErrorContains(t, err, "epoch 0: hypernas: non-finite loss at step 0")
}

func trainedSmall(t testing.TB, opts ...Option) (*Predictor, []searchspace.Arch) {
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 40, 9)
	p, err := NewPredictor(space, append(smallOpts(WithEpochs(3)), opts...)...)
	require.NoError(t, err)
	_, err = p.Fit(context.Background(), archs, fixture.ConvScore(archs))
	require.NoError(t, err)
	return p, archs
}

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		for _, enc := range []Encoding{Global, SingleCell} {
			p, archs := trainedSmall(t, WithDType(dt), WithEncoding(enc))
			var buf bytes.Buffer
			require.NoError(t, p.Save(&buf))
			q, err := Load(bytes.NewReader(buf.Bytes()), nasbench201.New())
			require.NoError(t, err)
			assert.Equal(t, enc, q.Options().Encoding)
			assert.Equal(t, dt, q.Options().DType)
			want, err := p.Predict(context.Background(), archs)
			require.NoError(t, err)
			got, err := q.Predict(context.Background(), archs)
			require.NoError(t, err)
			assert.Equal(t, want, got, "loaded predictor predicts the same")
			var again bytes.Buffer
			require.NoError(t, q.Save(&again))
			assert.Equal(t, buf.Bytes(), again.Bytes(), "saves back byte for byte")
		}
	}
}

type otherSpace struct{ *nasbench201.Space }

func (otherSpace) Name() string { return "other" }

func TestLoadRejectsBadFiles(t *testing.T) {
	p, _ := trainedSmall(t)
	var buf bytes.Buffer
	require.NoError(t, p.Save(&buf))
	good := buf.Bytes()
	space := nasbench201.New()
	cases := map[string][]byte{
		"empty":          {},
		"foreign":        []byte("PK\x03\x04 this is a zip file, not a predictor"),
		"truncated":      good[:len(good)/2],
		"one byte short": good[:len(good)-1],
		"flipped":        flip(good, len(good)/2),
		"version":        withVersion(good, 99),
	}
	for name, data := range cases {
		_, err := Load(bytes.NewReader(data), space)
		assert.ErrorIs(t, err, ErrBadCheckpoint, name)
	}
	_, err := Load(bytes.NewReader(good), otherSpace{space})
	assert.ErrorIs(t, err, ErrBadCheckpoint)
	assert.ErrorContains(t, err, `space "nb201"`)
	untrained, err := NewPredictor(space)
	require.NoError(t, err)
	assert.ErrorIs(t, untrained.Save(&bytes.Buffer{}), ErrNotTrained)
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x40
	return c
}

func withVersion(b []byte, v byte) []byte {
	c := bytes.Clone(b)
	c[8] = v
	return c
}

// FuzzLoad: any bytes either fail with ErrBadCheckpoint or load into a
// predictor that saves back to exactly the same bytes.
func FuzzLoad(f *testing.F) {
	p, _ := trainedSmall(f, WithHidden(2), WithHeadHidden(2), WithLayers(1))
	var buf bytes.Buffer
	if err := p.Save(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("HYPERNAS"))
	f.Add([]byte{})
	space := nasbench201.New()
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := Load(bytes.NewReader(data), space)
		if err != nil {
			if !errors.Is(err, ErrBadCheckpoint) {
				t.Fatalf("error does not wrap ErrBadCheckpoint: %v", err)
			}
			return
		}
		var out bytes.Buffer
		if err := q.Save(&out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("loaded file saves back differently")
		}
	})
}

func TestGraphPanicBecomesError(t *testing.T) {
	var err error
	func() {
		defer gx.Recover(&err, "hypernas", "testing")
		var n *G.Node
		_ = n.Shape()
	}()
	assert.ErrorIs(t, err, gx.ErrPanic)
	assert.ErrorContains(t, err, "while testing")
}

// TestConcurrentPredict: several workers (each with its own graph) give the
// same numbers as one, and two predictors can predict at once; run under
// -race in CI.
func TestConcurrentPredict(t *testing.T) {
	p, _ := trainedSmall(t, WithPredictBatch(8))
	archs := fixture.SampleArchs(nasbench201.New(), 50, 4)
	p.opts.Workers = 1
	want, err := p.Predict(context.Background(), archs)
	require.NoError(t, err)
	p.opts.Workers = 3
	done := make(chan []float64, 2)
	for range 2 {
		go func() {
			got, err := p.Predict(context.Background(), archs)
			assert.NoError(t, err)
			done <- got
		}()
	}
	assert.Equal(t, want, <-done)
	assert.Equal(t, want, <-done)
	// Further training must reach the pooled graphs' weight copies.
	_, err = p.Fit(context.Background(), archs[:20], fixture.ConvScore(archs[:20]))
	require.NoError(t, err)
	after, err := p.Predict(context.Background(), archs)
	require.NoError(t, err)
	assert.NotEqual(t, want, after)
	fresh, err := Load(saved(t, p), nasbench201.New(), WithPredictBatch(8))
	require.NoError(t, err)
	again, err := fresh.Predict(context.Background(), archs)
	require.NoError(t, err)
	assert.Equal(t, after, again, "pooled graphs predict as a fresh predictor does")
}

func saved(t *testing.T, p *Predictor) *bytes.Buffer {
	var buf bytes.Buffer
	require.NoError(t, p.Save(&buf))
	return &buf
}
