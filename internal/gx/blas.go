package gx

import (
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
