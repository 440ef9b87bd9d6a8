package loss

import (
	"fmt"

	"github.com/hypernas/go-hypernas/internal/gx"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// DefaultHingeMargin is the margin of the pairwise hinge loss when none is
// given: 0.1, the compare margin of GATES (Ning et al. 2020), for targets
// that are accuracies in [0, 1]. Scale it with the targets.
const DefaultHingeMargin = 0.1

// listMLEPenalty pushes the entries outside a ListMLE row's suffix far below
// every entry inside it, so that the row maximum (the log-sum-exp shift) is
// taken over the suffix only. It is representable in float32.
const listMLEPenalty = 1e30

// MSE returns the mean squared error (1/B) Σ_i (pred_i − target_i)², the
// paper's L_pred. pred and target are vectors of B entries, of shape (B) or
// (B, 1), of the same float dtype.
func MSE(pred, target *G.Node) (_ *G.Node, err error) {
	defer gx.Recover(&err, "loss", "building the MSE loss")
	p, t, err := predTarget(pred, target, 1)
	if err != nil {
		return nil, err
	}
	d, err := G.Sub(p, t)
	if err != nil {
		return nil, err
	}
	sq, err := G.Square(d)
	if err != nil {
		return nil, err
	}
	return G.Mean(sq)
}

// PairwiseHinge returns the mean over the ordered pairs (i, j) of the batch
// with target_i > target_j of max(0, margin − (pred_i − pred_j)): every pair
// that the prediction orders wrongly, or rightly by less than margin, costs.
// Pairs with equal targets do not count; a batch whose targets are all equal
// has loss 0. The pairs are found in the graph from the value of target, so
// the same graph serves every batch of B targets.
func PairwiseHinge(pred, target *G.Node, margin float64) (_ *G.Node, err error) {
	defer gx.Recover(&err, "loss", "building the pairwise hinge loss")
	if err := checkMargin(margin); err != nil {
		return nil, err
	}
	pr, err := newPairs(pred, target)
	if err != nil {
		return nil, err
	}
	m := gx.Scalar(pr.dt, margin)
	x, err := G.Sub(m, pr.diff)
	if err != nil {
		return nil, err
	}
	h, err := G.Rectify(x)
	if err != nil {
		return nil, err
	}
	return pr.mean(h)
}

// PairwiseLogistic returns the BPR loss: the mean over the ordered pairs
// (i, j) with target_i > target_j of ln(1 + exp(−(pred_i − pred_j))).
// Pairs with equal targets do not count; a batch whose targets are all equal
// has loss 0.
//
// softplus(x) = ln(1 + eˣ) is computed as x/2 + |x|/2 + ln(1 + e^−|x|): it
// cannot overflow, and unlike max(x, 0) + ln(1 + e^−|x|) its gradient at
// x = 0 (two equal predictions) is the true ½, because Gorgonia's derivative
// of |x| at 0 is 0 and the two kinks cancel. Gorgonia's own Softplus returns
// x for x > 16, which is off by up to 1e-7.
func PairwiseLogistic(pred, target *G.Node) (_ *G.Node, err error) {
	defer gx.Recover(&err, "loss", "building the pairwise logistic loss")
	pr, err := newPairs(pred, target)
	if err != nil {
		return nil, err
	}
	// x = −diff; x/2 + |x|/2 = (|diff| − diff)/2.
	a, err := G.Abs(pr.diff)
	if err != nil {
		return nil, err
	}
	lin, err := G.Sub(a, pr.diff)
	if err != nil {
		return nil, err
	}
	if lin, err = G.HadamardProd(lin, gx.Scalar(pr.dt, 0.5)); err != nil {
		return nil, err
	}
	l1p, err := gx.Chain(a, G.Neg, G.Exp, G.Log1p) // ln(1 + e^−|x|)
	if err != nil {
		return nil, err
	}
	sp, err := G.Add(lin, l1p)
	if err != nil {
		return nil, err
	}
	return pr.mean(sp)
}

// pairs holds the (B, B) structure shared by the pairwise losses.
type pairs struct {
	dt    tensor.Dtype
	diff  *G.Node // diff_ij = pred_i − pred_j
	mask  *G.Node // mask_ij = 1 if target_i > target_j, else 0
	count *G.Node // max(Σ mask, 1)
}

func newPairs(pred, target *G.Node) (*pairs, error) {
	p, t, err := predTarget(pred, target, 2)
	if err != nil {
		return nil, err
	}
	b := p.Shape()[0]
	pc, prow, err := colRow(p, b)
	if err != nil {
		return nil, err
	}
	pr := &pairs{dt: p.Dtype()}
	if _, _, pr.mask, err = greater(t, b); err != nil {
		return nil, err
	}
	if pr.diff, err = G.BroadcastSub(pc, prow, []byte{1}, []byte{0}); err != nil {
		return nil, err
	}
	n, err := G.Sum(pr.mask)
	if err != nil {
		return nil, err
	}
	// count = n + [n = 0], that is max(n, 1): MaxBetween fails on scalars.
	none, err := G.Eq(n, gx.Scalar(pr.dt, 0), true)
	if err != nil {
		return nil, err
	}
	if pr.count, err = G.Add(n, none); err != nil {
		return nil, err
	}
	return pr, nil
}

// mean averages the (B, B) per-pair losses over the masked pairs.
func (pr *pairs) mean(perPair *G.Node) (*G.Node, error) {
	m, err := G.HadamardProd(perPair, pr.mask)
	if err != nil {
		return nil, err
	}
	s, err := G.Sum(m)
	if err != nil {
		return nil, err
	}
	return G.HadamardDiv(s, pr.count)
}

// greater returns the target t as a (B, 1) column and a (1, B) row, and
// the (B, B) mask gt_ij = [t_i > t_j]. Comparison ops are not
// differentiable in Gorgonia, so no gradient is asked of the target.
func greater(t *G.Node, b int) (col, row, gt *G.Node, err error) {
	if col, row, err = colRow(t, b); err != nil {
		return nil, nil, nil, err
	}
	if gt, err = G.BroadcastGt(col, row, true, []byte{1}, []byte{0}); err != nil {
		return nil, nil, nil, err
	}
	return col, row, gt, nil
}

// colRow reshapes a (B) vector into a (B, 1) column and a (1, B) row.
func colRow(v *G.Node, b int) (col, row *G.Node, err error) {
	if col, err = G.Reshape(v, tensor.Shape{b, 1}); err != nil {
		return nil, nil, err
	}
	if row, err = G.Reshape(v, tensor.Shape{1, b}); err != nil {
		return nil, nil, err
	}
	return col, row, nil
}

// ListMLE returns the ListMLE loss (Xia et al. 2008), divided by B:
//
//	(1/B) Σ_i [ ln Σ_{k ≥ i} exp(pred_π(k)) − pred_π(i) ]
//
// where π sorts the batch by target, best (largest) first, and ties keep
// batch order (a stable sort). It is the negative log-likelihood of the true
// order under the Plackett–Luce model with scores pred, per item, so its
// scale does not grow with B.
//
// No sort or permutation input is needed: the suffix {π(k) : k ≥ i} of item
// j = π(i) is the set of items k with target_k < target_j, or
// target_k = target_j and k ≥ j, and that (B, B) mask is computed in the
// graph from the value of target. Each row's log-sum-exp is shifted by the
// row's maximum over its suffix, so it neither overflows nor underflows.
func ListMLE(pred, target *G.Node) (_ *G.Node, err error) {
	defer gx.Recover(&err, "loss", "building the ListMLE loss")
	p, t, err := predTarget(pred, target, 2)
	if err != nil {
		return nil, err
	}
	b, dt := p.Shape()[0], p.Dtype()
	// suffix_jk = [t_j > t_k] + [t_j = t_k]·[k ≥ j]
	tc, trow, gt, err := greater(t, b)
	if err != nil {
		return nil, err
	}
	eq, err := G.BroadcastEq(tc, trow, true, []byte{1}, []byte{0})
	if err != nil {
		return nil, err
	}
	upper := make([]float64, b*b)
	for j := 0; j < b; j++ {
		for k := j; k < b; k++ {
			upper[j*b+k] = 1
		}
	}
	u, err := gx.Matrix(dt, fmt.Sprintf("loss.upper%d", b), b, b, upper)
	if err != nil {
		return nil, err
	}
	tie, err := G.HadamardProd(eq, u)
	if err != nil {
		return nil, err
	}
	suffix, err := G.Add(gt, tie)
	if err != nil {
		return nil, err
	}
	// shifted_jk = pred_k inside the suffix of j, pred_k − 1e30 outside.
	out, err := G.Sub(suffix, gx.Scalar(dt, 1))
	if err != nil {
		return nil, err
	}
	pen, err := G.HadamardProd(out, gx.Scalar(dt, listMLEPenalty))
	if err != nil {
		return nil, err
	}
	_, prow, err := colRow(p, b)
	if err != nil {
		return nil, err
	}
	shifted, err := G.BroadcastAdd(prow, pen, []byte{0}, nil)
	if err != nil {
		return nil, err
	}
	mx, err := G.Max(shifted, 1)
	if err != nil {
		return nil, err
	}
	mcol, err := G.Reshape(mx, tensor.Shape{b, 1})
	if err != nil {
		return nil, err
	}
	z, err := G.BroadcastSub(shifted, mcol, nil, []byte{1})
	if err != nil {
		return nil, err
	}
	ez, err := G.Exp(z)
	if err != nil {
		return nil, err
	}
	// Entries outside the suffix are exp(−1e30 − max) = 0 already; the mask
	// makes that exact whatever the scale of pred.
	if ez, err = G.HadamardProd(ez, suffix); err != nil {
		return nil, err
	}
	ls, err := gx.Chain(ez, func(n *G.Node) (*G.Node, error) { return G.Sum(n, 1) }, G.Log)
	if err != nil {
		return nil, err
	}
	lse, err := G.Add(ls, mx)
	if err != nil {
		return nil, err
	}
	terms, err := G.Sub(lse, p)
	if err != nil {
		return nil, err
	}
	return G.Mean(terms)
}

// PredOption configures NewPredLoss.
type PredOption func(*predConfig)

type predConfig struct {
	margin float64
}

// WithHingeMargin sets the margin of the pairwise hinge loss (default
// DefaultHingeMargin). It must be finite and ≥ 0 whatever the kind; kinds
// other than KindHinge do not use it.
func WithHingeMargin(m float64) PredOption { return func(c *predConfig) { c.margin = m } }

func checkMargin(m float64) error {
	if !finite(m) || m < 0 {
		return fmt.Errorf("loss: hinge margin %v, want a finite number ≥ 0", m)
	}
	return nil
}

// PredLoss is a prediction loss of the selected Kind together with the input
// node that holds the batch's targets. Build it once per batch size, compile
// the graph, then before each run call Bind with the batch's targets:
//
//	pl, _ := loss.NewPredLoss(kind, pred) // pred: the model's (B) output
//	G.Grad(pl.Loss, params...)
//	vm := G.NewTapeMachine(g)
//	for each batch { pl.Bind(targets); vm.RunAll(); vm.Reset() }
//
// Bind is the only per-batch step: the pair and suffix masks of the ranking
// losses are computed inside the graph from Target's value.
type PredLoss struct {
	Kind   Kind
	Pred   *G.Node // the prediction node given to NewPredLoss
	Target *G.Node // input vector of B targets, set by Bind
	Loss   *G.Node // scalar loss

	target *tensor.Dense // Target's value, reused across Binds
}

// NewPredLoss builds the loss of the given kind on pred, a (B) or (B, 1)
// float node, with a new target input node of B entries and pred's dtype.
func NewPredLoss(kind Kind, pred *G.Node, opts ...PredOption) (_ *PredLoss, err error) {
	defer gx.Recover(&err, "loss", "building the prediction loss")
	cfg := predConfig{margin: DefaultHingeMargin}
	for i, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("loss: prediction-loss option %d is nil", i)
		}
		o(&cfg)
	}
	if err := checkMargin(cfg.margin); err != nil {
		return nil, err
	}
	p, err := asVector("pred", pred)
	if err != nil {
		return nil, err
	}
	b, dt, g := p.Shape()[0], p.Dtype(), p.Graph()
	val, err := gx.Dense(dt, make([]float64, b), b)
	if err != nil {
		return nil, err
	}
	// Left unbound: a run before the first Bind fails ("No value bound")
	// instead of silently fitting zeros.
	target := G.NewVector(g, dt, G.WithShape(b), G.WithName(gx.UniqueName(g, "loss.target")))
	var l *G.Node
	switch kind {
	case KindMSE:
		l, err = MSE(p, target)
	case KindHinge:
		l, err = PairwiseHinge(p, target, cfg.margin)
	case KindBPR:
		l, err = PairwiseLogistic(p, target)
	case KindListMLE:
		l, err = ListMLE(p, target)
	default:
		err = fmt.Errorf("loss: unknown kind %v", kind)
	}
	if err != nil {
		return nil, err
	}
	return &PredLoss{Kind: kind, Pred: pred, Target: target, Loss: l, target: val}, nil
}

