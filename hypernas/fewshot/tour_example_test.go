package fewshot_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/fewshot"
	"github.com/hypernas/go-hypernas/hypernas/metrics"
	"github.com/hypernas/go-hypernas/hypernas/search"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201/nb201data"
)

// The README's tour of the API, run here so that it cannot drift: train on
// 78 labelled cells of the built-in NAS-Bench-201 table, rank all 15,625,
// save the predictor, load it back and score with it.
func Example_tour() {
	// BEGIN TOUR
	ctx := context.Background()
	bench, err := nb201data.LoadBenchmark() // built in: 15,625 cells, official index order
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
	p, err := hypernas.NewPredictor(bench.Space, hypernas.WithSeed(1)) // 300 epochs, hidden 32, rank-Gauss labels
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := p.Fit(ctx, archs, labels); err != nil { // any []searchspace.Arch with []float64 labels
		fmt.Println(err)
		return
	}
	scores, err := p.Predict(ctx, bench.Archs) // higher is better; ranks, not calibrated accuracies
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
	path := filepath.Join(os.TempDir(), "nb201.hnp")
	if err := p.SaveFile(path); err != nil { // versioned, checksummed
		fmt.Println(err)
		return
	}
	saved, err := hypernas.LoadFile(path, nasbench201.New()) // later: score new candidates
	if err != nil {
		fmt.Println(err)
		return
	}
	again, err := saved.Predict(ctx, bench.Archs[:3])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("same scores after loading:", again[0] == scores[0] && again[2] == scores[2])
	// END TOUR
	os.Remove(path)
	// Output:
	// Kendall tau 0.761
	// same scores after loading: true
}

// The protocol in one call, and a predictor-guided search (compiled, not
// run: each trains predictors for a minute or more).
func Example_protocolAndSearch() {
	ctx := context.Background()
	bench, err := nb201data.LoadBenchmark()
	if err != nil {
		fmt.Println(err)
		return
	}
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
