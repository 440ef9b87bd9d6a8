package probe

import (
	"io/fs"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
)

// Run calls each probe and fails t for each one that panics, by name.
func Run(t *testing.T, probes map[string]func()) {
	t.Helper()
	for name, f := range probes {
		assert.NotPanics(t, f, name)
	}
}

// Indices returns indices out of range of a space of size architectures:
// -1, size, and three far outside.
func Indices(size int) []int { return []int{-1, size, 1 << 40, math.MinInt, math.MaxInt} }

// OutOfRange fails t unless at refuses every index of Indices(size) with an
// error wrapping searchspace.ErrNoSuchArch.
func OutOfRange[T any](t testing.TB, at func(int) (T, error), size int) {
	t.Helper()
	for _, i := range Indices(size) {
		_, err := at(i)
		assert.ErrorIs(t, err, searchspace.ErrNoSuchArch, "index %d", i)
	}
}

// Rejects fails t unless parse returns an error for every input, one that
// wraps target when target is not nil.
func Rejects[T any](t testing.TB, target error, parse func(string) (T, error), inputs ...string) {
	t.Helper()
	for _, in := range inputs {
		_, err := parse(in)
		if target == nil {
			assert.Error(t, err, "%q", in)
		} else {
			assert.ErrorIs(t, err, target, "%q", in)
		}
	}
}

// BadDirs fails t unless load refuses every data folder of datadir.BadDirs
// (a name with a NUL byte, a file, an empty folder) with an error.
func BadDirs[T any](t testing.TB, load func(dir string) (T, error)) {
	t.Helper()
	for _, dir := range datadir.BadDirs(t) {
		_, err := load(dir)
		assert.Error(t, err, "%q", dir)
	}
}

// MissingData fails t unless load, a loader of file (a path relative to
// the data folder, "nasbench201/nb201.csv"), explains each way a data folder
// can be missing: in an empty folder, an error that wraps fs.ErrNotExist
// and names the file's path and searchspace.DataEnv (and no example's
// -data flag); for a folder that does not exist, an error naming it; for
// "" with DataEnv unset, an error wrapping searchspace.ErrNoData. It sets
// DataEnv for the rest of t.
func MissingData[T any](t *testing.T, file string, load func(dir string) (T, error)) {
	t.Helper()
	empty := t.TempDir()
	_, err := load(empty)
	if assert.ErrorIs(t, err, fs.ErrNotExist, file) {
		assert.Contains(t, err.Error(), filepath.Join(empty, filepath.FromSlash(file)))
		assert.Contains(t, err.Error(), searchspace.DataEnv)
		assert.False(t, strings.Contains(err.Error(), "-data"), "%q names a flag of the examples", err)
	}
	_, err = load(filepath.Join(empty, "does-not-exist"))
	assert.ErrorContains(t, err, "does-not-exist", file)
	t.Setenv(searchspace.DataEnv, "")
	_, err = load("")
	assert.ErrorIs(t, err, searchspace.ErrNoData, file)
}

// Space fails t unless sp, a space value such as a nil or zero receiver,
// refuses a nil Arch and each of bad: Validate, Mutate (with a random
// source and without), Encode and EncodeCell return errors. It also checks
// that Sample(nil) is nil and that an architecture sp samples does not
// mutate without a random source.
func Space(t testing.TB, sp searchspace.SearchSpace, bad ...searchspace.Arch) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 1))
	assert.Nil(t, sp.Sample(nil))
	for _, a := range append([]searchspace.Arch{nil}, bad...) {
		assert.Error(t, sp.Validate(a), "Validate(%#v)", a)
		_, err := sp.Mutate(a, rng)
		assert.Error(t, err, "Mutate(%#v, rng)", a)
		_, err = sp.Mutate(a, nil)
		assert.Error(t, err, "Mutate(%#v, nil)", a)
		_, err = sp.Encode(a)
		assert.Error(t, err, "Encode(%#v)", a)
		_, err = sp.EncodeCell(a)
		assert.Error(t, err, "EncodeCell(%#v)", a)
	}
	_, err := sp.Mutate(sp.Sample(rng), nil)
	assert.Error(t, err, "Mutate(sample, nil)")
}
