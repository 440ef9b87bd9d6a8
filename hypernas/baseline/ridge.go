package baseline

import (
	"context"
	"fmt"
	"math"

	"github.com/hypernas/go-hypernas/searchspace"
	"gonum.org/v1/gonum/mat"
)

// Ridge is ridge regression on the flat features of a space (Features),
// standardised on the training set: β = argmin ‖y − Xβ‖² + α‖β‖². The
// penalty α is chosen on the training set alone, by generalised
// cross-validation (Golub, Heath & Wahba 1979), unless WithAlpha fixes it.
// It is the linear baseline a new space should be checked against: with
// 50–200 labels it can rank as well as a graph network trained from
// scratch. Fitting costs one singular value decomposition of the n×d
// training matrix.
type Ridge struct {
	feat *Features
	o    Options

	cols      []column // the features that vary over the training set
	beta      []float64
	intercept float64
	alpha     float64
	sc        scale
	trained   bool
}

// column is a feature kept for a model, with its training mean and spread.
type column struct {
	j        int
	mean, sd float64
}

// NewRidge returns an untrained ridge regression for a space. Options
// read: WithAlpha, WithRankLabels.
func NewRidge(space searchspace.SearchSpace, opts ...Option) (*Ridge, error) {
	o, err := options(opts)
	if err != nil {
		return nil, err
	}
	feat, err := NewFeatures(space)
	if err != nil {
		return nil, err
	}
	return &Ridge{feat: feat, o: o}, nil
}

// RidgeModel is the Spec of NewRidge (ridge regression has no random
// choices: every seed gives the same model).
func RidgeModel(space searchspace.SearchSpace, opts ...Option) Spec {
	return Spec{Name: "ridge", New: func(uint64) (Model, error) { return NewRidge(space, opts...) }}
}

// Alpha is the penalty of the last Fit (chosen or fixed).
func (r *Ridge) Alpha() float64 { return r.alpha }

// alphaGrid is the penalties generalised cross-validation chooses from:
// four per decade from 10⁻³ to 10⁵ (the features are standardised, so
// their squared singular values are of the order of n).
func alphaGrid() []float64 {
	var g []float64
	for k := -12; k <= 20; k++ {
		g = append(g, math.Pow(10, float64(k)/4))
	}
	return g
}

// Fit trains on labelled architectures.
func (r *Ridge) Fit(ctx context.Context, archs []searchspace.Arch, labels []float64) error {
	x, y, sc, err := trainingData(ctx, r.feat, archs, labels, r.o.RankLabels)
	if err != nil {
		return err
	}
	n, d := len(archs), r.feat.Dim()
	cols := standardise(x, n, d)
	ym := 0.0
	for _, v := range y {
		ym += v
	}
	ym /= float64(n)
	beta := make([]float64, len(cols))
	alpha := r.o.Alpha
	if len(cols) > 0 {
		xs := mat.NewDense(n, len(cols), nil)
		for i := range n {
			row := x[i*d:]
			for k, c := range cols {
				xs.Set(i, k, (row[c.j]-c.mean)/c.sd)
			}
		}
		yc := make([]float64, n)
		for i, v := range y {
			yc[i] = v - ym
		}
		if beta, alpha, err = ridgeSolve(xs, yc, alpha); err != nil {
			return err
		}
	}
	r.cols, r.beta, r.intercept, r.alpha = cols, beta, ym, alpha
	r.sc, r.trained = sc, true
	return nil
}

// standardise returns the columns of the n×d matrix x that vary, with
// their means and standard deviations.
func standardise(x []float64, n, d int) []column {
	var cols []column
	for j := range d {
		m := 0.0
		for i := range n {
			m += x[i*d+j]
		}
		m /= float64(n)
		s := 0.0
		for i := range n {
			s += (x[i*d+j] - m) * (x[i*d+j] - m)
		}
		if s = math.Sqrt(s / float64(n)); s > 1e-12 {
			cols = append(cols, column{j: j, mean: m, sd: s})
		}
	}
	return cols
}

// ridgeSolve solves the ridge problem for the centred x and y through the
// thin SVD x = U S Vᵀ: β = V diag(s/(s²+α)) Uᵀy. With alpha 0 it picks α
// from alphaGrid minimising the GCV score n·RSS(α)/(n − 1 − df(α))², df
// the effective degrees of freedom Σ s²/(s²+α) (the 1 is the intercept).
func ridgeSolve(x *mat.Dense, y []float64, alpha float64) ([]float64, float64, error) {
	n, _ := x.Dims()
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDThin) {
		return nil, 0, fmt.Errorf("baseline: ridge regression: the singular value decomposition did not converge")
	}
	s := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	uty := make([]float64, len(s))
	yy := 0.0
	for _, w := range y {
		yy += w * w
	}
	for k := range s {
		for i := range n {
			uty[k] += u.At(i, k) * y[i]
		}
	}
	if alpha == 0 {
		// The part of y outside U's span is fitted by no α.
		out := yy
		for _, w := range uty {
			out -= w * w
		}
		out = max(out, 0)
		best := math.Inf(1)
		for _, a := range alphaGrid() {
			rss, df := out, 0.0
			for k, sk := range s {
				f := sk * sk / (sk*sk + a)
				rss += (1 - f) * (1 - f) * uty[k] * uty[k]
				df += f
			}
			den := float64(n) - 1 - df
			if den <= 0 {
				continue
			}
			if g := float64(n) * rss / (den * den); g < best {
				best, alpha = g, a
			}
		}
		if alpha == 0 { // fewer samples than the smallest df: the largest α
			alpha = alphaGrid()[len(alphaGrid())-1]
		}
	}
	d, _ := v.Dims() // V is d×min(n, d)
	beta := make([]float64, d)
	for k, sk := range s {
		c := sk / (sk*sk + alpha) * uty[k]
		for j := range d {
			beta[j] += v.At(j, k) * c
		}
	}
	return beta, alpha, nil
}

// Predict scores architectures.
func (r *Ridge) Predict(ctx context.Context, archs []searchspace.Arch) ([]float64, error) {
	return predictRows(ctx, r.feat, r.trained, r.sc, archs, func(row []float64) float64 {
		v := r.intercept
		for k, c := range r.cols {
			v += r.beta[k] * (row[c.j] - c.mean) / c.sd
		}
		return v
	})
}
