//go:build !purego

#include "textflag.h"

// AVX2 float32 kernels for MatMul and GCNRows. Each term is a VMULPS
// followed by a VADDPS (never a fused multiply-add), accumulated in the
// order of the Go code they replace, so that they give its bits.

// func mulPanel64(m, k int, a *float32, rowStep, termStep int, b *float32, ldb int, c *float32, ldc int) (nonFinite bool)
//
// c[i, 0:64] = Σ_l a_il·b[l, 0:64] for i < m, l increasing, where a_il is
// at a + i·rowStep + l·termStep (in values: a row-major a, or its
// transpose); the 64 sums live in Y0–Y7. Zero a_il are not skipped (a
// branch costs more than the term): with b finite, a zero term adds ±0 to
// a sum that is never −0 (it starts at +0), which changes nothing. It
// reports whether it stored a NaN or an infinity, the only way a
// non-finite b can show.
TEXT ·mulPanel64(SB), NOSPLIT, $0-73
	MOVQ m+0(FP), R8
	MOVQ k+8(FP), R9
	MOVQ a+16(FP), SI
	MOVQ rowStep+24(FP), R10
	MOVQ termStep+32(FP), R14
	MOVQ b+40(FP), R11
	MOVQ ldb+48(FP), R12
	MOVQ c+56(FP), DI
	MOVQ ldc+64(FP), R13
	SHLQ $2, R10
	SHLQ $2, R12
	SHLQ $2, R13
	SHLQ $2, R14
	VBROADCASTSS expmask<>(SB), Y13
	VXORPS       Y14, Y14, Y14 // the non-finite flags of the stored values

mul_row:
	TESTQ  R8, R8
	JZ     mul_done
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   R11, BX // b[l, :]
	MOVQ   SI, DX  // a_il
	MOVQ   R9, CX  // terms left

mul_term:
	TESTQ        CX, CX
	JZ           mul_store
	VBROADCASTSS (DX), Y8
	VMULPS       (BX), Y8, Y9
	VMULPS       32(BX), Y8, Y10
	VMULPS       64(BX), Y8, Y11
	VMULPS       96(BX), Y8, Y12
	VADDPS       Y9, Y0, Y0
	VADDPS       Y10, Y1, Y1
	VADDPS       Y11, Y2, Y2
	VADDPS       Y12, Y3, Y3
	VMULPS       128(BX), Y8, Y9
	VMULPS       160(BX), Y8, Y10
	VMULPS       192(BX), Y8, Y11
	VMULPS       224(BX), Y8, Y12
	VADDPS       Y9, Y4, Y4
	VADDPS       Y10, Y5, Y5
	VADDPS       Y11, Y6, Y6
	VADDPS       Y12, Y7, Y7
	ADDQ         R12, BX
	ADDQ         R14, DX
	DECQ         CX
	JMP          mul_term

mul_store:
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	// A value is NaN or infinite when its exponent bits are all ones.
	VANDPS   Y13, Y0, Y0
	VANDPS   Y13, Y1, Y1
	VANDPS   Y13, Y2, Y2
	VANDPS   Y13, Y3, Y3
	VANDPS   Y13, Y4, Y4
	VANDPS   Y13, Y5, Y5
	VANDPS   Y13, Y6, Y6
	VANDPS   Y13, Y7, Y7
	VPCMPEQD Y13, Y0, Y0
	VPCMPEQD Y13, Y1, Y1
	VPCMPEQD Y13, Y2, Y2
	VPCMPEQD Y13, Y3, Y3
	VPCMPEQD Y13, Y4, Y4
	VPCMPEQD Y13, Y5, Y5
	VPCMPEQD Y13, Y6, Y6
	VPCMPEQD Y13, Y7, Y7
	VORPS    Y0, Y1, Y0
	VORPS    Y2, Y3, Y2
	VORPS    Y4, Y5, Y4
	VORPS    Y6, Y7, Y6
	VORPS    Y0, Y2, Y0
	VORPS    Y4, Y6, Y4
	VORPS    Y0, Y14, Y14
	VORPS    Y4, Y14, Y14
	ADDQ     R10, SI
	ADDQ     R13, DI
	DECQ     R8
	JMP      mul_row

mul_done:
	VPTEST     Y14, Y14
	SETNE      nonFinite+72(FP)
	VZEROUPPER
	RET

