package searchspace_test

import (
	"errors"
	"math"
	"testing"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/autoformer"
	"github.com/hypernas/go-hypernas/searchspace/darts"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/transnas101"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuiltinPrimitives: every built-in space declares what its node types
// compute, and the declaration fits the space.
func TestBuiltinPrimitives(t *testing.T) {
	d, err := darts.New()
	require.NoError(t, err)
	for _, s := range []searchspace.SearchSpace{nasbench201.New(), nasbench101.New(), d, transnas101.NewMicro(), transnas101.NewMacro(),
		autoformer.NewTiny(), autoformer.NewSmall(), autoformer.NewBase()} {
		p, err := searchspace.PrimitivesOf(s)
		require.NoError(t, err, s.Name())
		assert.Len(t, p.Ops, len(s.OpNames()), s.Name())
	}
	// Spot checks against the spaces' papers.
	p, _ := searchspace.PrimitivesOf(nasbench201.New())
	assert.Equal(t, searchspace.Primitive{Kind: searchspace.AvgPool, Kernel: 3}, p.Ops[nasbench201.NodeAvgPool3x3])
	assert.Equal(t, 2, p.Ops[nasbench201.NodeResConv3x3].Stride)
	p, _ = searchspace.PrimitivesOf(d)
	dil := p.Ops[darts.NodeReduceOp+darts.OpIndex("dil_conv_5x5")]
	assert.Equal(t, searchspace.Primitive{Kind: searchspace.Conv, Kernel: 5, Dilation: 2, Separable: true, Stride: 2}, dil)
	assert.Equal(t, 2, p.Ops[darts.NodeInput0].From)
	p, _ = searchspace.PrimitivesOf(nasbench101.New())
	assert.Equal(t, searchspace.SumProjectedInput, p.Ops[nasbench101.NodeConv3x3].Combine)
	assert.Equal(t, searchspace.Sum, p.Ops[nasbench101.NodeDownsample].Combine)
	p, _ = searchspace.PrimitivesOf(transnas101.NewMacro())
	assert.InDelta(t, 2, p.Width.Value([]float64{1.0 / 3, 0, 0}), 1e-12, "128 channels: twice the base width")
	assert.Equal(t, 2.0, p.Stride.Value([]float64{0, 1, 0}))
	p, _ = searchspace.PrimitivesOf(autoformer.NewTiny())
	assert.Equal(t, 4, p.Ops[autoformer.NodeAttention].Heads)
	assert.InDelta(t, 3, p.Heads.Value([]float64{0, 0.75, 0, 0}), 1e-12)
}

// undeclared has no Primitives method.
type undeclared struct{ searchspace.SearchSpace }

// declared wraps a space with a declaration of the test's choosing.
type declared struct {
	searchspace.SearchSpace
	p searchspace.Primitives
}

func (d declared) Primitives() searchspace.Primitives { return d.p }

func TestPrimitivesOfErrors(t *testing.T) {
	_, err := searchspace.PrimitivesOf(undeclared{nasbench201.New()})
	assert.ErrorIs(t, err, searchspace.ErrNoPrimitives)
	assert.ErrorContains(t, err, "implement searchspace.Computable")
	assert.ErrorContains(t, err, "10 node types (input, output, none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3, resblock_conv_3x3, …)")
	_, err = searchspace.PrimitivesOf(nil)
	assert.ErrorIs(t, err, searchspace.ErrNoPrimitives)
	assert.ErrorIs(t, searchspace.Primitives{}.Check(nil), searchspace.ErrInvalidPrimitives)

	base := nasbench201.New().Primitives()
	withOp := func(t int, op searchspace.Primitive) searchspace.Primitives {
		p := base
		p.Ops = append([]searchspace.Primitive(nil), base.Ops...)
		p.Ops[t] = op
		return p
	}
	conv := nasbench201.NodeConv3x3
	for name, c := range map[string]struct {
		p    searchspace.Primitives
		want string
	}{
		"too few":        {searchspace.Primitives{Ops: base.Ops[:3]}, "3 primitives for 10 node types"},
		"unknown kind":   {withOp(conv, searchspace.Primitive{}), "node type 5 (nor_conv_3x3): kind Unknown"},
		"bad kind":       {withOp(conv, searchspace.Primitive{Kind: 99}), "kind Kind(99)"},
		"even kernel":    {withOp(conv, searchspace.Primitive{Kind: searchspace.Conv, Kernel: 2}), "kernel 2 is even"},
		"no kernel":      {withOp(conv, searchspace.Primitive{Kind: searchspace.MaxPool}), "MaxPool needs Kernel >= 1"},
		"kernel on zero": {withOp(conv, searchspace.Primitive{Kind: searchspace.Zero, Kernel: 3}), "Kernel 3 does not apply to Zero"},
		"negative":       {withOp(conv, searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3, Stride: -1}), "negative field"},
		"dilated pool":   {withOp(conv, searchspace.Primitive{Kind: searchspace.AvgPool, Kernel: 3, Dilation: 2}), "apply to Conv only"},
		"from on conv":   {withOp(conv, searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3, From: 2}), "From applies to Input only"},
		"heads on conv":  {withOp(conv, searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3, Heads: 2}), "Heads applies to Attention only"},
		"ratio on conv":  {withOp(conv, searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3, MLPRatio: 2}), "MLPRatio applies to MLP only"},
		"NaN ratio":      {withOp(conv, searchspace.Primitive{Kind: searchspace.MLP, MLPRatio: math.NaN()}), "not a finite number"},
		"no heads":       {withOp(conv, searchspace.Primitive{Kind: searchspace.Attention}), "Attention needs Heads >= 1"},
		"no ratio":       {withOp(conv, searchspace.Primitive{Kind: searchspace.MLP}), "MLP needs MLPRatio > 0"},
		"strided output": {withOp(nasbench201.NodeOutput, searchspace.Primitive{Kind: searchspace.Output, Stride: 2}), "Stride does not apply to Output"},
		"bad combine":    {withOp(conv, searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3, Combine: 7}), "Combine 7"},
		"no input":       {withOp(nasbench201.NodeInput, searchspace.Primitive{Kind: searchspace.Identity}), "no node type of kind Input and Output"},
		"feature index":  {searchspace.Primitives{Ops: base.Ops, Stride: searchspace.FeatureMap{Index: 0, Scale: 1}}, "Stride feature index 0: the space has 0 numeric features"},
	} {
		_, err := searchspace.PrimitivesOf(declared{nasbench201.New(), c.p})
		require.Error(t, err, name)
		assert.True(t, errors.Is(err, searchspace.ErrInvalidPrimitives), "%s: %v", name, err)
		assert.ErrorContains(t, err, c.want, name)
	}
}

