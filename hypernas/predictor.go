package hypernas

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/loss"
	"github.com/hypernas/go-hypernas/searchspace"
)

// Sentinel errors.
var (
	// ErrBadOption reports an option value out of range.
	ErrBadOption = errors.New("hypernas: bad option")
	// ErrNotTrained reports a prediction from a predictor without weights.
	ErrNotTrained = errors.New("hypernas: predictor is not trained")
	// ErrNonFinite reports a NaN or Inf loss during training.
	ErrNonFinite = errors.New("hypernas: non-finite loss")
	// ErrBadLabels reports training labels that cannot be used.
	ErrBadLabels = errors.New("hypernas: bad training labels")
	// ErrBusy reports a call that would overlap training with another use
	// of the same predictor (see Predictor).
	ErrBusy = errors.New("hypernas: predictor is busy")
)

// Predictor is the HyperNAS performance predictor: the global-encoding GCN
// and an MLP head, ŷ = MLP(h) with h = mean_i z^i over the units of the
// architecture (HyperNAS, Lv et al., CVPR 2026: the global encoding). Train it with Fit,
// rank architectures with Predict, keep it with Save and Load.
//
// Concurrency: every method is safe to call from several goroutines.
// Predict, PredictStream (until its loop ends), PredictSequences, Encode,
// EncodeAll, Save and the accessors run concurrently with each other. Training is exclusive: Fit (and an open
// Trainer) fails with ErrBusy while a prediction, a Save or another
// training of the same predictor is running, and those fail with ErrBusy
// while it trains. A predictor never waits for another call, so no
// combination of calls can deadlock.
type Predictor struct {
	space  searchspace.SearchSpace
	opts   Options
	shape  encoding.Shape
	params *encoding.Params

	// mean, std map the model's output back to the labels' scale: y =
	// mean + std·ŷ. Written only while training (state excludes readers).
	mean, std float64
	trained   bool

	stateMu    sync.Mutex
	training   bool
	predicting int

	poolMu sync.Mutex
	pool   []*scorer // idle prediction kernels
}

// NewPredictor returns an untrained predictor for a space. It encodes a few
// sampled architectures of the space to check the space's declarations
// (MaxNodes, NumFeatures, MaxUnits …), so that a mistake in a custom space
// is reported here, with the architecture that shows it.
func NewPredictor(space searchspace.SearchSpace, opts ...Option) (p *Predictor, err error) {
	o := Defaults()
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	if space == nil {
		return nil, fmt.Errorf("%w: nil search space", ErrBadOption)
	}
	defer gx.Recover(&err, "hypernas", "checking the search space")
	shape, err := encoding.ShapeOf(space, o.Encoding == Global)
	if err != nil {
		return nil, err
	}
	params, err := encoding.NewParams(o.DType)
	if err != nil {
		return nil, err
	}
	p = &Predictor{space: space, opts: o, shape: shape, params: params, std: 1}
	if err := p.checkSpace(); err != nil {
		return nil, err
	}
	rng := newSeedRand(o.Seed)
	if err := encoding.InitParams(params, p.encConfig(), rng); err != nil {
		return nil, err
	}
	if err := initHead(params, o.Hidden, o.HeadHidden, rng); err != nil {
		return nil, err
	}
	return p, nil
}

// spaceProbes is the number of sampled architectures NewPredictor encodes
// to check a space.
const spaceProbes = 8

// checkSpace encodes a few architectures sampled with a fixed seed of
// their own (the predictor's random streams are untouched) and packs them
// into a batch: what training would do with them.
func (p *Predictor) checkSpace() error {
	rng := rand.New(rand.NewPCG(0x5ace, 0xc4ec))
	seqs := make([]searchspace.Sequence, spaceProbes)
	archs := make([]searchspace.Arch, spaceProbes)
	for i := range seqs {
		a := p.space.Sample(rng)
		archs[i] = a
		if a == nil {
			return fmt.Errorf("%w: space %s: Sample returned nil", searchspace.ErrInvalidArch, p.space.Name())
		}
		seq, err := p.Encode(a)
		if err != nil {
			return fmt.Errorf("hypernas: space %s: %w", p.space.Name(), err)
		}
		seqs[i] = seq
	}
	b, err := encoding.NewBatch(p.shape, len(seqs))
	if err != nil {
		return err
	}
	for i, seq := range seqs {
		if err := b.Set(i, seq); err != nil {
			return fmt.Errorf("hypernas: space %s: sampled architecture %s: %w", p.space.Name(), archString(archs[i]), err)
		}
	}
	return nil
}

