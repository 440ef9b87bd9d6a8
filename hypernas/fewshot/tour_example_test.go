package fewshot_test

import (
	"context"
	"fmt"
	"os"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/fewshot"
	"github.com/hypernas/go-hypernas/hypernas/metrics"
	"github.com/hypernas/go-hypernas/hypernas/search"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

// The README's tour of the API, compiled here so that it cannot drift. It
// needs the benchmark tables, so it has no Output block (it is compiled,
// not run, by go test).
func Example_tour() {
	ctx := context.Background()
	// BEGIN TOUR
	bench, err := nasbench201.LoadBenchmark(os.Getenv("HYPERNAS_DATA")) // 15,625 cells, official index order
	if err != nil {
		fmt.Println(err)
		return
	}
	train, _, err := fewshot.Split(bench.Table.Len(), 78, 0) // the protocol's seeded split
	if err != nil {
		fmt.Println(err)
		return
	}
	labels, err := bench.Labels(nasbench201.MetricValidAcc, train)
	if err != nil {
		fmt.Println(err)
		return
	}
	archs, err := bench.Select(train)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := hypernas.NewPredictor(bench.Space, hypernas.WithSeed(1), hypernas.WithEpochs(300))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := p.Fit(ctx, archs, labels); err != nil { // any []searchspace.Arch with []float64 labels
		fmt.Println(err)
		return
	}
	scores, err := p.Predict(ctx, bench.Archs) // higher is better
	if err != nil {
		fmt.Println(err)
		return
	}
	truth, err := bench.Labels(nasbench201.MetricTestAcc, nil) // nil: every row
	if err != nil {
		fmt.Println(err)
		return
	}
	tau, err := metrics.KendallTau(scores, truth)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Kendall tau %.3f\n", tau)
	if err := p.SaveFile("nb201.hnp"); err != nil { // versioned, checksummed; hypernas.LoadFile(path, space)
		fmt.Println(err)
		return
	}
	// END TOUR

	// The protocol in one call, and a predictor-guided search:
	res, err := fewshot.Evaluate(ctx, bench, fewshot.Protocol{Train: 78, Seed: 0,
		TrainMetric: nasbench201.MetricValidAcc, TestMetric: nasbench201.MetricTestAcc, TestAll: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("few-shot tau %.3f\n", res.KendallTau)
	oracle, err := search.NewTableOracle(bench.Table, nasbench201.MetricValidAcc, nasbench201.MetricTestAcc)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := search.NewStrategy("predictor-evolution")
	if err != nil {
		fmt.Println(err)
		return
	}
	found, err := s.Search(ctx, bench.Space, oracle, 100, search.WithSeed(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	best, _ := found.Best()
	fmt.Println(best.Arch, best.Report)
}
