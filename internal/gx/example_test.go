package gx_test

import (
	"fmt"

	"github.com/hypernas/go-hypernas/internal/gx"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// half builds x/2 in x's dtype; a panic inside Gorgonia (here: a node of no
// graph) comes back as an error.
func half(x *G.Node) (_ *G.Node, err error) {
	defer gx.Recover(&err, "example", "halving")
	return G.HadamardProd(x, gx.Scalar(x.Dtype(), 0.5))
}

func ExampleRecover() {
	g := G.NewGraph()
	x := G.NewScalar(g, tensor.Float32, G.WithName("x"), G.WithValue(float32(3)))
	y, err := half(x)
	if err != nil {
		fmt.Println(err)
		return
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(y.Value(), y.Dtype())
	_, err = half(G.NewConstant(1.0))
	fmt.Println(err != nil)
	// Output:
	// 1.5 float32
	// true
}

func ExampleToFloat64s() {
	fmt.Println(gx.ToFloat64s(G.NewF32(0.25)), gx.ToFloat64s([]float32{1, 2}))
	v, ok := gx.ToFloat64(tensor.New(tensor.WithBacking([]float64{7})))
	fmt.Println(v, ok)
	// Output:
	// [0.25] [1 2]
	// 7 true
}
