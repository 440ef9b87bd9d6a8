package csvutil

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"strconv"
	"strings"
)

// ErrEmpty reports a CSV without even a header line.
var ErrEmpty = errors.New("CSV is empty, expected a header line")

// Header reads the header line: each name trimmed of surrounding blanks, a
// UTF-8 byte-order mark before the first dropped, and no name twice.
func Header(cr *csv.Reader) ([]string, error) {
	header, err := cr.Read()
	if err == io.EOF {
		return nil, ErrEmpty
	}
	if err != nil {
		return nil, err
	}
	header = append([]string(nil), header...) // the reader may reuse the record
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if seen[h] {
			return nil, fmt.Errorf("line 1: column %q appears twice", h)
		}
		seen[h] = true
	}
	return header, nil
}

// Float reads one metric value: a finite number, surrounding blanks
// allowed. The error says what the text is and why it is refused; the
// caller adds the line and column.
func Float(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	switch {
	case err != nil && strings.TrimSpace(s) == "":
		return 0, fmt.Errorf("%q is not a finite number (the cell is empty)", s)
	case err != nil:
		return 0, fmt.Errorf("%q is not a finite number", s)
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("%q is not a finite number (NaN and infinities are not allowed: fix the value or leave the row out)", s)
	}
	return v, nil
}

// ReadFile opens path and reads it with read; errors of read name the file.
func ReadFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// Row is one CSV record and the line it starts on.
type Row struct {
	Line   int
	Fields []string
}

// Rows yields the records left in cr with their lines; a read error ends
// the sequence, yielded with a zero Row.
func Rows(cr *csv.Reader) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(Row{}, err)
				return
			}
			line, _ := cr.FieldPos(0)
			if !yield(Row{line, rec}, nil) {
				return
			}
		}
	}
}
