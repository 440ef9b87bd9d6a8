package hypernas

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/autoformer"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/transnas101"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// graphPredict predicts archs with the model's Gorgonia graph (what
// Predict ran before the graph-free kernel), batch B, padding the last
// batch.
func graphPredict(t *testing.T, p *Predictor, archs []searchspace.Arch, B int) []float64 {
	t.Helper()
	m, err := buildModel(p.params.Clone(), p.encConfig(), p.opts.HeadHidden, B, 0)
	require.NoError(t, err)
	vm := G.NewTapeMachine(m.g)
	defer vm.Close()
	batch, err := encoding.NewBatch(p.shape, B)
	require.NoError(t, err)
	seqs, err := p.EncodeAll(context.Background(), archs)
	require.NoError(t, err)
	var out []float64
	for lo := 0; lo < len(seqs); lo += B {
		hi := min(lo+B, len(seqs))
		require.NoError(t, batch.Pack(seqs[lo:hi]))
		require.NoError(t, m.enc.Bind(batch))
		require.NoError(t, vm.RunAll())
		vm.Reset()
		for _, v := range gx.ToFloat64s(m.predVal)[:hi-lo] {
			out = append(out, p.mean+p.std*v)
		}
	}
	return out
}

// TestKernelMatchesGraph: Predict's graph-free kernel gives the graph's
// predictions bit for bit, for both dtypes and encodings, default and odd
// sizes (the assembly kernels and the Go code), and spaces with node
// features and networks of varying depth.
func TestKernelMatchesGraph(t *testing.T) {
	nb := nasbench201.New()
	vit, err := autoformer.New()
	require.NoError(t, err)
	for _, c := range []struct {
		space searchspace.SearchSpace
		opts  []Option
	}{
		{nb, nil},
		{nb, []Option{WithEncoding(SingleCell)}},
		{nb, []Option{WithDType(tensor.Float64)}},
		{nb, []Option{WithHidden(64), WithHeadHidden(96), WithLayers(2)}},
		{nb, []Option{WithHidden(12), WithHeadHidden(16), WithDType(tensor.Float64), WithEncoding(SingleCell)}},
		{&transnas101.Macro{}, nil},
		{&transnas101.Micro{}, []Option{WithHidden(16)}},
		{vit, nil},
	} {
		name := fmt.Sprintf("%s %v", c.space.Name(), c.opts)
		archs := fixture.SampleArchs(c.space, 70, 5)
		p, err := NewPredictor(c.space, append([]Option{WithEpochs(4), WithSeed(3)}, c.opts...)...)
		require.NoError(t, err, name)
		_, err = p.Fit(context.Background(), archs[:30], fixture.SyntheticLabels(archs[:30]))
		require.NoError(t, err, name)
		got, err := p.Predict(context.Background(), archs)
		require.NoError(t, err, name)
		assert.Equal(t, graphPredict(t, p, archs, 32), got, name)
	}
}

// seqOf returns the values of s as an iterator that counts how many were
// read.
func seqOf(s []searchspace.Arch, read *int) iter.Seq[searchspace.Arch] {
	return func(yield func(searchspace.Arch) bool) {
		for _, a := range s {
			*read++
			if !yield(a) {
				return
			}
		}
	}
}

