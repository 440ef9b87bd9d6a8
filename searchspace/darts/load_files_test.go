package darts_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/tabletest"
	"github.com/hypernas/go-hypernas/searchspace/darts"
	"github.com/hypernas/go-hypernas/searchspace/darts/nb301data"
)

// TestLoadFiles reads a full-size benchmark file, written from the
// built-in table (NaN metrics as empty cells, as the benchmark's file has
// them), with the folder loader: it must give back the same table, with
// any number of cells.
func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	b, err := nb301data.LoadNB301()
	require.NoError(t, err)
	require.NoError(t, tabletest.WriteFile(dir, darts.NB301File, b.Table, darts.ColGenotype, nil))
	got, err := darts.LoadNB301(dir)
	require.NoError(t, err)
	assert.NoError(t, tabletest.Diff(b.Table, got.Table))
	for i, a := range got.Archs {
		require.Equal(t, b.Archs[i], a, "row %d", i)
	}
	b20, err := darts.LoadNB301(dir, darts.WithCells(20))
	require.NoError(t, err)
	assert.Equal(t, 20, b20.Space.(*darts.Space).Cells())
	for i, a := range b20.Archs {
		seq, err := b20.Space.Encode(a)
		require.NoError(t, err, "row %d", i)
		require.Len(t, seq, 20)
	}
}
