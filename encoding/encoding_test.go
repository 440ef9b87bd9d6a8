package encoding

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hypernas/go-hypernas/internal/gradcheck"
	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func mustBatch(t testing.TB, s Shape, size int) *Batch {
	t.Helper()
	b, err := NewBatch(s, size)
	require.NoError(t, err)
	return b
}

// chain returns a graph input → op… → output as a path.
func chain(ops ...int) searchspace.Graph {
	g := searchspace.NewGraph(ops...)
	for i := 0; i+1 < len(ops); i++ {
		g.Adj[i][i+1] = true
	}
	return g
}

func TestPackOneHotAdjacencyAndMask(t *testing.T) {
	s := Shape{Units: 2, Nodes: 4, Vocab: 3}
	b := mustBatch(t, s, 2)
	g0 := chain(0, 2, 1) // 3 nodes, padded to 4
	g1 := searchspace.NewGraph(0, 2, 2, 1)
	g1.Adj[0][1], g1.Adj[0][2], g1.Adj[1][3], g1.Adj[2][3] = true, true, true, true
	require.NoError(t, b.Pack([]searchspace.Sequence{{g0, g1}}))
	assert.Equal(t, 1, b.Used)
	N, V := 4, 3
	// one-hot of unit 0, architecture 0: ops 0,2,1 then a zero padding row
	assert.Equal(t, []float64{1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0}, b.OneHot[0][:N*V])
	// forward adjacency, unit 0: node 1 hears itself and node 0 (½ each)
	fwd := b.Fwd[0][:N*N]
	assert.Equal(t, []float64{1, 0, 0, 0}, fwd[0:4])
	assert.Equal(t, []float64{0.5, 0.5, 0, 0}, fwd[4:8])
	assert.Equal(t, []float64{0, 0.5, 0.5, 0}, fwd[8:12])
	assert.Equal(t, []float64{0, 0, 0, 0}, fwd[12:16], "padding row is zero")
	bwd := b.Bwd[0][:N*N]
	assert.Equal(t, []float64{0.5, 0.5, 0, 0}, bwd[0:4])
	assert.Equal(t, []float64{0, 0, 1, 0}, bwd[8:12], "output hears only itself going backward")
	// unit 1: output node 3 has two predecessors
	assert.InDeltaSlice(t, []float64{0, 1. / 3, 1. / 3, 1. / 3}, b.Fwd[1][12:16], 1e-12)
	// pooling weights: mean over the 3 real nodes
	assert.InDeltaSlice(t, []float64{1. / 3, 1. / 3, 1. / 3, 0}, b.Pool[0][:4], 1e-12)
	assert.Equal(t, []float64{0.25, 0.25, 0.25, 0.25}, b.Pool[1][:4])
	// row 1 of the batch is padding: all zero
	for _, x := range b.Pool[0][4:] {
		assert.Zero(t, x)
	}
	// re-packing fewer sequences clears old rows
	require.NoError(t, b.Pack(nil))
	for _, x := range b.OneHot[0] {
		assert.Zero(t, x)
	}
}

func TestPackErrors(t *testing.T) {
	s := Shape{Units: 2, Nodes: 3, Vocab: 3}
	b := mustBatch(t, s, 1)
	g := chain(0, 2, 1)
	assert.ErrorIs(t, b.Pack([]searchspace.Sequence{{g, g, g}}), searchspace.ErrInvalidArch, "too many units")
	assert.ErrorIs(t, b.Pack([]searchspace.Sequence{{}}), searchspace.ErrInvalidArch, "no units")
	big := chain(0, 2, 2, 1)
	assert.ErrorIs(t, b.Pack([]searchspace.Sequence{{g, big}}), searchspace.ErrInvalidArch, "too many nodes")
	bad := chain(0, 5, 1)
	assert.ErrorIs(t, b.Pack([]searchspace.Sequence{{g, bad}}), searchspace.ErrInvalidArch, "op out of vocabulary")
	back := chain(0, 2, 1)
	back.Adj[2][0] = true
	assert.ErrorIs(t, b.Pack([]searchspace.Sequence{{g, back}}), searchspace.ErrInvalidArch, "backward edge")
	assert.Error(t, b.Pack([]searchspace.Sequence{{g, g}, {g, g}}), "more sequences than rows")
}

func TestShapeOfNB201(t *testing.T) {
	sp := nasbench201.New()
	s, err := ShapeOf(sp, true)
	require.NoError(t, err)
	assert.Equal(t, Shape{Units: 17, Nodes: 8, Vocab: len(sp.OpNames())}, s)
	s, err = ShapeOf(sp, false)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Units)
}

// cellSized is NB201 whose single-cell encoding declares more nodes.
type cellSized struct{ searchspace.SearchSpace }

