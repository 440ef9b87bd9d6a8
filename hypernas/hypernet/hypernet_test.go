package hypernet

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/hypernas/auxdata/cifar10data"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/internal/gradcheck"
	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/autoformer"
	"github.com/hypernas/go-hypernas/searchspace/darts"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/transnas101"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// builtinSpaces are the built-in spaces, each with a target network small
// enough for a finite-difference check.
func builtinSpaces(t testing.TB) []struct {
	space searchspace.SearchSpace
	opts  []Option
} {
	d, err := darts.New()
	require.NoError(t, err)
	small := []Option{WithTargetChannels(3), WithImageSize(8), WithImagesPerArch(2), WithHidden(4)}
	return []struct {
		space searchspace.SearchSpace
		opts  []Option
	}{
		{nasbench201.New(), append(small, WithCellsPerStage(2))},
		// Four channels: with fewer, one channel of the stem is negative
		// almost everywhere on these images, the projections' ReLU passes
		// almost nothing of it, and its gradients (~1e-7) are too small for
		// finite differences of a loss near 2.3 to resolve.
		{nasbench101.New(), []Option{WithTargetChannels(4), WithImageSize(8), WithImagesPerArch(2), WithHidden(4), WithCellsPerStage(2)}},
		{d, []Option{WithTargetChannels(4), WithImageSize(8), WithImagesPerArch(2), WithHidden(4)}},
		{transnas101.NewMicro(), small},
		{transnas101.NewMacro(), small},
		// Eight channels, widths 6 to 8: a LayerNorm over two or three
		// channels is so steep that differences of step 1e-5 miss its
		// gradient by a few percent.
		{autoformer.NewTiny(), []Option{WithTargetChannels(8), WithImageSize(8), WithImagesPerArch(2), WithHidden(4)}},
	}
}

// TestHyperGradientSpaces is the finite-difference check of the whole
// auxiliary path, L_hyper → target network → hypernetwork → GCN encoder,
// on every built-in space.
func TestHyperGradientSpaces(t *testing.T) {
	for _, c := range builtinSpaces(t) {
		t.Run(c.space.Name(), func(t *testing.T) {
			seqs := sampleSeqs(t, c.space, 3, 9)
			g, enc, ag := hyperSetupSeqs(t, c.space, seqs, tensor.Float64, c.opts...)
			checkHyperGradient(t, g, enc, ag)
		})
	}
}

// TestTargetOpGradient checks the target network's op alone, with its
// inputs (the stem's output, the hidden layer, the heads) as free
// tensors, more entries per input than the whole-path checks, on the zoo
// space that uses every primitive.
func TestTargetOpGradient(t *testing.T) {
	px, err := newProxy(zoo{}, Config{Channels: 4, ImageSize: 8, PatchSize: 2, HeadDim: 2})
	require.NoError(t, err)
	seqs := zooSeqs()
	const P, E, H, N, U = 2, 4, 3, 9, 4
	B := len(seqs)
	st := &targetState{px: px, B: B, P: P, stem: geo{4, 4}, units: U, nodes: N, embed: E, hidden: H}
	pl := planner{px: px, P: P, nodes: N, stem: st.stem, cells: 1}
	var plans []*archPlan
	for _, s := range seqs {
		ap, err := pl.plan(s)
		require.NoError(t, err)
		plans = append(plans, ap)
	}
	st.setPlans(plans)
	rng := rand.New(rand.NewPCG(3, 3))
	g := G.NewGraph()
	mk := func(name string, scale float64, shape ...int) *G.Node {
		n := 1
		for _, s := range shape {
			n *= s
		}
		v := randSlice(rng, n)
		for i := range v {
			v[i] *= scale
		}
		return G.NewTensor(g, tensor.Float64, len(shape), G.WithShape(shape...), G.WithName(name),
			G.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(v))))
	}
	in := G.Nodes{mk("x", 1, B, P*16, 4)}
	for u := range U {
		in = append(in, mk(fmt.Sprintf("emb%d", u), 1, B, N, E))
	}
	// The hidden layer's bias away from zero, where an embedding row of
	// zeros would sit on the ReLU's kink.
	in = append(in, mk("w", 1, E, H), mk("b", 1, 1, H))
	for _, h := range px.heads {
		// Weights of the size He-initialised heads have, so that the
		// activations stay in a range where the differences resolve.
		in = append(in, mk(h.name+"/w", 0.3, H, h.size), mk(h.name+"/b", 0.3, 1, h.size))
	}
	feats, err := G.ApplyOp(targetOp{kind: kForward, st: st}, in...)
	require.NoError(t, err)
	// A linear cost of size about 1, so that the differences' rounding
	// error (about 1e-16·cost/ε) stays far below the smallest gradients.
	proj := mk("proj", 0.1, B*P, px.Cmax)
	cost := G.Must(G.Sum(G.Must(G.HadamardProd(feats, proj))))
	res, err := gradcheck.Check(g, cost, in, 12, 1e-5, rng, nil)
	require.NoError(t, err)
	requireNoHashCollision(t, g)
	t.Logf("checked %d entries, max relative error %.3g (%s)", res.Checked, res.MaxRelError, res.Worst)
	assert.Less(t, res.MaxRelError, 1e-5, res.Worst)
}

