package encoding

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/internal/gx"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Config is the encoder's architecture.
type Config struct {
	Shape
	// Hidden is the node embedding size (the op embedding and every GCN layer).
	Hidden int
	// Layers is the number of GCN layers.
	Layers int
}

// Validate checks the configuration.
func (c Config) Validate() error {
	if err := c.Shape.Validate(); err != nil {
		return err
	}
	switch {
	case c.Hidden < 1:
		return fmt.Errorf("encoding: hidden size %d must be positive", c.Hidden)
	case c.Layers < 1:
		return fmt.Errorf("encoding: %d GCN layers; need at least 1", c.Layers)
	}
	return nil
}

// InitParams creates the encoder's parameters in p (if absent) from rng:
// the op embedding E (Vocab×H), the feature projection W_f (Features×H) when
// the space has node features, and per layer l the two directions' weights
// side by side, [W_l⁺ | W_l⁻] (H×2H), so that one GEMM serves both.
func InitParams(p *Params, c Config, rng *rand.Rand) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if !p.ok() {
		return errNoParams
	}
	if rng == nil {
		return errors.New("encoding: InitParams with a nil random source")
	}
	if _, err := p.Init("enc/embed", tensor.Shape{c.Vocab, c.Hidden}, rng, 0); err != nil {
		return err
	}
	if c.Features > 0 {
		if _, err := p.Init("enc/feat", tensor.Shape{c.Features, c.Hidden}, rng, 0); err != nil {
			return err
		}
	}
	for l := 0; l < c.Layers; l++ {
		if _, err := p.Init(fmt.Sprintf("enc/gcn%d", l), tensor.Shape{c.Hidden, 2 * c.Hidden}, rng, 0); err != nil {
			return err
		}
	}
	return nil
}

// Encoder is the global-encoding GCN built in one graph for a fixed batch
// size. Its input nodes are re-bound per batch with Bind.
type Encoder struct {
	Config
	Batch int

	// Learnables are the encoder's parameter nodes in this graph.
	Learnables G.Nodes
	// NodeEmb[u] is (Batch, Nodes, Hidden): the last GCN layer's node
	// embeddings of unit u (what the hypernetwork reads). Padding nodes
	// are zero.
	NodeEmb []*G.Node
	// Z[u] is (Batch, Hidden): the embedding z^u of unit u.
	Z []*G.Node
	// H is (Batch, Hidden): the architecture embedding h = mean_u z^u.
	H *G.Node

	oneHot, fwd, bwd, pool, feat []*Input
	invUnits                     *Input
	invUnitsBuf                  []float64
}

// NewEncoder builds the encoder for batches of the given size in g, with its
// weights bound to p (create them first with InitParams).
//
// Per unit i, with node features V⁰ = onehot·E (+ features·W_f) + z^{i-1}
// (z⁰ = 0), each layer is
//
//	V_{l+1} = ½·ReLU(Ê V_l W_l⁺) + ½·ReLU(Êᵀ V_l W_l⁻)
//
// with Ê the row-normalised adjacency with self loops for messages from
// predecessors and Êᵀ its counterpart from successors (Batch.Fwd / Bwd), and
// z^i = mean over the unit's real nodes of the last layer. h = mean_i z^i
// over the architecture's real units.
//
// The first layer is computed as V⁰W₀ = onehot·(E W₀) + features·(W_f W₀) +
// z^{i-1}W₀, which is the same linear map but costs a Vocab-wide product
// per node instead of an H-wide one. Padding nodes have zero adjacency rows,
// so they are zero after the first layer and never reach real nodes or the
// pooled mean.
func NewEncoder(g *G.ExprGraph, p *Params, c Config, batch int) (*Encoder, error) {
	return NewEncoderNamed(g, p, c, batch, "")
}

