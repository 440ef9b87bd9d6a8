package searchspace

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseError(t *testing.T) {
	tests := []struct {
		name string
		err  *ParseError
		want string
		col  int
	}{
		{"found and expected", &ParseError{What: "nb201 arch", Input: "|conv~0|", Offset: 1, Found: `unknown op "conv"`, Expected: "none or skip_connect"},
			`parse error: nb201 arch "|conv~0|": column 2: found unknown op "conv", expected none or skip_connect`, 2},
		{"the character at the offset", &ParseError{What: "x", Input: "ab+c", Offset: 2, Expected: "'|'"},
			`parse error: x "ab+c": column 3: found '+', expected '|'`, 3},
		{"end of string", &ParseError{What: "x", Input: "ab", Offset: 2, Expected: "more"},
			`parse error: x "ab": column 3: found end of string, expected more`, 3},
		{"columns count characters", &ParseError{What: "x", Input: "éé!", Offset: 4},
			`parse error: x "éé!": column 3: found '!'`, 3},
		{"invalid", &ParseError{What: "cell", Input: "1:IO", Found: "no path", Expected: "a path", Invalid: true},
			`invalid architecture: cell "1:IO": column 1: found no path, expected a path`, 1},
		{"no what", &ParseError{Input: "", Expected: "a cell"},
			`parse error: "": column 1: found end of string, expected a cell`, 1},
		{"offset out of range", &ParseError{Input: "abc", Offset: 99}, `parse error: "abc": column 4: found end of string`, 4},
		{"negative offset", &ParseError{Input: "abc", Offset: -5}, `parse error: "abc": column 1: found 'a'`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
			assert.Equal(t, tt.col, tt.err.Column())
			assert.ErrorIs(t, tt.err, ErrParse)
			assert.Equal(t, tt.err.Invalid, errors.Is(tt.err, ErrInvalidArch))
		})
	}
}

func TestParseErrorCutsLongInput(t *testing.T) {
	long := strings.Repeat("a", 500) + "!" + strings.Repeat("b", 5000)
	e := &ParseError{What: "x", Input: long, Offset: 500, Expected: "a letter"}
	msg := e.Error()
	assert.Less(t, len(msg), 300)
	assert.Contains(t, msg, `"...aaaa`, "the text around the problem is shown")
	assert.Contains(t, msg, `aaaa!bbbb`)
	assert.Contains(t, msg, `bbb...": column 501: found '!'`)
	// At the start, only the end is cut.
	e.Offset = 0
	assert.True(t, strings.HasPrefix(e.Error(), `parse error: x "aaa`), e.Error())
	// At the end, only the start is cut.
	e.Offset = len(long)
	assert.Contains(t, e.Error(), `bbbb": column 5502: found end of string`)
}
