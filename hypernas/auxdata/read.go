package auxdata

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// CIFAR-10 binary layout: per record one label byte, then 32×32 red, green
// and blue planes, row by row.
const (
	cifarSide    = 32
	cifarPixels  = 3 * cifarSide * cifarSide
	cifarRecord  = 1 + cifarPixels
	cifarClasses = 10
)

// ReadCIFAR10 reads records in the official CIFAR-10 binary format
// (data_batch_*.bin, test_batch.bin) until the end of r. A partial last
// record or a label above 9 is an error naming the record and byte offset.
func ReadCIFAR10(r io.Reader) (*Dataset, error) {
	if r == nil {
		return nil, errors.New("auxdata: ReadCIFAR10 from a nil reader")
	}
	d := &Dataset{Name: "cifar10", Channels: 3, Height: cifarSide, Width: cifarSide, Classes: cifarClasses}
	br := bufio.NewReaderSize(r, 1<<16)
	rec := make([]byte, cifarRecord)
	for {
		n, err := io.ReadFull(br, rec)
		if err == io.EOF {
			break
		}
		if err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("%w: CIFAR-10 record %d at byte %d is truncated (%d of %d bytes)", ErrFormat, d.N, d.N*cifarRecord, n, cifarRecord)
		}
		if err != nil {
			return nil, fmt.Errorf("auxdata: reading CIFAR-10 record %d: %w", d.N, err)
		}
		if rec[0] >= cifarClasses {
			return nil, fmt.Errorf("%w: CIFAR-10 record %d at byte %d has label %d, expected 0…9", ErrFormat, d.N, d.N*cifarRecord, rec[0])
		}
		d.Labels = append(d.Labels, rec[0])
		d.Pixels = append(d.Pixels, rec[1:]...)
		d.N++
	}
	if d.N == 0 {
		return nil, fmt.Errorf("%w: no CIFAR-10 records", ErrFormat)
	}
	return d, nil
}

// ReadCIFAR10Files reads and concatenates CIFAR-10 binary files.
func ReadCIFAR10Files(paths ...string) (*Dataset, error) {
	if len(paths) == 0 {
		return nil, errors.New("auxdata: no CIFAR-10 files given")
	}
	var all *Dataset
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		d, err := ReadCIFAR10(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if all == nil {
			all = d
			continue
		}
		all.N += d.N
		all.Pixels = append(all.Pixels, d.Pixels...)
		all.Labels = append(all.Labels, d.Labels...)
	}
	return all, nil
}

// IDX magic numbers: two zero bytes, the type 0x08 (unsigned byte), the
// number of dimensions.
const (
	idxImages = 0x00000803
	idxLabels = 0x00000801
	// idxMaxBytes bounds what a header may announce, so that a corrupt
	// header cannot make the reader allocate gigabytes.
	idxMaxBytes = 1 << 30
)

// ReadIDX reads an IDX image file (magic 0x803: count × rows × columns
// bytes) and its IDX label file (magic 0x801), as used by MNIST and
// Fashion-MNIST. Gzip-compressed input is detected and decompressed. The
// images are one channel; Classes is one more than the largest label.
func ReadIDX(images, labels io.Reader) (*Dataset, error) {
	if images == nil || labels == nil {
		return nil, errors.New("auxdata: ReadIDX from a nil reader")
	}
	img, err := readIDX(images, idxImages, "image")
	if err != nil {
		return nil, err
	}
	lab, err := readIDX(labels, idxLabels, "label")
	if err != nil {
		return nil, err
	}
	if img.dims[0] != lab.dims[0] {
		return nil, fmt.Errorf("%w: IDX image file has %d images, label file %d labels", ErrFormat, img.dims[0], lab.dims[0])
	}
	d := &Dataset{Name: "idx", N: img.dims[0], Channels: 1, Height: img.dims[1], Width: img.dims[2], Pixels: img.data, Labels: lab.data}
	for _, l := range d.Labels {
		d.Classes = max(d.Classes, int(l)+1)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

// ReadIDXFiles reads an IDX image file and label file by path.
func ReadIDXFiles(imagesPath, labelsPath string) (*Dataset, error) {
	fi, err := os.Open(imagesPath)
	if err != nil {
		return nil, err
	}
	defer fi.Close()
	fl, err := os.Open(labelsPath)
	if err != nil {
		return nil, err
	}
	defer fl.Close()
	d, err := ReadIDX(fi, fl)
	if err != nil {
		return nil, fmt.Errorf("%s, %s: %w", imagesPath, labelsPath, err)
	}
	return d, nil
}

type idxFile struct {
	dims []int
	data []byte
}

func readIDX(r io.Reader, magic uint32, what string) (*idxFile, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: IDX %s file: gzip: %v", ErrFormat, what, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	var m uint32
	if err := binary.Read(br, binary.BigEndian, &m); err != nil {
		return nil, fmt.Errorf("%w: IDX %s file: header truncated at byte 0", ErrFormat, what)
	}
	if m != magic {
		return nil, fmt.Errorf("%w: IDX %s file: magic number %#08x at byte 0, expected %#08x", ErrFormat, what, m, magic)
	}
	nd := int(magic & 0xff)
	f := &idxFile{dims: make([]int, nd)}
	total := 1
	for i := range f.dims {
		var v uint32
		if err := binary.Read(br, binary.BigEndian, &v); err != nil {
			return nil, fmt.Errorf("%w: IDX %s file: header truncated at byte %d", ErrFormat, what, 4+4*i)
		}
		if v == 0 || v > idxMaxBytes || total*int(v) > idxMaxBytes {
			return nil, fmt.Errorf("%w: IDX %s file: dimension %d is %d at byte %d", ErrFormat, what, i, v, 4+4*i)
		}
		f.dims[i] = int(v)
		total *= int(v)
	}
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, br, int64(total))
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%w: IDX %s file: %v", ErrFormat, what, err)
	}
	if int(n) < total {
		return nil, fmt.Errorf("%w: IDX %s file is truncated: %d of %d data bytes after the %d-byte header", ErrFormat, what, n, total, 4+4*nd)
	}
	// The end must be a clean EOF: this also checks a gzip stream's
	// checksum, which is read only after the data.
	if _, err := br.ReadByte(); err == nil {
		return nil, fmt.Errorf("%w: IDX %s file has data after the %d announced bytes", ErrFormat, what, total)
	} else if err != io.EOF {
		return nil, fmt.Errorf("%w: IDX %s file: %v", ErrFormat, what, err)
	}
	f.data = buf.Bytes()
	return f, nil
}
