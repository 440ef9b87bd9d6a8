package nasbench201_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/tabletest"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201/nb201data"
)

// TestLoadFiles reads full-size benchmark files, written from the built-in
// tables, with the folder loaders: they must give back the same tables.
func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	b, err := nb201data.LoadBenchmark()
	require.NoError(t, err)
	lat, err := nb201data.LoadLatency()
	require.NoError(t, err)
	require.NoError(t, tabletest.WriteFile(dir, nasbench201.BenchmarkFile, b.Table, "arch", nil))
	require.NoError(t, tabletest.WriteFile(dir, nasbench201.LatencyFile, lat, "arch_str", nil))

	got, err := nasbench201.LoadBenchmark(dir)
	require.NoError(t, err)
	assert.NoError(t, tabletest.Diff(b.Table, got.Table))
	for i, a := range got.Archs {
		require.Equal(t, b.Archs[i], a, "row %d", i)
	}
	gotLat, err := nasbench201.LoadLatency(dir)
	require.NoError(t, err)
	assert.NoError(t, tabletest.Diff(lat, gotLat))
}

// BenchmarkLoadBenchmarkCSV reads the benchmark table from its CSV file,
// for comparison with nb201data's built-in one.
func BenchmarkLoadBenchmarkCSV(b *testing.B) {
	dir := b.TempDir()
	bench, err := nb201data.LoadBenchmark()
	require.NoError(b, err)
	require.NoError(b, tabletest.WriteFile(dir, nasbench201.BenchmarkFile, bench.Table, "arch", nil))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := nasbench201.LoadBenchmark(dir); err != nil {
			b.Fatal(err)
		}
	}
}
