package baseline

import (
	"context"
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/searchspace"
)

// Features is the flat encoding of an architecture that the baselines read,
// built from the space's own single-cell encoding (SearchSpace.EncodeCell),
// so that it exists for every space, a user's included. For a graph padded
// to n nodes (the space's largest cell) over a vocabulary of V op types
// with F numeric node features it holds, in order:
//
//   - the one-hot op type of every node position (n·V),
//   - the numeric features of every node position (n·F),
//   - the adjacency's upper triangle (n(n−1)/2),
//   - the number of nodes of each op type (V), the node count and the edge
//     count (2).
//
// On NAS-Bench-201 the first block is the usual one-hot of the six edges'
// operations; the counts let a linear model see what a cell contains
// wherever it sits. Columns that are constant over a training set carry no
// information and are ignored by the models.
type Features struct {
	space          searchspace.SearchSpace
	nodes, vocab   int
	nfeat, dim     int
	adjOff, cntOff int
}

// NewFeatures returns the flat encoding of a space's architectures.
func NewFeatures(space searchspace.SearchSpace) (*Features, error) {
	if space == nil {
		return nil, fmt.Errorf("%w: nil search space", hypernas.ErrBadOption)
	}
	n, v, f := searchspace.MaxCellNodes(space), len(space.OpNames()), space.NumFeatures()
	if n < 1 || v < 1 || f < 0 {
		return nil, fmt.Errorf("%w: space %s declares %d nodes, %d op types and %d node features", hypernas.ErrBadOption, space.Name(), n, v, f)
	}
	e := &Features{space: space, nodes: n, vocab: v, nfeat: f}
	e.adjOff = n*v + n*f
	e.cntOff = e.adjOff + n*(n-1)/2
	e.dim = e.cntOff + v + 2
	return e, nil
}

// Dim is the length of one architecture's feature vector.
func (e *Features) Dim() int { return e.dim }

// Encode writes a's features into dst, which must hold Dim values.
func (e *Features) Encode(a searchspace.Arch, dst []float64) (err error) {
	defer gx.Recover(&err, "baseline", "encoding an architecture")
	if len(dst) != e.dim {
		return fmt.Errorf("%w: feature buffer of %d values, want %d", hypernas.ErrBadOption, len(dst), e.dim)
	}
	if a == nil {
		return fmt.Errorf("%w: nil architecture", searchspace.ErrInvalidArch)
	}
	g, err := e.space.EncodeCell(a)
	if err != nil {
		return err
	}
	if err := g.Validate(e.vocab, e.nodes, e.nfeat); err != nil {
		return err
	}
	clear(dst)
	edges := 0
	for i, op := range g.Ops {
		dst[i*e.vocab+op] = 1
		dst[e.cntOff+op]++
		if e.nfeat > 0 { // Validate checked the rows' lengths
			copy(dst[e.nodes*e.vocab+i*e.nfeat:], g.Features[i])
		}
		for j := i + 1; j < len(g.Ops); j++ {
			if g.Adj[i][j] {
				dst[e.adjOff+triIndex(e.nodes, i, j)] = 1
				edges++
			}
		}
	}
	dst[e.cntOff+e.vocab] = float64(len(g.Ops))
	dst[e.cntOff+e.vocab+1] = float64(edges)
	return nil
}

// triIndex is the position of the pair i < j among the upper triangle of an
// n×n matrix, row by row.
func triIndex(n, i, j int) int { return i*(2*n-i-1)/2 + (j - i - 1) }

// Matrix encodes many architectures, row by row (len(archs)·Dim values); it
// stops with ctx's error when ctx is cancelled. An architecture that cannot
// be encoded is reported with its index.
func (e *Features) Matrix(ctx context.Context, archs []searchspace.Arch) ([]float64, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	x := make([]float64, len(archs)*e.dim)
	for i, a := range archs {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := e.Encode(a, x[i*e.dim:(i+1)*e.dim]); err != nil {
			return nil, fmt.Errorf("baseline: architecture %d: %w", i, err)
		}
	}
	return x, nil
}
