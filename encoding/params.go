package encoding

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/hypernas/go-hypernas/internal/gx"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// Params is a named set of learnable tensors. Several graphs (a training
// graph and a prediction graph of another batch size) share one Params: each
// graph's parameter nodes are bound to the same tensors, so what training
// writes, prediction reads. Params is what a predictor file stores. Make one
// with NewParams.
type Params struct {
	dtype  tensor.Dtype
	names  []string
	values map[string]*tensor.Dense
}

// NewParams returns an empty store of the given dtype (tensor.Float32 or
// tensor.Float64).
func NewParams(dt tensor.Dtype) (*Params, error) {
	if err := gx.CheckDtype(dt); err != nil {
		return nil, fmt.Errorf("encoding: %w", err)
	}
	return &Params{dtype: dt, values: make(map[string]*tensor.Dense)}, nil
}

var errNoParams = errors.New("encoding: Params not made by NewParams")

// ok reports whether p was made by NewParams.
func (p *Params) ok() bool { return p != nil && p.values != nil }

// DType is the store's element type.
func (p *Params) DType() tensor.Dtype {
	if p == nil {
		return tensor.Dtype{}
	}
	return p.dtype
}

// Names lists the parameters in creation order.
func (p *Params) Names() []string {
	if p == nil {
		return nil
	}
	return slices.Clone(p.names)
}

// Get returns a parameter's tensor, or nil.
func (p *Params) Get(name string) *tensor.Dense {
	if p == nil {
		return nil
	}
	return p.values[name]
}

// Init creates a parameter with Glorot-uniform values drawn from rng, or
// returns the existing one after checking its shape. scale 0 means Glorot;
// a positive scale draws uniformly from [−scale, scale]; a negative scale
// means zeros (and rng may be nil).
func (p *Params) Init(name string, shape tensor.Shape, rng *rand.Rand, scale float64) (*tensor.Dense, error) {
	if !p.ok() {
		return nil, errNoParams
	}
	if t, ok := p.values[name]; ok {
		if !t.Shape().Eq(shape) {
			return nil, fmt.Errorf("encoding: parameter %s has shape %v, the model needs %v", name, t.Shape(), shape)
		}
		return t, nil
	}
	n, err := gx.Size(shape...)
	if err != nil {
		return nil, fmt.Errorf("encoding: parameter %s: %w", name, err)
	}
	if math.IsNaN(scale) || math.IsInf(scale, 0) {
		return nil, fmt.Errorf("encoding: parameter %s: initial scale %v", name, scale)
	}
	if scale >= 0 && rng == nil {
		return nil, fmt.Errorf("encoding: parameter %s: nil random source", name)
	}
	if scale == 0 {
		fanIn, fanOut := shape[0], shape[len(shape)-1]
		if len(shape) == 1 {
			fanIn, fanOut = 1, shape[0]
		}
		scale = math.Sqrt(6 / float64(fanIn+fanOut))
	}
	vals := make([]float64, n)
	if scale > 0 {
		for i := range vals {
			vals[i] = (2*rng.Float64() - 1) * scale
		}
	}
	return p.Set(name, shape, vals)
}

// Set creates or replaces a parameter from float64 values, which must be
// finite. Graphs built before a replacement keep the old tensor.
func (p *Params) Set(name string, shape tensor.Shape, vals []float64) (*tensor.Dense, error) {
	if !p.ok() {
		return nil, errNoParams
	}
	if name == "" {
		return nil, errors.New("encoding: parameter without a name")
	}
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("encoding: parameter %s: value %d is %v", name, i, v)
		}
	}
	t, err := gx.Dense(p.dtype, vals, shape...)
	if err != nil {
		return nil, fmt.Errorf("encoding: parameter %s: %w", name, err)
	}
	if _, ok := p.values[name]; !ok {
		p.names = append(p.names, name)
	}
	p.values[name] = t
	return t, nil
}

// Float64s returns a copy of a parameter's values as float64, or nil.
func (p *Params) Float64s(name string) []float64 {
	if t := p.Get(name); t != nil {
		return gx.ToFloat64s(t)
	}
	return nil
}

// Node returns a learnable node in g bound to the named parameter, which
// must exist.
func (p *Params) Node(g *G.ExprGraph, name string) (_ *G.Node, err error) {
	defer gx.Recover(&err, "encoding", "binding parameter "+name)
	if g == nil {
		return nil, fmt.Errorf("encoding: parameter %s: nil graph", name)
	}
	t := p.Get(name)
	if t == nil {
		return nil, fmt.Errorf("encoding: no parameter %s", name)
	}
	return G.NodeFromAny(g, t, G.WithName(name)), nil
}

