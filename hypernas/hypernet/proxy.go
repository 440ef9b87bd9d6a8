package hypernet

import (
	"fmt"
	"math"
	"slices"

	"github.com/hypernas/go-hypernas/searchspace"
)

// The target network of any space that declares its primitives
// (searchspace.Computable): proxy resolves the declaration into the
// hypernetwork's heads and the target network's widths once, and plan
// reads one architecture's encoding into the network that the engine runs
// (the units it runs, each node's op, geometry and generated weights).

// headKind is the layout of one hypernetwork head's output.
type headKind uint8

const (
	hConv      headKind = iota // (k, k, C, C)
	hSep                       // depthwise (k, k, C), then pointwise (C, C)
	hRes                       // two (k, k, C, C) convolutions, a (C, C) shortcut
	hAttention                 // q, k, v (C, 3·heads·hd), output (heads·hd, C)
	hMLP                       // (C, hidden), (hidden, C)
	hProj                      // an input projection, (C, C)
)

// headSpec is one head of the hypernetwork: one per weight shape of the
// declaration (Lv et al.: "a multi-head MLP, one head per weight shape"),
// plus one for NAS-Bench-101-style input projections, whose weights come
// from the same node as the node's own.
type headSpec struct {
	name string
	kind headKind
	k    int
	size int
	// segs are the head's weight matrices in order, each with the fan-in
	// that scales its initialisation.
	segs []seg
}

type seg struct{ n, fanIn int }

// proxy is a space's declaration resolved for a Config.
type proxy struct {
	prims searchspace.Primitives
	names []string
	heads []headSpec
	// typeHead[t] is the head of node type t's primitive (-1: none);
	// adaptHead the conv1×1 head of Identity nodes that change the
	// geometry, projHead that of input projections (-1: none).
	typeHead            []int
	adaptHead, projHead int
	// C is the stem's width, Cmax the widest map; maxHeads and mlpHidden
	// size the attention and MLP heads.
	C, Cmax, maxHeads, mlpHidden, headDim int
	// vit: the stem is a patch embedding (the space has Attention or MLP
	// nodes) instead of a 3×3 convolution.
	vit bool
	// opNorm: RMS-normalise the output of every convolution (Config.OpNorm).
	opNorm bool
}

