package pareto_test

import (
	"fmt"

	"github.com/hypernas/go-hypernas/internal/pareto"
)

// Accuracy against latency: accuracy is maximised, so it enters negated.
func ExampleFront() {
	acc := []float64{93.1, 94.0, 92.5, 94.0, 91.0}
	latency := []float64{12, 20, 15, 25, 8}
	pts := make([][]float64, len(acc))
	for i := range acc {
		pts[i] = []float64{latency[i], -acc[i]}
	}
	front, err := pareto.Front(pts)
	if err != nil {
		fmt.Println(err)
		return
	}
	ranks, _ := pareto.Ranks(pts)
	fmt.Println("front:", front)
	fmt.Println("ranks:", ranks)
	// Output:
	// front: [4 0 1]
	// ranks: [0 0 1 1 0]
}
