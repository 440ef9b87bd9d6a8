package csvutil

import (
	"encoding/csv"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/internal/datadir"
)

func TestHeader(t *testing.T) {
	h, err := Header(csv.NewReader(strings.NewReader("\ufeff a ,b\t,\" c\"\n1,2,3\n")))
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, h)
	_, err = Header(csv.NewReader(strings.NewReader("")))
	assert.ErrorIs(t, err, ErrEmpty)
	_, err = Header(csv.NewReader(strings.NewReader("a, a\n")))
	assert.EqualError(t, err, `line 1: column "a" appears twice`)
}

func TestFloat(t *testing.T) {
	for in, want := range map[string]float64{"1": 1, " -2.5 ": -2.5, "1e-3": 1e-3, "0x1p-2": 0.25} {
		v, err := Float(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, v, in)
	}
	for in, msg := range map[string]string{
		"":      `"" is not a finite number (the cell is empty)`,
		"  ":    `"  " is not a finite number (the cell is empty)`,
		"high":  `"high" is not a finite number`,
		"NaN":   `"NaN" is not a finite number (NaN and infinities are not allowed`,
		"-inf":  `"-inf" is not a finite number (NaN and infinities`,
		"1e400": `"1e400" is not a finite number`,
	} {
		_, err := Float(in)
		assert.ErrorContains(t, err, msg, in)
	}
}

func TestRows(t *testing.T) {
	cr := csv.NewReader(strings.NewReader("a\n1\n\"x\ny\"\n3\n"))
	_, err := cr.Read()
	require.NoError(t, err)
	var lines []int
	for row, err := range Rows(cr) {
		require.NoError(t, err)
		lines = append(lines, row.Line)
		if row.Fields[0] == "3" {
			break
		}
	}
	assert.Equal(t, []int{2, 3, 5}, lines)
	for _, err := range Rows(csv.NewReader(strings.NewReader("a,b\n1\n"))) {
		if err != nil {
			assert.ErrorContains(t, err, "wrong number of fields")
		}
	}
}

func TestReadFile(t *testing.T) {
	path := datadir.WriteFile(t, t.TempDir(), "f", "text")
	got, err := ReadFile(path, func(r io.Reader) (string, error) { b, err := io.ReadAll(r); return string(b), err })
	require.NoError(t, err)
	assert.Equal(t, "text", got)
	_, err = ReadFile(path, func(io.Reader) (int, error) { return 0, errors.New("bad") })
	assert.EqualError(t, err, path+": bad")
	_, err = ReadFile(path+"x", func(io.Reader) (int, error) { return 0, nil })
	assert.ErrorIs(t, err, fs.ErrNotExist)
}
