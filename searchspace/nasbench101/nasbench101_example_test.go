package nasbench101_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
)

// A cell in the benchmark's ModelSpec form: an upper-triangular adjacency
// matrix and one op per vertex. The cell is pruned and put in canonical
// form; its fingerprint is the key of the benchmark's data.
func ExampleNewCell() {
	// Row 0084fcbf… of nb101_hash_specs.csv, with an extra vertex 4 that
	// leads nowhere.
	adj := [][]bool{
		{false, true, true, false, true, true},
		{false, false, false, false, false, true},
		{false, false, false, true, false, false},
		{false, false, false, false, false, true},
		{false, false, false, false, false, false}, // on no input→output path: pruned
		{false, false, false, false, false, false},
	}
	ops := []string{"input", "maxpool3x3", "conv3x3-bn-relu", "maxpool3x3", "conv1x1-bn-relu", "output"}
	cell, err := nasbench101.NewCell(adj, ops)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cell)
	fmt.Println(cell.Ops())
	fmt.Println(cell.Fingerprint())
	// Output:
	// 1011100011:I3MMO
	// [input conv3x3-bn-relu maxpool3x3 maxpool3x3 output]
	// 0084fcbf55ebee6c2a3c22d71ff418bc
}

func ExampleParse() {
	cell, err := nasbench101.Parse("100101:I3MO")
	fmt.Println(cell.NumVertices(), cell.NumEdges(), err)

	// The same diamond with its branches in the other order is the same
	// cell, written one way only.
	_, err = nasbench101.Parse("110011:IM3O")
	fmt.Println(err)
	// Output:
	// 4 3 <nil>
	// invalid architecture: nb101 cell "110011:IM3O": column 9: found a valid cell not in canonical form (its smallest topological numbering), expected "110011:I3MO"
}

func ExampleSpace_Encode() {
	space := nasbench101.New()
	cell, _ := nasbench101.Parse("110011:I3MO")
	seq, _ := space.Encode(cell)
	for _, unit := range seq {
		names := make([]string, unit.NumNodes())
		for i, o := range unit.Ops {
			names[i] = space.OpNames()[o]
		}
		fmt.Println(names)
	}
	// Output:
	// [input conv3x3-bn-relu maxpool3x3 output]
	// [input conv3x3-bn-relu maxpool3x3 output]
	// [input conv3x3-bn-relu maxpool3x3 output]
	// [input downsample_maxpool2x2 output]
	// [input conv3x3-bn-relu maxpool3x3 output]
	// [input conv3x3-bn-relu maxpool3x3 output]
	// [input conv3x3-bn-relu maxpool3x3 output]
	// [input downsample_maxpool2x2 output]
	// [input conv3x3-bn-relu maxpool3x3 output]
	// [input conv3x3-bn-relu maxpool3x3 output]
	// [input conv3x3-bn-relu maxpool3x3 output]
}

func ExampleSpace_Mutate() {
	space := nasbench101.New()
	rng := rand.New(rand.NewPCG(1, 2))
	cell := space.Sample(rng)
	child, err := space.Mutate(cell, rng)
	fmt.Println(err, space.Validate(child), cell.String() != child.String())
	// Output:
	// <nil> <nil> true
}
