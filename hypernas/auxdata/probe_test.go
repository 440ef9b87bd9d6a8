package auxdata

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/hypernas/go-hypernas/internal/apicheck"
	"github.com/stretchr/testify/require"
)

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestNoPanics calls every exported function and method with zero,
// negative, nil, mismatched and out-of-range arguments: each returns an
// error (or, marked "(ok)", a harmless zero result) and none panics.
func TestNoPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := synthetic(rng, 4, 1, 4, 4, 3)
	im, err := d.Prepare(2)
	require.NoError(t, err)
	it, err := im.Iterator(rng)
	require.NoError(t, err)
	short := *d
	short.Pixels = short.Pixels[:5]
	huge := &Dataset{N: 1 << 40, Channels: 1 << 20, Height: 1 << 20, Width: 1 << 20, Classes: 2}
	badIm := *im
	badIm.Data = badIm.Data[:3]
	badLabel := *im
	badLabel.Labels = []int{0, 1, 2, 9}
	errOf := func(_ any, err error) error { return err }

	apicheck.Run(t, ".", map[string]func() error{
		"Dataset.Validate/nil":         func() error { return (*Dataset)(nil).Validate() },
		"Dataset.Validate/zero":        func() error { return (&Dataset{}).Validate() },
		"Dataset.Validate/short":       func() error { return short.Validate() },
		"Dataset.Validate/overflow":    func() error { return huge.Validate() },
		"Dataset.Head/-1":              func() error { return errOf(d.Head(-1)) },
		"Dataset.Head/0":               func() error { return errOf(d.Head(0)) },
		"Dataset.Head/nil":             func() error { return errOf((*Dataset)(nil).Head(2)) },
		"Dataset.Head/short":           func() error { return errOf(short.Head(2)) },
		"Dataset.Head/above N (ok)":    func() error { _, err := d.Head(100); return err },
		"Dataset.Prepare/0":            func() error { return errOf(d.Prepare(0)) },
		"Dataset.Prepare/-3":           func() error { return errOf(d.Prepare(-3)) },
		"Dataset.Prepare/too large":    func() error { return errOf(d.Prepare(5)) },
		"Dataset.Prepare/nil":          func() error { return errOf((*Dataset)(nil).Prepare(2)) },
		"Images.ImageLen/nil (ok)":     func() error { _ = (*Images)(nil).ImageLen(); return nil },
		"Images.Iterator/nil rng":      func() error { return errOf(im.Iterator(nil)) },
		"Images.Iterator/nil images":   func() error { return errOf((*Images)(nil).Iterator(rng)) },
		"Images.Iterator/zero images":  func() error { return errOf((&Images{}).Iterator(rng)) },
		"Images.Iterator/short data":   func() error { return errOf(badIm.Iterator(rng)) },
		"Images.Iterator/bad label":    func() error { return errOf(badLabel.Iterator(rng)) },
		"Iterator.Next/wrong length":   func() error { return it.Next(make([]float32, 3), make([]int, 1)) },
		"Iterator.Next/nil":            func() error { return (*Iterator)(nil).Next(nil, nil) },
		"Iterator.Next/zero":           func() error { return (&Iterator{}).Next(nil, nil) },
		"Iterator.Next/no labels (ok)": func() error { return it.Next(nil, nil) },
		"ReadCIFAR10/nil reader":       func() error { return errOf(ReadCIFAR10(nil)) },
		"ReadCIFAR10/empty":            func() error { return errOf(ReadCIFAR10(bytes.NewReader(nil))) },
		"ReadCIFAR10Files/none":        func() error { return errOf(ReadCIFAR10Files()) },
		"ReadCIFAR10Files/empty name":  func() error { return errOf(ReadCIFAR10Files("")) },
		"ReadIDX/nil readers":          func() error { return errOf(ReadIDX(nil, nil)) },
		"ReadIDX/empty":                func() error { return errOf(ReadIDX(bytes.NewReader(nil), bytes.NewReader(nil))) },
		"ReadIDXFiles/empty names":     func() error { return errOf(ReadIDXFiles("", "")) },
		"WriteCIFAR10/nil writer":      func() error { return WriteCIFAR10(nil, d) },
		"WriteCIFAR10/nil dataset":     func() error { return WriteCIFAR10(&bytes.Buffer{}, nil) },
		"WriteCIFAR10/not CIFAR":       func() error { return WriteCIFAR10(&bytes.Buffer{}, d) },
		"WriteIDX/nil writers":         func() error { return WriteIDX(nil, nil, d) },
		"WriteIDX/nil dataset":         func() error { return WriteIDX(&bytes.Buffer{}, &bytes.Buffer{}, nil) },
		"WriteIDX/failing writer":      func() error { return WriteIDX(failWriter{}, failWriter{}, d) },
	})
}
