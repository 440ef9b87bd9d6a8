package hypernet

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/hypernas/go-hypernas/encoding"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/internal/gx"
	"github.com/hypernas/go-hypernas/searchspace"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Config is the shape of the hypernetwork and of the target network,
// the narrow, low-resolution proxy of the evaluated network that the
// generated weights are loaded into (the shared hypernetwork of HyperNAS,
// Lv et al., CVPR 2026; the paper does not say how large the target
// network is: the proxy is a choice of this library).
type Config struct {
	// Channels is the width of the target network's stem, and of every
	// layer of a space whose nodes carry no width (the evaluated NB201
	// network has 16, 32, 64 by stage, NB101's 128, 256, 512 by stack; the
	// proxy keeps one width so that each hypernetwork head has one output
	// size). A space that declares a Width feature scales it per node.
	Channels int
	// MaxChannels caps the width of any layer (0: twice Channels): the
	// hypernetwork generates every weight for the widest layer, and a
	// narrower one uses its first channels.
	MaxChannels int
	// ImageSize is the side of the (square) auxiliary images after area
	// down-scaling, a multiple of 4.
	ImageSize int
	// CellsPerStage is how many units of each run of identical
	// consecutive units the target network runs (the cells of an NB201
	// stage or of an NB101 stack, a DARTS network's normal cells between
	// its reductions): the proxy's depth. A larger value than any run runs
	// every unit.
	CellsPerStage int
	// ImagesPerArch is the number of auxiliary images each architecture of
	// a training batch classifies per step.
	ImagesPerArch int
	// Hidden is the width of the hypernetwork's shared hidden layer.
	Hidden int
	// MaxImages limits the auxiliary set to its first images (0: all).
	MaxImages int
	// PatchSize is the patch side of the stem of a space with attention
	// (a ViT's patch embedding); ImageSize must be a multiple of it.
	PatchSize int
	// HeadDim is the width of one attention head of the proxy.
	HeadDim int
	// OpNorm RMS-normalises the output of every convolution (and residual
	// block) per image, where the evaluated networks have batch
	// normalisation after their convolutions (ReLU-conv-BN); without it
	// only each unit's output is normalised.
	OpNorm bool
}

// DefaultConfig is the proxy used when no Option is given: cheap
// enough to add a small fraction to a training step on two CPU cores.
func DefaultConfig() Config {
	return Config{Channels: 8, ImageSize: 8, CellsPerStage: 1, ImagesPerArch: 2, Hidden: 32, PatchSize: 2, HeadDim: 2}
}

func (h Config) maxChannels() int {
	if h.MaxChannels > 0 {
		return h.MaxChannels
	}
	return 2 * h.Channels
}

// Option sets one field of a Config.
type Option func(*Config)

// WithTargetChannels sets the target network's width (Config.Channels).
func WithTargetChannels(c int) Option { return func(h *Config) { h.Channels = c } }

// WithMaxChannels caps the width of any layer of the target network.
func WithMaxChannels(c int) Option { return func(h *Config) { h.MaxChannels = c } }

// WithImageSize sets the side of the auxiliary images.
func WithImageSize(s int) Option { return func(h *Config) { h.ImageSize = s } }

// WithCellsPerStage sets how many units of each run of identical units
// the target network runs (Config.CellsPerStage).
func WithCellsPerStage(n int) Option { return func(h *Config) { h.CellsPerStage = n } }

// WithImagesPerArch sets the images each architecture classifies per step.
func WithImagesPerArch(n int) Option { return func(h *Config) { h.ImagesPerArch = n } }

// WithHidden sets the hypernetwork's hidden width.
func WithHidden(n int) Option { return func(h *Config) { h.Hidden = n } }

// WithMaxImages limits the auxiliary set to its first n images (0: all).
func WithMaxImages(n int) Option { return func(h *Config) { h.MaxImages = n } }

// WithPatchSize sets the patch side of a ViT proxy's stem.
func WithPatchSize(n int) Option { return func(h *Config) { h.PatchSize = n } }

// WithHeadDim sets the width of one attention head of a ViT proxy.
func WithHeadDim(n int) Option { return func(h *Config) { h.HeadDim = n } }

