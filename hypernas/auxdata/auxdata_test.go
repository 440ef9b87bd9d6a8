package auxdata

import (
	"bytes"
	"compress/gzip"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FashionDir is where Debian's dataset-fashion-mnist package installs
// Fashion-MNIST.
const fashionDir = "/usr/share/datasets/fashion-mnist"

func fashionFiles(t testing.TB) (string, string) {
	t.Helper()
	img, lab := filepath.Join(fashionDir, "t10k-images-idx3-ubyte.gz"), filepath.Join(fashionDir, "t10k-labels-idx1-ubyte.gz")
	for _, p := range []string{img, lab} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("Fashion-MNIST is not installed (%v): apt-get install dataset-fashion-mnist", err)
		}
	}
	return img, lab
}

func synthetic(rng *rand.Rand, n, c, h, w, classes int) *Dataset {
	d := &Dataset{Name: "synthetic", N: n, Channels: c, Height: h, Width: w, Classes: classes,
		Pixels: make([]byte, n*c*h*w), Labels: make([]byte, n)}
	for i := range d.Pixels {
		d.Pixels[i] = byte(rng.IntN(256))
	}
	for i := range d.Labels {
		d.Labels[i] = byte(rng.IntN(classes))
	}
	return d
}

func TestFashionReal(t *testing.T) {
	img, lab := fashionFiles(t)
	d, err := ReadIDXFiles(img, lab)
	require.NoError(t, err)
	assert.Equal(t, 10000, d.N)
	assert.Equal(t, 10, d.Classes)
	assert.Equal(t, 28, d.Height)
	head, err := d.Head(500)
	require.NoError(t, err)
	im, err := head.Prepare(8)
	require.NoError(t, err)
	assert.Equal(t, 500, im.N)
	assert.Equal(t, 64, im.ImageLen())
}

