package encoding

import (
	"errors"
	"fmt"
	"math"

	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/searchspace"
)

// Shape is the fixed shape of an encoded architecture: the number of units
// in its sequence, the padded node count of a unit, the op vocabulary size
// and the number of numeric node features.
type Shape struct {
	Units, Nodes, Vocab, Features int
}

// Validate checks that the shape describes at least one unit of at least
// one node over a vocabulary of at least one op.
func (s Shape) Validate() error {
	if s.Units < 1 || s.Nodes < 1 || s.Vocab < 1 || s.Features < 0 {
		return fmt.Errorf("encoding: bad shape %+v: need Units, Nodes, Vocab ≥ 1 and Features ≥ 0", s)
	}
	return nil
}

// ShapeOf returns the shape of a space's encodings: the global encoding
// (every unit of the evaluated network, from Encode) when global is true,
// else the single cell of the Neural Predictor baseline (one unit, from
// EncodeCell).
//
// The node count is the space's MaxNodes, except for the single-cell
// encoding of a space that implements searchspace.CellSized, which uses
// MaxCellNodes. The vocabulary is OpNames and the features NumFeatures.
//
// The global unit count is MaxUnits for a space that implements
// searchspace.VariableDepth; shorter sequences are padded and masked.
// Otherwise it is the length of the encoding of one sampled architecture
// (drawn with a fixed seed), and every architecture's encoding must then
// have that length: Batch.Set rejects a longer one.
func ShapeOf(space searchspace.SearchSpace, global bool) (Shape, error) {
	if space == nil {
		return Shape{}, errors.New("encoding: ShapeOf a nil search space")
	}
	s := Shape{Nodes: space.MaxNodes(), Vocab: len(space.OpNames()), Features: space.NumFeatures()}
	nodes := "MaxNodes"
	if !global {
		if _, ok := space.(searchspace.CellSized); ok {
			nodes = "MaxCellNodes"
		}
		s.Nodes = searchspace.MaxCellNodes(space)
	}
	if s.Nodes < 1 || s.Vocab < 1 || s.Features < 0 {
		return s, fmt.Errorf("encoding: space %s declares %s = %d, %d ops (OpNames), NumFeatures = %d", space.Name(), nodes, s.Nodes, s.Vocab, s.Features)
	}
	if !global {
		s.Units = 1
		return s, nil
	}
	units, err := searchspace.NumUnits(space)
	if err != nil {
		return s, fmt.Errorf("encoding: %w", err)
	}
	s.Units = units
	return s, nil
}

// Batch holds Size encoded architectures, unit-major: for every unit u,
// dense arrays over the whole batch that bind directly to the encoder's
// input nodes. Buffers are reused across Pack calls. Make one with
// NewBatch.
type Batch struct {
	Shape
	Size int
	// OneHot[u] is (Size·Nodes, Vocab): node op types, zero rows for padding.
	OneHot [][]float64
	// Fwd[u] and Bwd[u] are (Size, Nodes, Nodes): the row-normalised
	// adjacency with self loops for messages from predecessors (Fwd) and
	// from successors (Bwd); zero rows and columns for padding.
	Fwd, Bwd [][]float64
	// Pool[u] is (Size, Nodes): 1/n for the n real nodes, 0 for padding,
	// so that Pool·V is the mean over real nodes.
	Pool [][]float64
	// Feat[u] is (Size·Nodes, Features): numeric node features; nil when
	// the space has none.
	Feat [][]float64
	// InvUnits[i] is 1/(number of real units) of row i (0 for padding rows):
	// the architecture embedding is the mean over real units only.
	InvUnits []float64
	// Used is the number of rows filled by the last Pack; rows beyond it
	// are padding (all zero) and their outputs are meaningless.
	Used int
}

