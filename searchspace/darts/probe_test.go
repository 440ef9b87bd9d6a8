package darts

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/probe"
)

// TestProbeNoPanics gives the DARTS API zero, nil, negative and out-of-range
// arguments: errors, never panics.
func TestProbeNoPanics(t *testing.T) {
	var zero Genotype
	bad := row1Genotype
	bad.Normal[3] = Edge{Op: "bogus", Input: -7}
	bad.Reduce[7].Input = math.MaxInt
	probe.Run(t, map[string]func(){
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
			odd := []string{"", "(", "Genotype(", "((((", strings.Repeat("(", 1<<16), strings.Repeat("[", 1<<16), "normal=[(max_pool_3x3,-", "'", "\xff", row1 + strings.Repeat(",", 1<<12)}
			for _, parse := range []func(string) (Genotype, error){Parse, ParsePython, ParseCompact} {
				probe.Rejects(t, searchspace.ErrParse, parse, odd...)
			}
		},
		"nil and zero Space": func() {
			for _, s := range []*Space{nil, {}} {
				assert.Equal(t, DefaultCells, s.Cells())
				seq, err := s.Encode(row1Genotype)
				assert.NoError(t, err)
				assert.Len(t, seq, DefaultCells)
				probe.Space(t, s, bad)
			}
		},
		"loaders": func() {
			probe.BadDirs(t, func(dir string) (*searchspace.Benchmark, error) { return LoadNB301(dir) })
			_, err := ReadNB301(nil)
			assert.Error(t, err)
			_, err = ReadNB301(strings.NewReader("genotype,x\n"), WithCells(-1))
			assert.Error(t, err)
			probe.Rejects(t, nil, func(in string) (*searchspace.Benchmark, error) { return ReadNB301(strings.NewReader(in)) },
				"", "\n", "genotype,x\n"+row1+",NaN\n", "genotype,genotype\n")
		},
	})
}
