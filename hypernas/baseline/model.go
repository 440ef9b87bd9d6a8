package baseline

import (
	"context"
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

// Model is a performance predictor of one search space: it learns from
// labelled architectures and scores others, higher meaning better. The
// ridge regression, the random forest, the GCN of package hypernas (GCN),
// ensembles of any of them and the cross-validated choice among them are
// Models, so that one evaluation serves them all.
//
// Fit may be called again, to train anew on other data. Scores are on the
// labels' scale but, like the GCN's with rank-Gauss labels, rank rather
// than calibrate. Errors wrap hypernas.ErrBadLabels (labels that cannot
// rank), hypernas.ErrNotTrained (Predict before Fit) or
// searchspace.ErrInvalidArch (an architecture the space cannot encode).
type Model interface {
	Fit(ctx context.Context, archs []searchspace.Arch, labels []float64) error
	Predict(ctx context.Context, archs []searchspace.Arch) ([]float64, error)
}

// Spec names a kind of model and makes fresh, untrained ones: one for
// every fold of a cross-validation, every member of an ensemble, every
// seed of an evaluation. New must give the same model for the same seed.
type Spec struct {
	// Name labels the model in reports ("ridge", "forest", "gcn" …).
	Name string
	// New makes an untrained model whose random choices follow seed.
	New func(seed uint64) (Model, error)
}

// Make calls s.New after checking that s has one.
func (s Spec) Make(seed uint64) (Model, error) {
	if s.New == nil {
		return nil, fmt.Errorf("%w: model spec %q has no New function", hypernas.ErrBadOption, s.Name)
	}
	m, err := s.New(seed)
	if err == nil && m == nil {
		err = fmt.Errorf("%w: model spec %q made a nil model", hypernas.ErrBadOption, s.Name)
	}
	return m, err
}

// checkFit checks Fit's arguments.
func checkFit(ctx context.Context, archs []searchspace.Arch, labels []float64) error {
	if ctx == nil {
		return fmt.Errorf("%w: nil context", hypernas.ErrBadOption)
	}
	if len(archs) != len(labels) {
		return fmt.Errorf("%w: %d architectures, %d labels", hypernas.ErrBadLabels, len(archs), len(labels))
	}
	return nil
}

// trainingData checks Fit's arguments and returns the feature matrix of
// archs (row-major, feat.Dim() columns), the training targets of labels
// (rank-Gauss or z-scores) and the map from targets back to labels.
func trainingData(ctx context.Context, feat *Features, archs []searchspace.Arch, labels []float64, rank bool) (x, y []float64, sc scale, err error) {
	if err := checkFit(ctx, archs, labels); err != nil {
		return nil, nil, sc, err
	}
	y, mean, std, err := hypernas.TrainingTargets(labels, rank)
	if err != nil {
		return nil, nil, sc, err
	}
	x, err = feat.Matrix(ctx, archs)
	if err != nil {
		return nil, nil, sc, err
	}
	return x, y, scale{mean, std}, nil
}

// predictRows scores archs with score applied to each one's feature row,
// mapped back to the labels' scale by sc; ErrNotTrained before Fit.
func predictRows(ctx context.Context, feat *Features, trained bool, sc scale, archs []searchspace.Arch, score func(row []float64) float64) ([]float64, error) {
	if !trained {
		return nil, hypernas.ErrNotTrained
	}
	x, err := feat.Matrix(ctx, archs)
	if err != nil {
		return nil, err
	}
	d := feat.Dim()
	out := make([]float64, len(archs))
	for i := range out {
		out[i] = score(x[i*d : (i+1)*d])
	}
	sc.apply(out)
	return out, nil
}

// scale maps a model's outputs on the training targets' scale back to the
// labels': y = mean + std·ŷ.
type scale struct{ mean, std float64 }

func (s scale) apply(v []float64) {
	for i, x := range v {
		v[i] = s.mean + s.std*x
	}
}
