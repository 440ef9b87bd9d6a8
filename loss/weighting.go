package loss

import (
	"fmt"
	"math"

	"github.com/hypernas/go-hypernas/internal/gx"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Weighting combines the scalar losses of several tasks into the one loss
// that training minimises. Combine builds the combination in the losses'
// graph; Params returns the learnable nodes of the weighting (none for fixed
// weights), which the optimiser must update along with the model's; Weights
// returns the weight on each task loss in the last run of the graph.
type Weighting interface {
	Combine(losses []*G.Node) (*G.Node, error)
	Params() G.Nodes
	Weights() []float64
}

// checkLosses validates the task losses of a Combine call: n scalars (n < 0:
// any number ≥ 1) of one float dtype in one graph.
func checkLosses(losses []*G.Node, n int) error {
	if len(losses) == 0 || (n >= 0 && len(losses) != n) {
		return fmt.Errorf("%w: %d task losses, want %d", ErrShape, len(losses), n)
	}
	for t, l := range losses {
		if l == nil {
			return fmt.Errorf("%w: task loss %d is nil", ErrShape, t)
		}
		if l.Graph() == nil || l.Graph() != losses[0].Graph() {
			return fmt.Errorf("%w: task loss %d is not in the graph of task loss 0", ErrShape, t)
		}
		if !l.Shape().IsScalar() {
			return fmt.Errorf("%w: task loss %d has shape %v, want a scalar", ErrShape, t, l.Shape())
		}
		if err := checkDtype(l.Dtype()); err != nil {
			return fmt.Errorf("task loss %d: %w", t, err)
		}
		if l.Dtype() != losses[0].Dtype() {
			return fmt.Errorf("%w: task loss %d is %v, task loss 0 is %v", ErrShape, t, l.Dtype(), losses[0].Dtype())
		}
	}
	return nil
}

// Fixed weights the tasks by constants: L = Σ_t w_t·L_t.
type Fixed struct {
	w []float64
}

// NewFixed returns fixed weights, one per task. With no weights, every task
// gets weight 1 and any number of tasks is accepted.
func NewFixed(weights ...float64) *Fixed {
	return &Fixed{w: append([]float64(nil), weights...)}
}

// Combine returns Σ_t w_t·L_t. It fails if the number of losses differs
// from the number of weights, or a weight is not finite.
func (f *Fixed) Combine(losses []*G.Node) (_ *G.Node, err error) {
	defer gx.Recover(&err, "loss", "combining the task losses")
	if f == nil {
		f = &Fixed{}
	}
	n := len(f.w)
	if n == 0 {
		n = -1
	}
	if err := checkLosses(losses, n); err != nil {
		return nil, err
	}
	for t, w := range f.w {
		if !finite(w) {
			return nil, fmt.Errorf("loss: fixed weight %d is %v", t, w)
		}
	}
	dt := losses[0].Dtype()
	var total *G.Node
	for t, l := range losses {
		term := l
		if len(f.w) > 0 && f.w[t] != 1 {
			var err error
			if term, err = G.HadamardProd(gx.Scalar(dt, f.w[t]), l); err != nil {
				return nil, err
			}
		}
		if total == nil {
			total = term
			continue
		}
		var err error
		if total, err = G.Add(total, term); err != nil {
			return nil, err
		}
	}
	return total, nil
}

// Params returns nil: fixed weights learn nothing.
func (f *Fixed) Params() G.Nodes { return nil }

// Weights returns the fixed weights (nil if none were given: all 1). A nil
// *Fixed is NewFixed().
func (f *Fixed) Weights() []float64 {
	if f == nil {
		return nil
	}
	return append([]float64(nil), f.w...)
}

// Regulariser selects the form of uncertainty weighting.
type Regulariser int

const (
	// LogSigma is Kendall, Gal & Cipolla (2018):
	// L = Σ_t L_t/(2σ_t²) + ln σ_t. It learns s_t = ln σ_t², as their code
	// does, so that σ_t stays positive: L = Σ_t ½e^(−s_t)·L_t + ½s_t.
	LogSigma Regulariser = iota
	// Log1pSigmaSq is the regularised form of Liebel & Körner (2018):
	// L = Σ_t L_t/(2σ_t²) + ln(1 + σ_t²), learning σ_t itself. Its
	// regulariser is positive, so the total loss cannot go negative; it is
	// the adaptive loss at q = 1.
	Log1pSigmaSq
)

func (r Regulariser) String() string {
	switch r {
	case LogSigma:
		return "ln σ"
	case Log1pSigmaSq:
		return "ln(1+σ²)"
	}
	return fmt.Sprintf("Regulariser(%d)", int(r))
}

// UncertaintyOption configures NewUncertainty.
type UncertaintyOption func(*Uncertainty)

// WithRegulariser selects the form of uncertainty weighting (default
// LogSigma, the standard one of Kendall et al.).
func WithRegulariser(r Regulariser) UncertaintyOption {
	return func(u *Uncertainty) { u.reg = r }
}

// Uncertainty is homoscedastic uncertainty weighting (Kendall, Gal &
// Cipolla, CVPR 2018) with one learnable σ_t per task, initialised to
// σ_t = 1. See NewUncertainty and Regulariser for its two forms.
type Uncertainty struct {
	learnt // param: s_t = ln σ_t² for LogSigma, σ_t for Log1pSigmaSq
	reg    Regulariser
}

// NewUncertainty adds the σ_t of tasks tasks to g, with dtype dt: the
// uncertainty weighting of Kendall, Gal & Cipolla (2018),
//
//	L = Σ_t L_t/(2σ_t²) + ln σ_t
//
// with one learnable σ_t per task, initialised to 1. With
// WithRegulariser(Log1pSigmaSq) the regulariser is ln(1 + σ_t²) instead
// (Liebel & Körner 2018), which is the adaptive loss at q = 1.
func NewUncertainty(g *G.ExprGraph, tasks int, dt tensor.Dtype, opts ...UncertaintyOption) (_ *Uncertainty, err error) {
	defer gx.Recover(&err, "loss", "building the uncertainty weighting")
	u := &Uncertainty{learnt: learnt{g: g, dt: dt, tasks: tasks}}
	for i, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("loss: uncertainty option %d is nil", i)
		}
		o(u)
	}
	if err := checkWeighting(g, tasks, dt); err != nil {
		return nil, err
	}
	init := 0.0 // s = ln 1² = 0
	name := "loss.uncertainty.logvar"
	switch u.reg {
	case LogSigma:
	case Log1pSigmaSq:
		init, name = 1, "loss.uncertainty.sigma"
	default:
		return nil, fmt.Errorf("loss: unknown regulariser %v", u.reg)
	}
	if u.param, err = newParam(g, dt, tasks, name, init); err != nil {
		return nil, err
	}
	return u, nil
}

