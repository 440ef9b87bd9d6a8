package nb201data

import (
	_ "embed"
	"fmt"

	"github.com/hypernas/go-hypernas/internal/packed"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

var (
	//go:embed nb201.pack
	benchmarkPack []byte
	//go:embed nb201_latency.pack
	latencyPack []byte
)

// LoadBenchmark returns the NAS-Bench-201 table: every cell of the space
// once, rows in official index order (an architecture's official index is
// its row, b.Table.Row(a.String())), with the metrics of
// nasbench201.LoadBenchmark: MetricIndex, MetricValidAcc, MetricTestAcc,
// cifar100_test_acc, cifar10_test_acc_12ep, cifar100_test_acc_12ep,
// params_cifar10, params_cifar100 and train_time_s. Each call returns a
// new Benchmark that the caller may change.
func LoadBenchmark() (*searchspace.Benchmark, error) {
	b, err := packed.Benchmark(benchmarkPack, nasbench201.New())
	if err != nil {
		return nil, fmt.Errorf("nb201data: %w", err)
	}
	return b, nil
}

// LoadLatency returns the measured latencies (ms) of every cell on 27
// devices, as nasbench201.LoadLatency reads them: metrics
// nasbench201.LatencyIndex and lat_<device>[_<batch>], keyed by arch
// string, rows in official index order (those of LoadBenchmark).
func LoadLatency() (*searchspace.Table, error) {
	keys, err := packed.Decode(benchmarkPack)
	if err != nil {
		return nil, fmt.Errorf("nb201data: %w", err)
	}
	t, err := packed.Decode(latencyPack)
	if err != nil {
		return nil, fmt.Errorf("nb201data: %w", err)
	}
	if t.Rows() != len(keys.Keys) {
		return nil, fmt.Errorf("nb201data: %w: %d latency rows for %d cells", packed.ErrFormat, t.Rows(), len(keys.Keys))
	}
	t.Keys = keys.Keys
	lat, err := t.SearchTable()
	if err != nil {
		return nil, fmt.Errorf("nb201data: %w", err)
	}
	return lat, nil
}
