package gx

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
)

// sparse32 fills n values, a fraction zero of them ±0, the rest of mixed
// sign and magnitude (some tiny enough to give denormal products).
func sparse32(rng *rand.Rand, n int, zero float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		switch r := rng.Float64(); {
		case r < zero/2:
			v[i] = 0
		case r < zero:
			v[i] = float32(math.Copysign(0, -1))
		case r < zero+0.02:
			v[i] = float32(rng.NormFloat64() * 1e-36)
		default:
			v[i] = float32(rng.NormFloat64())
		}
	}
	return v
}

// withoutAVX2 runs f with the assembly kernels off.
func withoutAVX2(f func()) {
	old := haveAVX2
	haveAVX2 = false
	defer func() { haveAVX2 = old }()
	f()
}

// TestMatMulMatchesGemm: MatMul gives the bits of gonum's product (what
// Gorgonia's Mul runs), with and without the assembly kernel, for panel
// and remainder widths, in both dtypes.
func TestMatMulMatchesGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, m := range []int{1, 5, 33} {
		for _, k := range []int{1, 3, 32, 70} {
			for _, n := range []int{1, 7, 64, 96, 128, 130} {
				a, b := sparse32(rng, m*k, 0.4), sparse32(rng, k*n, 0.1)
				want := make([]float32, m*n)
				Gemm(false, false, m, n, k, a, b, 0, want)
				got := make([]float32, m*n)
				for i := range got {
					got[i] = float32(math.NaN()) // stale values are overwritten
				}
				MatMul(m, n, k, a, b, got)
				require.Equal(t, want, got, "%d×%d·%d×%d", m, k, k, n)
				withoutAVX2(func() { MatMul(m, n, k, a, b, got) })
				require.Equal(t, want, got, "Go code, %d×%d·%d×%d", m, k, k, n)

				a64, b64 := make([]float64, len(a)), make([]float64, len(b))
				for i, x := range a {
					a64[i] = float64(x) * 1.1
				}
				for i, x := range b {
					b64[i] = float64(x)
				}
				want64, got64 := make([]float64, m*n), make([]float64, m*n)
				Gemm(false, false, m, n, k, a64, b64, 0, want64)
				MatMul(m, n, k, a64, b64, got64)
				require.Equal(t, want64, got64)
			}
		}
	}
	assert.Panics(t, func() { MatMul(2, 2, 2, make([]float32, 3), make([]float32, 4), make([]float32, 4)) })
	MatMul(0, 3, 2, []float32{}, make([]float32, 6), []float32{})
}

// randCSR returns a CSR of rows rows over cols columns, rows of 1 to 4
// entries in increasing column order, weight 1/n.
func randCSR(rng *rand.Rand, rows, cols int) *CSR[float32] {
	var s CSR[float32]
	s.Reset()
	for range rows {
		var c []int32
		for j := 0; j < cols && len(c) < 4; j++ {
			if rng.IntN(cols) < 3 {
				c = append(c, int32(j))
			}
		}
		if len(c) == 0 {
			c = append(c, int32(rng.IntN(cols)))
		}
		s.AppendRow(c, float32(1/float64(len(c))))
	}
	return &s
}