// Combine returns the uncertainty-weighted sum of the task losses, one per
// task, scalars in the graph and dtype given to NewUncertainty.
func (u *Uncertainty) Combine(losses []*G.Node) (_ *G.Node, err error) {
	defer gx.Recover(&err, "loss", "combining the task losses")
	return u.base().combine("Uncertainty", losses, func(p, l *G.Node) (w, term, reg *G.Node, err error) {
		if u.reg == LogSigma {
			// w = ½e^(−s), reg = ½s
			var e *G.Node
			if e, err = gx.Chain(p, G.Neg, G.Exp); err == nil {
				w, err = G.HadamardProd(e, gx.Scalar(u.dt, 0.5))
			}
			if err == nil {
				reg, err = G.HadamardProd(p, gx.Scalar(u.dt, 0.5))
			}
		} else {
			w, reg, err = inverseTwoSq(p, u.dt)
		}
		if err != nil {
			return nil, nil, nil, err
		}
		term, err = G.HadamardProd(w, l)
		return w, term, reg, err
	})
}

func (u *Uncertainty) base() *learnt {
	if u == nil {
		return nil
	}
	return &u.learnt
}

// Params returns the learnable vector: s_t = ln σ_t² (LogSigma) or σ_t
// (Log1pSigmaSq).
func (u *Uncertainty) Params() G.Nodes { return u.base().params() }

// Values returns the current σ_t. The parameter is a graph input, so its
// value is safe to read after a run.
func (u *Uncertainty) Values() []float64 {
	v := u.base().values()
	if u != nil && u.reg == LogSigma {
		for i, s := range v {
			v[i] = math.Exp(s / 2)
		}
	}
	return v
}

// Weights returns 1/(2σ_t²) as computed in the last run (nil before one).
func (u *Uncertainty) Weights() []float64 { return u.base().read() }

// AdaptiveOption configures NewAdaptive.
type AdaptiveOption func(*Adaptive)

// WithFactorGradient sets whether the factor L_t^(q−1) of the adaptive loss
// carries gradient (default false).
//
// Off, the factor is a weight like 1/(2u_t²): its value is that of the
// current step (no lag), but the gradient treats it as a constant, so
// ∂L/∂L_t = L_t^(q−1)/(2u_t²): tasks with a larger loss get a larger share of
// the gradient when q > 1, a smaller one when q < 1.
//
// On, the term is L_t^q/(2u_t²), differentiated in full:
// ∂L/∂L_t = q·L_t^(q−1)/(2u_t²). That is the off case's gradient times q for
// every task, so the model's gradient is scaled by q and the u_t's is
// unchanged: the readings differ only in the model's effective learning
// rate. Adam, invariant to a constant scale of the gradient, trains alike
// under both (up to its ε, and unless weight decay is added to the gradient).
func WithFactorGradient(on bool) AdaptiveOption {
	return func(a *Adaptive) { a.factorGrad = on }
}

