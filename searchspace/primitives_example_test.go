package searchspace_test

import (
	"fmt"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

// What NAS-Bench-201's node types compute, as the hypernetwork's target
// network reads it.
func ExamplePrimitivesOf() {
	space := nasbench201.New()
	p, err := searchspace.PrimitivesOf(space)
	if err != nil {
		fmt.Println(err)
		return
	}
	for t, name := range space.OpNames() {
		op := p.Ops[t]
		fmt.Printf("%-21s %-8v kernel %d stride %d\n", name, op.Kind, op.Kernel, max(op.Stride, 1))
	}
	// Output:
	// input                 Input    kernel 0 stride 1
	// output                Output   kernel 0 stride 1
	// none                  Zero     kernel 0 stride 1
	// skip_connect          Identity kernel 0 stride 1
	// nor_conv_1x1          Conv     kernel 1 stride 1
	// nor_conv_3x3          Conv     kernel 3 stride 1
	// avg_pool_3x3          AvgPool  kernel 3 stride 1
	// resblock_conv_3x3     Conv     kernel 3 stride 2
	// resblock_avg_pool_2x2 AvgPool  kernel 2 stride 2
	// resblock_conv_1x1     Conv     kernel 1 stride 1
}
