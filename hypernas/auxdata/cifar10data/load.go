package cifar10data

import (
	_ "embed"
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/internal/packed"
)

//go:embed train_4000_8x8.pack
var trainPack []byte

// ImageSize is the side of the built-in images.
const ImageSize = 8

// Classes are the names of the ten CIFAR-10 classes: label l is Classes[l].
var Classes = [10]string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// Load returns the 4,000 built-in images: 3 channel planes of 8×8 each,
// labels 0 … 9, in the order of CIFAR-10's first training batch. Each call
// returns a new Dataset that the caller may change.
func Load() (*auxdata.Dataset, error) {
	im, err := packed.DecodeImages(trainPack)
	if err != nil {
		return nil, fmt.Errorf("cifar10data: %w", err)
	}
	d := &auxdata.Dataset{Name: "cifar10", N: im.N, Channels: im.Channels, Height: im.Height, Width: im.Width,
		Classes: im.Classes, Labels: im.Labels, Pixels: im.Pixels}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("cifar10data: %w", err)
	}
	return d, nil
}
