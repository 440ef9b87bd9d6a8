package nasbench101

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/csvutil"
)

// Files of the benchmark data folder that the loaders read, relative to it.
const (
	LabelledFile  = "nasbench101/nb101_val_30k.csv"
	NASLib500File = "nasbench101/nb101_naslib500.csv"
)

// Metric names most callers need. LoadLabelled's table also has
// val_acc_4ep, val_acc_12ep, val_acc_36ep, train_time_108ep_s and params;
// LoadNASLib500's has flops, params and zero-cost proxy scores.
const (
	// MetricValAcc108 is the validation accuracy (fraction 0 … 1) after the
	// full 108-epoch schedule, in LoadLabelled's table.
	MetricValAcc108 = "val_acc_108ep"
	// MetricValAccuracy is the validation accuracy (percent) in
	// LoadNASLib500's table.
	MetricValAccuracy = "val_accuracy"
	// MetricNumRows is the number of file rows that LoadNASLib500 averaged
	// into a table row.
	MetricNumRows = "num_rows"
)

// LoadLabelled reads the 30,001 labelled cells <dir>/nasbench101/nb101_val_30k.csv
// (dir "" means $HYPERNAS_DATA). The file is keyed by fingerprint; each row
// is joined to its cell through the enumeration of the space (computed on
// first use, see Space.All), and an unknown fingerprint is an error naming
// its line. The table is keyed by Cell.String, rows in file order, and keeps
// every other column as a metric: val_acc_4ep, val_acc_12ep, val_acc_36ep,
// val_acc_108ep (fractions), train_time_108ep_s, params.
//
// The same table is built into the module: nb101data.LoadLabelled returns
// it with no folder and no enumeration. Use this loader for a table of
// your own in the same format.
func LoadLabelled(dir string) (*searchspace.Benchmark, error) {
	path, err := searchspace.DataFile(dir, LabelledFile)
	if err != nil {
		return nil, fmt.Errorf("nb101: %w", err)
	}
	space := New()
	var archs []searchspace.Arch
	t, err := searchspace.ReadCSVFile(path, searchspace.CSVOptions{
		Key: "hash",
		Canonical: func(h string) (string, error) {
			c, _, err := space.Lookup(h)
			if err != nil {
				return "", err
			}
			archs = append(archs, c)
			return c.String(), nil
		},
	})
	if err != nil {
		return nil, fmt.Errorf("nb101: %w", err)
	}
	return searchspace.NewBenchmark(space, archs, t)
}

// LoadNASLib500 reads NASLib's sample of 500 NB101 queries,
// <dir>/nasbench101/nb101_naslib500.csv (dir "" means $HYPERNAS_DATA). Each
// row's cell is built from its 49-character row-major adjacency and its
// comma-separated ops with NewCell (pruned, canonical).
//
// The sample repeats cells: its 500 rows hold 292 unique cells, because the
// benchmark's random sampler favours small cells and many raw matrices
// prune to the same cell, and a repeated cell's val_accuracy differs from
// row to row (NB101 returns one of its training runs per query). The table
// therefore has one row per unique cell, in order of first appearance, each
// metric the mean over the cell's rows, and the metric MetricNumRows says how
// many rows that was. The metrics are every other column of the file
// (val_accuracy in percent, flops, params, zero-cost scores), except columns
// empty in every row (nwot in the data), which are left out; any other empty
// or non-numeric value is an error naming its line and column.
// nb101data.LoadNASLib500 returns the built-in copy.
func LoadNASLib500(dir string) (*searchspace.Benchmark, error) {
	path, err := searchspace.DataFile(dir, NASLib500File)
	if err != nil {
		return nil, fmt.Errorf("nb101: %w", err)
	}
	b, err := csvutil.ReadFile(path, readNASLib)
	if err != nil {
		return nil, fmt.Errorf("nb101: %w", err)
	}
	return b, nil
}

func readNASLib(r io.Reader) (*searchspace.Benchmark, error) {
	const adjCol, opsCol = "adjacency_7x7_rowmajor", "ops"
	cr := csv.NewReader(r)
	header, err := csvutil.Header(cr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", searchspace.ErrParse, err)
	}
	adjAt, opsAt := slices.Index(header, adjCol), slices.Index(header, opsCol)
	if adjAt < 0 || opsAt < 0 {
		return nil, fmt.Errorf("%w: line 1: want columns %q and %q, header is %q", searchspace.ErrParse, adjCol, opsCol, header)
	}
	var recs [][]string
	var lines []int
	for row, err := range csvutil.Rows(cr) {
		if err != nil {
			return nil, fmt.Errorf("%w: %v", searchspace.ErrParse, err)
		}
		recs = append(recs, row.Fields)
		lines = append(lines, row.Line)
	}
	var metrics []string
	var cols []int
	for c, h := range header {
		if c == adjAt || c == opsAt {
			continue
		}
		empty := true
		for _, rec := range recs {
			empty = empty && rec[c] == ""
		}
		if !empty || len(recs) == 0 {
			metrics = append(metrics, h)
			cols = append(cols, c)
		}
	}
	t, err := searchspace.NewTable(append(metrics, MetricNumRows)...)
	if err != nil {
		return nil, fmt.Errorf("%w: line 1: %v", searchspace.ErrParse, err)
	}
	var archs []searchspace.Arch
	var sums [][]float64 // per unique cell: the metric sums, then the row count
	row := map[Cell]int{}
	for k, rec := range recs {
		line := lines[k]
		c, err := nasLibCell(rec[adjAt], rec[opsAt])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		r, ok := row[c]
		if !ok {
			r = len(archs)
			row[c] = r
			archs = append(archs, c)
			sums = append(sums, make([]float64, len(metrics)+1))
		}
		for i, col := range cols {
			v, err := csvutil.Float(rec[col])
			if err != nil {
				return nil, fmt.Errorf("%w: line %d, column %d (%s): %v", searchspace.ErrParse, line, col+1, metrics[i], err)
			}
			sums[r][i] += v
		}
		sums[r][len(metrics)]++
	}
	for r, a := range archs {
		count := sums[r][len(metrics)]
		for i := range metrics {
			sums[r][i] /= count
		}
		if err := t.Append(a.String(), sums[r]...); err != nil {
			return nil, err // cannot happen: cells are unique
		}
	}
	return searchspace.NewBenchmark(New(), archs, t)
}

// nasLibCell builds a cell from NASLib's row-major 7×7 bits and op list.
func nasLibCell(adjBits, opList string) (Cell, error) {
	ops := strings.Split(opList, ",")
	n := len(ops)
	if len(adjBits) != n*n {
		return Cell{}, fmt.Errorf("%w: adjacency has %d characters, %d ops need %d", searchspace.ErrParse, len(adjBits), n, n*n)
	}
	adj := make([][]bool, n)
	for i := range adj {
		adj[i] = make([]bool, n)
		for j := range adj[i] {
			switch ch := adjBits[i*n+j]; ch {
			case '0':
			case '1':
				adj[i][j] = true
			default:
				return Cell{}, fmt.Errorf("%w: adjacency character %d is %q, want '0' or '1'", searchspace.ErrParse, i*n+j, ch)
			}
		}
	}
	return NewCell(adj, ops)
}
