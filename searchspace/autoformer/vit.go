package autoformer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hypernas/go-hypernas/searchspace"
)

// ViT is one AutoFormer architecture: a vision transformer whose layers
// share the embedding dimension Embed, layer i having Heads[i] attention
// heads (Q-K-V width HeadDim × Heads[i]) and an MLP of hidden width
// int(Embed × MLPRatios[i]). Its depth is len(Heads), which must equal
// len(MLPRatios). Holding slices, a ViT is not comparable: tell ViTs apart
// by String, as the searchspace.Arch contract says, never with == on a
// searchspace.Arch or as a map key.
type ViT struct {
	Embed     int
	Heads     []int
	MLPRatios []float64
}

// Depth is the number of layers.
func (v ViT) Depth() int { return len(v.Heads) }

func (v ViT) clone() ViT {
	return ViT{Embed: v.Embed, Heads: slices.Clone(v.Heads), MLPRatios: slices.Clone(v.MLPRatios)}
}

// String returns the architecture's text form, e.g. for a 3-layer network
//
//	embed=192;depth=3;heads=3,4,3;mlp=3.5,4,4
//
// with the MLP ratios in their shortest decimal form. Parse reads it back.
func (v ViT) String() string {
	var b strings.Builder
	b.Grow(32 + 3*len(v.Heads) + 4*len(v.MLPRatios))
	b.WriteString("embed=")
	b.WriteString(strconv.Itoa(v.Embed))
	b.WriteString(";depth=")
	b.WriteString(strconv.Itoa(v.Depth()))
	b.WriteString(";heads=")
	for i, h := range v.Heads {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(h))
	}
	b.WriteString(";mlp=")
	for i, r := range v.MLPRatios {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(r, 'f', -1, 64))
	}
	return b.String()
}

type parser struct {
	s   string
	pos int
}

// fail is a *searchspace.ParseError at byte offset pos; found "" means the
// character there.
func (p *parser) fail(pos int, found, expected string) error {
	return &searchspace.ParseError{What: "autoformer arch", Input: p.s, Offset: pos, Found: found, Expected: expected}
}

// key reads "name=" (after a ';' unless it is the first key).
func (p *parser) key(name string, first bool) error {
	if !first {
		if p.pos >= len(p.s) || p.s[p.pos] != ';' {
			return p.fail(p.pos, "", "';' before "+name+"=")
		}
		p.pos++
	}
	if !strings.HasPrefix(p.s[p.pos:], name+"=") {
		return p.fail(p.pos, "", name+"= (the form is embed=E;depth=D;heads=h1,…;mlp=r1,…)")
	}
	p.pos += len(name) + 1
	return nil
}

// number reads digits, and with frac a decimal fraction; it returns the
// text and its start.
func (p *parser) number(what string, frac bool) (string, int, error) {
	start := p.pos
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == start {
		return "", start, p.fail(start, "", what+" (a number)")
	}
	if frac && p.pos < len(p.s) && p.s[p.pos] == '.' {
		p.pos++
		d := p.pos
		for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
			p.pos++
		}
		if p.pos == d {
			return "", start, p.fail(d, "", "digits after the decimal point of "+what)
		}
	}
	if p.pos-start > 12 {
		return "", start, p.fail(start, p.s[start:p.pos]+", which is too large", what)
	}
	return p.s[start:p.pos], start, nil
}

// list reads d comma-separated numbers, one per layer; with frac they may
// have a decimal fraction. what names one entry in messages, of names it
// per layer ("the heads of layer 2").
func list(p *parser, d int, what, of string, frac bool) ([]float64, error) {
	out := make([]float64, 0, d)
	for {
		t, pos, err := p.number(fmt.Sprintf("the %s of layer %d", of, len(out)), frac)
		if err != nil {
			return nil, err
		}
		if len(out) == d {
			return nil, p.fail(pos, fmt.Sprintf("%s %d of a network of depth=%d", what, d+1, d), fmt.Sprintf("%d %ss, one per layer", d, what))
		}
		x, _ := strconv.ParseFloat(t, 64) // digits with an optional fraction
		out = append(out, x)
		if p.pos >= len(p.s) || p.s[p.pos] != ',' {
			break
		}
		p.pos++
	}
	if len(out) < d {
		return nil, p.fail(p.pos, "", fmt.Sprintf("',' and %s %d of the %d (depth=%d)", what, len(out)+1, d, d))
	}
	return out, nil
}

func (p *parser) int(what string) (int, int, error) {
	t, start, err := p.number(what, false)
	if err != nil {
		return 0, start, err
	}
	v, _ := strconv.Atoi(t) // at most 12 digits
	return v, start, nil
}

// Parse reads the form ViT.String writes: embed=E;depth=D;heads=h1,…,hD;
// mlp=r1,…,rD, keys in this order, no blanks, D entries in each list. MLP
// ratios are decimals such as 4, 4.0 or 3.5 (String writes 4 and 3.5).
// Parse checks the form only; Space.Parse also checks that the choices
// belong to the space. Errors are *searchspace.ParseError values: they wrap
// searchspace.ErrParse and name the column of the problem, what was found
// there and what was expected.
func Parse(s string) (ViT, error) {
	p := &parser{s: s}
	var v ViT
	if err := p.key("embed", true); err != nil {
		return ViT{}, err
	}
	e, _, err := p.int("the embedding dimension")
	if err != nil {
		return ViT{}, err
	}
	v.Embed = e
	if err := p.key("depth", false); err != nil {
		return ViT{}, err
	}
	d, dpos, err := p.int("the depth")
	if err != nil {
		return ViT{}, err
	}
	if d == 0 || d > MaxDepth {
		return ViT{}, p.fail(dpos, fmt.Sprintf("depth %d", d), fmt.Sprintf("a depth of 1 to %d", MaxDepth))
	}
	if err := p.key("heads", false); err != nil {
		return ViT{}, err
	}
	heads, err := list(p, d, "head count", "heads", false)
	if err != nil {
		return ViT{}, err
	}
	if err := p.key("mlp", false); err != nil {
		return ViT{}, err
	}
	ratios, err := list(p, d, "MLP ratio", "MLP ratio", true)
	if err != nil {
		return ViT{}, err
	}
	v.Heads = make([]int, d)
	for i, h := range heads {
		v.Heads[i] = int(h) // at most 12 digits
	}
	v.MLPRatios = ratios
	if p.pos < len(p.s) {
		return ViT{}, p.fail(p.pos, "", "the end of the string")
	}
	return v, nil
}
