package hypernet

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/internal/gx"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/searchspace"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Config is the shape of the hypernetwork and of the target network,
// the narrow, low-resolution proxy of the evaluated network that the
// generated weights are loaded into (the shared hypernetwork of HyperNAS, Lv et al., CVPR 2026;
// the paper does not say how large the target network is: the proxy is a
// choice of this library).
type Config struct {
	// Channels is the width of every layer of the target network (the
	// evaluated NB201 network has 16, 32, 64 by stage, NB101's 128, 256,
	// 512 by stack; the proxy keeps one width so that each hypernetwork
	// head has one output size).
	Channels int
	// ImageSize is the side of the (square) auxiliary images after area
	// down-scaling; a multiple of 4, since two reductions halve it.
	ImageSize int
	// CellsPerStage is the number of cells per stage (NB101: per stack) of
	// the target network, at most the evaluated network's (NB201 5, NB101
	// 3); the proxy uses the first ones of each stage of the encoding.
	CellsPerStage int
	// ImagesPerArch is the number of auxiliary images each architecture of
	// a training batch classifies per step.
	ImagesPerArch int
	// Hidden is the width of the hypernetwork's shared hidden layer.
	Hidden int
	// MaxImages limits the auxiliary set to its first images (0: all).
	MaxImages int
}

// DefaultConfig is the proxy used when no Option is given: cheap
// enough to add a small fraction to a training step on two CPU cores.
func DefaultConfig() Config {
	return Config{Channels: 8, ImageSize: 8, CellsPerStage: 1, ImagesPerArch: 2, Hidden: 32}
}

// Option sets one field of a Config.
type Option func(*Config)

// WithTargetChannels sets the target network's width.
func WithTargetChannels(c int) Option { return func(h *Config) { h.Channels = c } }

// WithImageSize sets the side of the auxiliary images.
func WithImageSize(s int) Option { return func(h *Config) { h.ImageSize = s } }

// WithCellsPerStage sets the target network's cells per stage.
func WithCellsPerStage(n int) Option { return func(h *Config) { h.CellsPerStage = n } }

// WithImagesPerArch sets the images each architecture classifies per step.
func WithImagesPerArch(n int) Option { return func(h *Config) { h.ImagesPerArch = n } }

// WithHidden sets the hypernetwork's hidden width.
func WithHidden(n int) Option { return func(h *Config) { h.Hidden = n } }

// WithMaxImages limits the auxiliary set to its first n images (0: all).
func WithMaxImages(n int) Option { return func(h *Config) { h.MaxImages = n } }

func (h Config) validate(maxCells int) error {
	var bad []string
	check := func(ok bool, msg string, args ...any) {
		if !ok {
			bad = append(bad, fmt.Sprintf(msg, args...))
		}
	}
	check(h.Channels >= 1, "target channels %d < 1", h.Channels)
	check(h.ImageSize >= 4 && h.ImageSize%4 == 0, "image size %d is not a positive multiple of 4", h.ImageSize)
	check(h.CellsPerStage >= 1 && h.CellsPerStage <= maxCells, "cells per stage %d not in 1…%d", h.CellsPerStage, maxCells)
	check(h.ImagesPerArch >= 1, "images per architecture %d < 1", h.ImagesPerArch)
	check(h.Hidden >= 1, "hypernetwork hidden width %d < 1", h.Hidden)
	check(h.MaxImages >= 0, "max images %d < 0", h.MaxImages)
	if len(bad) > 0 {
		return fmt.Errorf("%w: %s", hypernas.ErrBadOption, strings.Join(bad, "; "))
	}
	return nil
}

// ErrNoHypernetwork reports a predictor whose parameters hold no trained
// hypernetwork.
var ErrNoHypernetwork = errors.New("hypernas: the predictor has no hypernetwork (train it with WithAux(task) first; saved predictors do not keep it)")

// Task is HyperNAS's auxiliary task (Lv et al., CVPR 2026): a hypernetwork
// generates every operation's weights from the operation's GCN node
// embedding, the weights are loaded into a proxy of the encoded
// architecture (the target network), and the target network's
// cross-entropy on an image dataset is L_hyper. Use it with WithAux.
type Task struct {
	cfg    Config
	images *auxdata.Images
	target targetSpec
}

