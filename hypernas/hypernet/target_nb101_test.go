package hypernet

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/internal/gx"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/internal/gradcheck"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// naiveMaxPool3 is a direct 3×3, stride 1, padding 1 max pooling of one
// HWC image, padded positions ignored.
func naiveMaxPool3(x []float64, S, C int) []float64 {
	out := make([]float64, S*S*C)
	for y := 0; y < S; y++ {
		for xx := 0; xx < S; xx++ {
			for c := 0; c < C; c++ {
				m := math.Inf(-1)
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						if yy, xxx := y+dy, xx+dx; yy >= 0 && yy < S && xxx >= 0 && xxx < S {
							m = max(m, x[(yy*S+xxx)*C+c])
						}
					}
				}
				out[(y*S+xx)*C+c] = m
			}
		}
	}
	return out
}

func TestTargetMaxPoolMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	g := imgGeom{P: 2, S: 6, C: 3}
	x := randSlice(rng, g.M()*g.C)
	y := make([]float64, len(x))
	maxPool3(x, nil, y, g)
	n := g.S * g.S * g.C
	for p := 0; p < g.P; p++ {
		assert.Equal(t, naiveMaxPool3(x[p*n:(p+1)*n], g.S, g.C), y[p*n:(p+1)*n])
	}
	y2 := make([]float64, g.P*9*g.C)
	maxPool2(x, nil, y2, g)
	for p := 0; p < g.P; p++ {
		for oy := 0; oy < 3; oy++ {
			for ox := 0; ox < 3; ox++ {
				for c := 0; c < g.C; c++ {
					at := func(dy, dx int) float64 { return x[p*n+((2*oy+dy)*g.S+2*ox+dx)*g.C+c] }
					want := max(at(0, 0), at(0, 1), at(1, 0), at(1, 1))
					assert.Equal(t, want, y2[((p*3+oy)*3+ox)*g.C+c])
				}
			}
		}
	}
}