// WithOpNorm sets Config.OpNorm.
func WithOpNorm(on bool) Option { return func(h *Config) { h.OpNorm = on } }

func (h Config) validate() error {
	var bad []string
	check := func(ok bool, msg string, args ...any) {
		if !ok {
			bad = append(bad, fmt.Sprintf(msg, args...))
		}
	}
	check(h.Channels >= 1, "target channels %d < 1", h.Channels)
	check(h.MaxChannels == 0 || h.MaxChannels >= h.Channels, "max channels %d below the target channels %d (0: twice them)", h.MaxChannels, h.Channels)
	check(h.ImageSize >= 4 && h.ImageSize%4 == 0, "image size %d is not a positive multiple of 4", h.ImageSize)
	check(h.CellsPerStage >= 1, "cells per stage %d < 1", h.CellsPerStage)
	check(h.ImagesPerArch >= 1, "images per architecture %d < 1", h.ImagesPerArch)
	check(h.Hidden >= 1, "hypernetwork hidden width %d < 1", h.Hidden)
	check(h.MaxImages >= 0, "max images %d < 0", h.MaxImages)
	check(h.PatchSize >= 1, "patch size %d < 1", h.PatchSize)
	check(h.HeadDim >= 1, "attention head width %d < 1", h.HeadDim)
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
	space  searchspace.SearchSpace
	px     *proxy
}