// Options returns the predictor's options.
func (p *Predictor) Options() Options { return p.opts }

// Space returns the predictor's search space.
func (p *Predictor) Space() searchspace.SearchSpace { return p.space }

// Params returns a copy of the learnable parameters: the encoder's, the
// head's and, after training with an auxiliary task, the task's.
func (p *Predictor) Params() (*encoding.Params, error) {
	if err := p.beginReading(); err != nil {
		return nil, err
	}
	defer p.endReading()
	return p.params.Clone(), nil
}

// EncoderConfig is the configuration of the predictor's encoder (the shape
// of its encodings, hidden size and layers), for building graphs on its
// parameters (an auxiliary task's tools).
func (p *Predictor) EncoderConfig() encoding.Config { return p.encConfig() }

func (p *Predictor) encConfig() encoding.Config {
	return encoding.Config{Shape: p.shape, Hidden: p.opts.Hidden, Layers: p.opts.Layers}
}

// Encode returns the sequence the predictor feeds to the GCN for a: the
// global encoding, or the single cell as a one-unit sequence. The encoding
// is checked against the space's declarations; errors name the
// architecture.
func (p *Predictor) Encode(a searchspace.Arch) (_ searchspace.Sequence, err error) {
	defer gx.Recoverf(&err, "hypernas", "encoding architecture %v", archText{a}) // formatted only on a panic
	if a == nil {
		return nil, fmt.Errorf("%w: nil architecture", searchspace.ErrInvalidArch)
	}
	var seq searchspace.Sequence
	if p.opts.Encoding == SingleCell {
		g, err := p.space.EncodeCell(a)
		if err != nil {
			return nil, fmt.Errorf("architecture %s: %w", archString(a), err)
		}
		seq = searchspace.Sequence{g}
	} else if seq, err = p.space.Encode(a); err != nil {
		return nil, fmt.Errorf("architecture %s: %w", archString(a), err)
	}
	if err := p.checkSequence(seq); err != nil {
		return nil, fmt.Errorf("architecture %s: %w", archString(a), err)
	}
	return seq, nil
}

// archText prints as archString(a).
type archText struct{ a searchspace.Arch }

func (t archText) String() string { return archString(t.a) }

// archString is a's text form for errors; a String method that panics (a
// nil pointer in a custom Arch) must not turn an error into a panic.
func archString(a searchspace.Arch) (s string) {
	if a == nil {
		return "<nil>"
	}
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("%T (String panicked)", a)
		}
	}()
	return fmt.Sprintf("%q", a.String())
}

// checkSequence checks an encoding against the shape the predictor's graphs
// have, which the space's declarations fix.
func (p *Predictor) checkSequence(seq searchspace.Sequence) error {
	if len(seq) == 0 {
		return fmt.Errorf("%w: the encoding has no units", searchspace.ErrInvalidArch)
	}
	if len(seq) > p.shape.Units {
		if p.opts.Encoding == Global {
			if _, ok := p.space.(searchspace.VariableDepth); ok {
				return fmt.Errorf("%w: the encoding has %d units, more than the space's MaxUnits (%d)", searchspace.ErrInvalidArch, len(seq), p.shape.Units)
			}
			return fmt.Errorf("%w: the encoding has %d units where other architectures of the space have %d; a space whose networks differ in depth must implement searchspace.VariableDepth (MaxUnits)", searchspace.ErrInvalidArch, len(seq), p.shape.Units)
		}
		return fmt.Errorf("%w: the single-cell encoding has %d units", searchspace.ErrInvalidArch, len(seq))
	}
	if p.opts.Encoding == SingleCell {
		return searchspace.ValidateCell(p.space, seq[0])
	}
	return searchspace.ValidateSequence(p.space, seq)
}

// EncodeAll encodes many architectures, in parallel; it stops early when
// ctx is cancelled.
func (p *Predictor) EncodeAll(ctx context.Context, archs []searchspace.Arch) ([]searchspace.Sequence, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	seqs := make([]searchspace.Sequence, len(archs))
	errs := make([]error, len(archs))
	parallelFor(len(archs), p.workers(), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if i%1024 == 0 && ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			seqs[i], errs[i] = p.Encode(archs[i])
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("hypernas: architecture %d: %w", i, err)
		}
	}
	return seqs, nil
}

