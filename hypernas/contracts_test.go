package hypernas

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"iter"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gatedSpace is NB201 whose Encode waits while a gate is closed, so that a
// test can hold a call in flight.
type gatedSpace struct {
	*nasbench201.Space
	mu      sync.Mutex
	gate    chan struct{} // nil: open
	entered chan struct{}
}

func (s *gatedSpace) Encode(a searchspace.Arch) (searchspace.Sequence, error) {
	s.mu.Lock()
	gate, entered := s.gate, s.entered
	s.mu.Unlock()
	if gate != nil {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-gate
	}
	return s.Space.Encode(a)
}

func (s *gatedSpace) close() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gate, s.entered = make(chan struct{}), make(chan struct{}, 1)
	gate := s.gate
	return func() {
		s.mu.Lock()
		s.gate = nil
		s.mu.Unlock()
		close(gate)
	}
}

// TestConcurrentFitPredictIsAnError: training is exclusive. A Fit while a
// prediction is in flight, and a prediction or Save while Fit runs, fail
// with ErrBusy at once (no waiting, no data race: run under -race in CI);
// predictions run concurrently with each other.
func TestConcurrentFitPredictIsAnError(t *testing.T) {
	space := &gatedSpace{Space: nasbench201.New()}
	archs := fixture.SampleArchs(space, 40, 9)
	y := fixture.ConvScore(archs)
	p, err := NewPredictor(space, smallOpts(WithEpochs(2), WithPredictBatch(8))...)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = p.Fit(ctx, archs, y)
	require.NoError(t, err)

	// A prediction held in flight blocks training, not other predictions.
	release := space.close()
	done := make(chan error)
	go func() {
		_, err := p.Predict(ctx, archs)
		done <- err
	}()
	<-space.entered
	_, err = p.Fit(ctx, archs, y)
	assert.ErrorIs(t, err, ErrBusy)
	_, err = p.NewTrainer(ctx, archs, y)
	assert.ErrorIs(t, err, ErrBusy)
	seqs, err := func() ([]searchspace.Sequence, error) { release(); return p.EncodeAll(ctx, archs) }()
	require.NoError(t, err)
	require.NoError(t, <-done)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := p.PredictSequences(ctx, seqs)
			assert.NoError(t, err)
			assert.NoError(t, p.Save(&bytes.Buffer{}))
		}()
	}
	wg.Wait()

	// While training (a Trainer is open), predicting and saving fail.
	tr, err := p.NewTrainer(ctx, archs, y)
	require.NoError(t, err)
	_, err = p.Predict(ctx, archs)
	assert.ErrorIs(t, err, ErrBusy)
	assert.ErrorIs(t, p.Save(&bytes.Buffer{}), ErrBusy)
	_, err = p.Params()
	assert.ErrorIs(t, err, ErrBusy)
	_, err = p.Fit(ctx, archs, y)
	assert.ErrorIs(t, err, ErrBusy)
	_, _, err = tr.Step()
	require.NoError(t, err)
	_, err = tr.Close()
	require.NoError(t, err)
	_, err = tr.Close()
	assert.Error(t, err, "closing twice")
	_, _, err = tr.Step()
	assert.Error(t, err, "a step after Close")
	_, err = p.Predict(ctx, archs)
	assert.NoError(t, err, "after Close the predictor predicts again")

	// A failed Fit releases the predictor too.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = p.Fit(cancelled, archs, y)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = p.Predict(ctx, archs)
	assert.NoError(t, err)
}

// TestTrainerMatchesFit: Fit is NewTrainer, Epochs × StepsPerEpoch steps
// and Close.
func TestTrainerMatchesFit(t *testing.T) {
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 40, 2)
	y := fixture.ConvScore(archs)
	ctx := context.Background()
	p, err := NewPredictor(space, smallOpts(WithEpochs(3), WithSeed(4))...)
	require.NoError(t, err)
	rep, err := p.Fit(ctx, archs, y)
	require.NoError(t, err)
	q, err := NewPredictor(space, smallOpts(WithEpochs(3), WithSeed(4))...)
	require.NoError(t, err)
	tr, err := q.NewTrainer(ctx, archs, y)
	require.NoError(t, err)
	for range 3 * tr.StepsPerEpoch() {
		_, _, err := tr.Step()
		require.NoError(t, err)
	}
	rep2, err := tr.Close()
	require.NoError(t, err)
	assert.Equal(t, rep.Losses, rep2.Losses)
	want, err := p.Predict(ctx, archs)
	require.NoError(t, err)
	got, err := q.Predict(ctx, archs)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// TestPredictCancel: a cancelled context stops prediction with its error.
