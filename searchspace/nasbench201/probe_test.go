package nasbench201

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
)

// TestProbeNoPanics gives the NB201 API zero, nil, negative and out-of-range
// arguments: errors, never panics.
func TestProbeNoPanics(t *testing.T) {
	bad := Arch{255, 5, 9, 0, 0, 0}
	var nilSpace *Space
	probes := map[string]func(){
		"ArchAt": func() {
			for _, i := range []int{-1, Size, 1 << 40, math.MinInt, math.MaxInt} {
				_, err := ArchAt(i)
				assert.ErrorIs(t, err, searchspace.ErrNoSuchArch)
				_, err = New().At(i)
				assert.ErrorIs(t, err, searchspace.ErrNoSuchArch)
			}
		},
		"invalid Arch": func() {
			assert.NotEmpty(t, bad.String())
			assert.False(t, bad.Valid())
			assert.Equal(t, -1, bad.CanonicalIndex())
			_ = bad.Live()
			assert.Equal(t, "op(255)", Op(255).String())
		},
		"Parse": func() {
			for _, s := range []string{"", "|", "+", strings.Repeat("|none~0", 1<<14), "\xff", "|none~0|+|none~0|none~1|+|none~0|none~1|none~"} {
				_, err := Parse(s)
				assert.ErrorIs(t, err, searchspace.ErrParse)
			}
		},
		"nil *Space": func() {
			assert.Equal(t, "nb201", nilSpace.Name())
			assert.Nil(t, nilSpace.Sample(nil))
			_, err := nilSpace.Mutate(nil, nil)
			assert.Error(t, err)
			_, err = nilSpace.Mutate(Arch{}, nil)
			assert.Error(t, err)
			_, err = nilSpace.Encode(nil)
			assert.Error(t, err)
			_, err = nilSpace.EncodeCell(bad)
			assert.Error(t, err)
			_, err = nilSpace.Mutate(bad, rand.New(rand.NewPCG(1, 1)))
			assert.Error(t, err)
		},
		"loaders": func() {
			for _, dir := range datadir.BadDirs(t) {
				_, err := LoadBenchmark(dir)
				assert.Error(t, err)
				_, err = LoadLatency(dir)
				assert.Error(t, err)
			}
		},
	}
	for name, f := range probes {
		assert.NotPanics(t, f, name)
	}
}
