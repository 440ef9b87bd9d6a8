package loss

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/hypernas/go-hypernas/internal/gx"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Plain-Go references, written from the definitions.

func mseRef(p, y []float64) float64 {
	s := 0.0
	for i := range p {
		s += (p[i] - y[i]) * (p[i] - y[i])
	}
	return s / float64(len(p))
}

func pairMeanRef(p, y []float64, f func(d float64) float64) float64 {
	s, n := 0.0, 0
	for i := range p {
		for j := range p {
			if y[i] > y[j] {
				s += f(p[i] - p[j])
				n++
			}
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

func hingeRef(margin float64) func(p, y []float64) float64 {
	return func(p, y []float64) float64 {
		return pairMeanRef(p, y, func(d float64) float64 { return math.Max(0, margin-d) })
	}
}

func softplusRef(x float64) float64 { return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }

func bprRef(p, y []float64) float64 {
	return pairMeanRef(p, y, func(d float64) float64 { return softplusRef(-d) })
}

func listMLERef(p, y []float64) float64 {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return y[idx[a]] > y[idx[b]] })
	s := 0.0
	for i := range idx {
		m := math.Inf(-1)
		for _, k := range idx[i:] {
			m = math.Max(m, p[k])
		}
		e := 0.0
		for _, k := range idx[i:] {
			e += math.Exp(p[k] - m)
		}
		s += m + math.Log(e) - p[idx[i]]
	}
	return s / float64(len(p))
}

type predCase struct {
	name string
	f    predFn
	ref  func(p, y []float64) float64
	kind Kind
}

var predCases = []predCase{
	{"mse", MSE, mseRef, KindMSE},
	{"hinge", func(p, t *G.Node) (*G.Node, error) { return PairwiseHinge(p, t, DefaultHingeMargin) }, hingeRef(DefaultHingeMargin), KindHinge},
	{"bpr", PairwiseLogistic, bprRef, KindBPR},
	{"listmle", ListMLE, listMLERef, KindListMLE},
}

func hinge(m float64) predFn {
	return func(p, t *G.Node) (*G.Node, error) { return PairwiseHinge(p, t, m) }
}

// lse is ln Σ exp(xs), for writing expected values.
func lse(xs ...float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += math.Exp(x)
	}
	return math.Log(s)
}

func TestPredLossValues(t *testing.T) {
	s := []float64{0.3, 0.1, 0.5}
	tests := []struct {
		name         string
		f            predFn
		pred, target []float64
		want         float64
	}{
		// (2.7² + 0.9² + 1.5²)/3
		{"mse", MSE, s, []float64{3, 1, 2}, (7.29 + 0.81 + 2.25) / 3},
		{"mse exact", MSE, []float64{1, 2}, []float64{1, 2}, 0},
		// pairs (0,1): d=.2 → 0; (0,2): d=−.2 → .3; (2,1): d=.4 → 0
		{"hinge", hinge(0.1), s, []float64{3, 1, 2}, 0.1},
		// ties do not count: pairs (2,0): d=1 → 0; (2,1): d=.5 → .5
		{"hinge ties", hinge(1), []float64{0, 0.5, 1}, []float64{1, 1, 2}, 0.25},
		{"hinge all tied", hinge(1), s, []float64{2, 2, 2}, 0},
		{"hinge margin 0", hinge(0), s, []float64{3, 1, 2}, 0.2 / 3},
		{"hinge column pred", func(p, t *G.Node) (*G.Node, error) {
			c, err := G.Reshape(p, tensor.Shape{3, 1})
			if err != nil {
				return nil, err
			}
			return PairwiseHinge(c, t, 0.1)
		}, s, []float64{3, 1, 2}, 0.1},
		// mean of softplus(−d) over d = .2, −.2, .4
		{"bpr", PairwiseLogistic, s, []float64{3, 1, 2}, 0.6364309970543788},
		{"bpr all tied", PairwiseLogistic, s, []float64{0, 0, 0}, 0},
		// softplus(1000) = 1000 without overflow; softplus(−1000) = e^−1000 = 0
		{"bpr large wrong", PairwiseLogistic, []float64{1000, 0}, []float64{0, 1}, 1000},
		{"bpr large right", PairwiseLogistic, []float64{0, 1000}, []float64{0, 1}, 0},
		// order by target 0, 2, 1: [lse(s0,s2,s1) − s0 + lse(s2,s1) − s2 + 0]/3
		{"listmle", ListMLE, s, []float64{3, 1, 2}, 0.5416388950080511},
		// ties keep batch order: order 1, 2, 0
		{"listmle ties", ListMLE, s, []float64{1, 2, 2}, (lse(0.1, 0.5, 0.3) - 0.1 + lse(0.5, 0.3) - 0.5) / 3},
		// all tied: batch order 0, 1, 2
		{"listmle all tied", ListMLE, s, []float64{7, 7, 7}, (lse(0.3, 0.1, 0.5) - 0.3 + lse(0.1, 0.5) - 0.1) / 3},
		// the best item scored 2000 below the rest: the terms are
		// 1000 + ln 2 + 1000, ln 2 and 0 (up to e^−2000)
		{"listmle large", ListMLE, []float64{-1000, 1000, 1000}, []float64{3, 2, 1}, (2000 + 2*math.Ln2) / 3},
		// the worst item scored 2000 below the rest: the terms are ln 2, 0
		// and 0; shifting by the batch maximum instead of each row's would
		// give ln 0 = −∞ in the last row
		{"listmle large last", ListMLE, []float64{-1000, 1000, 1000}, []float64{1, 3, 2}, math.Ln2 / 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newPredRun(t, tensor.Float64, tc.f, tc.pred, tc.target, false)
			got, _ := r.run(t, nil)
			assert.InDelta(t, tc.want, got, 1e-12*math.Max(1, math.Abs(tc.want)))
		})
	}
}

