package packed

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

func TestBenchmark(t *testing.T) {
	space := nasbench201.New()
	tab, err := searchspace.NewTable("acc", "nan")
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range 50 {
		a := space.Sample(rng)
		if _, dup := tab.Row(a.String()); !dup {
			require.NoError(t, tab.Append(a.String(), float64(i)+0.5, math.NaN()))
		}
	}
	p, err := FromTable(tab, true)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, p))
	b, err := Benchmark(buf.Bytes(), space)
	require.NoError(t, err)
	assert.Equal(t, tab.Archs(), b.Table.Archs())
	assert.Equal(t, tab.Metrics(), b.Table.Metrics())
	for i, a := range b.Archs {
		require.Equal(t, tab.Archs()[i], a.String())
		v, _ := b.Table.Value(i, "acc")
		assert.Equal(t, float64(i)+0.5, v)
		v, _ = b.Table.Value(i, "nan")
		assert.True(t, math.IsNaN(v))
	}

	// Keys that are not architectures of the space, and a table without keys.
	buf.Reset()
	require.NoError(t, Encode(&buf, Table{Keys: []string{"|nope~0|"}, Columns: []Column{{Name: "acc", Values: []float64{1}}}}))
	_, err = Benchmark(buf.Bytes(), space)
	assert.ErrorIs(t, err, ErrFormat)
	assert.ErrorContains(t, err, "row 0")
	buf.Reset()
	require.NoError(t, Encode(&buf, Table{Columns: []Column{{Name: "acc", Values: []float64{1}}}}))
	_, err = Benchmark(buf.Bytes(), space)
	assert.ErrorContains(t, err, "no keys")
	buf.Reset()
	require.NoError(t, Encode(&buf, Table{Keys: []string{"a", "a"}, Columns: []Column{{Name: "acc", Values: []float64{1, 2}}}}))
	_, err = Benchmark(buf.Bytes(), space)
	assert.ErrorContains(t, err, "row 1")
}

func TestImages(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	d := &Images{N: 7, Channels: 3, Height: 5, Width: 4, Classes: 10, Pixels: make([]byte, 7*3*5*4), Labels: make([]byte, 7)}
	for i := range d.Pixels {
		d.Pixels[i] = byte(rng.IntN(256))
	}
	for i := range d.Labels {
		d.Labels[i] = byte(rng.IntN(10))
	}
	var buf bytes.Buffer
	require.NoError(t, EncodeImages(&buf, d))
	got, err := DecodeImages(buf.Bytes())
	require.NoError(t, err)
	assert.Equal(t, d, got)

	raw := gunzip(t, buf.Bytes())
	for name, data := range map[string][]byte{
		"table, not images": func() []byte { var b bytes.Buffer; _ = Encode(&b, Table{}); return b.Bytes() }(),
		"truncated":         gz(t, raw[:len(raw)-1]),
		"trailing":          gz(t, append(bytes.Clone(raw), 1)),
		"too many images":   gz(t, patch(raw, 5, 100)),
		"label too large":   gz(t, patch(raw, 10, 10)),
		"not gzip":          raw,
	} {
		_, err := DecodeImages(data)
		assert.ErrorIs(t, err, ErrFormat, name)
	}
	assert.Error(t, EncodeImages(&buf, &Images{}))
	assert.Error(t, EncodeImages(&buf, nil))
}
