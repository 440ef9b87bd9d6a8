package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hypernas/go-hypernas/hypernas/search"
	"github.com/hypernas/go-hypernas/hypernas/search/storage"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

// A search kept in a SQLite file: run it again (after a crash, say) and it
// resumes; here the second run finds the study complete.
func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "study")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
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
	s, err := search.NewEvolution()
	if err != nil {
		fmt.Println(err)
		return
	}
	for run := 1; run <= 2; run++ {
		store, err := storage.Open(ctx, "sqlite:"+filepath.Join(dir, "search.db"))
		if err != nil {
			fmt.Println(err)
			return
		}
		res, err := s.Search(ctx, nasbench201.New(), oracle, 40, search.WithSeed(1),
			search.WithStorage(store, "toy"), search.WithWorkers(4))
		store.Close()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("run %d: %d queries told; the oracle was called %d times in all\n", run, len(res.Queries), oracle.Queries())
	}
	// Output:
	// run 1: 40 queries told; the oracle was called 40 times in all
	// run 2: 40 queries told; the oracle was called 40 times in all
}
