package autoformer

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/graphs"
	"github.com/hypernas/go-hypernas/searchspace/spacetest"
)

func spaces() []*Space { return []*Space{NewTiny(), NewSmall(), NewBase()} }

// TestContract runs the conformance checks every space must pass; the
// tests below check what is particular to AutoFormer.
func TestContract(t *testing.T) {
	for _, s := range spaces() {
		spacetest.Check(t, s, spacetest.WithSamples(16))
	}
	spacetest.Check(t, &Space{}, spacetest.WithSamples(4)) // the zero value is Tiny
	small, err := New(WithDepths(1, 2), WithHeads(1, 2), WithName("autoformer_small_test"))
	require.NoError(t, err)
	spacetest.Check(t, small)
}

func TestConfigs(t *testing.T) {
	tiny, small, base := NewTiny(), NewSmall(), NewBase()
	assert.Equal(t, "autoformer_tiny", tiny.Name())
	assert.Equal(t, "autoformer_small", small.Name())
	assert.Equal(t, "autoformer_base", base.Name())
	assert.Equal(t, []int{192, 216, 240}, tiny.Config().EmbedDims)
	assert.Equal(t, []int{5, 6, 7}, small.Config().Heads)
	assert.Equal(t, []int{14, 15, 16}, base.Config().Depths)
	assert.Equal(t, []float64{3, 3.5, 4}, base.Config().MLPRatios)
	// Config returns a copy.
	c := tiny.Config()
	c.EmbedDims[0] = 1
	assert.Equal(t, 192, tiny.Config().EmbedDims[0])
	for _, s := range spaces() {
		assert.Equal(t, NodeOpNames[:], s.OpNames())
		assert.Equal(t, 5, s.MaxNodes())
		assert.Equal(t, 4, s.NumFeatures())
	}
	// New with no options, and the zero value, are Tiny; the presets are
	// New(WithSupernet(…)).
	d, err := New()
	require.NoError(t, err)
	assert.Equal(t, tiny.Config(), d.Config())
	assert.Equal(t, tiny.Config(), (&Space{}).Config())
	assert.Equal(t, "autoformer_tiny", (*Space)(nil).Name())
	for n, want := range map[Supernet]*Space{Tiny: tiny, Small: small, Base: base} {
		s, err := New(WithSupernet(n))
		require.NoError(t, err)
		assert.Equal(t, want.Config(), s.Config(), n.String())
	}
	// Options apply in order on top of the supernet.
	s, err := New(WithSupernet(Base), WithClasses(100), WithName("base100"))
	require.NoError(t, err)
	assert.Equal(t, 100, s.Config().Classes)
	assert.Equal(t, "base100", s.Name())
	assert.Equal(t, base.Config().Heads, s.Config().Heads)
}

func TestNewErrors(t *testing.T) {
	tests := map[string]Option{
		`WithName(""): the name is empty`:                     WithName(""),
		"WithEmbedDims(): give at least one choice":           WithEmbedDims(),
		"WithDepths(0): choices must be positive":             WithDepths(0, 12),
		"WithDepths(2000): choices must be at most 1024":      WithDepths(12, 2000),
		"WithHeads(70000): choices must be at most 65536":     WithHeads(70000),
		"WithMLPRatios(): give at least one choice":           WithMLPRatios(),
		"WithMLPRatios(-1): choices must be positive":         WithMLPRatios(-1, 4),
		"WithHeadDim(0): want 1 to 65536":                     WithHeadDim(0),
		"not a multiple of patch size 15":                     WithPatchSize(15),
		"WithClasses(-1)":                                     WithClasses(-1),
		"WithInChannels(70000)":                               WithInChannels(70000),
		"WithSupernet(Supernet(7)): want Tiny, Small or Base": WithSupernet(7),
		"at most 65536 patches":                               WithImageSize(4096),
	}
	for msg, o := range tests {
		_, err := New(WithPatchSize(16), o)
		if msg == "at most 65536 patches" {
			_, err = New(o, WithPatchSize(1))
		}
		assert.ErrorContains(t, err, msg)
	}
	// Choices are sorted and deduplicated; the caller's slice is untouched.
	heads := []int{4, 3, 4}
	s, err := New(WithHeads(heads...))
	require.NoError(t, err)
	assert.Equal(t, []int{3, 4}, s.Config().Heads)
	assert.Equal(t, []int{4, 3, 4}, heads)
}

