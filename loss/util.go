package loss

import (
	"errors"
	"fmt"
	"math"

	"github.com/hypernas/go-hypernas/internal/gx"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ErrShape is wrapped by every error about a node of the wrong shape, dtype
// or graph, so that callers can tell a wiring mistake from a numerical one.
var ErrShape = errors.New("loss: bad input")

// checkDtype accepts the two float dtypes every function here supports.
func checkDtype(dt tensor.Dtype) error {
	if err := gx.CheckDtype(dt); err != nil {
		return fmt.Errorf("%w: %v", ErrShape, err)
	}
	return nil
}

// asVector checks that n is a float vector of shape (B) or a column (B, 1)
// and returns it as a (B) vector.
func asVector(what string, n *G.Node) (*G.Node, error) {
	if n == nil {
		return nil, fmt.Errorf("%w: %s is nil", ErrShape, what)
	}
	if n.Graph() == nil {
		return nil, fmt.Errorf("%w: %s belongs to no graph", ErrShape, what)
	}
	if err := checkDtype(n.Dtype()); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	s := n.Shape()
	switch {
	case len(s) == 1 && s[0] >= 1:
		return n, nil
	case len(s) == 2 && s[0] >= 1 && s[1] == 1:
		return G.Reshape(n, tensor.Shape{s[0]})
	}
	return nil, fmt.Errorf("%w: %s has shape %v, want (B) or (B, 1)", ErrShape, what, s)
}

// predTarget validates a prediction/target pair and returns both as (B)
// vectors. A ranking loss (minBatch 2) needs at least two entries.
func predTarget(pred, target *G.Node, minBatch int) (p, t *G.Node, err error) {
	if p, err = asVector("pred", pred); err != nil {
		return nil, nil, err
	}
	if t, err = asVector("target", target); err != nil {
		return nil, nil, err
	}
	if p.Graph() != t.Graph() {
		return nil, nil, fmt.Errorf("%w: pred and target belong to different graphs", ErrShape)
	}
	if p.Dtype() != t.Dtype() {
		return nil, nil, fmt.Errorf("%w: pred is %v, target is %v", ErrShape, p.Dtype(), t.Dtype())
	}
	if p.Shape()[0] != t.Shape()[0] {
		return nil, nil, fmt.Errorf("%w: pred has %d entries, target %d", ErrShape, p.Shape()[0], t.Shape()[0])
	}
	if b := p.Shape()[0]; b < minBatch {
		return nil, nil, fmt.Errorf("%w: a ranking loss needs a batch of at least %d, got %d", ErrShape, minBatch, b)
	}
	return p, t, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