func TestCorrupt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := synthetic(rng, 3, 3, 32, 32, 10)
	var cifar bytes.Buffer
	require.NoError(t, WriteCIFAR10(&cifar, d))
	g := synthetic(rng, 4, 1, 5, 6, 3)
	var gi, gl bytes.Buffer
	require.NoError(t, WriteIDX(&gi, &gl, g))
	badLabel := bytes.Clone(cifar.Bytes())
	badLabel[cifarRecord] = 10
	badMagic := bytes.Clone(gi.Bytes())
	badMagic[3] = 0x02
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(gi.Bytes())
	require.NoError(t, zw.Close())
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	cases := []struct {
		name string
		read func() error
		want string
	}{
		{"cifar truncated", func() error {
			_, err := ReadCIFAR10Files(write("t.bin", cifar.Bytes()[:cifar.Len()-100]))
			return err
		}, "record 2 at byte 6146 is truncated"},
		{"cifar empty", func() error { _, err := ReadCIFAR10Files(write("e.bin", nil)); return err }, "no CIFAR-10 records"},
		{"cifar label", func() error { _, err := ReadCIFAR10Files(write("l.bin", badLabel)); return err }, "record 1 at byte 3073 has label 10"},
		{"idx truncated", func() error {
			_, err := ReadIDXFiles(write("i", gi.Bytes()[:gi.Len()-1]), write("l", gl.Bytes()))
			return err
		}, "truncated: 119 of 120 data bytes"},
		{"idx header", func() error { _, err := ReadIDXFiles(write("i", gi.Bytes()[:6]), write("l", gl.Bytes())); return err }, "header truncated"},
		{"idx magic", func() error { _, err := ReadIDXFiles(write("i", badMagic), write("l", gl.Bytes())); return err }, "magic number"},
		{"idx swapped", func() error { _, err := ReadIDXFiles(write("i", gl.Bytes()), write("l", gi.Bytes())); return err }, "magic number"},
		{"idx count", func() error {
			_, err := ReadIDXFiles(write("i", gi.Bytes()), write("l", gl.Bytes()[:gl.Len()-1]))
			return err
		}, "label file is truncated"},
		{"idx trailing", func() error {
			_, err := ReadIDXFiles(write("i", append(bytes.Clone(gi.Bytes()), 0)), write("l", gl.Bytes()))
			return err
		}, "data after"},
		{"gzip truncated", func() error {
			_, err := ReadIDXFiles(write("i.gz", gz.Bytes()[:gz.Len()-12]), write("l", gl.Bytes()))
			return err
		}, "IDX image file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.read()
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrFormat)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	// The gzip-compressed file itself reads like the plain one.
	zd, err := ReadIDX(bytes.NewReader(gz.Bytes()), bytes.NewReader(gl.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, g.Pixels, zd.Pixels)
	_, err = ReadCIFAR10Files(filepath.Join(dir, "missing.bin"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestPrepare(t *testing.T) {
	// One 4×4 two-channel image and a constant one: 4→2 is a 2×2 mean.
	d := &Dataset{N: 2, Channels: 2, Height: 4, Width: 4, Classes: 2, Labels: []byte{1, 0}, Pixels: make([]byte, 64)}
	for k := 0; k < 32; k++ {
		d.Pixels[k] = byte(k * 5)
	}
	im, err := d.Prepare(2)
	require.NoError(t, err)
	// Channel 0 of image 0, top-left 2×2 block: pixels 0,1,4,5 → mean 2.5·5/255.
	raw := func(v float32, c int) float64 { return float64(v)*im.Std[c] + im.Mean[c] }
	assert.InDelta(t, 2.5*5/255, raw(im.Data[0], 0), 1e-6)
	// Channel 1 (plane offset 16), bottom-right block: 16+10,11,14,15.
	assert.InDelta(t, 28.5*5/255, raw(im.Data[(1*2+1)*2+1], 1), 1e-6)
	for c := 0; c < 2; c++ {
		var s, sq float64
		for k := c; k < len(im.Data); k += 2 {
			s += float64(im.Data[k])
			sq += float64(im.Data[k]) * float64(im.Data[k])
		}
		assert.InDelta(t, 0, s/8, 1e-5)
		assert.InDelta(t, 1, sq/8, 1e-5)
	}
	assert.Equal(t, []int{1, 0}, im.Labels)
	// Area weights of a non-integer factor sum to one per output.
	for _, nm := range [][2]int{{28, 8}, {32, 8}, {7, 3}, {3, 7}} {
		sum := make([]float64, nm[1])
		for _, w := range areaWeights(nm[0], nm[1]) {
			sum[w.out] += w.w
		}
		for i, s := range sum {
			assert.InDelta(t, 1, s, 1e-12, "%v output %d", nm, i)
		}
	}
	_, err = d.Prepare(5)
	assert.Error(t, err)
	_, err = d.Prepare(0)
	assert.Error(t, err)
}

func TestIterator(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	d := synthetic(rng, 10, 1, 4, 4, 10)
	for i := range d.Labels {
		d.Labels[i] = byte(i) // label = index, to follow the order
	}
	im, err := d.Prepare(2)
	require.NoError(t, err)
	draw := func(seed uint64) []int {
		it, err := im.Iterator(rand.New(rand.NewPCG(seed, 0)))
		require.NoError(t, err)
		var all []int
		px, lab := make([]float32, 3*im.ImageLen()), make([]int, 3)
		for k := 0; k < 10; k++ {
			require.NoError(t, it.Next(px, lab))
			all = append(all, lab...)
		}
		assert.Equal(t, 2, it.Passes, "the third pass is still open")
		return all
	}
	a, b, c := draw(1), draw(1), draw(2)
	assert.Equal(t, a, b, "same seed, same order")
	assert.NotEqual(t, a, c)
	seen := map[int]int{}
	for _, l := range a[:10] {
		seen[l]++
	}
	assert.Len(t, seen, 10, "a pass visits every image once")
	it, err := im.Iterator(rng)
	require.NoError(t, err)
	assert.Error(t, it.Next(make([]float32, 3), make([]int, 1)))
}

func FuzzReadCIFAR10(f *testing.F) {
	var b bytes.Buffer
	_ = WriteCIFAR10(&b, synthetic(rand.New(rand.NewPCG(1, 1)), 2, 3, 32, 32, 10))
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:100])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadCIFAR10(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out bytes.Buffer
		require.NoError(t, WriteCIFAR10(&out, d))
		require.Equal(t, data, out.Bytes(), "formats back to the same bytes")
		d2, err := ReadCIFAR10(bytes.NewReader(out.Bytes()))
		require.NoError(t, err)
		require.Equal(t, d, d2)
	})
}

func FuzzReadIDX(f *testing.F) {
	var gi, gl bytes.Buffer
	_ = WriteIDX(&gi, &gl, synthetic(rand.New(rand.NewPCG(1, 1)), 3, 1, 2, 3, 4))
	f.Add(gi.Bytes(), gl.Bytes())
	f.Add(gi.Bytes()[:10], gl.Bytes())
	f.Add([]byte{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 0, 0, 1}, gl.Bytes())
	f.Fuzz(func(t *testing.T, img, lab []byte) {
		d, err := ReadIDX(bytes.NewReader(img), bytes.NewReader(lab))
		if err != nil {
			return
		}
		var oi, ol bytes.Buffer
		require.NoError(t, WriteIDX(&oi, &ol, d))
		if len(img) < 2 || img[0] != 0x1f || img[1] != 0x8b { // gzip input re-encodes uncompressed
			require.Equal(t, img, oi.Bytes())
		}
		require.Equal(t, lab, ol.Bytes())
		d2, err := ReadIDX(bytes.NewReader(oi.Bytes()), bytes.NewReader(ol.Bytes()))
		require.NoError(t, err)
		require.Equal(t, d, d2)
	})
}

func TestAreaWeightsExact(t *testing.T) {
	ws := areaWeights(32, 8)
	assert.Len(t, ws, 32)
	for _, w := range ws {
		assert.Equal(t, w.in/4, w.out)
		assert.InDelta(t, 0.25, w.w, 1e-12)
	}
	assert.False(t, math.IsNaN(ws[0].w))
}
