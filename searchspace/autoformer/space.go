package autoformer

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/archtype"
)

// Config describes a ViT supernet space: the choice sets of AutoFormer's
// search (the embedding dimension and the depth once per network, the
// number of heads and the MLP ratio once per layer) and the fixed parts of
// the network that Params and FLOPs count. Space.Config returns it; make a
// space with New and options.
type Config struct {
	Name      string    // short identifier, e.g. "autoformer_tiny"
	EmbedDims []int     // embedding dimension, shared by all layers
	Depths    []int     // number of transformer layers
	Heads     []int     // attention heads of one layer
	MLPRatios []float64 // MLP hidden width over the embedding dimension, per layer

	// HeadDim is the width of one attention head: a layer's Q-K-V width
	// is HeadDim × heads (AutoFormer searches the Q-K-V width this way).
	HeadDim    int
	ImageSize  int // input resolution (square)
	PatchSize  int // patch-embedding kernel and stride
	InChannels int // input channels
	Classes    int // classifier outputs
}

// Supernet names one of the published AutoFormer supernets (Chen et al.,
// ICCV 2021, Table 1), all for 224×224 ImageNet: 64-wide heads, 16×16
// patches, 1000 classes.
type Supernet int

// The three supernets.
const (
	// Tiny: embedding 192, 216 or 240; 12–14 layers of 3 or 4 heads and
	// MLP ratio 3.5 or 4.
	Tiny Supernet = iota
	// Small: embedding 320, 384 or 448; 12–14 layers of 5–7 heads and MLP
	// ratio 3, 3.5 or 4.
	Small
	// Base: embedding 528, 576 or 624; 14–16 layers of 8–10 heads and MLP
	// ratio 3, 3.5 or 4. It searches 8–10 heads, a Q-K-V width of 512–640
	// as the paper's Table 1 gives it (and mmrazor's AutoFormer uses); the
	// official supernet-B.yaml searches 9 and 10 heads only.
	Base
)

// config returns the supernet's configuration, a fresh copy.
func (n Supernet) config() (Config, bool) {
	c := Config{HeadDim: 64, ImageSize: 224, PatchSize: 16, InChannels: 3, Classes: 1000}
	switch n {
	case Tiny:
		c.EmbedDims, c.Depths, c.Heads, c.MLPRatios = []int{192, 216, 240}, []int{12, 13, 14}, []int{3, 4}, []float64{3.5, 4}
	case Small:
		c.EmbedDims, c.Depths, c.Heads, c.MLPRatios = []int{320, 384, 448}, []int{12, 13, 14}, []int{5, 6, 7}, []float64{3, 3.5, 4}
	case Base:
		c.EmbedDims, c.Depths, c.Heads, c.MLPRatios = []int{528, 576, 624}, []int{14, 15, 16}, []int{8, 9, 10}, []float64{3, 3.5, 4}
	default:
		return c, false
	}
	c.Name = n.String()
	return c, true
}

// String returns the supernet's space name: autoformer_tiny,
// autoformer_small or autoformer_base.
func (n Supernet) String() string {
	switch n {
	case Tiny:
		return "autoformer_tiny"
	case Small:
		return "autoformer_small"
	case Base:
		return "autoformer_base"
	}
	return fmt.Sprintf("Supernet(%d)", int(n))
}

// Option configures New.
type Option func(*Config) error

// WithSupernet starts from one of the published supernets: its name, choice
// sets and fixed parts; later options change them. New starts from Tiny.
func WithSupernet(n Supernet) Option {
	return func(c *Config) error {
		sc, ok := n.config()
		if !ok {
			return fmt.Errorf("autoformer: WithSupernet(%v): want Tiny, Small or Base", n)
		}
		*c = sc
		return nil
	}
}

// WithName sets the space's name (Name); set one whenever you change the
// choices, so that the space is not mistaken for the supernet it started
// from.
func WithName(name string) Option {
	return func(c *Config) error {
		if name == "" {
			return errors.New("autoformer: WithName(\"\"): the name is empty")
		}
		c.Name = name
		return nil
	}
}