// New prepares the auxiliary task for a space on an image dataset
// (scaled to the configured size and normalised once, here). Supported
// spaces: NAS-Bench-201 and NAS-Bench-101.
func New(space searchspace.SearchSpace, data *auxdata.Dataset, opts ...Option) (*Task, error) {
	cfg := DefaultConfig()
	for _, f := range opts {
		f(&cfg)
	}
	if space == nil || data == nil {
		return nil, fmt.Errorf("%w: hypernet.New needs a space and a dataset", hypernas.ErrBadOption)
	}
	spec, err := targetFor(space)
	if err != nil {
		return nil, err
	}
	if err := cfg.validate(spec.maxCellsPerStage()); err != nil {
		return nil, err
	}
	if side := max(data.Height, data.Width); cfg.ImageSize > side {
		return nil, fmt.Errorf("%w: image size %d is larger than the dataset's %d", hypernas.ErrBadOption, cfg.ImageSize, side)
	}
	if cfg.MaxImages > 0 {
		var err error
		if data, err = data.Head(cfg.MaxImages); err != nil {
			return nil, err
		}
	}
	im, err := data.Prepare(cfg.ImageSize)
	if err != nil {
		return nil, err
	}
	return &Task{cfg: cfg, images: im, target: spec}, nil
}

// Name implements AuxTask.
func (t *Task) Name() string { return "hyper" }

// Config returns the task's configuration.
func (t *Task) Config() Config { return t.cfg }

// Images returns the prepared auxiliary images.
func (t *Task) Images() *auxdata.Images { return t.images }

// initHyper creates the hypernetwork's and the target network's parameters
// (if absent). A head computes w = b + W·t from the shared hidden layer t:
// b starts as an ordinary He-uniform convolution, so that at the start
// every architecture gets a working network, and W starts small, so that
// the architecture-dependent part grows as training finds it useful.
func (t *Task) initHyper(p *encoding.Params, hidden, inChannels, classes int, rng *rand.Rand) error {
	c := t.cfg
	if _, err := p.Init("hyper/w", tensor.Shape{hidden, c.Hidden}, rng, 0); err != nil {
		return err
	}
	if _, err := p.Init("hyper/b", tensor.Shape{1, c.Hidden}, rng, -1); err != nil {
		return err
	}
	for _, h := range t.target.heads() {
		size := h.k * h.k * c.Channels * c.Channels
		he := math.Sqrt(6 / float64(h.k*h.k*c.Channels))
		if _, err := p.Init("hyper/"+h.name+"/w", tensor.Shape{c.Hidden, size}, rng, 0.5*he/math.Sqrt(float64(c.Hidden))); err != nil {
			return err
		}
		if _, err := p.Init("hyper/"+h.name+"/b", tensor.Shape{1, size}, rng, he); err != nil {
			return err
		}
	}
	if _, err := p.Init("target/stem", tensor.Shape{9 * inChannels, c.Channels}, rng, math.Sqrt(6/float64(9*inChannels))); err != nil {
		return err
	}
	if _, err := p.Init("target/cls/w", tensor.Shape{c.Channels, classes}, rng, 0); err != nil {
		return err
	}
	_, err := p.Init("target/cls/b", tensor.Shape{1, classes}, rng, -1)
	return err
}

// hyperNet is the hypernetwork's parameter nodes in one graph.
type hyperNet struct {
	w, b   *G.Node
	hw, hb []*G.Node // per head
}

func newHyperNet(g *G.ExprGraph, p *encoding.Params, heads []hyperHead, learn *G.Nodes) (h *hyperNet, err error) {
	param := func(name string) *G.Node {
		n, e := p.Node(g, name)
		if e != nil && err == nil {
			err = e
		}
		if learn != nil {
			*learn = append(*learn, n)
		}
		return n
	}
	h = &hyperNet{w: param("hyper/w"), b: param("hyper/b")}
	for _, hd := range heads {
		h.hw = append(h.hw, param("hyper/"+hd.name+"/w"))
		h.hb = append(h.hb, param("hyper/"+hd.name+"/b"))
	}
	return h, err
}

// hidden is the shared hidden layer ReLU(W·emb + b) of node embeddings
// emb (R, H).
func (h *hyperNet) hidden(emb *G.Node) (*G.Node, error) {
	x, err := G.Mul(emb, h.w)
	if err != nil {
		return nil, err
	}
	if x, err = G.BroadcastAdd(x, h.b, nil, []byte{0}); err != nil {
		return nil, err
	}
	return G.Rectify(x)
}

