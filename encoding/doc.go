// Package encoding turns architectures into tensors and runs the HyperNAS
// global-encoding graph network over them in Gorgonia.
//
// A search space encodes an architecture as a searchspace.Sequence of unit
// graphs A = (A¹ … A^N). Batch packs many Sequences, padded to the space's
// largest node count and masked, into dense per-unit arrays; Encoder is the
// shared directed GCN over those units, with the inter-cell link
// v ← v + z^{i−1} that carries the embedding of unit i−1 into unit i, and
// the architecture embedding h = mean_i z^i.
//
// The common case, with seqs from space.Encode and a graph g:
//
//	shape, err := encoding.ShapeOf(space, true) // the global encoding
//	batch, err := encoding.NewBatch(shape, 64)  // then batch.Pack(seqs) per batch
//	enc, err := encoding.NewEncoder(g, params, encoding.Config{Shape: shape, Hidden: 32, Layers: 3}, 64)
//
// and before each run of the graph, enc.Bind(batch). params holds the
// weights (NewParams, then InitParams). A graph is built once per batch size
// and re-bound with new data each step: Gorgonia's tape machine rejects a
// value of another shape, and building a graph costs far more than a step.
//
// For prediction, Forward computes the same h without a graph, over the
// real nodes of each unit only and with sparse adjacency, bit for bit as the
// graph does:
//
//	f, err := encoding.NewForward(params, cfg) // one per goroutine
//	err = f.Embed(seqs, h)                     // h: len(seqs)×Hidden
package encoding
