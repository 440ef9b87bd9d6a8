package darts

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
)

// TestProbeNoPanics gives the DARTS API zero, nil, negative and out-of-range
// arguments: errors, never panics.
func TestProbeNoPanics(t *testing.T) {
	var zero Genotype
	bad := row1Genotype
	bad.Normal[3] = Edge{Op: "bogus", Input: -7}
	bad.Reduce[7].Input = math.MaxInt
	probes := map[string]func(){
		"New": func() {
			for _, n := range []int{-3, 0, MaxCells + 1, math.MinInt, math.MaxInt} {
				_, err := New(WithCells(n))
				assert.Error(t, err)
			}
			_, err := New(nil)
			assert.NoError(t, err)
		},
		"helpers": func() {
			for _, n := range []int{-1, 0, math.MinInt} {
				_ = IsReduction(n, n)
			}
			assert.Equal(t, -1, OpIndex(""))
		},
		"invalid Genotype": func() {
			for _, g := range []Genotype{zero, bad} {
				assert.NotEmpty(t, g.String())
				assert.NotEmpty(t, g.Python())
				assert.NotEmpty(t, g.Compact())
				_ = g.Canonical()
				assert.ErrorIs(t, g.Validate(), searchspace.ErrInvalidArch)
				_, err := CellGraph(g.Normal, false)
				assert.Error(t, err)
				_, err = CellGraph(g.Reduce, true)
				assert.Error(t, err)
			}
		},
		"parsers": func() {
			for _, s := range []string{"", "(", "Genotype(", "((((", strings.Repeat("(", 1<<16), strings.Repeat("[", 1<<16), "normal=[(max_pool_3x3,-", "'", "\xff", row1 + strings.Repeat(",", 1<<12)} {
				_, err := Parse(s)
				assert.ErrorIs(t, err, searchspace.ErrParse, "%q", s)
				_, err = ParsePython(s)
				assert.ErrorIs(t, err, searchspace.ErrParse, "%q", s)
				_, err = ParseCompact(s)
				assert.ErrorIs(t, err, searchspace.ErrParse, "%q", s)
			}
		},
		"nil and zero Space": func() {
			for _, s := range []*Space{nil, {}} {
				assert.Equal(t, DefaultCells, s.Cells())
				assert.Nil(t, s.Sample(nil))
				seq, err := s.Encode(row1Genotype)
				assert.NoError(t, err)
				assert.Len(t, seq, DefaultCells)
				_, err = s.Encode(bad)
				assert.Error(t, err)
				_, err = s.EncodeCell(nil)
				assert.Error(t, err)
				_, err = s.Mutate(bad, rand.New(rand.NewPCG(1, 1)))
				assert.Error(t, err)
				_, err = s.Mutate(row1Genotype, nil)
				assert.Error(t, err)
			}
		},
		"loaders": func() {
			for _, dir := range datadir.BadDirs(t) {
				_, err := LoadNB301(dir)
				assert.Error(t, err)
			}
			_, err := ReadNB301(nil)
			assert.Error(t, err)
			_, err = ReadNB301(strings.NewReader("genotype,x\n"), WithCells(-1))
			assert.Error(t, err)
			for _, in := range []string{"", "\n", "genotype,x\n" + row1 + ",NaN\n", "genotype,genotype\n"} {
				_, err := ReadNB301(strings.NewReader(in))
				assert.Error(t, err, "%q", in)
			}
		},
	}
	for name, f := range probes {
		assert.NotPanics(t, f, name)
	}
}
