package nasbench201

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/parsetest"
)

// row1 is official NB201 index 1 (cifar10_test_acc 93.66).
const row1 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"

func TestParseString(t *testing.T) {
	tests := []struct {
		s    string
		want Arch
	}{
		{row1, Arch{Conv3x3, Conv3x3, AvgPool3x3, SkipConnect, Conv3x3, SkipConnect}},
		{"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|", Arch{}},
		{"|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
			Arch{AvgPool3x3, Conv1x1, SkipConnect, Conv1x1, SkipConnect, SkipConnect}},
		{"|skip_connect~0|+|none~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_3x3~1|none~2|",
			Arch{SkipConnect, None, Conv1x1, AvgPool3x3, Conv3x3, None}},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			a, err := Parse(tt.s)
			require.NoError(t, err)
			assert.Equal(t, tt.want, a)
			assert.Equal(t, tt.s, a.String())
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		s    string
		col  int
		msg  string
	}{
		{"empty", "", 1, `found end of string, expected '|' to open node 1`},
		{"no leading bar", strings.TrimPrefix(row1, "|"), 1, `found 'n', expected '|' to open node 1`},
		{"unknown op", strings.Replace(row1, "avg_pool_3x3", "max_pool_3x3", 1), 34, `found unknown op "max_pool_3x3", expected none, skip_connect, nor_conv_1x1, nor_conv_3x3 or avg_pool_3x3`},
		{"op with space", "|nor_conv_3x3 ~0|", 2, `unknown op "nor_conv_3x3 "`},
		{"empty op", "|~0|", 2, `found '~', expected an op (none`},
		{"missing tilde", "|nor_conv_3x3|+", 14, `found '|', expected '~' between op and source node`},
		{"bad source", "|nor_conv_3x3~1|" + row1[16:], 15, `found source "1", expected source node 0 for edge 1 of node 1`},
		{"source not a digit", "|nor_conv_3x3~x|", 15, `found source "x"`},
		{"source missing", "|nor_conv_3x3~|", 15, `found '|', expected source node 0 for edge 1 of node 1`},
		{"sources out of order", "|none~0|+|none~1|none~0|+|none~0|none~1|none~2|", 16, `found source "1", expected source node 0 for edge 1 of node 2`},
		{"source too large", "|none~0|+|none~0|none~2|+|none~0|none~1|none~2|", 23, `found source "2", expected source node 1 for edge 2 of node 2`},
		{"only one node", "|nor_conv_3x3~0|", 17, `found end of string, expected '+' and node 2 after node 1`},
		{"missing plus", "|nor_conv_3x3~0||none~0|", 17, `found '|', expected '+' and node 2 after node 1 (an NB201 cell has 3 nodes; node 1 has exactly 1 incoming edge(s))`},
		{"too many edges", "|nor_conv_3x3~0|none~1|+", 17, `found 'n', expected '+' and node 2 after node 1`},
		{"too few edges", "|nor_conv_3x3~0|+|nor_conv_3x3~0|+|none~0|", 34, `found '+', expected edge 2 of node 2 (node 2 has 2 incoming edges`},
		{"too few edges at end", "|none~0|+|none~0|none~1|+|none~0|none~1|", 41, `found end of string, expected edge 3 of node 3`},
		{"missing closing bar", strings.TrimSuffix(row1, "|"), len(row1), `found end of string, expected '|' to close the edge`},
		{"trailing text", row1 + "+|none~0|", len(row1) + 1, `found '+', expected the end of the string after node 3`},
		{"trailing space", row1 + " ", len(row1) + 1, `found ' '`},
		{"non-ASCII", "|nöne~0|", 2, `unknown op "nöne"`},
		{"column counts characters", "|none~ö|", 7, `found source "ö"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.s)
			parsetest.Check(t, err, "nb201 arch", tt.s, tt.col, tt.msg, false)
		})
	}
}

func TestCanonicalIndexRoundTrip(t *testing.T) {
	seen := make(map[string]int, Size)
	for i := range Size {
		a, err := ArchAt(i)
		require.NoError(t, err)
		require.Equal(t, i, a.CanonicalIndex())
		s := a.String()
		if j, dup := seen[s]; dup {
			t.Fatalf("indices %d and %d both give %s", j, i, s)
		}
		seen[s] = i
		b, err := Parse(s)
		require.NoError(t, err)
		require.Equal(t, a, b)
	}
	assert.Len(t, seen, Size)
}

func TestCanonicalIndexOrder(t *testing.T) {
	// First edge most significant, base 5.
	assert.Equal(t, 0, Arch{}.CanonicalIndex())
	assert.Equal(t, 1, Arch{0, 0, 0, 0, 0, 1}.CanonicalIndex())
	assert.Equal(t, 5, Arch{0, 0, 0, 0, 1, 0}.CanonicalIndex())
	assert.Equal(t, 3125, Arch{1, 0, 0, 0, 0, 0}.CanonicalIndex())
	assert.Equal(t, Size-1, Arch{4, 4, 4, 4, 4, 4}.CanonicalIndex())
	assert.Equal(t, -1, Arch{0, 0, 5, 0, 0, 0}.CanonicalIndex())
	for _, i := range []int{-1, Size, Size + 100} {
		_, err := ArchAt(i)
		assert.ErrorIs(t, err, searchspace.ErrNoSuchArch, "index %d", i)
	}
}

func TestOpString(t *testing.T) {
	for o := range Op(NumOps) {
		assert.Equal(t, Ops[o], o.String())
	}
	assert.Equal(t, "op(9)", Op(9).String())
	// An invalid Arch formats without panicking, and does not parse.
	_, err := Parse(Arch{9}.String())
	assert.ErrorIs(t, err, searchspace.ErrParse)
}

func TestEdges(t *testing.T) {
	// Ordered by target, sources increasing: the order of the arch string.
	e := Edges()
	for k := 1; k < NumEdges; k++ {
		prev, cur := e[k-1], e[k]
		assert.True(t, prev.To < cur.To || (prev.To == cur.To && prev.From < cur.From), "edge %d", k)
	}
	assert.Equal(t, Edge{From: 2, To: 3}, e[5])
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		row1,
		"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
		"", "|", "+", "~", "|none~0|", "|none~0|+|none~0|none~1|+",
		"|nor_conv_3x3~0|+|nor_conv_3x3~0|+|none~0|",
		row1 + "x", "|ö~0|", "|none~10|",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			if !errors.Is(err, searchspace.ErrParse) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrParse", s, err)
			}
			var pe *searchspace.ParseError
			if !errors.As(err, &pe) || pe.Column() < 1 || pe.Column() > len([]rune(s))+1 {
				t.Fatalf("Parse(%q): bad error position in %v", s, err)
			}
			return
		}
		if !a.Valid() {
			t.Fatalf("Parse(%q) gave invalid %v", s, a)
		}
		if got := a.String(); got != s {
			t.Fatalf("Parse(%q).String() = %q", s, got)
		}
		b, err := Parse(a.String())
		if err != nil || b != a {
			t.Fatalf("re-parse of %q: %v, %v", s, b, err)
		}
	})
}
