package baseline

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201/nb201data"
)

// BenchmarkFitPredict trains each baseline on 156 labelled NAS-Bench-201
// cells and ranks all 15,625, the protocol's N = 156.
func BenchmarkFitPredict(b *testing.B) {
	bench, err := nb201data.LoadBenchmark()
	if err != nil {
		b.Fatal(err)
	}
	rows := rand.New(rand.NewPCG(0, 1)).Perm(bench.Table.Len())[:156]
	archs, err := bench.Select(rows)
	if err != nil {
		b.Fatal(err)
	}
	labels, err := bench.Labels(nasbench201.MetricValidAcc, rows)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, spec := range []Spec{RidgeModel(bench.Space), ForestModel(bench.Space)} {
		b.Run(spec.Name, func(b *testing.B) {
			for b.Loop() {
				m, err := spec.Make(1)
				if err != nil {
					b.Fatal(err)
				}
				if err := m.Fit(ctx, archs, labels); err != nil {
					b.Fatal(err)
				}
				if _, err := m.Predict(ctx, bench.Archs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
