package searchspace

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/hypernas/go-hypernas/searchspace/internal/csvutil"
)

// Table is benchmark data: one row per architecture, keyed by the
// architecture's canonical string, with named numeric metrics
// (accuracies, latencies, parameter counts ...).
//
// Make one with NewTable or ReadCSV. The zero value, and a nil *Table, is
// an empty table with no metrics.
type Table struct {
	metrics []string
	col     map[string]int
	keys    []string
	values  []float64 // row-major, len(keys)*len(metrics)
	row     map[string]int
}

// NewTable returns an empty table with the named metric columns.
func NewTable(metrics ...string) (*Table, error) {
	t := &Table{col: make(map[string]int, len(metrics)), row: make(map[string]int)}
	for _, m := range metrics {
		if m == "" {
			return nil, errors.New("searchspace: empty metric name")
		}
		if _, dup := t.col[m]; dup {
			return nil, fmt.Errorf("searchspace: metric %q named twice", m)
		}
		t.col[m] = len(t.metrics)
		t.metrics = append(t.metrics, m)
	}
	return t, nil
}

// Append adds a row. values are in the order of Metrics. An architecture
// already in the table is an error.
func (t *Table) Append(arch string, values ...float64) error {
	if len(values) != len(t.Metrics()) {
		return fmt.Errorf("searchspace: row for %q has %d values, table has %d metrics", arch, len(values), len(t.Metrics()))
	}
	if t == nil {
		return errors.New("searchspace: Append to a nil *Table (make one with NewTable)")
	}
	if _, dup := t.row[arch]; dup {
		return fmt.Errorf("searchspace: architecture %q is already in the table (row %d)", arch, t.row[arch])
	}
	if t.row == nil {
		t.row = make(map[string]int)
	}
	t.row[arch] = len(t.keys)
	t.keys = append(t.keys, arch)
	t.values = append(t.values, values...)
	return nil
}

// Len is the number of rows.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return len(t.keys)
}

// Metrics returns the metric names in column order.
func (t *Table) Metrics() []string {
	if t == nil {
		return nil
	}
	return append([]string(nil), t.metrics...)
}

// HasMetric reports whether the table has a metric column of that name.
func (t *Table) HasMetric(name string) bool { _, ok := t.column(name); return ok }

// column returns the position of a metric.
func (t *Table) column(metric string) (int, bool) {
	if t == nil {
		return 0, false
	}
	c, ok := t.col[metric]
	return c, ok
}

// Arch returns the architecture string of row i; the error wraps
// ErrNoSuchArch when there is no row i.
func (t *Table) Arch(i int) (string, error) {
	if err := t.checkRow(i); err != nil {
		return "", err
	}
	return t.keys[i], nil
}

func (t *Table) checkRow(i int) error {
	if i < 0 || i >= t.Len() {
		return fmt.Errorf("%w: row %d of a table with %d rows", ErrNoSuchArch, i, t.Len())
	}
	return nil
}

// Archs returns the architecture strings in row order.
func (t *Table) Archs() []string {
	if t == nil {
		return nil
	}
	return append([]string(nil), t.keys...)
}

// Row returns the row of an architecture string.
func (t *Table) Row(arch string) (int, bool) {
	if t == nil {
		return 0, false
	}
	i, ok := t.row[arch]
	return i, ok
}

// Value returns one metric of row i.
func (t *Table) Value(i int, metric string) (float64, error) {
	c, ok := t.column(metric)
	if !ok {
		return 0, t.noMetric(metric)
	}
	if err := t.checkRow(i); err != nil {
		return 0, err
	}
	return t.values[i*len(t.metrics)+c], nil
}

// Lookup returns one metric of an architecture.
func (t *Table) Lookup(arch, metric string) (float64, error) {
	i, ok := t.Row(arch)
	if !ok {
		return 0, fmt.Errorf("%w: %q is not in the table", ErrNoSuchArch, arch)
	}
	return t.Value(i, metric)
}

// Column returns a copy of one metric for every row, in row order.
func (t *Table) Column(metric string) ([]float64, error) {
	c, ok := t.column(metric)
	if !ok {
		return nil, t.noMetric(metric)
	}
	out := make([]float64, len(t.keys))
	for i := range out {
		out[i] = t.values[i*len(t.metrics)+c]
	}
	return out, nil
}

