package hypernas

import (
	"context"
	"iter"
	"sync"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Scored is one prediction of PredictStream.
type Scored struct {
	// Index is the architecture's position in the input, from 0.
	Index int
	Arch  searchspace.Arch
	// Score is the predicted metric, as Predict returns it.
	Score float64
}

// PredictStream predicts a stream of architectures of any length — a
// space's enumeration (Archs), a generator, a channel (FromChan) — and
// yields the predictions in input order, as they are ready. Architectures
// are read, encoded and scored a batch (WithPredictBatch) at a time by the
// prediction workers (WithWorkers), with a few batches in flight, so memory
// stays bounded whatever the length of the stream. The input is read a
// batch ahead: a batch is scored once PredictBatch architectures have
// arrived or the input has ended, so a producer that waits for a score
// before sending the next architecture should call Predict instead.
//
// An error — an architecture that cannot be encoded (the error names its
// index), a cancelled ctx, ErrNotTrained, ErrBusy — ends the sequence: it is
// yielded once, with a zero Scored, after the predictions of the batches
// before it. Breaking out of the loop stops the workers. A typical use keeps
// the best candidates of a large space:
//
//	for s, err := range p.PredictStream(ctx, archs) {
//		if err != nil {
//			return err
//		}
//		best.Offer(s.Arch, s.Score)
//	}
//
// The predictor counts as predicting (see Predictor) until the loop ends,
// so the loop's body must not train it.
func (p *Predictor) PredictStream(ctx context.Context, archs iter.Seq[searchspace.Arch]) iter.Seq2[Scored, error] {
	if ctx == nil {
		ctx = context.Background()
	}
	if archs == nil {
		archs = func(func(searchspace.Arch) bool) {}
	}
	return func(yield func(Scored, error) bool) {
		if err := p.beginReading(); err != nil {
			yield(Scored{}, err)
			return
		}
		defer p.endReading()
		if !p.trained {
			yield(Scored{}, ErrNotTrained)
			return
		}
		next, stop := iter.Pull(archs)
		defer stop()
		index := 0
		fill := func(c *chunk) bool {
			c.own = c.own[:0]
			for len(c.own) < p.opts.PredictBatch {
				a, ok := next()
				if !ok {
					break
				}
				c.own = append(c.own, a)
			}
			c.start, c.archs = index, c.own
			index += len(c.own)
			return len(c.own) > 0
		}
		var stopped bool
		err := p.pipeline(ctx, fill, func(c *chunk) bool {
			for i, a := range c.archs {
				if !yield(Scored{Index: c.start + i, Arch: a, Score: c.scores[i]}, nil) {
					stopped = true
					return false
				}
			}
			return true
		})
		if err != nil && !stopped {
			yield(Scored{}, err)
		}
	}
}

// FromChan returns the architectures received from ch, until it is closed,
// as a sequence for PredictStream (a nil ch is an empty sequence).
func FromChan(ch <-chan searchspace.Arch) iter.Seq[searchspace.Arch] {
	return func(yield func(searchspace.Arch) bool) {
		if ch == nil {
			return
		}
		for a := range ch {
			if !yield(a) {
				return
			}
		}
	}
}

// Archs returns the architectures of an iterator over (index,
// architecture) pairs, such as an enumerable space's All, as a sequence for
// PredictStream:
//
//	for s, err := range p.PredictStream(ctx, hypernas.Archs(space.All())) {
func Archs(all iter.Seq2[int, searchspace.Arch]) iter.Seq[searchspace.Arch] {
	return func(yield func(searchspace.Arch) bool) {
		if all == nil {
			return
		}
		for _, a := range all {
			if !yield(a) {
				return
			}
		}
	}
}

// chunk is a batch of architectures on its way through the pipeline.
type chunk struct {
	start  int                    // index of the first architecture
	archs  []searchspace.Arch     // to encode, or nil when seqs are given
	seqs   []searchspace.Sequence // already encoded
	scores []float64
	err    error
	done   chan struct{}      // closed when scores or err are set
	own    []searchspace.Arch // storage for archs read from an iterator
}

// chunksPerWorker bounds the batches in flight: enough that a worker
// finds the next batch ready while the consumer drains an earlier one.
const chunksPerWorker = 2

// pipeline scores the chunks that fill produces (fill sets start and archs
// or seqs, and returns false at the end of the input) on the predictor's
// workers and hands them to emit in order. It stops at the first error,
// when ctx is cancelled, or when emit returns false (then it returns nil).
// Workers stop before pipeline returns. The caller holds beginReading.
func (p *Predictor) pipeline(ctx context.Context, fill func(*chunk) bool, emit func(*chunk) bool) error {
	workers := p.workers()
	depth := chunksPerWorker * workers
	work := make(chan *chunk, depth)
	var wg sync.WaitGroup
	started := 0
	// On the way out: cancel (the workers skip what is queued), then wait
	// for them.
	defer wg.Wait()
	defer close(work)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var free, queue []*chunk
	for eof := false; ; {
		for !eof && len(queue) < depth {
			var c *chunk
			if n := len(free); n > 0 {
				c, free = free[n-1], free[:n-1]
			} else {
				c = new(chunk)
			}
			c.archs, c.seqs, c.err = nil, nil, nil
			if eof = !fill(c); eof {
				free = append(free, c)
				break
			}
			c.done = make(chan struct{})
			if started < workers && started < len(queue)+1 {
				started++
				wg.Add(1)
				go func() {
					defer wg.Done()
					p.predictWorker(ctx, work)
				}()
			}
			queue = append(queue, c)
			work <- c // never blocks: at most depth chunks are queued
		}
		if len(queue) == 0 {
			return nil
		}
		c := queue[0]
		queue = queue[1:]
		select {
		case <-c.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if c.err != nil {
			return c.err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !emit(c) {
			return nil
		}
		free = append(free, c)
	}
}

// predictWorker scores the chunks it receives until work is closed; after
// ctx is cancelled it only marks them cancelled.
func (p *Predictor) predictWorker(ctx context.Context, work <-chan *chunk) {
	var s *scorer
	for c := range work {
		c.err = ctx.Err()
		if c.err == nil && s == nil {
			s, c.err = p.takeScorer()
		}
		if c.err == nil {
			c.err = p.score(s, c)
		}
		close(c.done)
	}
	if s != nil {
		p.putScorer(s)
	}
}
