package packed

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Column is one named column of a table.
type Column struct {
	Name   string
	Values []float64
}

// ErrFormat reports data that is not a packed table (or a damaged one).
var ErrFormat = errors.New("packed: bad packed table")

// magic starts every packed table (after decompression); the last byte is
// the format version.
const magic = "HNPK\x01"

// Limits that keep a damaged header from asking for absurd allocations.
const (
	maxRows    = 1 << 24
	maxColumns = 1 << 12
	maxName    = 1 << 10
	maxKey     = 1 << 16
	maxScale   = 40
	maxBytes   = 1 << 30 // decompressed
	// maxDecimal bounds the scaled integers, so that differences of two
	// of them and their zigzag form fit in 64 bits.
	maxDecimal = 1 << 61
)

// The forms of a column.
const (
	formDecimal = iota // integers n, value n/10^scale
	formDelta          // the same, stored as differences from the previous row
	formFloat32        // float32 bits
	formFloat64        // float64 bits
)

// Table is what a packed table holds: optional row keys (architecture
// strings) and named columns of one length each.
type Table struct {
	// Keys are the rows' keys, or nil for a table without them (one that
	// shares the keys of another, such as a latency table).
	Keys    []string
	Columns []Column
}

// Rows is the number of rows: the length of the keys or of the columns.
func (t Table) Rows() int {
	switch {
	case t.Keys != nil:
		return len(t.Keys)
	case len(t.Columns) > 0:
		return len(t.Columns[0].Values)
	}
	return 0
}

// Encode writes t as one gzip-compressed packed table. Every value, NaN
// and signed zero included, decodes to the same float64 bits.
func Encode(w io.Writer, t Table) error {
	rows := t.Rows()
	switch {
	case len(t.Columns) > maxColumns:
		return fmt.Errorf("packed: %d columns, at most %d", len(t.Columns), maxColumns)
	case rows > maxRows:
		return fmt.Errorf("packed: %d rows, at most %d", rows, maxRows)
	}
	var raw bytes.Buffer
	raw.WriteString(magic)
	raw.Write(binary.AppendUvarint(nil, uint64(rows)))
	if t.Keys == nil {
		raw.WriteByte(0)
	} else {
		raw.WriteByte(1)
		for _, k := range t.Keys {
			if len(k) > maxKey {
				return fmt.Errorf("packed: key of %d bytes, at most %d", len(k), maxKey)
			}
			raw.Write(binary.AppendUvarint(nil, uint64(len(k))))
			raw.WriteString(k)
		}
	}
	raw.Write(binary.AppendUvarint(nil, uint64(len(t.Columns))))
	for _, c := range t.Columns {
		switch {
		case len(c.Values) != rows:
			return fmt.Errorf("packed: column %q has %d values for %d rows", c.Name, len(c.Values), rows)
		case c.Name == "" || len(c.Name) > maxName:
			return fmt.Errorf("packed: column name %q: want 1 to %d bytes", c.Name, maxName)
		}
		raw.Write(binary.AppendUvarint(nil, uint64(len(c.Name))))
		raw.WriteString(c.Name)
		form, scale, width, words := choose(c.Values)
		raw.Write([]byte{byte(form), byte(scale), byte(width)})
		for b := range width { // byte planes
			for _, u := range words {
				raw.WriteByte(byte(u >> (8 * b)))
			}
		}
	}
	return compress(w, raw.Bytes())
}

// compress writes raw gzip-compressed, with an empty gzip header so that
// the same input always gives the same bytes.
func compress(w io.Writer, raw []byte) error {
	bw := bufio.NewWriter(w)
	zw, err := gzip.NewWriterLevel(bw, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(raw); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// decompress reads gzip-compressed data whole.
func decompress(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if len(raw) > maxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrFormat, maxBytes)
	}
	return raw, nil
}

// choose picks the form that stores vals in the fewest bytes per value, and
// returns the words to store.
func choose(vals []float64) (form, scale, width int, words []uint64) {
	form, width = formFloat64, 8
	words = make([]uint64, len(vals))
	for i, v := range vals {
		words[i] = math.Float64bits(v)
	}
	if n, d, ok := decimals(vals); ok {
		plain, delta := make([]uint64, len(n)), make([]uint64, len(n))
		prev := int64(0)
		for i, x := range n {
			plain[i], delta[i] = zigzag(x), zigzag(x-prev)
			prev = x
		}
		if w := widthOf(plain); w < width {
			form, scale, width, words = formDecimal, d, w, plain
		}
		if w := widthOf(delta); w < width {
			form, scale, width, words = formDelta, d, w, delta
		}
	}
	if width > 4 && isFloat32(vals) {
		form, scale, width = formFloat32, 0, 4
		for i, v := range vals {
			words[i] = uint64(math.Float32bits(float32(v)))
		}
	}
	return form, scale, width, words
}

// decimals writes every value as n/10^d with one d for the column, when
// each value is exactly the float64 nearest to such a decimal (as the
// shortest decimal that reads back as the value always is).
func decimals(vals []float64) ([]int64, int, bool) {
	digits := make([]int64, len(vals))
	frac := make([]int, len(vals))
	d := 0
	for i, v := range vals {
		var ok bool
		if digits[i], frac[i], ok = shortest(v); !ok {
			return nil, 0, false
		}
		d = max(d, frac[i])
	}
	if d > maxScale {
		return nil, 0, false
	}
	for i, v := range vals {
		n := digits[i]
		for range d - frac[i] {
			if n > maxDecimal/10 || n < -maxDecimal/10 {
				return nil, 0, false
			}
			n *= 10
		}
		if math.Float64bits(decimal(n, d)) != math.Float64bits(v) {
			return nil, 0, false
		}
		digits[i] = n
	}
	return digits, d, true
}

