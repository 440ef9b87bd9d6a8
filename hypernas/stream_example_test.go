package hypernas_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

// Rank a whole space without holding its encodings: stream every NB201
// cell through a trained predictor and keep the best-scored one.
func ExamplePredictor_PredictStream() {
	space := nasbench201.New()
	rng := rand.New(rand.NewPCG(1, 2))
	var archs []searchspace.Arch
	var labels []float64
	for range 100 {
		a := space.Sample(rng)
		archs, labels = append(archs, a), append(labels, liveConvs(a))
	}
	ctx := context.Background()
	p, err := hypernas.NewPredictor(space, hypernas.WithSeed(7), hypernas.WithEpochs(30), hypernas.WithHidden(16))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := p.Fit(ctx, archs, labels); err != nil {
		fmt.Println(err)
		return
	}
	n, best := 0, hypernas.Scored{}
	for s, err := range p.PredictStream(ctx, hypernas.Archs(space.All())) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if n++; n == 1 || s.Score > best.Score {
			best = s
		}
	}
	fmt.Println("scored", n, "cells")
	fmt.Println("the best has 3x3 convolutions on its paths:", liveConvs(best.Arch) >= 3)
	// Output:
	// scored 15625 cells
	// the best has 3x3 convolutions on its paths: true
}
