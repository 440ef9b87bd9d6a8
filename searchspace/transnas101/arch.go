package transnas101

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/nb201cell"
)

// Op is the operation on one edge of a micro cell; its value is the digit
// that the benchmark's arch string writes.
type Op uint8

// The four micro-cell operations, in the benchmark's code order.
const (
	None    Op = iota // 0: the edge is absent (outputs zeros)
	Skip              // 1: identity (a 1×1 conv where the cell changes width or resolution)
	Conv1x1           // 2: ReLU-conv1x1-BN
	Conv3x3           // 3: ReLU-conv3x3-BN
	// NumOps is the number of micro-cell operations.
	NumOps = 4
)

// OpNames are the names of the micro-cell ops; OpNames[op] names op.
var OpNames = [NumOps]string{"none", "skip_connect", "conv_1x1", "conv_3x3"}

// String returns the op's name.
func (o Op) String() string {
	if o < NumOps {
		return OpNames[o]
	}
	return "op(" + strconv.Itoa(int(o)) + ")"
}

// NumEdges is the number of edges of a micro cell: every pair of its 4
// nodes, from the lower node to the higher.
const NumEdges = 6

// MicroSize is the number of micro cells: NumOps^NumEdges.
const MicroSize = 4096

// Edge is one edge of the micro cell, From → To between nodes 0..3 (node 0
// is the cell input, node 3 its output).
type Edge struct{ From, To int }

// Edges returns the cell's edges in the order of Cell's entries and of the
// arch string: (1←0), (2←0), (2←1), (3←0), (3←1), (3←2).
func Edges() [NumEdges]Edge { return nb201cell.EdgesAs[Edge]() }

// MicroPrefix is what every micro arch string starts with: base width 64
// and the fixed macro skeleton 41414 (five modules of two cells; modules 1,
// 3 and 5 halve the resolution and double the width).
const MicroPrefix = "64-41414-"

// Cell is a TransNAS-Bench-101 micro cell: Cell[k] is the op on edge k of
// Edges(). The zero value is the all-none cell.
type Cell [NumEdges]Op

// String returns the benchmark's arch string, e.g. 64-41414-3_33_333: the
// ops into node 1, into node 2 and into node 3, sources in increasing order.
func (c Cell) String() string {
	b := make([]byte, 0, len(MicroPrefix)+8)
	b = append(b, MicroPrefix...)
	for k, o := range c {
		if k == 1 || k == 3 {
			b = append(b, '_')
		}
		if o < NumOps {
			b = append(b, byte('0'+o))
		} else {
			b = append(b, '?')
		}
	}
	return string(b)
}

// Index is c's row in micro.csv and in the space's enumeration: the ops
// read as a base-4 number, edge (1←0) most significant. It is -1 for an
// invalid cell.
func (c Cell) Index() int { return nb201cell.Index(c, NumOps) }

// CellAt returns the cell of index i (the inverse of Cell.Index); the
// error wraps searchspace.ErrNoSuchArch when i is not in 0..MicroSize-1.
func CellAt(i int) (Cell, error) {
	if i < 0 || i >= MicroSize {
		return Cell{}, fmt.Errorf("%w: transnas101 micro index %d, the space has indices 0..%d", searchspace.ErrNoSuchArch, i, MicroSize-1)
	}
	return nb201cell.At[Cell](i, NumOps), nil
}

// Validate reports whether every op of c is one of the four; the error
// wraps searchspace.ErrInvalidArch.
func (c Cell) Validate() error {
	for k, o := range c {
		if o >= NumOps {
			e := nb201cell.Edges[k]
			return fmt.Errorf("%w: transnas101 micro edge %d (%d←%d) has op %d, ops are 0..%d", searchspace.ErrInvalidArch, k, e.To, e.From, o, NumOps-1)
		}
	}
	return nil
}

// Block is one module of a macro skeleton, written as its digit: every
// module is two ResNet basic blocks, the first of which may double the
// width and/or halve the resolution.
type Block uint8

// The four module types, by the digit the arch string writes.
const (
	Keep      Block = 1 // same width, same resolution
	Widen     Block = 2 // doubles the width
	Down      Block = 3 // halves the resolution (stride 2)
	DownWiden Block = 4 // both
)

// Widens reports whether b doubles the width.
func (b Block) Widens() bool { return b == Widen || b == DownWiden }

// Downsamples reports whether b halves the resolution.
func (b Block) Downsamples() bool { return b == Down || b == DownWiden }

// String returns the block type's name: keep, widen, down or down_widen.
func (b Block) String() string {
	switch b {
	case Keep:
		return "keep"
	case Widen:
		return "widen"
	case Down:
		return "down"
	case DownWiden:
		return "down_widen"
	}
	return "block(" + strconv.Itoa(int(b)) + ")"
}

