package hypernet

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorgonia.org/tensor"
)

// zoo is a test space that uses every primitive of the declaration, every
// way of combining them and every feature map: its architectures are a
// few fixed sequences of three unit types (a convolution cell, a cell
// with two inputs, an input projection, a residual block and a zero node,
// and a transformer layer), of 3 or 4 units.
type zoo struct{}

// Node types of the zoo.
const (
	zIn = iota
	zOut
	zIn2
	zZero
	zIdentity
	zConv3
	zConv1NoReLU
	zSepDil
	zAvg3
	zMax2
	zRes3
	zAttention
	zMLP
	zConvProj
	zIdentityS2
	zNumTypes
)

var zooNames = []string{"input", "output", "input2", "zero", "identity", "conv3", "conv1_norelu", "sep3_dil2", "avg3", "max2_s2",
	"res3", "attention", "mlp", "conv3_proj", "identity_s2"}

func (zoo) Primitives() searchspace.Primitives {
	ops := make([]searchspace.Primitive, zNumTypes)
	ops[zIn] = searchspace.Primitive{Kind: searchspace.Input}
	ops[zOut] = searchspace.Primitive{Kind: searchspace.Output}
	ops[zIn2] = searchspace.Primitive{Kind: searchspace.Input, From: 2}
	ops[zZero] = searchspace.Primitive{Kind: searchspace.Zero}
	ops[zIdentity] = searchspace.Primitive{Kind: searchspace.Identity}
	ops[zConv3] = searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3}
	ops[zConv1NoReLU] = searchspace.Primitive{Kind: searchspace.Conv, Kernel: 1, NoReLU: true}
	ops[zSepDil] = searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3, Separable: true, Dilation: 2}
	ops[zAvg3] = searchspace.Primitive{Kind: searchspace.AvgPool, Kernel: 3}
	ops[zMax2] = searchspace.Primitive{Kind: searchspace.MaxPool, Kernel: 2, Stride: 2}
	ops[zRes3] = searchspace.Primitive{Kind: searchspace.ResBlock, Kernel: 3}
	ops[zAttention] = searchspace.Primitive{Kind: searchspace.Attention, Heads: 2}
	ops[zMLP] = searchspace.Primitive{Kind: searchspace.MLP, MLPRatio: 2}
	ops[zConvProj] = searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3, Combine: searchspace.SumProjectedInput}
	ops[zIdentityS2] = searchspace.Primitive{Kind: searchspace.Identity, Stride: 2}
	return searchspace.Primitives{Ops: ops,
		Width:  searchspace.FeatureMap{Index: 0, Scale: 1, Max: 1.5},
		Stride: searchspace.FeatureMap{Index: 1, Offset: 1, Scale: 1},
	}
}

// zooGraph builds a unit: node types, edges, and per node (width,
// stride) features (width 1 where not given).
func zooGraph(ops []int, edges [][2]int, feats map[int][2]float64) searchspace.Graph {
	g := searchspace.NewGraph(ops...)
	for _, e := range edges {
		g.Adj[e[0]][e[1]] = true
	}
	g.Features = make([][]float64, len(ops))
	for i := range g.Features {
		g.Features[i] = []float64{1, 0}
		if f, ok := feats[i]; ok {
			g.Features[i] = f[:]
		}
	}
	return g
}

// convCell: a 3×3 conv widening to 1.5, a strided identity after it (a
// strided conv1×1), a separable dilated conv made strided by its feature,
// 2×2 max pooling of stride 2, summed.
func convCell() searchspace.Graph {
	return zooGraph([]int{zIn, zConv3, zIdentityS2, zSepDil, zMax2, zOut},
		[][2]int{{0, 1}, {1, 2}, {0, 3}, {0, 4}, {2, 5}, {3, 5}, {4, 5}},
		map[int][2]float64{1: {1.5, 0}, 2: {1.5, 0}, 3: {1.5, 1}})
}

// mixCell: the previous two units' outputs, 3×3 average pooling of the
// first, a 3×3 conv of the pooled map plus the projected second input, a
// residual block of width res, a conv1×1 without ReLU of the first input,
// a zero node feeding an identity, summed with the first input.
func mixCell(conv, res float64) searchspace.Graph {
	return zooGraph([]int{zIn, zIn2, zZero, zAvg3, zConvProj, zRes3, zIdentity, zConv1NoReLU, zOut},
		[][2]int{{0, 3}, {1, 4}, {3, 4}, {4, 5}, {2, 6}, {0, 7}, {5, 8}, {6, 8}, {7, 8}, {0, 8}},
		map[int][2]float64{4: {conv, 0}, 5: {res, 0}, 7: {res, 0}, 8: {res, 0}})
}

