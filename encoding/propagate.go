package encoding

import (
	"errors"
	"fmt"
	"hash"
	"sync"

	"github.com/chewxy/hm"
	"github.com/hypernas/go-hypernas/internal/gx"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// gcnOp is the message-passing half of a HyperNAS GCN layer as one Gorgonia
// op. Given P = V·[W⁺ | W⁻] of shape (B, N, 2H), split into P⁺ and P⁻,
//
//	Y = ½·ReLU(Ê P⁺) + ½·ReLU(Êᵀ P⁻)    Ê, Êᵀ: (B, N, N) per graph
//
// Gorgonia's BatchedMatMul runs one tiny GEMM per graph (N is 6–11 here)
// through tensor slicing, which costs more than the arithmetic; this op does
// the per-graph products in tight loops that skip the zeros of the sparse
// adjacency, and fuses the two directions, the ReLUs and the ½. Ê and Êᵀ
// are data and get no gradient. A row without a self loop in both
// directions is padding (Batch gives every real node one) and yields zeros.
//
// With grad set it is the gradient with respect to P, computed from
// (Ê, Êᵀ, P, dY): dP⁺ = Êᵀ(½·dY ⊙ [Ê P⁺ > 0]), dP⁻ = Ê(½·dY ⊙ [Êᵀ P⁻ > 0]).
// The pre-activations are recomputed: they cost N² per node, far less than
// keeping them alive across the tape.
type gcnOp struct {
	gx.OpDefaults
	grad bool
	out  *gx.OutBuf // the node's output from run to run; not hashed
}

// GCNCombine applies the op; fwd and bwd are (B,N,N), p is (B,N,2H), all of
// one float dtype and graph.
func GCNCombine(fwd, bwd, p *G.Node) (_ *G.Node, err error) {
	defer gx.Recover(&err, "encoding", "building a GCN layer")
	if fwd == nil || bwd == nil || p == nil {
		return nil, errors.New("encoding: GCN layer of a nil node")
	}
	fs, bs, ps := fwd.Shape(), bwd.Shape(), p.Shape()
	if len(fs) != 3 || !fs.Eq(bs) || len(ps) != 3 || fs[0] != ps[0] || fs[1] != fs[2] || fs[2] != ps[1] || ps[2]%2 != 0 {
		return nil, fmt.Errorf("encoding: GCN layer needs adjacencies (B,N,N) and features (B,N,2H), got %v, %v, %v", fs, bs, ps)
	}
	if err := sameDtypeAndGraph("GCN layer", fwd, bwd, p); err != nil {
		return nil, err
	}
	return G.ApplyOp(gcnOp{out: new(gx.OutBuf)}, fwd, bwd, p)
}

// sameDtypeAndGraph checks that the nodes share one float dtype and one
// graph.
func sameDtypeAndGraph(what string, ns ...*G.Node) error {
	if err := gx.CheckDtype(ns[0].Dtype()); err != nil {
		return fmt.Errorf("encoding: %s: %w", what, err)
	}
	for _, n := range ns[1:] {
		if n.Dtype() != ns[0].Dtype() {
			return fmt.Errorf("encoding: %s: mixed dtypes %v and %v", what, ns[0].Dtype(), n.Dtype())
		}
		if n.Graph() != ns[0].Graph() || n.Graph() == nil {
			return fmt.Errorf("encoding: %s: nodes of different graphs", what)
		}
	}
	return nil
}

func (op gcnOp) Arity() int {
	if op.grad {
		return 4
	}
	return 3
}

func (op gcnOp) Type() hm.Type {
	t := make([]hm.Type, op.Arity()+1)
	for i := range t {
		t[i] = G.TensorType{Dims: 3, Of: hm.TypeVariable('a')}
	}
	return hm.NewFnType(t...)
}

func (op gcnOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	if len(ds) != op.Arity() {
		return nil, fmt.Errorf("%v: %d inputs", op, len(ds))
	}
	s, ok := ds[2].(tensor.Shape)
	if !ok || len(s) != 3 {
		return nil, fmt.Errorf("%v: input shape %v", op, ds[2])
	}
	if op.grad {
		return s.Clone(), nil
	}
	return tensor.Shape{s[0], s[1], s[2] / 2}, nil
}

func (op gcnOp) Do(vs ...G.Value) (G.Value, error) { return op.UsePreallocDo(nil, vs...) }

func (op gcnOp) UsePreallocDo(prealloc G.Value, vs ...G.Value) (G.Value, error) {
	if len(vs) != op.Arity() {
		return nil, fmt.Errorf("%v: %d inputs", op, len(vs))
	}
	p := vs[2]
	shapes := make([]G.DimSizer, len(vs))
	for i, v := range vs {
		shapes[i] = v.Shape()
	}
	s, err := op.InferShape(shapes...)
	if err != nil {
		return nil, err
	}
	out := op.out.Out(prealloc, p.Dtype(), s...)
	switch p.Dtype() {
	case tensor.Float32:
		runGCN[float32](op, vs, out, p.Shape())
	case tensor.Float64:
		runGCN[float64](op, vs, out, p.Shape())
	default:
		return nil, fmt.Errorf("%v: unsupported dtype %v", op, p.Dtype())
	}
	return out, nil
}

func runGCN[T gx.Float](op gcnOp, vs []G.Value, out *tensor.Dense, s tensor.Shape) {
	f, b, p, o := gx.Data[T](vs[0]), gx.Data[T](vs[1]), gx.Data[T](vs[2]), gx.Data[T](out)
	if op.grad {
		gcnBackward(f, b, p, gx.Data[T](vs[3]), o, s[0], s[1], s[2]/2)
	} else {
		gcnForward(f, b, p, o, s[0], s[1], s[2]/2)
	}
}

// WriteHash writes the op's name, which says whether it is the gradient:
// the only field that changes what it computes.
func (op gcnOp) WriteHash(h hash.Hash) {
	gx.WriteHash(h, pick(op.grad, "hypernas.gcn", "hypernas.gcnGrad"))
}
func (op gcnOp) Hashcode() uint32 { return gx.Hashcode(op) }
func (op gcnOp) String() string   { return pick(op.grad, "GCNCombine", "GCNCombineGrad") }

// pick returns the name of the forward op or of its gradient.
func pick(grad bool, fwd, g string) string {
	if grad {
		return g
	}
	return fwd
}

// DiffWRT: only P gets a gradient; the gradient op is not differentiated.
func (op gcnOp) DiffWRT(n int) []bool {
	if op.grad {
		return gx.DiffWRT(n)
	}
	return gx.DiffWRT(n, 2)
}

func (op gcnOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	if op.grad {
		return nil, fmt.Errorf("%v is not differentiable", op)
	}
	dp, err := G.ApplyOp(gcnOp{grad: true, out: new(gx.OutBuf)}, in[0], in[1], in[2], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{nil, nil, dp}, nil
}

// adjRow accumulates dst += Σ_j adj[j]·src[j·stride+off : +len(dst)],
// skipping the zeros of the sparse adjacency row.
func adjRow[T gx.Float](dst []T, adj []T, src []T, stride, off int) {
	for j, w := range adj {
		if w != 0 {
			gx.Axpy(w, src[j*stride+off:j*stride+off+len(dst)], dst)
		}
	}
}

// gcnForward is the op's forward pass on the dense adjacencies of a
// batch, through their sparse rows (gx.GCNRows).
func gcnForward[T gx.Float](f, b, p, out []T, B, N, H int) {
	s := getAdj[T]()
	defer putAdj(s)
	s.from(f, b, B, N)
	gx.GCNRows(&s.f, &s.b, p, out, H)
}

// gcnBackward is the op's gradient with respect to P (gx.GCNRowsGrad).
func gcnBackward[T gx.Float](f, b, p, dy, out []T, B, N, H int) {
	s := getAdj[T]()
	defer putAdj(s)
	s.from(f, b, B, N)
	gx.GCNRowsGrad(&s.f, &s.b, p, dy, out, H)
}

// sparseAdj holds a batch's adjacencies as sparse rows over its B·N nodes.
type sparseAdj[T gx.Float] struct{ f, b gx.CSR[T] }

var adjPools [2]sync.Pool // float32, float64

func adjPool[T gx.Float]() *sync.Pool {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return &adjPools[0]
	}
	return &adjPools[1]
}

func getAdj[T gx.Float]() *sparseAdj[T] {
	if s, ok := adjPool[T]().Get().(*sparseAdj[T]); ok {
		return s
	}
	return new(sparseAdj[T])
}

func putAdj[T gx.Float](s *sparseAdj[T]) { adjPool[T]().Put(s) }

// from reads B dense N×N adjacencies of each direction: row g·N+i gets
// column g·N+j for every non-zero entry j of row i of graph g, in
// increasing j. A row without a self loop in either direction is padding
// (Batch gives every real node one) and gets no entries.
func (s *sparseAdj[T]) from(f, b []T, B, N int) {
	rows := B * N
	for _, d := range [2]*gx.CSR[T]{&s.f, &s.b} {
		d.Off, d.Col, d.W = gx.Grow(d.Off, rows+1), gx.Grow(d.Col, rows*N), gx.Grow(d.W, rows*N)
	}
	nf, nb := 0, 0
	for r := 0; r < rows; r++ {
		s.f.Off[r], s.b.Off[r] = int32(nf), int32(nb)
		base, i := r-r%N, r%N // the graph's first node, the row's node
		fr, br := f[r*N:(r+1)*N], b[r*N:(r+1)*N]
		if fr[i] == 0 && br[i] == 0 {
			continue
		}
		for j, w := range fr {
			if w != 0 {
				s.f.Col[nf], s.f.W[nf] = int32(base+j), w
				nf++
			}
		}
		for j, w := range br {
			if w != 0 {
				s.b.Col[nb], s.b.W[nb] = int32(base+j), w
				nb++
			}
		}
	}
	s.f.Off[rows], s.b.Off[rows] = int32(nf), int32(nb)
	s.f.Col, s.f.W, s.b.Col, s.b.W = s.f.Col[:nf], s.f.W[:nf], s.b.Col[:nb], s.b.W[:nb]
}

// poolOp is the masked mean over each graph's nodes: z[b,:] = Σ_n w[b,n]·V[b,n,:]
// with w (B,N) holding 1/n for real nodes and 0 for padding, V (B,N,H).
// Like gcnOp it replaces a per-graph BatchedMatMul; w is data. With grad set
// it is the gradient with respect to V, dV[b,n,:] = w[b,n]·dz[b,:], computed
// from (w, dz).
type poolOp struct {
	gx.OpDefaults
	grad bool
	out  *gx.OutBuf // the node's output from run to run; not hashed
}

// Pool applies the op; w is (B,N), v is (B,N,H), of one float dtype and
// graph; the result is (B,H).
func Pool(w, v *G.Node) (_ *G.Node, err error) {
	defer gx.Recover(&err, "encoding", "building a pooling node")
	if w == nil || v == nil {
		return nil, errors.New("encoding: pool of a nil node")
	}
	ws, vs := w.Shape(), v.Shape()
	if len(ws) != 2 || len(vs) != 3 || ws[0] != vs[0] || ws[1] != vs[1] {
		return nil, fmt.Errorf("encoding: pool needs weights (B,N) and features (B,N,H), got %v and %v", ws, vs)
	}
	if err := sameDtypeAndGraph("pool", w, v); err != nil {
		return nil, err
	}
	return G.ApplyOp(poolOp{out: new(gx.OutBuf)}, w, v)
}

func (poolOp) Arity() int { return 2 }

func (op poolOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	w, v2, v3 := G.TensorType{Dims: 2, Of: a}, G.TensorType{Dims: 2, Of: a}, G.TensorType{Dims: 3, Of: a}
	if op.grad {
		return hm.NewFnType(w, v2, v3) // (w, dz) → dV
	}
	return hm.NewFnType(w, v3, v2) // (w, V) → z
}

func (op poolOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	if len(ds) != 2 {
		return nil, fmt.Errorf("%v: %d inputs", op, len(ds))
	}
	w, ok1 := ds[0].(tensor.Shape)
	x, ok2 := ds[1].(tensor.Shape)
	switch {
	case !ok1 || !ok2 || len(w) != 2:
	case op.grad && len(x) == 2:
		return tensor.Shape{w[0], w[1], x[1]}, nil
	case !op.grad && len(x) == 3:
		return tensor.Shape{x[0], x[2]}, nil
	}
	return nil, fmt.Errorf("%v: input shapes %v %v", op, ds[0], ds[1])
}

func (op poolOp) Do(vs ...G.Value) (G.Value, error) { return op.UsePreallocDo(nil, vs...) }

func (op poolOp) UsePreallocDo(prealloc G.Value, vs ...G.Value) (G.Value, error) {
	if len(vs) != 2 {
		return nil, fmt.Errorf("%v: %d inputs", op, len(vs))
	}
	s, err := op.InferShape(vs[0].Shape(), vs[1].Shape())
	if err != nil {
		return nil, err
	}
	dt := vs[1].Dtype()
	out := op.out.Out(prealloc, dt, s...)
	ws := vs[0].Shape()
	switch dt {
	case tensor.Float32:
		runPool[float32](op, vs, out, ws[0], ws[1])
	case tensor.Float64:
		runPool[float64](op, vs, out, ws[0], ws[1])
	default:
		return nil, fmt.Errorf("%v: unsupported dtype %v", op, dt)
	}
	return out, nil
}

func runPool[T gx.Float](op poolOp, vs []G.Value, out *tensor.Dense, B, N int) {
	w, x, o := gx.Data[T](vs[0]), gx.Data[T](vs[1]), gx.Data[T](out)
	if op.grad {
		poolBackward(w, x, o, B, N, out.Shape()[2])
	} else {
		poolForward(w, x, o, B, N, out.Shape()[1])
	}
}

// WriteHash writes the op's name, which says whether it is the gradient:
// the only field that changes what it computes.
func (op poolOp) WriteHash(h hash.Hash) {
	gx.WriteHash(h, pick(op.grad, "hypernas.pool", "hypernas.poolGrad"))
}
func (op poolOp) Hashcode() uint32 { return gx.Hashcode(op) }
func (op poolOp) String() string   { return pick(op.grad, "Pool", "PoolGrad") }

// DiffWRT: only V gets a gradient; the gradient op is not differentiated.
func (op poolOp) DiffWRT(n int) []bool {
	if op.grad {
		return gx.DiffWRT(n)
	}
	return gx.DiffWRT(n, 1)
}

func (op poolOp) SymDiff(in G.Nodes, out, grad *G.Node) (G.Nodes, error) {
	if op.grad {
		return nil, fmt.Errorf("%v is not differentiable", op)
	}
	dv, err := G.ApplyOp(poolOp{grad: true, out: new(gx.OutBuf)}, in[0], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{nil, dv}, nil
}

func poolForward[T gx.Float](w, v, out []T, B, N, H int) {
	clear(out)
	for b := 0; b < B; b++ {
		ob := out[b*H : (b+1)*H]
		adjRow(ob, w[b*N:(b+1)*N], v[b*N*H:(b+1)*N*H], H, 0)
	}
}

func poolBackward[T gx.Float](w, dz, out []T, B, N, H int) {
	for b := 0; b < B; b++ {
		d := dz[b*H : (b+1)*H]
		for n := 0; n < N; n++ {
			o := out[(b*N+n)*H : (b*N+n+1)*H]
			clear(o)
			if w[b*N+n] != 0 {
				gx.Axpy(w[b*N+n], d, o)
			}
		}
	}
}
