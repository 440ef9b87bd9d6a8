package hypernas

import (
	"fmt"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/internal/gx"

	"github.com/hypernas/go-hypernas/encoding"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// graphModel is the predictor's computation graph for one batch size:
// encoder, MLP head ŷ = W₂·ReLU(W₁·h + b₁) + b₂, and (for training) dropout
// masks bound per step.
type graphModel struct {
	g    *G.ExprGraph
	enc  *encoding.Encoder
	pred *G.Node // (B)
	// learnables in a fixed order: encoder then head.
	learnables G.Nodes
	// dropout masks, nil when dropout is off.
	dropH, dropHidden *encoding.Input
	predVal           G.Value
}

func initHead(p *encoding.Params, hidden, headHidden int, rng *rand.Rand) error {
	if _, err := p.Init("head/w1", tensor.Shape{hidden, headHidden}, rng, 0); err != nil {
		return err
	}
	if _, err := p.Init("head/b1", tensor.Shape{1, headHidden}, rng, -1); err != nil {
		return err
	}
	if _, err := p.Init("head/w2", tensor.Shape{headHidden, 1}, rng, 0); err != nil {
		return err
	}
	_, err := p.Init("head/b2", tensor.Shape{1, 1}, rng, -1)
	return err
}

// buildModel builds encoder + head for batch size B. With dropout > 0 the
// graph takes dropout masks (training graphs only).
func buildModel(p *encoding.Params, cfg encoding.Config, headHidden, B int, dropout float64) (m *graphModel, err error) {
	defer gx.Recover(&err, "hypernas", "building the predictor graph")
	g := G.NewGraph()
	enc, err := encoding.NewEncoder(g, p, cfg, B)
	if err != nil {
		return nil, err
	}
	m = &graphModel{g: g, enc: enc}
	m.learnables = append(m.learnables, enc.Learnables...)
	node := func(name string) *G.Node {
		n, e := p.Node(g, name)
		if e != nil && err == nil {
			err = e
		}
		m.learnables = append(m.learnables, n)
		return n
	}
	w1, b1, w2, b2 := node("head/w1"), node("head/b1"), node("head/w2"), node("head/b2")
	if err != nil {
		return nil, err
	}
	h := enc.H
	if dropout > 0 {
		if m.dropH, err = encoding.NewInput(g, p.DType(), "drop_h", B, cfg.Hidden); err != nil {
			return nil, err
		}
		if h, err = G.HadamardProd(h, m.dropH.Node); err != nil {
			return nil, err
		}
	}
	x, err := G.Mul(h, w1)
	if err != nil {
		return nil, err
	}
	if x, err = G.BroadcastAdd(x, b1, nil, []byte{0}); err != nil {
		return nil, err
	}
	if x, err = G.Rectify(x); err != nil {
		return nil, err
	}
	if dropout > 0 {
		if m.dropHidden, err = encoding.NewInput(g, p.DType(), "drop_hidden", B, headHidden); err != nil {
			return nil, err
		}
		if x, err = G.HadamardProd(x, m.dropHidden.Node); err != nil {
			return nil, err
		}
	}
	if x, err = G.Mul(x, w2); err != nil {
		return nil, err
	}
	if x, err = G.BroadcastAdd(x, b2, nil, []byte{0}); err != nil {
		return nil, err
	}
	if m.pred, err = G.Reshape(x, tensor.Shape{B}); err != nil {
		return nil, err
	}
	G.Read(m.pred, &m.predVal)
	return m, nil
}

// setDropout draws fresh inverted-dropout masks (0 or 1/(1−p)) from rng.
func (m *graphModel) setDropout(rng *rand.Rand, p float64, buf []float64) error {
	if m.dropH == nil {
		return nil
	}
	for _, in := range []*encoding.Input{m.dropH, m.dropHidden} {
		n := in.Node.Shape().TotalSize()
		if cap(buf) < n {
			buf = make([]float64, n)
		}
		buf = buf[:n]
		for i := range buf {
			if rng.Float64() < p {
				buf[i] = 0
			} else {
				buf[i] = 1 / (1 - p)
			}
		}
		if err := in.Set(buf); err != nil {
			return err
		}
	}
	return nil
}

// headKernel is the MLP head of buildModel's graph without the graph, for
// prediction: ŷ = W₂·ReLU(W₁·h + b₁) + b₂ with the graph's arithmetic in the
// graph's order (gx.MatMul is its product), so both give the same bits.
type headKernel[T gx.Float] struct {
	hidden, headHidden int
	w1, b1, w2, b2     []T
	h, x, y            []T // h, the hidden layer and ŷ of a batch
}

func newHead(p *encoding.Params, hidden, headHidden int) (scoreHead, error) {
	var k scoreHead
	if p.DType() == tensor.Float32 {
		k = &headKernel[float32]{hidden: hidden, headHidden: headHidden}
	} else {
		k = &headKernel[float64]{hidden: hidden, headHidden: headHidden}
	}
	return k, k.load(p)
}

// scoreHead is a headKernel of either dtype.
type scoreHead interface {
	load(p *encoding.Params) error
	// scores sets out[i] to ŷ of the embedding h[i·hidden:(i+1)·hidden].
	scores(h, out []float64)
}

func (k *headKernel[T]) load(p *encoding.Params) error {
	for _, w := range []struct {
		dst  *[]T
		name string
		n    int
	}{{&k.w1, "head/w1", k.hidden * k.headHidden}, {&k.b1, "head/b1", k.headHidden}, {&k.w2, "head/w2", k.headHidden}, {&k.b2, "head/b2", 1}} {
		t := p.Get(w.name)
		if t == nil || t.Shape().TotalSize() != w.n {
			return fmt.Errorf("hypernas: parameter %s is missing or has the wrong size", w.name)
		}
		*w.dst = append((*w.dst)[:0], t.Data().([]T)...)
	}
	return nil
}

func (k *headKernel[T]) scores(h, out []float64) {
	B, H, M := len(out), k.hidden, k.headHidden
	k.h, k.x, k.y = gx.Grow(k.h, B*H), gx.Grow(k.x, B*M), gx.Grow(k.y, B)
	for i, v := range h[:B*H] {
		k.h[i] = T(v) // exact: h was computed in T
	}
	gx.MatMul(B, M, H, k.h, k.w1, k.x)
	for i := range B {
		xi := k.x[i*M : (i+1)*M]
		for j, b := range k.b1 {
			if v := xi[j] + b; v > 0 {
				xi[j] = v
			} else {
				xi[j] = 0
			}
		}
	}
	gx.MatMul(B, 1, M, k.x, k.w2, k.y)
	for i, v := range k.y {
		out[i] = float64(v + k.b2[0])
	}
}
