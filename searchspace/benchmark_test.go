package searchspace

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/datadir"
)

func TestDataDir(t *testing.T) {
	t.Setenv(DataEnv, "")
	_, err := DataDir("")
	assert.ErrorIs(t, err, ErrNoData)
	assert.ErrorContains(t, err, "HYPERNAS_DATA")
	for _, bad := range []string{"-data", "shared/"} {
		assert.NotContains(t, err.Error(), bad, "library errors do not name an example's flags or this checkout's folders")
	}
	dir := t.TempDir()
	got, err := DataDir(dir)
	require.NoError(t, err)
	assert.Equal(t, dir, got)
	t.Setenv(DataEnv, dir)
	got, err = DataDir("")
	require.NoError(t, err)
	assert.Equal(t, dir, got)
	_, err = DataDir(filepath.Join(dir, "nope"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
	_, err = DataDir(datadir.WriteFile(t, dir, "file", ""))
	assert.ErrorContains(t, err, "is not a directory")
}

func TestDataFile(t *testing.T) {
	dir := t.TempDir()
	want := datadir.WriteFile(t, dir, "bench/t.csv", "")
	path, err := DataFile(dir, "bench/t.csv")
	require.NoError(t, err)
	assert.Equal(t, want, path)

	_, err = DataFile(dir, "bench/missing.csv")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.ErrorContains(t, err, filepath.Join(dir, "bench", "missing.csv"))
	assert.ErrorContains(t, err, "the data folder (the dir argument, or HYPERNAS_DATA when dir is empty) must be the one that holds bench/missing.csv")
	t.Setenv(DataEnv, "")
	_, err = DataFile("", "bench/t.csv")
	assert.ErrorIs(t, err, ErrNoData)
}

func TestNewBenchmark(t *testing.T) {
	tb, err := NewTable("acc")
	require.NoError(t, err)
	require.NoError(t, tb.Append("1-2", 90))
	require.NoError(t, tb.Append("2-1", 91))
	sp := pairSpace{}
	archs := []Arch{pair{1, 2}, pair{2, 1}}
	b, err := NewBenchmark(sp, archs, tb)
	require.NoError(t, err)

	tests := []struct {
		name  string
		space SearchSpace
		archs []Arch
		table *Table
		msg   string
	}{
		{"nil space", nil, archs, tb, "needs a search space"},
		{"nil table", sp, archs, nil, "needs a table"},
		{"too few", sp, archs[:1], tb, "1 architectures for a table of 2 rows"},
		{"nil arch", sp, []Arch{pair{1, 2}, nil}, tb, "row 1: nil architecture"},
		{"invalid arch", sp, []Arch{pair{1, 2}, pair{9, 1}}, tb, "row 1: invalid architecture"},
		{"other order", sp, []Arch{pair{2, 1}, pair{1, 2}}, tb, `row 0: architecture "2-1" does not match table key "1-2"`},
	}
	for _, tt := range tests {
		_, err := NewBenchmark(tt.space, tt.archs, tt.table)
		assert.ErrorContains(t, err, tt.msg, tt.name)
	}

	got, err := b.Labels("acc", []int{1, 0, 1})
	require.NoError(t, err)
	assert.Equal(t, []float64{91, 90, 91}, got)
	for _, rows := range [][]int{{-1}, {2}, {0, 1 << 40}} {
		_, err := b.Labels("acc", rows)
		assert.ErrorIs(t, err, ErrNoSuchArch, "%v", rows)
	}
	_, err = b.Labels("loss", nil)
	assert.ErrorContains(t, err, `no metric "loss"`)
	_, err = (&Benchmark{}).Labels("acc", nil)
	assert.Error(t, err)
	_, err = (*Benchmark)(nil).Labels("acc", nil)
	assert.Error(t, err)

	sel, err := b.Select([]int{1, 0})
	require.NoError(t, err)
	assert.Equal(t, []Arch{b.Archs[1], b.Archs[0]}, sel)
	all, err := b.Select(nil)
	require.NoError(t, err)
	assert.Equal(t, b.Archs, all)
	_, err = b.Select([]int{0, 5})
	assert.ErrorIs(t, err, ErrNoSuchArch)
	_, err = (*Benchmark)(nil).Select(nil)
	assert.Error(t, err)
}

func TestReadBenchmark(t *testing.T) {
	in := "arch,note,acc\n1-2,x,90\n 2-1 ,y,91\n"
	b, err := ReadBenchmark(pairSpace{}, strings.NewReader(in), CSVOptions{Ignore: []string{"note"}})
	require.NoError(t, err)
	assert.Equal(t, []Arch{pair{1, 2}, pair{2, 1}}, b.Archs)
	assert.Equal(t, []string{"1-2", "2-1"}, b.Table.Archs(), "keys are stored in the canonical form")
	assert.Equal(t, []string{"acc"}, b.Table.Metrics())

	_, err = ReadBenchmark(pairSpace{}, strings.NewReader("arch,acc\n1-2,90\n7-7,1\n"), CSVOptions{})
	assert.ErrorIs(t, err, ErrParse)
	assert.ErrorContains(t, err, `line 3, column 1 (arch): parse error: pair "7-7": column 1: found '7'`)
	_, err = ReadBenchmark(nil, strings.NewReader(in), CSVOptions{})
	assert.Error(t, err)
	_, err = ReadBenchmarkFile(pairSpace{}, filepath.Join(t.TempDir(), "none.csv"), CSVOptions{})
	assert.ErrorIs(t, err, fs.ErrNotExist)
}