// Limits of the choices and of the fixed parts.
const (
	// MaxDepth is the largest depth choice, the most Parse reads.
	MaxDepth = 1024
	// MaxChoice is the largest embedding dimension, head count, HeadDim,
	// image size, channel or class count.
	MaxChoice = 1 << 16
	// MaxRatio is the largest MLP ratio.
	MaxRatio = 64
	// MaxPatches is the largest number of image patches.
	MaxPatches = 1 << 16
)

// choices makes the option that sets one choice list of positive values up
// to limit, sorted and without repeats.
func choices[T int | float64](name string, set func(*Config, []T), limit T, v []T) Option {
	return func(c *Config) error {
		v := sortedUnique(v)
		switch {
		case len(v) == 0:
			return fmt.Errorf("autoformer: %s(): give at least one choice", name)
		case v[0] <= 0:
			return fmt.Errorf("autoformer: %s(%v): choices must be positive", name, v[0])
		case v[len(v)-1] > limit:
			return fmt.Errorf("autoformer: %s(%v): choices must be at most %v", name, v[len(v)-1], limit)
		}
		set(c, v)
		return nil
	}
}

// WithEmbedDims sets the embedding dimensions to choose from.
func WithEmbedDims(dims ...int) Option {
	return choices("WithEmbedDims", func(c *Config, v []int) { c.EmbedDims = v }, MaxChoice, dims)
}

// WithDepths sets the depths (layer counts) to choose from, at most
// MaxDepth.
func WithDepths(depths ...int) Option {
	return choices("WithDepths", func(c *Config, v []int) { c.Depths = v }, MaxDepth, depths)
}

// WithHeads sets the per-layer head counts to choose from.
func WithHeads(heads ...int) Option {
	return choices("WithHeads", func(c *Config, v []int) { c.Heads = v }, MaxChoice, heads)
}

// WithMLPRatios sets the per-layer MLP ratios to choose from, in (0, 64].
func WithMLPRatios(ratios ...float64) Option {
	return choices("WithMLPRatios", func(c *Config, v []float64) { c.MLPRatios = v }, MaxRatio, ratios)
}

// fixed makes the option that sets one fixed part, 1 to MaxChoice.
func fixed(name string, set func(*Config, int), v int) Option {
	return func(c *Config) error {
		if v < 1 || v > MaxChoice {
			return fmt.Errorf("autoformer: %s(%d): want 1 to %d", name, v, MaxChoice)
		}
		set(c, v)
		return nil
	}
}

// WithHeadDim sets the width of one attention head.
func WithHeadDim(n int) Option {
	return fixed("WithHeadDim", func(c *Config, v int) { c.HeadDim = v }, n)
}

// WithImageSize sets the input resolution (square), a multiple of the
// patch size.
func WithImageSize(n int) Option {
	return fixed("WithImageSize", func(c *Config, v int) { c.ImageSize = v }, n)
}

// WithPatchSize sets the patch-embedding kernel and stride.
func WithPatchSize(n int) Option {
	return fixed("WithPatchSize", func(c *Config, v int) { c.PatchSize = v }, n)
}

// WithInChannels sets the number of input channels.
func WithInChannels(n int) Option {
	return fixed("WithInChannels", func(c *Config, v int) { c.InChannels = v }, n)
}

// WithClasses sets the number of classifier outputs.
func WithClasses(n int) Option {
	return fixed("WithClasses", func(c *Config, v int) { c.Classes = v }, n)
}

// Space is an AutoFormer ViT search space. It implements
// searchspace.SearchSpace and searchspace.VariableDepth; its architectures
// are ViT values. It is not enumerable (10^8 to 10^16 architectures, see
// Count). Make one with New, NewTiny, NewSmall or NewBase; the zero value
// (and a nil *Space) is the Tiny space.
type Space struct {
	c                    Config
	maxEmbed, maxDepth   int
	maxHeads             int
	maxRatio             float64
	minParams, maxParams int64
}

var (
	_ searchspace.SearchSpace   = (*Space)(nil)
	_ searchspace.VariableDepth = (*Space)(nil)
)

