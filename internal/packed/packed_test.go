package packed

import (
	"bytes"
	"compress/gzip"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTrip encodes and decodes cols, checks every value bit for bit and
// returns the decompressed header of each column's form.
func roundTrip(t *testing.T, in Table) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, in))
	got, err := Decode(buf.Bytes())
	require.NoError(t, err)
	require.Equal(t, in.Keys, got.Keys)
	require.Len(t, got.Columns, len(in.Columns))
	for k, c := range in.Columns {
		g := got.Columns[k]
		require.Equal(t, c.Name, g.Name)
		require.Len(t, g.Values, len(c.Values))
		for i, v := range c.Values {
			require.Equal(t, math.Float64bits(v), math.Float64bits(g.Values[i]), "column %q row %d: %v decoded as %v", c.Name, i, v, g.Values[i])
		}
	}
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 2000
	cols := map[string]func(i int) float64{
		"index":    func(i int) float64 { return float64(i) },
		"percent8": func(int) float64 { return parse(t, strconv.FormatFloat(100*rng.Float64(), 'f', 8, 64)) },
		"percent2": func(int) float64 { return parse(t, strconv.FormatFloat(100*rng.Float64(), 'f', 2, 64)) },
		"mixed":    func(int) float64 { return parse(t, strconv.FormatFloat(100*rng.Float64(), 'g', 1+rng.IntN(17), 64)) },
		"float32":  func(int) float64 { return float64(float32(rng.NormFloat64())) },
		"float64":  func(int) float64 { return rng.NormFloat64() * 1e6 },
		"counts":   func(int) float64 { return float64(rng.IntN(2_000_000)) },
		"negative": func(int) float64 { return -float64(rng.IntN(100)) / 8 },
		"huge":     func(int) float64 { return math.Ldexp(rng.Float64(), rng.IntN(2000)-1000) },
		"zeros":    func(int) float64 { return 0 },
		"specials": func(i int) float64 {
			return []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0, math.MaxFloat64, math.SmallestNonzeroFloat64, -1e8}[i%8]
		},
		"large ints": func(int) float64 { return float64(rng.Int64N(1 << 62)) },
	}
	in := Table{Keys: make([]string, n)}
	for i := range in.Keys {
		in.Keys[i] = strconv.Itoa(i * i)
	}
	for name, f := range cols {
		c := Column{Name: name, Values: make([]float64, n)}
		for i := range c.Values {
			c.Values[i] = f(i)
		}
		in.Columns = append(in.Columns, c)
	}
	roundTrip(t, in)
	in.Keys = nil
	roundTrip(t, in)
	roundTrip(t, Table{})
	roundTrip(t, Table{Keys: []string{}})
	roundTrip(t, Table{Columns: []Column{{Name: "empty"}}})
}

func parse(t *testing.T, s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err)
	return v
}

// TestForms checks that each kind of column gets the compact form meant
// for it.
func TestForms(t *testing.T) {
	idx, pct, f32, f64 := make([]float64, 300), make([]float64, 300), make([]float64, 300), make([]float64, 300)
	for i := range idx {
		idx[i] = float64(i)
		pct[i] = float64(i%100) + 0.25
		f32[i] = float64(float32(1) / float32(i+3))
		f64[i] = 1 / float64(i+3)
	}
	cases := []struct {
		vals               []float64
		form, width, scale int
	}{
		{idx, formDelta, 1, 0},
		{pct, formDecimal, 2, 2},
		{f32, formFloat32, 4, 0},
		{f64, formFloat64, 8, 0},
	}
	for _, c := range cases {
		form, scale, width, _ := choose(c.vals)
		assert.Equal(t, c.form, form)
		assert.Equal(t, c.width, width)
		assert.Equal(t, c.scale, scale)
	}
	// Digits past float64's precision, as CSV files write them, still
	// read back as the same value.
	for _, s := range []string{"85.86333333333334", "0.9304887652397156", "52.91333329467773", "1e-300", "123456789012345678"} {
		v := parse(t, s)
		roundTrip(t, Table{Columns: []Column{{Name: s, Values: []float64{v, v / 3, -v}}}})
	}
}

func TestEncodeErrors(t *testing.T) {
	var buf bytes.Buffer
	assert.ErrorContains(t, Encode(&buf, Table{Columns: []Column{{Name: "a", Values: []float64{1}}, {Name: "b"}}}), `column "b" has 0 values for 1 rows`)
	assert.ErrorContains(t, Encode(&buf, Table{Keys: []string{"x"}, Columns: []Column{{Name: "a"}}}), `column "a" has 0 values for 1 rows`)
	assert.ErrorContains(t, Encode(&buf, Table{Columns: []Column{{Name: ""}}}), "column name")
}

func TestDecodeErrors(t *testing.T) {
	var good bytes.Buffer
	require.NoError(t, Encode(&good, Table{Columns: []Column{{Name: "a", Values: []float64{1, 2.5, 3}}, {Name: "b", Values: []float64{1e300, 2, 3}}}}))
	raw := gunzip(t, good.Bytes())
	cases := map[string][]byte{
		"not gzip":       []byte("HNPK\x01"),
		"truncated gzip": good.Bytes()[:good.Len()-5],
		"bad magic":      gz(t, append([]byte("XNPK\x01"), raw[5:]...)),
		"truncated":      gz(t, raw[:len(raw)-3]),
		"trailing":       gz(t, append(bytes.Clone(raw), 0)),
		"bad form":       gz(t, patch(raw, 10, 9)),
		"bad key flag":   gz(t, patch(raw, 6, 2)),
		"bad width":      gz(t, patch(raw, 12, 9)),
		"huge rows":      gz(t, append([]byte("HNPK\x01\xff\xff\xff\xff\x0f"), raw[5:]...)),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Decode(data)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrFormat)
		})
	}
}

func patch(b []byte, at int, v byte) []byte {
	b = bytes.Clone(b)
	b[at] = v
	return b
}

func gz(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func gunzip(t testing.TB, b []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	var out bytes.Buffer
	_, err = out.ReadFrom(zr)
	require.NoError(t, err)
	return out.Bytes()
}

func FuzzDecode(f *testing.F) {
	var good bytes.Buffer
	_ = Encode(&good, Table{Keys: []string{"x", "y", ""}, Columns: []Column{{Name: "a", Values: []float64{1, 2.5, 3}}, {Name: "b", Values: []float64{math.NaN(), 2, float64(float32(0.1))}}}})
	f.Add(good.Bytes())
	f.Add(gunzip(f, good.Bytes()))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Decode(data)
		if err != nil {
			return
		}
		// Whatever decodes encodes again to the same values.
		roundTrip(t, tab)
	})
}

func BenchmarkDecode(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	cols := make([]Column, 8)
	for k := range cols {
		cols[k] = Column{Name: strconv.Itoa(k), Values: make([]float64, 15625)}
		for i := range cols[k].Values {
			cols[k].Values[i], _ = strconv.ParseFloat(strconv.FormatFloat(100*rng.Float64(), 'f', 2+2*k, 64), 64)
		}
	}
	var buf bytes.Buffer
	require.NoError(b, Encode(&buf, Table{Columns: cols}))
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(buf.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}
