package hypernet

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorgonia.org/tensor"
)

// NAS-Bench-101 through the generic target network, against a direct
// computation of the benchmark's cell semantics.

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

// engineRun runs the target network of space on one-unit sequences, with
// the given stem output x (B, P·S·S, C), hidden layer (B, N, H; its values
// ≥ 0: the node embeddings, under the identity and a zero bias) and head
// parameters, and returns each architecture's normalised unit output.
func engineRun(t *testing.T, space searchspace.SearchSpace, cells []searchspace.Graph, g geo, P, H int, x, hidden []float64, hw, hb [][]float64) [][]float64 {
	t.Helper()
	px, err := newProxy(space, Config{Channels: g.width, ImageSize: g.side, PatchSize: 2, HeadDim: 2})
	require.NoError(t, err)
	N := space.MaxNodes()
	st := &targetState{px: px, B: len(cells), P: P, stem: g, units: 1, nodes: N, embed: H, hidden: H}
	pl := planner{px: px, P: P, nodes: N, stem: g, cells: 1}
	var plans []*archPlan
	for _, c := range cells {
		ap, err := pl.plan(searchspace.Sequence{c})
		require.NoError(t, err)
		plans = append(plans, ap)
	}
	st.setPlans(plans)
	feats := make([]float64, len(cells)*P*px.Cmax)
	identity := make([]float64, H*H)
	for i := range H {
		identity[i*H+i] = 1
	}
	require.NoError(t, forwardAll(st, x, [][]float64{hidden}, identity, make([]float64, H), hw, hb, feats))
	var out [][]float64
	for b, ap := range plans {
		u := ap.units[0]
		out = append(out, st.e64.arena[b][u.normAt:u.normAt+u.out.size(P)])
	}
	return out
}

// nb101Heads draws head parameters of NB101's heads (conv1x1, conv3x3,
// proj1x1) and returns them with a function that generates a head's
// weights from a hidden row.
func nb101Heads(rng *rand.Rand, H, C int) (hw, hb [][]float64, gen func(head int, hidden []float64) []float64) {
	for _, size := range []int{C * C, 9 * C * C, C * C} {
		hw, hb = append(hw, randSlice(rng, H*size)), append(hb, randSlice(rng, size))
	}
	gen = func(h int, hidden []float64) []float64 {
		size := len(hb[h])
		out := append([]float64(nil), hb[h]...)
		for k, v := range hidden {
			for j := range out {
				out[j] += v * hw[h][k*size+j]
			}
		}
		return out
	}
	return
}

