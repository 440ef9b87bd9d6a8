package hypernas

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/hypernas/go-hypernas/internal/gx"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/loss"
	"github.com/hypernas/go-hypernas/searchspace"
	G "gorgonia.org/gorgonia"
)

// Trainer is the training loop of Fit taken one step at a time, for custom
// loops, step-level monitoring and benchmarks: Fit is NewTrainer, Epochs ×
// StepsPerEpoch calls of Step, and Close. It trains the predictor's weights
// in place; while it is open the predictor is training (see Predictor), so
// close it, also after an error.
type Trainer struct {
	p     *Predictor
	o     Options
	t     *trainer
	rep   *TrainReport
	start time.Time
	mean  float64
	std   float64
	// The position in the current epoch and that epoch's loss sums.
	epoch, pos  int
	sum, auxSum float64
	done        bool
}

// NewTrainer prepares training on labelled architectures as Fit does (with
// the same per-call opts), runs the auxiliary warm-up when one is set
// (WithAuxWarmup), and builds the training graph.
func (p *Predictor) NewTrainer(ctx context.Context, archs []searchspace.Arch, labels []float64, opts ...Option) (_ *Trainer, err error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", ErrBadOption)
	}
	o, err := p.callOptions(opts)
	if err != nil {
		return nil, err
	}
	if err := checkLabels(len(archs), len(labels), labels); err != nil {
		return nil, err
	}
	if err := p.beginTraining(); err != nil {
		return nil, err
	}
	tr := &Trainer{p: p, o: o, start: time.Now()}
	defer func() {
		if err != nil {
			tr.release()
		}
	}()
	seqs, err := p.EncodeAll(ctx, archs)
	if err != nil {
		return nil, err
	}
	y, mean, std, err := trainingTargets(o, labels)
	if err != nil {
		return nil, err
	}
	tr.mean, tr.std = mean, std
	tr.rep = &TrainReport{Epochs: o.Epochs, LabelMean: mean, LabelStd: std}
	if o.Aux != nil && o.AuxWarmup > 0 {
		if tr.rep.WarmupLosses, err = p.warmupAux(ctx, o); err != nil {
			return nil, err
		}
	}
	if tr.t, err = p.newTrainer(o, seqs, y); err != nil {
		return nil, err
	}
	// The auxiliary task's data iterator goes on from where the warm-up
	// left it.
	tr.t.steps = o.AuxWarmup
	return tr, nil
}

// StepsPerEpoch is the number of steps of one pass over the training set.
func (tr *Trainer) StepsPerEpoch() int { return tr.t.stepsPerEpoch }

// Step trains on the next batch (the training set is reshuffled at the
// start of every epoch) and returns its prediction and auxiliary losses.
func (tr *Trainer) Step() (predLoss, auxLoss float64, err error) {
	if tr.done {
		return 0, 0, errors.New("hypernas: Step on a closed Trainer")
	}
	defer gx.Recover(&err, "hypernas", "training")
	t := tr.t
	if tr.pos == 0 {
		t.shuffle()
	}
	c, a, err := t.step(tr.pos)
	if err != nil {
		return 0, 0, fmt.Errorf("hypernas: epoch %d: %w", tr.epoch, err)
	}
	tr.sum, tr.auxSum = tr.sum+c, tr.auxSum+a
	tr.rep.Steps++
	if tr.pos++; tr.pos == t.stepsPerEpoch {
		if err := tr.endEpoch(); err != nil {
			return c, a, err
		}
	}
	return c, a, nil
}

// endEpoch records the epoch's mean losses.
func (tr *Trainer) endEpoch() error {
	t, rep := tr.t, tr.rep
	tr.p.params.FlushDenormals()
	n := float64(t.stepsPerEpoch)
	rep.Losses = append(rep.Losses, tr.sum/n)
	if t.aux != nil {
		rep.AuxLosses = append(rep.AuxLosses, tr.auxSum/n)
		if err := rep.Pareto.Add(tr.epoch, tr.sum/n, tr.auxSum/n); err != nil {
			return err
		}
		rep.TaskWeights = t.aux.weighting.Weights()
	}
	if tr.o.Progress != nil {
		tr.o.Progress(tr.epoch, tr.sum/n)
	}
	tr.epoch, tr.pos, tr.sum, tr.auxSum = tr.epoch+1, 0, 0, 0
	return nil
}

// Close ends training: the predictor takes the trained weights and the
// labels' scale, and can predict again. It returns the training report.
func (tr *Trainer) Close() (*TrainReport, error) {
	if tr.done {
		return tr.rep, errors.New("hypernas: Trainer closed twice")
	}
	tr.p.mean, tr.p.std, tr.p.trained = tr.mean, tr.std, true
	tr.rep.Duration = time.Since(tr.start)
	tr.release()
	return tr.rep, nil
}

