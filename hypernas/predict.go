package hypernas

import (
	"context"
	"fmt"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/searchspace"
)

// Predict returns the predicted metric of every architecture, in order. It
// stops early, with ctx's error, when ctx is cancelled. It runs the
// pipeline of PredictStream over the slice: architectures are encoded a
// batch at a time, so memory beyond the result does not grow with the
// pool.
func (p *Predictor) Predict(ctx context.Context, archs []searchspace.Arch) ([]float64, error) {
	return p.predictSlice(ctx, len(archs), func(c *chunk, lo, hi int) { c.archs = archs[lo:hi] })
}

// PredictSequences predicts from already encoded architectures (the output
// of EncodeAll), for callers that score the same pool many times. Each
// sequence is checked as Encode checks an encoding.
func (p *Predictor) PredictSequences(ctx context.Context, seqs []searchspace.Sequence) ([]float64, error) {
	return p.predictSlice(ctx, len(seqs), func(c *chunk, lo, hi int) { c.seqs = seqs[lo:hi] })
}

// predictSlice predicts n architectures that set fills into chunks by
// index range, collecting the scores.
func (p *Predictor) predictSlice(ctx context.Context, n int, set func(c *chunk, lo, hi int)) ([]float64, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := p.beginReading(); err != nil {
		return nil, err
	}
	defer p.endReading()
	if !p.trained {
		return nil, ErrNotTrained
	}
	out := make([]float64, n)
	// Small pools are split over the workers; large ones go a batch at a
	// time.
	size := min(p.opts.PredictBatch, max(1, (n+p.workers()-1)/p.workers()))
	next := 0
	fill := func(c *chunk) bool {
		if next >= n {
			return false
		}
		hi := min(next+size, n)
		c.start = next
		set(c, next, hi)
		next = hi
		return true
	}
	err := p.pipeline(ctx, fill, func(c *chunk) bool {
		copy(out[c.start:], c.scores)
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scorer is one worker's prediction kernel: the encoder (encoding.Forward)
// and the head without a graph, with buffers reused from batch to batch.
// Its results equal those of the model's graph bit for bit
// (TestKernelMatchesGraph).
type scorer struct {
	fwd  *encoding.Forward
	head scoreHead
	seqs []searchspace.Sequence
	h    []float64
}

// takeScorer returns an idle scorer with the predictor's weights, making one
// if none is idle. Training empties the pool (beginTraining), so pooled
// scorers always hold the current weights.
func (p *Predictor) takeScorer() (s *scorer, err error) {
	p.poolMu.Lock()
	if n := len(p.pool); n > 0 {
		s, p.pool = p.pool[n-1], p.pool[:n-1]
	}
	p.poolMu.Unlock()
	if s != nil {
		return s, nil
	}
	defer gx.Recover(&err, "hypernas", "loading the prediction kernel")
	fwd, err := encoding.NewForward(p.params, p.encConfig())
	if err != nil {
		return nil, err
	}
	head, err := newHead(p.params, p.opts.Hidden, p.opts.HeadHidden)
	if err != nil {
		return nil, err
	}
	return &scorer{fwd: fwd, head: head}, nil
}

func (p *Predictor) putScorer(s *scorer) {
	p.poolMu.Lock()
	defer p.poolMu.Unlock()
	if len(p.pool) < p.workers() {
		p.pool = append(p.pool, s)
	}
}

// dropScorers empties the pool: the weights are about to change.
func (p *Predictor) dropScorers() {
	p.poolMu.Lock()
	p.pool = nil
	p.poolMu.Unlock()
}

// score encodes c's architectures (unless c holds sequences), predicts them
// and writes c.scores on the labels' scale.
func (p *Predictor) score(s *scorer, c *chunk) (err error) {
	seqs := c.seqs
	if seqs == nil {
		s.seqs = s.seqs[:0]
		for i, a := range c.archs {
			seq, err := p.Encode(a)
			if err != nil {
				return fmt.Errorf("hypernas: architecture %d: %w", c.start+i, err)
			}
			s.seqs = append(s.seqs, seq)
		}
		seqs = s.seqs
	} else {
		for i, seq := range seqs {
			if err := p.checkSequence(seq); err != nil {
				return fmt.Errorf("hypernas: architecture %d: %w", c.start+i, err)
			}
		}
	}
	defer gx.Recoverf(&err, "hypernas", "predicting architectures %d to %d", c.start, c.start+len(seqs)-1)
	s.h = gx.Grow(s.h, len(seqs)*p.opts.Hidden)
	if err := s.fwd.Embed(seqs, s.h); err != nil {
		return fmt.Errorf("hypernas: architectures %d to %d: %w", c.start, c.start+len(seqs)-1, err)
	}
	c.scores = gx.Grow(c.scores, len(seqs))
	s.head.scores(s.h, c.scores)
	for i, v := range c.scores {
		c.scores[i] = p.mean + p.std*v
	}
	clear(s.seqs) // let the encodings go
	return nil
}