func (cellSized) MaxCellNodes() int { return 20 }

// deep is NB201 declared as a variable-depth space of up to 30 units.
type deep struct{ searchspace.SearchSpace }

func (deep) MaxUnits() int { return 30 }

func TestShapeOfDeclarations(t *testing.T) {
	sp := nasbench201.New()
	s, err := ShapeOf(cellSized{sp}, false)
	require.NoError(t, err)
	assert.Equal(t, Shape{Units: 1, Nodes: 20, Vocab: len(sp.OpNames())}, s, "MaxCellNodes for the single cell")
	s, err = ShapeOf(cellSized{sp}, true)
	require.NoError(t, err)
	assert.Equal(t, sp.MaxNodes(), s.Nodes, "MaxNodes for the global encoding")
	s, err = ShapeOf(deep{sp}, true)
	require.NoError(t, err)
	assert.Equal(t, 30, s.Units, "MaxUnits")
	s, err = ShapeOf(deep{sp}, false)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Units)
}

// TestSetNamesTheDeclaration: an error of Batch.Set says which of the
// space's declarations is too small.
func TestSetNamesTheDeclaration(t *testing.T) {
	b := mustBatch(t, Shape{Units: 2, Nodes: 3, Vocab: 3, Features: 1}, 1)
	withFeat := func(g searchspace.Graph, f ...[]float64) searchspace.Graph { g.Features = f; return g }
	ok := withFeat(chain(0, 1, 2), []float64{0}, []float64{1}, []float64{2})
	tests := []struct {
		name string
		seq  searchspace.Sequence
		want string
	}{
		{"units", searchspace.Sequence{ok, ok, ok}, "MaxUnits"},
		{"nodes", searchspace.Sequence{withFeat(chain(0, 1, 1, 2), []float64{0}, []float64{1}, []float64{1}, []float64{2})}, "MaxNodes, or MaxCellNodes"},
		{"ops", searchspace.Sequence{withFeat(chain(0, 3, 2), []float64{0}, []float64{1}, []float64{2})}, "OpNames"},
		{"features", searchspace.Sequence{withFeat(chain(0, 1, 2), []float64{0}, []float64{1, 1}, []float64{2})}, "NumFeatures declares 1"},
		{"no features", searchspace.Sequence{chain(0, 1, 2)}, "0 feature rows for 3 nodes, but the space's NumFeatures declares 1 features per node"},
	}
	for _, tc := range tests {
		err := b.Set(0, tc.seq)
		require.ErrorIs(t, err, searchspace.ErrInvalidArch, tc.name)
		assert.ErrorContains(t, err, tc.want, tc.name)
	}
	require.NoError(t, b.Set(0, searchspace.Sequence{ok}))
	b0 := mustBatch(t, Shape{Units: 1, Nodes: 3, Vocab: 3}, 1)
	assert.ErrorContains(t, b0.Set(0, searchspace.Sequence{ok}), "NumFeatures declares none")
}

func randomFloats(rng *rand.Rand, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = rng.NormFloat64()
	}
	return out
}

// TestGCNForwardMatchesDefinition checks the fused op against the layer's
// definition computed naively.
func TestGCNForwardMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	B, N, H := 3, 4, 5
	f, bw, p := randomFloats(rng, B*N*N), randomFloats(rng, B*N*N), randomFloats(rng, B*N*2*H)
	for i := range f { // sparse, as real adjacencies are
		if rng.IntN(3) == 0 {
			f[i] = 0
		}
	}
	out := make([]float64, B*N*H)
	gcnForward(f, bw, p, out, B, N, H)
	relu := func(x float64) float64 { return math.Max(0, x) }
	for b := 0; b < B; b++ {
		for i := 0; i < N; i++ {
			for k := 0; k < H; k++ {
				var a, c float64
				for j := 0; j < N; j++ {
					a += f[b*N*N+i*N+j] * p[(b*N+j)*2*H+k]
					c += bw[b*N*N+i*N+j] * p[(b*N+j)*2*H+H+k]
				}
				assert.InDelta(t, 0.5*relu(a)+0.5*relu(c), out[(b*N+i)*H+k], 1e-12)
			}
		}
	}
}

