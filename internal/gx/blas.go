package gx

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	gonumblas "gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
)

// Float is the element type of the tensors our ops compute on.
type Float interface{ ~float32 | ~float64 }

// Data returns the backing slice of v as []T. It panics if v holds another
// element type: call it only where the op's type signature fixes the dtype.
func Data[T Float](v G.Value) []T { return v.Data().([]T) }

var impl gonumblas.Implementation

// Axpy is y += a·x through gonum's assembly kernels (len(y) ≥ len(x)).
func Axpy[T Float](a T, x, y []T) {
	switch xv := any(x).(type) {
	case []float32:
		impl.Saxpy(len(xv), float32(a), xv, 1, any(y).([]float32), 1)
	case []float64:
		impl.Daxpy(len(xv), float64(a), xv, 1, any(y).([]float64), 1)
	}
}

// Gemm is c = op(a)·op(b) + beta·c for row-major a (m×k, or k×m when
// transA), b (k×n, or n×k when transB) and c (m×n).
func Gemm[T Float](transA, transB bool, m, n, k int, a, b []T, beta T, c []T) {
	ta, tb, lda, ldb := blas.NoTrans, blas.NoTrans, k, n
	if transA {
		ta, lda = blas.Trans, m
	}
	if transB {
		tb, ldb = blas.Trans, k
	}
	switch av := any(a).(type) {
	case []float32:
		impl.Sgemm(ta, tb, m, n, k, 1, av, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), n)
	case []float64:
		impl.Dgemm(ta, tb, m, n, k, 1, av, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), n)
	}
}

// MatMul is c = a·b for row-major a (m×k), b (k×n) and c (m×n), computed as
// gonum's Sgemm and Dgemm compute it without transposes (the product
// Gorgonia's Mul runs): row by row, c[i,:] = Σ_l a[i,l]·b[l,:] with l
// increasing and zero a[i,l] skipped, each term rounded to T and then
// added. It gives the same bits as the graph's product (for finite b), on
// the calling goroutine only (gonum splits a large product over
// goroutines). For float32 on a CPU with AVX2 it runs an assembly kernel
// over panels of 64 columns that keeps the sums in registers, in the same
// order.
func MatMul[T Float](m, n, k int, a, b, c []T) {
	if len(a) < m*k || len(b) < k*n || len(c) < m*n {
		panic(fmt.Sprintf("gx: MatMul of %d×%d by %d×%d with %d, %d and %d values", m, k, k, n, len(a), len(b), len(c)))
	}
	if m <= 0 || n <= 0 {
		return
	}
	j0 := 0
	if a32, ok := any(a).([]float32); ok && haveAVX2 && k > 0 {
		b32, c32 := any(b).([]float32), any(c).([]float32)
		for ; j0+64 <= n; j0 += 64 {
			mulPanel64(m, k, &a32[0], k, 1, &b32[j0], n, &c32[j0], n)
		}
	}
	mulColumns(m, n, k, a, k, 1, b, c, j0)
}

// mulColumns computes columns j0: of c = a·b as gonum does, a's value
// (i, l) at a[i·rowStep + l·termStep].
func mulColumns[T Float](m, n, k int, a []T, rowStep, termStep int, b, c []T, j0 int) {
	if j0 >= n {
		return
	}
	for i := 0; i < m; i++ {
		ci := c[i*n+j0 : (i+1)*n]
		clear(ci)
		for l := 0; l < k; l++ {
			if v := a[i*rowStep+l*termStep]; v != 0 {
				Axpy(v, b[l*n+j0:(l+1)*n], ci)
			}
		}
	}
}

// CSR is a sparse matrix stored by rows: row r holds the entries
// Off[r] ≤ e < Off[r+1], in column Col[e] with weight W[e].
type CSR[T Float] struct {
	Off, Col []int32
	W        []T
}

// Rows is the number of rows.
func (s *CSR[T]) Rows() int { return max(len(s.Off)-1, 0) }

// Reset empties s, keeping its memory.
func (s *CSR[T]) Reset() { s.Off, s.Col, s.W = append(s.Off[:0], 0), s.Col[:0], s.W[:0] }

// Add appends an entry to the row being built; EndRow ends it.
func (s *CSR[T]) Add(col int32, w T) {
	if len(s.Off) == 0 {
		s.Off = append(s.Off, 0)
	}
	s.Col = append(s.Col, col)
	s.W = append(s.W, w)
}

// EndRow ends the row being built (an empty one if nothing was added).
func (s *CSR[T]) EndRow() {
	if len(s.Off) == 0 {
		s.Off = append(s.Off, 0)
	}
	s.Off = append(s.Off, int32(len(s.Col)))
}

// AppendRow appends a row with an entry of weight w in each of cols.
func (s *CSR[T]) AppendRow(cols []int32, w T) {
	for _, c := range cols {
		s.Add(c, w)
	}
	s.EndRow()
}

