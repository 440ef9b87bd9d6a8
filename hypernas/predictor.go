package hypernas

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/loss"
	"github.com/hypernas/go-hypernas/searchspace"
	G "gorgonia.org/gorgonia"
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
)

// Predictor is the HyperNAS performance predictor: the global-encoding GCN
// and an MLP head, ŷ = MLP(h). Train it with Fit, rank architectures with
// Predict, keep it with Save and Load.
type Predictor struct {
	space   searchspace.SearchSpace
	opts    Options
	shape   encoding.Shape
	params  *encoding.Params
	mean    float64 // label normalisation: y = mean + std·ŷ
	std     float64
	trained bool

	poolMu sync.Mutex
	pool   []*predModel // idle prediction graphs
}

// NewPredictor returns an untrained predictor for a space.
func NewPredictor(space searchspace.SearchSpace, opts ...Option) (*Predictor, error) {
	o := Defaults()
	for _, f := range opts {
		f(&o)
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	if space == nil {
		return nil, errors.New("hypernas: nil search space")
	}
	shape, err := encoding.ShapeOf(space, o.Encoding == Global)
	if err != nil {
		return nil, err
	}
	params, err := encoding.NewParams(o.DType)
	if err != nil {
		return nil, err
	}
	p := &Predictor{space: space, opts: o, shape: shape, params: params, std: 1}
	rng := newSeedRand(o.Seed)
	if err := encoding.InitParams(params, p.encConfig(), rng); err != nil {
		return nil, err
	}
	if err := initHead(params, o.Hidden, o.HeadHidden, rng); err != nil {
		return nil, err
	}
	return p, nil
}

// Options returns the predictor's options.
func (p *Predictor) Options() Options { return p.opts }

// Space returns the predictor's search space.
func (p *Predictor) Space() searchspace.SearchSpace { return p.space }

// Params returns the learnable parameters (shared, not a copy).
func (p *Predictor) Params() *encoding.Params { return p.params }

func (p *Predictor) encConfig() encoding.Config {
	return encoding.Config{Shape: p.shape, Hidden: p.opts.Hidden, Layers: p.opts.Layers}
}

// Encode returns the sequence the predictor feeds to the GCN for a: the
// global encoding, or the single cell as a one-unit sequence.
func (p *Predictor) Encode(a searchspace.Arch) (searchspace.Sequence, error) {
	if p.opts.Encoding == SingleCell {
		g, err := p.space.EncodeCell(a)
		if err != nil {
			return nil, err
		}
		return searchspace.Sequence{g}, nil
	}
	return p.space.Encode(a)
}

// EncodeAll encodes many architectures, in parallel.
func (p *Predictor) EncodeAll(archs []searchspace.Arch) ([]searchspace.Sequence, error) {
	seqs := make([]searchspace.Sequence, len(archs))
	errs := make([]error, len(archs))
	parallelFor(len(archs), p.workers(), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			seqs[i], errs[i] = p.Encode(archs[i])
		}
	})
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("hypernas: architecture %d (%v): %w", i, archs[i], err)
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
// works). It can be called again to continue training on new data.
func (p *Predictor) Fit(ctx context.Context, archs []searchspace.Arch, labels []float64) (*TrainReport, error) {
	if len(archs) != len(labels) {
		return nil, fmt.Errorf("%w: %d architectures, %d labels", ErrBadLabels, len(archs), len(labels))
	}
	if len(archs) < 2 {
		return nil, fmt.Errorf("%w: need at least 2 labelled architectures, got %d", ErrBadLabels, len(archs))
	}
	for i, y := range labels {
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return nil, fmt.Errorf("%w: label %d is %v", ErrBadLabels, i, y)
		}
	}
	seqs, err := p.EncodeAll(archs)
	if err != nil {
		return nil, err
	}
	return p.fitSequences(ctx, seqs, labels)
}

