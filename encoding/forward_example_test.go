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

// Embed two NB201 networks without a graph, and check that the encoder's
// graph gives the same embeddings, bit for bit.
func ExampleForward() {
	space := nasbench201.New()
	shape, err := encoding.ShapeOf(space, true)
	if err != nil {
		log.Fatal(err)
	}
	cfg := encoding.Config{Shape: shape, Hidden: 8, Layers: 3}
	params, err := encoding.NewParams(tensor.Float32)
	if err != nil {
		log.Fatal(err)
	}
	if err := encoding.InitParams(params, cfg, rand.New(rand.NewPCG(1, 2))); err != nil {
		log.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	seqs := make([]searchspace.Sequence, 2)
	for i := range seqs {
		if seqs[i], err = space.Encode(space.Sample(rng)); err != nil {
			log.Fatal(err)
		}
	}

	f, err := encoding.NewForward(params, cfg)
	if err != nil {
		log.Fatal(err)
	}
	h := make([]float64, len(seqs)*cfg.Hidden)
	if err := f.Embed(seqs, h); err != nil {
		log.Fatal(err)
	}

	g := G.NewGraph()
	enc, err := encoding.NewEncoder(g, params, cfg, len(seqs))
	if err != nil {
		log.Fatal(err)
	}
	var hv G.Value
	G.Read(enc.H, &hv)
	batch, err := encoding.NewBatch(shape, len(seqs))
	if err != nil {
		log.Fatal(err)
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
	same := true
	for i, v := range hv.Data().([]float32) {
		same = same && float64(v) == h[i]
	}
	fmt.Println(len(h), "values; the graph's:", same)
	// Output:
	// 16 values; the graph's: true
}