// TestTargetOpHashEveryField: Gorgonia merges nodes by hash, so every
// field of the target network's ops must change its hash, and two graphs'
// ops (their states) never hash alike.
func TestTargetOpHashEveryField(t *testing.T) {
	px, err := newProxy(nasbench201.New(), DefaultConfig())
	require.NoError(t, err)
	st, st2 := &targetState{px: px}, &targetState{px: px}
	for k := range tgtKindNames {
		op := targetOp{kind: tgtKind(k), index: 1, st: st}
		require.NoError(t, gx.CheckHashFields(op), tgtKindNames[k])
		assert.NotEqual(t, op.Hashcode(), targetOp{kind: tgtKind(k), index: 1, st: st2}.Hashcode())
	}
}

// TestTargetBeforeBind: running the target network before Bind is an
// error, not a panic.
func TestTargetBeforeBind(t *testing.T) {
	space := nasbench201.New()
	task, err := New(space, syntheticImages(16, 1), WithTargetChannels(2))
	require.NoError(t, err)
	shape, err := encoding.ShapeOf(space, true)
	require.NoError(t, err)
	params, err := encoding.NewParams(tensor.Float64)
	require.NoError(t, err)
	cfg := encoding.Config{Shape: shape, Hidden: 4, Layers: 1}
	rng := rand.New(rand.NewPCG(1, 1))
	require.NoError(t, encoding.InitParams(params, cfg, rng))
	g := G.NewGraph()
	enc, err := encoding.NewEncoder(g, params, cfg, 2)
	require.NoError(t, err)
	_, err = task.Build(g, enc, params, rng)
	require.NoError(t, err)
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	assert.ErrorContains(t, vm.RunAll(), "before Bind")
}

func TestHyperOptions(t *testing.T) {
	space := nasbench201.New()
	d := syntheticImages(8, 1)
	for _, o := range []Option{WithImageSize(6), WithImageSize(64), WithTargetChannels(0), WithCellsPerStage(0),
		WithImagesPerArch(0), WithHidden(0), WithMaxImages(-1), WithPatchSize(0), WithHeadDim(0), WithMaxChannels(4)} {
		_, err := New(space, d, o)
		assert.ErrorIs(t, err, hypernas.ErrBadOption)
	}
	_, err := New(space, nil)
	assert.Error(t, err)
	_, err = New(autoformer.NewTiny(), d, WithPatchSize(3))
	assert.ErrorIs(t, err, hypernas.ErrBadOption, "image size not a multiple of the patch")
	task, err := New(space, d, WithMaxImages(5), WithCellsPerStage(6))
	require.NoError(t, err, "more cells per stage than a stage has: all of them")
	assert.Equal(t, 5, task.Images().N)
	assert.Equal(t, "hyper", task.Name())
	assert.Equal(t, []string{"conv1x1", "conv3x3"}, task.Heads())
	// The single-cell encoding has no units for the target network.
	p, err := hypernas.NewPredictor(space, smallOpts(hypernas.WithEncoding(hypernas.SingleCell), hypernas.WithAux(task), hypernas.WithEpochs(1))...)
	require.NoError(t, err)
	archs := fixture.SampleArchs(space, 4, 1)
	_, err = p.Fit(context.Background(), archs, fixture.ConvScore(archs))
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	assert.ErrorContains(t, err, "global encoding")
}

// undeclared is a space that does not say what its operations compute.
type undeclared struct{ searchspace.SearchSpace }

// TestHyperUndeclaredSpace: a space without a declaration, or with a bad
// one, gets an error that says what to implement.
func TestHyperUndeclaredSpace(t *testing.T) {
	_, err := New(undeclared{nasbench201.New()}, syntheticImages(8, 1))
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	assert.ErrorIs(t, err, searchspace.ErrNoPrimitives)
	assert.ErrorContains(t, err, "implement searchspace.Computable")
	_, err = New(badDeclaration{nasbench201.New()}, syntheticImages(8, 1))
	assert.ErrorIs(t, err, searchspace.ErrInvalidPrimitives)
	assert.ErrorContains(t, err, "node type 5 (nor_conv_3x3)")
}

type badDeclaration struct{ *nasbench201.Space }