// rankGauss maps values to the standard normal quantiles of their ranks,
// Φ⁻¹((r − ½)/n) with r the 1-based rank, ties given their mean rank.
func rankGauss(v []float64) []float64 {
	n := len(v)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	out := make([]float64, n)
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && v[idx[hi]] == v[idx[lo]] {
			hi++
		}
		r := float64(lo+hi+1) / 2 // mean 1-based rank of the tie group
		q := math.Sqrt2 * math.Erfinv(2*(r-0.5)/float64(n)-1)
		for _, i := range idx[lo:hi] {
			out[i] = q
		}
		lo = hi
	}
	return out
}

func (p *Predictor) fitSequences(ctx context.Context, seqs []searchspace.Sequence, labels []float64) (rep *TrainReport, err error) {
	start := time.Now()
	o := p.opts
	p.mean, p.std = 0, 1
	if o.Normalize || o.RankLabels {
		p.mean, p.std = meanStd(labels)
		if p.std == 0 {
			p.std = 1
		}
	}
	var y []float64
	if o.RankLabels {
		y = rankGauss(labels)
	} else {
		y = make([]float64, len(labels))
		for i, v := range labels {
			y[i] = (v - p.mean) / p.std
		}
	}
	rep = &TrainReport{Epochs: o.Epochs, LabelMean: p.mean, LabelStd: p.std}
	if o.Aux != nil && o.AuxWarmup > 0 {
		if rep.WarmupLosses, err = p.warmupAux(ctx); err != nil {
			return rep, err
		}
	}
	t, err := p.newTrainer(seqs, y)
	if err != nil {
		return rep, err
	}
	defer t.close()
	defer recoverTo(&err, "training")
	// The auxiliary task's data iterator goes on from where the warm-up
	// left it.
	t.steps = o.AuxWarmup
	for epoch := 0; epoch < o.Epochs; epoch++ {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		t.shuffle()
		sum, auxSum := 0.0, 0.0
		for s := 0; s < t.stepsPerEpoch; s++ {
			c, a, err := t.step(s)
			if err != nil {
				return rep, fmt.Errorf("hypernas: epoch %d: %w", epoch, err)
			}
			sum, auxSum = sum+c, auxSum+a
			rep.Steps++
		}
		p.params.FlushDenormals()
		n := float64(t.stepsPerEpoch)
		rep.Losses = append(rep.Losses, sum/n)
		if t.aux != nil {
			rep.AuxLosses = append(rep.AuxLosses, auxSum/n)
			if err := rep.Pareto.Add(epoch, sum/n, auxSum/n); err != nil {
				return rep, err
			}
			rep.TaskWeights = t.aux.weighting.Weights()
		}
		if o.Progress != nil {
			o.Progress(epoch, sum/n)
		}
	}
	p.trained = true
	rep.Duration = time.Since(start)
	return rep, nil
}