DATA expmask<>+0(SB)/4, $0x7f800000
GLOBL expmask<>(SB), RODATA|NOPTR, $4

// func dotPanel8(m, k int, a *float32, lda int, bt *float32, ldbt int, c *float32, ldc int)
//
// c[i, j] = dot(a[i, 0:k], b[j, 0:k]) for i < m and 8 columns j, with bt
// the transpose of b (bt[l, j] = b[j, l]), summed as gonum's DotUnitary
// sums an aligned vector whose length is a multiple of 16: term l goes to
// partial sum l mod 4 of its first accumulator when l mod 8 < 4, of its
// second otherwise; the accumulators are added, then the four partial
// sums pairwise, ((s0+s1)+(s2+s3)), and the dot product is added to +0,
// as gonum's NotTrans Sgemm adds it to a cleared c. Partial sum q of the
// 8 columns lives in Yq; k must be a multiple of 8 (of 16 for gonum's
// order).
TEXT ·dotPanel8(SB), NOSPLIT, $0-64
	MOVQ  m+0(FP), R8
	MOVQ  k+8(FP), R9
	MOVQ  a+16(FP), SI
	MOVQ  lda+24(FP), R10
	MOVQ  bt+32(FP), R11
	MOVQ  ldbt+40(FP), R12
	MOVQ  c+48(FP), DI
	MOVQ  ldc+56(FP), R13
	SHLQ  $2, R10
	SHLQ  $2, R12
	SHLQ  $2, R13
	SHRQ  $3, R9 // groups of 8 terms
	VXORPS Y15, Y15, Y15

dot_row:
	TESTQ  R8, R8
	JZ     dot_done
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   R11, BX // bt[l, :]
	MOVQ   SI, DX  // a[i, l]
	MOVQ   R9, CX

dot_group:
	TESTQ        CX, CX
	JZ           dot_sum
	VBROADCASTSS (DX), Y8
	VMULPS       (BX), Y8, Y8
	VADDPS       Y8, Y0, Y0
	ADDQ         R12, BX
	VBROADCASTSS 4(DX), Y9
	VMULPS       (BX), Y9, Y9
	VADDPS       Y9, Y1, Y1
	ADDQ         R12, BX
	VBROADCASTSS 8(DX), Y10
	VMULPS       (BX), Y10, Y10
	VADDPS       Y10, Y2, Y2
	ADDQ         R12, BX
	VBROADCASTSS 12(DX), Y11
	VMULPS       (BX), Y11, Y11
	VADDPS       Y11, Y3, Y3
	ADDQ         R12, BX
	VBROADCASTSS 16(DX), Y8
	VMULPS       (BX), Y8, Y8
	VADDPS       Y8, Y4, Y4
	ADDQ         R12, BX
	VBROADCASTSS 20(DX), Y9
	VMULPS       (BX), Y9, Y9
	VADDPS       Y9, Y5, Y5
	ADDQ         R12, BX
	VBROADCASTSS 24(DX), Y10
	VMULPS       (BX), Y10, Y10
	VADDPS       Y10, Y6, Y6
	ADDQ         R12, BX
	VBROADCASTSS 28(DX), Y11
	VMULPS       (BX), Y11, Y11
	VADDPS       Y11, Y7, Y7
	ADDQ         R12, BX
	ADDQ         $32, DX
	DECQ         CX
	JMP          dot_group

dot_sum:
	VADDPS  Y4, Y0, Y0 // SUM += P_SUM
	VADDPS  Y5, Y1, Y1
	VADDPS  Y6, Y2, Y2
	VADDPS  Y7, Y3, Y3
	VADDPS  Y1, Y0, Y0 // HADDPS: s0+s1, s2+s3
	VADDPS  Y3, Y2, Y2
	VADDPS  Y2, Y0, Y0 // then their sum
	VADDPS  Y0, Y15, Y0 // c = +0 + dot
	VMOVUPS Y0, (DI)
	ADDQ    R10, SI
	ADDQ    R13, DI
	DECQ    R8
	JMP     dot_row

dot_done:
	VZEROUPPER
	RET

DATA half<>+0(SB)/4, $0.5
GLOBL half<>(SB), RODATA|NOPTR, $4