// TestTargetNB101OpsGradient checks the NB101 target ops against finite
// differences: the projection head (hyperGen on the projection flags), the
// adjacency sum (with 0/1 and fractional coefficients), every vertex op
// (conv1×1, conv3×3, 3×3 max pooling, zero for the output vertex and
// padding), a convolution with an all-zero weight row, and the 2×2 max
// pooling.
func TestTargetNB101OpsGradient(t *testing.T) {
	const B, N, H = 5, 4, 3
	geo := imgGeom{P: 2, S: 4, C: 2}
	rng := rand.New(rand.NewPCG(4, 2))
	g := G.NewGraph()
	mk := func(name string, vals []float64, shape ...int) *G.Node {
		if vals == nil {
			n := 1
			for _, s := range shape {
				n *= s
			}
			vals = randSlice(rng, n)
		}
		return G.NewTensor(g, tensor.Float64, len(shape), G.WithShape(shape...), G.WithName(name),
			G.WithValue(tensor.New(tensor.WithShape(shape...), tensor.WithBacking(vals))))
	}
	CC := geo.C * geo.C
	x := mk("x", nil, B, geo.M(), geo.C)
	y := mk("y", nil, B, geo.M(), geo.C) // a second state to sum
	hid := mk("hidden", nil, B, N, H)
	hwP, hbP := mk("hwP", nil, H, CC), mk("hbP", nil, 1, CC)
	hw1, hb1 := mk("hw1", nil, H, CC), mk("hb1", nil, 1, CC)
	hw3, hb3 := mk("hw3", nil, H, 9*CC), mk("hb3", nil, 1, 9*CC)
	// Architecture b has op b at node 1.
	ops := []int{nasbench101.NodeConv1x1, nasbench101.NodeConv3x3, nasbench101.NodeMaxPool3x3, nasbench101.NodeOutput, -1}
	codes := make([]float64, B*N)
	flags := make([]float64, B*N)
	for b := 0; b < B; b++ {
		codes[b*N+1] = float64(ops[b])
		flags[b*N+1] = float64(b % 2) // the projection into node 1 exists for odd b
	}
	cn, fl := mk("codes", codes, B, N), mk("flags", flags, B, N)
	adjV := make([]float64, B*(N+1)*N)
	for b := 0; b < B; b++ {
		row := adjV[(b*(N+1)+1)*N:]
		row[0], row[1], row[2] = flags[b*N+1], float64((b+1)%2), 0.5+float64(b)/4 // projection, y, x
	}
	adj := mk("adj", adjV, B, N+1, N)
	wp, err := hyperGen(hid, hwP, hbP, fl, 1, nb101Heads[nb101HeadProj].match)
	require.NoError(t, err)
	p, err := targetConv(x, wp, geo, 1, 1, true)
	require.NoError(t, err)
	in, err := targetAdjSum(G.Nodes{p, y, x}, adj, geo, 1, 0)
	require.NoError(t, err)
	w1, err := hyperGen(hid, hw1, hb1, cn, 1, nb101Heads[nb101Head1x1].match)
	require.NoError(t, err)
	w3, err := hyperGen(hid, hw3, hb3, cn, 1, nb101Heads[nb101Head3x3].match)
	require.NoError(t, err)
	s, err := targetEdge(in, w1, w3, cn, geo, 1, nb101Codes)
	require.NoError(t, err)
	// A convolution whose weights are zero for architecture 0 (its
	// forward pass and dx are skipped there, its dW must not be).
	wzV := randSlice(rng, B*CC)
	clear(wzV[:CC])
	wz := mk("wz", wzV, B, CC)
	z, err := targetConv(x, wz, geo, 1, 1, true)
	require.NoError(t, err)
	// The output: s plus the input sum, so that every architecture
	// (including those whose vertex op is zero) has a gradient to check.
	sum := G.Must(G.Add(G.Must(G.Add(s, in)), z))
	half := imgGeom{P: geo.P, S: 2, C: geo.C}
	out, err := targetMaxPool2(sum, geo)
	require.NoError(t, err)
	out, err = targetNorm(out, half)
	require.NoError(t, err)
	shift := mk("shift", nil, B, half.M(), half.C)
	cost := G.Must(G.Sum(G.Must(G.Square(G.Must(G.Add(out, shift))))))
	wrt := G.Nodes{x, y, hid, hwP, hbP, hw1, hb1, hw3, hb3, wz}
	res, err := gradcheck.Check(g, cost, wrt, 30, 1e-5, rng, nil)
	require.NoError(t, err)
	t.Logf("checked %d entries, max relative error %.3g", res.Checked, res.MaxRelError)
	assert.Less(t, res.MaxRelError, 1e-5, res.Worst)

	// Bad shapes are errors, not panics.
	_, err = targetAdjSum(G.Nodes{p, y, x}, adj, geo, N+1, 0)
	assert.Error(t, err, "row out of range")
	_, err = targetAdjSum(G.Nodes{p, y, x}, adj, geo, 1, N-2)
	assert.Error(t, err, "more terms than columns")
	_, err = targetAdjSum(nil, adj, geo, 1, 0)
	assert.Error(t, err, "no terms")
	_, err = targetAdjSum(G.Nodes{p, wp}, adj, geo, 1, 0)
	assert.Error(t, err, "a term that is no feature map")
	_, err = targetMaxPool2(x, imgGeom{P: 2, S: 3, C: 2})
	assert.Error(t, err)
}

// nb101CellGraph builds a cell graph: ops of the interior vertices and edges
// (i, j); the output is the last vertex.
func nb101CellGraph(interior []int, edges ...[2]int) searchspace.Graph {
	ops := append(append([]int{nasbench101.NodeInput}, interior...), nasbench101.NodeOutput)
	g := searchspace.NewGraph(ops...)
	for _, e := range edges {
		g.Adj[e[0]][e[1]] = true
	}
	return g
}

// refHead is one hypernetwork head's parameters in a reference
// computation.
type refHead struct{ w, b []float64 }

func (h refHead) gen(hidden []float64) []float64 {
	size := len(h.b)
	out := append([]float64(nil), h.b...)
	for k, v := range hidden {
		for j := range out {
			out[j] += v * h.w[k*size+j]
		}
	}
	return out
}

