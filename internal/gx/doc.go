// Package gx is the Gorgonia plumbing shared by the packages of this module
// that build graphs (encoding, loss, the hypernetwork's target-network ops):
// custom-op boilerplate, hashing, dtype-named constants, float conversions,
// graph checks and a panic guard for API boundaries; and the float32
// kernels of the GCN (MatMul, GCNRows, GCNRowsGrad), in Go and, on CPUs with
// AVX2, in assembly that adds the same terms in the same order, so that both
// give gonum's and the graph's bits (build with -tags purego for the Go
// code alone). Importing gx also hands Gorgonia's float32 products to those
// kernels (see fastBLAS), with unchanged results.
//
// The common case, in a function that builds graph nodes:
//
//	func Build(x *G.Node) (_ *G.Node, err error) {
//		defer gx.Recover(&err, "loss", "building the loss") // a Gorgonia panic becomes err
//		return G.HadamardProd(x, gx.Scalar(x.Dtype(), 0.5))  // a constant of x's dtype
//	}
//
// and in a custom op, which embeds OpDefaults, hashes every field and writes
// into the tape machine's preallocated value when it fits:
//
//	func (op myOp) WriteHash(h hash.Hash)   { gx.WriteHash(h, "mypkg.myOp", op.k, op.stride) }
//	func (op myOp) Hashcode() uint32        { return gx.Hashcode(op) }
//	out := gx.Out(prealloc, dt, shape...)   // in UsePreallocDo
//
// Why these exist, in short: Gorgonia v0.9.18 merges graph nodes by their
// 32-bit hash alone when it compiles a graph, so an op must hash every field
// that changes what it computes (CheckHashFields tests that, CheckHashes
// refuses a graph in which two distinct nodes collide); it merges constants
// by name, and a constant's default name is its printed value, so float32(1)
// and float64(1) would become one node (Scalar and Matrix put the dtype in
// the name); and it panics on many bad inputs that it could report (Recover
// turns such a panic into an error where our API returns).
package gx
