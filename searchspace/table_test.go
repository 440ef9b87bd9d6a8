package searchspace

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadCSVColumnsAndLookup(t *testing.T) {
	in := "id,arch,acc,lat\n0,a,90.5,3\n1,b, 91 ,4.25\n"
	tb, err := ReadCSV(strings.NewReader(in), CSVOptions{Metrics: []string{"acc", "lat"}})
	require.NoError(t, err)
	assert.Equal(t, 2, tb.Len())
	assert.Equal(t, []string{"acc", "lat"}, tb.Metrics())
	v, err := tb.Lookup("a", "acc")
	require.NoError(t, err)
	assert.Equal(t, 90.5, v)
	v, err = tb.Lookup("b", "acc")
	require.NoError(t, err)
	assert.Equal(t, 91.0, v, "blanks around a number are fine")
	col, err := tb.Column("lat")
	require.NoError(t, err)
	assert.Equal(t, []float64{3, 4.25}, col)
	_, err = tb.Lookup("zz", "acc")
	assert.ErrorIs(t, err, ErrNoSuchArch)
	_, err = tb.Column("nope")
	assert.ErrorContains(t, err, `no metric "nope"`)
	r, ok := tb.Row("b")
	assert.True(t, ok)
	assert.Equal(t, 1, r)
	key, err := tb.Arch(1)
	require.NoError(t, err)
	assert.Equal(t, "b", key)
	for _, i := range []int{-1, 2, 1 << 40} {
		_, err := tb.Arch(i)
		assert.ErrorIs(t, err, ErrNoSuchArch, "row %d", i)
		_, err = tb.Value(i, "acc")
		assert.ErrorIs(t, err, ErrNoSuchArch, "row %d", i)
	}
}

func TestReadCSVHeader(t *testing.T) {
	// A byte-order mark and blanks around names are not part of the names.
	tb, err := ReadCSV(strings.NewReader("\ufeffarch , acc\t,\" lat \"\na,1,2\n"), CSVOptions{Metrics: []string{"acc", "lat"}})
	require.NoError(t, err)
	v, err := tb.Lookup("a", "lat")
	require.NoError(t, err)
	assert.Equal(t, 2.0, v)
	// A missing column is quoted, so that invisible differences show.
	_, err = ReadCSV(strings.NewReader("arch,acc\u200b\na,1\n"), CSVOptions{Metrics: []string{"acc"}})
	assert.ErrorContains(t, err, `no column "acc" in header ["arch" "acc\u200b"]`)
	_, err = ReadCSV(strings.NewReader("Arch,acc\na,1\n"), CSVOptions{})
	assert.ErrorContains(t, err, `no key column "arch" in header ["Arch" "acc"]`)
	_, err = ReadCSV(strings.NewReader("arch, x,x \n"), CSVOptions{})
	assert.ErrorContains(t, err, `column "x" appears twice`)
}

func TestReadCSVErrorsNameThePlace(t *testing.T) {
	cases := map[string]struct{ in, want string }{
		"empty":        {"", "empty"},
		"no key":       {"a,b\n1,2\n", `no key column "arch"`},
		"dup column":   {"arch,x,x\n", `column "x" appears twice`},
		"not a number": {"arch,x\na,1\nb,zz\n", `line 3, column 2 (x): "zz" is not a finite number`},
		"infinite":     {"arch,x\na,+Inf\n", `line 2, column 2 (x): "+Inf" is not a finite number (NaN and infinities are not allowed`},
		"NaN":          {"arch,x,y\na,1,NaN\n", `line 2, column 3 (y): "NaN" is not a finite number (NaN and infinities are not allowed`},
		"nan":          {"arch,x\na,1\nb, nan\n", `line 3, column 2 (x): " nan" is not a finite number`},
		"empty cell":   {"arch,x\na,\n", `line 2, column 2 (x): "" is not a finite number (the cell is empty)`},
		"dup arch":     {"arch,x\na,1\na,2\n", `line 3: searchspace: architecture "a" is already in the table`},
		"short row":    {"arch,x\na\n", "wrong number of fields"},
	}
	for name, c := range cases {
		_, err := ReadCSV(strings.NewReader(c.in), CSVOptions{})
		require.Error(t, err, name)
		assert.ErrorIs(t, err, ErrParse, name)
		assert.ErrorContains(t, err, c.want, name)
	}
	_, err := ReadCSV(strings.NewReader("arch,x\nbad,1\n"), CSVOptions{Canonical: func(s string) (string, error) {
		return "", errors.Join(ErrParse, ErrInvalidArch)
	}})
	assert.ErrorIs(t, err, ErrInvalidArch, "the key's own error survives")
	assert.ErrorContains(t, err, "line 2, column 1 (arch)")
	_, err = ReadCSVFile(filepath.Join(t.TempDir(), "missing.csv"), CSVOptions{})
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = ReadCSV(nil, CSVOptions{})
	assert.ErrorIs(t, err, ErrParse)
}

func TestReadCSVIgnore(t *testing.T) {
	tb, err := ReadCSV(strings.NewReader("note,arch,acc\nhello,a,1\n"), CSVOptions{Ignore: []string{"note", "absent"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"acc"}, tb.Metrics())
}

func TestWriteCSVRoundTrip(t *testing.T) {
	tb, err := NewTable("acc", "lat")
	require.NoError(t, err)
	require.NoError(t, tb.Append("x,with comma", 1.5, 0.1))
	require.NoError(t, tb.Append("y", -2, 1e-9))
	assert.Error(t, tb.Append("z", 1), "wrong value count")
	var buf bytes.Buffer
	require.NoError(t, tb.WriteCSV(&buf, "name"))
	back, err := ReadCSV(&buf, CSVOptions{Key: "name"})
	require.NoError(t, err)
	assert.Equal(t, tb.Archs(), back.Archs())
	for _, m := range tb.Metrics() {
		a, _ := tb.Column(m)
		b, _ := back.Column(m)
		assert.Equal(t, a, b)
	}
}

// FuzzReadCSV: any input either fails with ErrParse or gives a table that
// writes back to CSV and reads again to the same table.
func FuzzReadCSV(f *testing.F) {
	f.Add("arch,x,y\na,1,2\nb,3.5,-1e3\n")
	f.Add("arch,x\n\"q,uoted\",1e300\n")
	f.Add("\ufeff arch ,x\na,NaN\n")
	f.Add("x,arch\n1,a\n")
	f.Fuzz(func(t *testing.T, in string) {
		tb, err := ReadCSV(strings.NewReader(in), CSVOptions{})
		if err != nil {
			if !errors.Is(err, ErrParse) {
				t.Fatalf("error does not wrap ErrParse: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := tb.WriteCSV(&buf, "arch"); err != nil {
			t.Fatal(err)
		}
		back, err := ReadCSV(&buf, CSVOptions{})
		if err != nil {
			t.Fatalf("written table does not read back: %v\n%s", err, buf.String())
		}
		if strings.Join(back.Archs(), "\x00") != strings.Join(tb.Archs(), "\x00") {
			t.Fatalf("keys differ")
		}
		for _, m := range tb.Metrics() {
			a, _ := tb.Column(m)
			b, _ := back.Column(m)
			for i := range a {
				if a[i] != b[i] || math.IsNaN(a[i]) || math.IsInf(a[i], 0) {
					t.Fatalf("metric %s row %d: %v != %v", m, i, a[i], b[i])
				}
			}
		}
	})
}
