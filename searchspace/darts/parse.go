package darts

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Parse reads a genotype in any of its three text forms, told apart by the
// first non-blank character:
//
//   - NAS-Bench-301's form, the one String writes:
//     normal=[(sep_conv_3x3,0),…];reduce=[…]
//   - DARTS's Python form (starts with "Genotype"), see ParsePython;
//   - NASLib's compact form (starts with "("), see ParseCompact.
//
// Blanks between tokens are allowed and op names may be quoted in every
// form. Errors are *searchspace.ParseError values naming the column of the
// problem, what was found there and what was expected; they wrap
// searchspace.ErrParse, and also searchspace.ErrInvalidArch when the text is
// well formed but names a genotype outside the space (op none, an input out
// of range, a node whose two inputs are equal).
func Parse(s string) (Genotype, error) {
	t := strings.TrimLeft(s, " \t\r\n")
	switch {
	case strings.HasPrefix(t, "Genotype"):
		return ParsePython(s)
	case strings.HasPrefix(t, "("):
		return ParseCompact(s)
	}
	p, err := newParser(s)
	if err != nil {
		return Genotype{}, err
	}
	var g Genotype
	for i, name := range [2]string{"normal", "reduce"} {
		if i > 0 {
			if err := p.expect(";", "between the normal and the reduce cell"); err != nil {
				return Genotype{}, err
			}
		}
		if err := p.expectIdent(name); err != nil {
			return Genotype{}, err
		}
		if err := p.expect("=", "after "+name); err != nil {
			return Genotype{}, err
		}
		c, err := p.cell(name)
		if err != nil {
			return Genotype{}, err
		}
		if i == 0 {
			g.Normal = c
		} else {
			g.Reduce = c
		}
	}
	return g, p.end()
}

// ParsePython reads DARTS's Python form of a genotype, the repr of its
// Genotype namedtuple:
//
//	Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), …], normal_concat=range(2, 6),
//	         reduce=[('max_pool_3x3', 0), …], reduce_concat=range(2, 6))
//
// The four keyword arguments may come in any order, each once; quotes may
// be single or double, and a trailing comma is allowed, as in Python. A
// concat is range(2, 6) or a list of 2, 3, 4, 5: this space's cells always
// concatenate all four intermediate nodes, so any other concat is an error.
func ParsePython(s string) (Genotype, error) {
	p, err := newParser(s)
	if err != nil {
		return Genotype{}, err
	}
	if err := p.expectIdent("Genotype"); err != nil {
		return Genotype{}, err
	}
	if err := p.expect("(", "after Genotype"); err != nil {
		return Genotype{}, err
	}
	var g Genotype
	seen := map[string]bool{}
	for !p.is(")") {
		if len(seen) > 0 {
			if err := p.expect(",", "between keyword arguments"); err != nil {
				return Genotype{}, err
			}
			if p.is(")") { // trailing comma
				break
			}
		}
		kw := p.peek()
		if kw.kind != tIdent {
			return Genotype{}, p.errorAt(kw, kw.String(), "a keyword argument ("+keywords+")")
		}
		switch kw.text {
		case "normal", "normal_concat", "reduce", "reduce_concat":
		default:
			return Genotype{}, p.errorAt(kw, fmt.Sprintf("unknown keyword argument %q", kw.text), keywords)
		}
		if seen[kw.text] {
			return Genotype{}, p.errorAt(kw, fmt.Sprintf("keyword argument %s a second time", kw.text), "each keyword argument once")
		}
		seen[kw.text] = true
		p.next()
		if err := p.expect("=", "after "+kw.text); err != nil {
			return Genotype{}, err
		}
		var err error
		switch kw.text {
		case "normal":
			g.Normal, err = p.cell("normal")
		case "reduce":
			g.Reduce, err = p.cell("reduce")
		default:
			err = p.concat(kw.text)
		}
		if err != nil {
			return Genotype{}, err
		}
	}
	closing := p.next() // ")"
	for _, kw := range [...]string{"normal", "normal_concat", "reduce", "reduce_concat"} {
		if !seen[kw] {
			return Genotype{}, p.errorAt(closing, closing.String(), "keyword argument "+kw+" before ')'")
		}
	}
	return g, p.end()
}