func TestPrimitivesFeatureErrors(t *testing.T) {
	micro := transnas101.NewMicro()
	p := micro.Primitives()
	p.Width.Max = 0
	_, err := searchspace.PrimitivesOf(declared{micro, p})
	assert.ErrorIs(t, err, searchspace.ErrInvalidPrimitives)
	assert.ErrorContains(t, err, "Width feature map needs Max")
	p = micro.Primitives()
	p.Stride.Offset = math.Inf(1)
	_, err = searchspace.PrimitivesOf(declared{micro, p})
	assert.ErrorContains(t, err, "is not finite")
}

func TestFeatureMap(t *testing.T) {
	var m searchspace.FeatureMap
	assert.False(t, m.Set())
	m = searchspace.FeatureMap{Index: 1, Scale: 3, Offset: -1, Pow2: true}
	assert.True(t, m.Set())
	assert.Equal(t, 4.0, m.Value([]float64{9, 1}))
	assert.True(t, math.IsNaN(m.Value([]float64{1})), "an index outside the features")
	assert.True(t, math.IsNaN(searchspace.FeatureMap{Index: -1, Scale: 1}.Value([]float64{1})))
	assert.Equal(t, "Conv", searchspace.Conv.String())
	assert.Equal(t, "Kind(200)", searchspace.Kind(200).String())
}
