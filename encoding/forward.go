package encoding

import (
	"errors"
	"fmt"

	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/searchspace"
	"gorgonia.org/tensor"
)

// Forward is the encoder's forward pass without a graph, for prediction: the
// architecture embedding h of each sequence, computed with the arithmetic of
// Encoder's graph in the same order, so that both give the same bits. It
// visits only the real nodes of each unit (the graph pads every unit to
// Shape.Nodes and masks the padding), keeps the adjacency sparse, and reuses
// its buffers from batch to batch, so that embedding a batch allocates
// nothing once the buffers have grown.
//
// A Forward holds a copy of the weights it was made or last loaded with. It
// is not safe for concurrent use: make one per goroutine.
type Forward struct {
	Config
	k32 *kernel[float32]
	k64 *kernel[float64]
}

// NewForward returns the forward pass of an encoder of configuration c with
// the weights in p (made by InitParams, or trained).
func NewForward(p *Params, c Config) (*Forward, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	f := &Forward{Config: c}
	if err := f.Load(p); err != nil {
		return nil, err
	}
	return f, nil
}

// Load replaces f's weights with a copy of p's, which must have f's
// configuration and p's dtype must not change between loads.
func (f *Forward) Load(p *Params) error {
	if f == nil || f.Hidden == 0 {
		return errors.New("encoding: Forward not made by NewForward")
	}
	if !p.ok() {
		return errNoParams
	}
	switch p.DType() {
	case tensor.Float32:
		if f.k64 != nil {
			return errors.New("encoding: Forward made for float64 weights loads float32 ones")
		}
		if f.k32 == nil {
			f.k32 = &kernel[float32]{c: f.Config}
		}
		return f.k32.load(p)
	default:
		if f.k32 != nil {
			return errors.New("encoding: Forward made for float32 weights loads float64 ones")
		}
		if f.k64 == nil {
			f.k64 = &kernel[float64]{c: f.Config}
		}
		return f.k64.load(p)
	}
}

// Embed writes the architecture embedding h of every sequence into
// h[i·Hidden : (i+1)·Hidden], after checking each sequence against the
// shape as Batch.Set does (the error names the sequence and unit).
func (f *Forward) Embed(seqs []searchspace.Sequence, h []float64) (err error) {
	if f == nil || (f.k32 == nil && f.k64 == nil) {
		return errors.New("encoding: Forward not made by NewForward")
	}
	if len(h) != len(seqs)*f.Hidden {
		return fmt.Errorf("encoding: %d values for the embeddings of %d sequences of hidden size %d", len(h), len(seqs), f.Hidden)
	}
	defer gx.Recover(&err, "encoding", "embedding a batch")
	for i, seq := range seqs {
		if err := f.Shape.checkSequence(seq); err != nil {
			return fmt.Errorf("encoding: sequence %d: %w", i, err)
		}
	}
	if f.k32 != nil {
		f.k32.embed(seqs, h)
	} else {
		f.k64.embed(seqs, h)
	}
	return nil
}

// kernel is Forward for one element type.
type kernel[T gx.Float] struct {
	c Config
	// embW = E·W₀ (Vocab×2H), featW = W_f·W₀ (Features×2H), w[l] = [W_l⁺|W_l⁻]
	// (H×2H); w[0] also maps z^{i−1} into the first layer.
	embW, featW []T
	w           [][]T

	units []unitRows[T]
	inv   []T     // 1/units of each sequence
	cols  []int32 // a row's columns while packing
	// scratch: P (rows×2H), V (rows×H), z, Σz (batch×H), the z of the
	// sequences that have the current unit and their image under W₀.
	p, v, fv, z, zsum, zc, zw []T
}

// unitRows is one unit of a batch: the real nodes of every sequence that
// has the unit, one row each, sequence after sequence.
type unitRows[T gx.Float] struct {
	seq   []int32 // the sequences (batch indices) that have the unit
	first []int32 // the first row of each, and the row count at the end
	op    []int32
	feat  []T // rows×Features
	pool  []T // 1/n for each of a sequence's n rows
	// fwd, bwd: the rows of Ê and Êᵀ (with self loops, row-normalised:
	// weight 1/n for the n entries, computed in float64 and converted as
	// Batch's values are), columns in increasing order as in Batch.
	fwd, bwd gx.CSR[T]
}

func (k *kernel[T]) load(p *Params) error {
	c := k.c
	H := c.Hidden
	get := func(name string, rows, cols int) ([]T, error) {
		t := p.Get(name)
		if t == nil {
			return nil, fmt.Errorf("encoding: no parameter %s", name)
		}
		if !t.Shape().Eq(tensor.Shape{rows, cols}) {
			return nil, fmt.Errorf("encoding: parameter %s has shape %v, the encoder needs (%d, %d)", name, t.Shape(), rows, cols)
		}
		return t.Data().([]T), nil
	}
	k.w = k.w[:0]
	for l := 0; l < c.Layers; l++ {
		w, err := get(fmt.Sprintf("enc/gcn%d", l), H, 2*H)
		if err != nil {
			return err
		}
		k.w = append(k.w, append([]T(nil), w...))
	}
	e, err := get("enc/embed", c.Vocab, H)
	if err != nil {
		return err
	}
	k.embW = gx.Grow(k.embW, c.Vocab*2*H)
	gx.MatMul(c.Vocab, 2*H, H, e, k.w[0], k.embW)
	if c.Features > 0 {
		fw, err := get("enc/feat", c.Features, H)
		if err != nil {
			return err
		}
		k.featW = gx.Grow(k.featW, c.Features*2*H)
		gx.MatMul(c.Features, 2*H, H, fw, k.w[0], k.featW)
	}
	return nil
}

