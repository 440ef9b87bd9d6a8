package search_test

import (
	"context"
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas/search"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

// A search needs a space, an oracle that labels architectures (here a
// function; with a benchmark table, NewTableOracle) and a budget.
func ExampleEvolution() {
	// A toy label: the number of 3×3 convolutions of the cell.
	oracle, err := search.NewFuncOracle(func(_ context.Context, a searchspace.Arch) (search.Evaluation, error) {
		n := 0
		for _, op := range a.(nasbench201.Arch) {
			if op == nasbench201.Conv3x3 {
				n++
			}
		}
		return search.Evaluation{Value: float64(n)}, nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := search.NewEvolution(search.WithPopulation(10), search.WithTournament(3))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := s.Search(context.Background(), nasbench201.New(), oracle, 200, search.WithSeed(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	best, _ := res.Best()
	fmt.Println(len(res.Queries), oracle.Queries(), best.Value)
	fmt.Println(best.Arch)
	// Output:
	// 200 200 6
	// |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|
}

// ParetoFront keeps the trade-offs: here accuracy against latency.
func ExampleParetoFront() {
	accuracy := []float64{93.1, 93.5, 91.0, 94.2, 90.0}
	latency := []float64{12, 10, 4, 25, 6} // 93.1 at 12 ms is dominated by 93.5 at 10, 90.0 at 6 by 91.0 at 4
	front, err := search.ParetoFront(accuracy, latency)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, i := range front {
		fmt.Printf("%.1f%% at %g ms\n", accuracy[i], latency[i])
	}
	// Output:
	// 91.0% at 4 ms
	// 93.5% at 10 ms
	// 94.2% at 25 ms
}