// NewEncoderNamed is NewEncoder with its input nodes named prefix+name, so
// that a second encoder can share a graph, and the weights, with the first:
// Gorgonia would merge input nodes of equal name, type and shape, so a
// prefix already used in g is an error. Parameter nodes are shared on
// purpose.
func NewEncoderNamed(g *G.ExprGraph, p *Params, c Config, batch int, prefix string) (_ *Encoder, err error) {
	defer gx.Recover(&err, "encoding", "building the encoder")
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if batch < 1 {
		return nil, fmt.Errorf("encoding: batch size %d must be positive", batch)
	}
	if g == nil {
		return nil, errors.New("encoding: encoder in a nil graph")
	}
	if !p.ok() {
		return nil, errNoParams
	}
	dt := p.DType()
	e := &Encoder{Config: c, Batch: batch}
	param := func(name string) (*G.Node, error) {
		n, err := p.Node(g, name)
		if err == nil {
			e.Learnables = append(e.Learnables, n)
		}
		return n, err
	}
	embed, err := param("enc/embed")
	if err != nil {
		return nil, err
	}
	var featW *G.Node
	if c.Features > 0 {
		if featW, err = param("enc/feat"); err != nil {
			return nil, err
		}
	}
	w := make([]*G.Node, c.Layers)
	for l := range w {
		if w[l], err = param(fmt.Sprintf("enc/gcn%d", l)); err != nil {
			return nil, err
		}
	}
	B, N, H := batch, c.Nodes, c.Hidden
	embW, err := G.Mul(embed, w[0]) // (Vocab, 2H)
	if err != nil {
		return nil, err
	}
	var featWW *G.Node
	if c.Features > 0 {
		if featWW, err = G.Mul(featW, w[0]); err != nil {
			return nil, err
		}
	}
	var zPrev, zSum *G.Node
	for u := 0; u < c.Units; u++ {
		var ins [4]*Input // one-hot, forward and backward adjacency, pooling weights
		for k, in := range []struct {
			name  string
			shape []int
		}{{"onehot", []int{B * N, c.Vocab}}, {"fwd", []int{B, N, N}}, {"bwd", []int{B, N, N}}, {"pool", []int{B, N}}} {
			if ins[k], err = NewInput(g, dt, fmt.Sprintf("%s%s%d", prefix, in.name, u), in.shape...); err != nil {
				return nil, err
			}
		}
		oh, fw, bw, pl := ins[0], ins[1], ins[2], ins[3]
		e.oneHot, e.fwd, e.bwd, e.pool = append(e.oneHot, oh), append(e.fwd, fw), append(e.bwd, bw), append(e.pool, pl)
		pre, err := G.Mul(oh.Node, embW) // (B·N, 2H)
		if err != nil {
			return nil, err
		}
		if c.Features > 0 {
			ft, err := NewInput(g, dt, fmt.Sprintf("%sfeat%d", prefix, u), B*N, c.Features)
			if err != nil {
				return nil, err
			}
			e.feat = append(e.feat, ft)
			fv, err := G.Mul(ft.Node, featWW)
			if err != nil {
				return nil, err
			}
			if pre, err = G.Add(pre, fv); err != nil {
				return nil, err
			}
		}
		pre3, err := G.Reshape(pre, tensor.Shape{B, N, 2 * H})
		if err != nil {
			return nil, err
		}
		if zPrev != nil { // inter-cell link v ← v + z^{i-1}, through W₀
			zw, err := G.Mul(zPrev, w[0])
			if err != nil {
				return nil, err
			}
			zw3, err := G.Reshape(zw, tensor.Shape{B, 1, 2 * H})
			if err != nil {
				return nil, err
			}
			if pre3, err = G.BroadcastAdd(pre3, zw3, nil, []byte{1}); err != nil {
				return nil, err
			}
		}
		v3, err := GCNCombine(fw.Node, bw.Node, pre3)
		if err != nil {
			return nil, err
		}
		for l := 1; l < c.Layers; l++ {
			v, err := G.Reshape(v3, tensor.Shape{B * N, H})
			if err != nil {
				return nil, err
			}
			pre, err := G.Mul(v, w[l])
			if err != nil {
				return nil, err
			}
			if pre3, err = G.Reshape(pre, tensor.Shape{B, N, 2 * H}); err != nil {
				return nil, err
			}
			if v3, err = GCNCombine(fw.Node, bw.Node, pre3); err != nil {
				return nil, err
			}
		}
		e.NodeEmb = append(e.NodeEmb, v3)
		z, err := Pool(pl.Node, v3)
		if err != nil {
			return nil, err
		}
		e.Z = append(e.Z, z)
		zPrev = z
		if zSum == nil {
			zSum = z
		} else if zSum, err = G.Add(zSum, z); err != nil {
			return nil, err
		}
	}
	// h = mean over the architecture's real units: padding units (after
	// the last real one) have z = 0, and each row is scaled by 1/U_real.
	if e.invUnits, err = NewInput(g, dt, prefix+"inv_units", B, H); err != nil {
		return nil, err
	}
	e.invUnitsBuf = make([]float64, B*H)
	e.H, err = G.HadamardProd(zSum, e.invUnits.Node)
	return e, err
}

// Bind sets the encoder's inputs from a packed batch of the same shape.
func (e *Encoder) Bind(b *Batch) error {
	if e == nil || e.invUnits == nil {
		return errors.New("encoding: Encoder not made by NewEncoder")
	}
	if b == nil {
		return errors.New("encoding: Bind of a nil Batch")
	}
	if b.Shape != e.Shape || b.Size != e.Batch {
		return fmt.Errorf("encoding: batch of shape %+v×%d for an encoder of shape %+v×%d", b.Shape, b.Size, e.Shape, e.Batch)
	}
	if err := b.check(); err != nil {
		return err
	}
	for u := 0; u < e.Units; u++ {
		for _, p := range []struct {
			in  *Input
			val []float64
		}{{e.oneHot[u], b.OneHot[u]}, {e.fwd[u], b.Fwd[u]}, {e.bwd[u], b.Bwd[u]}, {e.pool[u], b.Pool[u]}} {
			if err := p.in.Set(p.val); err != nil {
				return err
			}
		}
		if e.Features > 0 {
			if err := e.feat[u].Set(b.Feat[u]); err != nil {
				return err
			}
		}
	}
	for i, v := range b.InvUnits {
		for k := 0; k < e.Hidden; k++ {
			e.invUnitsBuf[i*e.Hidden+k] = v
		}
	}
	return e.invUnits.Set(e.invUnitsBuf)
}