// New prepares the auxiliary task for a space on an image dataset
// (scaled to the configured size and normalised once, here). The space
// must declare what its operations compute (searchspace.Computable): the
// target network is built from that declaration, each architecture's own
// graph wired per architecture.
func New(space searchspace.SearchSpace, data *auxdata.Dataset, opts ...Option) (*Task, error) {
	cfg := DefaultConfig()
	for _, f := range opts {
		f(&cfg)
	}
	if space == nil || data == nil {
		return nil, fmt.Errorf("%w: hypernet.New needs a space and a dataset", hypernas.ErrBadOption)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	px, err := newProxy(space, cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: hypernet: no target network for space %s: %w", hypernas.ErrBadOption, space.Name(), err)
	}
	if side := max(data.Height, data.Width); cfg.ImageSize > side {
		return nil, fmt.Errorf("%w: image size %d is larger than the dataset's %d", hypernas.ErrBadOption, cfg.ImageSize, side)
	}
	if cfg.MaxImages > 0 {
		if data, err = data.Head(cfg.MaxImages); err != nil {
			return nil, err
		}
	}
	im, err := data.Prepare(cfg.ImageSize)
	if err != nil {
		return nil, err
	}
	return &Task{cfg: cfg, images: im, space: space, px: px}, nil
}

// Name implements AuxTask.
func (t *Task) Name() string { return "hyper" }

// Config returns the task's configuration (the zero Config for a nil Task).
func (t *Task) Config() Config {
	if t == nil {
		return Config{}
	}
	return t.cfg
}

// Images returns the prepared auxiliary images (nil for a nil Task).
func (t *Task) Images() *auxdata.Images {
	if t == nil {
		return nil
	}
	return t.images
}

// Heads lists the names of the hypernetwork's heads, one per weight shape
// of the space's declaration: "conv3x3", "sep5x5", "res3x3", "attention",
// "mlp", "proj1x1" (NAS-Bench-101's input projections) ...
func (t *Task) Heads() []string {
	if t == nil {
		return nil
	}
	var names []string
	for _, h := range t.px.heads {
		names = append(names, h.name)
	}
	return names
}

// initHyper creates the hypernetwork's and the target network's parameters
// (if absent). A head computes w = b + W·t from the shared hidden layer t:
// b starts as an ordinary He-uniform initialisation of every weight matrix
// it generates, so that at the start every architecture gets a working
// network, and W starts small, so that the architecture-dependent part
// grows as training finds it useful.
func (t *Task) initHyper(p *encoding.Params, hidden, inChannels, classes int, rng *rand.Rand) error {
	c, px := t.cfg, t.px
	if _, err := p.Init("hyper/w", tensor.Shape{hidden, c.Hidden}, rng, 0); err != nil {
		return err
	}
	if _, err := p.Init("hyper/b", tensor.Shape{1, c.Hidden}, rng, -1); err != nil {
		return err
	}
	for _, h := range px.heads {
		he := func(s seg) float64 { return math.Sqrt(6 / float64(s.fanIn)) }
		if len(h.segs) == 1 {
			if _, err := p.Init("hyper/"+h.name+"/w", tensor.Shape{c.Hidden, h.size}, rng, 0.5*he(h.segs[0])/math.Sqrt(float64(c.Hidden))); err != nil {
				return err
			}
			if _, err := p.Init("hyper/"+h.name+"/b", tensor.Shape{1, h.size}, rng, he(h.segs[0])); err != nil {
				return err
			}
			continue
		}
		// Several matrices: uniform in [-1, 1], then each matrix's
		// columns scaled by its own fan-in (a new parameter only).
		for _, part := range []struct {
			name  string
			rows  int
			scale func(seg) float64
		}{{"w", c.Hidden, func(s seg) float64 { return 0.5 * he(s) / math.Sqrt(float64(c.Hidden)) }}, {"b", 1, he}} {
			name := "hyper/" + h.name + "/" + part.name
			fresh := p.Get(name) == nil
			v, err := p.Init(name, tensor.Shape{part.rows, h.size}, rng, 1)
			if err != nil {
				return err
			}
			if !fresh {
				continue
			}
			vals := gx.ToFloat64s(v.Data())
			for r := 0; r < part.rows; r++ {
				for i, s := range h.segs {
					o := h.offset(i)
					for j := o; j < o+s.n; j++ {
						vals[r*h.size+j] *= part.scale(s)
					}
				}
			}
			if err := gx.SetFloat64s(v, vals); err != nil {
				return err
			}
		}
	}
	k, _, side := px.stem(c)
	if _, err := p.Init("target/stem", tensor.Shape{k * k * inChannels, c.Channels}, rng, math.Sqrt(6/float64(k*k*inChannels))); err != nil {
		return err
	}
	if px.vit {
		if _, err := p.Init("target/pos", tensor.Shape{1, side * side * c.Channels}, rng, 0.1); err != nil {
			return err
		}
	}
	if _, err := p.Init("target/cls/w", tensor.Shape{px.Cmax, classes}, rng, 0); err != nil {
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

func newHyperNet(g *G.ExprGraph, p *encoding.Params, heads []headSpec, learn *G.Nodes) (h *hyperNet, err error) {
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
// size) matrix per head: w = b_head + W_head·ReLU(W·emb + b). Training
// generates inside the target network instead, only the weights that are
// used.
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

// allEmbeddings concatenates the node embeddings of every unit: (B, U·N, H).
func allEmbeddings(enc *encoding.Encoder) (*G.Node, error) {
	if len(enc.NodeEmb) == 1 {
		return enc.NodeEmb[0], nil
	}
	return G.Concat(1, enc.NodeEmb...)
}

// Build implements AuxTask: hypernetwork → target network → cross-entropy
// on B·ImagesPerArch images per step, every architecture of the batch
// classifying images of its own.
func (t *Task) Build(g *G.ExprGraph, enc *encoding.Encoder, params *encoding.Params, rng *rand.Rand) (_ hypernas.AuxGraph, err error) {
	defer gx.Recover(&err, "hypernet", "building the hypernetwork")
	if t == nil || t.px == nil || g == nil || enc == nil || params == nil || rng == nil {
		return nil, fmt.Errorf("%w: hypernet: Build needs a task made by New, a graph, an encoder, parameters and a random source", hypernas.ErrBadOption)
	}
	want, err := encoding.ShapeOf(t.space, true)
	if err != nil {
		return nil, err
	}
	if enc.Shape != want {
		return nil, fmt.Errorf("%w: the hypernetwork of %s reads the global encoding (%d units of %d nodes, %d node types), the predictor's encoder has %+v",
			hypernas.ErrBadOption, t.space.Name(), want.Units, want.Nodes, want.Vocab, enc.Shape)
	}
	if err := t.initHyper(params, enc.Hidden, t.images.Channels, t.images.Classes, rng); err != nil {
		return nil, err
	}
	c, dt, px := t.cfg, params.DType(), t.px
	B, P, Cin, N, U := enc.Batch, c.ImagesPerArch, t.images.Channels, enc.Nodes, enc.Units
	k, stride, side := px.stem(c)
	it, err := t.images.Iterator(rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())))
	if err != nil {
		return nil, err
	}
	st := &targetState{px: px, B: B, P: P, stem: geo{side, c.Channels}, units: U, nodes: N, embed: enc.Hidden, hidden: c.Hidden}
	hg := &hyperGraph{task: t, st: st, B: B, it: it, k: k, stride: stride,
		planner: planner{px: px, P: P, nodes: N, stem: st.stem, cells: c.CellsPerStage},
		pixels:  make([]float32, B*P*t.images.ImageLen()), labels: make([]int, B*P),
		colBuf: make([]float64, B*P*side*side*k*k*Cin), oneHot: make([]float64, B*P*t.images.Classes)}
	hn, err := newHyperNet(g, params, px.heads, &hg.learnables)
	if err != nil {
		return nil, err
	}
	if hg.stemCol, err = encoding.NewInput(g, dt, "target_stem_col", B*P*side*side, k*k*Cin); err != nil {
		return nil, err
	}
	if hg.target, err = encoding.NewInput(g, dt, "target_labels", B*P, t.images.Classes); err != nil {
		return nil, err
	}
	param := func(name string) *G.Node {
		n, e := params.Node(g, name)
		if e != nil && err == nil {
			err = e
		}
		hg.learnables = append(hg.learnables, n)
		return n
	}
	stem, clsW, clsB := param("target/stem"), param("target/cls/w"), param("target/cls/b")
	var pos *G.Node
	if px.vit {
		pos = param("target/pos")
	}
	if err != nil {
		return nil, err
	}
	// Stem: a 3×3 convolution (a ViT: a patch embedding plus learned
	// position embeddings) of the input images, patches extracted at Bind,
	// shared by all architectures.
	x, err := G.Mul(hg.stemCol.Node, stem)
	if err != nil {
		return nil, err
	}
	if pos != nil {
		if x, err = G.Reshape(x, tensor.Shape{B * P, side * side * c.Channels}); err != nil {
			return nil, err
		}
		if x, err = G.BroadcastAdd(x, pos, nil, []byte{0}); err != nil {
			return nil, err
		}
	}
	if x, err = G.Reshape(x, tensor.Shape{B, P * side * side, c.Channels}); err != nil {
		return nil, err
	}
	// The target network reads every unit's node embeddings and applies
	// the hypernetwork (its shared hidden layer, then the heads) to the
	// nodes that need weights.
	in := append(G.Nodes{x}, enc.NodeEmb...)
	in = append(in, hn.w, hn.b)
	for i := range hn.hw {
		in = append(in, hn.hw[i], hn.hb[i])
	}
	// The target network: ReLU and global average pooling of its last
	// unit come out, a linear classifier and the mean cross-entropy over
	// the B·P images follow.
	if x, err = G.ApplyOp(targetOp{kind: kForward, st: st}, in...); err != nil {
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
	st         *targetState
	planner    planner
	B          int
	k, stride  int // the stem's window
	loss       *G.Node
	learnables G.Nodes
	stemCol    *encoding.Input
	target     *encoding.Input
	it         *auxdata.Iterator
	pixels     []float32
	labels     []int
	colBuf     []float64
	oneHot     []float64
}

func (h *hyperGraph) Loss() *G.Node       { return h.loss }
func (h *hyperGraph) Learnables() G.Nodes { return h.learnables }

// Bind reads the batch's architectures into their target networks and
// draws the next B·P images.
func (h *hyperGraph) Bind(step int, seqs []searchspace.Sequence) error {
	if len(seqs) != h.B {
		return fmt.Errorf("hypernas: %d architectures for a hypernetwork graph of batch %d", len(seqs), h.B)
	}
	plans := make([]*archPlan, len(seqs))
	for b, seq := range seqs {
		var err error
		if plans[b], err = h.planner.plan(seq); err != nil {
			return fmt.Errorf("hypernas: architecture %d: %w", b, err)
		}
	}
	h.st.setPlans(plans)
	if err := h.it.Next(h.pixels, h.labels); err != nil {
		return err
	}
	im := h.task.images
	stemPatches(h.pixels, h.colBuf, len(h.labels), im.Size, im.Channels, h.k, h.stride)
	clear(h.oneHot)
	for i, l := range h.labels {
		h.oneHot[i*im.Classes+l] = 1
	}
	if err := h.stemCol.Set(h.colBuf); err != nil {
		return err
	}
	return h.target.Set(h.oneHot)
}

// stemPatches writes the patch matrix (n·S'·S', k·k·C) of n HWC images of
// side S: a k × k window of stride 1 padded by k/2 (a convolution that
// keeps the side), or of stride k without padding (a patch embedding).
func stemPatches(px []float32, col []float64, n, S, C, k, stride int) {
	pad := 0
	if stride == 1 {
		pad = k / 2
	}
	so, K := S/stride, k*k*C
	for p := 0; p < n; p++ {
		img := px[p*S*S*C : (p+1)*S*S*C]
		for y := 0; y < so; y++ {
			for x := 0; x < so; x++ {
				row := col[((p*so+y)*so+x)*K : ((p*so+y)*so+x+1)*K]
				for dy := 0; dy < k; dy++ {
					for dx := 0; dx < k; dx++ {
						seg := row[(dy*k+dx)*C : (dy*k+dx+1)*C]
						yy, xx := y*stride+dy-pad, x*stride+dx-pad
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

// GeneratedWeight is the weight the hypernetwork generates for one node of
// an architecture.
type GeneratedWeight struct {
	Unit, Node int
	Op         string // the node's op type
	// Head is the hypernetwork head that generated it (see Task.Heads):
	// "conv1x1", "conv3x3" … for a node's own convolution, "proj1x1"
	// (NB101) for the 1×1 projection of the cell's input into the node.
	Head string
	K    int // kernel side (0 for attention and MLP heads)
	// Values is the head's whole output, laid out for the target
	// network's widest layer, C channels (Config.Channels, or for a space
	// that declares widths up to Config's MaxChannels; a narrower layer
	// uses the leading channels):
	// convolution heads (K, K, C_in, C_out), index ((dy·K+dx)·C+c_in)·C+c_out;
	// separable ones a depthwise (K, K, C) then a pointwise (C, C);
	// residual blocks two (K, K, C, C) then a shortcut (C, C); attention
	// the (C, 3·heads·dim) q, k, v matrix then the (heads·dim, C) output;
	// MLPs (C, hidden) then (hidden, C).
	Values []float64
}

// GeneratedWeights runs the encoder and the hypernetwork of a predictor
// trained with this task on one architecture and returns the weights of
// every parameterised node of every unit of its encoding (all units, not
// only those of the proxy), unit by unit and node by node (a node's input
// projection before its own weights), for use as an initialisation of
// the target network.
func (t *Task) GeneratedWeights(p *hypernas.Predictor, a searchspace.Arch) (out []GeneratedWeight, err error) {
	defer gx.Recover(&err, "hypernet", "generating weights")
	if t == nil || t.px == nil {
		return nil, fmt.Errorf("%w: a task made by New", hypernas.ErrBadOption)
	}
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
	emb, err := allEmbeddings(enc)
	if err != nil {
		return nil, err
	}
	U, N := len(enc.NodeEmb), cfg.Nodes
	if emb, err = G.Reshape(emb, tensor.Shape{U * N, cfg.Hidden}); err != nil {
		return nil, err
	}
	hn, err := newHyperNet(g, params, t.px.heads, nil)
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
	_, _, side := t.px.stem(t.cfg)
	ap, err := planner{px: t.px, P: 1, nodes: N, stem: geo{side, t.cfg.Channels}, allRun: true}.plan(seq)
	if err != nil {
		return nil, err
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		return nil, err
	}
	names := p.Space().OpNames()
	for _, u := range ap.uses {
		h := t.px.heads[u.head]
		unit, node := u.row/N, u.row%N
		all := gx.ToFloat64s(vals[u.head].Data())
		row := all[u.row*h.size : (u.row+1)*h.size]
		out = append(out, GeneratedWeight{Unit: unit, Node: node, Op: names[seq[unit].Ops[node]], Head: h.name, K: h.k, Values: row})
	}
	return out, nil
}
