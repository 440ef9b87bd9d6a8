// Package stepbench times training steps of a predictor, for the
// benchmarks of the predictor and of its auxiliary tasks.
package stepbench

import (
	"context"
	"testing"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/searchspace"
)

// TrainSteps times b.N training steps (pack, forward, backward, Adam) of a
// predictor for space with opts on archs, labelled with
// fixture.SyntheticLabels; the graph is compiled outside the timed loop.
func TrainSteps(b *testing.B, space searchspace.SearchSpace, archs []searchspace.Arch, opts ...hypernas.Option) {
	p, err := hypernas.NewPredictor(space, opts...)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := p.NewTrainer(context.Background(), archs, fixture.SyntheticLabels(archs))
	if err != nil {
		b.Fatal(err)
	}
	defer tr.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
}