func newProxy(space searchspace.SearchSpace, c Config) (*proxy, error) {
	prims, err := searchspace.PrimitivesOf(space)
	if err != nil {
		return nil, err
	}
	px := &proxy{prims: prims, names: space.OpNames(), C: c.Channels, Cmax: c.Channels, headDim: c.HeadDim, adaptHead: -1, projHead: -1, opNorm: c.OpNorm}
	if prims.Width.Set() {
		px.Cmax = max(c.Channels, min(int(math.Ceil(float64(c.Channels)*prims.Width.Max-1e-9)), c.maxChannels()))
	}
	adapt := prims.Width.Set() || prims.Stride.Set()
	ratio := 0.0
	for _, op := range prims.Ops {
		switch op.Kind {
		case searchspace.Identity:
			adapt = adapt || op.Stride > 1
		case searchspace.Attention:
			px.vit = true
			px.maxHeads = max(px.maxHeads, op.Heads)
			if prims.Heads.Set() {
				px.maxHeads = max(px.maxHeads, int(math.Round(prims.Heads.Max)))
			}
		case searchspace.MLP:
			px.vit = true
			ratio = max(ratio, op.MLPRatio)
			if prims.MLPRatio.Set() {
				ratio = max(ratio, prims.MLPRatio.Max)
			}
		}
	}
	px.mlpHidden = max(1, int(math.Round(ratio*float64(px.Cmax))))
	// Heads in a fixed order (convolutions by kernel, then separable,
	// residual, attention, MLP, projection), whatever the vocabulary's
	// order: the initialisation draws from the rng in this order.
	want := map[string]headSpec{}
	key := func(op searchspace.Primitive) (headSpec, bool) {
		C, k := px.Cmax, op.Kernel
		switch op.Kind {
		case searchspace.Conv:
			if op.Separable {
				return headSpec{name: fmt.Sprintf("sep%dx%d", k, k), kind: hSep, k: k, segs: []seg{{k * k * C, k * k}, {C * C, C}}}, true
			}
			return convHead(k, C), true
		case searchspace.ResBlock:
			return headSpec{name: fmt.Sprintf("res%dx%d", k, k), kind: hRes, k: k, segs: []seg{{k * k * C * C, k * k * C}, {k * k * C * C, k * k * C}, {C * C, C}}}, true
		case searchspace.Attention:
			q := px.maxHeads * px.headDim
			return headSpec{name: "attention", kind: hAttention, segs: []seg{{C * 3 * q, C}, {q * C, q}}}, true
		case searchspace.MLP:
			return headSpec{name: "mlp", kind: hMLP, segs: []seg{{C * px.mlpHidden, C}, {px.mlpHidden * C, px.mlpHidden}}}, true
		}
		return headSpec{}, false
	}
	for _, op := range prims.Ops {
		if h, ok := key(op); ok {
			want[h.name] = h
		}
	}
	if adapt {
		h := convHead(1, px.Cmax)
		want[h.name] = h
	}
	for _, op := range prims.Ops {
		if op.Combine == searchspace.SumProjectedInput {
			want["proj1x1"] = headSpec{name: "proj1x1", kind: hProj, k: 1, segs: []seg{{px.Cmax * px.Cmax, px.Cmax}}}
		}
	}
	for _, h := range want {
		for _, s := range h.segs {
			h.size += s.n
		}
		px.heads = append(px.heads, h)
	}
	slices.SortFunc(px.heads, func(a, b headSpec) int {
		if a.kind != b.kind {
			return int(a.kind) - int(b.kind)
		}
		return a.k - b.k
	})
	index := func(name string) int {
		return slices.IndexFunc(px.heads, func(h headSpec) bool { return h.name == name })
	}
	for _, op := range prims.Ops {
		t := -1
		if h, ok := key(op); ok {
			t = index(h.name)
		}
		px.typeHead = append(px.typeHead, t)
	}
	if adapt {
		px.adaptHead = index("conv1x1")
	}
	px.projHead = index("proj1x1")
	if px.vit && (c.ImageSize%c.PatchSize != 0) {
		return nil, fmt.Errorf("image size %d is not a multiple of the patch size %d", c.ImageSize, c.PatchSize)
	}
	return px, nil
}

func convHead(k, C int) headSpec {
	return headSpec{name: fmt.Sprintf("conv%dx%d", k, k), kind: hConv, k: k, segs: []seg{{k * k * C * C, k * k * C}}}
}

// stem is the stem's window: a 3×3 convolution of stride 1, or for a ViT
// a patch embedding (PatchSize × PatchSize, stride PatchSize).
func (px *proxy) stem(c Config) (k, stride, side int) {
	if px.vit {
		return c.PatchSize, c.PatchSize, c.ImageSize / c.PatchSize
	}
	return 3, 1, c.ImageSize
}

// nodeOp is what the engine runs at a node.
type nodeOp uint8

const (
	nSkip  nodeOp = iota // not on a path to the unit's output: not run
	nZero                // zeros
	nAlias               // the input itself (Output, Identity)
	nInput               // a unit input, its channels cut or padded to the node's width
	nConv
	nSep
	nAvgPool
	nMaxPool
	nRes
	nAttention
	nMLP
	nAdapt // an Identity that changes the geometry: ReLU-conv1×1
)

