package nb101data_test

import (
	"fmt"

	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101/nb101data"
)

func Example() {
	bench, err := nb101data.LoadLabelled()
	if err != nil {
		fmt.Println(err)
		return
	}
	acc, err := bench.Labels(nasbench101.MetricValAcc108, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	best := 0
	for i, a := range acc {
		if a > acc[best] {
			best = i
		}
	}
	cell := bench.Archs[best].(nasbench101.Cell)
	fmt.Printf("%d cells; the best, %.4f after 108 epochs: %s\n", bench.Table.Len(), acc[best], cell)
	fmt.Println("fingerprint", cell.Fingerprint())
	// Output:
	// 30001 cells; the best, 0.9491 after 108 epochs: 100011100001000110101:I3M313O
	// fingerprint 096f593e0f12d65f6220bf8565b764a9
}