// NewTiny returns the AutoFormer-Tiny supernet space: New() with no
// options, which cannot fail.
func NewTiny() *Space { return supernet(Tiny) }

// NewSmall returns the AutoFormer-Small supernet space:
// New(WithSupernet(Small)), which cannot fail.
func NewSmall() *Space { return supernet(Small) }

// NewBase returns the AutoFormer-Base supernet space:
// New(WithSupernet(Base)), which cannot fail.
func NewBase() *Space { return supernet(Base) }

// supernets holds the three published spaces, made once.
var supernets = sync.OnceValue(func() [3]*Space {
	var all [3]*Space
	for n := range all {
		s, err := New(WithSupernet(Supernet(n)))
		if err != nil {
			panic(err) // a bug: the published configurations are valid
		}
		all[n] = s
	}
	return all
})

func supernet(n Supernet) *Space { return supernets()[n] }

// get returns s, or the Tiny space for the zero value and a nil *Space.
func (s *Space) get() *Space {
	if s == nil || len(s.c.Depths) == 0 {
		return supernet(Tiny)
	}
	return s
}

// New returns a space: the Tiny supernet, changed by the options in order
// (WithSupernet to start from another). The error names the option at
// fault. The space is safe for concurrent use.
func New(opts ...Option) (*Space, error) {
	c, _ := Tiny.config()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	if c.ImageSize%c.PatchSize != 0 {
		return nil, fmt.Errorf("autoformer: image size %d is not a multiple of patch size %d (WithImageSize, WithPatchSize)", c.ImageSize, c.PatchSize)
	}
	if side := c.ImageSize / c.PatchSize; side*side > MaxPatches {
		return nil, fmt.Errorf("autoformer: %d×%d patches of a %d-pixel image, at most %d patches (WithImageSize, WithPatchSize)", side, side, c.ImageSize, MaxPatches)
	}
	s := &Space{
		c:        c,
		maxEmbed: c.EmbedDims[len(c.EmbedDims)-1], maxDepth: c.Depths[len(c.Depths)-1],
		maxHeads: c.Heads[len(c.Heads)-1], maxRatio: c.MLPRatios[len(c.MLPRatios)-1],
	}
	// Params grows with every choice, so the extremes are the all-smallest
	// and all-largest networks.
	s.minParams = s.params(uniform(c.EmbedDims[0], c.Depths[0], c.Heads[0], c.MLPRatios[0]))
	s.maxParams = s.params(uniform(s.maxEmbed, s.maxDepth, s.maxHeads, s.maxRatio))
	return s, nil
}

func sortedUnique[T int | float64](v []T) []T {
	v = slices.Clone(v)
	slices.Sort(v)
	return slices.Compact(v)
}

// uniform returns the ViT whose layers all have the same choices.
func uniform(embed, depth, heads int, ratio float64) ViT {
	v := ViT{Embed: embed, Heads: make([]int, depth), MLPRatios: make([]float64, depth)}
	for i := range depth {
		v.Heads[i], v.MLPRatios[i] = heads, ratio
	}
	return v
}

// Config returns a copy of the space's configuration.
func (s *Space) Config() Config {
	c := s.get().c
	c.EmbedDims, c.Depths = slices.Clone(c.EmbedDims), slices.Clone(c.Depths)
	c.Heads, c.MLPRatios = slices.Clone(c.Heads), slices.Clone(c.MLPRatios)
	return c
}

// Name returns Config.Name.
func (s *Space) Name() string { return s.get().c.Name }

// OpNames returns the node-type vocabulary of the encodings (NodeOpNames).
func (*Space) OpNames() []string { return append([]string(nil), NodeOpNames[:]...) }

// MaxNodes returns 5, the node count of a layer graph.
func (*Space) MaxNodes() int { return LayerNodes }

// NumFeatures returns 4: FeatEmbed, FeatHeads, FeatMLPRatio, FeatDepth.
func (*Space) NumFeatures() int { return NumFeatures }