// nodePlan is one node of one architecture's target network.
type nodePlan struct {
	op      nodeOp
	preds   []int // predecessors, Zero nodes left out
	proj    []int // per predecessor: the head use of its input projection, -1 none
	in, out geo
	w       win
	relu    bool
	heads   int // attention heads; MLP hidden width
	slot    int // nInput: the unit input
	use     int // head use of the node's own weights, -1 none
	// Arena offsets (engine): the input sum, the output (equal offsets
	// where one is the other), the primitive's own activations, the
	// projected terms. sum: the input is a buffer of its own (a sum, or
	// zeros), not a predecessor's output.
	inAt, outAt, auxAt int
	sum                bool
	// norm: the output is the RMS normalisation of the op's result, kept
	// at preAt (proxy.opNorm).
	norm   bool
	preAt  int
	projAt []int
}

// slotPlan is one input of a unit: an earlier unit's (normalised) output,
// or the stem's, average-pooled to the unit's resolution where it is
// larger (a DARTS cell's input from two cells back, after a reduction).
type slotPlan struct {
	src      int // the unit (index into archPlan.units) or -1: the stem
	in, out  geo
	srcAt    int
	at       int
	resample bool
}

// unitPlan is one unit the target network runs.
type unitPlan struct {
	unit   int // index in the encoding
	slots  []slotPlan
	nodes  []nodePlan
	last   int // the output node
	normAt int // the normalised output
	out    geo
}

// headUse is one generated weight: head h at row (unit·nodes + node) of
// the hypernetwork's hidden layer; gi is its row in the batch's generated
// weights of that head (engine).
type headUse struct{ head, row, gi int }

// archPlan is one architecture's target network.
type archPlan struct {
	units []unitPlan
	uses  []headUse
	size  int // arena size
}

// units lists the units the target network runs for an encoding: of each
// run of consecutive identical units (the cells of an NB201 stage, the
// normal cells between DARTS's reductions), the first cells (all with
// cells ≤ 0).
func runUnits(seq searchspace.Sequence, cells int) []int {
	var us []int
	run := 0
	for u, g := range seq {
		if u > 0 && sameGraph(g, seq[u-1]) {
			run++
		} else {
			run = 0
		}
		if cells <= 0 || run < cells {
			us = append(us, u)
		}
	}
	return us
}

func sameGraph(a, b searchspace.Graph) bool {
	if !slices.Equal(a.Ops, b.Ops) || len(a.Adj) != len(b.Adj) || len(a.Features) != len(b.Features) {
		return false
	}
	for i := range a.Adj {
		if !slices.Equal(a.Adj[i], b.Adj[i]) {
			return false
		}
	}
	for i := range a.Features {
		if !slices.Equal(a.Features[i], b.Features[i]) {
			return false
		}
	}
	return true
}

// planner reads encodings into archPlans for one proxy and batch layout.
type planner struct {
	px     *proxy
	P      int // images per architecture
	nodes  int // the encoder's padded node count (rows of the hidden layer per unit)
	stem   geo
	cells  int
	allRun bool // run every unit (GeneratedWeights)
}

func (pl planner) errf(u, n int, g searchspace.Graph, format string, args ...any) error {
	where := fmt.Sprintf("unit %d", u)
	if n >= 0 {
		where += fmt.Sprintf(", node %d", n)
		if t := g.Ops[n]; t >= 0 && t < len(pl.px.names) {
			where += " (" + pl.px.names[t] + ")"
		}
	}
	return fmt.Errorf("%w: %s: %s", searchspace.ErrInvalidArch, where, fmt.Sprintf(format, args...))
}

// feature reads m at node n of g, or returns def when m is not set.
func feature(m searchspace.FeatureMap, g searchspace.Graph, n int, def float64) float64 {
	if !m.Set() || n >= len(g.Features) || m.Index >= len(g.Features[n]) {
		return def
	}
	return m.Value(g.Features[n])
}

