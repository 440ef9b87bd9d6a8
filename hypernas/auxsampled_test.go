package hypernas

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
)

// normTask is an auxiliary task whose loss is the mean square of the
// architecture embeddings h of its encoder; it records what it is bound to.
type normTask struct{ seen map[string]int }

func (*normTask) Name() string { return "norm" }

func (n *normTask) Build(g *G.ExprGraph, enc *encoding.Encoder, _ *encoding.Params, _ *rand.Rand) (AuxGraph, error) {
	sq, err := G.Square(enc.H)
	if err != nil {
		return nil, err
	}
	l, err := G.Mean(sq)
	if err != nil {
		return nil, err
	}
	return &normGraph{task: n, loss: l}, nil
}

type normGraph struct {
	task *normTask
	loss *G.Node
}

func (g *normGraph) Loss() *G.Node       { return g.loss }
func (g *normGraph) Learnables() G.Nodes { return nil }
func (g *normGraph) Bind(_ int, seqs []searchspace.Sequence) error {
	for _, s := range seqs {
		g.task.seen[fmt.Sprint(s)]++
	}
	return nil
}

func TestAuxSampledTrainsOnUnlabelledArchitectures(t *testing.T) {
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 8, 3)
	y := fixture.ConvScore(archs)
	run := func(sampled bool, seed uint64) (*normTask, []float64, *Predictor) {
		task := &normTask{seen: map[string]int{}}
		// The prediction loss has weight 0: only the auxiliary loss moves
		// the encoder.
		p, err := NewPredictor(space, smallOpts(WithSeed(seed), WithEpochs(5), WithBatchSize(4),
			WithAux(task), WithWeighting(FixedWeights(0, 1)), WithAuxSampled(sampled), WithWeightDecay(0))...)
		require.NoError(t, err)
		before := slices.Clone(p.params.Float64s("enc/gcn0"))
		_, err = p.Fit(context.Background(), archs, y)
		require.NoError(t, err)
		return task, before, p
	}
	labelled := map[string]bool{}
	p0, err := NewPredictor(space)
	require.NoError(t, err)
	seqs, err := p0.EncodeAll(context.Background(), archs)
	require.NoError(t, err)
	for _, s := range seqs {
		labelled[fmt.Sprint(s)] = true
	}

	plain, _, _ := run(false, 1)
	for k := range plain.seen {
		assert.True(t, labelled[k], "without sampling the task sees the labelled batch")
	}
	sampled, before, p := run(true, 1)
	outside := 0
	for k := range sampled.seen {
		if !labelled[k] {
			outside++
		}
	}
	assert.Greater(t, outside, 8, "with sampling the task sees unlabelled architectures")
	assert.NotEqual(t, before, p.params.Float64s("enc/gcn0"), "the auxiliary loss reaches the shared encoder weights through the second encoder")

	again, _, q := run(true, 1)
	assert.Equal(t, sampled.seen, again.seen, "same seed, same samples")
	assert.Equal(t, p.params.Float64s("enc/gcn0"), q.params.Float64s("enc/gcn0"))
}
