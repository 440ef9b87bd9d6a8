package encoding_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// The global encoding of an NB201 network has a unit per cell and per
// reduction block; the single-cell encoding has one.
func ExampleShapeOf() {
	space := nasbench201.New()
	global, err := encoding.ShapeOf(space, true)
	if err != nil {
		log.Fatal(err)
	}
	cell, err := encoding.ShapeOf(space, false)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("global: %+v\ncell:   %+v\n", global, cell)
	// Output:
	// global: {Units:17 Nodes:8 Vocab:10 Features:0}
	// cell:   {Units:1 Nodes:8 Vocab:10 Features:0}
}

// A unit of three nodes, input → conv → output, padded to four.
func ExampleBatch_Pack() {
	g := searchspace.NewGraph(0, 2, 1)
	g.Adj[0][1], g.Adj[1][2] = true, true
	b, err := encoding.NewBatch(encoding.Shape{Units: 1, Nodes: 4, Vocab: 3}, 2)
	if err != nil {
		log.Fatal(err)
	}
	if err := b.Pack([]searchspace.Sequence{{g}}); err != nil {
		log.Fatal(err)
	}
	fmt.Println("rows used:", b.Used)
	fmt.Println("one-hot of row 0:", b.OneHot[0][:12])
	fmt.Println("pooling weights:", b.Pool[0])
	// A sequence with more nodes than the shape allows is refused.
	big := searchspace.NewGraph(0, 2, 2, 2, 1)
	fmt.Println(b.Set(1, searchspace.Sequence{big}) != nil)
	// Output:
	// rows used: 1
	// one-hot of row 0: [1 0 0 0 0 1 0 1 0 0 0 0]
	// pooling weights: [0.3333333333333333 0.3333333333333333 0.3333333333333333 0 0 0 0 0]
	// true
}

// The encoder embeds two NB201 architectures; h is (batch, hidden).
func ExampleNewEncoder() {
	space := nasbench201.New()
	shape, err := encoding.ShapeOf(space, true)
	if err != nil {
		log.Fatal(err)
	}
	cfg := encoding.Config{Shape: shape, Hidden: 4, Layers: 2}
	params, err := encoding.NewParams(tensor.Float64)
	if err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	if err := encoding.InitParams(params, cfg, rng); err != nil {
		log.Fatal(err)
	}
	g := G.NewGraph()
	enc, err := encoding.NewEncoder(g, params, cfg, 2)
	if err != nil {
		log.Fatal(err)
	}
	var h G.Value
	G.Read(enc.H, &h) // the tape reuses memory: read what is needed after the run
	batch, err := encoding.NewBatch(shape, 2)
	if err != nil {
		log.Fatal(err)
	}
	var seqs []searchspace.Sequence
	for range 2 {
		seq, err := space.Encode(space.Sample(rng))
		if err != nil {
			log.Fatal(err)
		}
		seqs = append(seqs, seq)
	}
	if err := batch.Pack(seqs); err != nil {
		log.Fatal(err)
	}
	if err := enc.Bind(batch); err != nil {
		log.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("h:", h.Shape(), "from", len(enc.Z), "unit embeddings z^i")
	// Output:
	// h: (2, 4) from 17 unit embeddings z^i
}
