package hypernet

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/hypernas/go-hypernas/internal/datadir"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/internal/gx"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/internal/gradcheck"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

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

// naiveConv is a direct convolution of one HWC image with weights laid
// out as in the target ops, for checking im2col + GEMM.
func naiveConv(x []float64, w []float64, S, C, k, stride int, relu bool) []float64 {
	so := convOut(S, k, stride)
	out := make([]float64, so*so*C)
	pad := k / 2
	for oy := 0; oy < so; oy++ {
		for ox := 0; ox < so; ox++ {
			for co := 0; co < C; co++ {
				s := 0.0
				for dy := 0; dy < k; dy++ {
					for dx := 0; dx < k; dx++ {
						y, xx := oy*stride+dy-pad, ox*stride+dx-pad
						if y < 0 || y >= S || xx < 0 || xx >= S {
							continue
						}
						for ci := 0; ci < C; ci++ {
							v := x[(y*S+xx)*C+ci]
							if relu {
								v = max(v, 0)
							}
							s += v * w[((dy*k+dx)*C+ci)*C+co]
						}
					}
				}
				out[(oy*so+ox)*C+co] = s
			}
		}
	}
	return out
}

func randSlice(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

func TestTargetConvMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct {
		k, stride int
		relu      bool
	}{{3, 1, true}, {3, 2, true}, {1, 1, false}, {1, 1, true}} {
		g := imgGeom{P: 2, S: 6, C: 3}
		x := randSlice(rng, g.M()*g.C)
		w := randSlice(rng, c.k*c.k*g.C*g.C)
		so := convOut(g.S, c.k, c.stride)
		y := make([]float64, g.P*so*so*g.C)
		conv[float64]{geo: g, k: c.k, stride: c.stride, relu: c.relu, sc: &convScratch[float64]{}}.forward(x, w, y)
		for p := 0; p < g.P; p++ {
			want := naiveConv(x[p*36*3:(p+1)*36*3], w, g.S, g.C, c.k, c.stride, c.relu)
			assert.InDeltaSlice(t, want, y[p*so*so*3:(p+1)*so*so*3], 1e-12, "%+v", c)
		}
	}
}

// TestTargetOpsGradient checks every target op and every edge choice
// against finite differences.
func TestTargetOpsGradient(t *testing.T) {
	const B, nodes = 5, 3
	geo := imgGeom{P: 2, S: 4, C: 2}
	rng := rand.New(rand.NewPCG(2, 2))
	g := G.NewGraph()
	mk := func(name string, shape ...int) *G.Node {
		n := 1
		for _, s := range shape {
			n *= s
		}
		return G.NewTensor(g, tensor.Float64, len(shape), G.WithShape(shape...), G.WithName(name),
			G.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(randSlice(rng, n)))))
	}
	x := mk("x", B, geo.M(), geo.C)
	// Node 1's weights come from hypernetwork heads (hyperGen), node 2's
	// and the convolutions' are free tensors.
	const H = 3
	hid := mk("hidden", B, nodes, H)
	hw1, hb1 := mk("hw1", H, geo.C*geo.C), mk("hb1", 1, geo.C*geo.C)
	hw3, hb3 := mk("hw3", H, 9*geo.C*geo.C), mk("hb3", 1, 9*geo.C*geo.C)
	w1b, w3b := mk("w1b", B, geo.C*geo.C), mk("w3b", B, 9*geo.C*geo.C)
	wc3, wc1 := mk("wc3", B, 9*geo.C*geo.C), mk("wc1", B, geo.C*geo.C)
	// Architecture b selects op b at node 1: none, skip, conv1, conv3, pool;
	// node 2 has the reverse order.
	codes := make([]float64, B*nodes)
	ops := []int{nasbench201.NodeNone, nasbench201.NodeSkipConnect, nasbench201.NodeConv1x1, nasbench201.NodeConv3x3, nasbench201.NodeAvgPool3x3}
	for b := 0; b < B; b++ {
		codes[b*nodes+1], codes[b*nodes+2] = float64(ops[b]), float64(ops[B-1-b])
	}
	cn := G.NewTensor(g, tensor.Float64, 2, G.WithShape(B, nodes), G.WithName("codes"),
		G.WithValue(tensor.New(tensor.WithShape(B, nodes), tensor.WithBacking(codes))))
	w1a, err := hyperGen(hid, hw1, hb1, cn, 1, nb201Heads[nb201Head1x1].match)
	require.NoError(t, err)
	w3a, err := hyperGen(hid, hw3, hb3, cn, 1, nb201Heads[nb201Head3x3].match)
	require.NoError(t, err)
	e1, err := targetEdge(x, w1a, w3a, cn, geo, 1, nb201Codes)
	require.NoError(t, err)
	e2, err := targetEdge(e1, w1b, w3b, cn, geo, 2, nb201Codes)
	require.NoError(t, err)
	a, err := targetConv(e2, wc3, geo, 3, 2, true)
	require.NoError(t, err)
	half := imgGeom{P: geo.P, S: 2, C: geo.C}
	s, err := targetPool2(x, geo)
	require.NoError(t, err)
	s, err = targetConv(s, wc1, half, 1, 1, false)
	require.NoError(t, err)
	sum := G.Must(targetNorm(G.Must(G.Add(a, s)), half))
	// A random shift, so that the cost is not the (constant) squared norm
	// of a normalised map.
	shift := mk("shift", B, half.M(), half.C)
	cost := G.Must(G.Sum(G.Must(G.Square(G.Must(G.Add(sum, shift))))))
	wrt := G.Nodes{x, hid, hw1, hb1, hw3, hb3, w1b, w3b, wc3, wc1}
	res, err := gradcheck.Check(g, cost, wrt, 30, 1e-5, rng, nil)
	require.NoError(t, err)
	assert.Less(t, res.MaxRelError, 1e-5, res.Worst)
	t.Logf("checked %d entries, max relative error %.3g", res.Checked, res.MaxRelError)
	// Bad shapes are errors, not panics.
	_, err = targetConv(x, w1b, geo, 3, 1, true)
	assert.Error(t, err)
	_, err = targetEdge(x, w1b, w3b, cn, geo, nodes, nb201Codes)
	assert.Error(t, err)
	_, err = hyperGen(hid, hw1, hb3, cn, 0, nb201Heads[nb201Head1x1].match)
	assert.Error(t, err)
}

