package baseline

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/metrics"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// distinct returns n distinct NB201 cells, drawn with a seed.
func distinct(t testing.TB, n int, seed uint64) []searchspace.Arch {
	t.Helper()
	seen := map[string]bool{}
	var out []searchspace.Arch
	for _, a := range fixture.SampleArchs(nasbench201.New(), 4*n, seed) {
		if !seen[a.String()] && len(out) < n {
			seen[a.String()] = true
			out = append(out, a)
		}
	}
	require.Len(t, out, n)
	return out
}

// linearLabels is a fixed random linear function of the features plus a
// little noise.
func linearLabels(t testing.TB, archs []searchspace.Arch) []float64 {
	t.Helper()
	feat, err := NewFeatures(nasbench201.New())
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(5, 5))
	w := make([]float64, feat.Dim())
	for j := range w {
		w[j] = rng.NormFloat64()
	}
	x, err := feat.Matrix(context.Background(), archs)
	require.NoError(t, err)
	y := make([]float64, len(archs))
	for i := range y {
		for j, wj := range w {
			y[i] += wj * x[i*feat.Dim()+j]
		}
		y[i] += 0.01 * rng.NormFloat64()
	}
	return y
}

// peakLabels are best with one 3×3 convolution in the cell and worse the
// further from one: not monotone in any feature, so a linear model of
// the features cannot rank them (xor-like), a tree can.
func peakLabels(archs []searchspace.Arch) []float64 {
	y := make([]float64, len(archs))
	for i, a := range archs {
		n := 0.0
		for _, op := range a.(nasbench201.Arch) {
			if op == nasbench201.Conv3x3 {
				n++
			}
		}
		y[i] = -(n-1)*(n-1) + 0.001*float64(i%5) // ties broken, not informative
	}
	return y
}

// fitTau trains a model on the first n and returns Kendall's tau on the
// rest.
func fitTau(t testing.TB, m Model, archs []searchspace.Arch, y []float64, n int) float64 {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, m.Fit(ctx, archs[:n], y[:n]))
	p, err := m.Predict(ctx, archs[n:])
	require.NoError(t, err)
	require.Len(t, p, len(archs)-n)
	tau, err := metrics.KendallTau(p, y[n:])
	require.NoError(t, err)
	return tau
}

func TestFeatures(t *testing.T) {
	f, err := NewFeatures(nasbench201.New())
	require.NoError(t, err)
	x := make([]float64, f.Dim())
	a := nasbench201.Arch{nasbench201.Conv3x3, nasbench201.SkipConnect, nasbench201.Conv1x1, nasbench201.None, nasbench201.AvgPool3x3, nasbench201.Conv3x3}
	require.NoError(t, f.Encode(a, x))
	ones := 0.0
	for _, v := range x {
		assert.False(t, math.IsNaN(v))
		if v == 1 {
			ones++
		}
	}
	assert.Greater(t, ones, 6.0, "one-hot blocks are set")
	assert.ErrorIs(t, f.Encode(a, x[:3]), hypernas.ErrBadOption)
	_, err = NewFeatures(nil)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	assert.Equal(t, 0, triIndex(4, 0, 1))
	assert.Equal(t, 5, triIndex(4, 2, 3))
}

func TestRidgeRecoversLinear(t *testing.T) {
	archs := distinct(t, 600, 1)
	y := linearLabels(t, archs)
	r, err := NewRidge(nasbench201.New(), WithRankLabels(false))
	require.NoError(t, err)
	tau := fitTau(t, r, archs, y, 300)
	t.Logf("ridge on a linear target: tau %.3f, alpha %g", tau, r.Alpha())
	assert.Greater(t, tau, 0.9)
	assert.Contains(t, alphaGrid(), r.Alpha(), "chosen from the grid")

	// With a tiny fixed penalty the fit reproduces the labels themselves.
	fixed, err := NewRidge(nasbench201.New(), WithRankLabels(false), WithAlpha(1e-6))
	require.NoError(t, err)
	require.NoError(t, fixed.Fit(context.Background(), archs[:300], y[:300]))
	p, err := fixed.Predict(context.Background(), archs[300:])
	require.NoError(t, err)
	worst := 0.0
	for i, v := range p {
		worst = max(worst, math.Abs(v-y[300+i]))
	}
	assert.Less(t, worst, 0.1, "predictions on the labels' scale")
	assert.Equal(t, 1e-6, fixed.Alpha())

	// Rank labels (the default) rank as well.
	rk, err := NewRidge(nasbench201.New())
	require.NoError(t, err)
	assert.Greater(t, fitTau(t, rk, archs, y, 300), 0.85)
}

