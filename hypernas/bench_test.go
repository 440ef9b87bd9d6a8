package hypernas_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/internal/stepbench"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
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

// trainedForBench is a predictor trained briefly (30 epochs on 64 sampled
// architectures with synthetic labels), so that its activations have the
// zeros of a trained ReLU network.
func trainedForBench(b *testing.B, space searchspace.SearchSpace, opts ...hypernas.Option) *hypernas.Predictor {
	b.Helper()
	archs := fixture.SampleArchs(space, 64, 1)
	p, err := hypernas.NewPredictor(space, append([]hypernas.Option{hypernas.WithEpochs(30)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := p.Fit(context.Background(), archs, fixture.SyntheticLabels(archs)); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkPredictAllNB201 predicts all 15,625 NB201 cells from their
// architectures, encoding included: what few-shot evaluation's
// predict_seconds measures.
func BenchmarkPredictAllNB201(b *testing.B) {
	space := nasbench201.New()
	p := trainedForBench(b, space)
	var archs []searchspace.Arch
	for _, a := range space.All() {
		archs = append(archs, a)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Predict(context.Background(), archs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(archs)), "µs/arch")
}

// BenchmarkPredictStreamNB101 streams all 423,624 NB101 cells, from the
// space's enumeration, through a briefly trained predictor (encoding
// included; the enumeration itself is run once before the timer and
// reported as enumerate-s). Peak memory, the point of streaming, is the
// process's: measure it with /usr/bin/time -v on the test binary, e.g.
//
//	go test -c -o /tmp/hypernas.test ./hypernas
//	/usr/bin/time -v /tmp/hypernas.test -test.run XXX -test.bench PredictStreamNB101 -test.benchtime 1x
func BenchmarkPredictStreamNB101(b *testing.B) {
	space := nasbench101.New()
	start := time.Now()
	if _, err := space.Cell(0); err != nil { // enumerates the space, once per process
		b.Fatal(err)
	}
	enumerate := time.Since(start)
	n := space.Size()
	p := trainedForBench(b, space)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		count, best := 0, math.Inf(-1)
		for s, err := range p.PredictStream(ctx, hypernas.Archs(space.All())) {
			if err != nil {
				b.Fatal(err)
			}
			count, best = count+1, max(best, s.Score)
		}
		if count != n {
			b.Fatalf("%d predictions for %d cells", count, n)
		}
	}
	b.ReportMetric(enumerate.Seconds(), "enumerate-s")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/arch")
}
