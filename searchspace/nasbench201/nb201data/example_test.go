package nb201data_test

import (
	"fmt"

	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201/nb201data"
)

func Example() {
	bench, err := nb201data.LoadBenchmark()
	if err != nil {
		fmt.Println(err)
		return
	}
	acc, err := bench.Labels(nasbench201.MetricTestAcc, nil)
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
	lat, err := nb201data.LoadLatency()
	if err != nil {
		fmt.Println(err)
		return
	}
	ms, err := lat.Value(best, "lat_pixel3")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d cells; the best on CIFAR-10 is index %d, %.2f %%, %.1f ms on a Pixel 3\n", bench.Table.Len(), best, acc[best], ms)
	fmt.Println(bench.Archs[best])
	// Output:
	// 15625 cells; the best on CIFAR-10 is index 6111, 94.37 %, 23.6 ms on a Pixel 3
	// |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|
}
