package hypernet_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/hypernas/hypernet"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/darts"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

// Training with the hypernetwork auxiliary task. Real use reads CIFAR-10
// with auxdata.ReadCIFAR10Files; random images keep the example
// self-contained.
func ExampleNew() {
	rng := rand.New(rand.NewPCG(1, 2))
	images := &auxdata.Dataset{N: 64, Channels: 3, Height: 32, Width: 32, Classes: 10,
		Pixels: make([]byte, 64*3*32*32), Labels: make([]byte, 64)}
	for i := range images.Pixels {
		images.Pixels[i] = byte(rng.IntN(256))
	}
	for i := range images.Labels {
		images.Labels[i] = byte(rng.IntN(10))
	}
	space := nasbench201.New()
	task, err := hypernet.New(space, images, hypernet.WithImageSize(8), hypernet.WithImagesPerArch(2))
	if err != nil {
		panic(err)
	}
	archs := make([]searchspace.Arch, 16)
	labels := make([]float64, len(archs))
	for i := range archs {
		archs[i] = space.Sample(rng)
		labels[i] = float64(i)
	}
	p, err := hypernas.NewPredictor(space, hypernas.WithAux(task), hypernas.WithEpochs(2), hypernas.WithHidden(8))
	if err != nil {
		panic(err)
	}
	rep, err := p.Fit(context.Background(), archs, labels)
	if err != nil {
		panic(err)
	}
	fmt.Println("epochs with an image loss:", len(rep.AuxLosses))
	// The hypernetwork's weights for one architecture, e.g. to initialise it.
	ws, err := task.GeneratedWeights(p, archs[0])
	if err != nil {
		panic(err)
	}
	fmt.Printf("first generated op: unit %d node %d %s, %d values\n", ws[0].Unit, ws[0].Node, ws[0].Op, len(ws[0].Values))
	// Output:
	// epochs with an image loss: 2
	// first generated op: unit 0 node 1 nor_conv_3x3, 576 values
}

// The hypernetwork's heads follow from a space's declaration of what its
// operations compute: one per weight shape.
func ExampleTask_Heads() {
	images := &auxdata.Dataset{N: 2, Channels: 3, Height: 8, Width: 8, Classes: 10,
		Pixels: make([]byte, 2*3*8*8), Labels: []byte{0, 1}}
	space, err := darts.New()
	if err != nil {
		panic(err)
	}
	task, err := hypernet.New(space, images)
	if err != nil {
		panic(err)
	}
	fmt.Println(task.Heads())
	// Output:
	// [conv1x1 sep3x3 sep5x5]
}