// TestGCNRows: the kernel computes ½·ReLU(Ê P⁺) + ½·ReLU(Êᵀ P⁻) (checked
// in float64 against the definition), and the assembly and the Go code
// give the same bits.
func TestGCNRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, h := range []int{32, 64, 12} {
		rows := 40
		f, b := randCSR(rng, rows, rows), randCSR(rng, rows, rows)
		p := sparse32(rng, rows*2*h, 0.2)
		got := make([]float32, rows*h)
		GCNRows(f, b, p, got, h)
		slow := make([]float32, rows*h)
		withoutAVX2(func() { GCNRows(f, b, p, slow, h) })
		require.Equal(t, slow, got, "h %d", h)
		for r := 0; r < rows; r++ {
			for c := 0; c < h; c++ {
				var sf, sb float64
				for e := f.Off[r]; e < f.Off[r+1]; e++ {
					sf += float64(f.W[e]) * float64(p[int(f.Col[e])*2*h+c])
				}
				for e := b.Off[r]; e < b.Off[r+1]; e++ {
					sb += float64(b.W[e]) * float64(p[int(b.Col[e])*2*h+h+c])
				}
				want := (math.Max(sf, 0) + math.Max(sb, 0)) / 2
				require.InDelta(t, want, got[r*h+c], 1e-5, "row %d column %d", r, c)
			}
		}
	}
	var empty CSR[float32]
	GCNRows(&empty, &empty, nil, nil, 32)
	assert.Panics(t, func() {
		GCNRows(randCSR(rng, 3, 3), randCSR(rng, 2, 3), make([]float32, 3*64), make([]float32, 3*32), 32)
	})
}

// TestGCNRowsGrad: the gradient is that of GCNRows' definition (checked in
// float64), and the assembly and the Go code give the same bits.
func TestGCNRowsGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, h := range []int{32, 64, 12} {
		rows := 40
		f, b := randCSR(rng, rows, rows), randCSR(rng, rows, rows)
		p := sparse32(rng, rows*2*h, 0.2)
		dy := sparse32(rng, rows*h, 0.1)
		got := make([]float32, len(p))
		for i := range got {
			got[i] = 7 // stale values are cleared
		}
		GCNRowsGrad(f, b, p, dy, got, h)
		slow := make([]float32, len(p))
		withoutAVX2(func() { GCNRowsGrad(f, b, p, dy, slow, h) })
		require.Equal(t, slow, got, "h %d", h)
		want := make([]float64, len(p))
		for r := 0; r < rows; r++ {
			for dir, s := range []*CSR[float32]{f, b} {
				for c := 0; c < h; c++ {
					var a float64
					for e := s.Off[r]; e < s.Off[r+1]; e++ {
						a += float64(s.W[e]) * float64(p[int(s.Col[e])*2*h+dir*h+c])
					}
					if a <= 0 {
						continue
					}
					for e := s.Off[r]; e < s.Off[r+1]; e++ {
						want[int(s.Col[e])*2*h+dir*h+c] += float64(s.W[e]) * float64(dy[r*h+c]) / 2
					}
				}
			}
		}
		for i := range want {
			require.InDelta(t, want[i], got[i], 1e-5, "h %d, value %d", h, i)
		}
	}
	assert.Panics(t, func() {
		GCNRowsGrad(randCSR(rng, 2, 2), randCSR(rng, 2, 2), make([]float32, 4*32), make([]float32, 64), make([]float32, 3), 32)
	})
}