// randBatch draws a batch of b predictions and targets, the targets with
// ties (drawn from a few levels) when ties is set.
func randBatch(rng *rand.Rand, b int, ties bool) (pred, target []float64) {
	pred, target = make([]float64, b), make([]float64, b)
	for i := range pred {
		pred[i] = rng.NormFloat64()
		if ties {
			target[i] = float64(rng.IntN(3))
		} else {
			target[i] = rng.Float64()
		}
	}
	return pred, target
}

func TestPredLossAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, pc := range predCases {
		for trial := range 4 {
			pred, target := randBatch(rng, 9, trial%2 == 1)
			t.Run(fmt.Sprintf("%s/%d", pc.name, trial), func(t *testing.T) {
				r := newPredRun(t, tensor.Float64, pc.f, pred, target, false)
				got, _ := r.run(t, nil)
				want := pc.ref(pred, target)
				assert.InDelta(t, want, got, 1e-12*math.Max(1, math.Abs(want)))
			})
		}
	}
}

// TestPredLossGradients checks G.Grad against central differences of the
// loss computed by the same graph.
func TestPredLossGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cases := append(predCases, predCase{name: "hinge margin 1", f: hinge(1)})
	for _, pc := range cases {
		for trial := range 3 {
			pred, target := randBatch(rng, 8, trial > 0)
			if trial == 2 {
				// equal predictions: the BPR softplus is at its kink-free
				// x = 0, ListMLE's row maxima are tied.
				pred[1], pred[4], pred[6] = pred[0], pred[0], pred[0]
			}
			t.Run(fmt.Sprintf("%s/%d", pc.name, trial), func(t *testing.T) {
				r := newPredRun(t, tensor.Float64, pc.f, pred, target, true)
				_, grad := r.run(t, nil)
				fwd := newPredRun(t, tensor.Float64, pc.f, pred, target, false)
				fd := centralDiff(func(x []float64) float64 { v, _ := fwd.run(t, x); return v }, pred, 1e-6)
				requireClose(t, fd, grad, 1e-6, 1e-8, pc.name)
			})
		}
	}
}

// TestBPRGradientAtTie checks the gradient of the BPR loss where two
// predictions are equal: softplus'(0) = ½, so for the single pair the
// gradient is ∓½.
func TestBPRGradientAtTie(t *testing.T) {
	r := newPredRun(t, tensor.Float64, PairwiseLogistic, []float64{0.7, 0.7}, []float64{1, 0}, true)
	v, grad := r.run(t, nil)
	assert.InDelta(t, math.Ln2, v, 1e-15)
	requireClose(t, []float64{-0.5, 0.5}, grad, 1e-15, 1e-15, "gradient at tie")
}

func TestPredLossFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pred, target := randBatch(rng, 16, true)
	for _, pc := range predCases {
		t.Run(pc.name, func(t *testing.T) {
			r := newPredRun(t, tensor.Float32, pc.f, pred, target, true)
			got, grad := r.run(t, nil)
			assert.Equal(t, tensor.Float32, r.loss.Dtype())
			want := pc.ref(pred, target)
			assert.InDelta(t, want, got, 1e-5*math.Max(1, math.Abs(want)))
			r64 := newPredRun(t, tensor.Float64, pc.f, pred, target, true)
			_, grad64 := r64.run(t, nil)
			requireClose(t, grad64, grad, 1e-4, 1e-6, "float32 gradient")
		})
	}
}

func TestPredLossBadInputs(t *testing.T) {
	g := G.NewGraph()
	vec := func(dt tensor.Dtype, n int, name string) *G.Node {
		return G.NewVector(g, dt, G.WithShape(n), G.WithName(name))
	}
	p3, t3, t4 := vec(tensor.Float64, 3, "p3"), vec(tensor.Float64, 3, "t3"), vec(tensor.Float64, 4, "t4")
	t3f32 := vec(tensor.Float32, 3, "t3f32")
	p1, t1 := vec(tensor.Float64, 1, "p1"), vec(tensor.Float64, 1, "t1")
	m32 := G.NewMatrix(g, tensor.Float64, G.WithShape(3, 2), G.WithName("m32"))
	ints := vec(tensor.Int, 3, "ints")
	s := G.NewScalar(g, tensor.Float64, G.WithName("s"))
	other := G.NewVector(G.NewGraph(), tensor.Float64, G.WithShape(3), G.WithName("other"))
	tests := []struct {
		name         string
		pred, target *G.Node
		ranking      bool
	}{
		{"length mismatch", p3, t4, false},
		{"dtype mismatch", p3, t3f32, false},
		{"matrix pred", m32, t3, false},
		{"scalar target", p3, s, false},
		{"int dtype", ints, ints, false},
		{"nil pred", nil, t3, false},
		{"nil target", p3, nil, false},
		{"other graph", p3, other, false},
		{"ranking batch of 1", p1, t1, true},
	}
	for _, tc := range tests {
		for _, pc := range predCases {
			if tc.ranking && pc.kind == KindMSE {
				continue
			}
			t.Run(tc.name+"/"+pc.name, func(t *testing.T) {
				_, err := pc.f(tc.pred, tc.target)
				require.Error(t, err)
				assert.True(t, errors.Is(err, ErrShape), "%v", err)
			})
		}
	}
	_, err := PairwiseHinge(p3, t3, -1)
	assert.Error(t, err, "negative margin")
	_, err = PairwiseHinge(p3, t3, math.NaN())
	assert.Error(t, err, "NaN margin")
	_, err = MSE(p1, t1)
	assert.NoError(t, err, "MSE of a batch of 1")
}

func TestPredLossBind(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		for _, pc := range predCases {
			t.Run(fmt.Sprintf("%v/%s", dt, pc.name), func(t *testing.T) {
				const b = 6
				g := G.NewGraph()
				pred := G.NewVector(g, dt, G.WithShape(b), G.WithName("pred"))
				pl, err := NewPredLoss(pc.kind, pred)
				require.NoError(t, err)
				assert.Equal(t, pc.kind, pl.Kind)
				assert.Equal(t, b, pl.BatchSize())
				assert.Equal(t, G.Nodes{pl.Target}, pl.Inputs())
				assert.Equal(t, dt, pl.Loss.Dtype())
				var lv G.Value
				G.Read(pl.Loss, &lv)
				vm := G.NewTapeMachine(g)
				defer vm.Close()
				require.NoError(t, G.Let(pred, vecValue(dt, make([]float64, b))))
				require.Error(t, vm.RunAll(), "a run before the first Bind")
				vm.Reset()
				// one graph, many batches: only Bind and Let change
				for range 3 {
					p, y := randBatch(rng, b, true)
					require.NoError(t, G.Let(pred, vecValue(dt, p)))
					require.NoError(t, pl.Bind(y))
					require.NoError(t, vm.RunAll())
					got, _ := gx.ToFloat64(lv)
					vm.Reset()
					want := pc.ref(p, y)
					tol := 1e-12
					if dt == tensor.Float32 {
						tol = 1e-5
					}
					assert.InDelta(t, want, got, tol*math.Max(1, math.Abs(want)))
				}
				assert.ErrorIs(t, pl.Bind(make([]float64, b+1)), ErrShape)
				bad := make([]float64, b)
				bad[2] = math.NaN()
				assert.Error(t, pl.Bind(bad))
			})
		}
	}
}

