package nb201data_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/tabletest"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201/nb201data"
)

const row1 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"

func TestLoadBenchmark(t *testing.T) {
	b, err := nb201data.LoadBenchmark()
	require.NoError(t, err)
	require.Equal(t, nasbench201.Size, b.Table.Len())
	require.Len(t, b.Archs, nasbench201.Size)
	assert.Equal(t, "nb201", b.Space.Name())
	assert.Equal(t, []string{"index", "cifar10_valid_acc", "cifar10_test_acc", "cifar100_test_acc",
		"cifar10_test_acc_12ep", "cifar100_test_acc_12ep", "params_cifar10", "params_cifar100", "train_time_s"},
		b.Table.Metrics())

	// Row 1 (official index 1), as the file writes it.
	assert.Equal(t, row1, b.Archs[1].String())
	acc, err := b.Table.Value(1, nasbench201.MetricTestAcc)
	require.NoError(t, err)
	assert.Equal(t, 93.66, acc)
	valid, err := b.Table.Value(0, nasbench201.MetricValidAcc)
	require.NoError(t, err)
	assert.Equal(t, 81.98266666, valid)
	row, ok := b.Table.Row(row1)
	require.True(t, ok)
	assert.Equal(t, 1, row)
	idx, err := b.Labels(nasbench201.MetricIndex, nil)
	require.NoError(t, err)
	for i, v := range idx {
		require.Equal(t, float64(i), v, "the index column is the row")
	}

	// The whole space, each cell once.
	seen := make(map[nasbench201.Arch]bool, nasbench201.Size)
	for _, a := range b.Archs {
		seen[a.(nasbench201.Arch)] = true
	}
	assert.Len(t, seen, nasbench201.Size)

	// Best cells: index 6111 is the best by validation accuracy and shares
	// the best test accuracy, 94.3733, with index 13714.
	argmax := func(metric string) (int, float64) {
		col, err := b.Table.Column(metric)
		require.NoError(t, err)
		best := 0
		for i, v := range col {
			if v > col[best] {
				best = i
			}
		}
		return best, col[best]
	}
	i, v := argmax(nasbench201.MetricValidAcc)
	assert.Equal(t, 6111, i)
	assert.InDelta(t, 91.6067, v, 1e-4)
	i, v = argmax(nasbench201.MetricTestAcc)
	assert.Equal(t, 6111, i)
	assert.InDelta(t, 94.3733, v, 1e-4)
	v13714, err := b.Table.Value(13714, nasbench201.MetricTestAcc)
	require.NoError(t, err)
	assert.Equal(t, v, v13714)
	assert.Equal(t, "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|", b.Archs[6111].String())

	// Each call returns a Benchmark of its own.
	b.Archs[0] = nil
	again, err := nb201data.LoadBenchmark()
	require.NoError(t, err)
	assert.NotNil(t, again.Archs[0])
}

func TestLoadLatency(t *testing.T) {
	lat, err := nb201data.LoadLatency()
	require.NoError(t, err)
	require.Equal(t, nasbench201.Size, lat.Len())
	assert.Len(t, lat.Metrics(), 28)
	for _, m := range lat.Metrics() {
		assert.True(t, m == nasbench201.LatencyIndex || strings.HasPrefix(m, "lat_"), m)
	}
	v, err := lat.Lookup(row1, "lat_1080ti_1")
	require.NoError(t, err)
	assert.Equal(t, 12.9003, v)
	v, err = lat.Lookup(row1, "lat_pixel3")
	require.NoError(t, err)
	assert.Equal(t, 17.2381, v)
	b, err := nb201data.LoadBenchmark()
	require.NoError(t, err)
	assert.Equal(t, b.Table.Archs(), lat.Archs(), "same rows as the benchmark table")
	idx, err := lat.Column(nasbench201.LatencyIndex)
	require.NoError(t, err)
	for i, v := range idx {
		require.Equal(t, float64(i), v)
	}
}

// TestMatchesCSV checks that the embedded tables are exactly what the
// loaders read from the benchmark's files, when they are at hand.
func TestMatchesCSV(t *testing.T) {
	tabletest.Matches(t, nb201data.LoadBenchmark, nasbench201.LoadBenchmark)
	tabletest.MatchesTable(t, nb201data.LoadLatency, nasbench201.LoadLatency)
}

// TestLoadFiles reads full-size benchmark files, written from the built-in
// tables, with the folder loaders: they must give back the same tables.
func TestLoadFiles(t *testing.T) {
	b, err := nb201data.LoadBenchmark()
	require.NoError(t, err)
	tabletest.LoadsBack(t, b, nasbench201.BenchmarkFile, "arch", nil, nasbench201.LoadBenchmark)

	dir := t.TempDir()
	lat, err := nb201data.LoadLatency()
	require.NoError(t, err)
	require.NoError(t, tabletest.WriteFile(dir, nasbench201.LatencyFile, lat, "arch_str", nil))
	gotLat, err := nasbench201.LoadLatency(dir)
	require.NoError(t, err)
	assert.NoError(t, tabletest.Diff(lat, gotLat))
}

func BenchmarkLoadBenchmark(b *testing.B) { tabletest.BenchmarkLoad(b, nb201data.LoadBenchmark) }
func BenchmarkLoadLatency(b *testing.B)   { tabletest.BenchmarkLoad(b, nb201data.LoadLatency) }

// BenchmarkLoadBenchmarkCSV reads the benchmark table from its CSV file,
// for comparison with the built-in one.
func BenchmarkLoadBenchmarkCSV(b *testing.B) {
	dir := b.TempDir()
	bench, err := nb201data.LoadBenchmark()
	require.NoError(b, err)
	require.NoError(b, tabletest.WriteFile(dir, nasbench201.BenchmarkFile, bench.Table, "arch", nil))
	tabletest.BenchmarkLoad(b, func() (*searchspace.Benchmark, error) { return nasbench201.LoadBenchmark(dir) })
}