// GCNRows is the message passing of one layer of HyperNAS's directed GCN
// on sparse adjacency rows. With P = V_l·[W⁺|W⁻] in p (rows of 2h values),
// f the rows of Ê and b those of Êᵀ (as many rows as each other), it sets
// row r of v (rows of h values) to
//
//	½·ReLU(Σ_e f.W[e]·P⁺[f.Col[e]]) + ½·ReLU(Σ_e b.W[e]·P⁻[b.Col[e]])
//
// summing the entries in order, each term rounded and then added. Every
// column must be a row of p. For float32 on a CPU with AVX2 and h a
// multiple of 32 it runs an assembly kernel that gives the same bits.
func GCNRows[T Float](f, b *CSR[T], p, v []T, h int) {
	rows := f.Rows()
	if b.Rows() != rows || len(v) < rows*h {
		panic(fmt.Sprintf("gx: GCNRows with %d and %d rows and %d outputs of %d", rows, b.Rows(), len(v), h))
	}
	if rows == 0 {
		return
	}
	if p32, ok := any(p).([]float32); ok && haveAVX2 && h%32 == 0 && len(f.Col) > 0 && len(b.Col) > 0 {
		v32 := any(v).([]float32)
		fw, bw := any(f.W).([]float32), any(b.W).([]float32)
		for c0 := 0; c0 < h; c0 += 32 {
			gcnPanel32(rows, &p32[c0], &p32[h+c0], 2*h, &v32[c0], h, &f.Off[0], &f.Col[0], &fw[0], &b.Off[0], &b.Col[0], &bw[0])
		}
		return
	}
	tmp := make([]T, h)
	for r := 0; r < rows; r++ {
		o := v[r*h : (r+1)*h]
		rowSum(f, r, p, 0, h, o)
		for i, x := range o {
			if x > 0 {
				o[i] = x / 2
			} else {
				o[i] = 0
			}
		}
		rowSum(b, r, p, h, h, tmp)
		for i, x := range tmp {
			if x > 0 {
				o[i] += x / 2
			}
		}
	}
}

// rowSum sets dst to Σ_e s.W[e]·p[s.Col[e]·2h+off : +h] over row r's
// entries, in order.
func rowSum[T Float](s *CSR[T], r int, p []T, off, h int, dst []T) {
	clear(dst)
	for e := s.Off[r]; e < s.Off[r+1]; e++ {
		j := int(s.Col[e])
		Axpy(s.W[e], p[j*2*h+off:j*2*h+off+h], dst)
	}
}

// GCNRowsGrad is GCNRows' gradient with respect to p: given dy, the
// gradient of its output v, it sets dp (as many rows of 2h values as p) to
//
//	dP⁺[j] = Σ_{e in rows r, f.Col[e] = j} f.W[e]·(½·dy[r] ⊙ [Σ_e' f.W[e']·P⁺[f.Col[e']] > 0])
//
// and dP⁻ likewise from b, accumulating over the rows r in order (the
// pre-activations are recomputed, in GCNRows' order, so the masks are the
// same). For float32 on a CPU with AVX2 and h a multiple of 32 it runs an
// assembly kernel that gives the same bits.
func GCNRowsGrad[T Float](f, b *CSR[T], p, dy, dp []T, h int) {
	rows := f.Rows()
	if b.Rows() != rows || len(dy) < rows*h || len(dp) != len(p) || len(p)%(2*h) != 0 {
		panic(fmt.Sprintf("gx: GCNRowsGrad with %d and %d rows, %d gradients of %d, %d and %d inputs", rows, b.Rows(), len(dy), h, len(p), len(dp)))
	}
	clear(dp)
	if rows == 0 {
		return
	}
	if p32, ok := any(p).([]float32); ok && haveAVX2 && h%32 == 0 {
		dy32, dp32 := any(dy).([]float32), any(dp).([]float32)
		for dir, s := range [2]*CSR[T]{f, b} {
			if len(s.Col) == 0 {
				continue
			}
			w := any(s.W).([]float32)
			for c0 := 0; c0 < h; c0 += 32 {
				off := dir*h + c0
				gcnGradPanel32(rows, &p32[off], 2*h, &dy32[c0], h, &dp32[off], &s.Off[0], &s.Col[0], &w[0])
			}
		}
		return
	}
	tmp := make([]T, h)
	for r := 0; r < rows; r++ {
		di := dy[r*h : (r+1)*h]
		for dir, s := range [2]*CSR[T]{f, b} {
			off := dir * h
			rowSum(s, r, p, off, h, tmp)
			live := false
			for k, v := range tmp {
				if v > 0 {
					tmp[k] = di[k] / 2
					live = true
				} else {
					tmp[k] = 0
				}
			}
			if !live {
				continue
			}
			for e := s.Off[r]; e < s.Off[r+1]; e++ {
				j := int(s.Col[e])
				Axpy(s.W[e], tmp, dp[j*2*h+off:j*2*h+off+h])
			}
		}
	}
}

// Grow returns s resliced to n values, reallocated when its capacity is
// smaller: a buffer reused from call to call.
func Grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
