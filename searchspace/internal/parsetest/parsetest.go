package parsetest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Column is the 1-based character column of the first at in s, plus off
// characters; one past the end of s (plus off) when at is "". A marker
// missing from s is a bug in the test, reported as column 0.
func Column(s, at string, off int) int {
	if at == "" {
		return utf8.RuneCountInString(s) + 1 + off
	}
	i := strings.Index(s, at)
	if i < 0 {
		return 0
	}
	return utf8.RuneCountInString(s[:i]) + 1 + off
}

// Check fails t unless err is a *searchspace.ParseError about input s, of
// the kind what ("nb201 arch"), at column col, whose message contains msg,
// that wraps searchspace.ErrParse, and that wraps
// searchspace.ErrInvalidArch exactly when invalid.
func Check(t testing.TB, err error, what, s string, col int, msg string, invalid bool) {
	t.Helper()
	var pe *searchspace.ParseError
	if !errors.As(err, &pe) {
		t.Errorf("error %v (%T) is not a *searchspace.ParseError", err, err)
		return
	}
	text := err.Error()
	if pe.Input != s {
		t.Errorf("ParseError.Input is %q, want %q", pe.Input, s)
	}
	if pe.Column() != col {
		t.Errorf("column %d, want %d: %s", pe.Column(), col, text)
	}
	want := fmt.Sprintf(": column %d: ", col)
	if utf8.RuneCountInString(s) <= 100 { // short input is quoted whole
		want = what + " " + strconv.Quote(s) + want
	}
	if !strings.Contains(text, what+" ") || !strings.Contains(text, want) {
		t.Errorf("error %q does not contain %q", text, want)
	}
	if !strings.Contains(text, msg) {
		t.Errorf("error %q does not contain %q", text, msg)
	}
	if !errors.Is(err, searchspace.ErrParse) {
		t.Errorf("error %q does not wrap ErrParse", text)
	}
	if got := errors.Is(err, searchspace.ErrInvalidArch); got != invalid {
		t.Errorf("error %q wraps ErrInvalidArch: %v, want %v", text, got, invalid)
	}
}
