package hypernet

import (
	"math/rand/v2"
	"testing"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/internal/gradcheck"
	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// smallOpts is a predictor small enough for unit tests.
func smallOpts(extra ...hypernas.Option) []hypernas.Option {
	return append([]hypernas.Option{hypernas.WithHidden(12), hypernas.WithHeadHidden(16), hypernas.WithEpochs(25),
		hypernas.WithBatchSize(16), hypernas.WithLearningRate(3e-3)}, extra...)
}

// paramsOf returns a copy of a predictor's parameters.
func paramsOf(t testing.TB, p *hypernas.Predictor) *encoding.Params {
	t.Helper()
	params, err := p.Params()
	if err != nil {
		t.Fatal(err)
	}
	return params
}

// syntheticImages is a CIFAR-shaped dataset whose class shows in the mean
// brightness of one colour plane, so that a small network can learn it.
func syntheticImages(n int, seed uint64) *auxdata.Dataset {
	rng := rand.New(rand.NewPCG(seed, 3))
	d := &auxdata.Dataset{Name: "synthetic", N: n, Channels: 3, Height: 32, Width: 32, Classes: 10,
		Pixels: make([]byte, n*3*32*32), Labels: make([]byte, n)}
	for i := 0; i < n; i++ {
		l := rng.IntN(10)
		d.Labels[i] = byte(l)
		for k := 0; k < 3*1024; k++ {
			v := rng.IntN(128)
			if k/1024 == l%3 {
				v += 12 * l
			}
			d.Pixels[i*3*1024+k] = byte(v)
		}
	}
	return d
}

func randSlice(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// encodeAll encodes archs of space.
func encodeAll(t testing.TB, space searchspace.SearchSpace, archs []searchspace.Arch) []searchspace.Sequence {
	t.Helper()
	seqs := make([]searchspace.Sequence, len(archs))
	for i, a := range archs {
		var err error
		seqs[i], err = space.Encode(a)
		require.NoError(t, err)
	}
	return seqs
}

// sampleSeqs encodes n architectures sampled from space with seed.
func sampleSeqs(t testing.TB, space searchspace.SearchSpace, n int, seed uint64) []searchspace.Sequence {
	return encodeAll(t, space, fixture.SampleArchs(space, n, seed))
}

// hyperSetupSeqs builds encoder + hypernetwork + target network in one
// graph for the given encoded architectures of a space (one per batch
// entry), with the inputs bound; the same arguments give the same graph,
// parameters and images.
func hyperSetupSeqs(t testing.TB, space searchspace.SearchSpace, seqs []searchspace.Sequence, dt tensor.Dtype, opts ...Option) (*G.ExprGraph, *encoding.Encoder, hypernas.AuxGraph) {
	t.Helper()
	B := len(seqs)
	task, err := New(space, syntheticImages(64, 1), opts...)
	require.NoError(t, err)
	shape, err := encoding.ShapeOf(space, true)
	require.NoError(t, err)
	params, err := encoding.NewParams(dt)
	require.NoError(t, err)
	cfg := encoding.Config{Shape: shape, Hidden: 6, Layers: 2}
	rng := rand.New(rand.NewPCG(5, 5))
	require.NoError(t, encoding.InitParams(params, cfg, rng))
	// The hypernetwork's hidden bias starts at zero, where a node whose
	// embedding is all zero (every GCN unit below zero) sits exactly on
	// the ReLU's kink: finite differences of the bias would straddle it.
	_, err = params.Init("hyper/b", tensor.Shape{1, task.Config().Hidden}, rng, 0.5)
	require.NoError(t, err)
	g := G.NewGraph()
	enc, err := encoding.NewEncoder(g, params, cfg, B)
	require.NoError(t, err)
	ag, err := task.Build(g, enc, params, rng)
	require.NoError(t, err)
	batch, err := encoding.NewBatch(shape, B)
	require.NoError(t, err)
	require.NoError(t, batch.Pack(seqs))
	require.NoError(t, enc.Bind(batch))
	require.NoError(t, ag.Bind(0, seqs))
	return g, enc, ag
}

// lossOf runs a built graph and returns its L_hyper.
func lossOf(t testing.TB, g *G.ExprGraph, ag hypernas.AuxGraph) float64 {
	t.Helper()
	var v G.Value
	G.Read(ag.Loss(), &v)
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	f, ok := gx.ToFloat64(v.Data())
	require.True(t, ok)
	return f
}

// checkHyperGradient checks 6 entries of every encoder and auxiliary
// parameter of L_hyper against finite differences: the whole path
// L_hyper → target network → hypernetwork → GCN encoder. The step 1e-5
// keeps the rounding error of the differences (about 1e-16·L/ε) below
// 1e-5 of gradients down to 1e-6, and is small enough not to cross the
// kinks of ReLU and max pooling on these inputs.
func checkHyperGradient(t *testing.T, g *G.ExprGraph, enc *encoding.Encoder, ag hypernas.AuxGraph) {
	t.Helper()
	wrt := append(append(G.Nodes(nil), enc.Learnables...), ag.Learnables()...)
	res, err := gradcheck.Check(g, ag.Loss(), wrt, 6, 1e-5, rand.New(rand.NewPCG(7, 7)), nil)
	require.NoError(t, err)
	requireNoHashCollision(t, g)
	t.Logf("checked %d entries, max relative error %.3g (%s)", res.Checked, res.MaxRelError, res.Worst)
	assert.Less(t, res.MaxRelError, 1e-5, res.Worst)
	want := 0
	for _, n := range wrt {
		want += min(6, n.Shape().TotalSize())
	}
	assert.Equal(t, want, res.Checked)
}

// requireNoHashCollision fails when two nodes of g share a hash, so that
// such a failure is not mistaken for a bug of the ops.
func requireNoHashCollision(t testing.TB, g *G.ExprGraph) {
	t.Helper()
	require.NoError(t, gx.CheckHashes(g), "Gorgonia hash collision")
}
