package search_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas/search"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

// A study hands out architectures (Ask) and records their results (Tell):
// the loop can train them wherever it likes. Architectures out and not yet
// told are never handed out again.
func ExampleStudy() {
	ctx := context.Background()
	s, err := search.NewEvolution(search.WithPopulation(10), search.WithTournament(3))
	if err != nil {
		fmt.Println(err)
		return
	}
	study, err := search.NewStudy(ctx, s, nasbench201.New(), 50, search.WithSeed(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer study.Close()
	for {
		trial, err := study.Ask(ctx)
		if errors.Is(err, search.ErrStudyDone) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		// Train trial.Arch here; a toy value: its 3×3 convolutions.
		n := 0
		for _, op := range trial.Arch.(nasbench201.Arch) {
			if op == nasbench201.Conv3x3 {
				n++
			}
		}
		if _, err := study.Tell(ctx, trial, search.Evaluation{Value: float64(n)}, nil); err != nil {
			fmt.Println(err)
			return
		}
	}
	best, _ := study.Result().Best()
	fmt.Println(len(study.Result().Queries), best.Value)
	// Output:
	// 50 4
}
