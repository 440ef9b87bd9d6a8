package darts

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
)

func TestLoadNB301(t *testing.T) {
	b, err := LoadNB301(datadir.Dir(t))
	require.NoError(t, err)
	assert.Equal(t, 1218, b.Table.Len())
	assert.Len(t, b.Archs, 1218)
	assert.Equal(t, []string{"val_accuracy", "flops", "params", "synflow", "grasp", "fisher", "grad_norm",
		"l2_norm", "plain", "nwot", "epe_nas", "jacov", "snip"}, b.Table.Metrics())
	assert.Equal(t, DefaultCells, b.Space.(*Space).Cells())

	// First row, kept as it is.
	assert.Equal(t, row1Genotype, b.Archs[0])
	v, err := b.Table.Lookup(row1, MetricValAcc)
	require.NoError(t, err)
	assert.Equal(t, 93.32119084207302, v)

	// Lines 246 and 727 hold the same genotype: the metrics are averaged,
	// nwot (empty on line 727) is the one value present.
	dup := "normal=[(sep_conv_5x5,0),(sep_conv_3x3,1),(skip_connect,0),(sep_conv_3x3,2),(sep_conv_3x3,2),(sep_conv_3x3,0),(dil_conv_5x5,2),(dil_conv_3x3,3)];reduce=[(sep_conv_3x3,0),(sep_conv_3x3,1),(avg_pool_3x3,1),(dil_conv_3x3,0),(sep_conv_3x3,2),(skip_connect,0),(sep_conv_5x5,4),(avg_pool_3x3,3)]"
	v, err = b.Table.Lookup(dup, MetricValAcc)
	require.NoError(t, err)
	assert.InDelta(t, (93.91835448554247+93.90106806339374)/2, v, 1e-12)
	v, err = b.Table.Lookup(dup, "snip")
	require.NoError(t, err)
	assert.InDelta(t, (399.07135009765625+381.2330017089844)/2, v, 1e-12)
	v, err = b.Table.Lookup(dup, "nwot")
	require.NoError(t, err)
	assert.Equal(t, 457.9472217955445, v)

	// nwot is missing for the 500 rows of one export, 7 of which repeat a
	// genotype of the other.
	nwot, err := b.Table.Column("nwot")
	require.NoError(t, err)
	nan := 0
	for _, x := range nwot {
		if math.IsNaN(x) {
			nan++
		}
	}
	assert.Equal(t, 493, nan)
	acc, err := b.Labels(MetricValAcc, nil)
	require.NoError(t, err)
	for i, x := range acc {
		require.False(t, math.IsNaN(x), "row %d", i)
		require.True(t, x > 90 && x < 95, "row %d: %v", i, x)
	}

	// Every genotype validates and encodes, with 20 cells too.
	s := newSpace(t, WithCells(20))
	for i, a := range b.Archs {
		require.NoError(t, b.Space.Validate(a), "row %d", i)
		seq, err := s.Encode(a)
		require.NoError(t, err)
		require.Len(t, seq, 20)
	}
	b20, err := LoadNB301(datadir.Dir(t), WithCells(20))
	require.NoError(t, err)
	assert.Equal(t, 20, b20.Space.(*Space).Cells())
}

func TestLoadNB301Errors(t *testing.T) {
	_, err := LoadNB301(t.TempDir())
	assert.ErrorContains(t, err, NB301File)
	assert.ErrorContains(t, err, searchspace.DataEnv)
	_, err = LoadNB301(t.TempDir(), WithCells(0))
	assert.ErrorContains(t, err, "WithCells(0)", "a bad option is reported before the file is looked for")
	t.Setenv(searchspace.DataEnv, "")
	_, err = LoadNB301("")
	assert.ErrorIs(t, err, searchspace.ErrNoData)
}

func TestReadNB301(t *testing.T) {
	header := "source_blob,genotype,naslib_compact,val_accuracy,nwot\n"
	ok := "a," + `"` + row1 + `","` + row1Compact + `",93.5,1` + "\n"
	b, err := ReadNB301(strings.NewReader(header + ok))
	require.NoError(t, err)
	assert.Equal(t, 1, b.Table.Len())
	assert.Equal(t, []string{"val_accuracy", "nwot"}, b.Table.Metrics())

	tests := []struct {
		name, csv, msg string
	}{
		{"empty", "", "CSV is empty"},
		{"no key", "arch,val_accuracy\nx,1\n", `no "genotype" column`},
		{"bad genotype", header + "a,normal=[],x,1,1\n", "line 2, column 2 (genotype)"},
		{"bad compact", header + "a," + `"` + row1 + `",(((,93.5,1` + "\n", "line 2, column 3 (naslib_compact)"},
		{"compact mismatch", header + "a," + `"` + row1 + `","` + strings.Replace(row1Compact, "(3,6)", "(3,5)", 1) + `",93.5,1` + "\n", "line 2: naslib_compact"},
		{"bad number", header + ok + "b," + `"` + row1 + `","` + row1Compact + `",abc,1` + "\n", `line 3, column 4 (val_accuracy): "abc" is not a finite number`},
		{"inf", header + "b," + `"` + row1 + `","` + row1Compact + `",1,+Inf` + "\n", `line 2, column 5 (nwot)`},
		{"short row", header + "b,x\n", "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadNB301(strings.NewReader(tt.csv))
			require.Error(t, err)
			assert.ErrorIs(t, err, searchspace.ErrParse)
			assert.ErrorContains(t, err, tt.msg)
		})
	}
}
