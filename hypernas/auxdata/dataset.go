package auxdata

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// ErrFormat reports a file that is not a valid dataset file: a bad magic
// number, a truncated record, a label out of range.
var ErrFormat = errors.New("auxdata: bad dataset file")

// Dataset is a set of labelled images with byte pixels, as stored on disk.
type Dataset struct {
	// Name says where the images came from ("cifar10", "idx").
	Name string
	// N images of Channels×Height×Width.
	N, Channels, Height, Width int
	// Classes is the number of label values (labels are 0 … Classes−1).
	Classes int
	// Pixels holds image i at [i·C·H·W, (i+1)·C·H·W), channel planes one
	// after another, each row by row (CIFAR-10's own layout).
	Pixels []byte
	// Labels holds the class of each image.
	Labels []byte
}

func (d *Dataset) imageSize() int { return d.Channels * d.Height * d.Width }

// maxBytes bounds the pixels of a dataset, far above any auxiliary dataset,
// so that sizes from a corrupt header cannot overflow.
const maxBytes int64 = 1 << 40

// Validate checks the dataset's sizes and labels.
func (d *Dataset) Validate() error {
	if d == nil {
		return fmt.Errorf("%w: nil dataset", ErrFormat)
	}
	switch {
	case d.N < 1 || d.Channels < 1 || d.Height < 1 || d.Width < 1:
		return fmt.Errorf("%w: %d images of %d×%d×%d", ErrFormat, d.N, d.Channels, d.Height, d.Width)
	case int64(d.N) > maxBytes/int64(d.Channels)/int64(d.Height)/int64(d.Width):
		return fmt.Errorf("%w: %d images of %d×%d×%d are more than %d bytes", ErrFormat, d.N, d.Channels, d.Height, d.Width, maxBytes)
	case d.Classes < 2:
		return fmt.Errorf("%w: %d classes", ErrFormat, d.Classes)
	case len(d.Pixels) != d.N*d.imageSize():
		return fmt.Errorf("%w: %d pixel bytes for %d images of %d", ErrFormat, len(d.Pixels), d.N, d.imageSize())
	case len(d.Labels) != d.N:
		return fmt.Errorf("%w: %d labels for %d images", ErrFormat, len(d.Labels), d.N)
	}
	for i, l := range d.Labels {
		if int(l) >= d.Classes {
			return fmt.Errorf("%w: image %d has label %d, expected 0…%d", ErrFormat, i, l, d.Classes-1)
		}
	}
	return nil
}

// Head returns the first n images (all of them if n ≥ N), sharing memory.
// It fails if n < 1 or d is not valid.
func (d *Dataset) Head(n int) (*Dataset, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("auxdata: Head(%d): need at least one image", n)
	}
	n = min(n, d.N)
	e := *d
	e.N = n
	e.Pixels = d.Pixels[:n*d.imageSize()]
	e.Labels = d.Labels[:n]
	return &e, nil
}

// Images are a dataset prepared for training: square, float32, normalised.
type Images struct {
	// N images of Size×Size×Channels.
	N, Channels, Size, Classes int
	// Data holds image i at [i·S·S·C, (i+1)·S·S·C) in channels-last (HWC)
	// order, the layout the target network's convolutions read.
	Data []float32
	// Labels holds the class of each image.
	Labels []int
	// Mean and Std are the per-channel statistics (of the scaled pixels in
	// [0,1]) that were subtracted and divided out.
	Mean, Std []float64
}

// Prepare scales every image to size×size by area averaging (each output
// pixel is the mean of the input area it covers, so 32→8 is a 4×4 average
// pool and 28→8 weighs partly covered pixels by their overlap), maps pixels
// to [0,1] and normalises each channel to zero mean and unit variance over
// the whole set.
//
// It fails if size is outside 1…max(Height, Width) or d is not valid.
func (d *Dataset) Prepare(size int) (*Images, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if size < 1 || size > max(d.Height, d.Width) {
		return nil, fmt.Errorf("auxdata: image size %d not in 1…%d", size, max(d.Height, d.Width))
	}
	C, S := d.Channels, size
	im := &Images{N: d.N, Channels: C, Size: S, Classes: d.Classes,
		Data: make([]float32, d.N*S*S*C), Labels: make([]int, d.N)}
	ry, rx := areaWeights(d.Height, S), areaWeights(d.Width, S)
	tmp := make([]float64, S*d.Width)
	sum, sq := make([]float64, C), make([]float64, C)
	for i := 0; i < d.N; i++ {
		im.Labels[i] = int(d.Labels[i])
		src := d.Pixels[i*d.imageSize() : (i+1)*d.imageSize()]
		dst := im.Data[i*S*S*C : (i+1)*S*S*C]
		for c := 0; c < C; c++ {
			plane := src[c*d.Height*d.Width : (c+1)*d.Height*d.Width]
			// Rows first: tmp (S × W) = Ry · plane, then columns.
			clear(tmp)
			for _, w := range ry {
				for x := 0; x < d.Width; x++ {
					tmp[w.out*d.Width+x] += w.w * float64(plane[w.in*d.Width+x])
				}
			}
			for y := 0; y < S; y++ {
				for ox := 0; ox < S; ox++ {
					dst[(y*S+ox)*C+c] = 0
				}
				for _, w := range rx {
					dst[(y*S+w.out)*C+c] += float32(w.w * tmp[y*d.Width+w.in] / 255)
				}
				for ox := 0; ox < S; ox++ {
					v := float64(dst[(y*S+ox)*C+c])
					sum[c] += v
					sq[c] += v * v
				}
			}
		}
	}
	n := float64(d.N * S * S)
	im.Mean, im.Std = make([]float64, C), make([]float64, C)
	for c := 0; c < C; c++ {
		m := sum[c] / n
		v := sq[c]/n - m*m
		im.Mean[c], im.Std[c] = m, math.Sqrt(max(v, 0))
		if im.Std[c] < 1e-6 { // a constant channel: centre it only
			im.Std[c] = 1
		}
	}
	for k := range im.Data {
		c := k % C
		im.Data[k] = float32((float64(im.Data[k]) - im.Mean[c]) / im.Std[c])
	}
	return im, nil
}

