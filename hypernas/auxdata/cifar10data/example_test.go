package cifar10data_test

import (
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas/auxdata/cifar10data"
)

func Example() {
	images, err := cifar10data.Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d images of %d×%d×%d\n", images.N, images.Channels, images.Height, images.Width)
	for _, l := range images.Labels[:5] {
		fmt.Print(cifar10data.Classes[l], " ")
	}
	fmt.Println()
	// Output:
	// 4000 images of 3×8×8
	// frog truck truck deer automobile
}
