package cifar10data_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/hypernas/auxdata/cifar10data"
	"github.com/hypernas/go-hypernas/internal/datadir"
)

func TestLoad(t *testing.T) {
	d, err := cifar10data.Load()
	require.NoError(t, err)
	require.NoError(t, d.Validate())
	assert.Equal(t, 4000, d.N)
	assert.Equal(t, 3, d.Channels)
	assert.Equal(t, cifar10data.ImageSize, d.Height)
	assert.Equal(t, cifar10data.ImageSize, d.Width)
	assert.Equal(t, 10, d.Classes)
	assert.Equal(t, "frog", cifar10data.Classes[d.Labels[0]], "the first image of data_batch_1")
	counts := make([]int, 10)
	for _, l := range d.Labels {
		counts[l]++
	}
	for c, n := range counts {
		assert.Greater(t, n, 300, "class %d", c)
	}
	im, err := d.Prepare(8)
	require.NoError(t, err)
	// Natural images: red, green, blue means of CIFAR-10 are near 0.49, 0.48, 0.45.
	assert.InDelta(t, 0.49, im.Mean[0], 0.03)
	assert.InDelta(t, 0.48, im.Mean[1], 0.03)
	assert.InDelta(t, 0.45, im.Mean[2], 0.03)
	_, err = d.Prepare(16)
	assert.Error(t, err, "8×8 images cannot be scaled up")
}

// TestMatchesFile checks the built-in images against the original file,
// when it is at hand: the same labels, every pixel the rounded mean of its
// 4×4 block, and the prepared (normalised) images within half a grey level.
func TestMatchesFile(t *testing.T) {
	orig, err := auxdata.ReadCIFAR10Files(filepath.Join(datadir.Dir(t), "cifar10", "train_4000.bin"))
	require.NoError(t, err)
	d, err := cifar10data.Load()
	require.NoError(t, err)
	require.Equal(t, orig.Labels, d.Labels)
	const side, k = 8, 4
	for p := 0; p < orig.N*orig.Channels; p++ {
		plane := orig.Pixels[p*32*32 : (p+1)*32*32]
		for y := range side {
			for x := range side {
				s := 0
				for dy := range k {
					for dx := range k {
						s += int(plane[(k*y+dy)*32+k*x+dx])
					}
				}
				require.Equal(t, byte((s+8)/16), d.Pixels[p*side*side+y*side+x], "plane %d, pixel (%d, %d)", p, x, y)
			}
		}
	}
	want, err := orig.Prepare(8)
	require.NoError(t, err)
	got, err := d.Prepare(8)
	require.NoError(t, err)
	for c := range 3 {
		assert.InDelta(t, want.Mean[c], got.Mean[c], 0.5/255)
	}
	for i := range want.Data {
		require.InDelta(t, want.Data[i], got.Data[i], 0.6/255/want.Std[i%3], "value %d", i)
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cifar10data.Load(); err != nil {
			b.Fatal(err)
		}
	}
}