// func gcnPanel32(rows int, pf, pb *float32, ldp int, v *float32, ldv int, foff, fcol *int32, fw *float32, boff, bcol *int32, bw *float32)
//
// For each row r, columns 0:32 of v[r,:] =
// ½·ReLU(Σ_e fw[e]·pf[fcol[e],:]) + ½·ReLU(Σ_e bw[e]·pb[bcol[e],:]), the
// entries e of row r taken in order. ReLU(x)/2 is max(x·½, 0), which is
// x/2 for x > 0 and +0 otherwise, as the Go code computes it.
TEXT ·gcnPanel32(SB), NOSPLIT, $0-96
	MOVQ rows+0(FP), R8
	MOVQ pf+8(FP), R9
	MOVQ pb+16(FP), R10
	MOVQ ldp+24(FP), R11
	MOVQ v+32(FP), DI
	MOVQ ldv+40(FP), R12
	SHLQ $2, R11
	SHLQ $2, R12
	VBROADCASTSS half<>(SB), Y14
	VXORPS       Y15, Y15, Y15
	XORQ         DX, DX // r

gcn_row:
	CMPQ DX, R8
	JGE  gcn_done

	// Messages from predecessors: Σ_e fw[e]·pf[fcol[e], 0:32] in Y0–Y3.
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ   foff+48(FP), SI
	MOVLQSX (SI)(DX*4), CX   // e
	MOVLQSX 4(SI)(DX*4), R13 // end
	MOVQ   fcol+56(FP), SI
	MOVQ   fw+64(FP), BX

gcn_fwd:
	CMPQ         CX, R13
	JGE          gcn_fwd_done
	MOVLQSX      (SI)(CX*4), AX
	IMULQ        R11, AX
	ADDQ         R9, AX
	VBROADCASTSS (BX)(CX*4), Y8
	VMULPS       (AX), Y8, Y9
	VMULPS       32(AX), Y8, Y10
	VMULPS       64(AX), Y8, Y11
	VMULPS       96(AX), Y8, Y12
	VADDPS       Y9, Y0, Y0
	VADDPS       Y10, Y1, Y1
	VADDPS       Y11, Y2, Y2
	VADDPS       Y12, Y3, Y3
	INCQ         CX
	JMP          gcn_fwd

gcn_fwd_done:
	VMULPS Y14, Y0, Y0
	VMULPS Y14, Y1, Y1
	VMULPS Y14, Y2, Y2
	VMULPS Y14, Y3, Y3
	VMAXPS Y15, Y0, Y0
	VMAXPS Y15, Y1, Y1
	VMAXPS Y15, Y2, Y2
	VMAXPS Y15, Y3, Y3

	// Messages from successors: Σ_e bw[e]·pb[bcol[e], 0:32] in Y4–Y7.
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   boff+72(FP), SI
	MOVLQSX (SI)(DX*4), CX
	MOVLQSX 4(SI)(DX*4), R13
	MOVQ   bcol+80(FP), SI
	MOVQ   bw+88(FP), BX

gcn_bwd:
	CMPQ         CX, R13
	JGE          gcn_bwd_done
	MOVLQSX      (SI)(CX*4), AX
	IMULQ        R11, AX
	ADDQ         R10, AX
	VBROADCASTSS (BX)(CX*4), Y8
	VMULPS       (AX), Y8, Y9
	VMULPS       32(AX), Y8, Y10
	VMULPS       64(AX), Y8, Y11
	VMULPS       96(AX), Y8, Y12
	VADDPS       Y9, Y4, Y4
	VADDPS       Y10, Y5, Y5
	VADDPS       Y11, Y6, Y6
	VADDPS       Y12, Y7, Y7
	INCQ         CX
	JMP          gcn_bwd

gcn_bwd_done:
	VMULPS  Y14, Y4, Y4
	VMULPS  Y14, Y5, Y5
	VMULPS  Y14, Y6, Y6
	VMULPS  Y14, Y7, Y7
	VMAXPS  Y15, Y4, Y4
	VMAXPS  Y15, Y5, Y5
	VMAXPS  Y15, Y6, Y6
	VMAXPS  Y15, Y7, Y7
	VADDPS  Y4, Y0, Y0
	VADDPS  Y5, Y1, Y1
	VADDPS  Y6, Y2, Y2
	VADDPS  Y7, Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    R12, DI
	INCQ    DX
	JMP     gcn_row