// BenchmarkMatMul is the GCN layer's product at hidden 32 (2,048 node
// rows × 32 by 32 × 64), a quarter of the inputs zero (ReLU): MatMul
// against gonum's Sgemm, which Gorgonia's Mul runs.
func BenchmarkMatMul(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	const m, k, n = 2048, 32, 64
	x, w, y := sparse32(rng, m*k, 0.25), sparse32(rng, k*n, 0), make([]float32, m*n)
	for _, impl := range []string{"MatMul", "MatMulGo", "gonum"} {
		b.Run(impl, func(b *testing.B) {
			if impl == "MatMulGo" {
				old := haveAVX2
				haveAVX2 = false
				defer func() { haveAVX2 = old }()
			}
			for i := 0; i < b.N; i++ {
				if impl == "gonum" {
					Gemm(false, false, m, n, k, x, w, 0, y)
				} else {
					MatMul(m, n, k, x, w, y)
				}
			}
			b.ReportMetric(2*m*k*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGCNRows is one GCN layer's message passing, and its gradient,
// over 2,048 node rows of hidden 32, NB201-like wiring (1 to 4 entries a
// row).
func BenchmarkGCNRows(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	const rows, h = 2048, 32
	f, bw := randCSR(rng, rows, 8), randCSR(rng, rows, 8)
	// columns within blocks of 8 rows, as the units of a batch
	for _, s := range []*CSR[float32]{f, bw} {
		for r := 0; r < rows; r++ {
			for e := s.Off[r]; e < s.Off[r+1]; e++ {
				s.Col[e] += int32(r / 8 * 8)
			}
		}
	}
	p, v := sparse32(rng, rows*2*h, 0), make([]float32, rows*h)
	dy, dp := sparse32(rng, rows*h, 0), make([]float32, rows*2*h)
	for _, asm := range []bool{true, false} {
		old := haveAVX2
		b.Run(fmt.Sprintf("asm=%v", asm && old), func(b *testing.B) {
			haveAVX2 = asm && old
			defer func() { haveAVX2 = old }()
			for i := 0; i < b.N; i++ {
				GCNRows(f, bw, p, v, h)
			}
		})
		b.Run(fmt.Sprintf("grad/asm=%v", asm && old), func(b *testing.B) {
			haveAVX2 = asm && old
			defer func() { haveAVX2 = old }()
			for i := 0; i < b.N; i++ {
				GCNRowsGrad(f, bw, p, dy, dp, h)
			}
		})
	}
}

// TestFastBLAS: the BLAS that Gorgonia runs gives gonum's bits for every
// product, those it takes over (no transpose, a transposed, b transposed)
// and those it passes through (other shapes, strides, scalings, unaligned
// b), also when b holds an infinity or a NaN.
func TestFastBLAS(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var f fastBLAS
	var ref gonumblas.Implementation
	type product struct {
		tA, tB      blas.Transpose
		m, n, k     int
		alpha, beta float32
		offset      int // b starts this many values into its slice
	}
	var cases []product
	for _, m := range []int{1, 20, 128, 200} {
		for _, n := range []int{8, 32, 64, 96, 128} {
			for _, k := range []int{7, 16, 64, 130} {
				for _, tt := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}} {
					cases = append(cases, product{tt[0], tt[1], m, n, k, 1, 0, 0})
				}
			}
		}
	}
	cases = append(cases,
		product{blas.NoTrans, blas.Trans, 20, 64, 64, 1, 0, 1},
		product{blas.NoTrans, blas.NoTrans, 5, 64, 8, 2, 0, 0},
		product{blas.Trans, blas.NoTrans, 5, 64, 8, 1, 0.5, 0},
		product{blas.Trans, blas.Trans, 5, 64, 8, 1, 0, 0})
	for _, c := range cases {
		lda, ldb := c.k, c.n
		if c.tA == blas.Trans {
			lda = c.m
		}
		if c.tB == blas.Trans {
			ldb = c.k
		}
		a := sparse32(rng, c.m*c.k, 0.3)
		b := sparse32(rng, c.k*c.n+c.offset, 0.05)[c.offset:]
		for _, poison := range []float32{0, float32(math.Inf(1)), float32(math.NaN())} {
			bb := append([]float32(nil), b...)
			if c.offset > 0 {
				bb = append(make([]float32, c.offset), b...)[c.offset:]
			}
			bb[rng.IntN(len(bb))] += poison
			want, got := sparse32(rng, c.m*c.n, 0), make([]float32, c.m*c.n)
			copy(got, want)
			ref.Sgemm(c.tA, c.tB, c.m, c.n, c.k, c.alpha, a, lda, bb, ldb, c.beta, want, c.n)
			f.Sgemm(c.tA, c.tB, c.m, c.n, c.k, c.alpha, a, lda, bb, ldb, c.beta, got, c.n)
			for i := range want {
				if math.Float32bits(want[i]) != math.Float32bits(got[i]) && !(want[i] != want[i] && got[i] != got[i]) {
					t.Fatalf("%+v, poison %v: value %d is %v, gonum gives %v", c, poison, i, got[i], want[i])
				}
			}
		}
	}
}