// ParseCompact reads NASLib's compact form (Genotype.Compact): a pair of
// cells, normal first, each a tuple of 8 (input, op index) pairs with op
// index into Ops, e.g. (((0,3),(1,3),…),((0,0),(1,1),…)).
func ParseCompact(s string) (Genotype, error) {
	p, err := newParser(s)
	if err != nil {
		return Genotype{}, err
	}
	var g Genotype
	if err := p.expect("(", "to open the genotype"); err != nil {
		return Genotype{}, err
	}
	for ci, name := range [2]string{"normal", "reduce"} {
		if ci > 0 {
			if err := p.expect(",", "between the normal and the reduce cell"); err != nil {
				return Genotype{}, err
			}
		}
		if err := p.expect("(", "to open the "+name+" cell"); err != nil {
			return Genotype{}, err
		}
		var c Cell
		var pos [NumEdges]token
		for i := range NumEdges {
			if i > 0 {
				if err := p.expect(",", fmt.Sprintf("after edge %d of the %s cell (a cell has %d edges)", i-1, name, NumEdges)); err != nil {
					return Genotype{}, err
				}
			}
			pos[i] = p.peek()
			if err := p.expect("(", fmt.Sprintf("to open edge %d of the %s cell", i, name)); err != nil {
				return Genotype{}, err
			}
			in, _, err := p.int("an input state")
			if err != nil {
				return Genotype{}, err
			}
			if err := p.expect(",", "between input and op index"); err != nil {
				return Genotype{}, err
			}
			op, opTok, err := p.int("an op index")
			if err != nil {
				return Genotype{}, err
			}
			if op >= NumOps {
				return Genotype{}, p.errorAt(opTok, fmt.Sprintf("op index %d", op), fmt.Sprintf("an op index 0..%d (%s)", NumOps-1, opList))
			}
			if err := p.expect(")", "to close the edge"); err != nil {
				return Genotype{}, err
			}
			c[i] = Edge{Op: Ops[op], Input: in}
		}
		if err := p.expect(")", fmt.Sprintf("to close the %s cell (a cell has %d edges)", name, NumEdges)); err != nil {
			return Genotype{}, err
		}
		if err := p.checkCell(c, pos, name); err != nil {
			return Genotype{}, err
		}
		if ci == 0 {
			g.Normal = c
		} else {
			g.Reduce = c
		}
	}
	if err := p.expect(")", "to close the genotype"); err != nil {
		return Genotype{}, err
	}
	return g, p.end()
}

// keywords are the keyword arguments of the Python form.
const keywords = "normal, normal_concat, reduce or reduce_concat"

// Tokens of the three forms.
type kind uint8

const (
	tEOF kind = iota
	tIdent
	tString // quoted; text holds the contents
	tInt
	tPunct
)

type token struct {
	kind kind
	text string
	pos  int // byte offset
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "end of text"
	case tString:
		return strconv.Quote(t.text) + " (quoted)"
	case tPunct:
		return "'" + t.text + "'"
	}
	return strconv.Quote(t.text)
}

type parser struct {
	s    string
	toks []token
	i    int
}

