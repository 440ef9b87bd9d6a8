package loss

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/hypernas/go-hypernas/internal/gx"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// wRun is a graph of scalar task-loss inputs combined by a Weighting, with
// gradients with respect to the losses and the weighting's parameters.
type wRun struct {
	w      Weighting
	losses G.Nodes
	params G.Nodes
	total  *G.Node
	val    G.Value
	vm     G.VM
}

func scalarValue(dt tensor.Dtype, v float64) G.Value {
	if dt == tensor.Float32 {
		return G.NewF32(float32(v))
	}
	return G.NewF64(v)
}

func newWRun(t testing.TB, dt tensor.Dtype, tasks int, build func(g *G.ExprGraph) (Weighting, error)) *wRun {
	t.Helper()
	g := G.NewGraph()
	r := &wRun{}
	var err error
	r.w, err = build(g)
	require.NoError(t, err)
	for i := range tasks {
		r.losses = append(r.losses, G.NewScalar(g, dt, G.WithName(fmt.Sprintf("L%d", i)), G.WithValue(scalarValue(dt, 1))))
	}
	r.params = r.w.Params()
	r.total, err = r.w.Combine(r.losses)
	require.NoError(t, err)
	assert.Equal(t, dt, r.total.Dtype())
	G.Read(r.total, &r.val)
	wrt := append(append(G.Nodes{}, r.losses...), r.params...)
	_, err = G.Grad(r.total, wrt...)
	require.NoError(t, err)
	r.vm = G.NewTapeMachine(g, G.BindDualValues(wrt...))
	t.Cleanup(func() { r.vm.Close() })
	return r
}

// run evaluates at task losses ls and parameters ps (nil: keep) and returns
// the total and its gradients with respect to the losses and the parameters.
func (r *wRun) run(t testing.TB, ls, ps []float64) (total float64, dl, dp []float64) {
	t.Helper()
	for i, n := range r.losses {
		require.NoError(t, G.Let(n, scalarValue(n.Dtype(), ls[i])))
	}
	if ps != nil {
		require.NoError(t, G.Let(r.params[0], vecValue(r.params[0].Dtype(), ps)))
	}
	require.NoError(t, r.vm.RunAll())
	defer r.vm.Reset()
	total, ok := gx.ToFloat64(r.val)
	require.True(t, ok)
	for _, n := range r.losses {
		g, err := n.Grad()
		require.NoError(t, err)
		v, _ := gx.ToFloat64(g)
		dl = append(dl, v)
	}
	if len(r.params) > 0 {
		g, err := r.params[0].Grad()
		require.NoError(t, err)
		dp = gx.ToFloat64s(g)
	}
	return total, dl, dp
}

// References written from the formulas.

func adaptiveRef(q float64) func(l, u []float64) float64 {
	return func(l, u []float64) float64 {
		s := 0.0
		for t := range l {
			s += math.Pow(l[t], q-1)/(2*u[t]*u[t])*l[t] + math.Log(1+u[t]*u[t])
		}
		return s
	}
}

// adaptiveFrozenRef is the adaptive loss with the factors fixed at f.
func adaptiveFrozenRef(f []float64) func(l, u []float64) float64 {
	return func(l, u []float64) float64 {
		s := 0.0
		for t := range l {
			s += f[t]/(2*u[t]*u[t])*l[t] + math.Log(1+u[t]*u[t])
		}
		return s
	}
}

// kendallRef is Σ L/(2σ²) + ln σ with s = ln σ².
func kendallRef(l, s []float64) float64 {
	sum := 0.0
	for t := range l {
		sigma := math.Exp(s[t] / 2)
		sum += l[t]/(2*sigma*sigma) + math.Log(sigma)
	}
	return sum
}

func fixedRef(w []float64) func(l, _ []float64) float64 {
	return func(l, _ []float64) float64 {
		s := 0.0
		for t := range l {
			s += w[t] * l[t]
		}
		return s
	}
}