func TestPredictCancel(t *testing.T) {
	p, archs := trainedSmall(t, WithPredictBatch(8), WithWorkers(2))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Predict(ctx, archs)
	assert.ErrorIs(t, err, context.Canceled)
	seqs, err := p.EncodeAll(context.Background(), archs)
	require.NoError(t, err)
	_, err = p.PredictSequences(ctx, seqs)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = p.EncodeAll(ctx, archs)
	assert.ErrorIs(t, err, context.Canceled)

	// Cancelled mid-way through a large pool: it returns early.
	pool := fixture.SampleArchs(nasbench201.New(), 20000, 3)
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = p.Predict(ctx, pool)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	t.Logf("cancelled after %v", time.Since(start))
}

// TestLabelsRefused: labels that cannot train a ranking are refused before
// any work, and huge labels give finite predictions.
func TestLabelsRefused(t *testing.T) {
	space := nasbench201.New()
	archs := fixture.SampleArchs(space, 20, 1)
	p, err := NewPredictor(space, smallOpts(WithEpochs(2))...)
	require.NoError(t, err)
	ctx := context.Background()
	equal := make([]float64, len(archs))
	for i := range equal {
		equal[i] = 91.5
	}
	_, err = p.Fit(ctx, archs, equal)
	assert.ErrorIs(t, err, ErrBadLabels)
	assert.ErrorContains(t, err, "all 20 labels are equal")
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		y := fixture.ConvScore(archs)
		y[7] = bad
		_, err = p.Fit(ctx, archs, y)
		assert.ErrorIs(t, err, ErrBadLabels)
		assert.ErrorContains(t, err, "label 7")
	}
	for _, rank := range []bool{true, false} {
		y := fixture.ConvScore(archs)
		y[3] = 1e200
		q, err := NewPredictor(space, smallOpts(WithEpochs(2), WithRankLabels(rank))...)
		require.NoError(t, err)
		rep, err := q.Fit(ctx, archs, y)
		require.NoError(t, err)
		assert.False(t, math.IsInf(rep.LabelStd, 0), "rank %v", rank)
		pred, err := q.Predict(ctx, archs)
		require.NoError(t, err)
		for _, v := range pred {
			require.False(t, math.IsInf(v, 0) || math.IsNaN(v), "rank labels %v: prediction %v", rank, v)
		}
	}
}

// TestFitPerCallOptions: per-call options change training for that call
// only, and may not change the model.
func TestFitPerCallOptions(t *testing.T) {
	p, archs := trainedSmall(t)
	ctx := context.Background()
	y := fixture.ConvScore(archs)
	rep, err := p.Fit(ctx, archs, y, WithEpochs(2))
	require.NoError(t, err)
	assert.Len(t, rep.Losses, 2)
	rep, err = p.Fit(ctx, archs, y)
	require.NoError(t, err)
	assert.Len(t, rep.Losses, 3, "the predictor's own epochs again")
	for _, o := range []Option{WithHidden(64), WithLayers(1), WithEncoding(SingleCell), WithEpochs(0), WithLearningRate(-1)} {
		_, err = p.Fit(ctx, archs, y, o)
		assert.ErrorIs(t, err, ErrBadOption)
	}
}

// TestOptionsRefused: out-of-range and non-finite option values are errors
// that name the value.
func TestOptionsRefused(t *testing.T) {
	space := nasbench201.New()
	for name, o := range map[string]Option{
		"epochs -1":        WithEpochs(-1),
		"hidden size 0":    WithHidden(0),
		"learning rate +I": WithLearningRate(math.Inf(1)),
		"learning rate N":  WithLearningRate(math.NaN()),
		"weight decay -1":  WithWeightDecay(-1),
		"batch size 0":     WithBatchSize(0),
		"clip value -2":    WithClipValue(-2),
		"dropout 1":        WithDropout(1),
	} {
		_, err := NewPredictor(space, o)
		assert.ErrorIs(t, err, ErrBadOption, name)
		assert.ErrorContains(t, err, strings.Fields(name)[0], name)
	}
	_, err := NewPredictor(nil)
	assert.ErrorIs(t, err, ErrBadOption)
	_, err = NewPredictor(space, nil, WithEpochs(1))
	assert.NoError(t, err, "a nil option is ignored")
}

// brokenSpace is NB201 with one declaration or encoding gone wrong.
type brokenSpace struct {
	*nasbench201.Space
	maxNodes, features int
	encode             func(a searchspace.Arch) (searchspace.Sequence, error)
}

func (s brokenSpace) MaxNodes() int    { return s.maxNodes }
func (s brokenSpace) NumFeatures() int { return s.features }
func (s brokenSpace) Encode(a searchspace.Arch) (searchspace.Sequence, error) {
	if s.encode != nil {
		return s.encode(a)
	}
	return s.Space.Encode(a)
}

