package nasbench101

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
)

// TestProbeNoPanics gives the NB101 API zero, nil, negative and out-of-range
// arguments: errors, never panics. Arguments that would enumerate
// the space (a valid index or fingerprint) are left out.
func TestProbeNoPanics(t *testing.T) {
	var zero Cell
	var nilSpace *Space
	probes := map[string]func(){
		"NewCell": func() {
			for _, tc := range []struct {
				adj [][]bool
				ops []string
			}{{nil, nil}, {[][]bool{nil, nil}, []string{OpInput, OpOutput}}, {[][]bool{{true}}, []string{OpInput}},
				{make([][]bool, 100), make([]string, 100)}, {[][]bool{{false, true}, {false, false}}, []string{"", ""}}} {
				_, err := NewCell(tc.adj, tc.ops)
				assert.ErrorIs(t, err, searchspace.ErrInvalidArch)
			}
		},
		"zero Cell": func() {
			assert.Zero(t, zero.NumVertices())
			assert.Zero(t, zero.NumEdges())
			assert.False(t, zero.Edge(-1, 99))
			assert.Equal(t, "", zero.Op(-1))
			assert.Empty(t, zero.Ops())
			assert.Empty(t, zero.Matrix())
			assert.NotEmpty(t, zero.String())
			assert.Len(t, zero.Fingerprint(), 32)
		},
		"Space indices": func() {
			for _, i := range []int{-1, NumCells, 1 << 40, math.MinInt, math.MaxInt} {
				_, err := nilSpace.Cell(i)
				assert.ErrorIs(t, err, searchspace.ErrNoSuchArch)
			}
			for _, fp := range []string{"", "zz", strings.Repeat("g", 32), strings.Repeat("0", 1<<12)} {
				_, _, err := nilSpace.Lookup(fp)
				assert.ErrorIs(t, err, searchspace.ErrParse)
			}
		},
		"Parse": func() {
			for _, s := range []string{"", ":", "::", "1:", strings.Repeat("1", 1<<14) + ":IO", "1:" + strings.Repeat("3", 1<<14), "\xff:IO"} {
				_, err := Parse(s)
				assert.Error(t, err, "%q", s)
			}
		},
		"nil *Space": func() {
			assert.Nil(t, nilSpace.Sample(nil))
			_, err := nilSpace.Mutate(zero, rand.New(rand.NewPCG(1, 1)))
			assert.Error(t, err)
			_, err = nilSpace.Mutate(nil, nil)
			assert.Error(t, err)
			_, err = nilSpace.Encode(&zero)
			assert.Error(t, err)
			_, err = nilSpace.EncodeCell(nil)
			assert.Error(t, err)
		},
		"loaders": func() {
			for _, dir := range datadir.BadDirs(t) {
				_, err := LoadLabelled(dir)
				assert.Error(t, err)
				_, err = LoadNASLib500(dir)
				assert.Error(t, err)
			}
			for _, in := range []string{"", "\n", "adjacency_7x7_rowmajor,ops\n,\n", "adjacency_7x7_rowmajor,ops,x\n01,\"input,output\",NaN\n"} {
				_, err := readNASLib(strings.NewReader(in))
				assert.Error(t, err, "%q", in)
			}
		},
	}
	for name, f := range probes {
		assert.NotPanics(t, f, name)
	}
}