func TestWeightingValues(t *testing.T) {
	tests := []struct {
		name        string
		build       func(g *G.ExprGraph) (Weighting, error)
		ls, ps      []float64
		want        float64
		weights     []float64
		values      []float64 // σ_t or u_t, nil for Fixed
		tasks, wrtP int
	}{
		{"fixed", func(*G.ExprGraph) (Weighting, error) { return NewFixed(1, 0.25), nil },
			[]float64{2, 4}, nil, 3, []float64{1, 0.25}, nil, 2, 0},
		{"fixed all ones", func(*G.ExprGraph) (Weighting, error) { return NewFixed(), nil },
			[]float64{2, 4, 0.5}, nil, 6.5, nil, nil, 3, 0},
		// ½·2 + ½·0.5 + 0
		{"kendall at σ=1", func(g *G.ExprGraph) (Weighting, error) { return NewUncertainty(g, 2, tensor.Float64) },
			[]float64{2, 0.5}, nil, 1.25, []float64{0.5, 0.5}, []float64{1, 1}, 2, 0},
		// s = ln 4 (σ = 2): 8/8 + ln 2
		{"kendall at σ=2", func(g *G.ExprGraph) (Weighting, error) { return NewUncertainty(g, 1, tensor.Float64) },
			[]float64{8}, []float64{math.Log(4)}, 1 + math.Ln2, []float64{0.125}, []float64{2}, 1, 0},
		// σ = (1, 2): 2/2 + ln 2 + 8/8 + ln 5
		{"liebel", func(g *G.ExprGraph) (Weighting, error) {
			return NewUncertainty(g, 2, tensor.Float64, WithRegulariser(Log1pSigmaSq))
		}, []float64{2, 8}, []float64{1, 2}, 2 + math.Ln2 + math.Log(5), []float64{0.5, 0.125}, []float64{1, 2}, 2, 0},
		// q = 1.5, u = 1: √4/2·4 + √0.25/2·0.25 + 2 ln 2
		{"adaptive q=1.5", func(g *G.ExprGraph) (Weighting, error) { return NewAdaptive(g, 2, tensor.Float64, 1.5) },
			[]float64{4, 0.25}, nil, 4 + 0.0625 + 2*math.Ln2, []float64{1, 0.25}, []float64{1, 1}, 2, 0},
		{"adaptive q=1.5 factor gradient", func(g *G.ExprGraph) (Weighting, error) {
			return NewAdaptive(g, 2, tensor.Float64, 1.5, WithFactorGradient(true))
		}, []float64{4, 0.25}, nil, 4 + 0.0625 + 2*math.Ln2, []float64{1, 0.25}, []float64{1, 1}, 2, 0},
		// q = 2, u = (2, 0.5): 3/8·3 + ln 5 + 0.1/0.5·0.1 + ln 1.25
		{"adaptive q=2", func(g *G.ExprGraph) (Weighting, error) { return NewAdaptive(g, 2, tensor.Float64, 2) },
			[]float64{3, 0.1}, []float64{2, 0.5}, 9.0/8 + math.Log(5) + 0.02 + math.Log(1.25), []float64{3.0 / 8, 0.2}, []float64{2, 0.5}, 2, 0},
		// three tasks, q = 3, u = 1: Σ L³/2 + 3 ln 2
		{"adaptive three tasks", func(g *G.ExprGraph) (Weighting, error) { return NewAdaptive(g, 3, tensor.Float64, 3) },
			[]float64{1, 2, 0.5}, nil, (1+8+0.125)/2 + 3*math.Ln2, []float64{0.5, 2, 0.125}, []float64{1, 1, 1}, 3, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newWRun(t, tensor.Float64, tc.tasks, tc.build)
			got, _, _ := r.run(t, tc.ls, tc.ps)
			assert.InDelta(t, tc.want, got, 1e-12)
			requireClose(t, tc.weights, r.w.Weights(), 1e-12, 1e-15, "weights")
			if tc.values != nil {
				v, ok := r.w.(interface{ Values() []float64 })
				require.True(t, ok)
				requireClose(t, tc.values, v.Values(), 1e-12, 1e-15, "values")
			}
		})
	}
}

