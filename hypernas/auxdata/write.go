package auxdata

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// WriteCIFAR10 writes a dataset of 3×32×32 images in the CIFAR-10 binary
// format that ReadCIFAR10 reads.
func WriteCIFAR10(w io.Writer, d *Dataset) error {
	if w == nil {
		return errors.New("auxdata: WriteCIFAR10 to a nil writer")
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Channels != 3 || d.Height != cifarSide || d.Width != cifarSide || d.Classes > cifarClasses {
		return fmt.Errorf("auxdata: CIFAR-10 holds 3×32×32 images of ≤ 10 classes, not %d×%d×%d of %d", d.Channels, d.Height, d.Width, d.Classes)
	}
	rec := make([]byte, cifarRecord)
	for i := 0; i < d.N; i++ {
		rec[0] = d.Labels[i]
		copy(rec[1:], d.Pixels[i*cifarPixels:(i+1)*cifarPixels])
		if _, err := w.Write(rec); err != nil {
			return err
		}
	}
	return nil
}

// WriteIDX writes a one-channel dataset as an IDX image file and an IDX
// label file (uncompressed) that ReadIDX reads.
func WriteIDX(images, labels io.Writer, d *Dataset) error {
	if images == nil || labels == nil {
		return errors.New("auxdata: WriteIDX to a nil writer")
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Channels != 1 {
		return fmt.Errorf("auxdata: IDX image files hold one channel, not %d", d.Channels)
	}
	if int64(d.N) > math.MaxUint32 || int64(d.Height) > math.MaxUint32 || int64(d.Width) > math.MaxUint32 {
		return fmt.Errorf("auxdata: IDX sizes are 32-bit, not %d images of %d×%d", d.N, d.Height, d.Width)
	}
	for _, part := range []struct {
		w    io.Writer
		head []uint32
		data []byte
	}{
		{images, []uint32{idxImages, uint32(d.N), uint32(d.Height), uint32(d.Width)}, d.Pixels},
		{labels, []uint32{idxLabels, uint32(d.N)}, d.Labels},
	} {
		if err := binary.Write(part.w, binary.BigEndian, part.head); err != nil {
			return err
		}
		if _, err := part.w.Write(part.data); err != nil {
			return err
		}
	}
	return nil
}