// Constraints of the macro space, as the benchmark defines it (and as
// macro.csv confirms: these rules give exactly its 3,256 skeletons).
const (
	MinBlocks     = 4
	MaxBlocks     = 6
	MinWiden      = 1 // modules that double the width (types 2 and 4)
	MaxWiden      = 3
	MinDownsample = 1 // modules that halve the resolution (types 3 and 4)
	MaxDownsample = 4
	// MacroSize is the number of macro skeletons.
	MacroSize = 3256
)

// MacroSuffix ends every macro arch string: the modules are ResNet basic
// blocks.
const MacroSuffix = "-basic"

// Skeleton is a TransNAS-Bench-101 macro architecture: the sequence of its
// 4–6 modules, after a fixed stem of base width 64. Being a slice, it is
// not comparable: tell skeletons apart by String, as the searchspace.Arch
// contract says, never with == on a searchspace.Arch or as a map key.
type Skeleton []Block

// String returns the benchmark's arch string, e.g. 64-111114-basic.
func (s Skeleton) String() string {
	b := make([]byte, 0, 3+len(s)+len(MacroSuffix))
	b = append(b, "64-"...)
	for _, x := range s {
		if x >= Keep && x <= DownWiden {
			b = append(b, byte('0'+x))
		} else {
			b = append(b, '?')
		}
	}
	return string(append(b, MacroSuffix...))
}

// Validate reports whether s is a member of the macro space: 4–6 modules of
// types 1–4, 1–3 of which double the width and 1–4 halve the resolution.
// The error wraps searchspace.ErrInvalidArch.
func (s Skeleton) Validate() error {
	if found, want := s.problem(); found != "" {
		return fmt.Errorf("%w: transnas101 macro skeleton %s has %s, want %s", searchspace.ErrInvalidArch, s, found, want)
	}
	return nil
}

// problem says what breaks a rule of the macro space and what the rule
// wants, or "" when s is valid.
func (s Skeleton) problem() (found, want string) {
	if len(s) < MinBlocks || len(s) > MaxBlocks {
		return fmt.Sprintf("%d modules", len(s)), fmt.Sprintf("%d to %d", MinBlocks, MaxBlocks)
	}
	widen, down := 0, 0
	for i, b := range s {
		if b < Keep || b > DownWiden {
			return fmt.Sprintf("module %d of type %d", i, b), "types 1 (keep), 2 (widen), 3 (down), 4 (down and widen)"
		}
		if b.Widens() {
			widen++
		}
		if b.Downsamples() {
			down++
		}
	}
	if widen < MinWiden || widen > MaxWiden {
		return fmt.Sprintf("%d modules that double the width (types 2 and 4)", widen), fmt.Sprintf("%d to %d", MinWiden, MaxWiden)
	}
	if down < MinDownsample || down > MaxDownsample {
		return fmt.Sprintf("%d modules that halve the resolution (types 3 and 4)", down), fmt.Sprintf("%d to %d", MinDownsample, MaxDownsample)
	}
	return "", ""
}

// macroAll is every valid skeleton in the order of macro.csv: sorted by
// arch string.
var macroAll = sync.OnceValues(func() ([]Skeleton, map[string]int) {
	var all []Skeleton
	var rec func(s Skeleton)
	rec = func(s Skeleton) {
		if len(s) >= MinBlocks && s.Validate() == nil {
			all = append(all, slices.Clone(s))
		}
		if len(s) == MaxBlocks {
			return
		}
		for b := Keep; b <= DownWiden; b++ {
			rec(append(s, b))
		}
	}
	rec(make(Skeleton, 0, MaxBlocks))
	slices.SortFunc(all, func(a, b Skeleton) int { return strings.Compare(a.String(), b.String()) })
	index := make(map[string]int, len(all))
	for i, s := range all {
		index[s.String()] = i
	}
	return all, index
})

// Index is s's row in macro.csv and in the space's enumeration (skeletons
// sorted by arch string); -1 when s is not a valid skeleton.
func (s Skeleton) Index() int {
	_, index := macroAll()
	if i, ok := index[s.String()]; ok {
		return i
	}
	return -1
}

// SkeletonAt returns the skeleton of index i (the inverse of
// Skeleton.Index), a fresh slice; the error wraps searchspace.ErrNoSuchArch
// when i is not in 0..MacroSize-1.
func SkeletonAt(i int) (Skeleton, error) {
	all, _ := macroAll()
	if i < 0 || i >= len(all) {
		return nil, fmt.Errorf("%w: transnas101 macro index %d, the space has indices 0..%d", searchspace.ErrNoSuchArch, i, len(all)-1)
	}
	return slices.Clone(all[i]), nil
}