// release frees the graph and ends the predictor's training state; Close
// and failed Fits call it, and further calls do nothing.
func (tr *Trainer) release() {
	if tr.done {
		return
	}
	tr.done = true
	if tr.t != nil {
		tr.t.close()
	}
	tr.p.endTraining()
}

// trainer is one compiled training graph over a fixed training set: the
// model, the prediction loss, the optional auxiliary task and the optimiser.
type trainer struct {
	p             *Predictor
	o             Options
	seqs          []searchspace.Sequence
	y             []float64 // normalised labels
	m             *graphModel
	pl            *predLoss
	aux           *auxParts
	vm            G.VM
	upd           *updater
	batch         *encoding.Batch
	rng           *rand.Rand
	perm          []int
	bseqs         []searchspace.Sequence
	by, dropBuf   []float64
	B             int
	stepsPerEpoch int
	steps         int
	// With Options.AuxSampled: the auxiliary task's encoder, its batch of
	// sampled architectures and the generator that draws them.
	auxEnc   *encoding.Encoder
	auxBatch *encoding.Batch
	auxSeqs  []searchspace.Sequence
	auxRng   *rand.Rand
}

func (p *Predictor) newTrainer(o Options, seqs []searchspace.Sequence, y []float64) (t *trainer, err error) {
	defer gx.Recover(&err, "hypernas", "building the training graph")
	B := min(o.BatchSize, len(seqs))
	m, err := buildModel(p.params, p.encConfig(), o.HeadHidden, B, o.Dropout)
	if err != nil {
		return nil, err
	}
	pl, err := newPredLoss(m, o)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x7a1))
	cost, learnables := pl.cost, m.learnables
	var auxLearnables G.Nodes
	// With AuxSampled the auxiliary task reads a second encoder, in the
	// same graph and on the same weights, fed with sampled architectures.
	auxEnc := m.enc
	if o.Aux != nil && o.AuxSampled {
		if auxEnc, err = encoding.NewEncoderNamed(m.g, p.params, p.encConfig(), B, "aux_"); err != nil {
			return nil, err
		}
	}
	aux, err := buildAux(o, m.g, auxEnc, p.params, pl.cost, rng)
	if err != nil {
		return nil, err
	}
	if aux != nil {
		cost = aux.total
		learnables = append(append(G.Nodes(nil), learnables...), aux.weighting.Params()...)
		auxLearnables = aux.graph.Learnables()
	}
	vm, err := compile(m.g, cost, append(append(G.Nodes(nil), learnables...), auxLearnables...))
	if err != nil {
		return nil, err
	}
	batch, err := encoding.NewBatch(p.shape, B)
	if err != nil {
		return nil, err
	}
	t = &trainer{p: p, o: o, seqs: seqs, y: y, m: m, pl: pl, aux: aux, vm: vm, upd: newUpdater(o, learnables, auxLearnables),
		batch: batch, rng: rng,
		perm: make([]int, len(seqs)), bseqs: make([]searchspace.Sequence, B), by: make([]float64, B),
		B: B, stepsPerEpoch: (len(seqs) + B - 1) / B}
	for i := range t.perm {
		t.perm[i] = i
	}
	if auxEnc != m.enc {
		if t.auxBatch, err = encoding.NewBatch(p.shape, B); err != nil {
			return nil, err
		}
		t.auxEnc = auxEnc
		t.auxSeqs = make([]searchspace.Sequence, B)
		t.auxRng = rand.New(rand.NewPCG(o.Seed, 0xa5a))
	}
	return t, nil
}

func (t *trainer) close() { t.vm.Close() }