// plan reads one encoding. Errors wrap searchspace.ErrInvalidArch and name
// the unit and node.
func (pl planner) plan(seq searchspace.Sequence) (*archPlan, error) {
	px := pl.px
	ap := &archPlan{}
	alloc := func(g geo) int {
		at := ap.size
		ap.size += g.size(pl.P)
		return at
	}
	stemAt := alloc(pl.stem) // the stem's output, copied in
	cells := pl.cells
	if pl.allRun {
		cells = 0
	}
	for _, u := range runUnits(seq, cells) {
		g := seq[u]
		n := len(g.Ops)
		if n == 0 || len(g.Adj) != n || n > pl.nodes {
			return nil, pl.errf(u, -1, g, "%d nodes, %d adjacency rows (at most %d nodes)", n, len(g.Adj), pl.nodes)
		}
		up := unitPlan{unit: u, last: n - 1, nodes: make([]nodePlan, n)}
		slotOf := map[int]int{} // From → slot
		slot := func(from int) (int, error) {
			from = max(from, 1)
			if s, ok := slotOf[from]; ok {
				return s, nil
			}
			sp := slotPlan{src: len(ap.units) - from, in: pl.stem, srcAt: stemAt}
			if sp.src < 0 {
				sp.src = -1
			} else {
				sp.in, sp.srcAt = ap.units[sp.src].out, ap.units[sp.src].normAt
			}
			sp.out, sp.at = sp.in, sp.srcAt
			slotOf[from] = len(up.slots)
			up.slots = append(up.slots, sp)
			return slotOf[from], nil
		}
		main, _ := slot(1)
		ref := up.slots[main].out // the unit's input: strides are relative to it
		for j := range g.Adj {
			if len(g.Adj[j]) != n {
				return nil, pl.errf(u, j, g, "adjacency row of %d entries for %d nodes", len(g.Adj[j]), n)
			}
		}
		// Nodes on a path to the output (the others cannot change it).
		live := make([]bool, n)
		live[n-1] = true
		for j := n - 1; j >= 0; j-- {
			for k := j + 1; k < n && !live[j]; k++ {
				live[j] = g.Adj[j][k] && live[k]
			}
		}
		for j := 0; j < n; j++ {
			t := g.Ops[j]
			if t < 0 || t >= len(px.prims.Ops) {
				return nil, pl.errf(u, j, g, "node type %d, the space has %d", t, len(px.prims.Ops))
			}
			np := &up.nodes[j]
			*np = nodePlan{use: -1}
			prim := px.prims.Ops[t]
			if !live[j] && j != n-1 {
				continue
			}
			for i := 0; i < j; i++ {
				if g.Adj[i][j] && px.prims.Ops[g.Ops[i]].Kind != searchspace.Zero {
					np.preds = append(np.preds, i)
				}
			}
			for i := j; i < n; i++ {
				if g.Adj[i][j] {
					return nil, pl.errf(u, j, g, "edge %d→%d does not go forward", i, j)
				}
			}
			if err := pl.node(ap, &up, u, j, g, prim, ref, slot); err != nil {
				return nil, err
			}
		}
		last := up.nodes[n-1]
		if last.op == nSkip {
			return nil, pl.errf(u, n-1, g, "the output node is not computed")
		}
		up.out = last.out
		up.normAt = alloc(up.out)
		ap.units = append(ap.units, up)
	}
	if len(ap.units) == 0 {
		return nil, fmt.Errorf("%w: an encoding with no units", searchspace.ErrInvalidArch)
	}
	return ap, nil
}

