package transnas101_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/tabletest"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/transnas101"
	"github.com/hypernas/go-hypernas/searchspace/transnas101/tnbdata"
)

// TestLoadFiles reads full-size benchmark files, written from the built-in
// tables, with the folder loaders: they must give back the same tables.
func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		file     string
		embedded func() (*searchspace.Benchmark, error)
		load     func(string) (*searchspace.Benchmark, error)
	}{
		{transnas101.MicroFile, tnbdata.LoadMicro, transnas101.LoadMicro},
		{transnas101.MacroFile, tnbdata.LoadMacro, transnas101.LoadMacro},
	} {
		b, err := tt.embedded()
		require.NoError(t, err)
		require.NoError(t, tabletest.WriteFile(dir, tt.file, b.Table, transnas101.KeyColumn, nil))
		got, err := tt.load(dir)
		require.NoError(t, err)
		assert.NoError(t, tabletest.Diff(b.Table, got.Table), tt.file)
		for i, a := range got.Archs {
			require.Equal(t, b.Archs[i], a, "%s row %d", tt.file, i)
		}
	}
}
