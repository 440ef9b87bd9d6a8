package nasbench101

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/probe"
)

// TestProbeNoPanics gives the NB101 API zero, nil, negative and out-of-range
// arguments: errors, never panics. Arguments that would enumerate
// the space (a valid index or fingerprint) are left out.
func TestProbeNoPanics(t *testing.T) {
	var zero Cell
	var nilSpace *Space
	probe.Run(t, map[string]func(){
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
			probe.OutOfRange(t, nilSpace.Cell, NumCells)
			lookup := func(fp string) (Cell, error) {
				c, _, err := nilSpace.Lookup(fp)
				return c, err
			}
			probe.Rejects(t, searchspace.ErrParse, lookup, "", "zz", strings.Repeat("g", 32), strings.Repeat("0", 1<<12))
		},
		"Parse": func() {
			probe.Rejects(t, nil, Parse, "", ":", "::", "1:", strings.Repeat("1", 1<<14)+":IO", "1:"+strings.Repeat("3", 1<<14), "\xff:IO")
		},
		"nil *Space": func() { probe.Space(t, nilSpace, zero, &zero) },
		"loaders": func() {
			probe.BadDirs(t, LoadLabelled)
			probe.BadDirs(t, LoadNASLib500)
			probe.Rejects(t, nil, func(in string) (*searchspace.Benchmark, error) { return readNASLib(strings.NewReader(in)) },
				"", "\n", "adjacency_7x7_rowmajor,ops\n,\n", "adjacency_7x7_rowmajor,ops,x\n01,\"input,output\",NaN\n")
		},
	})
}
