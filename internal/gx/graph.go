package gx

import (
	"errors"
	"fmt"

	G "gorgonia.org/gorgonia"
)

// UniqueName returns name, or name with "#2", "#3" … appended, such that
// no node of g has it yet: Gorgonia merges input nodes of equal name, type
// and shape, so two losses on one graph need distinct target inputs.
func UniqueName(g *G.ExprGraph, name string) string {
	if g == nil || len(g.ByName(name)) == 0 {
		return name
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s#%d", name, i)
		if len(g.ByName(n)) == 0 {
			return n
		}
	}
}

// CheckHashes returns an error when two distinct nodes of g share a hash.
// Gorgonia v0.9.18's compiler merges nodes by their 32-bit hash alone, so
// such a pair would silently feed one node's value to the other's
// consumers; a rare collision must stop a run, not corrupt it. Call it after
// G.Grad, before compiling.
func CheckHashes(g *G.ExprGraph) error {
	if g == nil {
		return errors.New("nil graph")
	}
	seen := make(map[uint32]*G.Node)
	for _, n := range g.AllNodes() {
		h := n.Hashcode()
		if o, ok := seen[h]; ok && o != n {
			return fmt.Errorf("graph nodes %v and %v share the hash %#x, which Gorgonia would merge; try another batch size or configuration", o, n, h)
		}
		seen[h] = n
	}
	return nil
}

// ErrPanic is wrapped by the errors Recover makes.
var ErrPanic = errors.New("panic")

// Recover turns a panic into an error at an API boundary. Deferred as the
// first statement of a function with a named error result,
//
//	defer gx.Recover(&err, "loss", "building the ListMLE loss")
//
// it recovers a panic (Gorgonia panics on much that it could report, such
// as nodes of different graphs) and sets err to
// "loss: panic while building the ListMLE loss: <value>", wrapping ErrPanic.
// The function's other results keep whatever values they had.
func Recover(err *error, pkg, what string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: %w while %s: %v", pkg, ErrPanic, what, r)
	}
}

// Recoverf is Recover with the description formatted from format and args
// only if there is a panic, for guards on a hot path:
//
//	defer gx.Recoverf(&err, "hypernas", "encoding architecture %v", lazy)
func Recoverf(err *error, pkg, format string, args ...any) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: %w while %s: %v", pkg, ErrPanic, fmt.Sprintf(format, args...), r)
	}
}

// Chain applies unary node functions to x in turn and returns the last
// result, or the first error, so that a chain of graph ops needs one error
// check:
//
//	y, err := gx.Chain(x, G.Neg, G.Exp, G.Log1p) // ln(1 + e^−x)
func Chain(x *G.Node, fs ...func(*G.Node) (*G.Node, error)) (*G.Node, error) {
	var err error
	for _, f := range fs {
		if x, err = f(x); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// DiffWRT returns the DiffWRT answer of an op with n inputs of which those
// at the indices diff are differentiable.
func DiffWRT(n int, diff ...int) []bool {
	d := make([]bool, n)
	for _, i := range diff {
		if i >= 0 && i < n {
			d[i] = true
		}
	}
	return d
}
