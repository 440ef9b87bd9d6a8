package nasbench101

import (
	"errors"
	"testing"

	"github.com/hypernas/go-hypernas/searchspace"
)

// FuzzParse checks that Parse never panics, that every error is a
// *searchspace.ParseError wrapping a sentinel and pointing into the string, and that
// what parses is a valid cell that formats back to the same string.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"1:IO", "100101:I3MO", "110011:I1MO", "110011:IM1O", "1100001101:I333O",
		"111110100001000100101:I33333O", "001000:I31O", "0:IO", "", ":", "1x:IO", "é:IO",
		"100000100001000100101:I33333O", "101101101101101101101:IM1M3MO",
	} {
		f.Add(s)
	}
	s := New()
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Parse(in)
		if err != nil {
			var pe *searchspace.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %T is not a *searchspace.ParseError", in, err)
			}
			if !errors.Is(err, searchspace.ErrParse) && !errors.Is(err, searchspace.ErrInvalidArch) {
				t.Fatalf("Parse(%q): %v wraps no sentinel", in, err)
			}
			if pe.Offset < 0 || pe.Offset > len(in) {
				t.Fatalf("Parse(%q): offset %d outside the string", in, pe.Offset)
			}
			return
		}
		if got := c.String(); got != in {
			t.Fatalf("Parse(%q).String() = %q", in, got)
		}
		if err := s.Validate(c); err != nil {
			t.Fatalf("Parse(%q) is invalid: %v", in, err)
		}
		d, err := Parse(c.String())
		if err != nil || d != c {
			t.Fatalf("re-parse of %q: %v, %v", in, d, err)
		}
	})
}
