package nb301data_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/tabletest"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/darts"
	"github.com/hypernas/go-hypernas/searchspace/darts/nb301data"
)

// row1 is the first row of the benchmark file.
const row1 = "normal=[(max_pool_3x3,0),(dil_conv_3x3,1),(avg_pool_3x3,1),(avg_pool_3x3,0),(sep_conv_3x3,1),(sep_conv_3x3,0),(sep_conv_3x3,1),(skip_connect,3)];reduce=[(max_pool_3x3,1),(skip_connect,0),(sep_conv_3x3,1),(sep_conv_3x3,0),(max_pool_3x3,3),(avg_pool_3x3,0),(max_pool_3x3,2),(dil_conv_5x5,3)]"

func TestLoadNB301(t *testing.T) {
	b, err := nb301data.LoadNB301()
	require.NoError(t, err)
	assert.Equal(t, 1218, b.Table.Len())
	assert.Len(t, b.Archs, 1218)
	assert.Equal(t, []string{"val_accuracy", "flops", "params", "synflow", "grasp", "fisher", "grad_norm",
		"l2_norm", "plain", "nwot", "epe_nas", "jacov", "snip"}, b.Table.Metrics())
	assert.Equal(t, darts.DefaultCells, b.Space.(*darts.Space).Cells())
	assert.Equal(t, row1, b.Archs[0].String())
	v, err := b.Table.Lookup(row1, darts.MetricValAcc)
	require.NoError(t, err)
	assert.Equal(t, 93.32119084207302, v)

	// Lines 246 and 727 of the file hold the same genotype: the metrics are
	// averaged, nwot (empty on line 727) is the one value present.
	dup := "normal=[(sep_conv_5x5,0),(sep_conv_3x3,1),(skip_connect,0),(sep_conv_3x3,2),(sep_conv_3x3,2),(sep_conv_3x3,0),(dil_conv_5x5,2),(dil_conv_3x3,3)];reduce=[(sep_conv_3x3,0),(sep_conv_3x3,1),(avg_pool_3x3,1),(dil_conv_3x3,0),(sep_conv_3x3,2),(skip_connect,0),(sep_conv_5x5,4),(avg_pool_3x3,3)]"
	v, err = b.Table.Lookup(dup, darts.MetricValAcc)
	require.NoError(t, err)
	assert.InDelta(t, (93.91835448554247+93.90106806339374)/2, v, 1e-12)
	v, err = b.Table.Lookup(dup, "nwot")
	require.NoError(t, err)
	assert.Equal(t, 457.9472217955445, v)

	nwot, err := b.Table.Column("nwot")
	require.NoError(t, err)
	nan := 0
	for _, x := range nwot {
		if math.IsNaN(x) {
			nan++
		}
	}
	assert.Equal(t, 493, nan, "nwot is missing for the 500 rows of one export, 7 of which repeat a genotype of the other")
	acc, err := b.Labels(darts.MetricValAcc, nil)
	require.NoError(t, err)
	for i, x := range acc {
		require.True(t, x > 90 && x < 95, "row %d: %v", i, x)
	}

	b20, err := nb301data.LoadNB301(darts.WithCells(20))
	require.NoError(t, err)
	assert.Equal(t, 20, b20.Space.(*darts.Space).Cells())
	seq, err := b20.Space.Encode(b20.Archs[0])
	require.NoError(t, err)
	assert.Len(t, seq, 20)
	_, err = nb301data.LoadNB301(darts.WithCells(0))
	assert.ErrorContains(t, err, "WithCells(0)")
}

// TestMatchesCSV checks that the embedded table is exactly what the loader
// reads from the benchmark's file, when it is at hand.
func TestMatchesCSV(t *testing.T) {
	tabletest.Matches(t, loadNB301, loadNB301Dir)
}

// TestLoadFiles reads a full-size benchmark file, written from the
// built-in table (NaN metrics as empty cells, as the benchmark's file has
// them), with the folder loader: it must give back the same table, with
// any number of cells.
func TestLoadFiles(t *testing.T) {
	b, err := loadNB301()
	require.NoError(t, err)
	dir := tabletest.LoadsBack(t, b, darts.NB301File, darts.ColGenotype, nil, loadNB301Dir)
	b20, err := darts.LoadNB301(dir, darts.WithCells(20))
	require.NoError(t, err)
	assert.Equal(t, 20, b20.Space.(*darts.Space).Cells())
	for i, a := range b20.Archs {
		seq, err := b20.Space.Encode(a)
		require.NoError(t, err, "row %d", i)
		require.Len(t, seq, 20)
	}
}

func BenchmarkLoadNB301(b *testing.B) { tabletest.BenchmarkLoad(b, loadNB301) }

// loadNB301 and loadNB301Dir are the built-in table and the folder loader
// with the default options.
func loadNB301() (*searchspace.Benchmark, error)              { return nb301data.LoadNB301() }
func loadNB301Dir(dir string) (*searchspace.Benchmark, error) { return darts.LoadNB301(dir) }
