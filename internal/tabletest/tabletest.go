// Package tabletest holds what the tests of the loaders and data packages
// share: an exact comparison of two benchmark tables, a CSV writer that
// turns an embedded table back into the file its loader reads, so that a
// loader's test reads full-size data on any machine, and the checks and
// benchmark that every data package runs on its tables.
//
//	err := tabletest.Diff(embedded.Table, fromFiles.Table) // nil: same keys, metrics and value bits
//	err = tabletest.WriteCSV(f, embedded.Table, "arch")     // a CSV that the loader reads back
//	tabletest.LoadsBack(t, embedded, nasbench201.BenchmarkFile, "arch", nil, nasbench201.LoadBenchmark)
//	tabletest.Matches(t, nb201data.LoadBenchmark, nasbench201.LoadBenchmark) // against a data folder
package tabletest

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Diff returns nil when the tables have the same keys in the same order,
// the same metrics and the same float64 bits in every cell (NaN equal to
// NaN), else an error describing the first difference.
func Diff(want, got *searchspace.Table) error {
	if !slices.Equal(want.Metrics(), got.Metrics()) {
		return fmt.Errorf("metrics %q, want %q", got.Metrics(), want.Metrics())
	}
	if want.Len() != got.Len() {
		return fmt.Errorf("%d rows, want %d", got.Len(), want.Len())
	}
	wk, gk := want.Archs(), got.Archs()
	for i := range wk {
		if wk[i] != gk[i] {
			return fmt.Errorf("row %d is %q, want %q", i, gk[i], wk[i])
		}
	}
	for _, m := range want.Metrics() {
		wc, err := want.Column(m)
		if err != nil {
			return err
		}
		gc, err := got.Column(m)
		if err != nil {
			return err
		}
		for i := range wc {
			if math.Float64bits(wc[i]) != math.Float64bits(gc[i]) && !(math.IsNaN(wc[i]) && math.IsNaN(gc[i])) {
				return fmt.Errorf("row %d (%s), %s: %v, want %v", i, wk[i], m, gc[i], wc[i])
			}
		}
	}
	return nil
}

// WriteCSV writes t as CSV: a header with keyHeader and the metrics, then
// one line per row, each value in the shortest form that reads back as
// the same float64 (NaN as an empty cell, which only some loaders accept).
// key, when not nil, replaces each row's key in the file (a fingerprint
// instead of the cell, say).
func WriteCSV(w io.Writer, t *searchspace.Table, keyHeader string, key func(row int, arch string) (string, error)) error {
	cw := csv.NewWriter(w)
	metrics := t.Metrics()
	if err := cw.Write(append([]string{keyHeader}, metrics...)); err != nil {
		return err
	}
	cols := make([][]float64, len(metrics))
	for k, m := range metrics {
		var err error
		if cols[k], err = t.Column(m); err != nil {
			return err
		}
	}
	rec := make([]string, 1+len(metrics))
	for i, arch := range t.Archs() {
		rec[0] = arch
		if key != nil {
			var err error
			if rec[0], err = key(i, arch); err != nil {
				return err
			}
		}
		for k := range metrics {
			rec[1+k] = ""
			if v := cols[k][i]; !math.IsNaN(v) {
				rec[1+k] = strconv.FormatFloat(v, 'g', -1, 64)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteFile is WriteCSV into the file at path, creating its folder: with
// dir a temporary folder and file a loader's file name
// ("nasbench201/nb201.csv"), it makes a data folder that the loader reads.
func WriteFile(dir, file string, t *searchspace.Table, keyHeader string, key func(row int, arch string) (string, error)) error {
	path := filepath.Join(dir, filepath.FromSlash(file))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteCSV(f, t, keyHeader, key); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