// Adaptive is the dynamic adaptive multi-task loss of HyperNAS (Lv et al.,
// CVPR 2026); NewAdaptive gives its equation. The task losses must be ≥ 0,
// and > 0 when q < 1.
type Adaptive struct {
	learnt     // param: the u_t
	q          float64
	factorGrad bool
}

// NewAdaptive adds the u_t of tasks tasks to g, with dtype dt: the dynamic
// adaptive multi-task loss of HyperNAS (Lv et al., CVPR 2026),
//
//	L_total = Σ_t [L_t^(q−1) / (2u_t²)]·L_t + ln(1 + u_t²)
//
// with a learnable u_t per task, initialised to u_t = 1, and the preference
// coefficient q (finite, > 0; the paper found 1.5 best). q > 1 gives the
// task with the larger loss a larger share of the gradient, q < 1 a smaller
// one. At q = 1 it is exactly Uncertainty with Log1pSigmaSq (the code skips
// the power, so values and gradients are bitwise those of Uncertainty).
// WithFactorGradient says whether L_t^(q−1) carries gradient.
func NewAdaptive(g *G.ExprGraph, tasks int, dt tensor.Dtype, q float64, opts ...AdaptiveOption) (_ *Adaptive, err error) {
	defer gx.Recover(&err, "loss", "building the adaptive loss")
	if err := checkWeighting(g, tasks, dt); err != nil {
		return nil, err
	}
	if !finite(q) || q <= 0 {
		return nil, fmt.Errorf("loss: preference coefficient q = %v, want a finite number > 0", q)
	}
	a := &Adaptive{learnt: learnt{g: g, dt: dt, tasks: tasks}, q: q}
	for i, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("loss: adaptive option %d is nil", i)
		}
		o(a)
	}
	if a.param, err = newParam(g, dt, tasks, "loss.adaptive.u", 1); err != nil {
		return nil, err
	}
	return a, nil
}

// Q returns the preference coefficient (NaN for a nil *Adaptive).
func (a *Adaptive) Q() float64 {
	if a == nil {
		return math.NaN()
	}
	return a.q
}

// FactorGradient reports whether the factor L_t^(q−1) carries gradient.
func (a *Adaptive) FactorGradient() bool { return a != nil && a.factorGrad }

// Combine returns the adaptive loss of the task losses, one per task,
// scalars in the graph and dtype given to NewAdaptive.
func (a *Adaptive) Combine(losses []*G.Node) (_ *G.Node, err error) {
	defer gx.Recover(&err, "loss", "combining the task losses")
	return a.base().combine("Adaptive", losses, func(u, l *G.Node) (w, term, reg *G.Node, err error) {
		inv, reg, err := inverseTwoSq(u, a.dt) // 1/(2u²), ln(1+u²)
		if err != nil {
			return nil, nil, nil, err
		}
		w = inv
		switch {
		case a.q == 1:
			term, err = G.HadamardProd(inv, l)
		case a.factorGrad:
			// L^(q−1)·L written as L^q: the same value, and the gradient
			// q·L^(q−1) stays finite at L = 0 for q ≥ 1.
			var lq, f *G.Node
			if lq, err = G.Pow(l, gx.Scalar(a.dt, a.q)); err == nil {
				term, err = G.HadamardProd(inv, lq)
			}
			// The reported weight; not part of the loss.
			if err == nil {
				if f, err = G.Pow(l, gx.Scalar(a.dt, a.q-1)); err == nil {
					w, err = G.HadamardProd(inv, f)
				}
			}
		default:
			var sl, f *G.Node
			if sl, err = StopGradient(l); err == nil {
				if f, err = G.Pow(sl, gx.Scalar(a.dt, a.q-1)); err == nil {
					if w, err = G.HadamardProd(inv, f); err == nil {
						term, err = G.HadamardProd(w, l)
					}
				}
			}
		}
		return w, term, reg, err
	})
}

func (a *Adaptive) base() *learnt {
	if a == nil {
		return nil
	}
	return &a.learnt
}

// Params returns the learnable vector of the u_t.
func (a *Adaptive) Params() G.Nodes { return a.base().params() }

// Values returns the current u_t. The parameter is a graph input, so its
// value is safe to read after a run.
func (a *Adaptive) Values() []float64 { return a.base().values() }