// runNB101Cell runs one NB101 cell of the target network on given
// hidden layers (B, N, H) and inputs x (B, P·S·S, C), with the head
// parameters of params.
func runNB101Cell(t *testing.T, params *encoding.Params, cells []searchspace.Graph, hidden, x []float64, geo imgGeom, H int) []float64 {
	t.Helper()
	B, N := len(cells), nasbench101.MaxVertices
	g := G.NewGraph()
	spec := nb101Target{}
	hn, err := newHyperNet(g, params, spec.heads(), nil)
	require.NoError(t, err)
	in := func(name string, vals []float64, shape ...int) *G.Node {
		i, err := encoding.NewInput(g, tensor.Float64, name, shape...)
		require.NoError(t, err)
		require.NoError(t, i.Set(vals))
		return i.Node
	}
	codes, adj, flags := make([]float64, B*N), make([]float64, B*(N+1)*N), make([]float64, B*N)
	for b, c := range cells {
		for n := range N {
			codes[b*N+n] = -1
			if n < len(c.Ops) {
				codes[b*N+n] = float64(c.Ops[n])
			}
		}
		require.NoError(t, spec.wire(c, N, adj[b*(N+1)*N:(b+1)*(N+1)*N], flags[b*N:(b+1)*N]))
	}
	tn := targetNet{hidden: []*G.Node{in("hidden", hidden, B, N, H)}, codes: []*G.Node{in("codes", codes, B, N)},
		adj: []*G.Node{in("adj", adj, B, N+1, N)}, flags: []*G.Node{in("flags", flags, B, N)}, hn: hn, spec: spec, cells: 1}
	out, err := nb101Cell(tn, 0, in("x", x, B, geo.M(), geo.C), geo)
	require.NoError(t, err)
	var v G.Value
	G.Read(out, &v)
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	return append([]float64(nil), v.Data().([]float64)...)
}

func nb101HeadParams(t *testing.T, H, C int, rng *rand.Rand) (*encoding.Params, map[string]refHead) {
	params, err := encoding.NewParams(tensor.Float64)
	require.NoError(t, err)
	ref := map[string]refHead{}
	for _, h := range nb101Heads {
		size := h.k * h.k * C * C
		w, err := params.Init("hyper/"+h.name+"/w", tensor.Shape{H, size}, rng, 0.7)
		require.NoError(t, err)
		b, err := params.Init("hyper/"+h.name+"/b", tensor.Shape{1, size}, rng, 0.7)
		require.NoError(t, err)
		ref[h.name] = refHead{w.Data().([]float64), b.Data().([]float64)}
	}
	// Unused by one cell, but newHyperNet reads them.
	_, err = params.Init("hyper/w", tensor.Shape{2, H}, rng, 0)
	require.NoError(t, err)
	_, err = params.Init("hyper/b", tensor.Shape{1, H}, rng, 0)
	require.NoError(t, err)
	return params, ref
}

