package transnas101

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/probe"
)

// TestProbeNoPanics gives the TransNAS-Bench-101 API zero, nil, negative and out-of-range
// arguments: errors, never panics.
func TestProbeNoPanics(t *testing.T) {
	probe.Run(t, map[string]func(){
		"indices": func() {
			probe.OutOfRange(t, CellAt, MicroSize)
			probe.OutOfRange(t, SkeletonAt, MacroSize)
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
			odd := []string{"", "64", "64-", "64-41414-", "64-41414-3_33_33\xff", "64-9-basic", strings.Repeat("64-41414-", 1<<12), "64-" + strings.Repeat("1", 1<<12) + "-basic"}
			probe.Rejects(t, searchspace.ErrParse, ParseCell, odd...)
			probe.Rejects(t, searchspace.ErrParse, ParseSkeleton, odd...)
		},
		"nil spaces": func() {
			probe.Space(t, (*Micro)(nil), (*Cell)(nil))
			probe.Space(t, (*Macro)(nil), (*Cell)(nil))
		},
		"loaders": func() {
			probe.BadDirs(t, LoadMicro)
			probe.BadDirs(t, LoadMacro)
		},
	})
}