func (t *trainer) shuffle() {
	t.rng.Shuffle(len(t.perm), func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
}

// step runs batch s of the current permutation forward and backward and
// updates the weights; it returns the prediction and auxiliary losses.
func (t *trainer) step(s int) (predLoss, auxLoss float64, err error) {
	defer gx.Recover(&err, "hypernas", "a training step")
	// The last batch is topped up from the start of the permutation, so
	// every step has the graph's fixed batch size.
	for k := 0; k < t.B; k++ {
		idx := t.perm[(s*t.B+k)%len(t.perm)]
		t.bseqs[k], t.by[k] = t.seqs[idx], t.y[idx]
	}
	if err := t.batch.Pack(t.bseqs); err != nil {
		return 0, 0, err
	}
	if err := t.m.enc.Bind(t.batch); err != nil {
		return 0, 0, err
	}
	if err := t.pl.bind(t.by); err != nil {
		return 0, 0, err
	}
	if err := t.m.setDropout(t.rng, t.o.Dropout, t.dropBuf); err != nil {
		return 0, 0, err
	}
	if t.aux != nil {
		auxSeqs, err := t.auxArchs()
		if err != nil {
			return 0, 0, fmt.Errorf("hypernas: auxiliary task at step %d: %w", s, err)
		}
		if err := t.aux.graph.Bind(t.steps, auxSeqs); err != nil {
			return 0, 0, fmt.Errorf("hypernas: auxiliary task at step %d: %w", s, err)
		}
	}
	defer t.vm.Reset()
	if err := t.vm.RunAll(); err != nil {
		return 0, 0, fmt.Errorf("hypernas: step %d: %w", s, err)
	}
	predLoss = scalarOf(t.pl.val)
	if math.IsNaN(predLoss) || math.IsInf(predLoss, 0) {
		return 0, 0, fmt.Errorf("%w at step %d (loss %v): lower the learning rate or check the labels", ErrNonFinite, s, predLoss)
	}
	if t.aux != nil {
		auxLoss = scalarOf(t.aux.auxVal)
		if math.IsNaN(auxLoss) || math.IsInf(auxLoss, 0) {
			return 0, 0, fmt.Errorf("%w at step %d (auxiliary loss %v)", ErrNonFinite, s, auxLoss)
		}
	}
	if err := t.upd.step(); err != nil {
		return 0, 0, err
	}
	t.steps++
	return predLoss, auxLoss, nil
}

// auxArchs returns the architectures of this step's auxiliary task: the
// labelled batch, or with AuxSampled a fresh sample bound to the auxiliary
// encoder.
func (t *trainer) auxArchs() ([]searchspace.Sequence, error) {
	if t.auxEnc == nil {
		return t.bseqs, nil
	}
	for k := range t.auxSeqs {
		a := t.p.space.Sample(t.auxRng)
		seq, err := t.p.Encode(a)
		if err != nil {
			return nil, fmt.Errorf("sampled architecture: %w", err)
		}
		t.auxSeqs[k] = seq
	}
	if err := t.auxBatch.Pack(t.auxSeqs); err != nil {
		return nil, err
	}
	if err := t.auxEnc.Bind(t.auxBatch); err != nil {
		return nil, err
	}
	return t.auxSeqs, nil
}

// compile differentiates cost with respect to learnables, checks the graph
// for hash collisions and compiles a tape machine for it.
func compile(g *G.ExprGraph, cost *G.Node, learnables G.Nodes) (G.VM, error) {
	if _, err := G.Grad(cost, learnables...); err != nil {
		return nil, fmt.Errorf("hypernas: gradient: %w", err)
	}
	if err := gx.CheckHashes(g); err != nil {
		return nil, err
	}
	return G.NewTapeMachine(g, G.BindDualValues(learnables...)), nil
}

// updater is Adam over the learnables of a training graph in two groups:
// the predictor's own (encoder, head, multi-task weights) at
// Options.LearningRate, and the auxiliary task's (hypernetwork, target
// network) at Options.AuxLearningRate when that is set. Each group has its
// own Adam state.
type updater struct {
	solvers []G.Solver
	groups  [][]G.ValueGrad
}

func newUpdater(o Options, main, aux G.Nodes) *updater {
	solver := func(lr float64) G.Solver {
		sopts := []G.SolverOpt{G.WithLearnRate(lr)}
		if o.WeightDecay > 0 {
			sopts = append(sopts, G.WithL2Reg(o.WeightDecay))
		}
		if o.ClipValue > 0 {
			sopts = append(sopts, G.WithClip(o.ClipValue))
		}
		return G.NewAdamSolver(sopts...)
	}
	if o.AuxLearningRate <= 0 || len(aux) == 0 {
		all := append(append(G.Nodes(nil), main...), aux...)
		return &updater{solvers: []G.Solver{solver(o.LearningRate)}, groups: [][]G.ValueGrad{G.NodesToValueGrads(all)}}
	}
	return &updater{solvers: []G.Solver{solver(o.LearningRate), solver(o.AuxLearningRate)},
		groups: [][]G.ValueGrad{G.NodesToValueGrads(main), G.NodesToValueGrads(aux)}}
}

// step applies one update from the gradients of the last run.
func (u *updater) step() error {
	for i, s := range u.solvers {
		if err := s.Step(u.groups[i]); err != nil {
			return err
		}
	}
	return nil
}

// predLoss is the prediction loss of a training graph (loss.PredLoss) and
// a reader of its value.
type predLoss struct {
	*loss.PredLoss
	cost *G.Node
	val  G.Value
}

func newPredLoss(m *graphModel, o Options) (*predLoss, error) {
	pl, err := loss.NewPredLoss(o.Loss, m.pred, loss.WithHingeMargin(o.HingeMargin))
	if err != nil {
		return nil, err
	}
	l := &predLoss{PredLoss: pl, cost: pl.Loss}
	G.Read(l.cost, &l.val)
	return l, nil
}

func (l *predLoss) bind(y []float64) error { return l.Bind(y) }

// scalarOf is the value of a scalar node's value (NaN for none).
func scalarOf(v G.Value) float64 {
	if v == nil {
		return math.NaN()
	}
	f, ok := gx.ToFloat64(v.Data())
	if !ok {
		return math.NaN()
	}
	return f
}
