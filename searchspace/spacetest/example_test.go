package spacetest_test

import (
	"fmt"

	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/spacetest"
)

// printer is a spacetest.TB that prints what Check reports; in a test,
// pass the *testing.T instead.
type printer struct{}

func (printer) Helper() {}
func (printer) Errorf(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
}

// tooSmall is NB201 declaring a node limit its cell graphs exceed.
type tooSmall struct{ *nasbench201.Space }

func (tooSmall) MaxNodes() int { return 6 }

func ExampleCheck() {
	// In a test of your own space: spacetest.Check(t, myspace.New()).
	spacetest.Check(printer{}, nasbench201.New())
	fmt.Println("nb201: no problems")

	spacetest.Check(printer{}, tooSmall{nasbench201.New()}, spacetest.WithSamples(4), spacetest.WithMaxEnumerate(0))
	// Output:
	// nb201: no problems
	// spacetest: nb201: Encode("|nor_conv_1x1~0|+|none~0|nor_conv_3x3~1|+|none~0|nor_conv_3x3~1|nor_conv_1x1~2|"): Encode unit 0 of 17: invalid architecture: graph has 8 nodes, the space allows at most 6 (MaxNodes() is 6: raise MaxNodes to the node count of the largest unit) (and 3 more like it)
	// spacetest: nb201: EncodeCell("|nor_conv_1x1~0|+|none~0|nor_conv_3x3~1|+|none~0|nor_conv_3x3~1|nor_conv_1x1~2|"): EncodeCell graph: invalid architecture: graph has 8 nodes, the space allows at most 6 (MaxNodes() is 6: raise MaxNodes, or implement searchspace.CellSized with MaxCellNodes if only EncodeCell's graphs are larger) (and 3 more like it)
}