var errNoPredLoss = fmt.Errorf("%w: PredLoss not made by NewPredLoss", ErrShape)

// BatchSize returns B, the number of targets Bind takes (0 for a PredLoss
// not made by NewPredLoss).
func (l *PredLoss) BatchSize() int {
	if l == nil || l.Target == nil {
		return 0
	}
	return l.Target.Shape()[0]
}

// Inputs returns the nodes that need a new value each batch (Target); Bind
// sets them.
func (l *PredLoss) Inputs() G.Nodes {
	if l == nil || l.Target == nil {
		return nil
	}
	return G.Nodes{l.Target}
}

// Bind sets the targets of the next run, converted to the graph's dtype. It
// fails on a wrong count or a value that is not finite.
func (l *PredLoss) Bind(target []float64) error {
	if l == nil || l.Target == nil || l.target == nil {
		return errNoPredLoss
	}
	if len(target) != l.BatchSize() {
		return fmt.Errorf("%w: %d targets for a batch of %d", ErrShape, len(target), l.BatchSize())
	}
	for i, v := range target {
		if !finite(v) {
			return fmt.Errorf("loss: target %d is %v", i, v)
		}
	}
	if err := gx.SetFloat64s(l.target, target); err != nil {
		return fmt.Errorf("loss: targets: %w", err)
	}
	return G.Let(l.Target, l.target)
}