// shortest returns v as digits·10^-frac from its shortest decimal form,
// with frac ≥ 0.
func shortest(v float64) (digits int64, frac int, ok bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, 0, false
	}
	s := strconv.FormatFloat(v, 'e', -1, 64) // -d.ddde±xx
	mant, exp, _ := strings.Cut(s, "e")
	e, err := strconv.Atoi(exp)
	if err != nil {
		return 0, 0, false
	}
	whole, fracPart, _ := strings.Cut(mant, ".")
	n, err := strconv.ParseInt(whole+fracPart, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	frac = len(fracPart) - e
	for ; frac < 0; frac++ {
		if n > maxDecimal/10 || n < -maxDecimal/10 {
			return 0, 0, false
		}
		n *= 10
	}
	return n, frac, true
}

var pow10 = func() (p [23]float64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// decimal is the float64 nearest to n·10^-d. When n and 10^d are both
// exact in float64, one correctly rounded division gives it; otherwise
// strconv does.
func decimal(n int64, d int) float64 {
	if d < len(pow10) && n < 1<<53 && n > -1<<53 {
		return float64(n) / pow10[d]
	}
	v, _ := strconv.ParseFloat(strconv.FormatInt(n, 10)+"e-"+strconv.Itoa(d), 64)
	return v
}

func isFloat32(vals []float64) bool {
	for _, v := range vals {
		if math.Float64bits(float64(float32(v))) != math.Float64bits(v) {
			return false
		}
	}
	return true
}

func zigzag(x int64) uint64   { return uint64(x<<1) ^ uint64(x>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// widthOf is the number of bytes the largest word needs.
func widthOf(words []uint64) int {
	var all uint64
	for _, u := range words {
		all |= u
	}
	w := 0
	for ; all != 0; all >>= 8 {
		w++
	}
	return w
}

// Decode reads a packed table written by Encode. A damaged or truncated
// one is an error wrapping ErrFormat.
func Decode(data []byte) (Table, error) {
	raw, err := decompress(data)
	if err != nil {
		return Table{}, err
	}
	r := &reader{buf: raw}
	if string(r.next(len(magic))) != magic {
		return Table{}, fmt.Errorf("%w: not a packed table (no %q header)", ErrFormat, magic[:4])
	}
	var t Table
	rows := r.uvarint(maxRows)
	if keyed := r.next(1); r.err == nil && keyed[0] == 1 {
		t.Keys = make([]string, 0, min(rows, len(r.buf)))
		for range rows {
			t.Keys = append(t.Keys, string(r.next(r.uvarint(maxKey))))
		}
	} else if r.err == nil && keyed[0] != 0 {
		return Table{}, fmt.Errorf("%w: bad key flag %d", ErrFormat, keyed[0])
	}
	ncols := r.uvarint(maxColumns)
	if r.err != nil {
		return Table{}, r.err
	}
	t.Columns = make([]Column, 0, min(ncols, len(r.buf)))
	for k := range ncols {
		c, err := r.column(rows)
		if err != nil {
			return Table{}, fmt.Errorf("%w (column %d)", err, k)
		}
		t.Columns = append(t.Columns, c)
	}
	if len(r.buf) != 0 {
		return Table{}, fmt.Errorf("%w: %d bytes after the last column", ErrFormat, len(r.buf))
	}
	return t, nil
}

// column reads one column of rows values.
func (r *reader) column(rows int) (Column, error) {
	name := string(r.next(r.uvarint(maxName)))
	hdr := r.next(3)
	if r.err != nil {
		return Column{}, r.err
	}
	form, scale, width := int(hdr[0]), int(hdr[1]), int(hdr[2])
	want := 8
	switch form {
	case formDecimal, formDelta:
		want = width
		if scale > maxScale {
			return Column{}, fmt.Errorf("%w: column %q: scale %d", ErrFormat, name, scale)
		}
	case formFloat32:
		want = 4
	case formFloat64:
	default:
		return Column{}, fmt.Errorf("%w: column %q: unknown form %d", ErrFormat, name, form)
	}
	if width != want || width > 8 {
		return Column{}, fmt.Errorf("%w: column %q: width %d", ErrFormat, name, width)
	}
	planes := r.next(rows * width)
	if r.err != nil {
		return Column{}, r.err
	}
	vals := make([]float64, rows)
	prev := int64(0)
	for i := range vals {
		var u uint64
		for b := range width {
			u |= uint64(planes[b*rows+i]) << (8 * b)
		}
		switch form {
		case formDecimal, formDelta:
			n := unzigzag(u)
			if form == formDelta {
				n += prev
				prev = n
			}
			if n >= maxDecimal || n <= -maxDecimal {
				return Column{}, fmt.Errorf("%w: column %q, row %d: value out of range", ErrFormat, name, i)
			}
			vals[i] = decimal(n, scale)
		case formFloat32:
			vals[i] = float64(math.Float32frombits(uint32(u)))
		default:
			vals[i] = math.Float64frombits(u)
		}
	}
	return Column{Name: name, Values: vals}, nil
}

// reader reads the decompressed bytes, recording the first problem.
type reader struct {
	buf []byte
	err error
}

func (r *reader) next(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.buf) {
		r.err = fmt.Errorf("%w: truncated", ErrFormat)
		return nil
	}
	b := r.buf[:n]
	r.buf = r.buf[n:]
	return b
}

func (r *reader) uvarint(limit int) int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.buf)
	if n <= 0 || v > uint64(limit) {
		r.err = fmt.Errorf("%w: bad count", ErrFormat)
		return 0
	}
	r.buf = r.buf[n:]
	return int(v)
}