// node plans node j of unit u (g its graph, ref the unit input's geometry).
func (pl planner) node(ap *archPlan, up *unitPlan, u, j int, g searchspace.Graph, prim searchspace.Primitive, ref geo, slot func(int) (int, error)) error {
	px, np := pl.px, &up.nodes[j]
	alloc := func(gm geo) int {
		at := ap.size
		ap.size += gm.size(pl.P)
		return at
	}
	use := func(h int) int {
		ap.uses = append(ap.uses, headUse{head: h, row: u*pl.nodes + j})
		return len(ap.uses) - 1
	}
	// The input: the predecessors' sum (each input projected, for
	// SumProjectedInput), or zeros of the unit input's geometry.
	np.in = ref
	for k, i := range np.preds {
		pg := up.nodes[i].out
		if k == 0 {
			np.in = pg
		} else if pg.side != np.in.side {
			return pl.errf(u, j, g, "sums predecessors of %d×%d and %d×%d maps (node %d): check the strides the declaration gives", np.in.side, np.in.side, pg.side, pg.side, i)
		}
		np.in.width = max(np.in.width, pg.width)
	}
	width := np.in.width
	if px.prims.Width.Set() {
		v := feature(px.prims.Width, g, j, 1)
		if math.IsNaN(v) || v <= 0 {
			return pl.errf(u, j, g, "width feature gives %v, want > 0", v)
		}
		width = min(max(int(math.Round(v*float64(px.C))), 1), px.Cmax)
	}
	if prim.Combine == searchspace.SumProjectedInput {
		for _, i := range np.preds {
			h := -1
			if px.prims.Ops[g.Ops[i]].Kind == searchspace.Input {
				h = use(px.projHead)
				np.in.width = max(np.in.width, width)
			}
			np.proj = append(np.proj, h)
		}
	}
	switch {
	case len(np.preds) == 0 || prim.Kind == searchspace.Input:
		np.inAt = -1
	case len(np.preds) == 1 && (np.proj == nil || np.proj[0] < 0) && up.nodes[np.preds[0]].out == np.in:
		np.inAt = up.nodes[np.preds[0]].outAt
	default:
		np.inAt, np.sum = alloc(np.in), true
		for k, i := range np.preds {
			at := -1
			if np.proj != nil && np.proj[k] >= 0 {
				at = alloc(geo{up.nodes[i].out.side, np.in.width})
			}
			np.projAt = append(np.projAt, at)
		}
	}
	if np.inAt < 0 && prim.Kind != searchspace.Input {
		np.inAt, np.sum = alloc(np.in), true // zeros
	}
	// The output's side: a stride is relative to the unit's input.
	stride := max(prim.Stride, 1)
	if px.prims.Stride.Set() {
		v := feature(px.prims.Stride, g, j, 1)
		if math.IsNaN(v) || v < 0.5 || v > 1<<20 {
			return pl.errf(u, j, g, "stride feature gives %v, want >= 1", v)
		}
		stride = max(int(math.Round(v)), stride)
	}
	side := np.in.side
	if stride > 1 {
		side = min(side, outSide(ref.side, stride))
	}
	np.w = win{k: max(prim.Kernel, 1), stride: strideFor(np.in.side, side), dil: max(prim.Dilation, 1)}
	np.relu = !prim.NoReLU
	np.out = geo{side, width}
	own := func(op nodeOp, h int) {
		np.op = op
		if h >= 0 {
			np.use = use(h)
		}
		np.outAt = alloc(np.out)
		if px.opNorm && (op == nConv || op == nSep || op == nRes || op == nAdapt) {
			np.norm, np.preAt = true, alloc(np.out)
		}
	}
	switch prim.Kind {
	case searchspace.Input:
		if len(np.preds) > 0 {
			return pl.errf(u, j, g, "an Input node has predecessors")
		}
		s, err := slot(prim.From)
		if err != nil {
			return err
		}
		sp := &up.slots[s]
		if sp.in.side < ref.side {
			return pl.errf(u, j, g, "input from %d units back is %d×%d, smaller than the previous unit's %d×%d", max(prim.From, 1), sp.in.side, sp.in.side, ref.side, ref.side)
		}
		if sp.in.side > ref.side && !sp.resample {
			sp.resample, sp.out = true, geo{ref.side, sp.in.width}
			sp.at = alloc(sp.out)
		}
		np.slot, np.in = s, sp.out
		if !px.prims.Width.Set() {
			width = sp.out.width
		}
		np.out = geo{sp.out.side, width}
		if width == sp.out.width {
			np.op, np.outAt = nInput, sp.at
		} else {
			own(nInput, -1)
		}
	case searchspace.Output:
		np.out = np.in
		np.op, np.outAt = nAlias, np.inAt
	case searchspace.Identity:
		if np.out == np.in {
			np.op, np.outAt = nAlias, np.inAt
		} else {
			np.w = win{k: 1, stride: np.w.stride, dil: 1}
			np.relu = true
			own(nAdapt, px.adaptHead)
		}
	case searchspace.Zero:
		np.op, np.outAt = nZero, alloc(np.out)
	case searchspace.Conv:
		if prim.Separable {
			own(nSep, px.typeHead[g.Ops[j]])
			np.auxAt = ap.size
			ap.size += geo{side, np.in.width}.size(pl.P)
		} else {
			own(nConv, px.typeHead[g.Ops[j]])
		}
	case searchspace.AvgPool, searchspace.MaxPool:
		np.out.width = np.in.width
		op := nAvgPool
		if prim.Kind == searchspace.MaxPool {
			op = nMaxPool
		}
		own(op, -1)
	case searchspace.ResBlock:
		own(nRes, px.typeHead[g.Ops[j]])
		np.auxAt = alloc(np.out)
	case searchspace.Attention:
		h := prim.Heads
		if px.prims.Heads.Set() {
			h = int(math.Round(feature(px.prims.Heads, g, j, float64(prim.Heads))))
		}
		if h < 1 || h > px.maxHeads {
			return pl.errf(u, j, g, "%d heads, want 1…%d (the declared maximum)", h, px.maxHeads)
		}
		np.out.side, np.w = np.in.side, win{k: 1, stride: 1, dil: 1}
		np.heads = h
		own(nAttention, px.typeHead[g.Ops[j]])
		np.auxAt = ap.size
		ap.size += pl.P * np.attention(pl.P, px.headDim).auxSize()
	case searchspace.MLP:
		r := prim.MLPRatio
		if px.prims.MLPRatio.Set() {
			r = feature(px.prims.MLPRatio, g, j, r)
		}
		hid := int(math.Round(r * float64(width)))
		if !(r > 0) || hid < 1 || hid > px.mlpHidden {
			return pl.errf(u, j, g, "MLP ratio %v gives %d hidden channels, want 1…%d (the declared maximum)", r, hid, px.mlpHidden)
		}
		np.out.side, np.w = np.in.side, win{k: 1, stride: 1, dil: 1}
		np.heads = hid
		own(nMLP, px.typeHead[g.Ops[j]])
		np.auxAt = ap.size
		ap.size += pl.P * np.mlp(pl.P).auxSize()
	default:
		return pl.errf(u, j, g, "primitive %v", prim.Kind)
	}
	return nil
}

func (np *nodePlan) conv(P int) conv {
	return conv{P: P, in: np.in, out: np.out, w: np.w, relu: np.relu}
}

// residual is a ResBlock's three convolutions: k × k with the block's
// stride, k × k, and the conv1×1 shortcut of the block's stride (used when
// the block changes the geometry).
func (np *nodePlan) residual(P int) (c1, c2, c3 conv) {
	c1 = np.conv(P)
	c2 = conv{P: P, in: np.out, out: np.out, w: win{k: np.w.k, stride: 1, dil: 1}, relu: true}
	c3 = conv{P: P, in: np.in, out: np.out, w: win{k: 1, stride: np.w.stride, dil: 1}}
	return
}

func (np *nodePlan) attention(P, hd int) attention {
	return attention{P: P, T: np.in.side * np.in.side, in: np.in, out: np.out, heads: np.heads, hd: hd}
}

func (np *nodePlan) mlp(P int) mlp {
	return mlp{P: P, T: np.in.side * np.in.side, in: np.in, out: np.out, hidden: np.heads}
}