// TestPredictStream: the stream yields Predict's scores in order with
// their indices and architectures, whatever the batch size and worker
// count, from an iterator or a channel, and stops reading when the loop
// breaks.
func TestPredictStream(t *testing.T) {
	p, _ := trainedSmall(t)
	archs := fixture.SampleArchs(nasbench201.New(), 301, 8)
	want, err := p.Predict(context.Background(), archs)
	require.NoError(t, err)
	for _, bw := range [][2]int{{1, 1}, {7, 3}, {64, 2}, {512, 4}} {
		p.opts.PredictBatch, p.opts.Workers = bw[0], bw[1]
		var read int
		var got []float64
		for s, err := range p.PredictStream(context.Background(), seqOf(archs, &read)) {
			require.NoError(t, err)
			require.Equal(t, len(got), s.Index)
			require.Equal(t, archs[s.Index], s.Arch)
			got = append(got, s.Score)
		}
		assert.Equal(t, want, got, "batch %d, %d workers", bw[0], bw[1])
		assert.Equal(t, len(archs), read)
	}

	ch := make(chan searchspace.Arch)
	go func() {
		for _, a := range archs {
			ch <- a
		}
		close(ch)
	}()
	var got []float64
	for s, err := range p.PredictStream(context.Background(), FromChan(ch)) {
		require.NoError(t, err)
		got = append(got, s.Score)
	}
	assert.Equal(t, want, got, "from a channel")

	// Breaking out early reads a bounded number of architectures ahead
	// and leaves no worker behind.
	p.opts.PredictBatch, p.opts.Workers = 16, 2
	read := 0
	for s, err := range p.PredictStream(context.Background(), seqOf(archs, &read)) {
		require.NoError(t, err)
		if s.Index == 0 {
			assert.True(t, pipelineRunning(), "the detector sees the workers")
		}
		if s.Index == 20 {
			break
		}
	}
	assert.LessOrEqual(t, read, (chunksPerWorker*2+1)*16, "read ahead at most a few batches")
	assert.False(t, pipelineRunning(), "workers have stopped when the loop ends")
	// The predictor is free again: training is allowed.
	_, err = p.Fit(context.Background(), archs[:20], fixture.ConvScore(archs[:20]), WithEpochs(1))
	assert.NoError(t, err)

	// Empty and nil inputs yield nothing.
	for range p.PredictStream(context.Background(), seqOf(nil, new(int))) {
		t.Fatal("an empty stream yields nothing")
	}
	for range p.PredictStream(context.Background(), nil) {
		t.Fatal("a nil stream yields nothing")
	}
}

// pipelineRunning reports whether a goroutine of the prediction pipeline
// (a worker, or the input's iter.Pull) is alive.
func pipelineRunning() bool {
	buf := make([]byte, 1<<20)
	st := string(buf[:runtime.Stack(buf, true)])
	return strings.Contains(st, "predictWorker") || strings.Contains(st, "iter.Pull")
}

// TestPredictStreamErrors: a bad architecture ends the stream with an
// error naming its index, after the scores of the batches before it; a
// cancelled context ends it with ctx's error; an untrained or training
// predictor yields its error.
func TestPredictStreamErrors(t *testing.T) {
	p, _ := trainedSmall(t, WithPredictBatch(8), WithWorkers(2))
	archs := fixture.SampleArchs(nasbench201.New(), 100, 3)
	bad := slices.Clone(archs)
	bad[45] = nil
	var n int
	var last error
	for s, err := range p.PredictStream(context.Background(), slices.Values(bad)) {
		if err != nil {
			last = err
			assert.Zero(t, s)
			continue
		}
		n++
	}
	assert.ErrorIs(t, last, searchspace.ErrInvalidArch)
	assert.ErrorContains(t, last, "architecture 45")
	assert.Equal(t, 40, n, "the batches before the bad one")
	_, err := p.Predict(context.Background(), bad)
	assert.ErrorContains(t, err, "architecture 45")

	// Cancelled while streaming an endless generator.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	endless := func(yield func(searchspace.Arch) bool) {
		for i := 0; ; i++ {
			if !yield(archs[i%len(archs)]) {
				return
			}
		}
	}
	count := 0
	for s, err := range p.PredictStream(ctx, endless) {
		if err != nil {
			assert.ErrorIs(t, err, context.Canceled)
			break
		}
		if count++; s.Index == 1000 {
			cancel()
		}
	}
	assert.Less(t, count, 1000+8*(chunksPerWorker*2+1), "stops within the batches in flight")
	assert.False(t, pipelineRunning())

	untrained, err := NewPredictor(nasbench201.New())
	require.NoError(t, err)
	for _, err := range untrained.PredictStream(context.Background(), slices.Values(archs)) {
		assert.ErrorIs(t, err, ErrNotTrained)
	}
	tr, err := p.NewTrainer(context.Background(), archs[:20], fixture.ConvScore(archs[:20]))
	require.NoError(t, err)
	for _, err := range p.PredictStream(context.Background(), slices.Values(archs)) {
		assert.ErrorIs(t, err, ErrBusy)
	}
	_, err = tr.Close()
	require.NoError(t, err)

	// A panic in the input's own iterator reaches the caller, and the
	// predictor is left usable.
	func() {
		defer func() { assert.NotNil(t, recover()) }()
		boom := func(yield func(searchspace.Arch) bool) {
			yield(archs[0])
			panic(errors.New("producer failed"))
		}
		for range p.PredictStream(context.Background(), boom) {
		}
	}()
	assert.False(t, pipelineRunning())
	_, err = p.Predict(context.Background(), archs)
	assert.NoError(t, err)
}