func TestCount(t *testing.T) {
	// Tiny: 3 embed × (2 heads × 2 ratios)^d for d = 12, 13, 14.
	assert.Equal(t, "1056964608", NewTiny().Count().String())
	// Base: 3 × (9^14 + 9^15 + 9^16).
	assert.Equal(t, "6245364340204353", NewBase().Count().String())
	one, err := New(WithEmbedDims(192), WithDepths(1), WithHeads(3), WithMLPRatios(4))
	require.NoError(t, err)
	assert.Equal(t, "1", one.Count().String())
	// A single-architecture space has nothing to mutate to.
	_, err = one.Mutate(uniform(192, 1, 3, 4), rand.New(rand.NewPCG(1, 1)))
	assert.ErrorContains(t, err, "no neighbour")
}

func TestParamsFLOPs(t *testing.T) {
	// DeiT-Ti (embed 192, 12 layers, 3 heads, ratio 4) is in the Tiny space
	// and DeiT-S (384, 12, 6, 4) in the Small space; their published
	// parameter counts are 5,717,416 and 22,050,664 (timm).
	tests := []struct {
		name   string
		space  *Space
		v      ViT
		params int64
		flops  int64
	}{
		{"DeiT-Ti", NewTiny(), uniform(192, 12, 3, 4),
			// patch 3·256·192+192, cls+pos 192+197·192, 12 layers of
			// (4·192 + 192·576+576+192·192+192 + 192·768+768+768·192+192), norm+head 384+192·1000+1000.
			(3*256*192 + 192) + (192 + 197*192) + 12*(4*192+192*576+576+192*192+192+192*768+768+768*192+192) + 384 + 192*1000 + 1000,
			// patch 196·192·768, 12 × (197·192·576 + 2·197²·192 + 197·192·192 + 2·197·192·768), head 192·1000.
			196*192*768 + 12*(197*192*576+2*197*197*192+197*192*192+2*197*192*768) + 192*1000},
		{"DeiT-S", NewSmall(), uniform(384, 12, 6, 4), 22050664,
			196*384*768 + 12*(197*384*1152+2*197*197*384+197*384*384+2*197*384*1536) + 384*1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.space.Validate(tt.v))
			assert.Equal(t, tt.params, tt.space.Params(tt.v))
			assert.Equal(t, tt.flops, tt.space.FLOPs(tt.v))
		})
	}
	assert.Equal(t, int64(5717416), tests[0].params)
	assert.Equal(t, int64(1253683200), tests[0].flops) // 1.25 G MACs; DeiT-Ti is quoted as 1.3 G
	assert.Equal(t, int64(4598882304), tests[1].flops) // DeiT-S: 4.6 G

	// Per-layer choices: the Q-K-V width follows the heads (64 per head),
	// the MLP width the ratio. One layer from 3 to 4 heads adds
	// 64·(192·3 + 3 + 192) params to the qkv and projection.
	s := NewTiny()
	v := uniform(192, 12, 3, 4)
	w := v.clone()
	w.Heads[5] = 4
	assert.Equal(t, int64(64*(192*3+3+192)), s.Params(w)-s.Params(v))
	w = v.clone()
	w.MLPRatios[0] = 3.5 // hidden 768 → 672
	assert.Equal(t, int64(96*(192+1+192)), s.Params(v)-s.Params(w))
	assert.Equal(t, int64(2*197*192*96), s.FLOPs(v)-s.FLOPs(w))
}

func TestParamRange(t *testing.T) {
	for _, s := range spaces() {
		lo, hi := s.ParamRange()
		rng := rand.New(rand.NewPCG(1, 2))
		for range 200 {
			p := s.Params(s.sample(rng))
			require.GreaterOrEqual(t, p, lo)
			require.LessOrEqual(t, p, hi)
		}
		c := s.Config()
		assert.Equal(t, lo, s.Params(uniform(c.EmbedDims[0], c.Depths[0], c.Heads[0], c.MLPRatios[0])))
	}
	s := NewBase()
	c := s.Config()
	_, hi := s.ParamRange()
	assert.Equal(t, hi, s.Params(uniform(c.EmbedDims[2], c.Depths[2], c.Heads[2], c.MLPRatios[2])))
}

