package searchspace

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseError is the error of every built-in space's parser: where in the
// text the problem is, what was found there and what was expected. It wraps
// ErrParse, and also ErrInvalidArch when Invalid is set. Spaces of your own
// may return it too.
//
//	var pe *searchspace.ParseError
//	if errors.As(err, &pe) {
//		fmt.Println(pe.Column(), pe.Found, pe.Expected)
//	}
type ParseError struct {
	// What names the kind of text, e.g. "nb201 arch" or "darts genotype".
	What string
	// Input is the text given to the parser.
	Input string
	// Offset is the byte offset of the problem in Input; len(Input) when
	// the text ended too early.
	Offset int
	// Found says what is at Offset, e.g. `unknown op "conv"` or "3 modules".
	// When empty, Error describes the character at Offset ('+', or end of
	// string).
	Found string
	// Expected says what should be there instead, e.g. "'|' to open node 2".
	Expected string
	// Invalid marks well-formed text that names an architecture outside the
	// space (an op the space does not have, a broken rule of the space):
	// the error then wraps ErrInvalidArch as well as ErrParse.
	Invalid bool
}

// Column is the 1-based position, in characters, of Offset in Input: one
// past the last character when the text ended too early.
func (e *ParseError) Column() int {
	if e == nil {
		return 0
	}
	return utf8.RuneCountInString(e.Input[:e.offset()]) + 1
}

func (e *ParseError) offset() int { return min(max(e.Offset, 0), len(e.Input)) }

// found is Found, or when Found is empty a description of the character at
// Offset: the quoted character, or "end of string".
func (e *ParseError) found() string {
	if e.Found != "" {
		return e.Found
	}
	off := e.offset()
	if off == len(e.Input) {
		return "end of string"
	}
	r, _ := utf8.DecodeRuneInString(e.Input[off:])
	return strconv.QuoteRune(r)
}

// maxShown is the number of characters of Input an error message quotes;
// longer input is cut around the problem.
const maxShown = 120

// Error reads, for example,
//
//	parse error: nb201 arch "|nor_conv_3x3~0|+|conv~0|": column 19: found unknown op "conv", expected none, skip_connect, nor_conv_1x1, nor_conv_3x3 or avg_pool_3x3
func (e *ParseError) Error() string {
	if e == nil {
		return "<nil>"
	}
	var b strings.Builder
	if e.Invalid {
		b.WriteString(ErrInvalidArch.Error())
	} else {
		b.WriteString(ErrParse.Error())
	}
	b.WriteString(": ")
	if e.What != "" {
		b.WriteString(e.What)
		b.WriteByte(' ')
	}
	b.WriteString(strconv.Quote(e.shown()))
	b.WriteString(": column ")
	b.WriteString(strconv.Itoa(e.Column()))
	b.WriteString(": found ")
	b.WriteString(e.found())
	if e.Expected != "" {
		b.WriteString(", expected ")
		b.WriteString(e.Expected)
	}
	return b.String()
}

// shown is Input, cut to about maxShown characters around Offset when it
// is longer, with "..." where text is left out; Column still counts in the
// whole Input.
func (e *ParseError) shown() string {
	n := utf8.RuneCountInString(e.Input)
	if n <= maxShown {
		return e.Input
	}
	r := []rune(e.Input)
	col := e.Column() - 1
	lo := max(0, min(col-maxShown/2, n-maxShown))
	hi := lo + maxShown
	s := string(r[lo:hi])
	if lo > 0 {
		s = "..." + s
	}
	if hi < n {
		s += "..."
	}
	return s
}

// Unwrap makes errors.Is hold for ErrParse and, when Invalid is set, for
// ErrInvalidArch.
func (e *ParseError) Unwrap() []error {
	if e == nil {
		return nil
	}
	if e.Invalid {
		return []error{ErrParse, ErrInvalidArch}
	}
	return []error{ErrParse}
}
