//go:build !amd64 || purego

package gx

// haveAVX2 is false: the kernels below are never called.
var haveAVX2 = false

func mulPanel64(m, k int, a *float32, rowStep, termStep int, b *float32, ldb int, c *float32, ldc int) bool {
	panic("gx: no assembly kernels in this build")
}

func dotPanel8(m, k int, a *float32, lda int, bt *float32, ldbt int, c *float32, ldc int) {
	panic("gx: no assembly kernels in this build")
}

func gcnPanel32(rows int, pf, pb *float32, ldp int, v *float32, ldv int, foff, fcol *int32, fw *float32, boff, bcol *int32, bw *float32) {
	panic("gx: no assembly kernels in this build")
}

func gcnGradPanel32(rows int, p *float32, ldp int, dy *float32, ldy int, dp *float32, off, col *int32, w *float32) {
	panic("gx: no assembly kernels in this build")
}
