package transnas101

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
)

// TestProbeNoPanics gives the TransNAS-Bench-101 API zero, nil, negative and out-of-range
// arguments: errors, never panics.
func TestProbeNoPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	probes := map[string]func(){
		"indices": func() {
			for _, i := range []int{-1, MicroSize, MacroSize, 1 << 40, math.MinInt, math.MaxInt} {
				if i != MacroSize {
					_, err := CellAt(i)
					assert.ErrorIs(t, err, searchspace.ErrNoSuchArch, "CellAt(%d)", i)
				}
				if i != MicroSize {
					_, err := SkeletonAt(i)
					assert.ErrorIs(t, err, searchspace.ErrNoSuchArch, "SkeletonAt(%d)", i)
				}
			}
		},
		"invalid values": func() {
			c := Cell{9, 255, 4, 0, 0, 0}
			assert.NotEmpty(t, c.String())
			assert.Equal(t, -1, c.Index())
			assert.Error(t, c.Validate())
			_ = c.Live()
			for _, s := range []Skeleton{nil, {}, {0, 9, 255}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}} {
				assert.NotEmpty(t, s.String())
				assert.Equal(t, -1, s.Index())
				assert.Error(t, s.Validate())
				_ = Neighbours(s)
			}
			assert.Equal(t, "block(0)", Block(0).String())
			assert.False(t, Block(200).Widens())
			assert.Equal(t, "op(9)", Op(9).String())
			assert.Equal(t, "val_", Metric(""))
		},
		"parsers": func() {
			for _, s := range []string{"", "64", "64-", "64-41414-", "64-41414-3_33_33\xff", "64-9-basic", strings.Repeat("64-41414-", 1<<12), "64-" + strings.Repeat("1", 1<<12) + "-basic"} {
				_, err := ParseCell(s)
				assert.ErrorIs(t, err, searchspace.ErrParse, "%q", s)
				_, err = ParseSkeleton(s)
				assert.ErrorIs(t, err, searchspace.ErrParse, "%q", s)
			}
		},
		"nil spaces": func() {
			var micro *Micro
			var macro *Macro
			for _, sp := range []searchspace.SearchSpace{micro, macro} {
				assert.Nil(t, sp.Sample(nil))
				_, err := sp.Mutate(nil, rng)
				assert.Error(t, err)
				_, err = sp.Encode(nil)
				assert.Error(t, err)
				_, err = sp.EncodeCell((*Cell)(nil))
				assert.Error(t, err)
				_, err = sp.Mutate(sp.Sample(rng), nil)
				assert.Error(t, err)
			}
		},
		"loaders": func() {
			for _, dir := range datadir.BadDirs(t) {
				_, err := LoadMicro(dir)
				assert.Error(t, err)
				_, err = LoadMacro(dir)
				assert.Error(t, err)
			}
		},
	}
	for name, f := range probes {
		assert.NotPanics(t, f, name)
	}
}
