package nasbench201_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

func ExampleParse() {
	a, err := nasbench201.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a[2], a.CanonicalIndex())
	fmt.Println(a)

	_, err = nasbench201.Parse("|nor_conv_3x3~0|+|conv~0|")
	fmt.Println(err)
	// Output:
	// avg_pool_3x3 11791
	// |nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|
	// parse error: nb201 arch "|nor_conv_3x3~0|+|conv~0|": column 19: found unknown op "conv", expected none, skip_connect, nor_conv_1x1, nor_conv_3x3 or avg_pool_3x3
}

func ExampleArch_String() {
	a := nasbench201.Arch{nasbench201.Conv3x3, nasbench201.SkipConnect, nasbench201.None,
		nasbench201.Conv1x1, nasbench201.None, nasbench201.AvgPool3x3}
	fmt.Println(a)
	// Output:
	// |nor_conv_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|
}

func ExampleSpace_Encode() {
	space := nasbench201.New()
	a, _ := nasbench201.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
	seq, err := space.Encode(a)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(seq), "units")
	for i, g := range seq {
		if g.NumNodes() == nasbench201.ReductionNodes {
			fmt.Println("reduction block at unit", i)
		}
	}
	ops := make([]string, seq[0].NumNodes())
	for i, o := range seq[0].Ops {
		ops[i] = space.OpNames()[o]
	}
	fmt.Println(ops)
	// Output:
	// 17 units
	// reduction block at unit 5
	// reduction block at unit 11
	// [input nor_conv_3x3 nor_conv_3x3 avg_pool_3x3 skip_connect nor_conv_3x3 skip_connect output]
}

func ExampleSpace_Mutate() {
	space := nasbench201.New()
	rng := rand.New(rand.NewPCG(1, 2))
	a := space.Sample(rng)
	m, err := space.Mutate(a, rng)
	if err != nil {
		fmt.Println(err)
		return
	}
	differ := 0
	for k := range nasbench201.NumEdges {
		if a.(nasbench201.Arch)[k] != m.(nasbench201.Arch)[k] {
			differ++
		}
	}
	fmt.Println("edges changed:", differ)
	// Output:
	// edges changed: 1
}
