package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
)

func TestDataDir(t *testing.T) {
	t.Setenv(searchspace.DataEnv, "")
	dir, err := DataDir("")
	require.NoError(t, err)
	assert.Equal(t, "", dir, "no flag and no environment: the built-in tables")
	assert.Equal(t, "the tables built into the module", DataSource(dir))

	tmp := t.TempDir()
	dir, err = DataDir(tmp)
	require.NoError(t, err)
	assert.Equal(t, tmp, dir)
	t.Setenv(searchspace.DataEnv, tmp)
	dir, err = DataDir("")
	require.NoError(t, err)
	assert.Equal(t, tmp, dir)
	assert.Equal(t, "data folder "+tmp, DataSource(dir))

	missing := filepath.Join(tmp, "missing")
	_, err = DataDir(missing)
	assert.ErrorContains(t, err, `-data "`+missing+`": the benchmark data folder`)
	t.Setenv(searchspace.DataEnv, missing)
	_, err = DataDir("")
	assert.ErrorContains(t, err, `HYPERNAS_DATA "`+missing+`"`)
	file := filepath.Join(tmp, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = DataDir(file)
	assert.ErrorContains(t, err, "is a file, not a folder")
}

// TestBuiltin checks that every registered space has a built-in table
// with its default metrics, and that a folder replaces it.
func TestBuiltin(t *testing.T) {
	for _, name := range Names() {
		s, err := Lookup(name)
		require.NoError(t, err)
		if name == "nb101" && testing.Short() {
			continue
		}
		b, err := s.Bench("")
		require.NoError(t, err, name)
		assert.True(t, b.Table.HasMetric(s.TrainMetric), name)
		assert.True(t, b.Table.HasMetric(s.TestMetric), name)
		sp, err := s.New()
		require.NoError(t, err, name)
		assert.Equal(t, b.Space.Name(), sp.Name(), name)
		_, err = s.Bench(t.TempDir())
		assert.Error(t, err, "%s: an empty folder replaces the built-in table, and has no file", name)
	}
	_, err := Space{Name: "mine"}.Bench("")
	assert.ErrorContains(t, err, "space mine has no built-in table: give -data")
}

func TestLoadAux(t *testing.T) {
	d, err := LoadAux("cifar10", "", "")
	require.NoError(t, err)
	assert.Equal(t, 4000, d.N)
	assert.NoError(t, CheckAuxSize("cifar10", "", 8))
	assert.ErrorContains(t, CheckAuxSize("cifar10", "", 16), "-aux-size 16: the built-in CIFAR-10 images are 8×8")
	assert.NoError(t, CheckAuxSize("cifar10", t.TempDir(), 16), "a folder's images are checked when read")
	assert.NoError(t, CheckAuxSize("fashion", "", 16))
	_, err = LoadAux("cifar10", t.TempDir(), "")
	assert.ErrorContains(t, err, "-aux cifar10")
}
