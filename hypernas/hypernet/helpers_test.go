package hypernet

import (
	"testing"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/hypernas"
)

// smallOpts is a predictor small enough for unit tests.
func smallOpts(extra ...hypernas.Option) []hypernas.Option {
	return append([]hypernas.Option{hypernas.WithHidden(12), hypernas.WithHeadHidden(16), hypernas.WithEpochs(25),
		hypernas.WithBatchSize(16), hypernas.WithLearningRate(3e-3)}, extra...)
}

// paramsOf returns a copy of a predictor's parameters.
func paramsOf(t testing.TB, p *hypernas.Predictor) *encoding.Params {
	t.Helper()
	params, err := p.Params()
	if err != nil {
		t.Fatal(err)
	}
	return params
}
