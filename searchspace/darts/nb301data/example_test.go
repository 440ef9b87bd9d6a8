package nb301data_test

import (
	"fmt"

	"github.com/hypernas/go-hypernas/searchspace/darts"
	"github.com/hypernas/go-hypernas/searchspace/darts/nb301data"
)

func Example() {
	bench, err := nb301data.LoadNB301()
	if err != nil {
		fmt.Println(err)
		return
	}
	acc, err := bench.Labels(darts.MetricValAcc, nil)
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
	g := bench.Archs[best].(darts.Genotype)
	fmt.Printf("%d genotypes; the best, %.2f %%:\n%s\n", bench.Table.Len(), acc[best], g.Python())
	// Output:
	// 1218 genotypes; the best, 94.49 %:
	// Genotype(normal=[('skip_connect', 1), ('sep_conv_3x3', 0), ('sep_conv_5x5', 2), ('avg_pool_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 2), ('sep_conv_3x3', 1), ('sep_conv_5x5', 2)], normal_concat=range(2, 6), reduce=[('avg_pool_3x3', 0), ('max_pool_3x3', 1), ('sep_conv_5x5', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('dil_conv_5x5', 3), ('avg_pool_3x3', 1), ('dil_conv_3x3', 0)], reduce_concat=range(2, 6))
}