// TestNB101CellMatchesReference compares cells of the target network with
// a direct computation of the NB101 cell semantics: input sums of the
// projected input and predecessor states, vertex ops, the output vertex's
// input sum, normalised.
func TestNB101CellMatchesReference(t *testing.T) {
	const H, P, S, C = 3, 2, 4, 3
	rng := rand.New(rand.NewPCG(6, 1))
	hw, hb, gen := nb101Heads(rng, H, C)
	c3, c1, mp := nasbench101.NodeConv3x3, nasbench101.NodeConv1x1, nasbench101.NodeMaxPool3x3
	cells := []searchspace.Graph{
		nb101CellGraph(nil, [2]int{0, 1}),                     // input → output
		nb101CellGraph([]int{c3}, [2]int{0, 1}, [2]int{1, 2}), // one conv
		nb101CellGraph([]int{c1, mp, c3}, [2]int{0, 1}, [2]int{1, 2}, [2]int{0, 3}, [2]int{2, 3}, [2]int{3, 4}, [2]int{0, 4}), // input → output too
		nb101CellGraph([]int{mp, c3, c1, c3, mp}, [2]int{0, 1}, [2]int{0, 2}, [2]int{1, 3}, [2]int{2, 3}, [2]int{3, 4}, [2]int{1, 5}, [2]int{4, 6}, [2]int{5, 6}),
	}
	B, N := len(cells), nasbench101.MaxVertices
	hidden := absSlice(randSlice(rng, B*N*H))
	n := P * S * S * C
	x := randSlice(rng, B*n)
	got := engineRun(t, nasbench101.New(), cells, geo{S, C}, P, H, x, hidden, hw, hb)
	for b, c := range cells {
		hidOf := func(j int) []float64 { return hidden[(b*N+j)*H : (b*N+j+1)*H] }
		xb := x[b*n : (b+1)*n]
		states := make([][]float64, len(c.Ops))
		var inOut []float64
		for j := 1; j < len(c.Ops); j++ {
			sum := make([]float64, n)
			if c.Adj[0][j] {
				w := gen(2, hidOf(j))
				for i, v := range perImage(xb, P, func(im []float64) []float64 { return naiveConv(im, w, S, C, C, 1, 1, 1, true) }) {
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
				states[j] = perImage(sum, P, func(im []float64) []float64 { return naivePool(im, S, C, 3, 1, true) })
			default:
				k, head := 1, 0
				if c.Ops[j] == nasbench101.NodeConv3x3 {
					k, head = 3, 1
				}
				w := gen(head, hidOf(j))
				states[j] = perImage(sum, P, func(im []float64) []float64 { return naiveConv(im, w, S, C, C, k, 1, 1, true) })
			}
		}
		want := perImage(inOut, P, func(im []float64) []float64 {
			y := make([]float64, len(im))
			rmsNorm(im, y)
			return y
		})
		assert.InDeltaSlice(t, want, got[b], 1e-10, "cell %d", b)
	}
}

// TestNB101Wiring: the target network follows each architecture's
// adjacency, and a vertex with no path to the output, or the padding
// positions' embeddings, change nothing.
func TestNB101Wiring(t *testing.T) {
	const H, P, S, C = 3, 2, 4, 2
	rng := rand.New(rand.NewPCG(8, 1))
	hw, hb, _ := nb101Heads(rng, H, C)
	c3, c1, mp := nasbench101.NodeConv3x3, nasbench101.NodeConv1x1, nasbench101.NodeMaxPool3x3
	N := nasbench101.MaxVertices
	base := nb101CellGraph([]int{c3, c1, mp}, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 4})
	rewired := nb101CellGraph([]int{c3, c1, mp}, [2]int{0, 1}, [2]int{1, 2}, [2]int{1, 3}, [2]int{3, 4}) // 1→3 instead of 2→3
	rewired2 := nb101CellGraph([]int{c3, c1, mp}, [2]int{0, 1}, [2]int{0, 2}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 4})
	// base plus a vertex (position 4) on no path to the output; the
	// output moves to position 5.
	dangling := nb101CellGraph([]int{c3, c1, mp, c3}, [2]int{0, 1}, [2]int{1, 2}, [2]int{2, 3}, [2]int{3, 5}, [2]int{0, 4}, [2]int{2, 4})
	cells := []searchspace.Graph{base, rewired, rewired2, dangling, base}
	row := absSlice(randSlice(rng, N*H)) // one architecture's hidden layer
	var hidden []float64
	for b := range cells {
		h := append([]float64(nil), row...)
		switch b {
		case 3:
			// The output's embedding where the output now is; the
			// dangling vertex's is arbitrary.
			copy(h[5*H:6*H], row[4*H:5*H])
			copy(h[4*H:5*H], absSlice(randSlice(rng, H)))
		case 4:
			// Padding positions (5, 6) hold anything.
			copy(h[5*H:], absSlice(randSlice(rng, 2*H)))
		}
		hidden = append(hidden, h...)
	}
	xb := randSlice(rng, P*S*S*C)
	var x []float64
	for range cells {
		x = append(x, xb...)
	}
	out := engineRun(t, nasbench101.New(), cells, geo{S, C}, P, H, x, hidden, hw, hb)
	assert.NotEqual(t, out[0], out[1], "another edge, another output")
	assert.NotEqual(t, out[0], out[2], "an added projection changes the output")
	assert.Equal(t, out[0], out[3], "a vertex on no path to the output contributes nothing")
	assert.Equal(t, out[0], out[4], "padding positions contribute nothing")
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
		return lossOf(t, g, ag)
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

// TestNB101Plan: the proxy runs the first cell of each stack and the
// downsampling units (2×2 max pooling), and projects the cell's input into
// every vertex it feeds, the output included.
func TestNB101Plan(t *testing.T) {
	px, err := newProxy(nasbench101.New(), DefaultConfig())
	require.NoError(t, err)
	assert.Equal(t, []string{"conv1x1", "conv3x3", "proj1x1"}, []string{px.heads[0].name, px.heads[1].name, px.heads[2].name})
	seq := sampleSeqs(t, nasbench101.New(), 1, 3)[0]
	ap, err := planner{px: px, P: 1, nodes: nasbench101.MaxVertices, stem: geo{8, 8}, cells: 1}.plan(seq)
	require.NoError(t, err)
	var units []int
	var sides []int
	for _, u := range ap.units {
		units, sides = append(units, u.unit), append(sides, u.out.side)
	}
	assert.Equal(t, []int{0, 3, 4, 7, 8}, units)
	assert.Equal(t, []int{8, 4, 4, 2, 2}, sides)
	cell := ap.units[0]
	for j, n := range cell.nodes {
		if j > 0 && seq[0].Adj[0][j] {
			require.NotEmpty(t, n.proj, "vertex %d", j)
			assert.GreaterOrEqual(t, n.proj[0], 0, "vertex %d", j)
		}
	}
	assert.Equal(t, nMaxPool, ap.units[1].nodes[1].op)
	assert.Empty(t, ap.units[1].nodes[1].proj, "the downsampling is not projected")
}

func absSlice(v []float64) []float64 {
	for i := range v {
		v[i] = math.Abs(v[i])
	}
	return v
}