// NewBatch allocates a batch of size architectures (≥ 1) of shape s.
func NewBatch(s Shape, size int) (*Batch, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if size < 1 {
		return nil, fmt.Errorf("encoding: batch size %d must be positive", size)
	}
	// The largest array of a unit: adjacencies or one-hots.
	if _, err := gx.Size(s.Units, size, s.Nodes, max(s.Nodes, s.Vocab, s.Features)); err != nil {
		return nil, fmt.Errorf("encoding: batch of %d architectures of shape %+v: %w", size, s, err)
	}
	b := &Batch{Shape: s, Size: size, InvUnits: make([]float64, size)}
	b.OneHot = alloc(s.Units, size*s.Nodes*s.Vocab)
	b.Fwd = alloc(s.Units, size*s.Nodes*s.Nodes)
	b.Bwd = alloc(s.Units, size*s.Nodes*s.Nodes)
	b.Pool = alloc(s.Units, size*s.Nodes)
	if s.Features > 0 {
		b.Feat = alloc(s.Units, size*s.Nodes*s.Features)
	}
	return b, nil
}

func alloc(units, n int) [][]float64 {
	out := make([][]float64, units)
	for u := range out {
		out[u] = make([]float64, n)
	}
	return out
}

// check reports a batch whose arrays do not match its shape and size: one
// not made by NewBatch, or whose exported fields were changed.
func (b *Batch) check() error {
	if b == nil {
		return errors.New("encoding: nil Batch")
	}
	if err := b.Shape.Validate(); err != nil {
		return err
	}
	N, V, F, S := b.Nodes, b.Vocab, b.Features, b.Size
	bad := S < 1 || len(b.InvUnits) != S || len(b.OneHot) != b.Units || len(b.Fwd) != b.Units ||
		len(b.Bwd) != b.Units || len(b.Pool) != b.Units || (F > 0 && len(b.Feat) != b.Units)
	for u := 0; !bad && u < b.Units; u++ {
		bad = len(b.OneHot[u]) != S*N*V || len(b.Fwd[u]) != S*N*N || len(b.Bwd[u]) != S*N*N ||
			len(b.Pool[u]) != S*N || (F > 0 && len(b.Feat[u]) != S*N*F)
	}
	if bad {
		return fmt.Errorf("encoding: batch arrays do not match shape %+v and size %d (make batches with NewBatch)", b.Shape, S)
	}
	return nil
}

// Pack fills the batch with seqs (at most Size of them); the remaining rows
// are zeroed. Every unit is validated against the shape; on error the batch
// holds no valid data until the next successful Pack.
func (b *Batch) Pack(seqs []searchspace.Sequence) error {
	if err := b.check(); err != nil {
		return err
	}
	if len(seqs) > b.Size {
		return fmt.Errorf("encoding: %d sequences for a batch of %d", len(seqs), b.Size)
	}
	b.Used = 0
	for i, seq := range seqs {
		if err := b.set(i, seq); err != nil {
			return fmt.Errorf("encoding: architecture %d of the batch: %w", i, err)
		}
	}
	for i := len(seqs); i < b.Size; i++ {
		b.clear(i)
	}
	b.Used = len(seqs)
	return nil
}

// Set writes one architecture's sequence into row i (0 ≤ i < Size). Its
// errors wrap searchspace.ErrInvalidArch and name the space's declaration
// (MaxUnits, MaxNodes or MaxCellNodes, OpNames, NumFeatures) that the
// sequence exceeds.
func (b *Batch) Set(i int, seq searchspace.Sequence) error {
	if err := b.check(); err != nil {
		return err
	}
	if err := b.set(i, seq); err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	return nil
}

