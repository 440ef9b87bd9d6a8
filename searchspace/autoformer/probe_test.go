package autoformer

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hypernas/go-hypernas/searchspace/internal/probe"
)

// TestProbeNoPanics gives the AutoFormer API zero, nil, negative and out-of-range
// arguments: errors, never panics.
func TestProbeNoPanics(t *testing.T) {
	odd := []ViT{{}, {Embed: -5}, {Embed: 192, Heads: []int{3, 3}}, {Embed: math.MaxInt, Heads: []int{math.MaxInt}, MLPRatios: []float64{math.Inf(1)}},
		{Embed: 192, MLPRatios: []float64{4, 4, 4}}, {Embed: 192, Heads: []int{-1}, MLPRatios: []float64{math.NaN()}}}
	probe.Run(t, map[string]func(){
		"New": func() {
			for _, o := range []Option{nil, WithSupernet(-1), WithSupernet(99), WithDepths(), WithDepths(math.MaxInt), WithDepths(math.MinInt),
				WithEmbedDims(0), WithHeads(-1), WithMLPRatios(math.NaN()), WithMLPRatios(math.Inf(1)), WithHeadDim(math.MinInt),
				WithImageSize(0), WithPatchSize(math.MaxInt), WithInChannels(-1), WithClasses(0), WithName("")} {
				_, _ = New(o)
			}
			assert.Equal(t, "Supernet(9)", Supernet(9).String())
		},
		"nil and zero Space": func() {
			for _, s := range []*Space{nil, {}} {
				assert.Equal(t, "autoformer_tiny", s.Name())
				assert.Positive(t, s.MaxUnits())
				assert.Equal(t, "1056964608", s.Count().String())
				lo, hi := s.ParamRange()
				assert.Less(t, lo, hi)
				probe.Space(t, s, &ViT{}, (*ViT)(nil))
				_, err := s.SampleWhere(nil, nil)
				assert.Error(t, err)
				_, err = s.MutateWhere(nil, nil, nil)
				assert.Error(t, err)
				_ = s.Config()
			}
		},
		"invalid ViTs": func() {
			s := NewTiny()
			rng := rand.New(rand.NewPCG(1, 1))
			within := s.ParamsWithin(math.MaxInt64, math.MinInt64)
			for _, v := range odd {
				_ = s.Params(v)
				_ = s.FLOPs(v)
				_ = within(v)
				assert.NotEmpty(t, v.String())
				assert.Error(t, s.Validate(v))
				_, err := s.Mutate(v, rng)
				assert.Error(t, err)
				_, err = s.MutateWhere(v, rng, within)
				assert.Error(t, err)
			}
		},
		"Parse": func() {
			odd := []string{"", "embed=", "embed=1;depth=99999;heads=1;mlp=1", "embed=1;depth=1;heads=" + strings.Repeat("1,", 1<<12),
				"embed=1;depth=1;heads=1;mlp=" + strings.Repeat("9", 1<<10), "\xff"}
			probe.Rejects(t, nil, Parse, odd...)
			probe.Rejects(t, nil, NewTiny().Parse, odd...)
		},
	})
}