// TestTargetNB101CellMatchesReference compares one cell of the target
// network with a direct computation of the NB101 cell semantics: input sums
// of projected input and predecessor states, vertex ops, the output vertex's
// input sum, normalised.
func TestTargetNB101CellMatchesReference(t *testing.T) {
	const H = 3
	geo := imgGeom{P: 2, S: 4, C: 3}
	rng := rand.New(rand.NewPCG(6, 1))
	params, ref := nb101HeadParams(t, H, geo.C, rng)
	c3, c1, mp := nasbench101.NodeConv3x3, nasbench101.NodeConv1x1, nasbench101.NodeMaxPool3x3
	cells := []searchspace.Graph{
		nb101CellGraph(nil, [2]int{0, 1}),                     // input → output
		nb101CellGraph([]int{c3}, [2]int{0, 1}, [2]int{1, 2}), // one conv
		nb101CellGraph([]int{c1, mp, c3}, [2]int{0, 1}, [2]int{1, 2}, [2]int{0, 3}, [2]int{2, 3}, [2]int{3, 4}, [2]int{0, 4}), // input → output too
		nb101CellGraph([]int{mp, c3, c1, c3, mp}, [2]int{0, 1}, [2]int{0, 2}, [2]int{1, 3}, [2]int{2, 3}, [2]int{3, 4}, [2]int{1, 5}, [2]int{4, 6}, [2]int{5, 6}),
	}
	B, N := len(cells), nasbench101.MaxVertices
	hidden := randSlice(rng, B*N*H)
	x := randSlice(rng, B*geo.M()*geo.C)
	got := runNB101Cell(t, params, cells, hidden, x, geo, H)
	n := geo.M() * geo.C
	img := geo.S * geo.S * geo.C
	for b, c := range cells {
		hidOf := func(j int) []float64 { return hidden[(b*N+j)*H : (b*N+j+1)*H] }
		xb := x[b*n : (b+1)*n]
		perImage := func(v []float64, f func([]float64) []float64) []float64 {
			var out []float64
			for p := 0; p < geo.P; p++ {
				out = append(out, f(v[p*img:(p+1)*img])...)
			}
			return out
		}
		states := make([][]float64, len(c.Ops))
		var inOut []float64
		for j := 1; j < len(c.Ops); j++ {
			sum := make([]float64, n)
			if c.Adj[0][j] {
				w := ref["proj1x1"].gen(hidOf(j))
				for i, v := range perImage(xb, func(im []float64) []float64 { return naiveConv(im, w, geo.S, geo.C, 1, 1, true) }) {
					sum[i] += v
				}
			}
			for i := 1; i < j; i++ {
				if c.Adj[i][j] {
					for k, v := range states[i] {
						sum[k] += v
					}
				}
			}
			switch c.Ops[j] {
			case nasbench101.NodeOutput:
				inOut = sum
			case nasbench101.NodeMaxPool3x3:
				states[j] = perImage(sum, func(im []float64) []float64 { return naiveMaxPool3(im, geo.S, geo.C) })
			default:
				k, head := 1, "conv1x1"
				if c.Ops[j] == nasbench101.NodeConv3x3 {
					k, head = 3, "conv3x3"
				}
				w := ref[head].gen(hidOf(j))
				states[j] = perImage(sum, func(im []float64) []float64 { return naiveConv(im, w, geo.S, geo.C, k, 1, true) })
			}
		}
		want := make([]float64, n)
		for p := 0; p < geo.P; p++ {
			rmsNorm(inOut[p*img:(p+1)*img], want[p*img:(p+1)*img])
		}
		assert.InDeltaSlice(t, want, got[b*n:(b+1)*n], 1e-10, "cell %d", b)
	}
}

// TestTargetNB101Wiring: the target network follows each architecture's
// adjacency, and what is not in a cell (padding positions, a vertex with
// no path to the output) contributes exactly nothing.
func TestTargetNB101Wiring(t *testing.T) {
	const H = 3
	geo := imgGeom{P: 2, S: 4, C: 2}
	rng := rand.New(rand.NewPCG(8, 1))
	params, _ := nb101HeadParams(t, H, geo.C, rng)
	c3, c1, mp := nasbench101.NodeConv3x3, nasbench101.NodeConv1x1, nasbench101.NodeMaxPool3x3
	N := nasbench101.MaxVertices
	base := nb101CellGraph([]int{c3, c1, mp}, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 4})
	rewired := nb101CellGraph([]int{c3, c1, mp}, [2]int{0, 1}, [2]int{1, 2}, [2]int{1, 3}, [2]int{3, 4}) // 1→3 instead of 2→3
	rewired2 := nb101CellGraph([]int{c3, c1, mp}, [2]int{0, 1}, [2]int{0, 2}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 4})
	// base plus a vertex (position 4) on no path to the output; the
	// output moves to position 5.
	dangling := nb101CellGraph([]int{c3, c1, mp, c3}, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 5}, [2]int{0, 4}, [2]int{2, 4})
	cells := []searchspace.Graph{base, rewired, rewired2, dangling, base}
	B := len(cells)
	row := randSlice(rng, N*H) // one architecture's hidden layer
	hidden := make([]float64, 0, B*N*H)
	for b := range cells {
		h := append([]float64(nil), row...)
		switch b {
		case 3:
			// The output's embedding where the output now is; the
			// dangling vertex's is arbitrary.
			copy(h[5*H:6*H], row[4*H:5*H])
			copy(h[4*H:5*H], randSlice(rng, H))
		case 4:
			// Padding positions (5, 6) hold anything.
			copy(h[5*H:], randSlice(rng, 2*H))
		}
		hidden = append(hidden, h...)
	}
	xb := randSlice(rng, geo.M()*geo.C)
	var x []float64
	for range cells {
		x = append(x, xb...)
	}
	out := runNB101Cell(t, params, cells, hidden, x, geo, H)
	n := geo.M() * geo.C
	of := func(b int) []float64 { return out[b*n : (b+1)*n] }
	assert.NotEqual(t, of(0), of(1), "another edge, another output")
	assert.NotEqual(t, of(0), of(2), "an added projection changes the output")
	assert.Equal(t, of(0), of(3), "a vertex on no path to the output contributes nothing")
	assert.Equal(t, of(0), of(4), "padding positions contribute nothing")
}

