package searchspace

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hypernas/go-hypernas/searchspace/internal/csvutil"
)

// DataEnv is the environment variable that points at the benchmark data
// folder (the folder that holds nasbench201/, nasbench101/, darts/ ...).
const DataEnv = "HYPERNAS_DATA"

// ErrNoData reports that no data folder was given.
var ErrNoData = errors.New("no benchmark data folder: give the loader the folder that holds nasbench201/, nasbench101/, darts/ and transnas101/, or set " + DataEnv + " to it")

// DataDir resolves the benchmark data folder: dir if non-empty, else
// $HYPERNAS_DATA. It checks that the folder exists.
func DataDir(dir string) (string, error) {
	from := "the data folder"
	if dir == "" {
		dir = os.Getenv(DataEnv)
		from = DataEnv
	}
	if dir == "" {
		return "", ErrNoData
	}
	st, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("benchmark data folder (%s): %w", from, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("benchmark data folder %s (%s) is not a directory", dir, from)
	}
	return filepath.Clean(dir), nil
}

// DataFile resolves file, a slash-separated path relative to the benchmark
// data folder such as "nasbench201/nb201.csv", in dir (dir "" means
// $HYPERNAS_DATA; see DataDir) and checks that it exists. A missing file is
// an error wrapping fs.ErrNotExist that says where it was looked for and
// which folder to point dir or HYPERNAS_DATA at.
func DataFile(dir, file string) (string, error) {
	dir, err := DataDir(dir)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, filepath.FromSlash(file))
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%w: the data folder (the dir argument, or %s when dir is empty) must be the one that holds %s", err, DataEnv, file)
		}
		return "", err
	}
	return path, nil
}

// Benchmark is a labelled set of architectures of one space: Archs[i] is
// row i of Table (its architecture string is Archs[i].String()).
type Benchmark struct {
	Space SearchSpace
	Archs []Arch
	Table *Table
}

// NewBenchmark checks that archs and table agree row by row and that every
// architecture is a valid member of space.
func NewBenchmark(space SearchSpace, archs []Arch, table *Table) (*Benchmark, error) {
	switch {
	case space == nil:
		return nil, errors.New("searchspace: NewBenchmark needs a search space, got nil")
	case table == nil:
		return nil, errors.New("searchspace: NewBenchmark needs a table, got nil")
	case len(archs) != table.Len():
		return nil, fmt.Errorf("searchspace: %d architectures for a table of %d rows", len(archs), table.Len())
	}
	for i, a := range archs {
		if a == nil {
			return nil, fmt.Errorf("%w: row %d: nil architecture", ErrInvalidArch, i)
		}
		if err := space.Validate(a); err != nil {
			return nil, fmt.Errorf("searchspace: row %d: %w", i, err)
		}
		key, _ := table.Arch(i) // i < table.Len()
		if s := a.String(); s != key {
			return nil, fmt.Errorf("searchspace: row %d: architecture %q does not match table key %q", i, s, key)
		}
	}
	return &Benchmark{Space: space, Archs: archs, Table: table}, nil
}

// Labels returns one metric for the given rows (all rows when rows is nil).
func (b *Benchmark) Labels(metric string, rows []int) ([]float64, error) {
	if b == nil || b.Table == nil {
		return nil, errors.New("searchspace: Labels of a Benchmark without a table (make one with NewBenchmark or a loader)")
	}
	col, err := b.Table.Column(metric)
	if err != nil {
		return nil, err
	}
	if rows == nil {
		return col, nil
	}
	out := make([]float64, len(rows))
	for i, r := range rows {
		if r < 0 || r >= len(col) {
			return nil, fmt.Errorf("%w: rows[%d] is row %d of a benchmark with %d rows", ErrNoSuchArch, i, r, len(col))
		}
		out[i] = col[r]
	}
	return out, nil
}

// Select returns the architectures of the given rows (all of them when
// rows is nil), in the order of rows.
func (b *Benchmark) Select(rows []int) ([]Arch, error) {
	if b == nil {
		return nil, errors.New("searchspace: Select from a nil Benchmark")
	}
	if rows == nil {
		return append([]Arch(nil), b.Archs...), nil
	}
	out := make([]Arch, len(rows))
	for i, r := range rows {
		if r < 0 || r >= len(b.Archs) {
			return nil, fmt.Errorf("%w: rows[%d] is row %d of a benchmark with %d rows", ErrNoSuchArch, i, r, len(b.Archs))
		}
		out[i] = b.Archs[r]
	}
	return out, nil
}

// ReadBenchmark reads a benchmark table from CSV (see ReadCSV) whose key
// column holds architecture strings of space: each key is read with
// space.Parse, and the table is keyed by the architecture's String, so a
// key in another accepted spelling is stored in the canonical one.
// opt.Canonical is not used. Errors name the line and column of the
// problem and wrap ErrParse (and ErrInvalidArch for a key outside the
// space).
func ReadBenchmark(space SearchSpace, r io.Reader, opt CSVOptions) (*Benchmark, error) {
	if space == nil {
		return nil, errors.New("searchspace: ReadBenchmark needs a search space, got nil")
	}
	var archs []Arch
	opt.Canonical = func(key string) (string, error) {
		a, err := space.Parse(key)
		if err != nil {
			return "", err
		}
		if a == nil {
			return "", fmt.Errorf("%w: %s: Parse(%q) returned no architecture", ErrInvalidArch, space.Name(), key)
		}
		archs = append(archs, a)
		return a.String(), nil
	}
	t, err := ReadCSV(r, opt)
	if err != nil {
		return nil, err
	}
	return NewBenchmark(space, archs, t)
}

// ReadBenchmarkFile is ReadBenchmark on a file; errors name the file.
func ReadBenchmarkFile(space SearchSpace, path string, opt CSVOptions) (*Benchmark, error) {
	return csvutil.ReadFile(path, func(r io.Reader) (*Benchmark, error) { return ReadBenchmark(space, r, opt) })
}