// TestWeightingGradients checks G.Grad with respect to the task losses and
// the parameters against central differences of a plain-Go reference (whose
// value is checked against the graph's first).
func TestWeightingGradients(t *testing.T) {
	ls := []float64{0.7, 2.3, 0.05}
	us := []float64{0.8, 1.3, 2.1}
	f0 := func(q float64) []float64 {
		f := make([]float64, len(ls))
		for i, l := range ls {
			f[i] = math.Pow(l, q-1)
		}
		return f
	}
	tests := []struct {
		name string
		// build the weighting; ref for the value, refL for the gradient
		// with respect to the losses (differs with a frozen factor)
		build     func(g *G.ExprGraph) (Weighting, error)
		ps        []float64
		ref, refL func(l, p []float64) float64
	}{
		{"fixed", func(*G.ExprGraph) (Weighting, error) { return NewFixed(0.3, 1, 2.5), nil },
			nil, fixedRef([]float64{0.3, 1, 2.5}), fixedRef([]float64{0.3, 1, 2.5})},
		{"kendall", func(g *G.ExprGraph) (Weighting, error) { return NewUncertainty(g, 3, tensor.Float64) },
			[]float64{-0.4, 0.2, 1.1}, kendallRef, kendallRef},
		{"liebel", func(g *G.ExprGraph) (Weighting, error) {
			return NewUncertainty(g, 3, tensor.Float64, WithRegulariser(Log1pSigmaSq))
		}, us, adaptiveRef(1), adaptiveRef(1)},
	}
	for _, q := range []float64{0.5, 1, 1.25, 1.5, 2, 3} {
		tests = append(tests, struct {
			name      string
			build     func(g *G.ExprGraph) (Weighting, error)
			ps        []float64
			ref, refL func(l, p []float64) float64
		}{fmt.Sprintf("adaptive q=%v factor gradient", q), func(g *G.ExprGraph) (Weighting, error) {
			return NewAdaptive(g, 3, tensor.Float64, q, WithFactorGradient(true))
		}, us, adaptiveRef(q), adaptiveRef(q)}, struct {
			name      string
			build     func(g *G.ExprGraph) (Weighting, error)
			ps        []float64
			ref, refL func(l, p []float64) float64
		}{fmt.Sprintf("adaptive q=%v", q), func(g *G.ExprGraph) (Weighting, error) {
			return NewAdaptive(g, 3, tensor.Float64, q)
		}, us, adaptiveRef(q), adaptiveFrozenRef(f0(q))})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newWRun(t, tensor.Float64, 3, tc.build)
			got, dl, dp := r.run(t, ls, tc.ps)
			assert.InDelta(t, tc.ref(ls, tc.ps), got, 1e-12)
			fdL := centralDiff(func(l []float64) float64 { return tc.refL(l, tc.ps) }, ls, 1e-6)
			requireClose(t, fdL, dl, 1e-6, 1e-9, "d/dL")
			if tc.ps == nil {
				assert.Nil(t, dp)
				return
			}
			fdP := centralDiff(func(p []float64) float64 { return tc.ref(ls, p) }, tc.ps, 1e-6)
			requireClose(t, fdP, dp, 1e-6, 1e-9, "d/dparam")
			// and against the graph itself
			fdG := centralDiff(func(p []float64) float64 { v, _, _ := r.run(t, ls, p); return v }, tc.ps, 1e-6)
			requireClose(t, fdG, dp, 1e-6, 1e-9, "d/dparam, graph")
		})
	}
}

// TestAdaptiveQ1 checks that at q = 1 the adaptive loss is the regularised
// uncertainty weighting: same values and gradients, either factor reading.
func TestAdaptiveQ1(t *testing.T) {
	ls := []float64{0.4, 3}
	ps := []float64{0.7, 1.6}
	ref := newWRun(t, tensor.Float64, 2, func(g *G.ExprGraph) (Weighting, error) {
		return NewUncertainty(g, 2, tensor.Float64, WithRegulariser(Log1pSigmaSq))
	})
	want, wantL, wantP := ref.run(t, ls, ps)
	for _, fg := range []bool{false, true} {
		r := newWRun(t, tensor.Float64, 2, func(g *G.ExprGraph) (Weighting, error) {
			return NewAdaptive(g, 2, tensor.Float64, 1, WithFactorGradient(fg))
		})
		got, gotL, gotP := r.run(t, ls, ps)
		assert.Equal(t, want, got)
		assert.Equal(t, wantL, gotL)
		assert.Equal(t, wantP, gotP)
		assert.Equal(t, ref.w.Weights(), r.w.Weights())
	}
}

