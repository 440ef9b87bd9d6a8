package nasbench201

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/nb201cell"
)

// Op is the operation on one edge of an NB201 cell: an index into Ops.
type Op uint8

// The five NB201 cell operations, in the benchmark's own order.
const (
	None        Op = iota // none: the edge is absent (outputs zeros)
	SkipConnect           // skip_connect: identity
	Conv1x1               // nor_conv_1x1: ReLU-conv1x1-BN
	Conv3x3               // nor_conv_3x3: ReLU-conv3x3-BN
	AvgPool3x3            // avg_pool_3x3: 3×3 average pooling, stride 1
	// NumOps is the number of cell operations.
	NumOps = 5
)

// Ops are the names of the cell operations as the arch string writes them;
// Ops[op] is the name of op.
var Ops = [NumOps]string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}

// String returns the op's name as the arch string writes it.
func (o Op) String() string {
	if o < NumOps {
		return Ops[o]
	}
	return "op(" + strconv.Itoa(int(o)) + ")"
}

// NumEdges is the number of edges of an NB201 cell (every pair of its 4
// nodes, each edge going from the lower node to the higher).
const NumEdges = 6

// Size is the number of architectures in NB201: NumOps^NumEdges.
const Size = 15625

// Edge is one edge of the cell: From → To between the cell's nodes 0..3
// (node 0 is the cell input, node 3 its output).
type Edge struct{ From, To int }

// Edges returns the cell's edges in the order of Arch's entries: (1←0),
// (2←0), (2←1), (3←0), (3←1), (3←2), the order of the official arch string.
func Edges() [NumEdges]Edge { return nb201cell.EdgesAs[Edge]() }

// Arch is an NB201 cell: Arch[k] is the op on edge k of Edges(), that is
// the ops in the order they appear in the official arch string. The zero
// value is the all-none cell.
type Arch [NumEdges]Op

// String returns the official NB201 arch string, e.g.
// |nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|
func (a Arch) String() string {
	var b strings.Builder
	b.Grow(100)
	k := 0
	for to := 1; to <= 3; to++ {
		if to > 1 {
			b.WriteByte('+')
		}
		b.WriteByte('|')
		for from := 0; from < to; from++ {
			b.WriteString(a[k].String())
			b.WriteByte('~')
			b.WriteByte(byte('0' + from))
			b.WriteByte('|')
			k++
		}
	}
	return b.String()
}

// Valid reports whether every entry of a is one of the NumOps ops.
func (a Arch) Valid() bool {
	for _, o := range a {
		if o >= NumOps {
			return false
		}
	}
	return true
}

func (a Arch) validate() error {
	for k, o := range a {
		if o >= NumOps {
			e := nb201cell.Edges[k]
			return fmt.Errorf("%w: nb201 edge %d (%d←%d) has op index %d, there are %d ops", searchspace.ErrInvalidArch, k, e.To, e.From, o, NumOps)
		}
	}
	return nil
}

// CanonicalIndex is a's position in the canonical enumeration of the space
// (Space.All, Space.At): the edges' ops read as a 6-digit base-5 number,
// edge (1←0) the most significant digit. It is -1 for an invalid Arch.
//
// This is not the official NB201 index, which has no formula; the official
// index is the row of the architecture in the benchmark (LoadBenchmark).
func (a Arch) CanonicalIndex() int { return nb201cell.Index(a, NumOps) }

// ArchAt returns the architecture at canonical index i (the inverse of
// CanonicalIndex); the error wraps searchspace.ErrNoSuchArch when i is not
// in 0..Size-1.
func ArchAt(i int) (Arch, error) {
	if i < 0 || i >= Size {
		return Arch{}, fmt.Errorf("%w: nb201 canonical index %d, the space has indices 0..%d", searchspace.ErrNoSuchArch, i, Size-1)
	}
	return nb201cell.At[Arch](i, NumOps), nil
}

// parser reads the canonical arch string left to right.
type parser struct {
	s   string
	pos int // byte offset
}

// fail is a *searchspace.ParseError at the current position; found "" means
// the character there.
func (p *parser) fail(found, expected string) error {
	return &searchspace.ParseError{What: "nb201 arch", Input: p.s, Offset: p.pos, Found: found, Expected: expected}
}

func (p *parser) expect(c byte, what string) error {
	if p.pos < len(p.s) && p.s[p.pos] == c {
		p.pos++
		return nil
	}
	return p.fail("", fmt.Sprintf("%q %s", c, what))
}

// token reads up to (not including) the next separator or the end.
func (p *parser) token() string {
	start := p.pos
	for p.pos < len(p.s) && !strings.ContainsRune("|+~", rune(p.s[p.pos])) {
		p.pos++
	}
	return p.s[start:p.pos]
}

var opByName = map[string]Op{"none": None, "skip_connect": SkipConnect, "nor_conv_1x1": Conv1x1, "nor_conv_3x3": Conv3x3, "avg_pool_3x3": AvgPool3x3}

const opList = "none, skip_connect, nor_conv_1x1, nor_conv_3x3 or avg_pool_3x3"

// Parse reads the official NB201 arch string (the form String writes): for
// nodes 1, 2 and 3, separated by '+', the node's incoming edges as
// |op~source|, sources in increasing order 0..node-1. Only this canonical
// form is accepted, so that equal architectures have equal strings. Errors
// are *searchspace.ParseError values: they wrap searchspace.ErrParse and
// name the column of the problem, what was found there and what was
// expected.
func Parse(s string) (Arch, error) {
	var a Arch
	p := parser{s: s}
	k := 0
	for to := 1; to <= 3; to++ {
		if to > 1 {
			if err := p.expect('+', fmt.Sprintf("and node %d after node %d (an NB201 cell has 3 nodes; node %d has exactly %d incoming edge(s))", to, to-1, to-1, to-1)); err != nil {
				return Arch{}, err
			}
		}
		if err := p.expect('|', fmt.Sprintf("to open node %d", to)); err != nil {
			return Arch{}, err
		}
		for from := 0; from < to; from++ {
			if p.pos >= len(p.s) || p.s[p.pos] == '+' {
				return Arch{}, p.fail("", fmt.Sprintf("edge %d of node %d (node %d has %d incoming edges, one from each earlier node)", from+1, to, to, to))
			}
			start := p.pos
			name := p.token()
			op, ok := opByName[name]
			if !ok {
				p.pos = start
				if name == "" {
					return Arch{}, p.fail("", "an op ("+opList+")")
				}
				return Arch{}, p.fail(fmt.Sprintf("unknown op %q", name), opList)
			}
			if err := p.expect('~', "between op and source node"); err != nil {
				return Arch{}, err
			}
			start = p.pos
			src := p.token()
			if src != strconv.Itoa(from) {
				p.pos = start
				found := ""
				if src != "" {
					found = fmt.Sprintf("source %q", src)
				}
				return Arch{}, p.fail(found, fmt.Sprintf("source node %d for edge %d of node %d (sources are listed 0..%d in increasing order)", from, from+1, to, to-1))
			}
			if err := p.expect('|', "to close the edge"); err != nil {
				return Arch{}, err
			}
			a[k] = op
			k++
		}
	}
	if p.pos < len(p.s) {
		return Arch{}, p.fail("", "the end of the string after node 3 (an NB201 cell has 3 nodes)")
	}
	return a, nil
}
