package tabletest_test

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/tabletest"
	"github.com/hypernas/go-hypernas/searchspace"
)

func table(t testing.TB, rows map[string][2]float64, order ...string) *searchspace.Table {
	tab, err := searchspace.NewTable("acc", "lat")
	require.NoError(t, err)
	for _, k := range order {
		require.NoError(t, tab.Append(k, rows[k][0], rows[k][1]))
	}
	return tab
}

func TestDiff(t *testing.T) {
	rows := map[string][2]float64{"a": {0.1, math.NaN()}, "b": {93.66, 2}}
	a := table(t, rows, "a", "b")
	assert.NoError(t, tabletest.Diff(a, table(t, rows, "a", "b")))
	assert.ErrorContains(t, tabletest.Diff(a, table(t, rows, "b", "a")), `row 0 is "b", want "a"`)
	assert.ErrorContains(t, tabletest.Diff(a, table(t, rows, "a")), "1 rows, want 2")
	other := map[string][2]float64{"a": {0.1, math.NaN()}, "b": {93.66 + 1e-14, 2}}
	assert.ErrorContains(t, tabletest.Diff(a, table(t, other, "a", "b")), "row 1 (b), acc")
	c, err := searchspace.NewTable("acc")
	require.NoError(t, err)
	assert.ErrorContains(t, tabletest.Diff(a, c), "metrics")
}

func TestWriteCSV(t *testing.T) {
	rows := map[string][2]float64{"a": {0.1, 1e-300}, "b": {93.66, 85.86333333333334}}
	a := table(t, rows, "a", "b")
	var buf bytes.Buffer
	require.NoError(t, tabletest.WriteCSV(&buf, a, "arch", nil))
	back, err := searchspace.ReadCSV(&buf, searchspace.CSVOptions{})
	require.NoError(t, err)
	assert.NoError(t, tabletest.Diff(a, back))
	buf.Reset()
	require.NoError(t, tabletest.WriteCSV(&buf, a, "id", func(i int, arch string) (string, error) { return fmt.Sprint(i), nil }))
	assert.Equal(t, "id,acc,lat\n0,0.1,1e-300\n1,93.66,85.86333333333334\n", buf.String())
}

func Example() {
	tab, _ := searchspace.NewTable("acc")
	_ = tab.Append("x", 93.66)
	var buf bytes.Buffer
	if err := tabletest.WriteCSV(&buf, tab, "arch", nil); err != nil {
		fmt.Println(err)
		return
	}
	back, err := searchspace.ReadCSV(&buf, searchspace.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tabletest.Diff(tab, back))
	// Output:
	// <nil>
}

// recorder is the test's testing.TB, but counts the errors reported to it.
type recorder struct {
	testing.TB
	errors int
}

func (r *recorder) Errorf(string, ...any) { r.errors++ }

func TestLoadsBack(t *testing.T) {
	rows := map[string][2]float64{"a": {0.1, 1e-300}, "b": {93.66, 2}}
	want := &searchspace.Benchmark{Table: table(t, rows, "a", "b")}
	read := func(dir string) (*searchspace.Benchmark, error) {
		tab, err := searchspace.ReadCSVFile(filepath.Join(dir, "bench", "t.csv"), searchspace.CSVOptions{})
		return &searchspace.Benchmark{Table: tab}, err
	}
	dir := tabletest.LoadsBack(t, want, "bench/t.csv", "arch", nil, read)
	assert.FileExists(t, filepath.Join(dir, "bench", "t.csv"))

	r := &recorder{TB: t}
	firstRowOnly := func(dir string) (*searchspace.Benchmark, error) {
		return &searchspace.Benchmark{Table: table(t, rows, "a")}, nil
	}
	tabletest.LoadsBack(r, want, "bench/t.csv", "arch", nil, firstRowOnly)
	assert.Equal(t, 1, r.errors, "a loader that drops a row")
}