func (t *Table) noMetric(m string) error {
	return fmt.Errorf("searchspace: no metric %q (the table has %q)", m, t.Metrics())
}

// CSVOptions say how ReadCSV reads a table.
type CSVOptions struct {
	// Key is the header of the architecture column (default "arch").
	Key string
	// Metrics are the headers of the numeric columns to keep; nil keeps
	// every column but Key and Ignore, and then each must be numeric.
	Metrics []string
	// Ignore are headers of columns to leave out when Metrics is nil (a
	// second form of the key, a note); a header not in the file is fine.
	Ignore []string
	// Canonical, if set, validates each key and returns its canonical form
	// (usually func(s string) (string, error) { a, err := space.Parse(s); ... }).
	Canonical func(key string) (string, error)
}

// ReadCSV reads a table from CSV with a header line. Header names are
// trimmed of surrounding blanks, and a UTF-8 byte-order mark before the
// first one is dropped. Every metric value must be a finite number
// (surrounding blanks are allowed): NaN, infinities and empty cells are
// errors. Errors name the line, the column and its header, and wrap
// ErrParse.
func ReadCSV(r io.Reader, opt CSVOptions) (*Table, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: ReadCSV of a nil io.Reader", ErrParse)
	}
	if opt.Key == "" {
		opt.Key = "arch"
	}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := csvutil.Header(cr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrParse, err)
	}
	pos := make(map[string]int, len(header))
	for i, h := range header {
		pos[h] = i
	}
	key, ok := pos[opt.Key]
	if !ok {
		return nil, fmt.Errorf("%w: line 1: no key column %q in header %q", ErrParse, opt.Key, header)
	}
	metrics := opt.Metrics
	if metrics == nil {
		for _, h := range header {
			if h != opt.Key && !slices.Contains(opt.Ignore, h) {
				metrics = append(metrics, h)
			}
		}
	}
	cols := make([]int, len(metrics))
	for i, m := range metrics {
		c, ok := pos[m]
		if !ok {
			return nil, fmt.Errorf("%w: line 1: no column %q in header %q", ErrParse, m, header)
		}
		cols[i] = c
	}
	t, err := NewTable(metrics...)
	if err != nil {
		return nil, fmt.Errorf("%w: line 1: %v", ErrParse, err)
	}
	vals := make([]float64, len(metrics))
	for row, err := range csvutil.Rows(cr) {
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrParse, err)
		}
		line, rec := row.Line, row.Fields
		k := rec[key]
		if opt.Canonical != nil {
			c, err := opt.Canonical(k)
			if err != nil {
				if errors.Is(err, ErrParse) { // keep the key's own error chain (ErrInvalidArch …)
					return nil, fmt.Errorf("line %d, column %d (%s): %w", line, key+1, opt.Key, err)
				}
				return nil, fmt.Errorf("%w: line %d, column %d (%s): %w", ErrParse, line, key+1, opt.Key, err)
			}
			k = c
		}
		for i, c := range cols {
			v, err := csvutil.Float(rec[c])
			if err != nil {
				return nil, fmt.Errorf("%w: line %d, column %d (%s): %v", ErrParse, line, c+1, metrics[i], err)
			}
			vals[i] = v
		}
		if err := t.Append(k, vals...); err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrParse, line, err)
		}
	}
	return t, nil
}

// ReadCSVFile is ReadCSV on a file; errors name the file.
func ReadCSVFile(path string, opt CSVOptions) (*Table, error) {
	return csvutil.ReadFile(path, func(r io.Reader) (*Table, error) { return ReadCSV(r, opt) })
}

// WriteCSV writes the table with a header line, key column first, in a form
// ReadCSV reads back to an equal table.
func (t *Table) WriteCSV(w io.Writer, key string) error {
	if w == nil {
		return errors.New("searchspace: WriteCSV to a nil io.Writer")
	}
	if key == "" {
		key = "arch"
	}
	cw := csv.NewWriter(w)
	rec := append([]string{key}, t.Metrics()...)
	if err := cw.Write(rec); err != nil {
		return err
	}
	for i, k := range t.Archs() {
		rec[0] = k
		for j := range t.metrics {
			rec[j+1] = strconv.FormatFloat(t.values[i*len(t.metrics)+j], 'g', -1, 64)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
