package baseline_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/hypernas/baseline"
	"github.com/hypernas/go-hypernas/hypernas/metrics"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201/nb201data"
)

// Cross-validate ridge regression and a random forest on 156 labelled
// NAS-Bench-201 cells, and rank all 15,625 with the two refitted and
// averaged (the default WithTop(2); WithTop(1) keeps the winner alone).
func Example() {
	ctx := context.Background()
	bench, err := nb201data.LoadBenchmark()
	if err != nil {
		fmt.Println(err)
		return
	}
	rows := rand.New(rand.NewPCG(0, 1)).Perm(bench.Table.Len())[:156]
	archs, err := bench.Select(rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	labels, err := bench.Labels(nasbench201.MetricValidAcc, rows)
	if err != nil {
		fmt.Println(err)
		return
	}
	spec := baseline.CVModel([]baseline.Spec{
		baseline.RidgeModel(bench.Space),
		baseline.ForestModel(bench.Space, baseline.WithTrees(100)),
	})
	m, err := spec.Make(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := m.Fit(ctx, archs, labels); err != nil {
		fmt.Println(err)
		return
	}
	scores, err := m.Predict(ctx, bench.Archs)
	if err != nil {
		fmt.Println(err)
		return
	}
	truth, err := bench.Labels(nasbench201.MetricTestAcc, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	tau, err := metrics.KendallTau(scores, truth)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("chose", m.(*baseline.CV).Chosen())
	fmt.Printf("Kendall tau %.2f\n", tau)
	// Output:
	// chose [forest ridge]
	// Kendall tau 0.75
}