func TestForestNonlinear(t *testing.T) {
	archs := distinct(t, 500, 2)
	y := fixture.ConvScore(archs)
	f, err := NewForest(nasbench201.New(), 7, WithTrees(100))
	require.NoError(t, err)
	tau := fitTau(t, f, archs, y, 250)
	t.Logf("forest on ConvScore: tau %.3f", tau)
	assert.Greater(t, tau, 0.6)

	// Better than a constant: the squared error is well below the
	// variance of the held-out labels.
	p, err := f.Predict(context.Background(), archs[250:])
	require.NoError(t, err)
	mean, mse, v := 0.0, 0.0, 0.0
	for _, w := range y[250:] {
		mean += w / 250
	}
	for i, w := range y[250:] {
		mse += (p[i] - w) * (p[i] - w) / 250
		v += (w - mean) * (w - mean) / 250
	}
	assert.Less(t, mse, 0.5*v)

	// The forest learns the interaction that ridge cannot.
	xy := peakLabels(archs)
	fx, err := NewForest(nasbench201.New(), 7, WithTrees(100), WithMinLeaf(2))
	require.NoError(t, err)
	rx, err := NewRidge(nasbench201.New())
	require.NoError(t, err)
	ft, rt := fitTau(t, fx, archs, xy, 250), fitTau(t, rx, archs, xy, 250)
	t.Logf("peak target: forest tau %.3f, ridge tau %.3f", ft, rt)
	assert.Greater(t, ft, rt+0.3)

	// The same seed gives the same forest, whatever the workers.
	one, err := NewForest(nasbench201.New(), 7, WithTrees(100), WithWorkers(1))
	require.NoError(t, err)
	require.NoError(t, one.Fit(context.Background(), archs[:250], y[:250]))
	q, err := one.Predict(context.Background(), archs[250:])
	require.NoError(t, err)
	assert.Equal(t, p, q)
}

// noise is a model that has learnt nothing: seeded random scores.
type noise struct {
	seed    uint64
	trained bool
}

func (n *noise) Fit(ctx context.Context, archs []searchspace.Arch, labels []float64) error {
	n.trained = true
	return checkFit(ctx, archs, labels)
}

func (n *noise) Predict(_ context.Context, archs []searchspace.Arch) ([]float64, error) {
	rng := rand.New(rand.NewPCG(n.seed, uint64(len(archs))))
	out := make([]float64, len(archs))
	for i := range out {
		out[i] = rng.Float64()
	}
	return out, nil
}

func noiseModel() Spec {
	return Spec{Name: "noise", New: func(seed uint64) (Model, error) { return &noise{seed: seed}, nil }}
}

