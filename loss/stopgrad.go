package loss

import (
	"errors"
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	"github.com/hypernas/go-hypernas/internal/gx"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// stopGradient is the identity in the forward pass and blocks the gradient
// in the backward pass. Gorgonia v0.9.18 has no such op. Its DiffWRT reports
// the input as not differentiable, so Backpropagate neither marks the node
// active nor calls SymDiff on it: the tape computes the value of the node in
// the same step as everything else (no one-step lag) and no gradient flows
// into its input through it. The finite-difference tests of Adaptive with
// FactorGradient off check this.
type stopGradient struct{ gx.OpDefaults }

func (stopGradient) Arity() int { return 1 }

func (stopGradient) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

func (stopGradient) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("loss: stop-gradient takes 1 input, got %d", len(in))
	}
	s, ok := in[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("loss: stop-gradient: input shape is a %T", in[0])
	}
	return s.Clone(), nil
}

// Do returns a copy, never the input itself: the tape may reuse the input's
// memory for later instructions.
func (stopGradient) Do(vals ...G.Value) (G.Value, error) {
	if len(vals) != 1 {
		return nil, fmt.Errorf("loss: stop-gradient takes 1 value, got %d", len(vals))
	}
	return G.CloneValue(vals[0])
}

func (stopGradient) WriteHash(h hash.Hash) { gx.WriteHash(h, "hypernas/loss.stopGradient") }
func (op stopGradient) Hashcode() uint32   { return gx.Hashcode(op) }
func (stopGradient) String() string        { return "StopGradient" }

// DiffWRT marks the input as not differentiable: this is what blocks the
// gradient.
func (stopGradient) DiffWRT(inputs int) []bool { return make([]bool, inputs) }

// SymDiff is never called for a node whose inputs are all non-differentiable;
// it fails loudly should a future Gorgonia call it anyway.
func (stopGradient) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, errors.New("loss: stop-gradient has no derivative")
}

// StopGradient returns a node with the value of x that passes no gradient to
// x: in G.Grad, everything computed from it is treated as a constant.
func StopGradient(x *G.Node) (_ *G.Node, err error) {
	defer gx.Recover(&err, "loss", "building a stop-gradient")
	if x == nil {
		return nil, errors.New("loss: StopGradient of a nil node")
	}
	return G.ApplyOp(stopGradient{}, x)
}