// TestHyperGradientNB101 is the finite-difference check of the whole NB101
// auxiliary path: L_hyper → target network → hypernetwork → GCN encoder.
// Three channels: with two, one channel of the stem is negative almost
// everywhere on these images, the projections' ReLU passes almost nothing
// of it, and its gradients (~1e-9) are below what finite differences of a
// loss near 2.3 resolve.
func TestHyperGradientNB101(t *testing.T) {
	space := nasbench101.New()
	seqs := nb101Seqs(t, space, 3, 9)
	g, enc, ag := hyperSetupSeqs(t, space, seqs, tensor.Float64, WithTargetChannels(3), WithImageSize(4), WithImagesPerArch(2),
		WithHidden(4), WithCellsPerStage(2))
	checkHyperGradient(t, g, enc, ag)
	names := map[string]bool{}
	for _, n := range ag.Learnables() {
		names[n.Name()] = true
	}
	assert.True(t, names["hyper/proj1x1/w"], "the projection head is trained")
}

// requireNoHashCollision fails when two nodes of g share a hash (see
// checkHashes; seen once while writing these tests: a 3-channel,
// 3-images-per-architecture variant of the graph above failed with a shape
// mismatch in an Add), so that such a failure is not mistaken for a bug of
// the ops.
func requireNoHashCollision(t testing.TB, g *G.ExprGraph) {
	t.Helper()
	require.NoError(t, gx.CheckHashes(g), "Gorgonia hash collision")
}

func nb101Seqs(t testing.TB, space *nasbench101.Space, n int, seed uint64) []searchspace.Sequence {
	seqs := make([]searchspace.Sequence, n)
	for i, a := range fixture.SampleArchs(space, n, seed) {
		var err error
		seqs[i], err = space.Encode(a)
		require.NoError(t, err)
	}
	return seqs
}

// TestHyperNB101Adjacency: through the whole path, a cell that differs
// from another only in its wiring gets another L_hyper (same parameters,
// same images).
func TestHyperNB101Adjacency(t *testing.T) {
	space := nasbench101.New()
	loss := func(c nasbench101.Cell) float64 {
		seq, err := space.Encode(c)
		require.NoError(t, err)
		g, _, ag := hyperSetupSeqs(t, space, []searchspace.Sequence{seq}, tensor.Float64, WithTargetChannels(4), WithImagesPerArch(4))
		var v G.Value
		G.Read(ag.Loss(), &v)
		vm := G.NewTapeMachine(g)
		defer vm.Close()
		require.NoError(t, vm.RunAll())
		return v.Data().(float64)
	}
	ops := []string{nasbench101.OpInput, nasbench101.OpConv3x3, nasbench101.OpMaxPool, nasbench101.OpConv1x1, nasbench101.OpOutput}
	cell := func(edges ...[2]int) nasbench101.Cell {
		adj := make([][]bool, len(ops))
		for i := range adj {
			adj[i] = make([]bool, len(ops))
		}
		for _, e := range edges {
			adj[e[0]][e[1]] = true
		}
		c, err := nasbench101.NewCell(adj, ops)
		require.NoError(t, err)
		return c
	}
	chain := cell([2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 4})
	skip := cell([2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 4}, [2]int{1, 3})
	a, b := loss(chain), loss(skip)
	t.Logf("L_hyper chain %.6f, with 1→3 %.6f", a, b)
	assert.NotEqual(t, a, b)
	assert.Equal(t, a, loss(chain), "deterministic")
}

