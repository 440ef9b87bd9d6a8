package packed

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// imageMagic starts a packed image set (after decompression).
const imageMagic = "HNIM\x01"

// Images is a labelled image set with byte pixels: image i at
// Pixels[i·C·H·W:], channel planes one after another, each row by row (the
// layout of auxdata.Dataset, whose fields these are).
type Images struct {
	N, Channels, Height, Width, Classes int
	Labels, Pixels                      []byte
}

func (d *Images) check() error {
	switch {
	case d.N < 1 || d.Channels < 1 || d.Height < 1 || d.Width < 1 || d.Classes < 1 || d.Classes > 256:
		return fmt.Errorf("%d images of %d×%d×%d, %d classes", d.N, d.Channels, d.Height, d.Width, d.Classes)
	case len(d.Labels) != d.N || len(d.Pixels) != d.N*d.Channels*d.Height*d.Width:
		return fmt.Errorf("%d labels and %d pixels for %d images of %d×%d×%d", len(d.Labels), len(d.Pixels), d.N, d.Channels, d.Height, d.Width)
	}
	for i, l := range d.Labels {
		if int(l) >= d.Classes {
			return fmt.Errorf("image %d has label %d, %d classes", i, l, d.Classes)
		}
	}
	return nil
}

// EncodeImages writes an image set compactly: its labels, then each
// image's channel planes with every pixel replaced by its difference (mod
// 256) from the mean of its left and upper neighbours, which gzip
// compresses better than the pixels themselves.
func EncodeImages(w io.Writer, d *Images) error {
	if d == nil {
		return errors.New("packed: EncodeImages of nil images")
	}
	if err := d.check(); err != nil {
		return fmt.Errorf("packed: %w", err)
	}
	var raw bytes.Buffer
	raw.WriteString(imageMagic)
	for _, v := range []int{d.N, d.Channels, d.Height, d.Width, d.Classes} {
		raw.Write(binary.AppendUvarint(nil, uint64(v)))
	}
	raw.Write(d.Labels)
	px := bytes.Clone(d.Pixels)
	for p := 0; p < len(px); p += d.Height * d.Width {
		plane := px[p : p+d.Height*d.Width]
		for i := len(plane) - 1; i >= 0; i-- { // backwards: predictions read the original pixels
			plane[i] -= predict(plane, i, d.Width)
		}
	}
	raw.Write(px)
	return compress(w, raw.Bytes())
}

// predict is the prediction of pixel i of a plane of the given width from
// its left and upper neighbours.
func predict(plane []byte, i, width int) byte {
	x, y := i%width, i/width
	switch {
	case x > 0 && y > 0:
		return byte((int(plane[i-1]) + int(plane[i-width])) / 2)
	case x > 0:
		return plane[i-1]
	case y > 0:
		return plane[i-width]
	}
	return 0
}

// DecodeImages reads an image set written by EncodeImages. A damaged or
// truncated one is an error wrapping ErrFormat.
func DecodeImages(data []byte) (*Images, error) {
	raw, err := decompress(data)
	if err != nil {
		return nil, err
	}
	r := &reader{buf: raw}
	if string(r.next(len(imageMagic))) != imageMagic {
		return nil, fmt.Errorf("%w: not a packed image set (no %q header)", ErrFormat, imageMagic[:4])
	}
	const limit = 1 << 24
	d := &Images{N: r.uvarint(limit), Channels: r.uvarint(limit), Height: r.uvarint(limit), Width: r.uvarint(limit), Classes: r.uvarint(256)}
	if r.err != nil {
		return nil, r.err
	}
	size := d.Channels * d.Height * d.Width
	if d.N < 1 || size < 1 || size > limit || d.N > len(raw)/size {
		return nil, fmt.Errorf("%w: %d images of %d×%d×%d in %d bytes", ErrFormat, d.N, d.Channels, d.Height, d.Width, len(raw))
	}
	d.Labels = bytes.Clone(r.next(d.N))
	d.Pixels = bytes.Clone(r.next(d.N * size))
	if r.err != nil {
		return nil, r.err
	}
	if len(r.buf) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the pixels", ErrFormat, len(r.buf))
	}
	for p := 0; p < len(d.Pixels); p += d.Height * d.Width {
		plane := d.Pixels[p : p+d.Height*d.Width]
		for i := range plane {
			plane[i] += predict(plane, i, d.Width)
		}
	}
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return d, nil
}
