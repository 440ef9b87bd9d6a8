package nb101data

import (
	_ "embed"
	"fmt"

	"github.com/hypernas/go-hypernas/internal/packed"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
)

var (
	//go:embed nb101.pack
	labelledPack []byte
	//go:embed naslib500.pack
	nasLibPack []byte
)

// LoadLabelled returns the 30,001 labelled cells, as
// nasbench101.LoadLabelled reads them: keyed by Cell.String, rows in the
// file's order (ascending fingerprint), metrics val_acc_4ep, val_acc_12ep,
// val_acc_36ep, val_acc_108ep (fractions), train_time_108ep_s and params.
// Each call returns a new Benchmark that the caller may change.
func LoadLabelled() (*searchspace.Benchmark, error) {
	return load(labelledPack)
}

// LoadNASLib500 returns NASLib's sample of 500 NB101 queries as
// nasbench101.LoadNASLib500 reads it: 292 unique cells, each metric the
// mean over the cell's rows of the sample (MetricNumRows says how many),
// val_accuracy in percent, flops, params and zero-cost proxy scores.
func LoadNASLib500() (*searchspace.Benchmark, error) {
	return load(nasLibPack)
}

func load(data []byte) (*searchspace.Benchmark, error) {
	b, err := packed.Benchmark(data, nasbench101.New())
	if err != nil {
		return nil, fmt.Errorf("nb101data: %w", err)
	}
	return b, nil
}
