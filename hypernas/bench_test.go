package hypernas

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

func sampleArchs(space searchspace.SearchSpace, n int, seed uint64) []searchspace.Arch {
	rng := rand.New(rand.NewPCG(seed, 1))
	out := make([]searchspace.Arch, n)
	for i := range out {
		out[i] = space.Sample(rng)
	}
	return out
}

// syntheticLabels gives a deterministic, learnable label per architecture.
func syntheticLabels(archs []searchspace.Arch) []float64 {
	y := make([]float64, len(archs))
	for i, a := range archs {
		for j, c := range a.String() {
			y[i] += float64((int(c)*(j+7))%13) / 13
		}
	}
	return y
}

// BenchmarkTrainStepNB201 measures one training step (pack, forward,
// backward, Adam) of a batch of 16 NB201 architectures with the default
// options; the graph is compiled once outside the timed loop.
func BenchmarkTrainStepNB201(b *testing.B) {
	space := nasbench201.New()
	benchTrainSteps(b, space, sampleArchs(space, 78, 1))
}

// benchTrainSteps times training steps of a predictor with opts on archs;
// the graph is compiled once outside the timed loop.
func benchTrainSteps(b *testing.B, space searchspace.SearchSpace, archs []searchspace.Arch, opts ...Option) {
	p, err := NewPredictor(space, opts...)
	if err != nil {
		b.Fatal(err)
	}
	seqs, err := p.EncodeAll(archs)
	if err != nil {
		b.Fatal(err)
	}
	t, err := p.newTrainer(seqs, syntheticLabels(archs))
	if err != nil {
		b.Fatal(err)
	}
	defer t.close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%t.stepsPerEpoch == 0 {
			t.shuffle()
		}
		if _, _, err := t.step(i % t.stepsPerEpoch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPredictNB201 measures prediction of 2,048 encoded architectures
// with the default options (graph building included, as in Predict).
func BenchmarkPredictNB201(b *testing.B) {
	space := nasbench201.New()
	archs := sampleArchs(space, 2048, 2)
	p, err := NewPredictor(space, WithEpochs(1))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := p.Fit(context.Background(), archs[:32], syntheticLabels(archs[:32])); err != nil {
		b.Fatal(err)
	}
	seqs, err := p.EncodeAll(archs)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.PredictSequences(seqs); err != nil {
			b.Fatal(err)
		}
	}
}
