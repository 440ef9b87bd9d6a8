package hypernas

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/searchspace"
	G "gorgonia.org/gorgonia"
)

// warmupAux runs Options.AuxWarmup steps of the auxiliary task alone: a
// graph of the encoder and the task (no head, no labels) on batches of
// architectures drawn with the space's Sample, with its own Adam state.
// The graph reads and updates the predictor's parameter tensors, so the
// labelled training that follows starts from the warmed-up encoder and
// hypernetwork. It returns the mean loss of every block of up to 100 steps.
func (p *Predictor) warmupAux(ctx context.Context, o Options) (losses []float64, err error) {
	defer gx.Recover(&err, "hypernas", "the auxiliary warm-up")
	B := o.BatchSize
	g := G.NewGraph()
	enc, err := encoding.NewEncoderNamed(g, p.params, p.encConfig(), B, "warm_")
	if err != nil {
		return nil, err
	}
	ag, err := o.Aux.Build(g, enc, p.params, rand.New(rand.NewPCG(o.Seed, 0x3a7)))
	if err != nil {
		return nil, fmt.Errorf("hypernas: building auxiliary task %s: %w", o.Aux.Name(), err)
	}
	var val G.Value
	G.Read(ag.Loss(), &val)
	vm, err := compile(g, ag.Loss(), append(append(G.Nodes(nil), enc.Learnables...), ag.Learnables()...))
	if err != nil {
		return nil, err
	}
	defer vm.Close()
	upd := newUpdater(o, enc.Learnables, ag.Learnables())
	batch, err := encoding.NewBatch(p.shape, B)
	if err != nil {
		return nil, err
	}
	seqs := make([]searchspace.Sequence, B)
	rng := rand.New(rand.NewPCG(o.Seed, 0x3a8))
	sum, n := 0.0, 0
	for s := 0; s < o.AuxWarmup; s++ {
		if err := ctx.Err(); err != nil {
			return losses, err
		}
		for k := range seqs {
			if seqs[k], err = p.Encode(p.space.Sample(rng)); err != nil {
				return losses, fmt.Errorf("hypernas: warm-up step %d: sampled architecture: %w", s, err)
			}
		}
		if err := batch.Pack(seqs); err != nil {
			return losses, err
		}
		if err := enc.Bind(batch); err != nil {
			return losses, err
		}
		if err := ag.Bind(s, seqs); err != nil {
			return losses, fmt.Errorf("hypernas: warm-up step %d: %w", s, err)
		}
		if err := vm.RunAll(); err != nil {
			return losses, fmt.Errorf("hypernas: warm-up step %d: %w", s, err)
		}
		l := scalarOf(val)
		vm.Reset()
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return losses, fmt.Errorf("%w at warm-up step %d (auxiliary loss %v)", ErrNonFinite, s, l)
		}
		if err := upd.step(); err != nil {
			return losses, err
		}
		sum, n = sum+l, n+1
		if n == 100 || s == o.AuxWarmup-1 {
			losses = append(losses, sum/float64(n))
			sum, n = 0, 0
		}
	}
	p.params.FlushDenormals()
	return losses, nil
}