// apply maps node embeddings emb (R, H) to generated weights, one (R,
// size) matrix per head: w = b_head + W_head·ReLU(W·emb + b). Training uses
// hyperGen instead, which computes only the weights that are used.
func (h *hyperNet) apply(emb *G.Node) (heads []*G.Node, err error) {
	x, err := h.hidden(emb)
	if err != nil {
		return nil, err
	}
	for i := range h.hw {
		y, err := G.Mul(x, h.hw[i])
		if err != nil {
			return nil, err
		}
		if y, err = G.BroadcastAdd(y, h.hb[i], nil, []byte{0}); err != nil {
			return nil, err
		}
		heads = append(heads, y)
	}
	return heads, nil
}

// Build implements AuxTask: hypernetwork → target network → cross-entropy
// on B·ImagesPerArch images per step, every architecture of the batch
// classifying images of its own.
func (t *Task) Build(g *G.ExprGraph, enc *encoding.Encoder, params *encoding.Params, rng *rand.Rand) (_ hypernas.AuxGraph, err error) {
	defer gx.Recover(&err, "hypernet", "building the hypernetwork")
	if err := t.target.check(enc.Shape); err != nil {
		return nil, err
	}
	if err := t.initHyper(params, enc.Hidden, t.images.Channels, t.images.Classes, rng); err != nil {
		return nil, err
	}
	c, dt := t.cfg, params.DType()
	B, P, S, Cin, N := enc.Batch, c.ImagesPerArch, c.ImageSize, t.images.Channels, enc.Nodes
	units := t.target.units(c.CellsPerStage)
	it, err := t.images.Iterator(rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())))
	if err != nil {
		return nil, err
	}
	hg := &hyperGraph{task: t, units: units, B: B, it: it,
		pixels: make([]float32, B*P*t.images.ImageLen()), labels: make([]int, B*P),
		codeBuf: make([]float64, B*N), colBuf: make([]float64, B*P*S*S*9*Cin),
		oneHot: make([]float64, B*P*t.images.Classes)}
	// Per unit the target network uses: the hypernetwork's hidden layer of
	// its nodes (B, N, hidden) and their op codes; the heads are applied per
	// op (hyperGen) by the target network's builder.
	hn, err := newHyperNet(g, params, t.target.heads(), &hg.learnables)
	if err != nil {
		return nil, err
	}
	tn := targetNet{hn: hn, spec: t.target, cells: c.CellsPerStage}
	wired, _ := t.target.(wiredTarget)
	if wired != nil {
		hg.wired = wired
		hg.adjBuf, hg.flagBuf = make([]float64, B*wired.adjRows(N)*N), make([]float64, B*N)
	}
	for i, u := range units {
		emb, err := G.Reshape(enc.NodeEmb[u], tensor.Shape{B * N, enc.Hidden})
		if err != nil {
			return nil, err
		}
		hid, err := hn.hidden(emb)
		if err != nil {
			return nil, err
		}
		if hid, err = G.Reshape(hid, tensor.Shape{B, N, c.Hidden}); err != nil {
			return nil, err
		}
		codes, err := encoding.NewInput(g, dt, fmt.Sprintf("hyper_codes%d", i), B, N)
		if err != nil {
			return nil, err
		}
		hg.codes = append(hg.codes, codes)
		tn.hidden, tn.codes = append(tn.hidden, hid), append(tn.codes, codes.Node)
		if wired != nil {
			// The unit's wiring, per architecture (see wiredTarget).
			adj, err := encoding.NewInput(g, dt, fmt.Sprintf("hyper_adj%d", i), B, wired.adjRows(N), N)
			if err != nil {
				return nil, err
			}
			flags, err := encoding.NewInput(g, dt, fmt.Sprintf("hyper_proj%d", i), B, N)
			if err != nil {
				return nil, err
			}
			hg.adj, hg.flags = append(hg.adj, adj), append(hg.flags, flags)
			tn.adj, tn.flags = append(tn.adj, adj.Node), append(tn.flags, flags.Node)
		}
	}
	if hg.stemCol, err = encoding.NewInput(g, dt, "target_stem_col", B*P*S*S, 9*Cin); err != nil {
		return nil, err
	}
	if hg.target, err = encoding.NewInput(g, dt, "target_labels", B*P, t.images.Classes); err != nil {
		return nil, err
	}
	target := func(name string) *G.Node {
		n, e := params.Node(g, name)
		if e != nil && err == nil {
			err = e
		}
		hg.learnables = append(hg.learnables, n)
		return n
	}
	stem, clsW, clsB := target("target/stem"), target("target/cls/w"), target("target/cls/b")
	if err != nil {
		return nil, err
	}
	// Stem: an ordinary 3×3 convolution of the input images (patches
	// extracted at Bind), shared by all architectures.
	x, err := G.Mul(hg.stemCol.Node, stem)
	if err != nil {
		return nil, err
	}
	if x, err = G.Reshape(x, tensor.Shape{B, P * S * S, c.Channels}); err != nil {
		return nil, err
	}
	geo := imgGeom{P: P, S: S, C: c.Channels}
	if x, geo, err = t.target.build(tn, x, geo); err != nil {
		return nil, err
	}
	// Classifier: ReLU, global average pooling, a linear layer; mean
	// cross-entropy over the B·P images.
	if x, err = G.Rectify(x); err != nil {
		return nil, err
	}
	if x, err = G.Reshape(x, tensor.Shape{B * P, geo.S * geo.S, geo.C}); err != nil {
		return nil, err
	}
	if x, err = G.Mean(x, 1); err != nil {
		return nil, err
	}
	if x, err = G.Mul(x, clsW); err != nil {
		return nil, err
	}
	if x, err = G.BroadcastAdd(x, clsB, nil, []byte{0}); err != nil {
		return nil, err
	}
	if x, err = G.LogSoftMax(x); err != nil {
		return nil, err
	}
	if x, err = G.HadamardProd(x, hg.target.Node); err != nil {
		return nil, err
	}
	if x, err = G.Sum(x); err != nil {
		return nil, err
	}
	if hg.loss, err = G.Mul(x, gx.Scalar(dt, -1/float64(B*P))); err != nil {
		return nil, err
	}
	return hg, nil
}