func (b *Batch) set(i int, seq searchspace.Sequence) error {
	if i < 0 || i >= b.Size {
		return fmt.Errorf("row %d out of range for a batch of %d", i, b.Size)
	}
	if err := b.checkSequence(seq); err != nil {
		return err
	}
	b.clear(i)
	b.InvUnits[i] = 1 / float64(len(seq))
	N, V, F := b.Nodes, b.Vocab, b.Features
	for u, g := range seq {
		n := g.NumNodes()
		oh := b.OneHot[u][i*N*V:]
		for v, op := range g.Ops {
			oh[v*V+op] = 1
		}
		fwd := b.Fwd[u][i*N*N : (i+1)*N*N]
		bwd := b.Bwd[u][i*N*N : (i+1)*N*N]
		for v := 0; v < n; v++ {
			fwd[v*N+v], bwd[v*N+v] = 1, 1
			for w := v + 1; w < n; w++ {
				if g.Adj[v][w] { // edge v→w: w hears v going forward, v hears w going backward
					fwd[w*N+v] = 1
					bwd[v*N+w] = 1
				}
			}
		}
		rowNormalise(fwd, N)
		rowNormalise(bwd, N)
		pool := b.Pool[u][i*N : (i+1)*N]
		for v := 0; v < n; v++ {
			pool[v] = 1 / float64(n)
		}
		if F > 0 {
			ft := b.Feat[u][i*N*F:]
			for v := 0; v < n; v++ {
				copy(ft[v*F:(v+1)*F], g.Features[v])
			}
		}
	}
	return nil
}

// checkSequence validates a sequence against the shape: its unit count,
// then every unit.
func (s Shape) checkSequence(seq searchspace.Sequence) error {
	if len(seq) < 1 || len(seq) > s.Units {
		return fmt.Errorf("%w: sequence has %d units, the encoding takes 1 to %d (the space's MaxUnits, or the length of its sampled architecture's encoding, is too small)", searchspace.ErrInvalidArch, len(seq), s.Units)
	}
	for u, g := range seq {
		if err := s.checkUnit(g); err != nil {
			return fmt.Errorf("unit %d: %w", u, err)
		}
	}
	return nil
}

// checkUnit validates one unit against the shape, naming the space's
// declaration that a bad size exceeds, then its wiring.
func (b Shape) checkUnit(g searchspace.Graph) error {
	if n := g.NumNodes(); n > b.Nodes {
		return fmt.Errorf("%w: graph has %d nodes, the encoding takes at most %d (the space's MaxNodes, or MaxCellNodes for the single-cell encoding of a CellSized space, is too small)", searchspace.ErrInvalidArch, n, b.Nodes)
	}
	for v, op := range g.Ops {
		if op < 0 || op >= b.Vocab {
			return fmt.Errorf("%w: node %d has op index %d, outside the space's OpNames (%d ops)", searchspace.ErrInvalidArch, v, op, b.Vocab)
		}
	}
	if b.Features > 0 && len(g.Features) != g.NumNodes() {
		return fmt.Errorf("%w: graph has %d feature rows for %d nodes, but the space's NumFeatures declares %d features per node", searchspace.ErrInvalidArch, len(g.Features), g.NumNodes(), b.Features)
	}
	if b.Features > 0 {
		for v, f := range g.Features {
			if len(f) != b.Features {
				return fmt.Errorf("%w: node %d has %d features, the space's NumFeatures declares %d", searchspace.ErrInvalidArch, v, len(f), b.Features)
			}
			for k, x := range f {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return fmt.Errorf("%w: feature %d of node %d is %v", searchspace.ErrInvalidArch, k, v, x)
				}
			}
		}
	}
	if b.Features == 0 && g.Features != nil {
		return fmt.Errorf("%w: graph has node features, but the space's NumFeatures declares none", searchspace.ErrInvalidArch)
	}
	return g.Validate(b.Vocab, b.Nodes, b.Features)
}

func (b *Batch) clear(i int) {
	b.InvUnits[i] = 0
	N, V, F := b.Nodes, b.Vocab, b.Features
	for u := 0; u < b.Units; u++ {
		clear(b.OneHot[u][i*N*V : (i+1)*N*V])
		clear(b.Fwd[u][i*N*N : (i+1)*N*N])
		clear(b.Bwd[u][i*N*N : (i+1)*N*N])
		clear(b.Pool[u][i*N : (i+1)*N])
		if F > 0 {
			clear(b.Feat[u][i*N*F : (i+1)*N*F])
		}
	}
}

func rowNormalise(m []float64, n int) {
	for r := 0; r < n; r++ {
		row := m[r*n : (r+1)*n]
		s := 0.0
		for _, x := range row {
			s += x
		}
		if s > 0 {
			for c := range row {
				row[c] /= s
			}
		}
	}
}