func TestCVPicksTheWinner(t *testing.T) {
	space := nasbench201.New()
	archs := distinct(t, 400, 3)
	cands := []Spec{noiseModel(), RidgeModel(space), ForestModel(space, WithTrees(60), WithMinLeaf(2))}
	for _, c := range []struct {
		name   string
		labels []float64
		want   string
	}{
		{"linear", linearLabels(t, archs), "ridge"},
		{"peak", peakLabels(archs), "forest"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cv, err := NewCV(cands, 1, WithTop(1))
			require.NoError(t, err)
			tau := fitTau(t, cv, archs, c.labels, 150)
			t.Logf("scores %.3f, chose %v, held-out tau %.3f", cv.Scores(), cv.Chosen(), tau)
			require.Len(t, cv.Scores(), 3)
			assert.Equal(t, []string{c.want}, cv.Chosen())
			assert.Less(t, cv.Scores()[0], 0.3, "noise ranks nothing")
			assert.Len(t, cv.Models(), 1)

			// Top 2: the two best, averaged.
			cv2, err := NewCV(cands, 1) // the default: the two best
			require.NoError(t, err)
			require.NoError(t, cv2.Fit(context.Background(), archs[:150], c.labels[:150]))
			assert.Len(t, cv2.Chosen(), 2)
			assert.Equal(t, c.want, cv2.Chosen()[0])
			assert.NotContains(t, cv2.Chosen(), "noise")
		})
	}

	// Too few labels to cross-validate: the first candidate alone.
	cv, err := NewCV([]Spec{RidgeModel(space), noiseModel()}, 1)
	require.NoError(t, err)
	require.NoError(t, cv.Fit(context.Background(), archs[:3], []float64{1, 2, 3}))
	assert.Nil(t, cv.Scores())
	assert.Equal(t, []string{"ridge"}, cv.Chosen())
}

func TestEnsemble(t *testing.T) {
	space := nasbench201.New()
	archs := distinct(t, 300, 4)
	y := fixture.ConvScore(archs)
	ctx := context.Background()
	spec := ForestModel(space, WithTrees(20))
	e, err := NewEnsemble(spec, 3, 10)
	require.NoError(t, err)
	assert.Equal(t, "forest×3", EnsembleModel(spec, 3).Name)
	require.NoError(t, e.Fit(ctx, archs[:100], y[:100]))
	require.Len(t, e.Members(), 3)
	p, err := e.Predict(ctx, archs[100:])
	require.NoError(t, err)
	want := make([]float64, len(p))
	for i := range 3 {
		m, err := spec.Make(10 + uint64(i))
		require.NoError(t, err)
		require.NoError(t, m.Fit(ctx, archs[:100], y[:100]))
		q, err := m.Predict(ctx, archs[100:])
		require.NoError(t, err)
		for j, v := range q {
			want[j] += v / 3
		}
	}
	assert.InDeltaSlice(t, want, p, 1e-9, "the mean of members seeded 10, 11, 12")
	tau, err := metrics.KendallTau(p, y[100:])
	require.NoError(t, err)
	assert.Greater(t, tau, 0.5)

	_, err = NewEnsemble(spec, 0, 0)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = NewEnsemble(Spec{Name: "empty"}, 2, 0)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
}

func TestGCNModel(t *testing.T) {
	space := nasbench201.New()
	archs := distinct(t, 120, 5)
	y := fixture.ConvScore(archs)
	spec := GCNModel("hypernas-p", space, hypernas.WithEpochs(15), hypernas.WithHidden(8), hypernas.WithWorkers(1))
	m, err := spec.Make(1)
	require.NoError(t, err)
	g := m.(*GCN)
	assert.Nil(t, g.Predictor())
	tau := fitTau(t, m, archs, y, 80)
	t.Logf("GCN tau %.3f", tau)
	assert.NotNil(t, g.Predictor())
	assert.NotNil(t, g.Report())
	_, err = NewGCN(space, 1, hypernas.WithEpochs(-1))
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
}

