package nasbench201

import (
	"fmt"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Files of the benchmark data folder that the loaders read, relative to it.
const (
	BenchmarkFile = "nasbench201/nb201.csv"
	LatencyFile   = "nasbench201/nb201_latency.csv"
)

// Metric names of the tables most callers need (accuracies in percent). The
// benchmark table also has cifar100_test_acc, cifar10_test_acc_12ep,
// cifar100_test_acc_12ep, params_cifar10, params_cifar100 and
// train_time_s; the latency table has nb201_index and lat_<device>_<batch>.
const (
	// MetricIndex is the official NB201 index, equal to the row number.
	MetricIndex = "index"
	// MetricValidAcc is the cifar10-valid accuracy after 200 epochs: the
	// label of the few-shot training set.
	MetricValidAcc = "cifar10_valid_acc"
	// MetricTestAcc is the CIFAR-10 test accuracy after 200 epochs: the
	// target that predictions are ranked against.
	MetricTestAcc = "cifar10_test_acc"
	// LatencyIndex is the official NB201 index column of the latency table.
	LatencyIndex = "nb201_index"
)

// LoadBenchmark reads the NAS-Bench-201 table <dir>/nasbench201/nb201.csv
// (dir "" means $HYPERNAS_DATA). Every arch string is checked with Parse,
// every other column is kept as a metric (MetricIndex, MetricValidAcc,
// MetricTestAcc ...). The rows, and the Benchmark's Archs, are in official
// index order: an architecture's official index is its row,
// b.Table.Row(a.String()). The file must hold all 15,625 cells, each once.
//
// The same table is built into the module: nb201data.LoadBenchmark returns
// it with no folder. Use this loader for a table of your own in the same
// format.
func LoadBenchmark(dir string) (*searchspace.Benchmark, error) {
	return load(dir, BenchmarkFile, "arch", MetricIndex)
}

// LoadLatency reads the measured latencies (ms) of every NB201 cell on 27
// devices, <dir>/nasbench201/nb201_latency.csv (dir "" means
// $HYPERNAS_DATA), keyed by arch string: metrics LatencyIndex and the
// lat_<device>_<batch> columns, rows in official index order.
// nb201data.LoadLatency returns the built-in copy.
func LoadLatency(dir string) (*searchspace.Table, error) {
	b, err := load(dir, LatencyFile, "arch_str", LatencyIndex)
	if err != nil {
		return nil, err
	}
	return b.Table, nil
}

// load reads one NB201 table and checks that it lists the whole space in
// official index order.
func load(dir, file, key, indexCol string) (*searchspace.Benchmark, error) {
	path, err := searchspace.DataFile(dir, file)
	if err != nil {
		return nil, fmt.Errorf("nb201: %w", err)
	}
	b, err := searchspace.ReadBenchmarkFile(New(), path, searchspace.CSVOptions{Key: key})
	if err != nil {
		return nil, fmt.Errorf("nb201: %w", err)
	}
	idx, err := b.Table.Column(indexCol)
	if err != nil {
		return nil, fmt.Errorf("nb201: %s: %w: %v", path, searchspace.ErrParse, err)
	}
	for i, v := range idx {
		if v != float64(i) {
			// Line numbers assume one line per record, as the data files have.
			return nil, fmt.Errorf("nb201: %s: %w: line %d: %s is %v, expected %d (rows must be in official index order)", path, searchspace.ErrParse, i+2, indexCol, v, i)
		}
	}
	if b.Table.Len() != Size {
		return nil, fmt.Errorf("nb201: %s: %w: %d architectures, NB201 has %d", path, searchspace.ErrParse, b.Table.Len(), Size)
	}
	return b, nil
}
