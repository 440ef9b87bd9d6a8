package hypernet

import (
	"fmt"
	"hash"
	"math"

	"github.com/chewxy/hm"
	"github.com/hypernas/go-hypernas/internal/gx"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The target network's layers as fused Gorgonia ops. Every architecture of
// a batch has its own generated weights, and Gorgonia's generic route
// (Im2Col, Reshape, BatchedMatMul, one-hot masks) costs a dozen graph nodes
// and several full-size temporaries per edge; these ops do one edge or one
// convolution per node, one GEMM per architecture, and skip the candidate
// ops an architecture does not select (a one-hot mask would multiply them
// by zero, so the result and its gradient are the same).
//
// Layout: a batch of feature maps is (B, P·S·S, C): B architectures, P
// images each, S×S positions, C channels last (HWC), so that a convolution
// is im2col then (P·S'·S', k·k·C)·(k·k·C, C). Generated weights are
// (B, k·k·C·C) per op: per architecture, the (k·k·C_in, C_out) matrix of
// that GEMM, row index (dy·k+dx)·C_in + c_in.

// imgGeom is the geometry of a feature-map batch: P images of S×S×C.
type imgGeom struct{ P, S, C int }

func (g imgGeom) M() int { return g.P * g.S * g.S }

// edgeCodes maps a space's node types to the candidate ops of a cell edge
// (NB201) or vertex (NB101); a type that is none of them (none, or a
// padding node) gives zero, and noCode marks a candidate the space lacks.
type edgeCodes struct{ skip, conv1, conv3, pool, maxPool int }

// noCode is no node type: -1 is the padding nodes' code, so absent
// candidates need another value.
const noCode = -2

type tgtKind int

const (
	kConv         tgtKind = iota // (x, W) → y: ReLU (optional), k×k convolution
	kConvGradX                   // (x, W, dy) → dx
	kConvGradW                   // (x, dy) → dW
	kEdge                        // (x, W1, W3, codes) → y: the op each architecture selects
	kEdgeGradX                   // (x, W1, W3, codes, dy) → dx
	kEdgeGradW                   // (x, codes, dy) → dW1 (k=1) or dW3 (k=3)
	kPool2                       // x → 2×2 average pooling, stride 2
	kPool2Grad                   // dy → dx
	kNorm                        // x → x / RMS(x), per image
	kNormGrad                    // (x, dy) → dx
	kGen                         // (t, hw, hb, codes) → w: a hypernetwork head for one node
	kGenGradT                    // (codes, hw, dw) → dt
	kGenGradW                    // (t, codes, dw) → dhw
	kGenGradB                    // (codes, dw) → dhb
	kSum                         // (t_0 … t_{K-1}, adj) → Σ_k adj[b, row, from+k]·t_k[b]
	kSumGrad                     // (adj, dy) → dt_term
	kMaxPool2                    // x → 2×2 max pooling, stride 2
	kMaxPool2Grad                // (x, dy) → dx
)

var tgtKindNames = [...]string{"Conv", "ConvGradX", "ConvGradW", "Edge", "EdgeGradX", "EdgeGradW", "Pool2", "Pool2Grad", "Norm", "NormGrad", "Gen", "GenGradT", "GenGradW", "GenGradB", "Sum", "SumGrad", "MaxPool2", "MaxPool2Grad"}

// tgtOp is one target-network op; its fields are its attributes.
type tgtOp struct {
	kind      tgtKind
	geo       imgGeom // of the input x
	k, stride int     // convolution kernel and stride (kConv*, kEdgeGradW)
	relu      bool    // ReLU before the convolution (kConv*)
	node      int     // the node (column of the op codes) this op reads
	nodes     int     // columns of the op codes
	codes     edgeCodes
	// kGen*: the node types that use this head (-1: unused slot), and the
	// hidden width and output size of the head.
	match        [4]int
	hidden, size int
	// kSum*: the row of the adjacency input this sum reads, the column of
	// its first term, its number of terms, and (kSumGrad) the term whose
	// gradient it is.
	row, from, terms, term int
}

func (op tgtOp) outGeom() imgGeom {
	switch op.kind {
	case kConv:
		return imgGeom{op.geo.P, convOut(op.geo.S, op.k, op.stride), op.geo.C}
	case kPool2, kMaxPool2:
		return imgGeom{op.geo.P, op.geo.S / 2, op.geo.C}
	}
	return op.geo
}

func convOut(s, k, stride int) int { return (s+2*(k/2)-k)/stride + 1 }

// targetConv is ReLU (if relu) then a k×k convolution with stride and
// padding k/2 of every architecture's feature maps x (B, P·S·S, C) with its
// generated weights w (B, k·k·C·C).
func targetConv(x, w *G.Node, geo imgGeom, k, stride int, relu bool) (*G.Node, error) {
	op := tgtOp{kind: kConv, geo: geo, k: k, stride: stride, relu: relu}
	if err := checkWeights(w, x, geo, k); err != nil {
		return nil, err
	}
	return G.ApplyOp(op, x, w)
}

// targetEdge is one cell edge: for every architecture, the candidate op its
// codes (B, N) select at node (skip, ReLU-conv1×1, ReLU-conv3×3 with the
// generated weights w1 (B, C·C) / w3 (B, 9·C·C) of that node, 3×3 average
// pooling, or zero).
func targetEdge(x, w1, w3, codes *G.Node, geo imgGeom, node int, ec edgeCodes) (*G.Node, error) {
	if err := checkWeights(w1, x, geo, 1); err != nil {
		return nil, err
	}
	if err := checkWeights(w3, x, geo, 3); err != nil {
		return nil, err
	}
	cs := codes.Shape()
	if len(cs) != 2 || cs[0] != x.Shape()[0] || node < 0 || node >= cs[1] {
		return nil, fmt.Errorf("hypernas: edge op at node %d, codes %v for feature maps %v", node, cs, x.Shape())
	}
	return G.ApplyOp(tgtOp{kind: kEdge, geo: geo, node: node, nodes: cs[1], codes: ec}, x, w1, w3, codes)
}

// targetPool2 is 2×2 average pooling with stride 2.
func targetPool2(x *G.Node, geo imgGeom) (*G.Node, error) {
	s := x.Shape()
	if len(s) != 3 || s[1] != geo.M() || s[2] != geo.C || geo.S%2 != 0 {
		return nil, fmt.Errorf("hypernas: 2×2 pooling of %v, geometry %+v", s, geo)
	}
	return G.ApplyOp(tgtOp{kind: kPool2, geo: geo}, x)
}

// targetNorm divides every image's feature map by its root mean square.
// The proxy has no batch normalisation, and without some normalisation the
// sums of a cell's paths grow with depth by architecture-dependent factors;
// normalising each unit's output keeps every architecture's activations at
// unit scale, like NB201's BN does, without batch statistics.
func targetNorm(x *G.Node, geo imgGeom) (*G.Node, error) {
	s := x.Shape()
	if len(s) != 3 || s[1] != geo.M() || s[2] != geo.C {
		return nil, fmt.Errorf("hypernas: normalising %v, geometry %+v", s, geo)
	}
	return G.ApplyOp(tgtOp{kind: kNorm, geo: geo}, x)
}

// targetMaxPool2 is 2×2 max pooling with stride 2 (NB101's downsampling
// between stacks).
func targetMaxPool2(x *G.Node, geo imgGeom) (*G.Node, error) {
	s := x.Shape()
	if len(s) != 3 || s[1] != geo.M() || s[2] != geo.C || geo.S%2 != 0 {
		return nil, fmt.Errorf("hypernas: 2×2 max pooling of %v, geometry %+v", s, geo)
	}
	return G.ApplyOp(tgtOp{kind: kMaxPool2, geo: geo}, x)
}

// targetAdjSum sums feature maps by per-architecture coefficients: y[b] =
// Σ_k adj[b, row, from+k]·terms[k][b], adj (B, R, N) bound per batch
// (0/1 entries of the cells' adjacency). Zero coefficients are skipped, so
// an absent edge costs nothing and contributes exactly nothing. One fused
// op instead of stacking the terms for a BatchedMatMul, which would copy
// every term once more per step.
func targetAdjSum(terms []*G.Node, adj *G.Node, geo imgGeom, row, from int) (*G.Node, error) {
	as := adj.Shape()
	if len(terms) == 0 || len(as) != 3 || row < 0 || row >= as[1] || from < 0 || from+len(terms) > as[2] {
		return nil, fmt.Errorf("hypernas: sum of %d terms by row %d, columns %d… of adjacency %v", len(terms), row, from, as)
	}
	for _, t := range terms {
		s := t.Shape()
		if len(s) != 3 || s[0] != as[0] || s[1] != geo.M() || s[2] != geo.C || t.Dtype() != adj.Dtype() {
			return nil, fmt.Errorf("hypernas: summing feature maps %v (%v) with adjacency %v (%v), geometry %+v", s, t.Dtype(), as, adj.Dtype(), geo)
		}
	}
	return G.ApplyOp(tgtOp{kind: kSum, geo: geo, row: row, from: from, terms: len(terms)}, append(append(G.Nodes(nil), terms...), adj)...)
}

func checkWeights(w, x *G.Node, geo imgGeom, k int) error {
	xs, ws := x.Shape(), w.Shape()
	if len(xs) != 3 || xs[1] != geo.M() || xs[2] != geo.C {
		return fmt.Errorf("hypernas: feature maps %v do not match geometry %+v", xs, geo)
	}
	if len(ws) != 2 || ws[0] != xs[0] || ws[1] != k*k*geo.C*geo.C {
		return fmt.Errorf("hypernas: generated %d×%d weights %v for feature maps %v", k, k, ws, xs)
	}
	if w.Dtype() != x.Dtype() {
		return fmt.Errorf("hypernas: mixed dtypes %v and %v", w.Dtype(), x.Dtype())
	}
	return nil
}

// tgtSig lists, per kind, the dimensions of the inputs then of the output.
var tgtSig = [...][]int{
	kConv:         {3, 2, 3},
	kConvGradX:    {3, 2, 3, 3},
	kConvGradW:    {3, 3, 2},
	kEdge:         {3, 2, 2, 2, 3},
	kEdgeGradX:    {3, 2, 2, 2, 3, 3},
	kEdgeGradW:    {3, 2, 3, 2},
	kPool2:        {3, 3},
	kPool2Grad:    {3, 3},
	kNorm:         {3, 3},
	kNormGrad:     {3, 3, 3},
	kGen:          {3, 2, 2, 2, 2},
	kGenGradT:     {2, 2, 2, 3},
	kGenGradW:     {3, 2, 2, 2},
	kGenGradB:     {2, 2, 2},
	kSumGrad:      {3, 3, 3},
	kMaxPool2:     {3, 3},
	kMaxPool2Grad: {3, 3, 3},
}

// sig is tgtSig of op's kind; a sum has one input per term.
func (op tgtOp) sig() []int {
	if op.kind == kSum {
		s := make([]int, op.terms+2)
		for i := range s {
			s[i] = 3
		}
		return s
	}
	return tgtSig[op.kind]
}

func (op tgtOp) Arity() int { return len(op.sig()) - 1 }

func (op tgtOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	var ts []hm.Type
	for _, d := range op.sig() {
		ts = append(ts, G.TensorType{Dims: d, Of: a})
	}
	return hm.NewFnType(ts...)
}

func (op tgtOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	s, ok := ds[0].(tensor.Shape)
	if !ok || len(s) != op.sig()[0] {
		return nil, fmt.Errorf("%v: input shape %v", op, ds[0])
	}
	B := s[0]
	switch op.kind {
	case kConvGradW, kEdgeGradW:
		return tensor.Shape{B, op.k * op.k * op.geo.C * op.geo.C}, nil
	case kGen:
		return tensor.Shape{B, op.size}, nil
	case kGenGradT:
		return tensor.Shape{B, op.nodes, op.hidden}, nil
	case kGenGradW:
		return tensor.Shape{op.hidden, op.size}, nil
	case kGenGradB:
		return tensor.Shape{1, op.size}, nil
	case kPool2Grad, kMaxPool2Grad:
		return tensor.Shape{B, op.geo.M(), op.geo.C}, nil
	}
	o := op.outGeom()
	return tensor.Shape{B, o.M(), o.C}, nil
}

func (op tgtOp) Do(vs ...G.Value) (G.Value, error) { return op.UsePreallocDo(nil, vs...) }

// UsePreallocDo computes into prealloc when it is a dense tensor of the
// right dtype and shape, else into a new tensor: the tape machine offers
// whatever value its register last held, which may belong to another node.
func (op tgtOp) UsePreallocDo(prealloc G.Value, vs ...G.Value) (G.Value, error) {
	if len(vs) != op.Arity() {
		return nil, fmt.Errorf("%v: %d inputs", op, len(vs))
	}
	shapes := make([]G.DimSizer, len(vs))
	for i, v := range vs {
		shapes[i] = v.Shape()
	}
	s, err := op.InferShape(shapes...)
	if err != nil {
		return nil, err
	}
	dt := vs[0].Dtype()
	out := gx.Out(prealloc, dt, s...)
	switch out.Data().(type) {
	case []float32:
		return out, runTgt[float32](op, vs, out)
	case []float64:
		return out, runTgt[float64](op, vs, out)
	}
	return nil, fmt.Errorf("%v: unsupported dtype %v", op, dt)
}

// WriteHash writes every field: Gorgonia takes two nodes with equal op
// hashes and equal children for one (ExprGraph.AddNode returns the first),
// so the hash must tell apart, e.g., the gradients of a sum's terms, which
// differ only in term.
func (op tgtOp) WriteHash(h hash.Hash) {
	type fields tgtOp // without String, which %+v would call
	gx.WriteHash(h, "hypernas.target."+tgtKindNames[op.kind], fields(op))
}
func (op tgtOp) Hashcode() uint32 { return gx.Hashcode(op) }

func (tgtOp) ReturnsPtr() bool     { return false }
func (tgtOp) CallsExtern() bool    { return false }
func (tgtOp) OverwritesInput() int { return -1 }
func (op tgtOp) String() string {
	return fmt.Sprintf("Target%s(k%d s%d n%d)", tgtKindNames[op.kind], op.k, op.stride, op.node)
}

func (op tgtOp) DiffWRT(n int) []bool {
	switch op.kind {
	case kConv:
		return []bool{true, true}
	case kEdge:
		return []bool{true, true, true, false}
	case kPool2, kNorm, kMaxPool2:
		return []bool{true}
	case kGen:
		return []bool{true, true, true, false}
	case kSum:
		d := make([]bool, op.terms+1)
		for i := range op.terms {
			d[i] = true
		}
		return d
	}
	return make([]bool, n)
}

func (op tgtOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	switch op.kind {
	case kConv:
		gx := op
		gx.kind = kConvGradX
		dx, err := G.ApplyOp(gx, in[0], in[1], grad)
		if err != nil {
			return nil, err
		}
		gw := op
		gw.kind = kConvGradW
		dw, err := G.ApplyOp(gw, in[0], grad)
		if err != nil {
			return nil, err
		}
		return G.Nodes{dx, dw}, nil
	case kEdge:
		gx := op
		gx.kind = kEdgeGradX
		dx, err := G.ApplyOp(gx, in[0], in[1], in[2], in[3], grad)
		if err != nil {
			return nil, err
		}
		res := G.Nodes{dx, nil, nil, nil}
		for i, k := range []int{1, 3} {
			gw := op
			gw.kind, gw.k = kEdgeGradW, k
			if res[1+i], err = G.ApplyOp(gw, in[0], in[3], grad); err != nil {
				return nil, err
			}
		}
		return res, nil
	case kPool2:
		gp := op
		gp.kind = kPool2Grad
		dx, err := G.ApplyOp(gp, grad)
		if err != nil {
			return nil, err
		}
		return G.Nodes{dx}, nil
	case kGen:
		var res G.Nodes
		for _, c := range []struct {
			kind tgtKind
			in   G.Nodes
		}{{kGenGradT, G.Nodes{in[3], in[1], grad}}, {kGenGradW, G.Nodes{in[0], in[3], grad}}, {kGenGradB, G.Nodes{in[3], grad}}} {
			gg := op
			gg.kind = c.kind
			d, err := G.ApplyOp(gg, c.in...)
			if err != nil {
				return nil, err
			}
			res = append(res, d)
		}
		return append(res, nil), nil
	case kNorm:
		gn := op
		gn.kind = kNormGrad
		dx, err := G.ApplyOp(gn, in[0], grad)
		if err != nil {
			return nil, err
		}
		return G.Nodes{dx}, nil
	case kMaxPool2:
		gp := op
		gp.kind = kMaxPool2Grad
		dx, err := G.ApplyOp(gp, in[0], grad)
		if err != nil {
			return nil, err
		}
		return G.Nodes{dx}, nil
	case kSum:
		res := make(G.Nodes, op.terms+1) // no gradient for the adjacency
		for k := range op.terms {
			gs := op
			gs.kind, gs.term = kSumGrad, k
			d, err := G.ApplyOp(gs, in[op.terms], grad)
			if err != nil {
				return nil, err
			}
			res[k] = d
		}
		return res, nil
	}
	return nil, fmt.Errorf("%v is not differentiable", op)
}

// runTgt computes op into out, one architecture at a time.
func runTgt[T gx.Float](op tgtOp, vs []G.Value, out tensor.Tensor) error {
	o := gx.Data[T](out)
	clear(o)
	g := op.geo
	B := vs[0].Shape()[0]
	var sc convScratch[T]
	wrow := func(w []T, b, size int) []T { return w[b*size : (b+1)*size] } // architecture b's weights
	switch op.kind {
	case kConv, kConvGradX, kConvGradW:
		og := imgGeom{g.P, convOut(g.S, op.k, op.stride), g.C}
		cv := conv[T]{geo: g, k: op.k, stride: op.stride, relu: op.relu, sc: &sc}
		size := op.k * op.k * g.C * g.C
		x := gx.Data[T](vs[0])
		// An all-zero weight row (hyperGen's output for an architecture
		// that does not use the convolution, such as an NB101 input
		// projection that is not an edge) gives y = 0 and dx = 0, and an
		// all-zero dy gives dW = 0: skipped, since the outputs start zeroed.
		for b := 0; b < B; b++ {
			xb := x[b*g.M()*g.C : (b+1)*g.M()*g.C]
			switch op.kind {
			case kConv:
				if w := wrow(gx.Data[T](vs[1]), b, size); !allZero(w) {
					cv.forward(xb, w, o[b*og.M()*g.C:(b+1)*og.M()*g.C])
				}
			case kConvGradX:
				if w := wrow(gx.Data[T](vs[1]), b, size); !allZero(w) {
					cv.backwardX(xb, w, gx.Data[T](vs[2])[b*og.M()*g.C:(b+1)*og.M()*g.C], o[b*g.M()*g.C:(b+1)*g.M()*g.C])
				}
			case kConvGradW:
				if dy := gx.Data[T](vs[1])[b*og.M()*g.C : (b+1)*og.M()*g.C]; !allZero(dy) {
					cv.backwardW(xb, dy, wrow(o, b, size))
				}
			}
		}
	case kEdge, kEdgeGradX, kEdgeGradW:
		x := gx.Data[T](vs[0])
		codesIdx := 3
		if op.kind == kEdgeGradW {
			codesIdx = 1
		}
		codes := gx.Data[T](vs[codesIdx])
		n := g.M() * g.C
		for b := 0; b < B; b++ {
			xb := x[b*n : (b+1)*n]
			code := int(codes[b*op.nodes+op.node])
			var ob []T // the output slice of b, for the ops whose output is a feature map
			if op.kind != kEdgeGradW {
				ob = o[b*n : (b+1)*n]
			}
			switch op.kind {
			case kEdge:
				switch code {
				case op.codes.skip:
					copy(ob, xb)
				case op.codes.conv1:
					conv[T]{geo: g, k: 1, stride: 1, relu: true, sc: &sc}.forward(xb, wrow(gx.Data[T](vs[1]), b, g.C*g.C), ob)
				case op.codes.conv3:
					conv[T]{geo: g, k: 3, stride: 1, relu: true, sc: &sc}.forward(xb, wrow(gx.Data[T](vs[2]), b, 9*g.C*g.C), ob)
				case op.codes.pool:
					pool3Forward(xb, ob, g)
				case op.codes.maxPool:
					maxPool3(xb, nil, ob, g)
				}
			case kEdgeGradX:
				dy := gx.Data[T](vs[4])[b*n : (b+1)*n]
				switch code {
				case op.codes.skip:
					copy(ob, dy)
				case op.codes.conv1:
					conv[T]{geo: g, k: 1, stride: 1, relu: true, sc: &sc}.backwardX(xb, wrow(gx.Data[T](vs[1]), b, g.C*g.C), dy, ob)
				case op.codes.conv3:
					conv[T]{geo: g, k: 3, stride: 1, relu: true, sc: &sc}.backwardX(xb, wrow(gx.Data[T](vs[2]), b, 9*g.C*g.C), dy, ob)
				case op.codes.pool:
					pool3Backward(dy, ob, g)
				case op.codes.maxPool:
					maxPool3(xb, dy, ob, g)
				}
			case kEdgeGradW:
				dy := gx.Data[T](vs[2])[b*n : (b+1)*n]
				size := op.k * op.k * g.C * g.C
				if (op.k == 1 && code == op.codes.conv1) || (op.k == 3 && code == op.codes.conv3) {
					conv[T]{geo: g, k: op.k, stride: 1, relu: true, sc: &sc}.backwardW(xb, dy, wrow(o, b, size))
				}
			}
		}
	case kPool2, kPool2Grad:
		og := imgGeom{g.P, g.S / 2, g.C}
		in := gx.Data[T](vs[0])
		for b := 0; b < B; b++ {
			if op.kind == kPool2 {
				pool2(in[b*g.M()*g.C:(b+1)*g.M()*g.C], o[b*og.M()*g.C:(b+1)*og.M()*g.C], g, false)
			} else {
				pool2(o[b*g.M()*g.C:(b+1)*g.M()*g.C], in[b*og.M()*g.C:(b+1)*og.M()*g.C], g, true)
			}
		}
	case kMaxPool2, kMaxPool2Grad:
		og := imgGeom{g.P, g.S / 2, g.C}
		x := gx.Data[T](vs[0])
		for b := 0; b < B; b++ {
			xb := x[b*g.M()*g.C : (b+1)*g.M()*g.C]
			if op.kind == kMaxPool2 {
				maxPool2(xb, nil, o[b*og.M()*g.C:(b+1)*og.M()*g.C], g)
			} else {
				maxPool2(xb, gx.Data[T](vs[1])[b*og.M()*g.C:(b+1)*og.M()*g.C], o[b*g.M()*g.C:(b+1)*g.M()*g.C], g)
			}
		}
	case kSum, kSumGrad:
		ai := 0
		if op.kind == kSum {
			ai = op.terms
		}
		adj, as := gx.Data[T](vs[ai]), vs[ai].Shape()
		coef := func(b, k int) T { return adj[(b*as[1]+op.row)*as[2]+op.from+k] }
		n := g.M() * g.C
		for b := 0; b < B; b++ {
			ob := o[b*n : (b+1)*n]
			if op.kind == kSumGrad {
				if c := coef(b, op.term); c != 0 {
					for i, v := range gx.Data[T](vs[1])[b*n : (b+1)*n] {
						ob[i] = c * v
					}
				}
				continue
			}
			for k := range op.terms {
				c := coef(b, k)
				if c == 0 {
					continue
				}
				for i, v := range gx.Data[T](vs[k])[b*n : (b+1)*n] {
					ob[i] += c * v
				}
			}
		}
	case kGen, kGenGradT, kGenGradW, kGenGradB:
		runGen(op, vs, o)
	case kNorm, kNormGrad:
		n := g.S * g.S * g.C
		x := gx.Data[T](vs[0])
		for i := 0; i < B*g.P; i++ {
			xi, oi := x[i*n:(i+1)*n], o[i*n:(i+1)*n]
			if op.kind == kNorm {
				rmsNorm(xi, oi)
			} else {
				rmsNormBackward(xi, gx.Data[T](vs[1])[i*n:(i+1)*n], oi)
			}
		}
	}
	return nil
}

func allZero[T gx.Float](v []T) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// normEps keeps the RMS of an all-zero map (a cell of none ops) away from 0.
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

// rmsNormBackward is dx = (dy − y·mean(dy⊙y)) / r.
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
		dx[i] = T((float64(dy[i]) - float64(v)*c) / r)
	}
}

