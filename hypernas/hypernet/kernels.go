package hypernet

import (
	"math"

	"github.com/hypernas/go-hypernas/internal/gx"
)

// The target network's layers, on one architecture's feature maps: P
// images of side × side positions and width channels, stored compactly
// (image by image, row by row, channels last). Every backward function
// ADDS its input gradient into dx (a node's input may be another node's
// output, which other consumers also add to) and its weight gradient into
// dw.

// geo is the geometry of one architecture's feature maps.
type geo struct{ side, width int }

func (g geo) size(P int) int { return P * g.side * g.side * g.width }

// win is a k × k window of a convolution or pooling with a stride and a
// dilation, padded by pad() on each side.
type win struct{ k, stride, dil int }

// pad centres odd windows; even ones (a 2×2 pooling) start at the origin.
func (w win) pad() int {
	if w.k%2 == 0 {
		return 0
	}
	return w.dil * (w.k - 1) / 2
}

// outSide is ⌈side/stride⌉, the side every strided primitive produces.
func outSide(side, stride int) int { return (side + stride - 1) / stride }

// strideFor is the smallest stride that takes a map of side in to side
// out (out ≤ in).
func strideFor(in, out int) int {
	s := 1
	for outSide(in, s) > out {
		s++
	}
	return s
}

// scratch holds an engine's reusable buffers.
type scratch[T gx.Float] struct{ col, dcol, w, dw, wt, dwt, t, dt, u, du, dn []T }