func newParser(s string) (*parser, error) {
	p := &parser{s: s}
	for pos := 0; ; {
		for pos < len(s) && strings.IndexByte(" \t\r\n", s[pos]) >= 0 {
			pos++
		}
		if pos == len(s) {
			p.toks = append(p.toks, token{kind: tEOF, pos: pos})
			return p, nil
		}
		c := s[pos]
		start := pos
		switch {
		case c == '_' || isLetter(c):
			for pos < len(s) && (s[pos] == '_' || isLetter(s[pos]) || isDigit(s[pos])) {
				pos++
			}
			p.toks = append(p.toks, token{tIdent, s[start:pos], start})
		case isDigit(c):
			for pos < len(s) && isDigit(s[pos]) {
				pos++
			}
			p.toks = append(p.toks, token{tInt, s[start:pos], start})
		case c == '\'' || c == '"':
			end := strings.IndexByte(s[pos+1:], c)
			if end < 0 {
				return nil, p.errorPos(start, "an unterminated string", fmt.Sprintf("a closing %c for the string that starts here", c))
			}
			p.toks = append(p.toks, token{tString, s[pos+1 : pos+1+end], start})
			pos += end + 2
		case strings.IndexByte("()[],=;-", c) >= 0:
			p.toks = append(p.toks, token{tPunct, s[pos : pos+1], start})
			pos++
		default:
			r, _ := utf8.DecodeRuneInString(s[pos:])
			return nil, p.errorPos(start, "unexpected character "+strconv.QuoteRune(r), "a name, a number, a quoted op name or one of ( ) [ ] , = ;")
		}
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) is(punct string) bool {
	t := p.peek()
	return t.kind == tPunct && t.text == punct
}

// errorPos is a *searchspace.ParseError at byte offset pos.
func (p *parser) errorPos(pos int, found, expected string) *searchspace.ParseError {
	return &searchspace.ParseError{What: "darts genotype", Input: p.s, Offset: pos, Found: found, Expected: expected}
}

func (p *parser) errorAt(t token, found, expected string) *searchspace.ParseError {
	return p.errorPos(t.pos, found, expected)
}

// invalidAt is errorAt for well-formed text outside the space.
func (p *parser) invalidAt(t token, found, expected string) *searchspace.ParseError {
	e := p.errorPos(t.pos, found, expected)
	e.Invalid = true
	return e
}

func (p *parser) expect(punct, what string) error {
	t := p.peek()
	if t.kind == tPunct && t.text == punct {
		p.next()
		return nil
	}
	return p.errorAt(t, t.String(), fmt.Sprintf("'%s' %s", punct, what))
}

func (p *parser) expectIdent(name string) error {
	t := p.peek()
	if t.kind == tIdent && t.text == name {
		p.next()
		return nil
	}
	return p.errorAt(t, t.String(), name)
}

func (p *parser) end() error {
	if t := p.peek(); t.kind != tEOF {
		return p.errorAt(t, "trailing text "+t.String(), "end of text")
	}
	return nil
}

// int reads a non-negative decimal integer; a leading '-' is reported as
// out of range rather than as a syntax error, since that is what it means.
func (p *parser) int(what string) (int, token, error) {
	t := p.peek()
	if t.kind == tPunct && t.text == "-" {
		return 0, t, p.errorAt(t, "a negative number", what)
	}
	if t.kind != tInt {
		return 0, t, p.errorAt(t, t.String(), what+" (a number)")
	}
	v, err := strconv.Atoi(t.text)
	if err != nil || v > 1<<20 {
		return 0, t, p.errorAt(t, t.text+", which is too large", what)
	}
	p.next()
	return v, t, nil
}

// cell reads a list of NumEdges (op, input) tuples and checks it.
func (p *parser) cell(name string) (Cell, error) {
	var c Cell
	var pos [NumEdges]token
	if err := p.expect("[", "to open the "+name+" cell's edge list"); err != nil {
		return c, err
	}
	n := 0
	for !p.is("]") {
		if n > 0 {
			if err := p.expect(",", "between edges"); err != nil {
				return c, err
			}
			if p.is("]") { // trailing comma
				break
			}
		}
		start := p.peek()
		if n == NumEdges {
			return c, p.invalidAt(start, fmt.Sprintf("edge %d of the %s cell", n+1, name), fmt.Sprintf("']': a cell has %d edges, two per intermediate node", NumEdges))
		}
		if err := p.expect("(", "to open an (op, input) edge"); err != nil {
			return c, err
		}
		opTok := p.next()
		if opTok.kind != tIdent && opTok.kind != tString {
			return c, p.errorAt(opTok, opTok.String(), "an op name")
		}
		if err := p.expect(",", "between op and input"); err != nil {
			return c, err
		}
		in, _, err := p.int("an input state")
		if err != nil {
			return c, err
		}
		if err := p.expect(")", "to close the edge"); err != nil {
			return c, err
		}
		c[n] = Edge{Op: opTok.text, Input: in}
		pos[n] = opTok
		n++
	}
	closing := p.next() // "]"
	if n < NumEdges {
		return c, p.invalidAt(closing, fmt.Sprintf("the end of the %s cell after %d edges", name, n), fmt.Sprintf("%d edges, two per intermediate node", NumEdges))
	}
	return c, p.checkCell(c, pos, name)
}

// checkCell reports the first invalid edge of c at its position.
func (p *parser) checkCell(c Cell, pos [NumEdges]token, name string) error {
	for i, e := range c {
		if found, want := checkEdge(i, e); found != "" {
			return p.invalidAt(pos[i], fmt.Sprintf("%s in edge %d of the %s cell", found, i, name), want)
		}
		if i%2 == 1 && e.Input == c[i-1].Input {
			return p.invalidAt(pos[i], fmt.Sprintf("input state %d again: both inputs of node %d of the %s cell are state %d", e.Input, i/2, name, e.Input),
				"two different input states for each node")
		}
	}
	return nil
}

// concat reads range(2, 6) or a list of 2, 3, 4, 5 in any order.
func (p *parser) concat(kw string) error {
	start := p.peek()
	var got []int
	switch {
	case start.kind == tIdent && start.text == "range":
		p.next()
		if err := p.expect("(", "after range"); err != nil {
			return err
		}
		lo, _, err := p.int("the start of the range")
		if err != nil {
			return err
		}
		if err := p.expect(",", "in range(start, stop)"); err != nil {
			return err
		}
		hi, _, err := p.int("the stop of the range")
		if err != nil {
			return err
		}
		if err := p.expect(")", "to close range(start, stop)"); err != nil {
			return err
		}
		for v := lo; v < hi && len(got) <= NumNodes; v++ {
			got = append(got, v)
		}
	case start.kind == tPunct && start.text == "[":
		p.next()
		for !p.is("]") {
			if len(got) > 0 {
				if err := p.expect(",", "between concat nodes"); err != nil {
					return err
				}
				if p.is("]") {
					break
				}
			}
			v, _, err := p.int("a node to concatenate")
			if err != nil {
				return err
			}
			got = append(got, v)
		}
		p.next()
	default:
		return p.errorAt(start, start.String(), fmt.Sprintf("range(2, 6) or [2, 3, 4, 5] for %s", kw))
	}
	var seen [NumNodes]bool
	ok := len(got) == NumNodes
	for _, v := range got {
		if v < 2 || v >= 2+NumNodes || seen[v-2] {
			ok = false
			break
		}
		seen[v-2] = true
	}
	if !ok {
		return p.invalidAt(start, fmt.Sprintf("%s %v", kw, got), fmt.Sprintf("%s to be range(2, 6), all four intermediate nodes (this space does not model other concatenations)", kw))
	}
	return nil
}
