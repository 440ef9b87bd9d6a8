package transnas101

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/parsetest"
)

func TestCellString(t *testing.T) {
	tests := []struct {
		s    string
		want Cell
	}{
		{"64-41414-0_00_000", Cell{}},
		{"64-41414-3_33_333", Cell{3, 3, 3, 3, 3, 3}},
		{"64-41414-1_02_213", Cell{Skip, None, Conv1x1, Conv1x1, Skip, Conv3x3}},
	}
	for _, tt := range tests {
		c, err := ParseCell(tt.s)
		require.NoError(t, err, tt.s)
		assert.Equal(t, tt.want, c)
		assert.Equal(t, tt.s, c.String())
	}
	assert.Equal(t, "64-41414-?_00_000", Cell{9}.String())
}

func TestCellIndex(t *testing.T) {
	seen := map[string]bool{}
	for i := range MicroSize {
		c, err := CellAt(i)
		require.NoError(t, err)
		require.Equal(t, i, c.Index())
		s := c.String()
		require.False(t, seen[s])
		seen[s] = true
		p, err := ParseCell(s)
		require.NoError(t, err)
		require.Equal(t, c, p)
		if i > 0 {
			prev, _ := CellAt(i - 1)
			require.Less(t, prev.String(), s, "index order is string order")
		}
	}
	assert.Equal(t, 1, Cell{0, 0, 0, 0, 0, 1}.Index())
	assert.Equal(t, 1024, Cell{1, 0, 0, 0, 0, 0}.Index())
	assert.Equal(t, -1, Cell{0, 4}.Index())
	for _, i := range []int{-1, MicroSize} {
		_, err := CellAt(i)
		assert.ErrorIs(t, err, searchspace.ErrNoSuchArch)
	}
	assert.ErrorIs(t, Cell{0, 0, 7}.Validate(), searchspace.ErrInvalidArch)
	assert.ErrorContains(t, Cell{0, 0, 7}.Validate(), "edge 2 (2←1) has op 7")
}

func TestOpAndBlockNames(t *testing.T) {
	for o := range Op(NumOps) {
		assert.Equal(t, OpNames[o], o.String())
		assert.Equal(t, OpNames[o], NodeOpNames[NodeNone+int(o)])
	}
	assert.Equal(t, "op(4)", Op(4).String())
	for b, want := range map[Block]string{Keep: "keep", Widen: "widen", Down: "down", DownWiden: "down_widen", 0: "block(0)"} {
		assert.Equal(t, want, b.String())
	}
	assert.Equal(t, []bool{false, true, false, true}, []bool{Keep.Widens(), Widen.Widens(), Down.Widens(), DownWiden.Widens()})
	assert.Equal(t, []bool{false, false, true, true}, []bool{Keep.Downsamples(), Widen.Downsamples(), Down.Downsamples(), DownWiden.Downsamples()})
	for b := Keep; b <= DownWiden; b++ {
		assert.Equal(t, "block_"+b.String(), NodeOpNames[NodeBlockKeep+int(b)-1])
	}
}

func TestSkeletonValidate(t *testing.T) {
	tests := []struct {
		s   Skeleton
		msg string // "" = valid
	}{
		{Skeleton{1, 1, 1, 1, 1, 4}, ""},
		{Skeleton{2, 3, 1, 1}, ""},
		{Skeleton{4, 4, 4, 3}, ""},
		{Skeleton{4, 4, 4, 3, 1, 1}, ""},
		{Skeleton{1, 1, 4}, "3 modules, want 4 to 6"},
		{Skeleton{1, 1, 1, 1, 1, 1, 4}, "7 modules"},
		{Skeleton{1, 1, 1, 1}, "has 0 modules that double the width"},
		{Skeleton{4, 4, 4, 4}, "has 4 modules that double the width"},
		{Skeleton{2, 1, 1, 1}, "has 0 modules that halve the resolution"},
		{Skeleton{2, 3, 3, 3, 3, 3}, "has 5 modules that halve the resolution"},
		{Skeleton{2, 3, 0, 1}, "module 2 of type 0"},
		{Skeleton{2, 3, 5, 1}, "module 2 of type 5"},
		{nil, "0 modules"},
	}
	for _, tt := range tests {
		err := tt.s.Validate()
		if tt.msg == "" {
			assert.NoError(t, err, "%v", tt.s)
			continue
		}
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch, "%v", tt.s)
		assert.ErrorContains(t, err, tt.msg)
	}
}