// parseErr is a *searchspace.ParseError about s at byte offset pos; found
// "" means the character there.
func parseErr(s string, pos int, found, expected string) *searchspace.ParseError {
	return &searchspace.ParseError{What: "transnas101 arch", Input: s, Offset: pos, Found: found, Expected: expected}
}

// ParseCell reads a micro arch string exactly as the benchmark (and
// Cell.String) writes it: MicroPrefix, then the ops into nodes 1, 2 and 3
// as digits 0–3 in groups of 1, 2 and 3 joined by '_'. Errors are
// *searchspace.ParseError values: they wrap searchspace.ErrParse and name the
// column of the problem, what was found there and what was expected.
func ParseCell(s string) (Cell, error) {
	var c Cell
	for i := 0; i < len(MicroPrefix); i++ {
		if i >= len(s) || s[i] != MicroPrefix[i] {
			if strings.HasSuffix(s, MacroSuffix) {
				return c, parseErr(s, i, "a macro arch string", fmt.Sprintf("a micro one, which starts with %q", MicroPrefix))
			}
			return c, parseErr(s, i, "", fmt.Sprintf("%q, the start of a micro arch string", MicroPrefix))
		}
	}
	pos := len(MicroPrefix)
	k := 0
	for node := 1; node <= 3; node++ {
		if node > 1 {
			if pos >= len(s) || s[pos] != '_' {
				return c, parseErr(s, pos, "", fmt.Sprintf("'_' after the %d op(s) into node %d", node-1, node-1))
			}
			pos++
		}
		for from := 0; from < node; from++ {
			if pos >= len(s) || s[pos] < '0' || s[pos] > '9' {
				return c, parseErr(s, pos, "", fmt.Sprintf("op digit %d of the %d into node %d", from+1, node, node))
			}
			if s[pos] > '0'+NumOps-1 {
				return c, parseErr(s, pos, fmt.Sprintf("op %c on edge %d←%d", s[pos], node, from), "an op digit: 0 none, 1 skip_connect, 2 conv_1x1, 3 conv_3x3")
			}
			c[k] = Op(s[pos] - '0')
			k++
			pos++
		}
	}
	if pos < len(s) {
		return c, parseErr(s, pos, "", "the end of the string after node 3")
	}
	return c, nil
}

// ParseSkeleton reads a macro arch string exactly as the benchmark (and
// Skeleton.String) writes it: "64-", 4 to 6 module digits 1–4, MacroSuffix.
// Errors are *searchspace.ParseError values; a well-formed string that
// breaks the module-count rules wraps searchspace.ErrInvalidArch too.
func ParseSkeleton(s string) (Skeleton, error) {
	for i := range 3 {
		if i >= len(s) || s[i] != "64-"[i] {
			return nil, parseErr(s, i, "", `"64-", the start of a macro arch string`)
		}
	}
	pos := 3
	var sk Skeleton
	for pos < len(s) && s[pos] >= '0' && s[pos] <= '9' {
		if s[pos] < '1' || s[pos] > '4' {
			return nil, parseErr(s, pos, fmt.Sprintf("module type %c", s[pos]), "1 (keep), 2 (widen), 3 (down) or 4 (down and widen)")
		}
		if len(sk) == MaxBlocks {
			e := parseErr(s, pos, fmt.Sprintf("module %d", MaxBlocks+1), fmt.Sprintf("at most %d modules, then %q", MaxBlocks, MacroSuffix))
			e.Invalid = true
			return nil, e
		}
		sk = append(sk, Block(s[pos]-'0'))
		pos++
	}
	if len(sk) == 0 {
		if strings.HasPrefix(s, MicroPrefix) {
			return nil, parseErr(s, pos, "a micro arch string (macro skeleton 41414 and a cell)", fmt.Sprintf("a macro one, which ends with %q", MacroSuffix))
		}
		return nil, parseErr(s, pos, "", "module digits 1-4")
	}
	if s[pos:] != MacroSuffix {
		if strings.HasPrefix(s[pos:], "-") && !strings.HasPrefix(s[pos:], MacroSuffix) {
			return nil, parseErr(s, pos, "", fmt.Sprintf("%q (this looks like a micro arch string, whose skeleton is fixed to 41414)", MacroSuffix))
		}
		return nil, parseErr(s, pos, "", fmt.Sprintf("%q after the module digits", MacroSuffix))
	}
	if found, want := sk.problem(); found != "" {
		e := parseErr(s, 3, "a skeleton with "+found, want)
		e.Invalid = true
		return nil, e
	}
	return sk, nil
}