// TestHyperNB101BadInput: a wrong encoding shape, a bad option, and units
// that are not cells are clear errors.
func TestHyperNB101BadInput(t *testing.T) {
	space := nasbench101.New()
	d := syntheticImages(16, 1)
	_, err := New(space, d, WithCellsPerStage(4))
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	task, err := New(space, d)
	require.NoError(t, err)
	// The single-cell encoding has no units for the target network.
	p, err := hypernas.NewPredictor(space, smallOpts(hypernas.WithEncoding(hypernas.SingleCell), hypernas.WithAux(task), hypernas.WithEpochs(1))...)
	require.NoError(t, err)
	archs := fixture.SampleArchs(space, 4, 1)
	_, err = p.Fit(context.Background(), archs, fixture.SyntheticLabels(archs))
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	assert.ErrorContains(t, err, "NB101")
	// An NB201 encoder is not an NB101 one.
	shape, err := encoding.ShapeOf(nasbench201.New(), true)
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
	assert.ErrorIs(t, err, hypernas.ErrBadOption)

	// Bind checks what it binds.
	seqs := nb101Seqs(t, space, 2, 1)
	_, _, ag := hyperSetupSeqs(t, space, seqs, tensor.Float64, WithTargetChannels(2), WithImageSize(4))
	assert.Error(t, ag.Bind(1, seqs[:1]), "batch size")
	N := nasbench101.MaxVertices
	adj, flags := make([]float64, (N+1)*N), make([]float64, N)
	c3 := nasbench101.NodeConv3x3
	big := nb101CellGraph([]int{c3, c3, c3, c3, c3, c3}, [2]int{0, 1}, [2]int{1, 7})
	back := nb101CellGraph([]int{c3, c3}, [2]int{0, 1}, [2]int{2, 1}, [2]int{2, 3})
	ragged := nb101CellGraph([]int{c3}, [2]int{0, 1}, [2]int{1, 2})
	ragged.Adj[1] = ragged.Adj[1][:2]
	for name, g := range map[string]searchspace.Graph{
		"downsampling unit": seqs[0][3],
		"too many nodes":    big,
		"backward edge":     back,
		"ragged adjacency":  ragged,
		"no output":         searchspace.NewGraph(nasbench101.NodeInput, c3),
		"one node":          searchspace.NewGraph(nasbench101.NodeInput),
	} {
		err := nb101Target{}.wire(g, N, adj, flags)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch, name)
	}
	bad := append(searchspace.Sequence(nil), seqs[0]...)
	bad[0] = seqs[0][3] // a downsampling unit where the target network reads a cell
	err = ag.Bind(1, []searchspace.Sequence{bad, seqs[1]})
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	assert.ErrorContains(t, err, "architecture 0, unit 0")
}

// TestHyperFitNB101 trains with the NB101 auxiliary task: the image loss
// falls, and the generated weights cover every convolution and input
// projection of the encoding.
func TestHyperFitNB101(t *testing.T) {
	space := nasbench101.New()
	task, err := New(space, syntheticImages(256, 2), WithImagesPerArch(4))
	require.NoError(t, err)
	archs := fixture.SampleArchs(space, 48, 4)
	p, err := hypernas.NewPredictor(space, smallOpts(hypernas.WithAux(task), hypernas.WithEpochs(12), hypernas.WithSeed(3))...)
	require.NoError(t, err)
	rep, err := p.Fit(context.Background(), archs, fixture.SyntheticLabels(archs))
	require.NoError(t, err)
	last := len(rep.AuxLosses) - 1
	require.Equal(t, 12, len(rep.AuxLosses))
	t.Logf("L_hyper %.3f → %.3f, L_pred %.3f → %.3f", rep.AuxLosses[0], rep.AuxLosses[last], rep.Losses[0], rep.Losses[last])
	assert.InDelta(t, math.Log(10), rep.AuxLosses[0], 0.5, "starts near chance")
	assert.Less(t, rep.AuxLosses[last], rep.AuxLosses[0]-0.1, "the image loss falls")

	ws, err := task.GeneratedWeights(p, archs[0])
	require.NoError(t, err)
	seq, err := space.Encode(archs[0])
	require.NoError(t, err)
	want := map[string]int{}
	for _, u := range seq {
		for n, op := range u.Ops {
			switch op {
			case nasbench101.NodeConv1x1:
				want["conv1x1"]++
			case nasbench101.NodeConv3x3:
				want["conv3x3"]++
			}
			if n > 0 && u.Adj[0][n] && op != nasbench101.NodeDownsample {
				want["proj1x1"]++
			}
		}
	}
	got := map[string]int{}
	for _, w := range ws {
		got[w.Head]++
		assert.Len(t, w.Values, w.K*w.K*8*8, "%+v", w.Head)
		assert.Equal(t, w.K == 3, w.Head == "conv3x3")
	}
	assert.Equal(t, want, got)
	assert.Positive(t, want["proj1x1"])
}