func TestSkeletonEnumeration(t *testing.T) {
	// The rules give exactly the benchmark's count, and every digit string
	// of length 4–6 outside them is rejected.
	valid := 0
	for n := 4; n <= 6; n++ {
		total := 1
		for range n {
			total *= 4
		}
		for code := range total {
			s := make(Skeleton, n)
			for i, c := n-1, code; i >= 0; i, c = i-1, c/4 {
				s[i] = Block(c%4 + 1)
			}
			if s.Validate() == nil {
				valid++
				require.GreaterOrEqual(t, s.Index(), 0)
			} else {
				require.Equal(t, -1, s.Index())
			}
		}
	}
	assert.Equal(t, MacroSize, valid)
	for i := range MacroSize {
		s, err := SkeletonAt(i)
		require.NoError(t, err)
		require.Equal(t, i, s.Index())
		p, err := ParseSkeleton(s.String())
		require.NoError(t, err)
		require.Equal(t, s, p)
		if i > 0 {
			prev, _ := SkeletonAt(i - 1)
			require.Less(t, prev.String(), s.String())
		}
	}
	first, _ := SkeletonAt(0)
	last, _ := SkeletonAt(MacroSize - 1)
	assert.Equal(t, "64-111114-basic", first.String())
	assert.Equal(t, "64-444311-basic", last.String())
	for _, i := range []int{-1, MacroSize} {
		_, err := SkeletonAt(i)
		assert.ErrorIs(t, err, searchspace.ErrNoSuchArch)
	}
	// SkeletonAt returns a copy.
	first[0] = 4
	again, _ := SkeletonAt(0)
	assert.Equal(t, Keep, again[0])
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		macro   bool
		s, at   string // the problem is at the first at ("" = end) …
		off     int    // … plus off characters
		msg     string
		invalid bool
	}{
		{"empty", false, "", "", 0, `found end of string, expected "64-41414-", the start of a micro arch string`, false},
		{"other width", false, "32-41414-3_33_333", "32", 0, `found '3'`, false},
		{"macro string", false, "64-111114-basic", "111114", 0, `found a macro arch string, expected a micro one, which starts with "64-41414-"`, false},
		{"bad op", false, "64-41414-3_34_333", "4_", 0, "found op 4 on edge 2←1, expected an op digit: 0 none, 1 skip_connect, 2 conv_1x1, 3 conv_3x3", false},
		{"missing underscore", false, "64-41414-33_3_333", "3_3_", 0, "found '3', expected '_' after the 1 op(s) into node 1", false},
		{"short", false, "64-41414-3_33_33", "", 0, "found end of string, expected op digit 3 of the 3 into node 3", false},
		{"letter", false, "64-41414-3_3x_333", "x", 0, `found 'x', expected op digit 2 of the 2 into node 2`, false},
		{"trailing", false, "64-41414-3_33_3333", "3333", 3, "found '3', expected the end of the string after node 3", false},
		{"trailing2", false, "64-41414-3_33_333 ", " ", 0, "found ' ', expected the end of the string after node 3", false},
		{"non-ASCII", false, "64-41414-3_3ö_333", "ö", 0, `found 'ö'`, false},

		{"m empty", true, "", "", 0, `found end of string, expected "64-", the start of a macro arch string`, false},
		{"m no digits", true, "64--basic", "-basic", 0, "found '-', expected module digits 1-4", false},
		{"m bad digit", true, "64-111514-basic", "514", 0, "found module type 5, expected 1 (keep), 2 (widen), 3 (down) or 4 (down and widen)", false},
		{"m zero", true, "64-1101-basic", "01", 0, "found module type 0", false},
		{"m micro", true, "64-41414-3_33_333", "-3_", 0, `found '-', expected "-basic" (this looks like a micro arch string`, false},
		{"m micro prefix only", true, "64-41414-", "14-", 2, "looks like a micro arch string", false},
		{"m no suffix", true, "64-111114", "", 0, `found end of string, expected "-basic" after the module digits`, false},
		{"m bad suffix", true, "64-111114-basi", "-basi", 0, `expected "-basic"`, false},
		{"m too many", true, "64-1111114-basic", "1111114", 6, `found module 7, expected at most 6 modules, then "-basic"`, true},
		{"m too few", true, "64-124-basic", "124", 0, "found a skeleton with 3 modules, expected 4 to 6", true},
		{"m no widen", true, "64-1113-basic", "1113", 0, "found a skeleton with 0 modules that double the width (types 2 and 4), expected 1 to 3", true},
		{"m no downsample", true, "64-1112-basic", "1112", 0, "found a skeleton with 0 modules that halve the resolution (types 3 and 4), expected 1 to 4", true},
		{"m trailing", true, "64-111114-basicx", "-basicx", 0, `expected "-basic" after the module digits`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.macro {
				_, err = ParseSkeleton(tt.s)
			} else {
				_, err = ParseCell(tt.s)
			}
			parsetest.Check(t, err, "transnas101 arch", tt.s, parsetest.Column(tt.s, tt.at, tt.off), tt.msg, tt.invalid)
		})
	}
}