// NumValues is the total number of scalars over all parameters.
func (p *Params) NumValues() int {
	if p == nil {
		return 0
	}
	n := 0
	for _, t := range p.values {
		n += t.Shape().TotalSize()
	}
	return n
}

// FlushDenormals sets parameter entries with magnitude below tiny to zero.
// Weight decay drives unused weights towards zero, and arithmetic on
// denormal floats is many times slower on x86, which Go cannot switch to
// flush-to-zero.
func (p *Params) FlushDenormals() {
	if p == nil {
		return
	}
	for _, t := range p.values {
		switch d := t.Data().(type) {
		case []float32:
			for i, v := range d {
				if v < 1e-30 && v > -1e-30 {
					d[i] = 0
				}
			}
		case []float64:
			for i, v := range d {
				if v < 1e-300 && v > -1e-300 {
					d[i] = 0
				}
			}
		}
	}
}

// Clone returns a deep copy of the store (nil for nil). Graphs that run
// concurrently need their own copies: compiling a tape machine writes to
// every value it binds, parameters included.
func (p *Params) Clone() *Params {
	if p == nil {
		return nil
	}
	q := &Params{dtype: p.dtype, names: slices.Clone(p.names), values: make(map[string]*tensor.Dense, len(p.values))}
	for name, t := range p.values {
		q.values[name] = t.Clone().(*tensor.Dense)
	}
	return q
}

// CopyFrom copies every parameter value of src into p's tensors, which must
// exist with the same shapes and dtype (p is usually src.Clone()). On error
// p may be partly updated.
func (p *Params) CopyFrom(src *Params) error {
	if !p.ok() || !src.ok() {
		return errNoParams
	}
	if p.dtype != src.dtype {
		return fmt.Errorf("encoding: copying %v parameters into %v ones", src.dtype, p.dtype)
	}
	for name, t := range src.values {
		d := p.values[name]
		if d == nil || !d.Shape().Eq(t.Shape()) {
			return fmt.Errorf("encoding: parameter %s is missing or of another shape in the destination", name)
		}
		switch s := t.Data().(type) {
		case []float32:
			copy(d.Data().([]float32), s)
		case []float64:
			copy(d.Data().([]float64), s)
		}
	}
	return nil
}

// Input is a graph input that is re-bound each step from float64 data,
// converted into a reused tensor of the graph's dtype.
type Input struct {
	Node *G.Node
	t    *tensor.Dense
}

// NewInput creates an input node of dtype dt (float32 or float64) and the
// given shape (at least one dimension, all ≥ 1) in g, holding zeros. Its
// name must be new to g: Gorgonia would merge two inputs of equal name,
// type and shape into one node, and the second Input's Set would then
// reach nothing.
func NewInput(g *G.ExprGraph, dt tensor.Dtype, name string, shape ...int) (_ *Input, err error) {
	defer gx.Recover(&err, "encoding", "creating input "+name)
	if g == nil {
		return nil, fmt.Errorf("encoding: input %s: nil graph", name)
	}
	if len(g.ByName(name)) > 0 {
		return nil, fmt.Errorf("encoding: input %s: the graph already has a node of that name", name)
	}
	if err := gx.CheckDtype(dt); err != nil {
		return nil, fmt.Errorf("encoding: input %s: %w", name, err)
	}
	if _, err := gx.Size(shape...); err != nil {
		return nil, fmt.Errorf("encoding: input %s: %w", name, err)
	}
	t := tensor.New(tensor.Of(dt), tensor.WithShape(shape...))
	n := G.NewTensor(g, dt, len(shape), G.WithShape(shape...), G.WithName(name), G.WithValue(t))
	return &Input{Node: n, t: t}, nil
}

// Set copies vals, which must be finite and as many as the input's shape
// holds, into the input's tensor. On error the input is unchanged.
func (in *Input) Set(vals []float64) error {
	if in == nil || in.Node == nil || in.t == nil {
		return errors.New("encoding: Input not made by NewInput")
	}
	if err := gx.SetFloat64s(in.t, vals); err != nil {
		return fmt.Errorf("encoding: input %s: %w", in.Node.Name(), err)
	}
	return nil
}