func (p *Predictor) workers() int {
	if p.opts.Workers > 0 {
		return p.opts.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// beginTraining marks the predictor as training, or reports ErrBusy.
func (p *Predictor) beginTraining() error {
	p.stateMu.Lock()
	defer p.stateMu.Unlock()
	switch {
	case p.training:
		return fmt.Errorf("%w: it is already training (Fit or a Trainer)", ErrBusy)
	case p.predicting > 0:
		return fmt.Errorf("%w: %d predictions or saves are running; train after they return", ErrBusy, p.predicting)
	}
	p.training = true
	p.dropScorers() // they hold copies of the weights training changes
	return nil
}

func (p *Predictor) endTraining() {
	p.stateMu.Lock()
	p.training = false
	p.stateMu.Unlock()
}

// beginReading registers a call that reads the weights (prediction, Save),
// or reports ErrBusy while the predictor trains.
func (p *Predictor) beginReading() error {
	p.stateMu.Lock()
	defer p.stateMu.Unlock()
	if p.training {
		return fmt.Errorf("%w: it is training; predict after Fit returns", ErrBusy)
	}
	p.predicting++
	return nil
}

func (p *Predictor) endReading() {
	p.stateMu.Lock()
	p.predicting--
	p.stateMu.Unlock()
}

// TrainReport describes one training run.
type TrainReport struct {
	Epochs int
	Steps  int
	Losses []float64 // mean prediction loss per epoch (normalised labels)
	// AuxLosses is the auxiliary task's mean loss per epoch (with WithAux).
	AuxLosses []float64
	// Pareto holds the per-epoch (L_pred, L_aux) pairs and their
	// non-dominated set (with WithAux).
	Pareto loss.ParetoTracker
	// TaskWeights are the multi-task weights of the last step.
	TaskWeights []float64
	// WarmupLosses is the auxiliary loss of the warm-up (WithAuxWarmup),
	// the mean of every block of up to 100 steps.
	WarmupLosses []float64
	Duration     time.Duration
	LabelMean    float64
	LabelStd     float64
}

// Fit trains the predictor on labelled architectures (labels such as
// validation accuracy; larger is better for ranking, but any real target
// works). It can be called again to continue training on new data, from
// the current weights. opts change training settings for this call only
// (WithEpochs, WithLearningRate, WithProgress …); options that would change
// the model itself (hidden size, layers, encoding, dtype) are refused with
// ErrBadOption. When Fit fails (a cancelled ctx, a non-finite loss) the
// weights are those of the last completed step and the predictor predicts
// with the label scale of its previous successful Fit.
func (p *Predictor) Fit(ctx context.Context, archs []searchspace.Arch, labels []float64, opts ...Option) (*TrainReport, error) {
	tr, err := p.NewTrainer(ctx, archs, labels, opts...)
	if err != nil {
		return nil, err
	}
	defer tr.release()
	for epoch := 0; epoch < tr.o.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return tr.rep, err
		}
		for s := 0; s < tr.t.stepsPerEpoch; s++ {
			if _, _, err := tr.Step(); err != nil {
				return tr.rep, err
			}
		}
	}
	return tr.Close()
}

// callOptions applies per-call options to a copy of the predictor's and
// refuses those that would change the model.
func (p *Predictor) callOptions(opts []Option) (Options, error) {
	o := p.opts
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if o.Encoding != p.opts.Encoding || o.Hidden != p.opts.Hidden || o.Layers != p.opts.Layers ||
		o.HeadHidden != p.opts.HeadHidden || o.DType != p.opts.DType {
		return o, fmt.Errorf("%w: encoding, hidden size, layers, head size and dtype are fixed when the predictor is made (NewPredictor); they cannot change per call", ErrBadOption)
	}
	return o, o.validate()
}

// parallelFor splits [0,n) into contiguous chunks over workers goroutines.
func parallelFor(n, workers int, f func(lo, hi int)) {
	if workers <= 1 || n < 2*workers {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(lo, min(lo+chunk, n))
	}
	wg.Wait()
}

func newSeedRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }
