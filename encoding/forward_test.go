package encoding

import (
	"math/rand/v2"
	"testing"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// graphEmbed runs Encoder's graph on seqs in a batch of the given size (the
// rows after len(seqs) are padding) and returns h of the real rows.
func graphEmbed(t testing.TB, p *Params, c Config, batch int, seqs []searchspace.Sequence) []float64 {
	t.Helper()
	g := G.NewGraph()
	e, err := NewEncoder(g, p, c, batch)
	require.NoError(t, err)
	var hv G.Value
	G.Read(e.H, &hv)
	b := mustBatch(t, c.Shape, batch)
	require.NoError(t, b.Pack(seqs))
	require.NoError(t, e.Bind(b))
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	var h []float64
	switch d := hv.Data().(type) {
	case []float32:
		for _, x := range d {
			h = append(h, float64(x))
		}
	case []float64:
		h = append(h, d...)
	}
	return h[:len(seqs)*c.Hidden]
}

func forwardEmbed(t testing.TB, p *Params, c Config, seqs []searchspace.Sequence) []float64 {
	t.Helper()
	f, err := NewForward(p, c)
	require.NoError(t, err)
	h := make([]float64, len(seqs)*c.Hidden)
	require.NoError(t, f.Embed(seqs, h))
	return h
}

func nb201Seqs(t testing.TB, n int, seed uint64) (Shape, []searchspace.Sequence) {
	t.Helper()
	sp := nasbench201.New()
	shape, err := ShapeOf(sp, true)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(seed, seed))
	seqs := make([]searchspace.Sequence, n)
	for i := range seqs {
		seqs[i], err = sp.Encode(sp.Sample(rng))
		require.NoError(t, err)
	}
	return shape, seqs
}

// TestForwardMatchesGraphBitForBit: Forward computes the graph's h exactly,
// in both dtypes, with padding rows in the graph's batch.
func TestForwardMatchesGraphBitForBit(t *testing.T) {
	shape, seqs := nb201Seqs(t, 37, 1)
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		c := Config{Shape: shape, Hidden: 32, Layers: 3}
		p, err := NewParams(dt)
		require.NoError(t, err)
		require.NoError(t, InitParams(p, c, rand.New(rand.NewPCG(2, 3))))
		want := graphEmbed(t, p, c, 40, seqs)
		got := forwardEmbed(t, p, c, seqs)
		assert.Equal(t, want, got, "%v", dt)
	}
}

// TestForwardFeaturesAndDepth: node features, sequences of several lengths
// (a variable-depth space) and random wiring, against the graph.
func TestForwardFeaturesAndDepth(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	shape := Shape{Units: 6, Nodes: 5, Vocab: 4, Features: 3}
	mk := func() searchspace.Graph {
		n := 2 + rng.IntN(4)
		ops := make([]int, n)
		for i := range ops {
			ops[i] = rng.IntN(4)
		}
		g := searchspace.NewGraph(ops...)
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				g.Adj[i][j] = rng.IntN(2) == 0
			}
			f := make([]float64, 3)
			for k := range f {
				f[k] = rng.NormFloat64()
			}
			f[rng.IntN(3)] = 0
			g.Features = append(g.Features, f)
		}
		return g
	}
	var seqs []searchspace.Sequence
	for i := 0; i < 9; i++ {
		seq := make(searchspace.Sequence, 1+rng.IntN(6))
		for u := range seq {
			seq[u] = mk()
		}
		seqs = append(seqs, seq)
	}
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		c := Config{Shape: shape, Hidden: 7, Layers: 2}
		p, err := NewParams(dt)
		require.NoError(t, err)
		require.NoError(t, InitParams(p, c, rng))
		assert.Equal(t, graphEmbed(t, p, c, 11, seqs), forwardEmbed(t, p, c, seqs), "%v", dt)
	}
}

// TestForwardReuse: a Forward gives the same h for a batch whatever it
// embedded before (its buffers hold no state between batches), and Load
// takes new weights.
func TestForwardReuse(t *testing.T) {
	shape, seqs := nb201Seqs(t, 20, 4)
	c := Config{Shape: shape, Hidden: 8, Layers: 2}
	p, err := NewParams(tensor.Float32)
	require.NoError(t, err)
	require.NoError(t, InitParams(p, c, rand.New(rand.NewPCG(5, 5))))
	f, err := NewForward(p, c)
	require.NoError(t, err)
	small := make([]float64, 3*8)
	require.NoError(t, f.Embed(seqs[:3], small))
	all := make([]float64, 20*8)
	require.NoError(t, f.Embed(seqs, all))
	again := make([]float64, 3*8)
	require.NoError(t, f.Embed(seqs[:3], again))
	assert.Equal(t, small, again)
	assert.Equal(t, small, all[:3*8])

	q := p.Clone()
	w := q.Get("enc/gcn1").Data().([]float32)
	w[0] += 1
	require.NoError(t, f.Load(q))
	require.NoError(t, f.Embed(seqs, all))
	assert.Equal(t, graphEmbed(t, q, c, 20, seqs), all)
}

func TestForwardErrors(t *testing.T) {
	shape, seqs := nb201Seqs(t, 2, 6)
	c := Config{Shape: shape, Hidden: 4, Layers: 2}
	p, err := NewParams(tensor.Float32)
	require.NoError(t, err)
	_, err = NewForward(p, c)
	assert.ErrorContains(t, err, "no parameter", "weights not initialised")
	require.NoError(t, InitParams(p, c, rand.New(rand.NewPCG(1, 2))))
	_, err = NewForward(p, Config{Shape: shape, Hidden: 5, Layers: 2})
	assert.ErrorContains(t, err, "shape", "another hidden size")
	_, err = NewForward(nil, c)
	assert.Error(t, err)
	_, err = NewForward(p, Config{})
	assert.Error(t, err)

	f, err := NewForward(p, c)
	require.NoError(t, err)
	assert.Error(t, f.Embed(seqs, make([]float64, 3)), "wrong output length")
	bad := append(searchspace.Sequence(nil), seqs[1]...)
	g := searchspace.NewGraph(0, 99)
	g.Adj[0][1] = true
	bad[3] = g
	err = f.Embed([]searchspace.Sequence{seqs[0], bad}, make([]float64, 2*4))
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	assert.ErrorContains(t, err, "sequence 1: unit 3")
	assert.ErrorIs(t, f.Embed([]searchspace.Sequence{{}}, make([]float64, 4)), searchspace.ErrInvalidArch)
	long := make(searchspace.Sequence, shape.Units+1)
	for i := range long {
		long[i] = seqs[0][0]
	}
	assert.ErrorIs(t, f.Embed([]searchspace.Sequence{long}, make([]float64, 4)), searchspace.ErrInvalidArch)
	assert.NoError(t, f.Embed(nil, nil), "an empty batch")

	p64, err := NewParams(tensor.Float64)
	require.NoError(t, err)
	require.NoError(t, InitParams(p64, c, rand.New(rand.NewPCG(1, 2))))
	assert.ErrorContains(t, f.Load(p64), "float64", "a Forward keeps its dtype")
	var zero Forward
	assert.Error(t, zero.Embed(seqs, make([]float64, 8)))
	assert.Error(t, zero.Load(p))
	var nilF *Forward
	assert.Error(t, nilF.Embed(seqs, make([]float64, 8)))
}

// BenchmarkForwardNB201 is BenchmarkEncoderForwardNB201 without a graph:
// the encoder on 256 NB201 architectures, hidden 32, float32.
func BenchmarkForwardNB201(b *testing.B) {
	shape, seqs := nb201Seqs(b, 256, 2)
	c := Config{Shape: shape, Hidden: 32, Layers: 3}
	p, _ := NewParams(tensor.Float32)
	_ = InitParams(p, c, rand.New(rand.NewPCG(1, 1)))
	f, err := NewForward(p, c)
	if err != nil {
		b.Fatal(err)
	}
	h := make([]float64, len(seqs)*c.Hidden)
	if err := f.Embed(seqs, h); err != nil { // the buffers grow once
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := f.Embed(seqs, h); err != nil {
			b.Fatal(err)
		}
	}
}
