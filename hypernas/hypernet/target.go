package hypernet

import (
	"errors"
	"fmt"
	"hash"
	"runtime"
	"sync"

	"github.com/chewxy/hm"
	"github.com/hypernas/go-hypernas/internal/gx"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The target network is one fused Gorgonia op for the whole batch. Every
// architecture of a batch has its own graph, generated weights and
// geometry, which a static Gorgonia graph could only express by computing
// every candidate op at every padded node position and masking; the op
// instead runs each architecture's plan (proxy.go) in Go, one GEMM per
// convolution, and generates each head's weights for all the nodes of the
// batch that use it in one GEMM, from the hypernetwork's shared hidden
// layer of those nodes only. The graph stays static: one op, inputs of
// fixed shapes (the stem's output, every unit's node embeddings, the
// hypernetwork's parameters), pooled features out.
//
// The forward op keeps its activations in the state it shares with the
// backward op, which takes the forward op's output as an input and so runs
// after it in the same tape. The gradient reads of the node embeddings and
// of the hypernetwork's parameters copy what the backward op computed.

// targetState is what one graph's target-network ops share: the batch's
// plans (set by Bind) and the engine's buffers.
type targetState struct {
	px     *proxy
	B, P   int
	stem   geo // the stem's output, per image
	units  int // units of the encoding
	nodes  int // nodes of a unit (padded)
	embed  int // width of the node embeddings
	hidden int // width of the hypernetwork's hidden layer
	plans  []*archPlan
	// rows are the nodes of the batch whose hidden layer a head reads,
	// each once; uses[h][i] is the row of head h's i-th generated weight.
	rows    []hidRow
	uses    [][]int
	e32     *engine[float32]
	e64     *engine[float64]
	forward bool // the forward op ran since the last Bind
}

// hidRow is architecture b's node row = unit·nodes + node.
type hidRow struct{ b, row int }

// setPlans installs a batch's plans and numbers their generated weights
// and the hidden-layer rows those read.
func (st *targetState) setPlans(plans []*archPlan) {
	st.plans, st.rows = plans, st.rows[:0]
	st.uses = make([][]int, len(st.px.heads))
	at := map[hidRow]int{}
	for b, ap := range plans {
		for i, u := range ap.uses {
			r := hidRow{b, u.row}
			ri, ok := at[r]
			if !ok {
				ri = len(st.rows)
				at[r], st.rows = ri, append(st.rows, r)
			}
			ap.uses[i].gi = len(st.uses[u.head])
			st.uses[u.head] = append(st.uses[u.head], ri)
		}
	}
	st.forward = false
}

// engine holds one dtype's buffers.
type engine[T gx.Float] struct {
	arena, darena [][]T // per architecture
	emb, pre, t   []T   // per hidden-layer row: embedding, W·emb + b, ReLU of it
	tin, gen      [][]T // per head: gathered hidden rows, generated weights
	dgen          [][]T // per head: the generated weights' gradients
	demb          [][]T // per unit: the node embeddings' gradient
	dw, db        []T   // the hidden layer's parameters' gradients
	dhw, dhb      [][]T
	sc            []*scratch[T] // per worker
}

func engineOf[T gx.Float](st *targetState) *engine[T] {
	var z T
	if _, ok := any(z).(float32); ok {
		if st.e32 == nil {
			st.e32 = &engine[float32]{}
		}
		return any(st.e32).(*engine[T])
	}
	if st.e64 == nil {
		st.e64 = &engine[float64]{}
	}
	return any(st.e64).(*engine[T])
}

func growEach[T gx.Float](bufs [][]T, n int) [][]T {
	for len(bufs) < n {
		bufs = append(bufs, nil)
	}
	return bufs[:n]
}

// offset is the start of a head's i-th weight matrix in its output.
func (h headSpec) offset(i int) int {
	o := 0
	for _, s := range h.segs[:i] {
		o += s.n
	}
	return o
}

// forwardAll computes the hypernetwork's hidden layer of the nodes that
// use a head, generates the batch's weights and runs every architecture;
// feats (B·P, Cmax) gets each image's pooled features.
func forwardAll[T gx.Float](st *targetState, x []T, embs [][]T, w, bias []T, hw, hb [][]T, feats []T) error {
	if st.plans == nil {
		return errors.New("hypernet: the target network ran before Bind")
	}
	e := engineOf[T](st)
	R, E, H, N := len(st.rows), st.embed, st.hidden, st.nodes
	e.emb, e.pre, e.t = grow(e.emb, R*E), grow(e.pre, R*H), grow(e.t, R*H)
	for i, r := range st.rows {
		u, n := r.row/N, r.row%N
		copy(e.emb[i*E:(i+1)*E], embs[u][(r.b*N+n)*E:(r.b*N+n+1)*E])
	}
	if R > 0 {
		gx.Gemm(false, false, R, H, E, e.emb, w, 0, e.pre)
	}
	for i := 0; i < R; i++ {
		addTo(e.pre[i*H:(i+1)*H], bias)
	}
	for i, v := range e.pre {
		e.t[i] = max(v, 0)
	}
	e.tin, e.gen = growEach(e.tin, len(st.px.heads)), growEach(e.gen, len(st.px.heads))
	for h, spec := range st.px.heads {
		R := len(st.uses[h])
		e.tin[h], e.gen[h] = grow(e.tin[h], R*H), grow(e.gen[h], R*spec.size)
		if R == 0 {
			continue
		}
		for i, ri := range st.uses[h] {
			copy(e.tin[h][i*H:(i+1)*H], e.t[ri*H:(ri+1)*H])
		}
		gx.Gemm(false, false, R, spec.size, H, e.tin[h], hw[h], 0, e.gen[h])
		for i := 0; i < R; i++ {
			addTo(e.gen[h][i*spec.size:(i+1)*spec.size], hb[h])
		}
	}
	e.arena = growEach(e.arena, st.B)
	clear(feats)
	n, f := st.stem.size(st.P), st.P*st.px.Cmax
	e.each(st, func(b int, sc *scratch[T]) {
		ap := st.plans[b]
		e.arena[b] = grow(e.arena[b], ap.size)
		copy(e.arena[b][:n], x[b*n:(b+1)*n])
		e.forward(st, ap, e.arena[b], feats[b*f:(b+1)*f], sc)
	})
	st.forward = true
	return nil
}

// each runs f for every architecture of the batch, on as many goroutines
// as there are CPUs (each with its own scratch): the architectures'
// networks are independent, and each writes only its own arena and its
// own rows of the generated weights' gradients, so the result does not
// depend on the schedule.
func (e *engine[T]) each(st *targetState, f func(b int, sc *scratch[T])) {
	workers := max(min(runtime.GOMAXPROCS(0), st.B), 1)
	for len(e.sc) < workers {
		e.sc = append(e.sc, &scratch[T]{})
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(sc *scratch[T]) {
			defer wg.Done()
			for b := w; b < st.B; b += workers {
				f(b, sc)
			}
		}(e.sc[w])
	}
	wg.Wait()
}

// backwardAll computes every gradient of the batch from the features'
// gradient dfeats: the stem output's into dx, the node embeddings' and
// the hypernetwork's into the engine (read by the gradient ops).
func backwardAll[T gx.Float](st *targetState, w []T, hw [][]T, dfeats, dx []T) error {
	if !st.forward {
		return errors.New("hypernet: the target network's gradient ran before its forward pass")
	}
	e := engineOf[T](st)
	R, E, H, N := len(st.rows), st.embed, st.hidden, st.nodes
	e.dgen = growEach(e.dgen, len(st.px.heads))
	for h, spec := range st.px.heads {
		e.dgen[h] = grow(e.dgen[h], len(st.uses[h])*spec.size)
		clear(e.dgen[h])
	}
	e.darena = growEach(e.darena, st.B)
	n, f := st.stem.size(st.P), st.P*st.px.Cmax
	e.each(st, func(b int, sc *scratch[T]) {
		ap := st.plans[b]
		e.darena[b] = grow(e.darena[b], ap.size)
		e.backward(st, ap, e.arena[b], e.darena[b], dfeats[b*f:(b+1)*f], sc)
		copy(dx[b*n:(b+1)*n], e.darena[b][:n])
	})
	// The heads, then the hidden layer: dt is the gradient of t = ReLU(pre).
	sc := e.sc[0]
	sc.dt = grow(sc.dt, R*H)
	dt := sc.dt
	clear(dt)
	e.dhw, e.dhb = growEach(e.dhw, len(st.px.heads)), growEach(e.dhb, len(st.px.heads))
	for h, spec := range st.px.heads {
		Rh := len(st.uses[h])
		e.dhw[h], e.dhb[h] = grow(e.dhw[h], H*spec.size), grow(e.dhb[h], spec.size)
		clear(e.dhw[h])
		clear(e.dhb[h])
		if Rh == 0 {
			continue
		}
		sc.t = grow(sc.t, Rh*H)
		gx.Gemm(false, true, Rh, H, spec.size, e.dgen[h], hw[h], 0, sc.t)
		for i, ri := range st.uses[h] {
			addTo(dt[ri*H:(ri+1)*H], sc.t[i*H:(i+1)*H])
		}
		gx.Gemm(true, false, H, spec.size, Rh, e.tin[h], e.dgen[h], 0, e.dhw[h])
		for i := 0; i < Rh; i++ {
			addTo(e.dhb[h], e.dgen[h][i*spec.size:(i+1)*spec.size])
		}
	}
	for i, v := range e.pre {
		if v <= 0 {
			dt[i] = 0
		}
	}
	e.dw, e.db = grow(e.dw, E*H), grow(e.db, H)
	clear(e.dw)
	clear(e.db)
	e.demb = growEach(e.demb, st.units)
	for u := range e.demb {
		e.demb[u] = grow(e.demb[u], st.B*N*E)
		clear(e.demb[u])
	}
	if R == 0 {
		return nil
	}
	gx.Gemm(true, false, E, H, R, e.emb, dt, 0, e.dw)
	for i := 0; i < R; i++ {
		addTo(e.db, dt[i*H:(i+1)*H])
	}
	sc.u = grow(sc.u, R*E)
	gx.Gemm(false, true, R, E, H, dt, w, 0, sc.u)
	for i, r := range st.rows {
		u, n := r.row/N, r.row%N
		copy(e.demb[u][(r.b*N+n)*E:(r.b*N+n+1)*E], sc.u[i*E:(i+1)*E])
	}
	return nil
}

// generated returns use's weights (the whole head output) and, in the
// backward pass (grad), their gradient row.
func (e *engine[T]) generated(st *targetState, ap *archPlan, use int, grad bool) (w, dw []T) {
	hu := ap.uses[use]
	size := st.px.heads[hu.head].size
	w = e.gen[hu.head][hu.gi*size : (hu.gi+1)*size]
	if grad {
		dw = e.dgen[hu.head][hu.gi*size : (hu.gi+1)*size]
	}
	return w, dw
}

// convW returns the compact weights of c from a (k, k, Cmax, Cmax) block.
func convW[T gx.Float](c conv, Cmax int, src []T, buf *[]T) []T {
	kk := c.w.k * c.w.k
	*buf = grow(*buf, kk*c.in.width*c.out.width)
	return subMatrix(*buf, src, kk, Cmax, Cmax, c.in.width, c.out.width)
}

// convGrad runs c's backward pass with the compact weights of src and
// adds the weight gradient into dsrc's block.
func convGrad[T gx.Float](c conv, Cmax int, src, dsrc, x, dy, dx []T, sc *scratch[T]) {
	w := convW(c, Cmax, src, &sc.w)
	kk := c.w.k * c.w.k
	sc.dw = grow(sc.dw, kk*c.in.width*c.out.width)
	clear(sc.dw)
	convBackward(c, x, w, dy, dx, sc.dw, sc)
	addSubMatrix(dsrc, sc.dw, kk, Cmax, Cmax, c.in.width, c.out.width)
}

// addMap adds src (geometry sg) into dst (dg, as wide or wider).
func addMap[T gx.Float](dst []T, dg geo, src []T, sg geo) {
	if dg.width == sg.width {
		addTo(dst, src)
		return
	}
	for q := 0; q < len(src)/sg.width; q++ {
		addTo(dst[q*dg.width:q*dg.width+sg.width], src[q*sg.width:(q+1)*sg.width])
	}
}

// copyMap copies the channels src and dst share, leaving dst's others
// zero; with add it adds instead of copying.
func copyMap[T gx.Float](dst []T, dg geo, src []T, sg geo, add bool) {
	w := min(dg.width, sg.width)
	if !add {
		clear(dst)
	}
	for q := 0; q < len(src)/sg.width; q++ {
		addTo(dst[q*dg.width:q*dg.width+w], src[q*sg.width:q*sg.width+w])
	}
}

// normImages RMS-normalises each of P images of x into y.
func normImages[T gx.Float](x, y []T, P int) {
	n := len(x) / P
	for p := 0; p < P; p++ {
		rmsNorm(x[p*n:(p+1)*n], y[p*n:(p+1)*n])
	}
}

// forward runs one architecture's plan on arena a, whose first map is the
// stem's output, and writes its images' pooled features.
func (e *engine[T]) forward(st *targetState, ap *archPlan, a, feats []T, sc *scratch[T]) {
	P, Cmax := st.P, st.px.Cmax
	m := func(at int, g geo) []T { return a[at : at+g.size(P)] }
	for ui := range ap.units {
		up := &ap.units[ui]
		for _, sp := range up.slots {
			if sp.resample {
				s := strideFor(sp.in.side, sp.out.side)
				poolRun(pool{P: P, in: sp.in, out: sp.out, w: win{k: s, stride: s, dil: 1}}, m(sp.srcAt, sp.in), m(sp.at, sp.out), nil, nil)
			}
		}
		for j := range up.nodes {
			np := &up.nodes[j]
			if np.op == nSkip {
				continue
			}
			if np.sum {
				in := m(np.inAt, np.in)
				clear(in)
				for k, i := range np.preds {
					src := &up.nodes[i]
					if np.proj == nil || np.proj[k] < 0 {
						addMap(in, np.in, m(src.outAt, src.out), src.out)
						continue
					}
					pg := geo{src.out.side, np.in.width}
					c := conv{P: P, in: src.out, out: pg, w: win{k: 1, stride: 1, dil: 1}, relu: true}
					w, _ := e.generated(st, ap, np.proj[k], false)
					pr := m(np.projAt[k], pg)
					convForward(c, m(src.outAt, src.out), convW(c, Cmax, w, &sc.w), pr, sc)
					addTo(in, pr)
				}
			}
			e.nodeForward(st, ap, up, np, m, sc)
		}
		last := &up.nodes[up.last]
		normImages(m(last.outAt, up.out), m(up.normAt, up.out), P)
	}
	// ReLU and global average pooling of the last unit's output.
	fin := &ap.units[len(ap.units)-1]
	y, pos, w := m(fin.normAt, fin.out), fin.out.side*fin.out.side, fin.out.width
	for p := 0; p < P; p++ {
		f := feats[p*Cmax : p*Cmax+w]
		for q := 0; q < pos; q++ {
			for c, v := range y[(p*pos+q)*w : (p*pos+q+1)*w] {
				f[c] += max(v, 0)
			}
		}
		for c := range f {
			f[c] /= T(pos)
		}
	}
}

func (e *engine[T]) nodeForward(st *targetState, ap *archPlan, up *unitPlan, np *nodePlan, m func(int, geo) []T, sc *scratch[T]) {
	P, Cmax, px := st.P, st.px.Cmax, st.px
	var in []T
	if np.op != nInput {
		in = m(np.inAt, np.in)
	}
	out := m(np.outAt, np.out)
	if np.norm {
		// The op's result goes to preAt, its normalisation to out.
		defer normImages(m(np.preAt, np.out), out, P)
		out = m(np.preAt, np.out)
	}
	var w []T
	if np.use >= 0 {
		w, _ = e.generated(st, ap, np.use, false)
	}
	switch np.op {
	case nZero:
		clear(out)
	case nInput:
		if sp := up.slots[np.slot]; np.outAt != sp.at {
			copyMap(out, np.out, m(sp.at, sp.out), sp.out, false)
		}
	case nConv, nAdapt:
		c := np.conv(P)
		convForward(c, in, convW(c, Cmax, w, &sc.w), out, sc)
	case nSep:
		dw, pw := separable(np, P, Cmax, w, sc)
		t := m(np.auxAt, dw.out)
		depthwiseForward(dw, in, w, t, sc)
		gx.Gemm(false, false, P*dw.out.side*dw.out.side, np.out.width, np.in.width, t, pw, 0, out)
	case nAvgPool, nMaxPool:
		poolRun(pool{P: P, in: np.in, out: np.out, w: np.w, max: np.op == nMaxPool}, in, out, nil, nil)
	case nRes:
		spec := px.heads[ap.uses[np.use].head]
		a := m(np.auxAt, np.out)
		c1, c2, c3 := np.residual(P)
		convForward(c1, in, convW(c1, Cmax, w, &sc.w), a, sc)
		convForward(c2, a, convW(c2, Cmax, w[spec.offset(1):], &sc.w), out, sc)
		if np.in == np.out {
			addTo(out, in)
			break
		}
		sc.u = grow(sc.u, np.out.size(P))
		convForward(c3, in, convW(c3, Cmax, w[spec.offset(2):], &sc.w), sc.u, sc)
		addTo(out, sc.u)
	case nAttention:
		at := np.attention(P, px.headDim)
		wq, wk, wv, wo := attentionW(px, at, w, sc)
		attentionForward(at, in, wq, wk, wv, wo, out, m(np.auxAt, geo{})[:P*at.auxSize()], sc)
	case nMLP:
		ml := np.mlp(P)
		w1, w2 := mlpW(px, ml, w, sc)
		mlpForward(ml, in, w1, w2, out, m(np.auxAt, geo{})[:P*ml.auxSize()], sc)
	}
}

// attentionW returns the compact q, k, v and output matrices of a from an
// attention head's output: (Cmax, 3·q) then (q, Cmax), q = maxHeads·hd.
func attentionW[T gx.Float](px *proxy, a attention, w []T, sc *scratch[T]) (wq, wk, wv, wo []T) {
	C, q, qw := px.Cmax, px.maxHeads*px.headDim, a.qw()
	ci, D := a.in.width, a.out.width
	sc.u = grow(sc.u, 3*ci*qw+qw*D)
	buf := sc.u
	wq = subMatrix(buf[:ci*qw], w, 1, C, 3*q, ci, qw)
	wk = subMatrix(buf[ci*qw:2*ci*qw], w[q:], 1, C, 3*q, ci, qw)
	wv = subMatrix(buf[2*ci*qw:3*ci*qw], w[2*q:], 1, C, 3*q, ci, qw)
	wo = subMatrix(buf[3*ci*qw:], w[C*3*q:], 1, q, C, qw, D)
	return
}

// mlpW returns the compact matrices of m from an MLP head's output:
// (Cmax, hidden) then (hidden, Cmax).
func mlpW[T gx.Float](px *proxy, m mlp, w []T, sc *scratch[T]) (w1, w2 []T) {
	C, Hm := px.Cmax, px.mlpHidden
	ci, H, D := m.in.width, m.hidden, m.out.width
	sc.u = grow(sc.u, ci*H+H*D)
	w1 = subMatrix(sc.u[:ci*H], w, 1, C, Hm, ci, H)
	w2 = subMatrix(sc.u[ci*H:], w[C*Hm:], 1, Hm, C, H, D)
	return
}

// backward adds every gradient of one architecture, given its features'
// gradient: the maps' into d (a's layout), the generated weights' into the
// engine's dgen.
func (e *engine[T]) backward(st *targetState, ap *archPlan, a, d, dfeats []T, sc *scratch[T]) {
	P, Cmax := st.P, st.px.Cmax
	clear(d[:ap.size])
	m := func(at int, g geo) []T { return a[at : at+g.size(P)] }
	dm := func(at int, g geo) []T { return d[at : at+g.size(P)] }
	fin := &ap.units[len(ap.units)-1]
	y, dy, pos, w := m(fin.normAt, fin.out), dm(fin.normAt, fin.out), fin.out.side*fin.out.side, fin.out.width
	for p := 0; p < P; p++ {
		for q := 0; q < pos; q++ {
			for c := 0; c < w; c++ {
				if i := (p*pos+q)*w + c; y[i] > 0 {
					dy[i] = dfeats[p*Cmax+c] / T(pos)
				}
			}
		}
	}
	for ui := len(ap.units) - 1; ui >= 0; ui-- {
		up := &ap.units[ui]
		last := &up.nodes[up.last]
		n := up.out.size(1)
		out, dout, dnorm := m(last.outAt, up.out), dm(last.outAt, up.out), dm(up.normAt, up.out)
		for p := 0; p < P; p++ {
			rmsNormBackward(out[p*n:(p+1)*n], dnorm[p*n:(p+1)*n], dout[p*n:(p+1)*n])
		}
		for j := len(up.nodes) - 1; j >= 0; j-- {
			np := &up.nodes[j]
			if np.op == nSkip {
				continue
			}
			e.nodeBackward(st, ap, up, np, m, dm, sc)
			if !np.sum {
				continue
			}
			din := dm(np.inAt, np.in)
			for k, i := range np.preds {
				src := &up.nodes[i]
				if np.proj == nil || np.proj[k] < 0 {
					copyMap(dm(src.outAt, src.out), src.out, din, np.in, true)
					continue
				}
				c := conv{P: P, in: src.out, out: geo{src.out.side, np.in.width}, w: win{k: 1, stride: 1, dil: 1}, relu: true}
				w, dw := e.generated(st, ap, np.proj[k], true)
				convGrad(c, Cmax, w, dw, m(src.outAt, src.out), din, dm(src.outAt, src.out), sc)
			}
		}
		for _, sp := range up.slots {
			if sp.resample {
				s := strideFor(sp.in.side, sp.out.side)
				poolRun(pool{P: P, in: sp.in, out: sp.out, w: win{k: s, stride: s, dil: 1}}, m(sp.srcAt, sp.in), nil, dm(sp.at, sp.out), dm(sp.srcAt, sp.in))
			}
		}
	}
}

func (e *engine[T]) nodeBackward(st *targetState, ap *archPlan, up *unitPlan, np *nodePlan, m, dm func(int, geo) []T, sc *scratch[T]) {
	P, Cmax, px := st.P, st.px.Cmax, st.px
	var in, din []T
	if np.op != nInput {
		in, din = m(np.inAt, np.in), dm(np.inAt, np.in)
	}
	dout := dm(np.outAt, np.out)
	if np.norm {
		sc.dn = grow(sc.dn, np.out.size(P))
		clear(sc.dn)
		pre, n := m(np.preAt, np.out), np.out.size(1)
		for p := 0; p < P; p++ {
			rmsNormBackward(pre[p*n:(p+1)*n], dout[p*n:(p+1)*n], sc.dn[p*n:(p+1)*n])
		}
		dout = sc.dn
	}
	var w, dw []T
	if np.use >= 0 {
		w, dw = e.generated(st, ap, np.use, true)
	}
	switch np.op {
	case nInput:
		if sp := up.slots[np.slot]; np.outAt != sp.at {
			copyMap(dm(sp.at, sp.out), sp.out, dout, np.out, true)
		}
	case nConv, nAdapt:
		convGrad(np.conv(P), Cmax, w, dw, in, dout, din, sc)
	case nSep:
		d, pw := separable(np, P, Cmax, w, sc)
		t := m(np.auxAt, d.out)
		rows, off := P*d.out.side*d.out.side, np.w.k*np.w.k*Cmax
		sc.dw = grow(sc.dw, np.in.width*np.out.width)
		clear(sc.dw)
		gx.Gemm(true, false, np.in.width, np.out.width, rows, t, dout, 1, sc.dw)
		addSubMatrix(dw[off:], sc.dw, 1, Cmax, Cmax, np.in.width, np.out.width)
		sc.du = grow(sc.du, rows*np.in.width)
		gx.Gemm(false, true, rows, np.in.width, np.out.width, dout, pw, 0, sc.du)
		depthwiseBackward(d, in, w, sc.du, din, dw, sc)
	case nAvgPool, nMaxPool:
		poolRun(pool{P: P, in: np.in, out: np.out, w: np.w, max: np.op == nMaxPool}, in, nil, dout, din)
	case nRes:
		spec := px.heads[ap.uses[np.use].head]
		a := m(np.auxAt, np.out)
		c1, c2, c3 := np.residual(P)
		if np.in == np.out {
			addTo(din, dout)
		} else {
			convGrad(c3, Cmax, w[spec.offset(2):], dw[spec.offset(2):], in, dout, din, sc)
		}
		sc.du = grow(sc.du, np.out.size(P))
		da := sc.du
		clear(da)
		convGrad(c2, Cmax, w[spec.offset(1):], dw[spec.offset(1):], a, dout, da, sc)
		// c1's gradient needs da, which convGrad's scratch does not touch.
		convGrad(c1, Cmax, w, dw, in, da, din, sc)
	case nAttention:
		at := np.attention(P, px.headDim)
		wq, wk, wv, wo := attentionW(px, at, w, sc)
		ci, qw, D := at.in.width, at.qw(), at.out.width
		sc.dw = grow(sc.dw, 3*ci*qw+qw*D)
		clear(sc.dw)
		dwq, dwk, dwv, dwo := sc.dw[:ci*qw], sc.dw[ci*qw:2*ci*qw], sc.dw[2*ci*qw:3*ci*qw], sc.dw[3*ci*qw:]
		attentionBackward(at, wq, wk, wv, wo, dout, m(np.auxAt, geo{})[:P*at.auxSize()], din, dwq, dwk, dwv, dwo, sc)
		C, q := Cmax, px.maxHeads*px.headDim
		addSubMatrix(dw, dwq, 1, C, 3*q, ci, qw)
		addSubMatrix(dw[q:], dwk, 1, C, 3*q, ci, qw)
		addSubMatrix(dw[2*q:], dwv, 1, C, 3*q, ci, qw)
		addSubMatrix(dw[C*3*q:], dwo, 1, q, C, qw, D)
	case nMLP:
		ml := np.mlp(P)
		w1, w2 := mlpW(px, ml, w, sc)
		ci, H, D := ml.in.width, ml.hidden, ml.out.width
		sc.dw = grow(sc.dw, ci*H+H*D)
		clear(sc.dw)
		mlpBackward(ml, w1, w2, dout, m(np.auxAt, geo{})[:P*ml.auxSize()], din, sc.dw[:ci*H], sc.dw[ci*H:], sc)
		addSubMatrix(dw, sc.dw[:ci*H], 1, Cmax, px.mlpHidden, ci, H)
		addSubMatrix(dw[Cmax*px.mlpHidden:], sc.dw[ci*H:], 1, px.mlpHidden, Cmax, H, D)
	}
}

// tgtKind is which of the target network's ops a targetOp is.
type tgtKind uint8

const (
	kForward  tgtKind = iota // (x, emb₀ … emb_{U-1}, W, b, hw₀, hb₀, …) → pooled features (B·P, Cmax)
	kBackward                // (the forward op's inputs, features, dfeatures) → dx
	kGradEmb                 // dx → the node embeddings' gradient of unit `index`
	kGradHidW                // dx → the hidden layer's weight gradient
	kGradHidB                // dx → the hidden layer's bias gradient
	kGradW                   // dx → dhw of head `index`
	kGradB                   // dx → dhb of head `index`
)

var tgtKindNames = [...]string{"Forward", "Backward", "GradEmb", "GradHidW", "GradHidB", "GradW", "GradB"}

// targetOp is one of the target network's ops; st is shared by the ops
// of one graph, index is a unit (kGradEmb) or a head (kGradW, kGradB).
type targetOp struct {
	kind  tgtKind
	index int
	st    *targetState
}

func (op targetOp) nHeads() int { return len(op.st.px.heads) }

// inputs are the forward op's input shapes, in order.
func (st *targetState) inputs() []tensor.Shape {
	s := []tensor.Shape{{st.B, st.P * st.stem.side * st.stem.side, st.stem.width}}
	for range st.units {
		s = append(s, tensor.Shape{st.B, st.nodes, st.embed})
	}
	s = append(s, tensor.Shape{st.embed, st.hidden}, tensor.Shape{1, st.hidden})
	for _, h := range st.px.heads {
		s = append(s, tensor.Shape{st.hidden, h.size}, tensor.Shape{1, h.size})
	}
	return s
}

func (op targetOp) Arity() int {
	switch op.kind {
	case kForward:
		return len(op.st.inputs())
	case kBackward:
		return len(op.st.inputs()) + 2
	}
	return 1
}

// dims lists the inputs' dimensions then the output's.
func (op targetOp) dims() []int {
	var d []int
	switch op.kind {
	case kForward, kBackward:
		for _, s := range op.st.inputs() {
			d = append(d, len(s))
		}
		if op.kind == kBackward {
			return append(d, 2, 2, 3)
		}
		return append(d, 2)
	}
	return []int{3, len(op.shape())}
}

func (op targetOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	var ts []hm.Type
	for _, d := range op.dims() {
		ts = append(ts, G.TensorType{Dims: d, Of: a})
	}
	return hm.NewFnType(ts...)
}

func (op targetOp) shape() tensor.Shape {
	st := op.st
	switch op.kind {
	case kForward:
		return tensor.Shape{st.B * st.P, st.px.Cmax}
	case kBackward:
		return st.inputs()[0]
	case kGradEmb:
		return tensor.Shape{st.B, st.nodes, st.embed}
	case kGradHidW:
		return tensor.Shape{st.embed, st.hidden}
	case kGradHidB:
		return tensor.Shape{1, st.hidden}
	case kGradW:
		return tensor.Shape{st.hidden, st.px.heads[op.index].size}
	}
	return tensor.Shape{1, st.px.heads[op.index].size}
}

func (op targetOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return op.shape(), nil }

func (op targetOp) Do(vs ...G.Value) (G.Value, error) { return op.UsePreallocDo(nil, vs...) }

// UsePreallocDo checks the inputs' shapes and computes into prealloc when
// it fits.
func (op targetOp) UsePreallocDo(prealloc G.Value, vs ...G.Value) (G.Value, error) {
	if len(vs) != op.Arity() {
		return nil, fmt.Errorf("%v: %d inputs, want %d", op, len(vs), op.Arity())
	}
	if op.kind == kForward || op.kind == kBackward {
		want := op.st.inputs()
		if op.kind == kBackward {
			f := targetOp{kind: kForward, st: op.st}.shape()
			want = append(want, f, f)
		}
		for i, s := range want {
			if !vs[i].Shape().Eq(s) {
				return nil, fmt.Errorf("%v: input %d has shape %v, want %v", op, i, vs[i].Shape(), s)
			}
		}
	}
	dt := vs[0].Dtype()
	out := gx.Out(prealloc, dt, op.shape()...)
	var err error
	switch out.Data().(type) {
	case []float32:
		err = runTarget[float32](op, vs, out)
	case []float64:
		err = runTarget[float64](op, vs, out)
	default:
		err = fmt.Errorf("%v: unsupported dtype %v", op, dt)
	}
	return out, err
}

func runTarget[T gx.Float](op targetOp, vs []G.Value, out tensor.Tensor) error {
	st, o := op.st, gx.Data[T](out)
	U := st.units
	data := func(i int) []T { return gx.Data[T](vs[i]) }
	heads := func() (hw, hb [][]T) {
		for h := range st.px.heads {
			hw, hb = append(hw, data(3+U+2*h)), append(hb, data(4+U+2*h))
		}
		return
	}
	switch op.kind {
	case kForward:
		var embs [][]T
		for u := range U {
			embs = append(embs, data(1+u))
		}
		hw, hb := heads()
		return forwardAll(st, data(0), embs, data(1+U), data(2+U), hw, hb, o)
	case kBackward:
		hw, _ := heads()
		return backwardAll(st, data(1+U), hw, data(len(vs)-1), o)
	}
	e := engineOf[T](st)
	switch op.kind {
	case kGradEmb:
		copy(o, e.demb[op.index])
	case kGradHidW:
		copy(o, e.dw)
	case kGradHidB:
		copy(o, e.db)
	case kGradW:
		copy(o, e.dhw[op.index])
	case kGradB:
		copy(o, e.dhb[op.index])
	}
	return nil
}

// WriteHash writes the kind, the index and the shared state's address:
// two graphs' ops never merge, nor the gradient reads of two heads.
func (op targetOp) WriteHash(h hash.Hash) {
	gx.WriteHash(h, "hypernet.target."+tgtKindNames[op.kind], op.index, fmt.Sprintf("%p", op.st))
}
func (op targetOp) Hashcode() uint32 { return gx.Hashcode(op) }

func (targetOp) ReturnsPtr() bool     { return false }
func (targetOp) CallsExtern() bool    { return false }
func (targetOp) OverwritesInput() int { return -1 }
func (op targetOp) String() string {
	return fmt.Sprintf("Target%s(%d)", tgtKindNames[op.kind], op.index)
}

func (op targetOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	if op.kind == kForward {
		for i := range d {
			d[i] = true
		}
	}
	return d
}

func (op targetOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	if op.kind != kForward {
		return nil, fmt.Errorf("%v is not differentiable", op)
	}
	dx, err := G.ApplyOp(targetOp{kind: kBackward, st: op.st}, append(append(G.Nodes(nil), in...), out, grad)...)
	if err != nil {
		return nil, err
	}
	res := G.Nodes{dx}
	read := func(k tgtKind, i int) error {
		n, err := G.ApplyOp(targetOp{kind: k, index: i, st: op.st}, dx)
		res = append(res, n)
		return err
	}
	for u := range op.st.units {
		if err := read(kGradEmb, u); err != nil {
			return nil, err
		}
	}
	if err := read(kGradHidW, 0); err != nil {
		return nil, err
	}
	if err := read(kGradHidB, 0); err != nil {
		return nil, err
	}
	for h := range op.nHeads() {
		if err := read(kGradW, h); err != nil {
			return nil, err
		}
		if err := read(kGradB, h); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// separable is a separable convolution's depthwise part (its weights the
// head output's first k·k·Cmax values) and its compact pointwise matrix.
func separable[T gx.Float](np *nodePlan, P, Cmax int, w []T, sc *scratch[T]) (depthwise, []T) {
	d := depthwise{P: P, in: np.in, out: geo{np.out.side, np.in.width}, w: np.w, relu: np.relu, stride: Cmax}
	sc.w = grow(sc.w, np.in.width*np.out.width)
	return d, subMatrix(sc.w, w[np.w.k*np.w.k*Cmax:], 1, Cmax, Cmax, np.in.width, np.out.width)
}