// TestAdaptiveFactorReadings checks the documented relation between the two
// readings: the same value and gradient for the u_t, and q times the
// gradient for the losses when the factor carries gradient.
func TestAdaptiveFactorReadings(t *testing.T) {
	ls := []float64{0.4, 3}
	ps := []float64{0.7, 1.6}
	const q = 1.5
	off := newWRun(t, tensor.Float64, 2, func(g *G.ExprGraph) (Weighting, error) {
		return NewAdaptive(g, 2, tensor.Float64, q)
	})
	on := newWRun(t, tensor.Float64, 2, func(g *G.ExprGraph) (Weighting, error) {
		return NewAdaptive(g, 2, tensor.Float64, q, WithFactorGradient(true))
	})
	v0, l0, p0 := off.run(t, ls, ps)
	v1, l1, p1 := on.run(t, ls, ps)
	assert.InDelta(t, v0, v1, 1e-14)
	requireClose(t, p0, p1, 1e-13, 0, "d/du")
	for i := range l0 {
		assert.InDelta(t, q*l0[i], l1[i], 1e-13)
		// off: the weight itself
		assert.InDelta(t, off.w.Weights()[i], l0[i], 1e-15)
	}
	a := off.w.(*Adaptive)
	assert.Equal(t, q, a.Q())
	assert.False(t, a.FactorGradient())
	assert.True(t, on.w.(*Adaptive).FactorGradient())
}

func TestWeightingFloat32(t *testing.T) {
	ls := []float64{0.4, 3}
	builds := map[string]func(dt tensor.Dtype) func(g *G.ExprGraph) (Weighting, error){
		"fixed": func(tensor.Dtype) func(g *G.ExprGraph) (Weighting, error) {
			return func(*G.ExprGraph) (Weighting, error) { return NewFixed(2, 0.5), nil }
		},
		"kendall": func(dt tensor.Dtype) func(g *G.ExprGraph) (Weighting, error) {
			return func(g *G.ExprGraph) (Weighting, error) { return NewUncertainty(g, 2, dt) }
		},
		"liebel": func(dt tensor.Dtype) func(g *G.ExprGraph) (Weighting, error) {
			return func(g *G.ExprGraph) (Weighting, error) {
				return NewUncertainty(g, 2, dt, WithRegulariser(Log1pSigmaSq))
			}
		},
		"adaptive": func(dt tensor.Dtype) func(g *G.ExprGraph) (Weighting, error) {
			return func(g *G.ExprGraph) (Weighting, error) { return NewAdaptive(g, 2, dt, 1.5) }
		},
		"adaptive factor gradient": func(dt tensor.Dtype) func(g *G.ExprGraph) (Weighting, error) {
			return func(g *G.ExprGraph) (Weighting, error) { return NewAdaptive(g, 2, dt, 1.5, WithFactorGradient(true)) }
		},
	}
	for name, b := range builds {
		t.Run(name, func(t *testing.T) {
			r32 := newWRun(t, tensor.Float32, 2, b(tensor.Float32))
			r64 := newWRun(t, tensor.Float64, 2, b(tensor.Float64))
			v32, l32, p32 := r32.run(t, ls, nil)
			v64, l64, p64 := r64.run(t, ls, nil)
			assert.InDelta(t, v64, v32, 1e-5*math.Abs(v64))
			requireClose(t, l64, l32, 1e-5, 1e-6, "d/dL")
			requireClose(t, p64, p32, 1e-5, 1e-6, "d/dparam")
			requireClose(t, r64.w.Weights(), r32.w.Weights(), 1e-5, 1e-6, "weights")
		})
	}
}