func (b badDeclaration) Primitives() searchspace.Primitives {
	p := b.Space.Primitives()
	p.Ops[nasbench201.NodeConv3x3].Kernel = 2
	return p
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
			switch op {
			case nasbench201.NodeConv1x1, nasbench201.NodeConv3x3, nasbench201.NodeResConv1x1, nasbench201.NodeResConv3x3:
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

// TestHyperFitSpaces trains briefly on every built-in space (and the zoo)
// with the default proxy: the image loss is finite and falls.
func TestHyperFitSpaces(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on six spaces")
	}
	spaces := []searchspace.SearchSpace{zoo{}}
	for _, c := range builtinSpaces(t) {
		if c.space.Name() != "nb201" {
			spaces = append(spaces, c.space)
		}
	}
	for _, space := range spaces {
		t.Run(space.Name(), func(t *testing.T) {
			task, err := New(space, syntheticImages(256, 2), WithImagesPerArch(4))
			require.NoError(t, err)
			archs := fixture.SampleArchs(space, 32, 4)
			p, err := hypernas.NewPredictor(space, smallOpts(hypernas.WithAux(task), hypernas.WithEpochs(12), hypernas.WithSeed(3))...)
			require.NoError(t, err)
			rep, err := p.Fit(context.Background(), archs, fixture.SyntheticLabels(archs))
			require.NoError(t, err)
			first, last := rep.AuxLosses[0], rep.AuxLosses[len(rep.AuxLosses)-1]
			t.Logf("L_hyper %.3f → %.3f", first, last)
			assert.InDelta(t, math.Log(10), first, 0.5, "starts near chance")
			assert.Less(t, last, first-0.1, "the image loss falls")
			ws, err := task.GeneratedWeights(p, archs[0])
			require.NoError(t, err)
			assert.NotEmpty(t, ws)
		})
	}
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
	d, err := cifar10data.Load() // built in: the first 4,000 training images, 8×8
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

// TestHyperBind: Bind checks what it binds, and names the architecture and
// unit of a bad encoding.
func TestHyperBind(t *testing.T) {
	space := nasbench101.New()
	seqs := sampleSeqs(t, space, 2, 1)
	_, _, ag := hyperSetupSeqs(t, space, seqs, tensor.Float64, WithTargetChannels(2), WithImageSize(4))
	assert.Error(t, ag.Bind(1, seqs[:1]), "batch size")
	bad := append(searchspace.Sequence(nil), seqs[0]...)
	bad[0] = searchspace.NewGraph(nasbench101.NodeInput, 42) // a node type outside the vocabulary
	err := ag.Bind(1, []searchspace.Sequence{seqs[1], bad})
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	assert.ErrorContains(t, err, "architecture 1: invalid architecture: unit 0")
	big := searchspace.NewGraph(make([]int, 9)...)
	err = ag.Bind(1, []searchspace.Sequence{seqs[0], {big}})
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	assert.NoError(t, ag.Bind(2, seqs), "a good batch after bad ones")
}

// TestProbeNil: the exported functions and methods return errors or zero
// values for nil and zero arguments, never panic.
func TestProbeNil(t *testing.T) {
	var nilTask *Task
	assert.Equal(t, "hyper", nilTask.Name())
	assert.Equal(t, Config{}, nilTask.Config())
	assert.Nil(t, nilTask.Images())
	assert.Nil(t, nilTask.Heads())
	_, err := nilTask.Build(nil, nil, nil, nil)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = nilTask.GeneratedWeights(nil, nil)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = (&Task{}).Build(G.NewGraph(), nil, nil, nil)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	task, err := New(nasbench201.New(), syntheticImages(8, 1))
	require.NoError(t, err)
	_, err = task.GeneratedWeights(nil, nasbench201.Arch{})
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = New(nil, nil)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = New(nasbench201.New(), &auxdata.Dataset{})
	assert.Error(t, err)
}

// TestTargetParallel: the target network runs its architectures on
// several goroutines (under -race, the CI's race run selects this test);
// the loss and every gradient are the same as on one.
func TestTargetParallel(t *testing.T) {
	run := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		g, enc, ag := hyperSetupSeqs(t, zoo{}, append(zooSeqs(), zooSeqs()...), tensor.Float64, WithTargetChannels(4), WithImageSize(8))
		wrt := append(append(G.Nodes(nil), enc.Learnables...), ag.Learnables()...)
		grads, err := G.Grad(ag.Loss(), wrt...)
		require.NoError(t, err)
		vals := make([]G.Value, len(grads))
		for i, d := range grads {
			G.Read(d, &vals[i])
		}
		out := []float64{lossOf(t, g, ag)}
		norm := 0.0
		for _, v := range vals {
			for _, x := range gx.ToFloat64s(v.Data()) {
				out, norm = append(out, x), norm+math.Abs(x)
			}
		}
		require.Positive(t, norm)
		return out
	}
	assert.Equal(t, run(1), run(4))
}