// Count returns the number of architectures of the space: the sum over
// depths d of |EmbedDims| × (|Heads| × |MLPRatios|)^d.
func (s *Space) Count() *big.Int {
	s = s.get()
	perLayer := big.NewInt(int64(len(s.c.Heads) * len(s.c.MLPRatios)))
	n := new(big.Int)
	for _, d := range s.c.Depths {
		n.Add(n, new(big.Int).Exp(perLayer, big.NewInt(int64(d)), nil))
	}
	return n.Mul(n, big.NewInt(int64(len(s.c.EmbedDims))))
}

// Sample draws as AutoFormer's supernet training does: depth and embedding
// dimension uniformly, then every layer's heads and MLP ratio uniformly
// and independently. It returns nil for a nil rng.
func (s *Space) Sample(rng *rand.Rand) searchspace.Arch {
	if rng == nil {
		return nil
	}
	return s.get().sample(rng)
}

func (s *Space) sample(rng *rand.Rand) ViT {
	d := s.c.Depths[rng.IntN(len(s.c.Depths))]
	v := ViT{Embed: s.c.EmbedDims[rng.IntN(len(s.c.EmbedDims))], Heads: make([]int, d), MLPRatios: make([]float64, d)}
	for i := range d {
		v.Heads[i] = s.c.Heads[rng.IntN(len(s.c.Heads))]
		v.MLPRatios[i] = s.c.MLPRatios[rng.IntN(len(s.c.MLPRatios))]
	}
	return v
}

// Mutate makes one change, its kind chosen uniformly among those the space
// allows: a new embedding dimension; a new depth (layers are dropped from
// the end, or appended with uniformly drawn heads and MLP ratio, as
// AutoFormer's supernet does); or a new number of heads, or a new MLP
// ratio, of one layer chosen uniformly. New values are uniform among the
// other choices. a must be a valid ViT or *ViT of this space.
func (s *Space) Mutate(a searchspace.Arch, rng *rand.Rand) (searchspace.Arch, error) {
	s = s.get()
	v, err := s.asViT(a)
	if err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("autoformer: Mutate needs a random source, got a nil *rand.Rand")
	}
	return s.mutate(v, rng)
}

