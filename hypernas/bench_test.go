package hypernas_test

import (
	"context"
	"testing"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/internal/stepbench"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

// BenchmarkTrainStepNB201 measures one training step (pack, forward,
// backward, Adam) of a batch of 16 NB201 architectures with the default
// options; the graph is compiled once outside the timed loop.
func BenchmarkTrainStepNB201(b *testing.B) {
	space := nasbench201.New()
	stepbench.TrainSteps(b, space, fixture.SampleArchs(space, 78, 1))
}

// BenchmarkPredictNB201 measures prediction of 2,048 encoded architectures
// with the default options (graph building included, as in Predict).
func BenchmarkPredictNB201(b *testing.B) {
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 2048, 2)
	p, err := hypernas.NewPredictor(space, hypernas.WithEpochs(1))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := p.Fit(ctx, archs[:32], fixture.SyntheticLabels(archs[:32])); err != nil {
		b.Fatal(err)
	}
	seqs, err := p.EncodeAll(ctx, archs)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.PredictSequences(ctx, seqs); err != nil {
			b.Fatal(err)
		}
	}
}