type convScratch[T gx.Float] struct{ col, dcol []T }

func grow[T gx.Float](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// conv is one architecture's convolution: P images of S×S×C in, P images
// of S'×S'×C out, weights (k·k·C, C).
type conv[T gx.Float] struct {
	geo       imgGeom
	k, stride int
	relu      bool
	sc        *convScratch[T]
}

func (c conv[T]) dims() (so, rows, K int) {
	so = convOut(c.geo.S, c.k, c.stride)
	return so, c.geo.P * so * so, c.k * c.k * c.geo.C
}

// im2col writes the (P·S'·S', k·k·C) patch matrix of (ReLU of) x.
func (c conv[T]) im2col(x, col []T) {
	S, C, k, pad := c.geo.S, c.geo.C, c.k, c.k/2
	so, _, K := c.dims()
	for p := 0; p < c.geo.P; p++ {
		img := x[p*S*S*C : (p+1)*S*S*C]
		for oy := 0; oy < so; oy++ {
			for ox := 0; ox < so; ox++ {
				row := col[((p*so+oy)*so+ox)*K : ((p*so+oy)*so+ox+1)*K]
				for dy := 0; dy < k; dy++ {
					y := oy*c.stride + dy - pad
					for dx := 0; dx < k; dx++ {
						xx := ox*c.stride + dx - pad
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

// col2im adds the patch-matrix gradient dcol back onto dx (before the ReLU
// mask).
func (c conv[T]) col2im(dcol, dx []T) {
	S, C, k, pad := c.geo.S, c.geo.C, c.k, c.k/2
	so, _, K := c.dims()
	for p := 0; p < c.geo.P; p++ {
		img := dx[p*S*S*C : (p+1)*S*S*C]
		for oy := 0; oy < so; oy++ {
			for ox := 0; ox < so; ox++ {
				row := dcol[((p*so+oy)*so+ox)*K : ((p*so+oy)*so+ox+1)*K]
				for dy := 0; dy < k; dy++ {
					y := oy*c.stride + dy - pad
					if y < 0 || y >= S {
						continue
					}
					for dx := 0; dx < k; dx++ {
						xx := ox*c.stride + dx - pad
						if xx < 0 || xx >= S {
							continue
						}
						seg := row[(dy*k+dx)*C : (dy*k+dx+1)*C]
						dst := img[(y*S+xx)*C : (y*S+xx+1)*C]
						for i, v := range seg {
							dst[i] += v
						}
					}
				}
			}
		}
	}
}

// forward: y = im2col(ReLU x) · w.
func (c conv[T]) forward(x, w, y []T) {
	_, rows, K := c.dims()
	C := c.geo.C
	if c.k == 1 && c.stride == 1 && !c.relu {
		gx.Gemm(false, false, rows, C, K, x, w, 0, y)
		return
	}
	c.sc.col = grow(c.sc.col, rows*K)
	c.im2col(x, c.sc.col)
	gx.Gemm(false, false, rows, C, K, c.sc.col, w, 0, y)
}

// backwardX: dx = ReLU'(x) ⊙ col2im(dy · wᵀ), written into dx (zeroed).
func (c conv[T]) backwardX(x, w, dy, dx []T) {
	_, rows, K := c.dims()
	C := c.geo.C
	c.sc.dcol = grow(c.sc.dcol, rows*K)
	gx.Gemm(false, true, rows, K, C, dy, w, 0, c.sc.dcol)
	clear(dx)
	if c.k == 1 && c.stride == 1 {
		copy(dx, c.sc.dcol)
	} else {
		c.col2im(c.sc.dcol, dx)
	}
	if c.relu {
		for i, v := range x {
			if v <= 0 {
				dx[i] = 0
			}
		}
	}
}

// backwardW: dw = im2col(ReLU x)ᵀ · dy.
func (c conv[T]) backwardW(x, dy, dw []T) {
	_, rows, K := c.dims()
	C := c.geo.C
	c.sc.col = grow(c.sc.col, rows*K)
	c.im2col(x, c.sc.col)
	gx.Gemm(true, false, K, C, rows, c.sc.col, dy, 0, dw)
}

// pool3Forward is NB201's avg_pool_3x3: stride 1, padding 1, and the mean
// over the window's positions inside the image (count_include_pad=False).
func pool3Forward[T gx.Float](x, y []T, g imgGeom) {
	S, C := g.S, g.C
	for p := 0; p < g.P; p++ {
		img, out := x[p*S*S*C:(p+1)*S*S*C], y[p*S*S*C:(p+1)*S*S*C]
		for oy := 0; oy < S; oy++ {
			for ox := 0; ox < S; ox++ {
				dst := out[(oy*S+ox)*C : (oy*S+ox+1)*C]
				clear(dst)
				n := 0
				for yy := max(oy-1, 0); yy <= min(oy+1, S-1); yy++ {
					for xx := max(ox-1, 0); xx <= min(ox+1, S-1); xx++ {
						n++
						for i, v := range img[(yy*S+xx)*C : (yy*S+xx+1)*C] {
							dst[i] += v
						}
					}
				}
				inv := 1 / T(n)
				for i := range dst {
					dst[i] *= inv
				}
			}
		}
	}
}

func pool3Backward[T gx.Float](dy, dx []T, g imgGeom) {
	S, C := g.S, g.C
	clear(dx)
	for p := 0; p < g.P; p++ {
		d, out := dy[p*S*S*C:(p+1)*S*S*C], dx[p*S*S*C:(p+1)*S*S*C]
		for oy := 0; oy < S; oy++ {
			ny := min(oy+1, S-1) - max(oy-1, 0) + 1
			for ox := 0; ox < S; ox++ {
				nx := min(ox+1, S-1) - max(ox-1, 0) + 1
				inv := 1 / T(ny*nx)
				src := d[(oy*S+ox)*C : (oy*S+ox+1)*C]
				for yy := max(oy-1, 0); yy <= min(oy+1, S-1); yy++ {
					for xx := max(ox-1, 0); xx <= min(ox+1, S-1); xx++ {
						dst := out[(yy*S+xx)*C : (yy*S+xx+1)*C]
						for i, v := range src {
							dst[i] += v * inv
						}
					}
				}
			}
		}
	}
}

// pool2 is 2×2 average pooling with stride 2 of x (geometry g) into y, or,
// with back, its gradient: x += ¼·y spread over each window (x zeroed
// first by the caller).
func pool2[T gx.Float](x, y []T, g imgGeom, back bool) {
	S, C, so := g.S, g.C, g.S/2
	for p := 0; p < g.P; p++ {
		img, out := x[p*S*S*C:(p+1)*S*S*C], y[p*so*so*C:(p+1)*so*so*C]
		for oy := 0; oy < so; oy++ {
			for ox := 0; ox < so; ox++ {
				o := out[(oy*so+ox)*C : (oy*so+ox+1)*C]
				for _, d := range [4][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
					src := img[((2*oy+d[0])*S+2*ox+d[1])*C : ((2*oy+d[0])*S+2*ox+d[1]+1)*C]
					for i := range o {
						if back {
							src[i] += o[i] / 4
						} else {
							o[i] += src[i] / 4
						}
					}
				}
			}
		}
	}
}

// maxPool3 is NB101's maxpool3x3: stride 1, padding 1, the maximum over
// the window's positions inside the image (TensorFlow's "SAME" padding
// never selects a padded position). With dy nil it writes the pooled map
// into out; otherwise it writes the gradient dx into out (zeroed first):
// each output's gradient goes to the first position holding its window's
// maximum.
func maxPool3[T gx.Float](x, dy, out []T, g imgGeom) {
	S, C := g.S, g.C
	if dy != nil {
		clear(out)
	}
	for p := 0; p < g.P; p++ {
		img, o := x[p*S*S*C:(p+1)*S*S*C], out[p*S*S*C:(p+1)*S*S*C]
		for oy := 0; oy < S; oy++ {
			for ox := 0; ox < S; ox++ {
				at := (oy*S + ox) * C
				for c := 0; c < C; c++ {
					best, arg := T(math.Inf(-1)), 0
					for yy := max(oy-1, 0); yy <= min(oy+1, S-1); yy++ {
						for xx := max(ox-1, 0); xx <= min(ox+1, S-1); xx++ {
							if v := img[(yy*S+xx)*C+c]; v > best {
								best, arg = v, (yy*S+xx)*C+c
							}
						}
					}
					if dy == nil {
						o[at+c] = best
					} else {
						o[arg] += dy[p*S*S*C+at+c]
					}
				}
			}
		}
	}
}

// maxPool2 is 2×2 max pooling with stride 2 of x (geometry g): with dy nil
// it writes the pooled map into out; otherwise the gradient dx into out
// (zeroed by the caller), each window's gradient to its first maximum.
func maxPool2[T gx.Float](x, dy, out []T, g imgGeom) {
	S, C, so := g.S, g.C, g.S/2
	for p := 0; p < g.P; p++ {
		img := x[p*S*S*C : (p+1)*S*S*C]
		for oy := 0; oy < so; oy++ {
			for ox := 0; ox < so; ox++ {
				at := ((p*so+oy)*so + ox) * C
				for c := 0; c < C; c++ {
					best, arg := T(math.Inf(-1)), 0
					for _, d := range [4][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
						if v := img[((2*oy+d[0])*S+2*ox+d[1])*C+c]; v > best {
							best, arg = v, ((2*oy+d[0])*S+2*ox+d[1])*C+c
						}
					}
					if dy == nil {
						out[at+c] = best
					} else {
						out[p*S*S*C+arg] += dy[at+c]
					}
				}
			}
		}
	}
}

// hyperGen is one head of the hypernetwork applied to one node of a unit:
// w[b] = hb + t[b, node, :]·hw for the architectures whose op at that node
// (codes (B, N)) is one of match, zero for the others. t (B, N, hidden) is
// the hypernetwork's hidden layer of the unit's nodes. Computing only the
// weights an architecture uses is what makes the hypernetwork cheap: a
// 3×3 head has hidden·9·C² multiply-adds per node.
func hyperGen(t, hw, hb, codes *G.Node, node int, match [4]int) (*G.Node, error) {
	ts, ws, bs, cs := t.Shape(), hw.Shape(), hb.Shape(), codes.Shape()
	if len(ts) != 3 || len(ws) != 2 || len(bs) != 2 || len(cs) != 2 || ws[0] != ts[2] || bs[0] != 1 || bs[1] != ws[1] ||
		cs[0] != ts[0] || cs[1] != ts[1] || node < 0 || node >= ts[1] {
		return nil, fmt.Errorf("hypernas: hypernetwork head of node %d: hidden %v, weights %v, bias %v, codes %v", node, ts, ws, bs, cs)
	}
	return G.ApplyOp(tgtOp{kind: kGen, node: node, nodes: ts[1], match: match, hidden: ws[0], size: ws[1]}, t, hw, hb, codes)
}

func (op tgtOp) matches(code int) bool {
	for _, m := range op.match {
		if m >= 0 && m == code {
			return true
		}
	}
	return false
}

func runGen[T gx.Float](op tgtOp, vs []G.Value, o []T) {
	codesIdx := map[tgtKind]int{kGen: 3, kGenGradT: 0, kGenGradW: 1, kGenGradB: 0}[op.kind]
	codes := gx.Data[T](vs[codesIdx])
	B := vs[codesIdx].Shape()[0]
	H, size, N := op.hidden, op.size, op.nodes
	var act []int // the architectures that use this head at this node
	for b := 0; b < B; b++ {
		if op.matches(int(codes[b*N+op.node])) {
			act = append(act, b)
		}
	}
	if len(act) == 0 {
		return
	}
	A := len(act)
	// gather copies rows node of t (B, N, H), or rows of a (B, size), of
	// the active architectures into a dense (A, width) matrix.
	gather := func(src []T, width, stride, off int) []T {
		m := make([]T, A*width)
		for i, b := range act {
			copy(m[i*width:(i+1)*width], src[b*stride+off:b*stride+off+width])
		}
		return m
	}
	switch op.kind {
	case kGen:
		t, hw, hb := gx.Data[T](vs[0]), gx.Data[T](vs[1]), gx.Data[T](vs[2])
		ta := gather(t, H, N*H, op.node*H)
		wa := make([]T, A*size)
		gx.Gemm(false, false, A, size, H, ta, hw, 0, wa)
		for i, b := range act {
			dst := o[b*size : (b+1)*size]
			for j, v := range wa[i*size : (i+1)*size] {
				dst[j] = v + hb[j]
			}
		}
	case kGenGradT:
		hw, dw := gx.Data[T](vs[1]), gx.Data[T](vs[2])
		da := gather(dw, size, size, 0)
		dt := make([]T, A*H)
		gx.Gemm(false, true, A, H, size, da, hw, 0, dt)
		for i, b := range act {
			copy(o[(b*N+op.node)*H:(b*N+op.node+1)*H], dt[i*H:(i+1)*H])
		}
	case kGenGradW:
		t, dw := gx.Data[T](vs[0]), gx.Data[T](vs[2])
		gx.Gemm(true, false, H, size, A, gather(t, H, N*H, op.node*H), gather(dw, size, size, 0), 0, o)
	case kGenGradB:
		dw := gx.Data[T](vs[1])
		for _, b := range act {
			for j, v := range dw[b*size : (b+1)*size] {
				o[j] += v
			}
		}
	}
}