func (s *Space) mutate(v ViT, rng *rand.Rand) (ViT, error) {
	var kinds []int
	for k, n := range []int{len(s.c.EmbedDims), len(s.c.Depths), len(s.c.Heads), len(s.c.MLPRatios)} {
		if n > 1 {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return ViT{}, fmt.Errorf("autoformer: space %s has a single architecture, it has no neighbour to mutate to", s.c.Name)
	}
	v = v.clone()
	switch kinds[rng.IntN(len(kinds))] {
	case 0:
		v.Embed = other(s.c.EmbedDims, v.Embed, rng)
	case 1:
		d := other(s.c.Depths, v.Depth(), rng)
		for len(v.Heads) < d {
			v.Heads = append(v.Heads, s.c.Heads[rng.IntN(len(s.c.Heads))])
			v.MLPRatios = append(v.MLPRatios, s.c.MLPRatios[rng.IntN(len(s.c.MLPRatios))])
		}
		v.Heads, v.MLPRatios = v.Heads[:d], v.MLPRatios[:d]
	case 2:
		i := rng.IntN(v.Depth())
		v.Heads[i] = other(s.c.Heads, v.Heads[i], rng)
	default:
		i := rng.IntN(v.Depth())
		v.MLPRatios[i] = other(s.c.MLPRatios, v.MLPRatios[i], rng)
	}
	return v, nil
}

// other draws uniformly from choices without cur (which must be in it).
func other[T int | float64](choices []T, cur T, rng *rand.Rand) T {
	j := rng.IntN(len(choices) - 1)
	if j >= slices.Index(choices, cur) {
		j++
	}
	return choices[j]
}

// Constraint is a predicate on architectures, e.g. a parameter budget
// (Space.ParamsWithin) or a test against the user's own evaluator.
type Constraint func(ViT) bool

// ParamsWithin returns the constraint lo ≤ Params(v) ≤ hi, the budget of
// AutoFormer's evolutionary search.
func (s *Space) ParamsWithin(lo, hi int64) Constraint {
	s = s.get()
	return func(v ViT) bool {
		p := s.Params(v)
		return p >= lo && p <= hi
	}
}

// ParamRange returns the smallest and the largest Params of the space.
func (s *Space) ParamRange() (lo, hi int64) { s = s.get(); return s.minParams, s.maxParams }

// MaxTries is how many candidates SampleWhere and MutateWhere draw before
// they give up.
const MaxTries = 10000

// SampleWhere draws with Sample until c holds, at most MaxTries times, as
// AutoFormer samples under a parameter budget. The error says when no
// candidate passed.
func (s *Space) SampleWhere(rng *rand.Rand, c Constraint) (ViT, error) {
	s = s.get()
	if rng == nil || c == nil {
		return ViT{}, errors.New("autoformer: SampleWhere needs a random source and a constraint, got nil")
	}
	for range MaxTries {
		if v := s.sample(rng); c(v) {
			return v, nil
		}
	}
	return ViT{}, fmt.Errorf("autoformer: no sample of %s met the constraint in %d tries (Params range from %d to %d)", s.c.Name, MaxTries, s.minParams, s.maxParams)
}

// MutateWhere mutates a with Mutate until c holds, at most MaxTries times.
func (s *Space) MutateWhere(a searchspace.Arch, rng *rand.Rand, c Constraint) (ViT, error) {
	s = s.get()
	v, err := s.asViT(a)
	if err != nil {
		return ViT{}, err
	}
	if rng == nil || c == nil {
		return ViT{}, errors.New("autoformer: MutateWhere needs a random source and a constraint, got nil")
	}
	for range MaxTries {
		m, err := s.mutate(v, rng)
		if err != nil {
			return ViT{}, err
		}
		if c(m) {
			return m, nil
		}
	}
	return ViT{}, fmt.Errorf("autoformer: no mutation of %s met the constraint in %d tries", v, MaxTries)
}

// Validate reports whether a is a ViT (or non-nil *ViT) of this space: its
// embedding dimension, depth, and every layer's heads and MLP ratio among
// the choices.
func (s *Space) Validate(a searchspace.Arch) error {
	_, err := s.get().asViT(a)
	return err
}

// Parse reads the form ViT.String writes (see the package Parse) and checks
// that the architecture is in this space.
func (s *Space) Parse(str string) (searchspace.Arch, error) {
	v, err := Parse(str)
	if err != nil {
		return nil, err
	}
	if err := s.get().check(v); err != nil {
		return nil, err
	}
	return v, nil
}

// asViT unwraps the accepted forms of an architecture (ViT, *ViT) and
// checks it against the space.
func (s *Space) asViT(a searchspace.Arch) (ViT, error) {
	return archtype.Valid(a, "an AutoFormer", s.check)
}

func (s *Space) check(v ViT) error {
	if len(v.Heads) != len(v.MLPRatios) {
		return fmt.Errorf("%w: autoformer: %d layers of heads but %d MLP ratios", searchspace.ErrInvalidArch, len(v.Heads), len(v.MLPRatios))
	}
	if !slices.Contains(s.c.EmbedDims, v.Embed) {
		return fmt.Errorf("%w: autoformer %s: embedding dimension %d, want one of %v", searchspace.ErrInvalidArch, s.c.Name, v.Embed, s.c.EmbedDims)
	}
	if !slices.Contains(s.c.Depths, v.Depth()) {
		return fmt.Errorf("%w: autoformer %s: depth %d, want one of %v", searchspace.ErrInvalidArch, s.c.Name, v.Depth(), s.c.Depths)
	}
	for i, h := range v.Heads {
		if !slices.Contains(s.c.Heads, h) {
			return fmt.Errorf("%w: autoformer %s: layer %d has %d heads, want one of %v", searchspace.ErrInvalidArch, s.c.Name, i, h, s.c.Heads)
		}
	}
	for i, r := range v.MLPRatios {
		if !slices.Contains(s.c.MLPRatios, r) {
			return fmt.Errorf("%w: autoformer %s: layer %d has MLP ratio %v, want one of %v", searchspace.ErrInvalidArch, s.c.Name, i, r, s.c.MLPRatios)
		}
	}
	return nil
}