// encoderCost builds a float64 encoder and a cost that reads both h and the
// last unit's node embeddings, with random fixed weights.
func encoderCost(t *testing.T, c Config, batch int, seqs []searchspace.Sequence) (*G.ExprGraph, *G.Node, *Encoder, *Batch) {
	t.Helper()
	p, err := NewParams(tensor.Float64)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(3, 4))
	require.NoError(t, InitParams(p, c, rng))
	g := G.NewGraph()
	e, err := NewEncoder(g, p, c, batch)
	require.NoError(t, err)
	b := mustBatch(t, c.Shape, batch)
	require.NoError(t, b.Pack(seqs))
	rh := G.NewTensor(g, tensor.Float64, 2, G.WithShape(batch, c.Hidden), G.WithValue(tensor.New(tensor.WithShape(batch, c.Hidden), tensor.WithBacking(randomFloats(rng, batch*c.Hidden)))))
	hr, err := G.HadamardProd(e.H, rh)
	require.NoError(t, err)
	cost, err := G.Sum(hr)
	require.NoError(t, err)
	last := e.NodeEmb[len(e.NodeEmb)-1]
	sq, err := G.Square(last)
	require.NoError(t, err)
	s2, err := G.Sum(sq)
	require.NoError(t, err)
	cost, err = G.Add(cost, s2)
	require.NoError(t, err)
	return g, cost, e, b
}

func TestEncoderGradientNB201(t *testing.T) {
	sp := nasbench201.New()
	rng := rand.New(rand.NewPCG(5, 6))
	var seqs []searchspace.Sequence
	for i := 0; i < 3; i++ {
		seq, err := sp.Encode(sp.Sample(rng))
		require.NoError(t, err)
		seqs = append(seqs, seq[:7]) // 7 units: cells and the first reduction block
	}
	shape := Shape{Units: 7, Nodes: sp.MaxNodes(), Vocab: len(sp.OpNames())}
	c := Config{Shape: shape, Hidden: 6, Layers: 3}
	g, cost, e, b := encoderCost(t, c, 4, seqs) // row 3 is padding
	res, err := gradcheck.Check(g, cost, e.Learnables, 12, 1e-6, rng, func() error { return e.Bind(b) })
	require.NoError(t, err)
	t.Logf("checked %d entries, max relative error %.2e (%s)", res.Checked, res.MaxRelError, res.Worst)
	assert.Less(t, res.MaxRelError, 1e-5, res.Worst)
}

func TestEncoderGradientWithFeatures(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	shape := Shape{Units: 3, Nodes: 4, Vocab: 4, Features: 2}
	mk := func() searchspace.Graph {
		g := chain(0, 1+rng.IntN(2), 1+rng.IntN(2), 3)
		g.Adj[0][2] = rng.IntN(2) == 0
		g.Features = [][]float64{{0, 1}, {rng.Float64(), 1}, {rng.Float64(), 0}, {1, 1}}
		return g
	}
	seqs := []searchspace.Sequence{{mk(), mk(), mk()}, {mk(), mk(), mk()}}
	c := Config{Shape: shape, Hidden: 5, Layers: 2}
	g, cost, e, b := encoderCost(t, c, 2, seqs)
	res, err := gradcheck.Check(g, cost, e.Learnables, 15, 1e-6, rng, func() error { return e.Bind(b) })
	require.NoError(t, err)
	t.Logf("checked %d entries, max relative error %.2e (%s)", res.Checked, res.MaxRelError, res.Worst)
	assert.Less(t, res.MaxRelError, 1e-5, res.Worst)
}

// TestInterCellLink: the same cell at two depths gets different unit
// embeddings because of v ← v + z^{i-1}, and padding rows do not change a
// real row's embedding.
func TestInterCellLinkAndPaddingIsolation(t *testing.T) {
	sp := nasbench201.New()
	a, err := sp.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
	require.NoError(t, err)
	seq, err := sp.Encode(a)
	require.NoError(t, err)
	shape, err := ShapeOf(sp, true)
	require.NoError(t, err)
	c := Config{Shape: shape, Hidden: 8, Layers: 3}
	p, err := NewParams(tensor.Float64)
	require.NoError(t, err)
	require.NoError(t, InitParams(p, c, rand.New(rand.NewPCG(1, 1))))
	run := func(batch int, seqs []searchspace.Sequence) ([]G.Value, G.Value) {
		g := G.NewGraph()
		e, err := NewEncoder(g, p, c, batch)
		require.NoError(t, err)
		zs := make([]G.Value, len(e.Z))
		for i, z := range e.Z {
			G.Read(z, &zs[i])
		}
		var h G.Value
		G.Read(e.H, &h)
		b := mustBatch(t, shape, batch)
		require.NoError(t, b.Pack(seqs))
		require.NoError(t, e.Bind(b))
		vm := G.NewTapeMachine(g)
		defer vm.Close()
		require.NoError(t, vm.RunAll())
		return zs, h
	}
	zs, h1 := run(1, []searchspace.Sequence{seq})
	z0 := zs[0].Data().([]float64)
	z1 := zs[1].Data().([]float64)
	assert.NotEqual(t, z0, z1, "identical cells at depths 0 and 1 must differ")
	_, h3 := run(3, []searchspace.Sequence{seq})
	assert.InDeltaSlice(t, h1.Data().([]float64), h3.Data().([]float64)[:8], 1e-12, "padding rows leave row 0 unchanged")
}

