package gradcheck_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/internal/gradcheck"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The gradient of Σ tanh(x)² against central differences.
func ExampleCheck() {
	g := G.NewGraph()
	x := G.NewVector(g, tensor.Float64, G.WithShape(4), G.WithName("x"),
		G.WithValue(tensor.New(tensor.WithBacking([]float64{-1, 0.2, 0.5, 2}))))
	cost := G.Must(G.Sum(G.Must(G.Square(G.Must(G.Tanh(x))))))
	res, err := gradcheck.Check(g, cost, G.Nodes{x}, 4, 1e-6, rand.New(rand.NewPCG(1, 2)), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("checked:", res.Checked, "agree:", res.MaxRelError < 1e-8)
	// Output:
	// checked: 4 agree: true
}