gcn_done:
	VZEROUPPER
	RET

// func gcnGradPanel32(rows int, p *float32, ldp int, dy *float32, ldy int, dp *float32, off, col *int32, w *float32)
//
// One direction of GCNRowsGrad on a 32-column panel: for each row r, with
// a = Σ_e w[e]·p[col[e],:] (the pre-activation, summed in order) and
// t = ½·dy[r,:] where a > 0 and +0 elsewhere, dp[col[e],:] += w[e]·t for
// the row's entries in order. Rows whose t is all zero add nothing.
TEXT ·gcnGradPanel32(SB), NOSPLIT, $0-72
	MOVQ rows+0(FP), R8
	MOVQ p+8(FP), R9
	MOVQ ldp+16(FP), R11
	MOVQ dy+24(FP), R10
	MOVQ ldy+32(FP), R12
	MOVQ off+48(FP), SI
	MOVQ col+56(FP), DI
	MOVQ w+64(FP), BX
	SHLQ $2, R11
	SHLQ $2, R12
	VBROADCASTSS half<>(SB), Y14
	VXORPS       Y15, Y15, Y15
	XORQ         DX, DX // r

grad_row:
	CMPQ DX, R8
	JGE  grad_done
	VXORPS  Y0, Y0, Y0
	VXORPS  Y1, Y1, Y1
	VXORPS  Y2, Y2, Y2
	VXORPS  Y3, Y3, Y3
	MOVLQSX (SI)(DX*4), CX   // e
	MOVLQSX 4(SI)(DX*4), R13 // end

grad_sum:
	CMPQ         CX, R13
	JGE          grad_mask
	MOVLQSX      (DI)(CX*4), AX
	IMULQ        R11, AX
	ADDQ         R9, AX
	VBROADCASTSS (BX)(CX*4), Y8
	VMULPS       (AX), Y8, Y9
	VMULPS       32(AX), Y8, Y10
	VMULPS       64(AX), Y8, Y11
	VMULPS       96(AX), Y8, Y12
	VADDPS       Y9, Y0, Y0
	VADDPS       Y10, Y1, Y1
	VADDPS       Y11, Y2, Y2
	VADDPS       Y12, Y3, Y3
	INCQ         CX
	JMP          grad_sum

grad_mask:
	// t = ½·dy where 0 < a, else +0
	VCMPPS $1, Y0, Y15, Y0
	VCMPPS $1, Y1, Y15, Y1
	VCMPPS $1, Y2, Y15, Y2
	VCMPPS $1, Y3, Y15, Y3
	VMULPS (R10), Y14, Y4
	VMULPS 32(R10), Y14, Y5
	VMULPS 64(R10), Y14, Y6
	VMULPS 96(R10), Y14, Y7
	VANDPS Y0, Y4, Y4
	VANDPS Y1, Y5, Y5
	VANDPS Y2, Y6, Y6
	VANDPS Y3, Y7, Y7
	VORPS  Y0, Y1, Y0
	VORPS  Y2, Y3, Y2
	VORPS  Y0, Y2, Y0
	VPTEST Y0, Y0
	JZ     grad_next
	MOVLQSX (SI)(DX*4), CX // the row's entries again

grad_scatter:
	CMPQ         CX, R13
	JGE          grad_next
	MOVLQSX      (DI)(CX*4), AX
	IMULQ        R11, AX
	ADDQ         dp+40(FP), AX
	VBROADCASTSS (BX)(CX*4), Y8
	VMULPS       Y4, Y8, Y9
	VMULPS       Y5, Y8, Y10
	VMULPS       Y6, Y8, Y11
	VMULPS       Y7, Y8, Y12
	VADDPS       (AX), Y9, Y9
	VADDPS       32(AX), Y10, Y10
	VADDPS       64(AX), Y11, Y11
	VADDPS       96(AX), Y12, Y12
	VMOVUPS      Y9, (AX)
	VMOVUPS      Y10, 32(AX)
	VMOVUPS      Y11, 64(AX)
	VMOVUPS      Y12, 96(AX)
	INCQ         CX
	JMP          grad_scatter

grad_next:
	ADDQ R12, R10
	INCQ DX
	JMP  grad_row

grad_done:
	VZEROUPPER
	RET