// trainer is one compiled training graph over a fixed training set: the
// model, the prediction loss, the optional auxiliary task and the optimiser.
type trainer struct {
	p             *Predictor
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

func (p *Predictor) newTrainer(seqs []searchspace.Sequence, y []float64) (t *trainer, err error) {
	defer recoverTo(&err, "building the training graph")
	o := p.opts
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
	vm, err := compile(m.g, cost, append(append(G.Nodes(nil), learnables...), auxLearnables...), o)
	if err != nil {
		return nil, err
	}
	t = &trainer{p: p, seqs: seqs, y: y, m: m, pl: pl, aux: aux, vm: vm, upd: newUpdater(o, learnables, auxLearnables),
		batch: encoding.NewBatch(p.shape, B), rng: rng,
		perm: make([]int, len(seqs)), bseqs: make([]searchspace.Sequence, B), by: make([]float64, B),
		B: B, stepsPerEpoch: (len(seqs) + B - 1) / B}
	for i := range t.perm {
		t.perm[i] = i
	}
	if auxEnc != m.enc {
		t.auxEnc, t.auxBatch = auxEnc, encoding.NewBatch(p.shape, B)
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
	defer recoverTo(&err, "a training step")
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
	if err := t.m.setDropout(t.rng, t.p.opts.Dropout, t.dropBuf); err != nil {
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
			return nil, fmt.Errorf("sampled architecture %v: %w", a, err)
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

// checkHashes returns an error when two distinct nodes of g share a hash.
// Gorgonia v0.9.18's compiler merges nodes by their 32-bit hash alone
// (analysis.go), so such a pair would silently feed one node's value to the
// other's consumers; a rare collision must stop training, not corrupt it.
func checkHashes(g *G.ExprGraph) error {
	seen := make(map[uint32]*G.Node)
	for _, n := range g.AllNodes() {
		h := n.Hashcode()
		if o, ok := seen[h]; ok && o != n {
			return fmt.Errorf("hypernas: graph nodes %v and %v share the hash %#x, which Gorgonia would merge; try another batch size or configuration", o, n, h)
		}
		seen[h] = n
	}
	return nil
}

func compile(g *G.ExprGraph, cost *G.Node, learnables G.Nodes, o Options) (G.VM, error) {
	if _, err := G.Grad(cost, learnables...); err != nil {
		return nil, fmt.Errorf("hypernas: gradient: %w", err)
	}
	if err := checkHashes(g); err != nil {
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
		if o.ClipNorm > 0 {
			sopts = append(sopts, G.WithClip(o.ClipNorm))
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
	pl, err := loss.NewPredLoss(o.Loss, m.pred, loss.WithMargin(o.Margin))
	if err != nil {
		return nil, err
	}
	l := &predLoss{PredLoss: pl, cost: pl.Loss}
	G.Read(l.cost, &l.val)
	return l, nil
}

func (l *predLoss) bind(y []float64) error { return l.Bind(y) }

func scalarOf(v G.Value) float64 {
	if v == nil {
		return math.NaN()
	}
	f := encoding.ToFloat64(v.Data())
	if len(f) == 0 {
		return math.NaN()
	}
	return f[0]
}

func meanStd(x []float64) (float64, float64) {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, math.Sqrt(s / float64(len(x)))
}

// Predict returns the predicted metric of every architecture, in order.
func (p *Predictor) Predict(archs []searchspace.Arch) ([]float64, error) {
	seqs, err := p.EncodeAll(archs)
	if err != nil {
		return nil, err
	}
	return p.PredictSequences(seqs)
}

// PredictSequences predicts from already encoded architectures (the output
// of EncodeAll), for callers that score the same pool many times.
func (p *Predictor) PredictSequences(seqs []searchspace.Sequence) ([]float64, error) {
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
			if err := p.predictWorker(seqs, out, B, next); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return out, firstErr
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
	defer recoverTo(&err, "building the prediction graph")
	params := p.params.Clone()
	m, err := buildModel(params, p.encConfig(), p.opts.HeadHidden, B, 0)
	if err != nil {
		return nil, err
	}
	if err := checkHashes(m.g); err != nil {
		return nil, err
	}
	return &predModel{m: m, vm: G.NewTapeMachine(m.g), params: params, batch: encoding.NewBatch(p.shape, B)}, nil
}

func (p *Predictor) putModel(pm *predModel) {
	p.poolMu.Lock()
	defer p.poolMu.Unlock()
	if len(p.pool) < p.workers() {
		p.pool = append(p.pool, pm)
	}
}

// predictWorker scores the batches it takes from next with one prediction
// graph.
func (p *Predictor) predictWorker(seqs []searchspace.Sequence, out []float64, B int, next <-chan int) (err error) {
	pm, err := p.takeModel(B)
	if err != nil {
		return err
	}
	defer recoverTo(&err, "predicting")
	for bi := range next {
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
		pred := encoding.ToFloat64(pm.m.predVal.Data())
		for i := lo; i < hi; i++ {
			out[i] = p.mean + p.std*pred[i-lo]
		}
	}
	p.putModel(pm) // only a graph that ran cleanly goes back
	return nil
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