// TestBadInput checks every model's errors on bad arguments: no panics,
// and the right sentinel.
func TestBadInput(t *testing.T) {
	space := nasbench201.New()
	archs := distinct(t, 12, 6)
	y := fixture.ConvScore(archs)
	ctx := context.Background()
	specs := []Spec{
		RidgeModel(space),
		ForestModel(space, WithTrees(5)),
		EnsembleModel(RidgeModel(space), 2),
		CVModel([]Spec{RidgeModel(space), ForestModel(space, WithTrees(5))}),
		GCNModel("hypernas-p", space, hypernas.WithEpochs(1), hypernas.WithHidden(4)),
	}
	nan := append([]float64(nil), y...)
	nan[3] = math.NaN()
	equal := make([]float64, len(y))
	foreign := nasbench101.New().Sample(rand.New(rand.NewPCG(1, 1)))
	for _, s := range specs {
		t.Run(s.Name, func(t *testing.T) {
			m, err := s.Make(0)
			require.NoError(t, err)
			_, err = m.Predict(ctx, archs)
			assert.ErrorIs(t, err, hypernas.ErrNotTrained, "predict before fit")
			//nolint:staticcheck // a nil context on purpose
			assert.ErrorIs(t, m.Fit(nil, archs, y), hypernas.ErrBadOption, "nil context")
			assert.ErrorIs(t, m.Fit(ctx, archs, y[:5]), hypernas.ErrBadLabels, "mismatched lengths")
			assert.ErrorIs(t, m.Fit(ctx, archs, nan), hypernas.ErrBadLabels, "NaN label")
			assert.ErrorIs(t, m.Fit(ctx, archs, equal), hypernas.ErrBadLabels, "equal labels")
			assert.ErrorIs(t, m.Fit(ctx, archs[:1], y[:1]), hypernas.ErrBadLabels, "one label")
			bad := append([]searchspace.Arch(nil), archs...)
			bad[2] = nil
			assert.ErrorIs(t, m.Fit(ctx, bad, y), searchspace.ErrInvalidArch, "nil architecture")
			bad[2] = foreign
			assert.ErrorIs(t, m.Fit(ctx, bad, y), searchspace.ErrInvalidArch, "foreign architecture")

			require.NoError(t, m.Fit(ctx, archs, y))
			_, err = m.Predict(ctx, []searchspace.Arch{archs[0], nil})
			assert.ErrorIs(t, err, searchspace.ErrInvalidArch, "nil architecture")
			_, err = m.Predict(ctx, []searchspace.Arch{foreign})
			assert.ErrorIs(t, err, searchspace.ErrInvalidArch, "foreign architecture")
			p, err := m.Predict(ctx, nil)
			require.NoError(t, err)
			assert.Empty(t, p)

			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			assert.ErrorIs(t, m.Fit(cancelled, archs, y), context.Canceled)
		})
	}
	for name, o := range map[string]Option{
		"alpha": WithAlpha(-1), "trees": WithTrees(0), "leaf": WithMinLeaf(0), "features": WithMaxFeatures(0),
		"folds": WithFolds(1), "top": WithTop(0), "workers": WithWorkers(-1), "alpha nan": WithAlpha(math.Inf(1)),
	} {
		_, err := NewRidge(space, o)
		assert.ErrorIs(t, err, hypernas.ErrBadOption, name)
		_, err = NewForest(space, 0, o)
		assert.ErrorIs(t, err, hypernas.ErrBadOption, name)
	}
	_, err := NewRidge(nil)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = NewCV(nil, 0)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = NewCV([]Spec{{Name: "x"}}, 0)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = Spec{Name: "x"}.Make(0)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = Spec{Name: "nil", New: func(uint64) (Model, error) { return nil, nil }}.Make(0)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
}

func TestAutoModel(t *testing.T) {
	space := nasbench201.New()
	archs := distinct(t, 60, 8)
	y := fixture.ConvScore(archs)
	spec := AutoModel(space, []Option{WithTrees(10)}, hypernas.WithEpochs(2), hypernas.WithHidden(4), hypernas.WithWorkers(1))
	assert.Equal(t, "auto", spec.Name)
	m, err := spec.Make(3)
	require.NoError(t, err)
	fitTau(t, m, archs, y, 40)
	cv := m.(*CV)
	require.Len(t, cv.Scores(), 3, "ridge, forest, hypernas-p")
	assert.Len(t, cv.Chosen(), 2, "the two best by default")
	names := []string{}
	for _, c := range DefaultCandidates(space, nil) {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"ridge", "forest", "hypernas-p"}, names)
}
