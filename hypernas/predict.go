package hypernas

import (
	"context"
	"fmt"
	"sync"

	"github.com/hypernas/go-hypernas/internal/gx"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/searchspace"
	G "gorgonia.org/gorgonia"
)

// Predict returns the predicted metric of every architecture, in order. It
// stops early, with ctx's error, when ctx is cancelled.
func (p *Predictor) Predict(ctx context.Context, archs []searchspace.Arch) ([]float64, error) {
	if err := p.beginReading(); err != nil {
		return nil, err
	}
	defer p.endReading()
	if !p.trained {
		return nil, ErrNotTrained
	}
	seqs, err := p.EncodeAll(ctx, archs)
	if err != nil {
		return nil, err
	}
	return p.predictSequences(ctx, seqs)
}

// PredictSequences predicts from already encoded architectures (the output
// of EncodeAll), for callers that score the same pool many times.
func (p *Predictor) PredictSequences(ctx context.Context, seqs []searchspace.Sequence) ([]float64, error) {
	if err := p.beginReading(); err != nil {
		return nil, err
	}
	defer p.endReading()
	return p.predictSequences(ctx, seqs)
}

func (p *Predictor) predictSequences(ctx context.Context, seqs []searchspace.Sequence) ([]float64, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if !p.trained {
		return nil, ErrNotTrained
	}
	out := make([]float64, len(seqs))
	if len(seqs) == 0 {
		return out, nil
	}
	// One batch size for every call, so that repeated small calls (a
	// search) reuse the compiled graphs; padding a small call costs less
	// than compiling a graph for it.
	B := p.opts.PredictBatch
	nb := (len(seqs) + B - 1) / B
	workers := min(p.workers(), nb)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	next := make(chan int, nb)
	for i := 0; i < nb; i++ {
		next <- i
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.predictWorker(ctx, seqs, out, B, next); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// predModel is a compiled prediction graph with its own copy of the
// weights (graphs are not safe for concurrent use, and compiling one writes
// to every value it binds). Predictors keep them between calls, since
// compiling costs more than scoring a few thousand architectures.
type predModel struct {
	m      *graphModel
	vm     G.VM
	params *encoding.Params
	batch  *encoding.Batch
}

// takeModel returns an idle prediction graph of batch size B with current
// weights, building one if none is idle.
func (p *Predictor) takeModel(B int) (pm *predModel, err error) {
	p.poolMu.Lock()
	if n := len(p.pool); n > 0 && p.pool[n-1].batch.Size == B {
		pm, p.pool = p.pool[n-1], p.pool[:n-1]
	} else if n > 0 {
		p.pool = nil // another batch size: drop the old graphs
	}
	p.poolMu.Unlock()
	if pm != nil {
		return pm, pm.params.CopyFrom(p.params)
	}
	defer gx.Recover(&err, "hypernas", "building the prediction graph")
	params := p.params.Clone()
	m, err := buildModel(params, p.encConfig(), p.opts.HeadHidden, B, 0)
	if err != nil {
		return nil, err
	}
	if err := gx.CheckHashes(m.g); err != nil {
		return nil, err
	}
	batch, err := encoding.NewBatch(p.shape, B)
	if err != nil {
		return nil, err
	}
	return &predModel{m: m, vm: G.NewTapeMachine(m.g), params: params, batch: batch}, nil
}

func (p *Predictor) putModel(pm *predModel) {
	p.poolMu.Lock()
	defer p.poolMu.Unlock()
	if len(p.pool) < p.workers() {
		p.pool = append(p.pool, pm)
	}
}

// predictWorker scores the batches it takes from next with one prediction
// graph, until next is empty or ctx is cancelled.
func (p *Predictor) predictWorker(ctx context.Context, seqs []searchspace.Sequence, out []float64, B int, next <-chan int) (err error) {
	pm, err := p.takeModel(B)
	if err != nil {
		return err
	}
	defer gx.Recover(&err, "hypernas", "predicting")
	for bi := range next {
		if err := ctx.Err(); err != nil {
			p.putModel(pm)
			return err
		}
		lo, hi := bi*B, min((bi+1)*B, len(seqs))
		if err := pm.batch.Pack(seqs[lo:hi]); err != nil {
			return fmt.Errorf("hypernas: architectures %d..%d: %w", lo, hi-1, err)
		}
		if err := pm.m.enc.Bind(pm.batch); err != nil {
			return err
		}
		err := pm.vm.RunAll()
		pm.vm.Reset()
		if err != nil {
			return err
		}
		pred := gx.ToFloat64s(pm.m.predVal.Data())
		for i := lo; i < hi; i++ {
			out[i] = p.mean + p.std*pred[i-lo]
		}
	}
	p.putModel(pm) // only a graph that ran cleanly goes back
	return nil
}
