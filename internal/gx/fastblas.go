package gx

import (
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
)

// fastBLAS is gonum's BLAS with the float32 products of Gorgonia's Mul and
// of its gradient with respect to the second factor (Aᵀ·B) computed by
// MatMul's assembly kernel: the same terms added in the same order, so the
// same bits, in a fraction of the time. Every other call, and any call
// whose b holds a NaN or an infinity (where skipping a zero a[i,l], as
// gonum does, is not the same as adding 0·b[l,j]), goes to gonum.
type fastBLAS struct{ gonumblas.Implementation }

// Gorgonia and its tensors run their products through fastBLAS when the
// CPU has AVX2: training graphs, which cannot use the graph-free kernels,
// get the faster products with unchanged results.
func init() {
	if haveAVX2 {
		G.Use(fastBLAS{})
	}
}

var transposed = sync.Pool{New: func() any { return new([]float32) }}

func (f fastBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if alpha == 1 && beta == 0 && ldc == n && m >= 1 && n >= 8 && k >= 1 && len(a) >= m*k && len(b) >= k*n && len(c) >= m*n {
		switch {
		case tA == blas.NoTrans && tB == blas.NoTrans && lda == k && ldb == n && n >= 64:
			if panels(m, n, k, a, k, 1, b, c) {
				return
			}
		case tA == blas.Trans && tB == blas.NoTrans && lda == m && ldb == n && n >= 64:
			// c[i,:] = Σ_l a[l,i]·b[l,:], l increasing, as gonum adds it
			if panels(m, n, k, a, 1, m, b, c) {
				return
			}
		case tA == blas.NoTrans && tB == blas.Trans && lda == k && ldb == k && k%16 == 0 && n%8 == 0 &&
			blocks(m)*blocks(n) < 4 && uintptr(unsafe.Pointer(&b[0]))%16 == 0:
			// gonum's serial NotTrans product: DotUnitary of rows
			// (aligned, a multiple of 16 long) for each c[i,j].
			buf := transposed.Get().(*[]float32)
			bt := Grow(*buf, k*n)
			for j := 0; j < n; j++ {
				for l, v := range b[j*k : (j+1)*k] {
					bt[l*n+j] = v
				}
			}
			for j0 := 0; j0 < n; j0 += 8 {
				dotPanel8(m, k, &a[0], k, &bt[j0], n, &c[j0], n)
			}
			*buf = bt
			transposed.Put(buf)
			return
		}
	}
	f.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// blocks is the number of gonum's 64-wide blocks along a dimension of n.
func blocks(n int) int { return (n + 63) / 64 }

// panels computes c = a·b (a's value (i, l) at a[i·rowStep + l·termStep])
// over 64-column panels with mulPanel64 and the other columns as gonum
// does. It reports false, c holding garbage, when a panel stored a NaN or
// an infinity: b may then hold one, where skipping a zero a[i,l] as gonum
// does differs from adding 0·b[l,j].
func panels(m, n, k int, a []float32, rowStep, termStep int, b, c []float32) bool {
	j0, bad := 0, false
	for ; j0+64 <= n; j0 += 64 {
		bad = mulPanel64(m, k, &a[0], rowStep, termStep, &b[j0], n, &c[j0], n) || bad
	}
	if bad {
		return false
	}
	mulColumns(m, n, k, a, rowStep, termStep, b, c, j0)
	return true
}
