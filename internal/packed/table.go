package packed

import (
	"fmt"

	"github.com/hypernas/go-hypernas/searchspace"
)

// FromTable returns the keys (when keyed) and every metric column of t.
func FromTable(t *searchspace.Table, keyed bool) (Table, error) {
	var p Table
	if keyed {
		p.Keys = t.Archs()
		if p.Keys == nil {
			p.Keys = []string{}
		}
	}
	for _, m := range t.Metrics() {
		col, err := t.Column(m)
		if err != nil {
			return Table{}, err
		}
		p.Columns = append(p.Columns, Column{Name: m, Values: col})
	}
	return p, nil
}

// SearchTable builds the searchspace.Table of t, keyed by t.Keys.
func (t Table) SearchTable() (*searchspace.Table, error) {
	if t.Keys == nil {
		return nil, fmt.Errorf("%w: the table has no keys", ErrFormat)
	}
	names := make([]string, len(t.Columns))
	for k, c := range t.Columns {
		names[k] = c.Name
	}
	st, err := searchspace.NewTable(names...)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	row := make([]float64, len(t.Columns))
	for i, key := range t.Keys {
		for k, c := range t.Columns {
			row[k] = c.Values[i]
		}
		if err := st.Append(key, row...); err != nil {
			return nil, fmt.Errorf("%w: row %d: %v", ErrFormat, i, err)
		}
	}
	return st, nil
}

// Benchmark decodes a keyed packed table whose keys are architecture
// strings of space, as the data packages embed them: every key is read
// with space.Parse and checked by searchspace.NewBenchmark.
func Benchmark(data []byte, space searchspace.SearchSpace) (*searchspace.Benchmark, error) {
	t, err := Decode(data)
	if err != nil {
		return nil, err
	}
	st, err := t.SearchTable()
	if err != nil {
		return nil, err
	}
	archs := make([]searchspace.Arch, len(t.Keys))
	for i, k := range t.Keys {
		if archs[i], err = space.Parse(k); err != nil {
			return nil, fmt.Errorf("%w: row %d: %v", ErrFormat, i, err)
		}
	}
	return searchspace.NewBenchmark(space, archs, st)
}