func TestConfigAndParamErrors(t *testing.T) {
	assert.Error(t, Config{Shape: Shape{Units: 1, Nodes: 2, Vocab: 2}, Hidden: 0, Layers: 1}.Validate())
	assert.Error(t, Config{Shape: Shape{Units: 1, Nodes: 2, Vocab: 2}, Hidden: 2, Layers: 0}.Validate())
	_, err := NewParams(tensor.Int)
	assert.Error(t, err)
	p, err := NewParams(tensor.Float32)
	require.NoError(t, err)
	_, err = p.Init("w", tensor.Shape{2, 3}, rand.New(rand.NewPCG(1, 1)), 0)
	require.NoError(t, err)
	_, err = p.Init("w", tensor.Shape{3, 2}, rand.New(rand.NewPCG(1, 1)), 0)
	assert.Error(t, err, "shape mismatch with an existing parameter")
	g := G.NewGraph()
	_, err = GCNCombine(
		G.NewTensor(g, tensor.Float32, 3, G.WithShape(2, 3, 3)),
		G.NewTensor(g, tensor.Float32, 3, G.WithShape(2, 3, 3)),
		G.NewTensor(g, tensor.Float32, 3, G.WithShape(2, 4, 6)))
	assert.Error(t, err, "node count mismatch")
}

// BenchmarkEncoderForwardNB201 runs the encoder alone on 256 NB201
// architectures (17 units, hidden 32 as the predictor's default, float32).
func BenchmarkEncoderForwardNB201(b *testing.B) {
	sp := nasbench201.New()
	shape, _ := ShapeOf(sp, true)
	c := Config{Shape: shape, Hidden: 32, Layers: 3}
	p, _ := NewParams(tensor.Float32)
	_ = InitParams(p, c, rand.New(rand.NewPCG(1, 1)))
	g := G.NewGraph()
	e, err := NewEncoder(g, p, c, 256)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	seqs := make([]searchspace.Sequence, 256)
	for i := range seqs {
		seqs[i], _ = sp.Encode(sp.Sample(rng))
	}
	batch := mustBatch(b, shape, 256)
	if err := batch.Pack(seqs); err != nil {
		b.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := e.Bind(batch); err != nil {
			b.Fatal(err)
		}
		if err := vm.RunAll(); err != nil {
			b.Fatal(err)
		}
		vm.Reset()
	}
}

// TestVariableDepth: a sequence shorter than the encoder's unit count gives
// exactly the embedding of an encoder built for its own length.
func TestVariableDepth(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	mk := func() searchspace.Graph {
		g := chain(0, 1+rng.IntN(2), 1+rng.IntN(2), 3)
		g.Adj[0][2] = true
		return g
	}
	short := searchspace.Sequence{mk(), mk(), mk()}
	long := searchspace.Sequence{mk(), mk(), mk(), mk(), mk()}
	p, err := NewParams(tensor.Float64)
	require.NoError(t, err)
	c5 := Config{Shape: Shape{Units: 5, Nodes: 4, Vocab: 4}, Hidden: 6, Layers: 2}
	require.NoError(t, InitParams(p, c5, rng))
	h := func(c Config, seqs []searchspace.Sequence) []float64 {
		g := G.NewGraph()
		e, err := NewEncoder(g, p, c, len(seqs))
		require.NoError(t, err)
		var hv G.Value
		G.Read(e.H, &hv)
		b := mustBatch(t, c.Shape, len(seqs))
		require.NoError(t, b.Pack(seqs))
		require.NoError(t, e.Bind(b))
		vm := G.NewTapeMachine(g)
		defer vm.Close()
		require.NoError(t, vm.RunAll())
		return append([]float64(nil), hv.Data().([]float64)...)
	}
	c3 := c5
	c3.Units = 3
	mixed := h(c5, []searchspace.Sequence{short, long})
	assert.InDeltaSlice(t, h(c3, []searchspace.Sequence{short}), mixed[:6], 1e-12)
	assert.InDeltaSlice(t, h(c5, []searchspace.Sequence{long}), mixed[6:], 1e-12)
}

// TestOpHashes: every field of the custom ops changes their hash, and the
// forward op and its gradient hash differently.
func TestOpHashes(t *testing.T) {
	for _, op := range []G.Op{gcnOp{}, gcnOp{grad: true}, poolOp{}, poolOp{grad: true}} {
		assert.NoError(t, gx.CheckHashFields(op), "%v", op)
	}
	assert.NotEqual(t, gcnOp{}.Hashcode(), gcnOp{grad: true}.Hashcode())
}