// TestSpaceMistakesAtNewPredictor: a custom space's mistakes surface when
// the predictor is made, with the architecture's string and what to fix.
func TestSpaceMistakesAtNewPredictor(t *testing.T) {
	nb := nasbench201.New()
	n := 0
	for name, c := range map[string]struct {
		space searchspace.SearchSpace
		want  []string
	}{
		"too few nodes": {brokenSpace{Space: nb, maxNodes: 4}, []string{"nodes", "|"}},
		"features":      {brokenSpace{Space: nb, maxNodes: 8, features: 2}, []string{"features", "|"}},
		"backward edge": {brokenSpace{Space: nb, maxNodes: 8, encode: func(a searchspace.Arch) (searchspace.Sequence, error) {
			seq, err := nb.Encode(a)
			if err != nil {
				return nil, err
			}
			g := seq[0]
			adj := make([][]bool, len(g.Adj))
			for i := range adj {
				adj[i] = append([]bool(nil), g.Adj[i]...)
			}
			adj[3][1] = true
			seq[0] = searchspace.Graph{Ops: g.Ops, Adj: adj}
			return seq, nil
		}}, []string{"forward", "|"}},
		"ragged": {brokenSpace{Space: nb, maxNodes: 8, encode: func(a searchspace.Arch) (searchspace.Sequence, error) {
			seq, err := nb.Encode(a)
			if err != nil {
				return nil, err
			}
			n++
			return seq[:len(seq)-n%2], nil
		}}, []string{"MaxUnits"}},
	} {
		_, err := NewPredictor(c.space)
		require.Error(t, err, name)
		assert.ErrorIs(t, err, searchspace.ErrInvalidArch, name)
		for _, w := range c.want {
			assert.ErrorContains(t, err, w, name)
		}
	}
}

// checkpointWith returns a predictor file with the header changed by edit
// and the values by vals, checksum recomputed: what a crafted file looks
// like.
func checkpointWith(t testing.TB, good []byte, edit func(h map[string]any), vals func(v []float64)) []byte {
	t.Helper()
	hlen := int(binary.LittleEndian.Uint32(good[12:]))
	var h map[string]any
	require.NoError(t, json.Unmarshal(good[16:16+hlen], &h))
	body := good[16+hlen : len(good)-4]
	v := make([]float64, len(body)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*i:]))
	}
	if edit != nil {
		edit(h)
	}
	if vals != nil {
		vals(v)
	}
	return assemble(t, h, v)
}

func assemble(t testing.TB, h any, v []float64) []byte {
	hdr, err := json.Marshal(h)
	require.NoError(t, err)
	return assembleCheckpoint(hdr, v)
}

// TestLoadValidatesBeforeTrusting: a file with a valid checksum but a
// crafted header or non-finite / absurd weights is refused, quickly and
// without allocating what the header claims.
func TestLoadValidatesBeforeTrusting(t *testing.T) {
	p, _ := trainedSmall(t)
	good := saved(t, p).Bytes()
	space := nasbench201.New()
	for name, data := range map[string][]byte{
		"hidden 100000": checkpointWith(t, good, func(h map[string]any) { h["hidden"] = 100000 }, nil),
		"layers 1e6":    checkpointWith(t, good, func(h map[string]any) { h["layers"] = 1000000 }, nil),
		"head 1e5":      checkpointWith(t, good, func(h map[string]any) { h["head_hidden"] = 100000 }, nil),
		"NaN weight":    checkpointWith(t, good, nil, func(v []float64) { v[5] = math.NaN() }),
		"Inf weight":    checkpointWith(t, good, nil, func(v []float64) { v[0] = math.Inf(-1) }),
		"1e300 weight":  checkpointWith(t, good, nil, func(v []float64) { v[len(v)-1] = 1e300 }),
		"label std 0":   checkpointWith(t, good, func(h map[string]any) { h["label_std"] = 0 }, nil),
		"shape 1e9": checkpointWith(t, good, func(h map[string]any) {
			h["params"].([]any)[0].(map[string]any)["shape"] = []any{1e9, 1e9}
		}, nil),
	} {
		start := time.Now()
		_, err := Load(bytes.NewReader(data), space)
		assert.ErrorIs(t, err, ErrBadCheckpoint, name)
		assert.Less(t, time.Since(start), 5*time.Second, name)
	}
	_, err := Load(bytes.NewReader(good), space, WithPredictBatch(0))
	assert.ErrorIs(t, err, ErrBadOption, "a bad option is an option error, not a bad file")
	assert.NotErrorIs(t, err, ErrBadCheckpoint)
	_, err = Load(bytes.NewReader(good), space, WithHidden(64))
	assert.ErrorIs(t, err, ErrBadOption)
	_, err = Load(bytes.NewReader(good), nil)
	assert.ErrorIs(t, err, ErrBadOption)
	_, err = Load(nil, space)
	assert.ErrorIs(t, err, ErrBadOption)
}

