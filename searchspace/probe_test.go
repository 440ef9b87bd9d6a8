package searchspace

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestProbeNoPanics calls every exported function and method with zero,
// nil, negative and out-of-range arguments: each returns an error or a
// harmless value, never panics.
func TestProbeNoPanics(t *testing.T) {
	var nilTable *Table
	var zero Table
	probes := map[string]func(){
		"NewTable()":   func() { _, _ = NewTable() },
		`NewTable("")`: func() { _, err := NewTable(""); assert.Error(t, err) },
		"nil Table reads": func() {
			assert.Zero(t, nilTable.Len())
			assert.Nil(t, nilTable.Metrics())
			assert.False(t, nilTable.HasMetric("x"))
			_, err := nilTable.Arch(0)
			assert.ErrorIs(t, err, ErrNoSuchArch)
			assert.Nil(t, nilTable.Archs())
			_, ok := nilTable.Row("a")
			assert.False(t, ok)
			_, err = nilTable.Value(-1, "x")
			assert.Error(t, err)
			_, err = nilTable.Lookup("a", "x")
			assert.Error(t, err)
			_, err = nilTable.Column("x")
			assert.Error(t, err)
			assert.Error(t, nilTable.Append("a"))
			var buf bytes.Buffer
			assert.NoError(t, nilTable.WriteCSV(&buf, ""))
		},
		"zero Table": func() {
			assert.NoError(t, zero.Append("a"))
			assert.Error(t, zero.Append("a"), "twice")
			assert.Error(t, zero.Append("b", 1), "a value without a metric")
			_, err := zero.Arch(math.MinInt)
			assert.ErrorIs(t, err, ErrNoSuchArch)
			assert.Error(t, zero.WriteCSV(nil, "k"))
		},
		"ReadCSV odd input": func() {
			for _, in := range []string{"", "\n", "\ufeff", ",,,", "arch\n", "arch,arch\n", "\"", "arch,x\n\"a,1\n", "arch,x\na,1,2\n", "arch,x\na,0x1p-2\n", "arch,x\na,1e999\n"} {
				_, err := ReadCSV(strings.NewReader(in), CSVOptions{})
				if err != nil {
					assert.ErrorIs(t, err, ErrParse, "%q", in)
				}
			}
			_, err := ReadCSV(strings.NewReader("arch,x\na,1\n"), CSVOptions{Key: "x", Metrics: []string{""}})
			assert.Error(t, err)
			_, err = ReadCSV(strings.NewReader("arch,x\na,1\n"), CSVOptions{Metrics: []string{}})
			assert.NoError(t, err)
			_, err = ReadCSVFile("", CSVOptions{})
			assert.Error(t, err)
		},
		"Graph": func() {
			assert.Error(t, NewGraph().Validate(0, 0, 0))
			assert.Error(t, NewGraph(0).Validate(-1, -1, -1))
			assert.Error(t, Graph{Ops: []int{0}}.Validate(1, 1, 0))
			assert.Error(t, Graph{Ops: []int{0, 0}, Adj: [][]bool{nil, {false, false}}}.Validate(1, 2, 0))
			assert.Error(t, Graph{Ops: []int{-1}, Adj: [][]bool{{false}}}.Validate(1, 1, 0))
			assert.Error(t, Graph{Ops: []int{0}, Adj: [][]bool{{false}}, Features: [][]float64{nil}}.Validate(1, 1, 2))
			assert.Zero(t, NewGraph().NumNodes())
			assert.Equal(t, -1, OpIndex(nil, ""))
		},
		"data folders": func() {
			for _, dir := range []string{"\x00", strings.Repeat("x/", 5000)} {
				_, err := DataDir(dir)
				assert.Error(t, err)
				_, err = DataFile(dir, "")
				assert.Error(t, err)
			}
			_, err := DataFile(t.TempDir(), "\x00")
			assert.Error(t, err)
		},
		"Benchmark": func() {
			_, err := NewBenchmark(nil, nil, nil)
			assert.Error(t, err)
			_, err = NewBenchmark(pairSpace{}, []Arch{nil}, &Table{})
			assert.Error(t, err)
			_, err = (&Benchmark{Table: &Table{}}).Labels("", []int{-1})
			assert.Error(t, err)
			_, err = ReadBenchmark(pairSpace{}, nil, CSVOptions{})
			assert.Error(t, err)
			_, err = ReadBenchmarkFile(nil, "", CSVOptions{})
			assert.Error(t, err)
		},
		"validation": func() {
			assert.Error(t, ValidateSequence(nil, nil))
			assert.Error(t, ValidateCell(nil, Graph{}))
			assert.Error(t, ValidateCell(pairSpace{}, Graph{}))
			_, err := NumUnits(nil)
			assert.Error(t, err)
			assert.Zero(t, MaxCellNodes(nil))
		},
		"ParseError": func() {
			var nilErr *ParseError
			assert.Equal(t, "<nil>", nilErr.Error())
			assert.Zero(t, nilErr.Column())
			assert.False(t, errors.Is(nilErr, ErrParse))
			assert.NotEmpty(t, (&ParseError{}).Error())
			assert.NotEmpty(t, (&ParseError{Input: "\xff\xfe", Offset: 1}).Error())
		},
	}
	for name, f := range probes {
		assert.NotPanics(t, f, name)
	}
}
