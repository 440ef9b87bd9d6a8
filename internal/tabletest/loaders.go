package tabletest

import (
	"reflect"
	"testing"

	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
)

// Matches fails t unless the table that embedded returns (a data
// package's) is exactly, by Diff, the one that load (the space package's
// folder loader) reads from the benchmark data folder, datadir.Dir. t is
// skipped where there is no data folder.
func Matches(t *testing.T, embedded func() (*searchspace.Benchmark, error), load func(dir string) (*searchspace.Benchmark, error)) {
	t.Helper()
	matches(t, func(b *searchspace.Benchmark) *searchspace.Table { return b.Table }, embedded, load)
}

// MatchesTable is Matches for loaders of a bare table.
func MatchesTable(t *testing.T, embedded func() (*searchspace.Table, error), load func(dir string) (*searchspace.Table, error)) {
	t.Helper()
	matches(t, func(tab *searchspace.Table) *searchspace.Table { return tab }, embedded, load)
}

func matches[T any](t *testing.T, table func(T) *searchspace.Table, embedded func() (T, error), load func(dir string) (T, error)) {
	t.Helper()
	dir := datadir.Dir(t)
	want, err := load(dir)
	if err != nil {
		t.Fatalf("the folder loader: %v", err)
	}
	got, err := embedded()
	if err != nil {
		t.Fatalf("the built-in table: %v", err)
	}
	if err := Diff(table(want), table(got)); err != nil {
		t.Errorf("the built-in table differs from the data folder's: %v", err)
	}
}

// LoadsBack writes want's table as file (WriteFile with keyHeader and key)
// into a new temporary folder and fails t unless load, the folder loader
// of that file, reads back the same table and architectures. It returns
// the folder, for more loads.
func LoadsBack(t testing.TB, want *searchspace.Benchmark, file, keyHeader string, key func(row int, arch string) (string, error), load func(dir string) (*searchspace.Benchmark, error)) string {
	t.Helper()
	dir := t.TempDir()
	if err := WriteFile(dir, file, want.Table, keyHeader, key); err != nil {
		t.Fatalf("write %s: %v", file, err)
	}
	got, err := load(dir)
	if err != nil {
		t.Fatalf("load %s: %v", file, err)
	}
	if err := Diff(want.Table, got.Table); err != nil {
		t.Errorf("%s loads back a different table: %v", file, err)
	}
	if len(got.Archs) != len(want.Archs) {
		t.Fatalf("%s loads back %d architectures, want %d", file, len(got.Archs), len(want.Archs))
	}
	for i, a := range got.Archs {
		if !reflect.DeepEqual(a, want.Archs[i]) {
			t.Fatalf("%s row %d loads back as %v, want %v", file, i, a, want.Archs[i])
		}
	}
	return dir
}

// BenchmarkLoad times load, a data package's loader.
func BenchmarkLoad[T any](b *testing.B, load func() (T, error)) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := load(); err != nil {
			b.Fatal(err)
		}
	}
}
