package loss

import (
	"math"
	"testing"

	"github.com/hypernas/go-hypernas/internal/gx"

	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// vecValue makes a (n) tensor of dtype dt holding xs.
func vecValue(dt tensor.Dtype, xs []float64) *tensor.Dense {
	t, err := gx.Dense(dt, xs, len(xs))
	if err != nil {
		panic(err)
	}
	return t
}

type predFn func(pred, target *G.Node) (*G.Node, error)

// predRun builds f on a graph with pred and target inputs of dtype dt and,
// when withGrad is set, the gradient with respect to pred.
type predRun struct {
	g            *G.ExprGraph
	pred, target *G.Node
	loss         *G.Node
	val          G.Value
	vm           G.VM
}

func newPredRun(t testing.TB, dt tensor.Dtype, f predFn, pred, target []float64, withGrad bool) *predRun {
	t.Helper()
	r := &predRun{g: G.NewGraph()}
	r.pred = G.NewVector(r.g, dt, G.WithShape(len(pred)), G.WithName("pred"), G.WithValue(vecValue(dt, pred)))
	r.target = G.NewVector(r.g, dt, G.WithShape(len(target)), G.WithName("target"), G.WithValue(vecValue(dt, target)))
	var err error
	r.loss, err = f(r.pred, r.target)
	require.NoError(t, err)
	G.Read(r.loss, &r.val)
	if withGrad {
		_, err = G.Grad(r.loss, r.pred)
		require.NoError(t, err)
		r.vm = G.NewTapeMachine(r.g, G.BindDualValues(r.pred))
	} else {
		r.vm = G.NewTapeMachine(r.g)
	}
	t.Cleanup(func() { r.vm.Close() })
	return r
}

// run evaluates at pred and returns the loss and, if built, its gradient.
func (r *predRun) run(t testing.TB, pred []float64) (float64, []float64) {
	t.Helper()
	if pred != nil {
		require.NoError(t, G.Let(r.pred, vecValue(r.pred.Dtype(), pred)))
	}
	require.NoError(t, r.vm.RunAll())
	defer r.vm.Reset()
	v, ok := gx.ToFloat64(r.val)
	require.True(t, ok, "loss value %v", r.val)
	var grad []float64
	if gv, err := r.pred.Grad(); err == nil {
		grad = gx.ToFloat64s(gv)
	}
	return v, grad
}

// centralDiff returns the central-difference gradient of f at x.
func centralDiff(f func([]float64) float64, x []float64, h float64) []float64 {
	g := make([]float64, len(x))
	for i := range x {
		xp := append([]float64(nil), x...)
		xm := append([]float64(nil), x...)
		xp[i] += h
		xm[i] -= h
		g[i] = (f(xp) - f(xm)) / (2 * h)
	}
	return g
}

// requireClose checks got ≈ want with relative tolerance rel and an absolute
// floor abs for entries near zero.
func requireClose(t testing.TB, want, got []float64, rel, abs float64, msg string) {
	t.Helper()
	require.Len(t, got, len(want), msg)
	for i := range want {
		tol := math.Max(abs, rel*math.Abs(want[i]))
		require.InDelta(t, want[i], got[i], tol, "%s: entry %d: want %v, got %v", msg, i, want[i], got[i])
	}
}
