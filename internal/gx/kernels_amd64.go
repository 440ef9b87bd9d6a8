//go:build !purego

package gx

import "golang.org/x/sys/cpu"

// haveAVX2 enables the assembly kernels; build with -tags purego to use
// the Go code alone.
var haveAVX2 = cpu.X86.HasAVX2

//go:noescape
func mulPanel64(m, k int, a *float32, rowStep, termStep int, b *float32, ldb int, c *float32, ldc int) (nonFinite bool)

//go:noescape
func dotPanel8(m, k int, a *float32, lda int, bt *float32, ldbt int, c *float32, ldc int)

//go:noescape
func gcnPanel32(rows int, pf, pb *float32, ldp int, v *float32, ldv int, foff, fcol *int32, fw *float32, boff, bcol *int32, bw *float32)

//go:noescape
func gcnGradPanel32(rows int, p *float32, ldp int, dy *float32, ldy int, dp *float32, off, col *int32, w *float32)