// hyperSetup builds encoder + hypernetwork + target network in one float64
// graph for a batch of NB201 architectures, with the inputs bound.
func hyperSetup(t testing.TB, B int, dt tensor.Dtype, opts ...Option) (*G.ExprGraph, *encoding.Encoder, hypernas.AuxGraph) {
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, B, 3)
	seqs := make([]searchspace.Sequence, B)
	for i, a := range archs {
		var err error
		seqs[i], err = space.Encode(a)
		require.NoError(t, err)
	}
	return hyperSetupSeqs(t, space, seqs, dt, opts...)
}

// hyperSetupSeqs is hyperSetup for the given encoded architectures of any
// space (one per batch entry); the same arguments give the same graph,
// parameters and images.
func hyperSetupSeqs(t testing.TB, space searchspace.SearchSpace, seqs []searchspace.Sequence, dt tensor.Dtype, opts ...Option) (*G.ExprGraph, *encoding.Encoder, hypernas.AuxGraph) {
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

// TestHyperGradient is the finite-difference check of the whole auxiliary
// path: L_hyper → target network → hypernetwork → GCN encoder.
func TestHyperGradient(t *testing.T) {
	g, enc, ag := hyperSetup(t, 3, tensor.Float64, WithTargetChannels(2), WithImageSize(4), WithImagesPerArch(2), WithHidden(4), WithCellsPerStage(2))
	checkHyperGradient(t, g, enc, ag)
}

// checkHyperGradient checks 6 entries of every encoder and auxiliary
// parameter of L_hyper against finite differences.
func checkHyperGradient(t *testing.T, g *G.ExprGraph, enc *encoding.Encoder, ag hypernas.AuxGraph) {
	t.Helper()
	wrt := append(append(G.Nodes(nil), enc.Learnables...), ag.Learnables()...)
	res, err := gradcheck.Check(g, ag.Loss(), wrt, 6, 1e-6, rand.New(rand.NewPCG(7, 7)), nil)
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

func TestHyperOptions(t *testing.T) {
	space := nasbench201.New()
	d := syntheticImages(8, 1)
	for _, o := range []Option{WithImageSize(6), WithImageSize(64), WithTargetChannels(0), WithCellsPerStage(6),
		WithImagesPerArch(0), WithHidden(0), WithMaxImages(-1)} {
		_, err := New(space, d, o)
		assert.ErrorIs(t, err, hypernas.ErrBadOption)
	}
	_, err := New(space, nil)
	assert.Error(t, err)
	task, err := New(space, d, WithMaxImages(5))
	require.NoError(t, err)
	assert.Equal(t, 5, task.Images().N)
	assert.Equal(t, "hyper", task.Name())
	// The single-cell encoding has no units for the target network.
	p, err := hypernas.NewPredictor(space, smallOpts(hypernas.WithEncoding(hypernas.SingleCell), hypernas.WithAux(task), hypernas.WithEpochs(1))...)
	require.NoError(t, err)
	archs := fixture.SampleArchs(space, 4, 1)
	_, err = p.Fit(context.Background(), archs, fixture.ConvScore(archs))
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
}

// TestHyperFit trains with the auxiliary task: the image loss falls, the
// saved predictor does not carry the hypernetwork and predicts without it,
// and the generated weights can be exported.
func TestHyperFit(t *testing.T) {
	space := nasbench201.New()
	task, err := New(space, syntheticImages(256, 2), WithImagesPerArch(4))
	require.NoError(t, err)
	archs := fixture.SampleArchs(space, 48, 4)
	y := fixture.ConvScore(archs)
	p, err := hypernas.NewPredictor(space, smallOpts(hypernas.WithAux(task), hypernas.WithEpochs(20), hypernas.WithSeed(3))...)
	require.NoError(t, err)
	_, err = task.GeneratedWeights(p, archs[0])
	assert.ErrorIs(t, err, ErrNoHypernetwork)
	rep, err := p.Fit(context.Background(), archs, y)
	require.NoError(t, err)
	require.Len(t, rep.AuxLosses, 20)
	t.Logf("L_hyper %.3f → %.3f, L_pred %.3f → %.3f", rep.AuxLosses[0], rep.AuxLosses[19], rep.Losses[0], rep.Losses[19])
	assert.InDelta(t, math.Log(10), rep.AuxLosses[0], 0.5, "starts near chance")
	assert.Less(t, rep.AuxLosses[19], rep.AuxLosses[0]-0.1, "the image loss falls")
	assert.Less(t, rep.Losses[19], rep.Losses[0])
	pred, err := p.Predict(context.Background(), archs)
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, p.Save(&buf))
	q, err := hypernas.Load(bytes.NewReader(buf.Bytes()), space)
	require.NoError(t, err)
	for _, name := range paramsOf(t, q).Names() {
		assert.NotContains(t, name, "hyper/")
		assert.NotContains(t, name, "target/")
	}
	pred2, err := q.Predict(context.Background(), archs)
	require.NoError(t, err)
	assert.InDeltaSlice(t, pred, pred2, 1e-6)

	ws, err := task.GeneratedWeights(p, archs[0])
	require.NoError(t, err)
	seq, err := space.Encode(archs[0])
	require.NoError(t, err)
	convs := 0
	for _, u := range seq {
		for _, op := range u.Ops {
			if (nb201Target{}).kernel(op) > 0 {
				convs++
			}
		}
	}
	require.Len(t, ws, convs)
	for _, w := range ws {
		assert.Len(t, w.Values, w.K*w.K*8*8, "%+v", w.Op)
	}
	_, err = task.GeneratedWeights(q, archs[0])
	assert.ErrorIs(t, err, ErrNoHypernetwork, "a loaded predictor has no hypernetwork")
}

// TestHyperDeterministic: the same seed gives the same training run.
func TestHyperDeterministic(t *testing.T) {
	space := nasbench201.New()
	task, err := New(space, syntheticImages(64, 2))
	require.NoError(t, err)
	archs := fixture.SampleArchs(space, 20, 4)
	run := func() []float64 {
		p, err := hypernas.NewPredictor(space, smallOpts(hypernas.WithAux(task), hypernas.WithEpochs(3), hypernas.WithSeed(1))...)
		require.NoError(t, err)
		rep, err := p.Fit(context.Background(), archs, fixture.ConvScore(archs))
		require.NoError(t, err)
		return rep.AuxLosses
	}
	assert.Equal(t, run(), run())
}

func TestHyperCIFAR10(t *testing.T) {
	dir := datadir.Dir(t)
	d, err := auxdata.ReadCIFAR10Files(filepath.Join(dir, "cifar10", "train_4000.bin"))
	require.NoError(t, err)
	space := nasbench201.New()
	task, err := New(space, d, WithMaxImages(512))
	require.NoError(t, err)
	archs := fixture.SampleArchs(space, 32, 5)
	p, err := hypernas.NewPredictor(space, smallOpts(hypernas.WithAux(task), hypernas.WithEpochs(4))...)
	require.NoError(t, err)
	rep, err := p.Fit(context.Background(), archs, fixture.ConvScore(archs))
	require.NoError(t, err)
	for _, l := range rep.AuxLosses {
		assert.False(t, math.IsNaN(l) || math.IsInf(l, 0))
	}
}

// TestTargetOpsHashEveryField: Gorgonia merges nodes by hash, so every
// field of a target-network op must change its hash.
func TestTargetOpsHashEveryField(t *testing.T) {
	for k := range tgtKindNames {
		op := tgtOp{kind: tgtKind(k), geo: imgGeom{P: 2, S: 4, C: 3}, k: 3, stride: 1, nodes: 4, terms: 2}
		require.NoError(t, gx.CheckHashFields(op), tgtKindNames[k])
	}
}