// vitLayer: a pre-norm transformer layer at width 1.
func vitLayer() searchspace.Graph {
	return zooGraph([]int{zIn, zAttention, zIdentity, zMLP, zOut},
		[][2]int{{0, 1}, {0, 2}, {1, 2}, {2, 3}, {2, 4}, {3, 4}}, nil)
}

func zooSeqs() []searchspace.Sequence {
	return []searchspace.Sequence{
		{convCell(), mixCell(1.5, 1.5), vitLayer(), mixCell(1, 1.5)},
		{mixCell(1, 1.5), convCell(), convCell(), vitLayer()},
		{vitLayer(), convCell(), mixCell(1, 1)},
	}
}

type zooArch int

func (a zooArch) String() string { return fmt.Sprintf("zoo%d", int(a)) }

func (zoo) Name() string      { return "zoo" }
func (zoo) OpNames() []string { return zooNames }
func (zoo) MaxNodes() int     { return 9 }
func (zoo) NumFeatures() int  { return 2 }
func (zoo) MaxUnits() int     { return 4 }
func (zoo) Validate(a searchspace.Arch) error {
	if z, ok := a.(zooArch); !ok || z < 0 || int(z) >= len(zooSeqs()) {
		return fmt.Errorf("%w: %v", searchspace.ErrInvalidArch, a)
	}
	return nil
}
func (zoo) Sample(rng *rand.Rand) searchspace.Arch { return zooArch(rng.IntN(len(zooSeqs()))) }
func (z zoo) Mutate(a searchspace.Arch, rng *rand.Rand) (searchspace.Arch, error) {
	if err := z.Validate(a); err != nil {
		return nil, err
	}
	return zooArch((int(a.(zooArch)) + 1) % len(zooSeqs())), nil
}
func (zoo) Parse(s string) (searchspace.Arch, error) {
	var i int
	if _, err := fmt.Sscanf(s, "zoo%d", &i); err != nil {
		return nil, fmt.Errorf("%w: %q", searchspace.ErrParse, s)
	}
	return zooArch(i), nil
}
func (z zoo) Encode(a searchspace.Arch) (searchspace.Sequence, error) {
	if err := z.Validate(a); err != nil {
		return nil, err
	}
	return zooSeqs()[a.(zooArch)], nil
}
func (z zoo) EncodeCell(a searchspace.Arch) (searchspace.Graph, error) {
	if err := z.Validate(a); err != nil {
		return searchspace.Graph{}, err
	}
	return convCell(), nil
}

// TestZooGradient is the finite-difference check of the whole path on
// the zoo, through every primitive, combination and feature.
func TestZooGradient(t *testing.T) {
	space := zoo{}
	require.NoError(t, searchspace.ValidateSequence(space, zooSeqs()[0]))
	g, enc, ag := hyperSetupSeqs(t, space, zooSeqs(), tensor.Float64, WithTargetChannels(4), WithImageSize(8), WithImagesPerArch(2), WithHidden(4))
	hg := ag.(*hyperGraph)
	assert.Equal(t, []string{"conv1x1", "conv3x3", "sep3x3", "res3x3", "attention", "mlp", "proj1x1"}, hg.task.Heads())
	// Every node op runs in the batch.
	ran := map[nodeOp]bool{}
	for _, ap := range hg.st.plans {
		for _, u := range ap.units {
			for _, n := range u.nodes {
				ran[n.op] = true
			}
		}
	}
	for op := nZero; op <= nAdapt; op++ {
		assert.True(t, ran[op], "node op %d is not exercised", op)
	}
	checkHyperGradient(t, g, enc, ag)
}

