package transnas101

import (
	"fmt"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Files of the benchmark data folder, relative to it.
const (
	MicroFile = "transnas101/micro.csv"
	MacroFile = "transnas101/macro.csv"
)

// Columns of both files. KeyColumn holds the arch string; the other
// non-metric column, naslib_op_indices, repeats it as NASLib writes it and
// is dropped.
const (
	KeyColumn    = "tnb_arch_str"
	NASLibColumn = "naslib_op_indices"
)

// Tasks are the seven TransNAS-Bench-101 tasks, in the column order of the
// data files. The benchmark metric of task t is the column Metric(t).
var Tasks = [...]string{
	"class_scene", "class_object", "jigsaw", "room_layout",
	"segmentsemantic", "normal", "autoencoder",
}

// Metric returns the name of the final validation metric column of a task:
// top-1 accuracy (percent) for class_scene, class_object and jigsaw;
// negative loss for room_layout; accuracy for segmentsemantic; SSIM for
// normal and autoencoder. Higher is better for all seven.
func Metric(task string) string { return "val_" + task }

// LoadMicro reads <dir>/transnas101/micro.csv (dir "" means
// $HYPERNAS_DATA): all 4,096 cells in enumeration order (row i is the cell
// of Cell.Index i), every numeric column a metric: the seven val_<task>
// columns and the zero-cost proxy scores (zen_*, synflow_*, epe_nas_*; -1e8
// marks a degenerate network). tnbdata.LoadMicro returns the same table,
// built into the module, with no folder.
func LoadMicro(dir string) (*searchspace.Benchmark, error) {
	return load(NewMicro(), dir, MicroFile)
}

// LoadMacro reads <dir>/transnas101/macro.csv (dir "" means
// $HYPERNAS_DATA): all 3,256 skeletons in enumeration order (sorted by arch
// string), with the same metrics as LoadMicro. tnbdata.LoadMacro returns
// the same table, built into the module, with no folder.
func LoadMacro(dir string) (*searchspace.Benchmark, error) {
	return load(NewMacro(), dir, MacroFile)
}

func load(space searchspace.SearchSpace, dir, file string) (*searchspace.Benchmark, error) {
	path, err := searchspace.DataFile(dir, file)
	if err != nil {
		return nil, fmt.Errorf("transnas101: %w", err)
	}
	b, err := searchspace.ReadBenchmarkFile(space, path, searchspace.CSVOptions{Key: KeyColumn, Ignore: []string{NASLibColumn}})
	if err != nil {
		return nil, fmt.Errorf("transnas101: %w", err)
	}
	return b, nil
}
