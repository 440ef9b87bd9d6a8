package baseline

import (
	"context"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

// GCN is the predictor of package hypernas as a Model: a new
// hypernas.Predictor with the given options trained from scratch by every
// Fit.
type GCN struct {
	space searchspace.SearchSpace
	opts  []hypernas.Option
	p     *hypernas.Predictor
	rep   *hypernas.TrainReport
}

// NewGCN returns an untrained GCN model; the options are those of
// hypernas.NewPredictor, checked here.
func NewGCN(space searchspace.SearchSpace, seed uint64, opts ...hypernas.Option) (*GCN, error) {
	opts = append(append([]hypernas.Option(nil), opts...), hypernas.WithSeed(seed))
	if _, err := hypernas.NewPredictor(space, opts...); err != nil {
		return nil, err
	}
	return &GCN{space: space, opts: opts}, nil
}

// GCNModel is the Spec of NewGCN, named name ("hypernas-p", "np" …).
func GCNModel(name string, space searchspace.SearchSpace, opts ...hypernas.Option) Spec {
	return Spec{Name: name, New: func(seed uint64) (Model, error) { return NewGCN(space, seed, opts...) }}
}

// Fit trains a new predictor on labelled architectures.
func (m *GCN) Fit(ctx context.Context, archs []searchspace.Arch, labels []float64) error {
	if err := checkFit(ctx, archs, labels); err != nil {
		return err
	}
	p, err := hypernas.NewPredictor(m.space, m.opts...)
	if err != nil {
		return err
	}
	rep, err := p.Fit(ctx, archs, labels)
	if err != nil {
		return err
	}
	m.p, m.rep = p, rep
	return nil
}

// Predict scores architectures with the last trained predictor.
func (m *GCN) Predict(ctx context.Context, archs []searchspace.Arch) ([]float64, error) {
	if m.p == nil {
		return nil, hypernas.ErrNotTrained
	}
	return m.p.Predict(ctx, archs)
}

// Predictor is the trained predictor, nil before Fit: save it, stream
// predictions through it.
func (m *GCN) Predictor() *hypernas.Predictor { return m.p }

// Report is the training report of the last Fit, nil before.
func (m *GCN) Report() *hypernas.TrainReport { return m.rep }
