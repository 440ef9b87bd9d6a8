package nb301data

import (
	_ "embed"
	"fmt"

	"github.com/hypernas/go-hypernas/internal/packed"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/darts"
)

//go:embed nb301.pack
var nb301Pack []byte

// LoadNB301 returns the NAS-Bench-301 subset as darts.LoadNB301 reads it:
// 1,218 unique genotypes in order of first appearance in the file, keyed by
// Genotype.String, metrics darts.MetricValAcc (percent), flops, params and
// the zero-cost proxy scores (nwot is NaN where the file has none). The
// options are darts.New's: the Benchmark's Space is darts.New(opts...), and
// a bad option is an error. Each call returns a new Benchmark that the
// caller may change.
func LoadNB301(opts ...darts.Option) (*searchspace.Benchmark, error) {
	sp, err := darts.New(opts...)
	if err != nil {
		return nil, err
	}
	b, err := packed.Benchmark(nb301Pack, sp)
	if err != nil {
		return nil, fmt.Errorf("nb301data: %w", err)
	}
	return b, nil
}