func grow[T gx.Float](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

func addTo[T gx.Float](dst, src []T) {
	for i, v := range src {
		dst[i] += v
	}
}

// subMatrix copies the top-left (rows, cols) block of every one of blocks
// (R, C) matrices stored one after another in src into dst, compactly:
// the weights of a narrower layer (fewer input and output channels) from a
// generated weight laid out for the widest.
func subMatrix[T gx.Float](dst, src []T, blocks, R, C, rows, cols int) []T {
	if rows == R && cols == C {
		return src[:blocks*R*C]
	}
	for b := 0; b < blocks; b++ {
		for r := 0; r < rows; r++ {
			copy(dst[(b*rows+r)*cols:(b*rows+r+1)*cols], src[(b*R+r)*C:(b*R+r)*C+cols])
		}
	}
	return dst[:blocks*rows*cols]
}

// addSubMatrix is the gradient of subMatrix: it adds the compact src into
// the top-left blocks of dst.
func addSubMatrix[T gx.Float](dst, src []T, blocks, R, C, rows, cols int) {
	for b := 0; b < blocks; b++ {
		for r := 0; r < rows; r++ {
			addTo(dst[(b*R+r)*C:(b*R+r)*C+cols], src[(b*rows+r)*cols:(b*rows+r+1)*cols])
		}
	}
}

// smallGemm is the size under which mm multiplies with plain loops.
const smallGemm = 8192

// mm is c = op(a)·op(b) + beta·c as gx.Gemm computes it (row-major a, m×k
// or k×m when transA, b k×n or n×k when transB, c m×n), with plain loops
// for the small products of attention and MLP layers, where a BLAS call
// costs more than its arithmetic.
func mm[T gx.Float](transA, transB bool, m, n, k int, a, b []T, beta T, c []T) {
	if m*n*k > smallGemm {
		gx.Gemm(transA, transB, m, n, k, a, b, beta, c)
		return
	}
	c = c[:m*n]
	if beta == 0 {
		clear(c)
	} else if beta != 1 {
		for i := range c {
			c[i] *= beta
		}
	}
	for i := 0; i < m; i++ {
		ci := c[i*n : (i+1)*n]
		if transB {
			for j := range ci {
				s := T(0)
				for l := 0; l < k; l++ {
					av := a[i*k+l]
					if transA {
						av = a[l*m+i]
					}
					s += av * b[j*k+l]
				}
				ci[j] += s
			}
			continue
		}
		for l := 0; l < k; l++ {
			av := a[i*k+l]
			if transA {
				av = a[l*m+i]
			}
			if av == 0 {
				continue
			}
			for j, bv := range b[l*n : (l+1)*n] {
				ci[j] += av * bv
			}
		}
	}
}

// conv is a k × k convolution (ReLU first if relu) from maps of geometry
// in to maps of geometry out, with weights (k·k·in.width, out.width), row
// (dy·k+dx)·in.width + c_in.
type conv struct {
	P       int
	in, out geo
	w       win
	relu    bool
}

func (c conv) rows() int { return c.P * c.out.side * c.out.side }
func (c conv) K() int    { return c.w.k * c.w.k * c.in.width }

// direct reports whether the patch matrix is the input itself.
func (c conv) direct() bool { return c.w.k == 1 && c.w.stride == 1 && !c.relu }

// taps calls f for every tap of window w that falls inside P images of
// side S, whose output has side so: o is the output position (image, row,
// column), t the tap (dy·k+dx), i the input position.
func (w win) taps(P, S, so int, f func(o, t, i int)) {
	pad := w.pad()
	for p := 0; p < P; p++ {
		for oy := 0; oy < so; oy++ {
			for ox := 0; ox < so; ox++ {
				o := (p*so+oy)*so + ox
				for dy := 0; dy < w.k; dy++ {
					y := oy*w.stride + dy*w.dil - pad
					if y < 0 || y >= S {
						continue
					}
					for dx := 0; dx < w.k; dx++ {
						if x := ox*w.stride + dx*w.dil - pad; x >= 0 && x < S {
							f(o, dy*w.k+dx, (p*S+y)*S+x)
						}
					}
				}
			}
		}
	}
}

// im2col writes the (rows, K) patch matrix of (ReLU of) x. It and col2im
// spell the window loops out rather than call taps: they are the hot path
// of every convolution, and a call per tap costs as much as copying its
// channels.
func im2col[T gx.Float](c conv, x, col []T) {
	S, C, k, so, pad, K := c.in.side, c.in.width, c.w.k, c.out.side, c.w.pad(), c.K()
	for p := 0; p < c.P; p++ {
		img := x[p*S*S*C : (p+1)*S*S*C]
		for oy := 0; oy < so; oy++ {
			for ox := 0; ox < so; ox++ {
				row := col[((p*so+oy)*so+ox)*K : ((p*so+oy)*so+ox+1)*K]
				for dy := 0; dy < k; dy++ {
					y := oy*c.w.stride + dy*c.w.dil - pad
					for dx := 0; dx < k; dx++ {
						xx := ox*c.w.stride + dx*c.w.dil - pad
						seg := row[(dy*k+dx)*C : (dy*k+dx+1)*C]
						if y < 0 || y >= S || xx < 0 || xx >= S {
							clear(seg)
							continue
						}
						src := img[(y*S+xx)*C : (y*S+xx+1)*C]
						if !c.relu {
							copy(seg, src)
							continue
						}
						for i, v := range src {
							seg[i] = max(v, 0)
						}
					}
				}
			}
		}
	}
}

// col2im adds the patch-matrix gradient dcol onto dx, masked by the ReLU.
func col2im[T gx.Float](c conv, x, dcol, dx []T) {
	S, C, k, so, pad, K := c.in.side, c.in.width, c.w.k, c.out.side, c.w.pad(), c.K()
	for p := 0; p < c.P; p++ {
		img, dimg := x[p*S*S*C:(p+1)*S*S*C], dx[p*S*S*C:(p+1)*S*S*C]
		for oy := 0; oy < so; oy++ {
			for ox := 0; ox < so; ox++ {
				row := dcol[((p*so+oy)*so+ox)*K : ((p*so+oy)*so+ox+1)*K]
				for dy := 0; dy < k; dy++ {
					y := oy*c.w.stride + dy*c.w.dil - pad
					if y < 0 || y >= S {
						continue
					}
					for dx := 0; dx < k; dx++ {
						xx := ox*c.w.stride + dx*c.w.dil - pad
						if xx < 0 || xx >= S {
							continue
						}
						seg, at := row[(dy*k+dx)*C:(dy*k+dx+1)*C], (y*S+xx)*C
						for i, v := range seg {
							if !c.relu || img[at+i] > 0 {
								dimg[at+i] += v
							}
						}
					}
				}
			}
		}
	}
}

// The convolutions' products run on the transposed weights wᵀ (C_out,
// k·k·C_in): with a few output channels and a long patch, the forward
// product is then one long dot product per output and the backward ones
// long axpys, where the (k·k·C_in, C_out) layout would make every BLAS
// call a vector of C_out values, a handful of arithmetic for each call's
// overhead.

// transpose writes the (c, r) transpose of the (r, c) matrix a into t.
func transpose[T gx.Float](a []T, r, c int, t []T) []T {
	t = grow(t, r*c)
	for i := 0; i < r; i++ {
		for j, v := range a[i*c : (i+1)*c] {
			t[j*r+i] = v
		}
	}
	return t
}

// patches returns the patch matrix of x: x itself for a direct conv.
func patches[T gx.Float](c conv, x []T, sc *scratch[T]) []T {
	if c.direct() {
		return x
	}
	sc.col = grow(sc.col, c.rows()*c.K())
	im2col(c, x, sc.col)
	return sc.col
}

// convForward: y = im2col(ReLU x) · w.
func convForward[T gx.Float](c conv, x, w, y []T, sc *scratch[T]) {
	col := patches(c, x, sc)
	sc.wt = transpose(w, c.K(), c.out.width, sc.wt)
	gx.Gemm(false, true, c.rows(), c.out.width, c.K(), col, sc.wt, 0, y)
}

// convBackward adds dx += ∂/∂x and dw += ∂/∂w of convForward, given dy.
func convBackward[T gx.Float](c conv, x, w, dy, dx, dw []T, sc *scratch[T]) {
	col := patches(c, x, sc)
	K, n := c.K(), c.out.width
	sc.wt = transpose(w, K, n, sc.wt)
	sc.dwt = grow(sc.dwt, n*K)
	gx.Gemm(true, false, n, K, c.rows(), dy, col, 0, sc.dwt)
	for k := 0; k < K; k++ {
		for j := 0; j < n; j++ {
			dw[k*n+j] += sc.dwt[j*K+k]
		}
	}
	if c.direct() {
		gx.Gemm(false, false, c.rows(), K, n, dy, sc.wt, 1, dx)
		return
	}
	sc.dcol = grow(sc.dcol, c.rows()*K)
	gx.Gemm(false, false, c.rows(), K, n, dy, sc.wt, 0, sc.dcol)
	col2im(c, x, sc.dcol, dx)
}

// depthwise is a per-channel k × k convolution (ReLU first if relu), in
// and out of the same width; its weights are laid out (k, k, stride)
// with stride ≥ width: index (dy·k+dx)·stride + c.
type depthwise struct {
	P       int
	in, out geo
	w       win
	relu    bool
	stride  int
}

// reluInto returns x, or with relu its ReLU in buf.
func reluInto[T gx.Float](x []T, relu bool, buf *[]T) []T {
	if !relu {
		return x
	}
	*buf = grow(*buf, len(x))
	for i, v := range x {
		(*buf)[i] = max(v, 0)
	}
	return *buf
}

func depthwiseForward[T gx.Float](d depthwise, x, w, y []T, sc *scratch[T]) {
	C := d.in.width
	xr := reluInto(x[:d.in.size(d.P)], d.relu, &sc.col)
	clear(y[:d.out.size(d.P)])
	d.w.taps(d.P, d.in.side, d.out.side, func(o, t, i int) {
		yo, wt := y[o*C:(o+1)*C], w[t*d.stride:t*d.stride+C]
		for c, v := range xr[i*C : (i+1)*C] {
			yo[c] += v * wt[c]
		}
	})
}

func depthwiseBackward[T gx.Float](d depthwise, x, w, dy, dx, dw []T, sc *scratch[T]) {
	C, n := d.in.width, d.in.size(d.P)
	xr := reluInto(x[:n], d.relu, &sc.col)
	sc.dcol = grow(sc.dcol, n)
	dxr := sc.dcol
	clear(dxr)
	d.w.taps(d.P, d.in.side, d.out.side, func(o, t, i int) {
		dyo, xi, dxi := dy[o*C:(o+1)*C], xr[i*C:(i+1)*C], dxr[i*C:(i+1)*C]
		wt, dwt := w[t*d.stride:t*d.stride+C], dw[t*d.stride:t*d.stride+C]
		for c, g := range dyo {
			dxi[c] += g * wt[c]
			dwt[c] += g * xi[c]
		}
	})
	for i, g := range dxr {
		if !d.relu || x[i] > 0 {
			dx[i] += g
		}
	}
}

// pool is k × k average or max pooling over the window's positions inside
// the map.
type pool struct {
	P       int
	in, out geo
	w       win
	max     bool
}

// window calls f with the first and last input row and column of output
// position (oy, ox).
func (pl pool) window(oy, ox int) (y0, y1, x0, x1 int) {
	pad, S := pl.w.pad(), pl.in.side
	y0, x0 = max(oy*pl.w.stride-pad, 0), max(ox*pl.w.stride-pad, 0)
	y1, x1 = min(oy*pl.w.stride-pad+pl.w.k, S), min(ox*pl.w.stride-pad+pl.w.k, S)
	return
}

// poolRun computes the pooling (dy nil: y from x) or adds its gradient (dx
// from dy); a maximum's gradient goes to the first position holding it.
func poolRun[T gx.Float](pl pool, x, y, dy, dx []T) {
	S, C, so := pl.in.side, pl.in.width, pl.out.side
	var arg []int // per channel, the position of the window's maximum
	if pl.max {
		arg = make([]int, C)
	}
	for p := 0; p < pl.P; p++ {
		for oy := 0; oy < so; oy++ {
			for ox := 0; ox < so; ox++ {
				y0, y1, x0, x1 := pl.window(oy, ox)
				o := ((p*so+oy)*so + ox) * C
				at := func(yy, xx int) int { return ((p*S+yy)*S + xx) * C }
				switch {
				case pl.max:
					for c := range arg {
						arg[c] = at(y0, x0) + c
					}
					for yy := y0; yy < y1; yy++ {
						for xx := x0; xx < x1; xx++ {
							i := at(yy, xx)
							for c, a := range arg {
								if x[i+c] > x[a] {
									arg[c] = i + c
								}
							}
						}
					}
					for c, a := range arg {
						if dy == nil {
							y[o+c] = x[a]
						} else {
							dx[a] += dy[o+c]
						}
					}
				case dy == nil:
					yo := y[o : o+C]
					clear(yo)
					for yy := y0; yy < y1; yy++ {
						for xx := x0; xx < x1; xx++ {
							addTo(yo, x[at(yy, xx):at(yy, xx)+C])
						}
					}
					inv := 1 / T((y1-y0)*(x1-x0))
					for c := range yo {
						yo[c] *= inv
					}
				default:
					inv := 1 / T((y1-y0)*(x1-x0))
					for yy := y0; yy < y1; yy++ {
						for xx := x0; xx < x1; xx++ {
							dxi := dx[at(yy, xx) : at(yy, xx)+C]
							for c, g := range dy[o : o+C] {
								dxi[c] += g * inv
							}
						}
					}
				}
			}
		}
	}
}

// normEps keeps the RMS of an all-zero map (a unit of none ops) away from 0.
const normEps = 1e-5

// rmsNorm is y = x / r, r = sqrt(mean(x²) + ε).
func rmsNorm[T gx.Float](x, y []T) {
	ms := 0.0
	for _, v := range x {
		ms += float64(v) * float64(v)
	}
	inv := T(1 / math.Sqrt(ms/float64(len(x))+normEps))
	for i, v := range x {
		y[i] = v * inv
	}
}

// rmsNormBackward adds dx += (dy − y·mean(dy⊙y)) / r.
func rmsNormBackward[T gx.Float](x, dy, dx []T) {
	ms, dot := 0.0, 0.0
	for i, v := range x {
		ms += float64(v) * float64(v)
		dot += float64(v) * float64(dy[i])
	}
	n := float64(len(x))
	r := math.Sqrt(ms/n + normEps)
	c := dot / n / (r * r)
	for i, v := range x {
		dx[i] += T((float64(dy[i]) - float64(v)*c) / r)
	}
}

// layerNorm normalises each of the rows of x (width w) to zero mean and
// unit variance (no affine part), writing xn and the reciprocal standard
// deviations rstd.
func layerNorm[T gx.Float](x, xn, rstd []T, w int) {
	for t := range rstd {
		row := x[t*w : (t+1)*w]
		mean, vr := 0.0, 0.0
		for _, v := range row {
			mean += float64(v)
		}
		mean /= float64(w)
		for _, v := range row {
			vr += (float64(v) - mean) * (float64(v) - mean)
		}
		r := 1 / math.Sqrt(vr/float64(w)+normEps)
		rstd[t] = T(r)
		for i, v := range row {
			xn[t*w+i] = T((float64(v) - mean) * r)
		}
	}
}

// layerNormBackward adds dx += rstd·(dxn − mean(dxn) − xn·mean(dxn⊙xn)).
func layerNormBackward[T gx.Float](xn, rstd, dxn, dx []T, w int) {
	for t := range rstd {
		a, b := 0.0, 0.0
		for i := 0; i < w; i++ {
			a += float64(dxn[t*w+i])
			b += float64(dxn[t*w+i]) * float64(xn[t*w+i])
		}
		a, b = a/float64(w), b/float64(w)
		for i := 0; i < w; i++ {
			dx[t*w+i] += T(float64(rstd[t]) * (float64(dxn[t*w+i]) - a - float64(xn[t*w+i])*b))
		}
	}
}

// normCDF is Φ, the standard normal distribution function.
func normCDF(x float64) float64 { return 0.5 * (1 + math.Erf(x/math.Sqrt2)) }

// gelu is x·Φ(x).
func gelu(x float64) float64 { return x * normCDF(x) }

// geluGrad is GELU'(x) = Φ(x) + x·φ(x), given Φ(x).
func geluGrad(x, cdf float64) float64 { return cdf + x*math.Exp(-x*x/2)/math.Sqrt(2*math.Pi) }

// attention is pre-norm multi-head self-attention over the T = side²
// positions of each image: LayerNorm over in.width channels, per head h
// softmax(q·kᵀ/√hd)·v, the heads' outputs projected to out.width. Its
// weights are the compact q, k, v matrices (in.width, heads·hd), head i in
// columns i·hd…, and the output matrix (heads·hd, out.width).
type attention struct {
	P, T      int
	in, out   geo
	heads, hd int
}

func (a attention) qw() int { return a.heads * a.hd }

// auxSize is what the forward pass keeps per image for the backward pass:
// xn, rstd, q, k, v (head-major), the attention matrices, the heads'
// outputs.
func (a attention) auxSize() int {
	return a.T*a.in.width + a.T + 4*a.T*a.qw() + a.heads*a.T*a.T
}

// parts splits one image's aux storage.
func attnParts[T gx.Float](a attention, aux []T) (xn, rstd, q, k, v, att, o []T) {
	n := []int{a.T * a.in.width, a.T, a.T * a.qw(), a.T * a.qw(), a.T * a.qw(), a.heads * a.T * a.T, a.T * a.qw()}
	out := make([][]T, len(n))
	for i, m := range n {
		out[i], aux = aux[:m], aux[m:]
	}
	return out[0], out[1], out[2], out[3], out[4], out[5], out[6]
}

// toHeads copies a (T, heads·hd) matrix into head-major (heads, T, hd), or
// back with inverse.
func toHeads[T gx.Float](src, dst []T, t, heads, hd int, inverse bool) {
	for i := 0; i < heads; i++ {
		for r := 0; r < t; r++ {
			a, b := src[r*heads*hd+i*hd:r*heads*hd+(i+1)*hd], dst[(i*t+r)*hd:(i*t+r+1)*hd]
			if inverse {
				copy(a, b)
			} else {
				copy(b, a)
			}
		}
	}
}

// attentionForward computes y (P images of T × out.width) from x, keeping
// the activations in aux (P × auxSize).
func attentionForward[T gx.Float](a attention, x, wq, wk, wv, wo, y, aux []T, sc *scratch[T]) {
	t, ci, qw, hd := a.T, a.in.width, a.qw(), a.hd
	scale := T(1 / math.Sqrt(float64(hd)))
	sc.t = grow(sc.t, t*qw)
	for p := 0; p < a.P; p++ {
		xn, rstd, q, k, v, att, o := attnParts(a, aux[p*a.auxSize():(p+1)*a.auxSize()])
		layerNorm(x[p*t*ci:(p+1)*t*ci], xn, rstd, ci)
		for _, m := range []struct{ w, dst []T }{{wq, q}, {wk, k}, {wv, v}} {
			mm(false, false, t, qw, ci, xn, m.w, 0, sc.t)
			toHeads(sc.t, m.dst, t, a.heads, hd, false)
		}
		for i := 0; i < a.heads; i++ {
			qi, ki, vi := q[i*t*hd:(i+1)*t*hd], k[i*t*hd:(i+1)*t*hd], v[i*t*hd:(i+1)*t*hd]
			ai := att[i*t*t : (i+1)*t*t]
			mm(false, true, t, t, hd, qi, ki, 0, ai)
			for r := 0; r < t; r++ {
				row := ai[r*t : (r+1)*t]
				m := T(math.Inf(-1))
				for j := range row {
					row[j] *= scale
					m = max(m, row[j])
				}
				s := 0.0
				for j, v := range row {
					e := math.Exp(float64(v - m))
					row[j] = T(e)
					s += e
				}
				for j := range row {
					row[j] /= T(s)
				}
			}
			mm(false, false, t, hd, t, ai, vi, 0, sc.t[:t*hd])
			for r := 0; r < t; r++ {
				copy(o[r*qw+i*hd:r*qw+(i+1)*hd], sc.t[r*hd:(r+1)*hd])
			}
		}
		mm(false, false, t, a.out.width, qw, o, wo, 0, y[p*t*a.out.width:(p+1)*t*a.out.width])
	}
}

// attentionBackward adds the gradients of x and of the four weight
// matrices.
func attentionBackward[T gx.Float](a attention, wq, wk, wv, wo, dy, aux, dx, dwq, dwk, dwv, dwo []T, sc *scratch[T]) {
	t, ci, qw, hd, D := a.T, a.in.width, a.qw(), a.hd, a.out.width
	scale := T(1 / math.Sqrt(float64(hd)))
	sc.dt = grow(sc.dt, 4*t*qw+t*t+t*ci)
	do, dq, dk, dv := sc.dt[:t*qw], sc.dt[t*qw:2*t*qw], sc.dt[2*t*qw:3*t*qw], sc.dt[3*t*qw:4*t*qw]
	da, dxn := sc.dt[4*t*qw:4*t*qw+t*t], sc.dt[4*t*qw+t*t:]
	sc.t = grow(sc.t, 3*t*hd)
	for p := 0; p < a.P; p++ {
		xn, rstd, q, k, v, att, o := attnParts(a, aux[p*a.auxSize():(p+1)*a.auxSize()])
		dyp := dy[p*t*D : (p+1)*t*D]
		mm(true, false, qw, D, t, o, dyp, 1, dwo)
		mm(false, true, t, qw, D, dyp, wo, 0, do)
		for i := 0; i < a.heads; i++ {
			qi, ki, vi := q[i*t*hd:(i+1)*t*hd], k[i*t*hd:(i+1)*t*hd], v[i*t*hd:(i+1)*t*hd]
			ai := att[i*t*t : (i+1)*t*t]
			doi, dqi, dki := sc.t[:t*hd], sc.t[t*hd:2*t*hd], sc.t[2*t*hd:3*t*hd]
			for r := 0; r < t; r++ {
				copy(doi[r*hd:(r+1)*hd], do[r*qw+i*hd:r*qw+(i+1)*hd])
			}
			mm(false, true, t, t, hd, doi, vi, 0, da)
			// dv_i = A_iᵀ·dO_i, straight into dv's columns of head i.
			mm(true, false, t, hd, t, ai, doi, 0, dqi)
			for r := 0; r < t; r++ {
				copy(dv[r*qw+i*hd:r*qw+(i+1)*hd], dqi[r*hd:(r+1)*hd])
			}
			for r := 0; r < t; r++ {
				row, drow := ai[r*t:(r+1)*t], da[r*t:(r+1)*t]
				s := T(0)
				for j, v := range row {
					s += v * drow[j]
				}
				for j, v := range row {
					drow[j] = v * (drow[j] - s) * scale
				}
			}
			mm(false, false, t, hd, t, da, ki, 0, dqi)
			mm(true, false, t, hd, t, da, qi, 0, dki)
			for r := 0; r < t; r++ {
				copy(dq[r*qw+i*hd:r*qw+(i+1)*hd], dqi[r*hd:(r+1)*hd])
				copy(dk[r*qw+i*hd:r*qw+(i+1)*hd], dki[r*hd:(r+1)*hd])
			}
		}
		clear(dxn)
		for _, m := range []struct{ w, d, dw []T }{{wq, dq, dwq}, {wk, dk, dwk}, {wv, dv, dwv}} {
			mm(true, false, ci, qw, t, xn, m.d, 1, m.dw)
			mm(false, true, t, ci, qw, m.d, m.w, 1, dxn)
		}
		layerNormBackward(xn, rstd, dxn, dx[p*t*ci:(p+1)*t*ci], ci)
	}
}

// mlp is a pre-norm transformer MLP on each position: LayerNorm over
// in.width, a (in.width, hidden) layer, GELU, a (hidden, out.width) layer.
type mlp struct {
	P, T    int
	in, out geo
	hidden  int
}

// auxSize per image: xn, rstd, the first layer's pre-activations h and
// Φ(h).
func (m mlp) auxSize() int { return m.T*m.in.width + m.T + 2*m.T*m.hidden }

func mlpParts[T gx.Float](m mlp, aux []T) (xn, rstd, h, phi []T) {
	a, b, c := m.T*m.in.width, m.T*m.in.width+m.T, m.T*m.in.width+m.T+m.T*m.hidden
	return aux[:a], aux[a:b], aux[b:c], aux[c:m.auxSize()]
}

func mlpForward[T gx.Float](m mlp, x, w1, w2, y, aux []T, sc *scratch[T]) {
	t, ci, H, D := m.T, m.in.width, m.hidden, m.out.width
	sc.t = grow(sc.t, t*H)
	for p := 0; p < m.P; p++ {
		xn, rstd, h, phi := mlpParts(m, aux[p*m.auxSize():(p+1)*m.auxSize()])
		layerNorm(x[p*t*ci:(p+1)*t*ci], xn, rstd, ci)
		mm(false, false, t, H, ci, xn, w1, 0, h)
		for i, v := range h {
			phi[i] = T(normCDF(float64(v)))
			sc.t[i] = v * phi[i]
		}
		mm(false, false, t, D, H, sc.t, w2, 0, y[p*t*D:(p+1)*t*D])
	}
}

func mlpBackward[T gx.Float](m mlp, w1, w2, dy, aux, dx, dw1, dw2 []T, sc *scratch[T]) {
	t, ci, H, D := m.T, m.in.width, m.hidden, m.out.width
	sc.t = grow(sc.t, 2*t*H+t*ci)
	g, dg, dxn := sc.t[:t*H], sc.t[t*H:2*t*H], sc.t[2*t*H:]
	for p := 0; p < m.P; p++ {
		xn, rstd, h, phi := mlpParts(m, aux[p*m.auxSize():(p+1)*m.auxSize()])
		dyp := dy[p*t*D : (p+1)*t*D]
		for i, v := range h {
			g[i] = v * phi[i]
		}
		mm(true, false, H, D, t, g, dyp, 1, dw2)
		mm(false, true, t, H, D, dyp, w2, 0, dg)
		for i, v := range h {
			dg[i] *= T(geluGrad(float64(v), float64(phi[i])))
		}
		mm(true, false, ci, H, t, xn, dg, 1, dw1)
		mm(false, true, t, ci, H, dg, w1, 0, dxn)
		layerNormBackward(xn, rstd, dxn, dx[p*t*ci:(p+1)*t*ci], ci)
	}
}
