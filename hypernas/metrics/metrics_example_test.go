package metrics_test

import (
	"errors"
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas/metrics"
)

// Predicted and true accuracies of five architectures, in the same order.
var (
	pred  = []float64{0.71, 0.93, 0.88, 0.52, 0.90}
	truth = []float64{70.1, 93.4, 91.0, 60.2, 89.5}
)

func ExampleKendallTau() {
	tau, err := metrics.KendallTau(pred, truth)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("tau = %.4f\n", tau)
	// Output: tau = 0.8000
}

func ExampleKendallTau_ties() {
	// Ties are handled as tau-b (scipy's default).
	tau, _ := metrics.KendallTau([]float64{12, 2, 1, 12, 2}, []float64{1, 4, 7, 1, 0})
	fmt.Printf("tau = %.6f\n", tau)
	// Output:
	// tau = -0.471405
}

func ExampleErrConstant() {
	// Labels that are all equal have no order to compare with.
	_, err := metrics.KendallTau([]float64{0.7, 0.9, 0.8}, []float64{93, 93, 93})
	if errors.Is(err, metrics.ErrConstant) {
		fmt.Println("cannot rank:", err)
	}
	// Output:
	// cannot rank: metrics: input is constant: all 3 values of y are 93
}

func ExampleSpearmanRho() {
	rho, err := metrics.SpearmanRho(pred, truth)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("rho = %.4f\n", rho)
	// Output: rho = 0.9000
}

func ExamplePrecisionAtK() {
	// The true top 2 are architectures 1 and 2; the predictor's top 2 are 1
	// and 4.
	p, err := metrics.PrecisionAtK(pred, truth, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p)
	// Output: 0.5
}

func ExampleBestInPredictedTopK() {
	// Training the predictor's top 2 finds the best architecture.
	best, err := metrics.BestInPredictedTopK(pred, truth, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(best)
	// Output: 93.4
}

func ExampleRanks() {
	fmt.Println(metrics.Ranks([]float64{10, 30, 20, 20}))
	// Output: [1 4 2.5 2.5]
}
