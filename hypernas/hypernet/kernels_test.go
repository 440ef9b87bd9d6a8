package hypernet

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The kernels against direct implementations of their definitions, image
// by image. Their gradients are checked through the whole target network
// (TestTargetOpGradient, TestZooGradient, the per-space checks).

// naiveConv is a direct k×k convolution of one HWC image (side S, ci
// channels) with weights (k, k, ci, co), stride, dilation, padding
// dil·(k−1)/2.
func naiveConv(x, w []float64, S, ci, co, k, stride, dil int, relu bool) []float64 {
	so := outSide(S, stride)
	pad := dil * (k - 1) / 2
	out := make([]float64, so*so*co)
	for oy := 0; oy < so; oy++ {
		for ox := 0; ox < so; ox++ {
			for c := 0; c < co; c++ {
				s := 0.0
				for dy := 0; dy < k; dy++ {
					for dx := 0; dx < k; dx++ {
						y, xx := oy*stride+dy*dil-pad, ox*stride+dx*dil-pad
						if y < 0 || y >= S || xx < 0 || xx >= S {
							continue
						}
						for i := 0; i < ci; i++ {
							v := x[(y*S+xx)*ci+i]
							if relu {
								v = max(v, 0)
							}
							s += v * w[((dy*k+dx)*ci+i)*co+c]
						}
					}
				}
				out[(oy*so+ox)*co+c] = s
			}
		}
	}
	return out
}

// naivePool pools one HWC image over the window positions inside it.
func naivePool(x []float64, S, C, k, stride int, isMax bool) []float64 {
	so := outSide(S, stride)
	pad := 0
	if k%2 == 1 {
		pad = (k - 1) / 2
	}
	out := make([]float64, so*so*C)
	for oy := 0; oy < so; oy++ {
		for ox := 0; ox < so; ox++ {
			for c := 0; c < C; c++ {
				s, n, m := 0.0, 0, math.Inf(-1)
				for y := oy*stride - pad; y < oy*stride-pad+k; y++ {
					for xx := ox*stride - pad; xx < ox*stride-pad+k; xx++ {
						if y < 0 || y >= S || xx < 0 || xx >= S {
							continue
						}
						v := x[(y*S+xx)*C+c]
						s, n, m = s+v, n+1, max(m, v)
					}
				}
				if isMax {
					out[(oy*so+ox)*C+c] = m
				} else {
					out[(oy*so+ox)*C+c] = s / float64(n)
				}
			}
		}
	}
	return out
}

// perImage applies f to each of P images of n values.
func perImage(v []float64, P int, f func([]float64) []float64) []float64 {
	var out []float64
	n := len(v) / P
	for p := 0; p < P; p++ {
		out = append(out, f(v[p*n:(p+1)*n])...)
	}
	return out
}

func TestConvMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct {
		k, stride, dil, S, ci, co int
		relu                      bool
	}{{3, 1, 1, 6, 3, 3, true}, {3, 2, 1, 6, 3, 2, true}, {1, 1, 1, 5, 2, 4, false}, {1, 2, 1, 5, 2, 2, true},
		{5, 1, 2, 7, 2, 3, true}, {3, 2, 2, 4, 3, 3, false}, {3, 2, 1, 1, 2, 2, true}} {
		const P = 2
		cv := conv{P: P, in: geo{c.S, c.ci}, out: geo{outSide(c.S, c.stride), c.co}, w: win{k: c.k, stride: c.stride, dil: c.dil}, relu: c.relu}
		x, w := randSlice(rng, cv.in.size(P)), randSlice(rng, c.k*c.k*c.ci*c.co)
		y := make([]float64, cv.out.size(P))
		convForward(cv, x, w, y, &scratch[float64]{})
		want := perImage(x, P, func(im []float64) []float64 { return naiveConv(im, w, c.S, c.ci, c.co, c.k, c.stride, c.dil, c.relu) })
		assert.InDeltaSlice(t, want, y, 1e-12, "%+v", c)
	}
}

func TestSubMatrix(t *testing.T) {
	// Two (3, 4) blocks; their top-left (2, 3) parts.
	src := make([]float64, 24)
	for i := range src {
		src[i] = float64(i)
	}
	got := subMatrix(make([]float64, 12), src, 2, 3, 4, 2, 3)
	assert.Equal(t, []float64{0, 1, 2, 4, 5, 6, 12, 13, 14, 16, 17, 18}, got)
	d := make([]float64, 24)
	addSubMatrix(d, got, 2, 3, 4, 2, 3)
	for i, v := range d {
		r, c := i%12/4, i%4
		if r < 2 && c < 3 {
			assert.Equal(t, float64(i), v)
		} else {
			assert.Zero(t, v)
		}
	}
	assert.Equal(t, src[:24], subMatrix(nil, src, 2, 3, 4, 3, 4), "the whole block is not copied")
}

func TestPoolMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 1))
	for _, c := range []struct {
		k, stride, S int
		max          bool
	}{{3, 1, 5, false}, {3, 1, 5, true}, {2, 2, 6, false}, {2, 2, 6, true}, {3, 2, 6, true}, {2, 2, 1, false}, {4, 4, 8, false}} {
		const P, C = 2, 3
		pl := pool{P: P, in: geo{c.S, C}, out: geo{outSide(c.S, c.stride), C}, w: win{k: c.k, stride: c.stride, dil: 1}, max: c.max}
		x := randSlice(rng, pl.in.size(P))
		y := make([]float64, pl.out.size(P))
		poolRun(pl, x, y, nil, nil)
		want := perImage(x, P, func(im []float64) []float64 { return naivePool(im, c.S, C, c.k, c.stride, c.max) })
		assert.InDeltaSlice(t, want, y, 1e-12, "%+v", c)
	}
}

func TestDepthwiseMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	const P, S, C, Cmax, k = 2, 6, 3, 5, 3
	for _, w := range []win{{k, 1, 1}, {k, 2, 2}} {
		d := depthwise{P: P, in: geo{S, C}, out: geo{outSide(S, w.stride), C}, w: w, relu: true, stride: Cmax}
		x, wd := randSlice(rng, d.in.size(P)), randSlice(rng, k*k*Cmax)
		y := make([]float64, d.out.size(P))
		depthwiseForward(d, x, wd, y, &scratch[float64]{})
		// A depthwise convolution is a full one whose weights are zero off
		// the diagonal.
		full := make([]float64, k*k*C*C)
		for t := 0; t < k*k; t++ {
			for c := 0; c < C; c++ {
				full[(t*C+c)*C+c] = wd[t*Cmax+c]
			}
		}
		want := perImage(x, P, func(im []float64) []float64 { return naiveConv(im, full, S, C, C, k, w.stride, w.dil, true) })
		assert.InDeltaSlice(t, want, y, 1e-12, "%+v", w)
	}
}

// naiveAttention is single-image pre-norm attention from its definition.
func naiveAttention(x []float64, T, ci, D, heads, hd int, wq, wk, wv, wo []float64) []float64 {
	xn := make([]float64, T*ci)
	for t := 0; t < T; t++ {
		m, v := 0.0, 0.0
		for i := 0; i < ci; i++ {
			m += x[t*ci+i] / float64(ci)
		}
		for i := 0; i < ci; i++ {
			v += (x[t*ci+i] - m) * (x[t*ci+i] - m) / float64(ci)
		}
		for i := 0; i < ci; i++ {
			xn[t*ci+i] = (x[t*ci+i] - m) / math.Sqrt(v+normEps)
		}
	}
	qw := heads * hd
	mul := func(a, b []float64, n, k, m int) []float64 {
		c := make([]float64, n*m)
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				for l := 0; l < k; l++ {
					c[i*m+j] += a[i*k+l] * b[l*m+j]
				}
			}
		}
		return c
	}
	q, k, v := mul(xn, wq, T, ci, qw), mul(xn, wk, T, ci, qw), mul(xn, wv, T, ci, qw)
	o := make([]float64, T*qw)
	for h := 0; h < heads; h++ {
		for i := 0; i < T; i++ {
			s := make([]float64, T)
			z := 0.0
			for j := 0; j < T; j++ {
				for d := 0; d < hd; d++ {
					s[j] += q[i*qw+h*hd+d] * k[j*qw+h*hd+d]
				}
				s[j] = math.Exp(s[j] / math.Sqrt(float64(hd)))
				z += s[j]
			}
			for j := 0; j < T; j++ {
				for d := 0; d < hd; d++ {
					o[i*qw+h*hd+d] += s[j] / z * v[j*qw+h*hd+d]
				}
			}
		}
	}
	return mul(o, wo, T, qw, D)
}

func TestAttentionMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 1))
	a := attention{P: 2, T: 4, in: geo{2, 3}, out: geo{2, 5}, heads: 2, hd: 2}
	x := randSlice(rng, a.in.size(a.P))
	wq, wk, wv := randSlice(rng, 3*4), randSlice(rng, 3*4), randSlice(rng, 3*4)
	wo := randSlice(rng, 4*5)
	y, aux := make([]float64, a.out.size(a.P)), make([]float64, a.P*a.auxSize())
	attentionForward(a, x, wq, wk, wv, wo, y, aux, &scratch[float64]{})
	want := perImage(x, a.P, func(im []float64) []float64 { return naiveAttention(im, a.T, 3, 5, 2, 2, wq, wk, wv, wo) })
	assert.InDeltaSlice(t, want, y, 1e-12)
}

func TestGELU(t *testing.T) {
	for _, x := range []float64{-3, -0.5, 0, 0.7, 2} {
		num := (gelu(x+1e-6) - gelu(x-1e-6)) / 2e-6
		assert.InDelta(t, num, geluGrad(x, normCDF(x)), 1e-8, "%v", x)
	}
	assert.InDelta(t, 0.8413447460685429, gelu(1), 1e-15)
}