// hyperGraph is a Task built into one training graph.
type hyperGraph struct {
	task       *Task
	units      []int
	B          int
	loss       *G.Node
	learnables G.Nodes
	codes      []*encoding.Input // per unit
	stemCol    *encoding.Input
	// For a wiredTarget: its per-unit adjacency and projection flags.
	wired           wiredTarget
	adj, flags      []*encoding.Input
	adjBuf, flagBuf []float64
	target          *encoding.Input
	it              *auxdata.Iterator
	pixels          []float32
	labels          []int
	codeBuf, colBuf []float64
	oneHot          []float64
}

func (h *hyperGraph) Loss() *G.Node       { return h.loss }
func (h *hyperGraph) Learnables() G.Nodes { return h.learnables }

// Bind sets the op types (and, for a wired target, the wiring) of the
// batch's architectures and draws the next B·P images.
func (h *hyperGraph) Bind(step int, seqs []searchspace.Sequence) error {
	if len(seqs) != h.B {
		return fmt.Errorf("hypernas: %d architectures for a hypernetwork graph of batch %d", len(seqs), h.B)
	}
	N := len(h.codeBuf) / h.B
	for i, u := range h.units {
		for b, seq := range seqs {
			if u >= len(seq) {
				return fmt.Errorf("hypernas: architecture %d has %d units, the target network reads unit %d", b, len(seq), u)
			}
			row := h.codeBuf[b*N : (b+1)*N]
			for n := range row {
				row[n] = -1 // padding: no op
				if n < len(seq[u].Ops) {
					row[n] = float64(seq[u].Ops[n])
				}
			}
		}
		if err := h.codes[i].Set(h.codeBuf); err != nil {
			return err
		}
		if h.wired == nil {
			continue
		}
		A := len(h.adjBuf) / h.B
		for b, seq := range seqs {
			if err := h.wired.wire(seq[u], N, h.adjBuf[b*A:(b+1)*A], h.flagBuf[b*N:(b+1)*N]); err != nil {
				return fmt.Errorf("hypernas: architecture %d, unit %d: %w", b, u, err)
			}
		}
		if err := h.adj[i].Set(h.adjBuf); err != nil {
			return err
		}
		if err := h.flags[i].Set(h.flagBuf); err != nil {
			return err
		}
	}
	if err := h.it.Next(h.pixels, h.labels); err != nil {
		return err
	}
	im := h.task.images
	stemPatches(h.pixels, h.colBuf, len(h.labels), im.Size, im.Channels)
	clear(h.oneHot)
	for i, l := range h.labels {
		h.oneHot[i*im.Classes+l] = 1
	}
	if err := h.stemCol.Set(h.colBuf); err != nil {
		return err
	}
	return h.target.Set(h.oneHot)
}

