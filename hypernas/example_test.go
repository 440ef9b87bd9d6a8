package hypernas_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/metrics"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

// liveConvs is a stand-in for a trained accuracy: the number of 3×3
// convolutions on an input→output path of the cell.
func liveConvs(a searchspace.Arch) float64 {
	c := a.(nasbench201.Arch)
	live, n := c.Live(), 0.0
	for e, op := range c {
		if live[e] && op == nasbench201.Conv3x3 {
			n++
		}
	}
	return n
}

// Train a predictor on 100 labelled NB201 cells, rank 200 unseen ones, and
// keep the predictor in a file.
func ExamplePredictor() {
	space := nasbench201.New()
	rng := rand.New(rand.NewPCG(1, 2))
	var archs []searchspace.Arch
	var labels []float64
	for range 300 {
		a := space.Sample(rng)
		archs, labels = append(archs, a), append(labels, liveConvs(a))
	}
	p, err := hypernas.NewPredictor(space, hypernas.WithSeed(7), hypernas.WithEpochs(30), hypernas.WithHidden(16))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := p.Fit(context.Background(), archs[:100], labels[:100]); err != nil {
		fmt.Println(err)
		return
	}
	pred, err := p.Predict(context.Background(), archs[100:])
	if err != nil {
		fmt.Println(err)
		return
	}
	tau, _ := metrics.KendallTau(pred, labels[100:])
	fmt.Println("ranks unseen cells well:", tau > 0.7)

	var file bytes.Buffer
	if err := p.Save(&file); err != nil {
		fmt.Println(err)
		return
	}
	q, err := hypernas.Load(&file, space)
	if err != nil {
		fmt.Println(err)
		return
	}
	again, _ := q.Predict(context.Background(), archs[100:])
	fmt.Println("loaded predictor agrees:", again[0] == pred[0])
	// Output:
	// ranks unseen cells well: true
	// loaded predictor agrees: true
}