// pack lays the sequences out as rows, unit by unit.
func (k *kernel[T]) pack(seqs []searchspace.Sequence) {
	c := k.c
	if len(k.units) != c.Units {
		k.units = make([]unitRows[T], c.Units)
	}
	for u := range k.units {
		ur := &k.units[u]
		ur.seq, ur.first, ur.op, ur.feat, ur.pool = ur.seq[:0], ur.first[:0], ur.op[:0], ur.feat[:0], ur.pool[:0]
		ur.fwd.Reset()
		ur.bwd.Reset()
	}
	k.inv = k.inv[:0]
	cols := k.cols
	for i, seq := range seqs {
		k.inv = append(k.inv, T(1/float64(len(seq))))
		for u, g := range seq {
			ur := &k.units[u]
			base := int32(len(ur.op))
			ur.seq = append(ur.seq, int32(i))
			ur.first = append(ur.first, base)
			n := len(g.Ops)
			pw := T(1 / float64(n))
			for v, op := range g.Ops {
				ur.op = append(ur.op, int32(op))
				ur.pool = append(ur.pool, pw)
				// Messages from predecessors, then the self loop.
				cols = cols[:0]
				for j := 0; j < v; j++ {
					if g.Adj[j][v] {
						cols = append(cols, base+int32(j))
					}
				}
				cols = append(cols, base+int32(v))
				ur.fwd.AppendRow(cols, T(1/float64(len(cols))))
				// The self loop, then messages from successors.
				cols = append(cols[:0], base+int32(v))
				for j := v + 1; j < n; j++ {
					if g.Adj[v][j] {
						cols = append(cols, base+int32(j))
					}
				}
				ur.bwd.AppendRow(cols, T(1/float64(len(cols))))
				if c.Features > 0 {
					for _, x := range g.Features[v] {
						ur.feat = append(ur.feat, T(x))
					}
				}
			}
		}
	}
	for u := range k.units {
		ur := &k.units[u]
		ur.first = append(ur.first, int32(len(ur.op)))
	}
	k.cols = cols
}

// embed computes h for seqs (checked) as Encoder's graph does; see
// NewEncoder for the equations.
func (k *kernel[T]) embed(seqs []searchspace.Sequence, h []float64) {
	k.pack(seqs)
	c := k.c
	H, H2, B := c.Hidden, 2*c.Hidden, len(seqs)
	k.z, k.zsum = gx.Grow(k.z, B*H), gx.Grow(k.zsum, B*H)
	z, zsum := k.z, k.zsum
	for u := range k.units {
		ur := &k.units[u]
		R, m := len(ur.op), len(ur.seq)
		if R == 0 {
			break // no sequence is that long
		}
		k.p, k.v = gx.Grow(k.p, R*H2), gx.Grow(k.v, R*H)
		P, V := k.p, k.v
		// First layer's product V⁰W₀ = onehot·(E W₀) + features·(W_f W₀) + z^{i−1}W₀.
		for r, op := range ur.op {
			copy(P[r*H2:(r+1)*H2], k.embW[int(op)*H2:int(op+1)*H2])
		}
		if c.Features > 0 {
			k.fv = gx.Grow(k.fv, R*H2)
			gx.MatMul(R, H2, c.Features, ur.feat, k.featW, k.fv)
			gx.Axpy(1, k.fv, P)
		}
		if u > 0 {
			k.zc, k.zw = gx.Grow(k.zc, m*H), gx.Grow(k.zw, m*H2)
			for i, s := range ur.seq {
				copy(k.zc[i*H:(i+1)*H], z[int(s)*H:int(s+1)*H])
			}
			gx.MatMul(m, H2, H, k.zc, k.w[0], k.zw)
			for i := range ur.seq {
				zw := k.zw[i*H2 : (i+1)*H2]
				for r := ur.first[i]; r < ur.first[i+1]; r++ {
					gx.Axpy(1, zw, P[int(r)*H2:int(r+1)*H2]) // P + 1·zw = P + zw
				}
			}
		}
		k.combine(ur, P, V)
		for l := 1; l < c.Layers; l++ {
			gx.MatMul(R, H2, H, V, k.w[l], P)
			k.combine(ur, P, V)
		}
		// z^i = mean of the unit's node embeddings; Σz over the units.
		for i, s := range ur.seq {
			zs, sum := z[int(s)*H:int(s+1)*H], zsum[int(s)*H:int(s+1)*H]
			clear(zs)
			for r := ur.first[i]; r < ur.first[i+1]; r++ {
				gx.Axpy(ur.pool[r], V[int(r)*H:int(r+1)*H], zs)
			}
			if u == 0 {
				copy(sum, zs)
			} else {
				for j, x := range zs {
					sum[j] += x
				}
			}
		}
	}
	for i := 0; i < B; i++ {
		for j := 0; j < H; j++ {
			h[i*H+j] = float64(zsum[i*H+j] * k.inv[i])
		}
	}
}

// combine is one GCN layer's message passing on the unit's rows:
// V = ½·ReLU(Ê P⁺) + ½·ReLU(Êᵀ P⁻), as gcnForward computes it.
func (k *kernel[T]) combine(ur *unitRows[T], P, V []T) {
	gx.GCNRows(&ur.fwd, &ur.bwd, P, V, k.c.Hidden)
}