func TestNewPredLossErrors(t *testing.T) {
	g := G.NewGraph()
	pred := G.NewVector(g, tensor.Float64, G.WithShape(4), G.WithName("pred"))
	_, err := NewPredLoss(Kind(42), pred)
	assert.Error(t, err)
	_, err = NewPredLoss(KindHinge, pred, WithHingeMargin(-0.5))
	assert.Error(t, err)
	_, err = NewPredLoss(KindMSE, nil)
	assert.ErrorIs(t, err, ErrShape)
	// two losses on one graph get distinct target inputs
	a, err := NewPredLoss(KindMSE, pred)
	require.NoError(t, err)
	b, err := NewPredLoss(KindBPR, pred)
	require.NoError(t, err)
	assert.NotSame(t, a.Target, b.Target)
	assert.NotEqual(t, a.Target.Name(), b.Target.Name())
}

// TestPredLossTrains fits a linear scorer with each loss and checks that the
// loss falls and the fitted scores order a held-out batch.
func TestPredLossTrains(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const b, f = 32, 3
	truth := []float64{1, -2, 0.5}
	draw := func() ([]float64, []float64) {
		x, y := make([]float64, b*f), make([]float64, b)
		for i := range b {
			for j := range f {
				x[i*f+j] = rng.NormFloat64()
				y[i] += truth[j] * x[i*f+j]
			}
		}
		return x, y
	}
	for _, pc := range predCases {
		t.Run(pc.name, func(t *testing.T) {
			g := G.NewGraph()
			x := G.NewMatrix(g, tensor.Float64, G.WithShape(b, f), G.WithName("x"))
			w := G.NewVector(g, tensor.Float64, G.WithShape(f), G.WithName("w"), G.WithInit(G.Zeroes()))
			pred, err := G.Mul(x, w)
			require.NoError(t, err)
			pl, err := NewPredLoss(pc.kind, pred)
			require.NoError(t, err)
			_, err = G.Grad(pl.Loss, w)
			require.NoError(t, err)
			var lv G.Value
			G.Read(pl.Loss, &lv)
			vm := G.NewTapeMachine(g, G.BindDualValues(w))
			defer vm.Close()
			solver := G.NewAdamSolver(G.WithLearnRate(0.05))
			var first, last float64
			for step := range 150 {
				xs, ys := draw()
				require.NoError(t, G.Let(x, tensor.New(tensor.WithShape(b, f), tensor.WithBacking(xs))))
				require.NoError(t, pl.Bind(ys))
				require.NoError(t, vm.RunAll())
				require.NoError(t, solver.Step(G.NodesToValueGrads(G.Nodes{w})))
				v, _ := gx.ToFloat64(lv)
				vm.Reset()
				if step == 0 {
					first = v
				}
				last = v
			}
			assert.Less(t, last, first/2, "loss %v → %v", first, last)
			// the direction of w matters for ranking, not its scale
			wv := gx.ToFloat64s(w.Value())
			cos, nw, nt := 0.0, 0.0, 0.0
			for j := range f {
				cos += wv[j] * truth[j]
				nw += wv[j] * wv[j]
				nt += truth[j] * truth[j]
			}
			assert.Greater(t, cos/math.Sqrt(nw*nt), 0.95, "w = %v", wv)
		})
	}
}

func benchmarkPred(b *testing.B, kind Kind, dt tensor.Dtype) {
	const n = 64
	rng := rand.New(rand.NewPCG(11, 12))
	g := G.NewGraph()
	pred := G.NewVector(g, dt, G.WithShape(n), G.WithName("pred"))
	pl, err := NewPredLoss(kind, pred)
	require.NoError(b, err)
	_, err = G.Grad(pl.Loss, pred)
	require.NoError(b, err)
	vm := G.NewTapeMachine(g, G.BindDualValues(pred))
	defer vm.Close()
	p, y := randBatch(rng, n, false)
	require.NoError(b, G.Let(pred, vecValue(dt, p)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := pl.Bind(y); err != nil {
			b.Fatal(err)
		}
		if err := vm.RunAll(); err != nil {
			b.Fatal(err)
		}
		vm.Reset()
	}
}

func BenchmarkPredLoss(b *testing.B) {
	for _, pc := range predCases {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			b.Run(fmt.Sprintf("%s/%v/B=64", pc.name, dt), func(b *testing.B) { benchmarkPred(b, pc.kind, dt) })
		}
	}
}