// FuzzLoadPayload fuzzes what lies behind the checksum: the header and the
// values, with the checksum recomputed, so that the validation of a
// well-formed file's contents is fuzzed too. Any payload either fails with
// ErrBadCheckpoint or loads into a predictor that predicts finite values.
func FuzzLoadPayload(f *testing.F) {
	p, archs := trainedSmall(f, WithHidden(2), WithHeadHidden(2), WithLayers(1))
	var buf bytes.Buffer
	if err := p.Save(&buf); err != nil {
		f.Fatal(err)
	}
	good := buf.Bytes()
	hlen := int(binary.LittleEndian.Uint32(good[12:]))
	f.Add(good[16:16+hlen], good[16+hlen:len(good)-4])
	f.Add([]byte(`{"space":"nb201","hidden":100000}`), []byte{})
	space := nasbench201.New()
	f.Fuzz(func(t *testing.T, hdr, vals []byte) {
		// Whole float64s only: a ragged tail is a truncated file, which
		// FuzzLoad covers.
		v := make([]float64, len(vals)/8)
		for i := range v {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(vals[8*i:]))
		}
		q, err := Load(bytes.NewReader(assembleCheckpoint(hdr, v)), space)
		if err != nil {
			if !errors.Is(err, ErrBadCheckpoint) {
				t.Fatalf("error does not wrap ErrBadCheckpoint: %v", err)
			}
			return
		}
		pred, err := q.Predict(context.Background(), archs[:4])
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range pred {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("a loaded predictor predicts %v", v)
			}
		}
	})
}

// TestNoPanics probes the exported API with nil, zero, negative and
// out-of-range arguments: every call returns an error or a value, never a
// panic.
func TestNoPanics(t *testing.T) {
	space := nasbench201.New()
	p, archs := trainedSmall(t)
	ctx := context.Background()
	untrained, err := NewPredictor(space)
	require.NoError(t, err)
	calls := map[string]func() error{
		"Fit nil archs":          func() error { _, err := p.Fit(ctx, nil, nil); return err },
		"Fit nil arch":           func() error { _, err := p.Fit(ctx, []searchspace.Arch{nil, archs[0]}, []float64{1, 2}); return err },
		"Fit nil ctx":            func() error { _, err := p.Fit(nil, archs, fixture.ConvScore(archs)); return err }, //nolint:staticcheck
		"Predict nil arch":       func() error { _, err := p.Predict(ctx, []searchspace.Arch{nil}); return err },
		"Predict untrained":      func() error { _, err := untrained.Predict(ctx, archs); return err },
		"Sequences bad":          func() error { _, err := p.PredictSequences(ctx, []searchspace.Sequence{nil}); return err },
		"Encode nil":             func() error { _, err := p.Encode(nil); return err },
		"Save untrained":         func() error { return untrained.Save(&bytes.Buffer{}) },
		"Save nil writer":        func() error { return p.Save(nil) },
		"SaveFile no folder":     func() error { return p.SaveFile("/nonexistent/folder/p.hnp") },
		"LoadFile missing":       func() error { _, err := LoadFile("/nonexistent/p.hnp", space); return err },
		"Trainer nil ctx":        func() error { _, err := p.NewTrainer(nil, archs, fixture.ConvScore(archs)); return err }, //nolint:staticcheck
		"Trainer short labels":   func() error { _, err := p.NewTrainer(ctx, archs, []float64{1}); return err },
		"PredictStream nil arch": func() error { return streamErr(p.PredictStream(ctx, slices.Values([]searchspace.Arch{nil}))) },
		"PredictStream untrained": func() error {
			return streamErr(untrained.PredictStream(ctx, slices.Values(archs)))
		},
		"PredictStream nil ctx, bad arch": func() error {
			return streamErr(p.PredictStream(nil, slices.Values([]searchspace.Arch{archs[0], nil}))) //nolint:staticcheck
		},
	}
	for name, call := range calls {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s panicked: %v", name, r)
				}
			}()
			assert.Error(t, call(), name)
		}()
	}
	_, err = p.Predict(ctx, nil)
	assert.NoError(t, err, "an empty pool is no error")
	for name, seq := range map[string]iter.Seq[searchspace.Arch]{"nil": nil, "nil channel": FromChan(nil), "nil enumeration": Archs(nil)} {
		assert.NoError(t, streamErr(p.PredictStream(ctx, seq)), name)
	}
}

// streamErr drains a prediction stream and returns its error.
func streamErr(s iter.Seq2[Scored, error]) error {
	for _, err := range s {
		if err != nil {
			return err
		}
	}
	return nil
}
