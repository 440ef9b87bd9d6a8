package tnbdata

import (
	_ "embed"
	"fmt"

	"github.com/hypernas/go-hypernas/internal/packed"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/transnas101"
)

var (
	//go:embed micro.pack
	microPack []byte
	//go:embed macro.pack
	macroPack []byte
)

// LoadMicro returns the micro space's table as transnas101.LoadMicro reads
// it: all 4,096 cells in enumeration order (row i is the cell of
// Cell.Index i), metrics the seven val_<task> columns (transnas101.Metric)
// and the zero-cost proxy scores (zen_*, synflow_*, epe_nas_*; -1e8 marks
// a degenerate network). Each call returns a new Benchmark that the caller
// may change.
func LoadMicro() (*searchspace.Benchmark, error) {
	return load(microPack, transnas101.NewMicro())
}

// LoadMacro returns the macro space's table as transnas101.LoadMacro reads
// it: all 3,256 skeletons in enumeration order (sorted by arch string),
// with the same metrics as LoadMicro.
func LoadMacro() (*searchspace.Benchmark, error) {
	return load(macroPack, transnas101.NewMacro())
}

func load(data []byte, space searchspace.SearchSpace) (*searchspace.Benchmark, error) {
	b, err := packed.Benchmark(data, space)
	if err != nil {
		return nil, fmt.Errorf("tnbdata: %w", err)
	}
	return b, nil
}