// stemPatches writes the 3×3, padding 1 patch matrix (n·S·S, 9·C) of n HWC
// images.
func stemPatches(px []float32, col []float64, n, S, C int) {
	K := 9 * C
	for p := 0; p < n; p++ {
		img := px[p*S*S*C : (p+1)*S*S*C]
		for y := 0; y < S; y++ {
			for x := 0; x < S; x++ {
				row := col[((p*S+y)*S+x)*K : ((p*S+y)*S+x+1)*K]
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						seg := row[((dy+1)*3+dx+1)*C : ((dy+1)*3+dx+2)*C]
						yy, xx := y+dy, x+dx
						if yy < 0 || yy >= S || xx < 0 || xx >= S {
							clear(seg)
							continue
						}
						for c := range seg {
							seg[c] = float64(img[(yy*S+xx)*C+c])
						}
					}
				}
			}
		}
	}
}

// GeneratedWeight is the convolution weight the hypernetwork generates for
// one op of an architecture.
type GeneratedWeight struct {
	Unit, Node int
	Op         string // the node's op type
	// Head is the hypernetwork head that generated it: "conv1x1" or
	// "conv3x3" for the node's own convolution, "proj1x1" (NB101) for the
	// 1×1 projection of the cell's input into the node.
	Head string
	K    int // kernel side
	// Values are laid out (K, K, C_in, C_out): index ((dy·K+dx)·C_in+c_in)·C_out+c_out.
	Values []float64
}

// GeneratedWeights runs the encoder and the hypernetwork of a predictor
// trained with this task on one architecture and returns the weights of
// every convolution of every unit of its encoding (all units, not only
// those of the proxy), unit by unit and node by node (a node's input
// projection before its own convolution), for use as an initialisation of
// the target network.
func (t *Task) GeneratedWeights(p *hypernas.Predictor, a searchspace.Arch) (out []GeneratedWeight, err error) {
	defer gx.Recover(&err, "hypernet", "generating weights")
	if p == nil {
		return nil, fmt.Errorf("%w: nil predictor", hypernas.ErrBadOption)
	}
	params, err := p.Params()
	if err != nil {
		return nil, err
	}
	if params.Get("hyper/w") == nil {
		return nil, ErrNoHypernetwork
	}
	seq, err := p.Encode(a)
	if err != nil {
		return nil, err
	}
	cfg := p.EncoderConfig()
	g := G.NewGraph()
	enc, err := encoding.NewEncoder(g, params, cfg, 1)
	if err != nil {
		return nil, err
	}
	emb, err := G.Concat(1, enc.NodeEmb...)
	if err != nil {
		return nil, err
	}
	U, N := len(enc.NodeEmb), cfg.Nodes
	if emb, err = G.Reshape(emb, tensor.Shape{U * N, cfg.Hidden}); err != nil {
		return nil, err
	}
	heads := t.target.heads()
	hn, err := newHyperNet(g, params, heads, nil)
	if err != nil {
		return nil, err
	}
	gen, err := hn.apply(emb)
	if err != nil {
		return nil, err
	}
	vals := make([]G.Value, len(gen))
	for i, h := range gen {
		G.Read(h, &vals[i])
	}
	batch, err := encoding.NewBatch(cfg.Shape, 1)
	if err != nil {
		return nil, err
	}
	if err := batch.Pack([]searchspace.Sequence{seq}); err != nil {
		return nil, err
	}
	if err := enc.Bind(batch); err != nil {
		return nil, err
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, err
	}
	names := p.Space().OpNames()
	for u, unit := range seq {
		for n, op := range unit.Ops {
			for _, hi := range t.target.uses(unit, n) {
				all := gx.ToFloat64s(vals[hi].Data())
				size := len(all) / (U * N)
				row := all[(u*N+n)*size : (u*N+n+1)*size]
				out = append(out, GeneratedWeight{Unit: u, Node: n, Op: names[op], Head: heads[hi].name, K: heads[hi].k, Values: row})
			}
		}
	}
	return out, nil
}
