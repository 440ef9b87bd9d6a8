package nasbench201

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/probe"
)

// TestProbeNoPanics gives the NB201 API zero, nil, negative and out-of-range
// arguments: errors, never panics.
func TestProbeNoPanics(t *testing.T) {
	bad := Arch{255, 5, 9, 0, 0, 0}
	probe.Run(t, map[string]func(){
		"ArchAt": func() {
			probe.OutOfRange(t, ArchAt, Size)
			probe.OutOfRange(t, New().At, Size)
		},
		"invalid Arch": func() {
			assert.NotEmpty(t, bad.String())
			assert.False(t, bad.Valid())
			assert.Equal(t, -1, bad.CanonicalIndex())
			_ = bad.Live()
			assert.Equal(t, "op(255)", Op(255).String())
		},
		"Parse": func() {
			probe.Rejects(t, searchspace.ErrParse, Parse, "", "|", "+", strings.Repeat("|none~0", 1<<14), "\xff", "|none~0|+|none~0|none~1|+|none~0|none~1|none~")
		},
		"nil *Space": func() {
			var nilSpace *Space
			assert.Equal(t, "nb201", nilSpace.Name())
			probe.Space(t, nilSpace, bad)
		},
		"loaders": func() {
			probe.BadDirs(t, LoadBenchmark)
			probe.BadDirs(t, LoadLatency)
		},
	})
}