func TestWeightingBadInputs(t *testing.T) {
	g := G.NewGraph()
	_, err := NewUncertainty(g, 0, tensor.Float64)
	assert.ErrorIs(t, err, ErrShape)
	_, err = NewUncertainty(nil, 2, tensor.Float64)
	assert.ErrorIs(t, err, ErrShape)
	_, err = NewUncertainty(g, 2, tensor.Int)
	assert.ErrorIs(t, err, ErrShape)
	_, err = NewUncertainty(g, 2, tensor.Float64, WithRegulariser(Regulariser(9)))
	assert.Error(t, err)
	_, err = NewAdaptive(g, 0, tensor.Float64, 1.5)
	assert.ErrorIs(t, err, ErrShape)
	for _, q := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		_, err = NewAdaptive(g, 2, tensor.Float64, q)
		assert.Error(t, err, "q = %v", q)
	}

	l64 := G.NewScalar(g, tensor.Float64, G.WithName("l64"))
	m64 := G.NewScalar(g, tensor.Float64, G.WithName("m64"))
	l32 := G.NewScalar(g, tensor.Float32, G.WithName("l32"))
	vec := G.NewVector(g, tensor.Float64, G.WithShape(2), G.WithName("vec"))
	other := G.NewScalar(G.NewGraph(), tensor.Float64, G.WithName("other"))
	u, err := NewUncertainty(g, 2, tensor.Float64)
	require.NoError(t, err)
	a, err := NewAdaptive(g, 2, tensor.Float64, 1.5)
	require.NoError(t, err)
	a32, err := NewAdaptive(g, 2, tensor.Float32, 1.5)
	require.NoError(t, err)
	tests := []struct {
		name   string
		w      Weighting
		losses []*G.Node
	}{
		{"too few", u, G.Nodes{l64}},
		{"too many", a, G.Nodes{l64, m64, l64}},
		{"none", NewFixed(), nil},
		{"fixed count", NewFixed(1, 2), G.Nodes{l64}},
		{"vector loss", a, G.Nodes{l64, vec}},
		{"nil loss", u, G.Nodes{l64, nil}},
		{"mixed dtypes", NewFixed(), G.Nodes{l64, l32}},
		{"weighting dtype", a32, G.Nodes{l64, m64}},
		{"other graph", a, G.Nodes{other, other}},
		{"mixed graphs", NewFixed(), G.Nodes{l64, other}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.w.Combine(tc.losses)
			assert.True(t, errors.Is(err, ErrShape), "%v", err)
		})
	}
	_, err = NewFixed(1, math.NaN()).Combine(G.Nodes{l64, m64})
	assert.Error(t, err)
}

func TestWeightsBeforeRun(t *testing.T) {
	g := G.NewGraph()
	a, err := NewAdaptive(g, 2, tensor.Float32, 2)
	require.NoError(t, err)
	assert.Nil(t, a.Weights())
	assert.Equal(t, []float64{1, 1}, a.Values(), "u_t start at 1")
	u, err := NewUncertainty(g, 3, tensor.Float64)
	require.NoError(t, err)
	assert.Nil(t, u.Weights())
	assert.Equal(t, []float64{1, 1, 1}, u.Values(), "σ_t start at 1")
	// two weightings in one graph get their own parameters
	b, err := NewAdaptive(g, 2, tensor.Float32, 2)
	require.NoError(t, err)
	assert.NotSame(t, a.Params()[0], b.Params()[0])
}

func TestStopGradient(t *testing.T) {
	// y = x·stop(x)² + x: dy/dx = stop(x)² + 1, not 3x² + 1
	g := G.NewGraph()
	x := G.NewScalar(g, tensor.Float64, G.WithName("x"), G.WithValue(1.5))
	s, err := StopGradient(x)
	require.NoError(t, err)
	s2, err := G.Square(s)
	require.NoError(t, err)
	y, err := G.HadamardProd(x, s2)
	require.NoError(t, err)
	y, err = G.Add(y, x)
	require.NoError(t, err)
	var yv G.Value
	G.Read(y, &yv)
	_, err = G.Grad(y, x)
	require.NoError(t, err)
	vm := G.NewTapeMachine(g, G.BindDualValues(x))
	defer vm.Close()
	require.NoError(t, vm.RunAll())
	v, _ := gx.ToFloat64(yv)
	assert.InDelta(t, 1.5*1.5*1.5+1.5, v, 1e-15)
	gv, err := x.Grad()
	require.NoError(t, err)
	d, _ := gx.ToFloat64(gv)
	assert.InDelta(t, 1.5*1.5+1, d, 1e-15)

	// on a vector of float32
	x32 := G.NewVector(g, tensor.Float32, G.WithShape(2), G.WithName("x32"))
	s32, err := StopGradient(x32)
	require.NoError(t, err)
	assert.Equal(t, x32.Shape(), s32.Shape())
	assert.Equal(t, tensor.Float32, s32.Dtype())
	_, err = StopGradient(nil)
	assert.Error(t, err)

	// a cost that reaches x only through stop-gradient cannot be
	// differentiated with respect to x
	z, err := G.Sum(s32)
	require.NoError(t, err)
	_, err = G.Grad(z, x32)
	assert.Error(t, err)
}
