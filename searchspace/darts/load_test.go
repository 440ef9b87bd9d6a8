package darts

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/probe"
)

func TestLoadNB301Errors(t *testing.T) {
	probe.MissingData(t, NB301File, func(dir string) (*searchspace.Benchmark, error) { return LoadNB301(dir) })
	_, err := LoadNB301(t.TempDir(), WithCells(0))
	assert.ErrorContains(t, err, "WithCells(0)", "a bad option is reported before the file is looked for")
}

func TestReadNB301(t *testing.T) {
	header := "source_blob,genotype,naslib_compact,val_accuracy,nwot\n"
	ok := "a," + `"` + row1 + `","` + row1Compact + `",93.5,1` + "\n"
	b, err := ReadNB301(strings.NewReader(header + ok))
	require.NoError(t, err)
	assert.Equal(t, 1, b.Table.Len())
	assert.Equal(t, []string{"val_accuracy", "nwot"}, b.Table.Metrics())

	// A repeated genotype: its metrics are the means of its non-empty values.
	again := "b," + `"` + row1 + `","` + row1Compact + `",93.0,` + "\n"
	b, err = ReadNB301(strings.NewReader(header + ok + again))
	require.NoError(t, err)
	require.Equal(t, 1, b.Table.Len())
	v, err := b.Table.Value(0, MetricValAcc)
	require.NoError(t, err)
	assert.Equal(t, 93.25, v)
	v, err = b.Table.Value(0, "nwot")
	require.NoError(t, err)
	assert.Equal(t, 1.0, v, "the empty nwot of the second row is left out of the mean")

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
