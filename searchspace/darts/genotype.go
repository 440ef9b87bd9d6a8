package darts

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hypernas/go-hypernas/searchspace"
)

// NumOps is the number of DARTS cell operations (none excluded).
const NumOps = 7

// Ops are the seven operations a genotype edge may carry, in DARTS's
// PRIMITIVES order without "none"; the position of an op is also its index
// in NASLib's compact form (Genotype.Compact).
//
// "none" is not an op of this space: DARTS derives a genotype by dropping
// none before picking each node's two strongest edges, and NAS-Bench-301
// samples only these seven, so a genotype that names none is rejected.
var Ops = [NumOps]string{
	"max_pool_3x3", "avg_pool_3x3", "skip_connect",
	"sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5",
}

// Shape of a DARTS cell.
const (
	// NumNodes is the number of intermediate nodes of a cell.
	NumNodes = 4
	// NumEdges is the number of edges of a cell genotype: two per
	// intermediate node.
	NumEdges = 2 * NumNodes
)

// OpIndex returns the position of name in Ops, or -1.
func OpIndex(name string) int {
	for i, o := range Ops {
		if o == name {
			return i
		}
	}
	return -1
}

// Edge is one input of an intermediate node: the op applied to the state
// Input. States 0 and 1 are the outputs of the two previous cells
// (c_{k-2}, c_{k-1}); state j ≥ 2 is intermediate node j-2 of this cell.
type Edge struct {
	Op    string
	Input int
}

// Cell is the genotype of one cell: edges 2k and 2k+1 are the two inputs of
// intermediate node k (k = 0..3), so edge 2k and 2k+1 have Input < k+2. The
// cell's output concatenates all four intermediate nodes (DARTS's
// concat=range(2, 6)).
//
// The two edges of a node are kept in the order given: DARTS and
// NAS-Bench-301 write them in either order, so two genotypes that differ
// only in that order are the same network but have different strings (see
// Genotype.Canonical).
type Cell [NumEdges]Edge

// Genotype is a DARTS architecture: the normal cell and the reduction cell
// that the network stacks.
type Genotype struct {
	Normal, Reduce Cell
}

// String returns the form of NAS-Bench-301's genotype column, e.g.
//
//	normal=[(sep_conv_3x3,0),(sep_conv_3x3,1),…];reduce=[(max_pool_3x3,0),…]
//
// with no spaces and no quotes. Parse reads it back.
func (g Genotype) String() string { return g.format(nb301Form) }

// Python returns the genotype as DARTS's own Python code writes it (the repr
// of its Genotype namedtuple), e.g.
//
//	Genotype(normal=[('sep_conv_3x3', 0), …], normal_concat=range(2, 6), reduce=[…], reduce_concat=range(2, 6))
//
// ParsePython and Parse read it back.
func (g Genotype) Python() string { return g.format(pythonForm) }

// form is how String and Python write a genotype: the text around the two
// cells, between edges, around an op and after it.
type form struct {
	start, middle, end string
	sep, open, opEnd   string
	size               int // bytes to reserve
}

var (
	nb301Form  = form{"normal=", ";reduce=", "", ",", "(", ",", 440}
	pythonForm = form{"Genotype(normal=", ", normal_concat=range(2, 6), reduce=", ", reduce_concat=range(2, 6))", ", ", "('", "', ", 600}
)

func (g Genotype) format(f form) string {
	var b strings.Builder
	b.Grow(f.size)
	b.WriteString(f.start)
	for ci, c := range [2]Cell{g.Normal, g.Reduce} {
		if ci > 0 {
			b.WriteString(f.middle)
		}
		b.WriteByte('[')
		for i, e := range c {
			if i > 0 {
				b.WriteString(f.sep)
			}
			b.WriteString(f.open)
			b.WriteString(e.Op)
			b.WriteString(f.opEnd)
			b.WriteString(strconv.Itoa(e.Input))
			b.WriteByte(')')
		}
		b.WriteByte(']')
	}
	b.WriteString(f.end)
	return b.String()
}

// Compact returns NASLib's compact form, the naslib_compact column of
// NAS-Bench-301's data: per cell, the (input, op index) pairs, op index
// into Ops, e.g. (((0,3),(1,3),…),((0,0),…)). An op not in Ops is written
// as -1. ParseCompact and Parse read it back.
func (g Genotype) Compact() string {
	var b strings.Builder
	b.Grow(140)
	b.WriteString("((")
	for ci, c := range [2]Cell{g.Normal, g.Reduce} {
		if ci > 0 {
			b.WriteString("),(")
		}
		for i, e := range c {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			b.WriteString(strconv.Itoa(e.Input))
			b.WriteByte(',')
			b.WriteString(strconv.Itoa(OpIndex(e.Op)))
			b.WriteByte(')')
		}
	}
	b.WriteString("))")
	return b.String()
}

// Canonical returns g with the two edges of every node in a fixed order
// (by input, then by op), so that genotypes that build the same network
// have equal strings. The loaders and String keep the given order.
func (g Genotype) Canonical() Genotype {
	g.Normal = g.Normal.canonical()
	g.Reduce = g.Reduce.canonical()
	return g
}

func (c Cell) canonical() Cell {
	for k := range NumNodes {
		a, b := c[2*k], c[2*k+1]
		if b.Input < a.Input || (b.Input == a.Input && OpIndex(b.Op) < OpIndex(a.Op)) {
			c[2*k], c[2*k+1] = b, a
		}
	}
	return c
}

// Validate reports whether g is a member of the DARTS space: every op one
// of Ops, node k's inputs in 0..k+1 and its two inputs distinct (DARTS
// keeps the two strongest edges from different predecessors; NAS-Bench-301
// samples distinct pairs). The error wraps searchspace.ErrInvalidArch.
func (g Genotype) Validate() error {
	if err := g.Normal.validate("normal"); err != nil {
		return err
	}
	return g.Reduce.validate("reduce")
}

func (c Cell) validate(name string) error {
	for i, e := range c {
		if found, want := checkEdge(i, e); found != "" {
			return fmt.Errorf("%w: darts %s cell, edge %d: %s, want %s", searchspace.ErrInvalidArch, name, i, found, want)
		}
	}
	for k := range NumNodes {
		if c[2*k].Input == c[2*k+1].Input {
			return fmt.Errorf("%w: darts %s cell: both inputs of node %d (edges %d and %d) are state %d; they must differ",
				searchspace.ErrInvalidArch, name, k, 2*k, 2*k+1, c[2*k].Input)
		}
	}
	return nil
}

// checkEdge checks edge i of a cell on its own (op and input range): it
// returns what is wrong and what is wanted, or "" when the edge is fine.
func checkEdge(i int, e Edge) (found, want string) {
	if OpIndex(e.Op) < 0 {
		if e.Op == "none" {
			return "op none, which is not part of the DARTS genotype space", "one of " + opList
		}
		return fmt.Sprintf("unknown op %q", e.Op), "one of " + opList
	}
	k := i / 2
	if e.Input < 0 || e.Input > k+1 {
		return fmt.Sprintf("input %d of node %d", e.Input, k),
			fmt.Sprintf("an input state in 0..%d (0, 1 the previous cells, 2.. the earlier nodes)", k+1)
	}
	return "", ""
}

var opList = strings.Join(Ops[:], ", ")