func TestSample(t *testing.T) {
	for _, s := range spaces() {
		c := s.Config()
		depths := map[int]bool{}
		embeds := map[int]bool{}
		for i := range 300 {
			a := s.Sample(rand.New(rand.NewPCG(uint64(i), 9)))
			require.NoError(t, s.Validate(a))
			v := a.(ViT)
			depths[v.Depth()] = true
			embeds[v.Embed] = true
		}
		assert.Len(t, depths, len(c.Depths))
		assert.Len(t, embeds, len(c.EmbedDims))
	}
}

// changes counts what differs between two ViTs: embed, depth, and layer
// entries over the common depth.
func changes(a, b ViT) (embed, depth, layers int) {
	if a.Embed != b.Embed {
		embed = 1
	}
	if a.Depth() != b.Depth() {
		depth = 1
	}
	for i := range min(a.Depth(), b.Depth()) {
		if a.Heads[i] != b.Heads[i] {
			layers++
		}
		if a.MLPRatios[i] != b.MLPRatios[i] {
			layers++
		}
	}
	return
}

func TestMutate(t *testing.T) {
	s := NewBase()
	rng := rand.New(rand.NewPCG(4, 4))
	v := s.sample(rng)
	orig := v.clone()
	kinds := map[string]int{}
	for range 2000 {
		a, err := s.Mutate(v, rng)
		require.NoError(t, err)
		require.NoError(t, s.Validate(a))
		m := a.(ViT)
		e, d, l := changes(v, m)
		require.Equal(t, 1, e+d+l, "exactly one change: %v → %v", v, m)
		switch {
		case e == 1:
			kinds["embed"]++
		case d == 1:
			kinds["depth"]++
			// Kept layers keep their choices.
			require.Equal(t, 0, l)
		default:
			kinds["layer"]++
		}
	}
	assert.Equal(t, orig, v, "Mutate does not modify its argument")
	// Four kinds, uniform: embed and depth about 500 each, layers 1000.
	assert.InDelta(t, 500, kinds["embed"], 100)
	assert.InDelta(t, 500, kinds["depth"], 100)
	assert.InDelta(t, 1000, kinds["layer"], 130)

	a, err := s.Mutate(&v, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	b, err := s.Mutate(v, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	assert.Equal(t, a, b, "a *ViT mutates as its ViT")
	_, err = s.Mutate(v, nil)
	assert.Error(t, err)
	_, err = s.Mutate(uniform(192, 12, 3, 4), rng) // a Tiny ViT
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
}

func TestConstraints(t *testing.T) {
	s := NewTiny()
	rng := rand.New(rand.NewPCG(5, 6))
	within := s.ParamsWithin(5e6, 6e6)
	for range 50 {
		v, err := s.SampleWhere(rng, within)
		require.NoError(t, err)
		p := s.Params(v)
		require.True(t, p >= 5e6 && p <= 6e6, "%d", p)
		m, err := s.MutateWhere(v, rng, within)
		require.NoError(t, err)
		p = s.Params(m)
		require.True(t, p >= 5e6 && p <= 6e6, "%d", p)
		require.NotEqual(t, v.String(), m.String())
	}
	_, err := s.SampleWhere(rng, s.ParamsWithin(1, 2))
	assert.ErrorContains(t, err, "no sample of autoformer_tiny met the constraint in 10000 tries")
	v := uniform(192, 12, 3, 3.5)
	_, err = s.MutateWhere(v, rng, func(ViT) bool { return false })
	assert.ErrorContains(t, err, "no mutation")
	_, err = s.MutateWhere(ViT{}, rng, within)
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	_, err = s.MutateWhere(v, nil, within)
	assert.Error(t, err)
	_, err = s.MutateWhere(v, rng, nil)
	assert.Error(t, err)
	_, err = s.SampleWhere(nil, within)
	assert.Error(t, err)
	_, err = s.SampleWhere(rng, nil)
	assert.Error(t, err)
}

func TestValidate(t *testing.T) {
	s := NewTiny()
	good := uniform(216, 13, 4, 3.5)
	assert.NoError(t, s.Validate(good))
	assert.NoError(t, s.Validate(&good))
	var nilV *ViT
	tests := []struct {
		a   searchspace.Arch
		msg string
	}{
		{nilV, "nil *autoformer.ViT"},
		{ViT{Embed: 192, Heads: make([]int, 12), MLPRatios: make([]float64, 11)}, "12 layers of heads but 11 MLP ratios"},
		{uniform(200, 12, 3, 4), "embedding dimension 200, want one of [192 216 240]"},
		{uniform(192, 11, 3, 4), "depth 11, want one of [12 13 14]"},
		{uniform(192, 12, 5, 4), "layer 0 has 5 heads"},
		{uniform(192, 12, 3, 3), "layer 0 has MLP ratio 3, want one of [3.5 4]"},
	}
	for _, tt := range tests {
		err := s.Validate(tt.a)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
		assert.ErrorContains(t, err, tt.msg)
		_, err = s.Encode(tt.a)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
		_, err = s.EncodeCell(tt.a)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	}
	a, err := s.Parse(good.String())
	require.NoError(t, err)
	assert.Equal(t, good, a)
	_, err = s.Parse(uniform(384, 12, 6, 4).String()) // well formed, a Small ViT
	assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
	_, err = s.Parse("embed=")
	assert.ErrorIs(t, err, searchspace.ErrParse)
}

func TestEncode(t *testing.T) {
	s := NewBase()
	v := ViT{Embed: 576, Heads: slices.Repeat([]int{8, 10}, 7), MLPRatios: slices.Repeat([]float64{3, 4}, 7)}
	require.NoError(t, s.Validate(v))
	seq, err := s.Encode(v)
	require.NoError(t, err)
	require.Len(t, seq, 14)
	for i, u := range seq {
		require.NoError(t, u.Validate(len(s.OpNames()), s.MaxNodes(), s.NumFeatures()))
		assert.Equal(t, []int{NodeInput, NodeAttention, NodeResidualAdd, NodeMLP, NodeOutput}, u.Ops)
		assert.Equal(t, [][2]int{{0, 1}, {0, 2}, {1, 2}, {2, 3}, {2, 4}, {3, 4}}, graphs.Edges(u))
		heads, ratio := 8.0/10, 3.0/4
		if i%2 == 1 {
			heads, ratio = 1, 1
		}
		for n, f := range u.Features {
			want := []float64{576.0 / 624, 0, 0, 14.0 / 16}
			if n == NodeAttention {
				want[FeatHeads] = heads
			}
			if n == NodeMLP {
				want[FeatMLPRatio] = ratio
			}
			assert.InDeltaSlice(t, want, f, 1e-12, "unit %d node %d", i, n)
		}
	}
	seq[0].Features[1][0] = 9
	assert.NotEqual(t, 9.0, seq[1].Features[1][0], "units share no memory")

	g, err := s.EncodeCell(v)
	require.NoError(t, err)
	require.NoError(t, g.Validate(len(s.OpNames()), s.MaxNodes(), s.NumFeatures()))
	assert.InDelta(t, 9.0/10, g.Features[NodeAttention][FeatHeads], 1e-12)
	assert.InDelta(t, 3.5/4, g.Features[NodeMLP][FeatMLPRatio], 1e-12)
	assert.InDelta(t, 14.0/16, g.Features[NodeOutput][FeatDepth], 1e-12)
}

func BenchmarkEncode(b *testing.B) {
	s := NewBase()
	v := s.sample(rand.New(rand.NewPCG(1, 2)))
	for b.Loop() {
		if _, err := s.Encode(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParams(b *testing.B) {
	s := NewBase()
	v := s.sample(rand.New(rand.NewPCG(1, 2)))
	for b.Loop() {
		_ = s.Params(v)
	}
}