// TestZooPlans checks the geometry the declaration gives the zoo's units.
func TestZooPlans(t *testing.T) {
	px, err := newProxy(zoo{}, Config{Channels: 4, ImageSize: 8, PatchSize: 2, HeadDim: 2})
	require.NoError(t, err)
	assert.Equal(t, 6, px.Cmax, "1.5 × 4 channels")
	pl := planner{px: px, P: 1, nodes: 9, stem: geo{4, 4}, cells: 1}
	ap, err := pl.plan(zooSeqs()[1])
	require.NoError(t, err)
	require.Len(t, ap.units, 3, "the repeated conv cell runs once")
	mix, conv, vit := ap.units[0], ap.units[1], ap.units[2]
	assert.Equal(t, []int{0, 1, 3}, []int{mix.unit, conv.unit, vit.unit})
	assert.Equal(t, geo{4, 6}, mix.out)
	assert.Equal(t, nRes, mix.nodes[5].op)
	assert.Equal(t, nAlias, mix.nodes[6].op, "an identity of nothing reads zeros")
	assert.Empty(t, mix.nodes[6].preds, "zero nodes are not summed")
	assert.GreaterOrEqual(t, mix.nodes[4].proj[0], 0, "input2 is projected")
	assert.Equal(t, -1, mix.nodes[4].proj[1], "a node's output is not")
	assert.Equal(t, geo{2, 6}, conv.out, "every path halves the resolution")
	assert.Equal(t, nAdapt, conv.nodes[2].op, "a strided identity is a strided conv1×1")
	assert.Equal(t, 2, conv.nodes[2].w.stride)
	assert.Equal(t, 1, conv.nodes[2].w.k)
	assert.Equal(t, 2, conv.nodes[3].w.stride, "the stride feature applies")
	assert.Equal(t, geo{2, 4}, vit.out, "an input node keeps the channels of its width")

	ap, err = pl.plan(zooSeqs()[0])
	require.NoError(t, err)
	second := ap.units[1] // the mix cell after the conv cell
	require.Len(t, second.slots, 2)
	assert.True(t, second.slots[1].resample, "the stem's output is pooled to the previous unit's side")
	assert.Equal(t, geo{2, 4}, second.slots[1].out)

	all := planner{px: px, P: 1, nodes: 9, stem: geo{4, 4}, allRun: true}
	ap, err = all.plan(zooSeqs()[1])
	require.NoError(t, err)
	assert.Len(t, ap.units, 4)
}

// TestZooErrors: a unit whose sums mix resolutions, a node type outside
// the vocabulary, a backward edge and too many heads are clear errors.
func TestZooErrors(t *testing.T) {
	px, err := newProxy(zoo{}, Config{Channels: 4, ImageSize: 8, PatchSize: 2, HeadDim: 2})
	require.NoError(t, err)
	pl := planner{px: px, P: 1, nodes: 9, stem: geo{4, 4}, cells: 1}
	mixed := zooGraph([]int{zIn, zMax2, zOut}, [][2]int{{0, 1}, {1, 2}, {0, 2}}, nil)
	badType := zooGraph([]int{zIn, 99, zOut}, [][2]int{{0, 1}, {1, 2}}, nil)
	back := convCell()
	back.Adj[3][1] = true
	ragged := convCell()
	ragged.Adj[2] = ragged.Adj[2][:3]
	heads := vitLayer()
	heads.Ops[1] = zAttention
	pxHeads := *px
	pxHeads.maxHeads = 1
	for name, c := range map[string]struct {
		pl   planner
		g    searchspace.Graph
		want string
	}{
		"mixed resolutions": {pl, mixed, "sums predecessors of 4×4 and 2×2"},
		"bad type":          {pl, badType, "node type 99"},
		"backward edge":     {pl, back, "does not go forward"},
		"ragged":            {pl, ragged, "adjacency row of 3 entries"},
		"too many heads":    {planner{px: &pxHeads, P: 1, nodes: 9, stem: geo{4, 4}, cells: 1}, heads, "2 heads, want 1…1"},
	} {
		_, err := c.pl.plan(searchspace.Sequence{c.g})
		require.Error(t, err, name)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch, name)
		assert.True(t, strings.Contains(err.Error(), c.want), "%s: %v", name, err)
		assert.Contains(t, err.Error(), "unit 0", name)
	}
}

// TestZooGradientOpNorm is TestZooGradient with every convolution's output
// normalised (WithOpNorm).
func TestZooGradientOpNorm(t *testing.T) {
	g, enc, ag := hyperSetupSeqs(t, zoo{}, zooSeqs(), tensor.Float64, WithTargetChannels(4), WithImageSize(8), WithImagesPerArch(2), WithHidden(4), WithOpNorm(true))
	normed := 0
	for _, ap := range ag.(*hyperGraph).st.plans {
		for _, u := range ap.units {
			for _, n := range u.nodes {
				if n.norm {
					normed++
				}
			}
		}
	}
	assert.Positive(t, normed)
	checkHyperGradient(t, g, enc, ag)
}
