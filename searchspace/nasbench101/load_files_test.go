package nasbench101_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/tabletest"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101/nb101data"
)

// TestLoadFiles reads a full-size labelled file, keyed by fingerprint as
// the benchmark's is and written from the built-in table, with the folder
// loader: it must find every cell and give back the same table.
func TestLoadFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("joining the labelled cells enumerates the whole space; skipped under -short")
	}
	dir := t.TempDir()
	b, err := nb101data.LoadLabelled()
	require.NoError(t, err)
	byHash := func(i int, _ string) (string, error) { return b.Archs[i].(nasbench101.Cell).Fingerprint(), nil }
	require.NoError(t, tabletest.WriteFile(dir, nasbench101.LabelledFile, b.Table, "hash", byHash))
	got, err := nasbench101.LoadLabelled(dir)
	require.NoError(t, err)
	assert.NoError(t, tabletest.Diff(b.Table, got.Table))
	for i, a := range got.Archs {
		require.Equal(t, b.Archs[i], a, "row %d", i)
	}
}
