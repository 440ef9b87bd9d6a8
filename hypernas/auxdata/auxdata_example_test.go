package auxdata_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/hypernas/auxdata"
)

func Example() {
	// Two 4×4 gray images in IDX format (as Fashion-MNIST stores them).
	d := &auxdata.Dataset{N: 2, Channels: 1, Height: 4, Width: 4, Classes: 2,
		Pixels: make([]byte, 32), Labels: []byte{0, 1}}
	for i := range d.Pixels {
		d.Pixels[i] = byte(8 * i)
	}
	var img, lab bytes.Buffer
	if err := auxdata.WriteIDX(&img, &lab, d); err != nil {
		panic(err)
	}
	back, err := auxdata.ReadIDX(&img, &lab)
	if err != nil {
		panic(err)
	}
	im, err := back.Prepare(2) // 2×2 by area averaging, then normalised
	if err != nil {
		panic(err)
	}
	it, err := im.Iterator(rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	px, labels := make([]float32, 2*im.ImageLen()), make([]int, 2)
	if err := it.Next(px, labels); err != nil {
		panic(err)
	}
	fmt.Printf("%d images of %d×%d, mean %.3f\n", im.N, im.Size, im.Size, im.Mean[0])
	fmt.Println("labels in shuffled order:", labels)
	// Output:
	// 2 images of 2×2, mean 0.486
	// labels in shuffled order: [1 0]
}

func ExampleDataset_Head() {
	d := &auxdata.Dataset{N: 3, Channels: 1, Height: 2, Width: 2, Classes: 2,
		Pixels: make([]byte, 12), Labels: []byte{0, 1, 1}}
	head, err := d.Head(2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(head.N, head.Labels)
	_, err = d.Head(-1)
	fmt.Println(err)
	// Output:
	// 2 [0 1]
	// auxdata: Head(-1): need at least one image
}
