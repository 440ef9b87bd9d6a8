package autoformer_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/searchspace/autoformer"
)

func ExampleSpace_SampleWhere() {
	space := autoformer.NewTiny()
	rng := rand.New(rand.NewPCG(1, 2))
	// A ViT of 5.5 to 6 M parameters, as AutoFormer samples under a budget.
	v, err := space.SampleWhere(rng, space.ParamsWithin(5_500_000, 6_000_000))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v)
	fmt.Printf("%.2f M params, %.2f G MACs\n", float64(space.Params(v))/1e6, float64(space.FLOPs(v))/1e9)
	// Output:
	// embed=192;depth=12;heads=3,4,3,4,3,4,3,3,3,3,4,3;mlp=3.5,4,4,4,3.5,4,3.5,3.5,4,4,4,3.5
	// 5.73 M params, 1.28 G MACs
}

func ExampleSpace_Params() {
	// DeiT-Ti (embed 192, 12 layers of 3 heads and MLP ratio 4) is a member
	// of the Tiny space.
	space := autoformer.NewTiny()
	a, err := space.Parse("embed=192;depth=12;heads=3,3,3,3,3,3,3,3,3,3,3,3;mlp=4,4,4,4,4,4,4,4,4,4,4,4")
	if err != nil {
		fmt.Println(err)
		return
	}
	v := a.(autoformer.ViT)
	fmt.Println(space.Params(v), space.FLOPs(v))
	// Output:
	// 5717416 1253683200
}

func ExampleSpace_Encode() {
	space := autoformer.NewSmall()
	v := space.Sample(rand.New(rand.NewPCG(3, 4)))
	seq, err := space.Encode(v)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v)
	// Embedding dimension, heads, MLP ratio, depth, each over the space's
	// largest choice.
	fmt.Printf("%d layers; layer 0 attention node features %.3f\n", len(seq), seq[0].Features[autoformer.NodeAttention])
	// Output:
	// embed=448;depth=14;heads=6,7,6,6,5,6,6,7,6,5,7,5,5,5;mlp=3.5,4,3,4,3.5,3.5,4,3,4,3,3.5,3.5,3.5,3
	// 14 layers; layer 0 attention node features [1.000 0.857 0.000 1.000]
}

// Label architectures with your own evaluator: here a stand-in that scores
// by parameter count; in practice, train the ViT or evaluate it with
// weights inherited from a trained supernet.
func Example_ownEvaluator() {
	space := autoformer.NewBase()
	rng := rand.New(rand.NewPCG(7, 7))
	evaluate := func(v autoformer.ViT) float64 { return 80 + float64(space.Params(v))/1e8 }
	for range 3 {
		v, err := space.SampleWhere(rng, space.ParamsWithin(0, 60_000_000))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("depth %d embed %d: %.3f\n", v.Depth(), v.Embed, evaluate(v))
	}
	// Output:
	// depth 16 embed 528: 80.514
	// depth 15 embed 576: 80.566
	// depth 14 embed 528: 80.451
}

// A space of your own choices: functional options on top of a published
// supernet.
func ExampleNew() {
	space, err := autoformer.New(
		autoformer.WithSupernet(autoformer.Small),
		autoformer.WithDepths(6, 8),
		autoformer.WithClasses(100),
		autoformer.WithName("small_shallow_c100"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := space.Config()
	fmt.Println(space.Name(), c.Depths, c.Heads, c.Classes, space.MaxUnits())

	_, err = autoformer.New(autoformer.WithDepths(0, 12))
	fmt.Println(err)
	// Output:
	// small_shallow_c100 [6 8] [5 6 7] 100 8
	// autoformer: WithDepths(0): choices must be positive
}