// Weights returns the effective weights L_t^(q−1)/(2u_t²) of the last run
// (nil before one).
func (a *Adaptive) Weights() []float64 { return a.base().read() }

// learnt is what Uncertainty and Adaptive share: a learnable vector param
// with one entry per task in graph g, and the weights of the last run. Its
// methods accept a nil *learnt (of a nil weighting).
type learnt struct {
	g       *G.ExprGraph
	dt      tensor.Dtype
	tasks   int
	param   *G.Node
	weights []G.Value
}

func (l *learnt) params() G.Nodes {
	if l == nil || l.param == nil {
		return nil
	}
	return G.Nodes{l.param}
}

func (l *learnt) values() []float64 {
	if l == nil || l.param == nil {
		return nil
	}
	return gx.ToFloat64s(l.param.Value())
}

func (l *learnt) read() []float64 {
	if l == nil {
		return nil
	}
	return readAll(l.weights)
}

// combine builds Σ_t term_t + reg_t over the task losses, where task t's
// weight, term and regulariser come from f applied to entry t of param and
// to loss t, and records a G.Read of each weight. what names the weighting
// in errors.
func (l *learnt) combine(what string, losses []*G.Node, f func(p, l *G.Node) (w, term, reg *G.Node, err error)) (*G.Node, error) {
	if l == nil || l.param == nil {
		return nil, fmt.Errorf("%w: %s not made by New%s", ErrShape, what, what)
	}
	if err := checkCombine(losses, l.g, l.dt, l.tasks); err != nil {
		return nil, err
	}
	l.weights = make([]G.Value, len(losses))
	var total *G.Node
	for t, loss := range losses {
		p, err := G.Slice(l.param, G.S(t))
		if err != nil {
			return nil, err
		}
		w, term, reg, err := f(p, loss)
		if err != nil {
			return nil, err
		}
		G.Read(w, &l.weights[t])
		if total, err = addAll(total, term, reg); err != nil {
			return nil, err
		}
	}
	return total, nil
}

func checkWeighting(g *G.ExprGraph, tasks int, dt tensor.Dtype) error {
	if g == nil {
		return fmt.Errorf("%w: nil graph", ErrShape)
	}
	if tasks < 1 {
		return fmt.Errorf("%w: %d tasks, want at least 1", ErrShape, tasks)
	}
	return checkDtype(dt)
}

func checkCombine(losses []*G.Node, g *G.ExprGraph, dt tensor.Dtype, tasks int) error {
	if err := checkLosses(losses, tasks); err != nil {
		return err
	}
	if losses[0].Graph() != g {
		return fmt.Errorf("%w: task losses are not in the weighting's graph", ErrShape)
	}
	if losses[0].Dtype() != dt {
		return fmt.Errorf("%w: task losses are %v, the weighting is %v", ErrShape, losses[0].Dtype(), dt)
	}
	return nil
}

// newParam adds a learnable (n) vector filled with init.
func newParam(g *G.ExprGraph, dt tensor.Dtype, n int, name string, init float64) (*G.Node, error) {
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = init
	}
	v, err := gx.Dense(dt, vals, n)
	if err != nil {
		return nil, err
	}
	return G.NewVector(g, dt, G.WithShape(n), G.WithName(gx.UniqueName(g, name)), G.WithValue(v)), nil
}

// inverseTwoSq returns 1/(2u²) and ln(1+u²) of a scalar node u.
func inverseTwoSq(u *G.Node, dt tensor.Dtype) (inv, reg *G.Node, err error) {
	sq, err := G.Square(u)
	if err != nil {
		return nil, nil, err
	}
	two, err := G.HadamardProd(sq, gx.Scalar(dt, 2))
	if err != nil {
		return nil, nil, err
	}
	if inv, err = G.HadamardDiv(gx.Scalar(dt, 1), two); err != nil {
		return nil, nil, err
	}
	if reg, err = G.Log1p(sq); err != nil {
		return nil, nil, err
	}
	return inv, reg, nil
}

// addAll returns total + the terms, where a nil total is 0.
func addAll(total *G.Node, terms ...*G.Node) (*G.Node, error) {
	for _, t := range terms {
		if total == nil {
			total = t
			continue
		}
		var err error
		if total, err = G.Add(total, t); err != nil {
			return nil, err
		}
	}
	return total, nil
}

func readAll(vals []G.Value) []float64 {
	if len(vals) == 0 || vals[0] == nil {
		return nil
	}
	out := make([]float64, len(vals))
	for i, v := range vals {
		out[i], _ = gx.ToFloat64(v)
	}
	return out
}