type areaWeight struct {
	in, out int
	w       float64
}

// areaWeights is the sparse (out × in) matrix of area averaging from n
// samples to m: output i covers input [i·n/m, (i+1)·n/m), each input sample
// weighted by its overlap, normalised to sum 1.
func areaWeights(n, m int) []areaWeight {
	var ws []areaWeight
	scale := float64(n) / float64(m)
	for i := 0; i < m; i++ {
		lo, hi := float64(i)*scale, float64(i+1)*scale
		for j := int(lo); j < n && float64(j) < hi; j++ {
			ov := math.Min(hi, float64(j+1)) - math.Max(lo, float64(j))
			if ov > 1e-12 {
				ws = append(ws, areaWeight{in: j, out: i, w: ov / scale})
			}
		}
	}
	return ws
}

// ImageLen is the number of values of one image (Size·Size·Channels).
func (im *Images) ImageLen() int {
	if im == nil {
		return 0
	}
	return im.Size * im.Size * im.Channels
}

// validate checks that im's arrays match its sizes: Images made by Prepare
// do, a literal or an edited one may not.
func (im *Images) validate() error {
	switch {
	case im == nil:
		return errors.New("auxdata: nil Images")
	case im.N < 1 || im.Channels < 1 || im.Size < 1 || im.Classes < 2:
		return fmt.Errorf("auxdata: %d images of %d×%d×%d in %d classes", im.N, im.Size, im.Size, im.Channels, im.Classes)
	case int64(im.N) > maxBytes/int64(im.ImageLen()) || len(im.Data) != im.N*im.ImageLen() || len(im.Labels) != im.N:
		return fmt.Errorf("auxdata: %d values and %d labels for %d images of %d values", len(im.Data), len(im.Labels), im.N, im.ImageLen())
	}
	for i, l := range im.Labels {
		if l < 0 || l >= im.Classes {
			return fmt.Errorf("auxdata: image %d has label %d, expected 0…%d", i, l, im.Classes-1)
		}
	}
	return nil
}

// Iterator serves the images in a seeded random order, reshuffled after
// every pass.
type Iterator struct {
	im   *Images
	rng  *rand.Rand
	perm []int
	pos  int
	// Passes counts the completed passes over the set.
	Passes int
}

// Iterator returns an iterator over the images; the same rng seed gives the
// same sequence of batches. It fails if rng is nil or im is not valid.
func (im *Images) Iterator(rng *rand.Rand) (*Iterator, error) {
	if err := im.validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("auxdata: Iterator with a nil random source")
	}
	it := &Iterator{im: im, rng: rng, perm: make([]int, im.N)}
	for i := range it.perm {
		it.perm[i] = i
	}
	it.shuffle()
	return it, nil
}

func (it *Iterator) shuffle() {
	it.rng.Shuffle(len(it.perm), func(i, j int) { it.perm[i], it.perm[j] = it.perm[j], it.perm[i] })
	it.pos = 0
}

// Next fills labels with the next len(labels) images' classes and pixels
// with their values (len(labels)·ImageLen() of them), in HWC order.
func (it *Iterator) Next(pixels []float32, labels []int) error {
	if it == nil || it.im == nil || it.rng == nil {
		return errors.New("auxdata: Iterator not made by Images.Iterator")
	}
	L := it.im.ImageLen()
	if len(pixels) != len(labels)*L {
		return fmt.Errorf("auxdata: %d pixel values for %d images of %d", len(pixels), len(labels), L)
	}
	for k := range labels {
		if it.pos == len(it.perm) {
			it.Passes++
			it.shuffle()
		}
		i := it.perm[it.pos]
		it.pos++
		labels[k] = it.im.Labels[i]
		copy(pixels[k*L:(k+1)*L], it.im.Data[i*L:(i+1)*L])
	}
	return nil
}
