package searchspace

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Computable is implemented by spaces that declare, as plain data, what
// each node type of their encoding computes. HyperNAS's hypernetwork
// auxiliary task (package hypernas/hypernet) builds its target network, a
// small proxy of every encoded architecture, from this declaration alone:
// a space that implements it gets the method without any code of its own.
//
// A declaration for a space whose node types are input, output, conv3x3
// and maxpool3x3:
//
//	func (MySpace) Primitives() searchspace.Primitives {
//		return searchspace.Primitives{Ops: []searchspace.Primitive{
//			{Kind: searchspace.Input}, {Kind: searchspace.Output},
//			{Kind: searchspace.Conv, Kernel: 3}, {Kind: searchspace.MaxPool, Kernel: 3},
//		}}
//	}
type Computable interface {
	Primitives() Primitives
}

// Sentinel errors of declarations (PrimitivesOf).
var (
	// ErrNoPrimitives reports a space that does not implement Computable.
	ErrNoPrimitives = errors.New("search space does not declare what its operations compute")
	// ErrInvalidPrimitives reports a declaration that does not fit its
	// space (a length, a kernel, a feature index ...).
	ErrInvalidPrimitives = errors.New("invalid primitives declaration")
)

// Primitives is what a space's node types compute: Ops[t] for node type t
// (an index into OpNames), including how a node combines its
// predecessors, and which numeric node features set a node's stride,
// width, heads and MLP ratio.
//
// How a unit computes (the target network's reading of a Graph): node 0 is
// the unit's input and the last node its output, as for every Graph. Nodes
// run in index order; a node's input combines its predecessors' outputs
// (Primitive.Combine: their sum), and its output is its primitive applied
// to that input. A node with no predecessors reads zeros. The unit's
// output is the output of its last node.
//
// Resolution: a stride s is relative to the unit's input: a node of stride
// s outputs ⌈S/s⌉ × ⌈S/s⌉ maps, S the side of the unit's input, and
// subsamples its own input by whatever factor gets there (by 2 from the
// unit's input, by 1 from a node that already has that side). So the two
// convolutions of NAS-Bench-201's reduction block can share one node type
// of stride 2, and so can every op of a DARTS reduction cell, where only
// the edges from the cell's inputs have stride 2. The predecessors summed
// at a node must have the same side.
type Primitives struct {
	// Ops has one Primitive per node type, len(OpNames()) of them.
	Ops []Primitive
	// Stride, if set, gives a node's stride (rounded; the larger of it and
	// the primitive's Stride applies): TransNAS-Bench-101 marks the nodes
	// that halve the resolution with a 0/1 feature, read with Offset 1,
	// Scale 1.
	Stride FeatureMap
	// Width, if set, is a node's width relative to the unit width of the
	// target network's stem (1: the stem's width, 2: twice as wide), with
	// Max its largest value. It sets the output width of the parameterised
	// primitives and of Identity, and an Input node keeps only that many
	// of its unit input's channels (a narrower network uses the first
	// channels, as AutoFormer's weight entanglement does).
	Width FeatureMap
	// Heads, if set, is an Attention node's number of heads, at most Max
	// (which then replaces the primitive's Heads as the largest).
	Heads FeatureMap
	// MLPRatio, if set, is an MLP node's hidden width over its width, at
	// most Max.
	MLPRatio FeatureMap
}

// Combine is how a node combines its predecessors' outputs.
type Combine uint8

const (
	// Sum: a node's input is the sum of its predecessors' outputs, as in
	// NAS-Bench-201 (a cell node sums its incoming edges), DARTS (an
	// intermediate node sums its two edges) and ResNet blocks. Spaces that
	// concatenate (DARTS's and NAS-Bench-101's cell outputs) are summed
	// too: the target network keeps one width per unit.
	Sum Combine = iota
	// SumProjectedInput is Sum where each edge from an Input node is a
	// ReLU-conv1×1 of its own, whose weights come from this (the
	// destination) node: NAS-Bench-101's input projections, which exist
	// for the cell's vertices but not, say, for a downsampling unit's
	// pooling, hence a property of the node type.
	SumProjectedInput
	numCombines
)

// Kind names a primitive: what a node computes.
type Kind uint8

// The primitives. Convolutions and pooling pad by ⌊(effective kernel −
// 1)/2⌋; pooling averages or maximises over the window's positions inside
// the map only. "ReLU first" means pre-activation, as NAS-Bench-201 and
// DARTS write their ops (ReLU-conv-BN); the target network has no batch
// normalisation.
const (
	// Unknown is the zero Kind: a node type left undeclared, an error.
	Unknown Kind = iota
	// Input is a unit input: the output of an earlier unit (From).
	Input
	// Output is the unit's output node: the sum of its predecessors.
	Output
	// Identity passes its input on. Where the node changes the resolution
	// (a stride) or the width, it is a ReLU-conv1×1 with that stride
	// instead, as DARTS's FactorizedReduce and TransNAS-Bench-101's
	// strided skip connections are.
	Identity
	// Zero outputs zeros (the "none" op).
	Zero
	// Conv is a convolution, ReLU first unless NoReLU: Kernel × Kernel,
	// Stride, Dilation; Separable makes it a depthwise Kernel × Kernel
	// convolution followed by a pointwise 1×1 (DARTS's sep_conv applies
	// that twice, the target network once; dil_conv is a separable one of
	// dilation 2).
	Conv
	// AvgPool is average pooling, Kernel × Kernel, Stride.
	AvgPool
	// MaxPool is max pooling, Kernel × Kernel, Stride.
	MaxPool
	// ResBlock is a ResNet basic block: ReLU-conv Kernel × Kernel of
	// stride Stride, ReLU-conv Kernel × Kernel, plus a shortcut that is
	// the identity, or a conv1×1 of that stride where the block changes
	// the resolution or the width; stride and width usually come from the
	// node's features (Primitives.Stride, Primitives.Width).
	ResBlock
	// Attention is pre-norm multi-head self-attention over the map's
	// positions as tokens: LayerNorm, Heads heads (at most, with a Heads
	// feature), output projection back to the node's width.
	Attention
	// MLP is a pre-norm transformer MLP: LayerNorm, a linear layer to
	// MLPRatio × width, GELU, a linear layer back to the width.
	MLP
	numKinds
)

var kindNames = [numKinds]string{"Unknown", "Input", "Output", "Identity", "Zero", "Conv", "AvgPool", "MaxPool", "ResBlock", "Attention", "MLP"}

// String returns the kind's name.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Primitive is what one node type computes. Fields that do not apply to
// its Kind must be zero.
type Primitive struct {
	Kind Kind
	// Combine is how the node combines its predecessors' outputs (the
	// zero value: their sum).
	Combine Combine
	// Kernel is the window side of Conv, AvgPool, MaxPool and ResBlock
	// (odd for Conv and ResBlock).
	Kernel int
	// Stride (0 or 1: none) is relative to the unit's input: see
	// Primitives. A Stride feature can raise it.
	Stride int
	// Dilation of a Conv (0 or 1: none).
	Dilation int
	// Separable makes a Conv depthwise-separable.
	Separable bool
	// NoReLU drops a Conv's leading ReLU (a shortcut's projection).
	NoReLU bool
	// From, for an Input, is which earlier unit's output it is: 1 (or 0)
	// the previous unit's, 2 the one before (a DARTS cell's two inputs).
	// Before the first unit every input is the stem's output.
	From int
	// Heads is an Attention node's number of heads, or with a Heads
	// feature the most heads a node may have.
	Heads int
	// MLPRatio is an MLP node's hidden width over its width, or with an
	// MLPRatio feature the largest.
	MLPRatio float64
}

// FeatureMap reads a number from a node's numeric features:
// Offset + Scale·Features[Index], or 2 to that power when Pow2. The zero
// value (Scale 0) reads nothing. Max is the largest value the map gives
// on the space's architectures, where the target network sizes its
// weights by it (Width, Heads, MLPRatio).
type FeatureMap struct {
	Index         int
	Scale, Offset float64
	Pow2          bool
	Max           float64
}

// Set reports whether m reads a feature.
func (m FeatureMap) Set() bool { return m.Scale != 0 }

// Value is m applied to one node's features; NaN when Index is not one of
// them.
func (m FeatureMap) Value(features []float64) float64 {
	if m.Index < 0 || m.Index >= len(features) {
		return math.NaN()
	}
	v := m.Offset + m.Scale*features[m.Index]
	if m.Pow2 {
		v = math.Exp2(v)
	}
	return v
}

// PrimitivesOf returns space's declaration after checking it against the
// space (Primitives.Check). A space that does not implement Computable
// gets an error wrapping ErrNoPrimitives that says what to implement.
func PrimitivesOf(space SearchSpace) (Primitives, error) {
	if space == nil {
		return Primitives{}, fmt.Errorf("%w: nil space", ErrNoPrimitives)
	}
	c, ok := space.(Computable)
	if !ok {
		names := space.OpNames()
		shown := strings.Join(names[:min(len(names), 8)], ", ")
		if len(names) > 8 {
			shown += ", …"
		}
		return Primitives{}, fmt.Errorf("%w: space %q: implement searchspace.Computable, a method Primitives() searchspace.Primitives that gives, "+
			"for each of its %d node types (%s), what the node computes, e.g. searchspace.Primitive{Kind: searchspace.Conv, Kernel: 3}",
			ErrNoPrimitives, space.Name(), len(names), shown)
	}
	p := c.Primitives()
	if err := p.Check(space); err != nil {
		return Primitives{}, err
	}
	return p, nil
}

// Check reports the first way p does not fit space: not one Primitive
// per node type, an Unknown kind, a field that does not apply to a kind
// or is out of range, no Input and Output kind, a feature map whose Index
// is not one of the space's features. The error wraps
// ErrInvalidPrimitives and names the node type.
func (p Primitives) Check(space SearchSpace) error {
	if space == nil {
		return fmt.Errorf("%w: nil space", ErrInvalidPrimitives)
	}
	names := space.OpNames()
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: space %q: %s", ErrInvalidPrimitives, space.Name(), fmt.Sprintf(format, args...))
	}
	if len(p.Ops) != len(names) {
		return bad("%d primitives for %d node types (OpNames): declare one per node type, in OpNames order", len(p.Ops), len(names))
	}
	nf := space.NumFeatures()
	for _, m := range []struct {
		name string
		fm   FeatureMap
		max  bool
	}{{"Stride", p.Stride, false}, {"Width", p.Width, true}, {"Heads", p.Heads, true}, {"MLPRatio", p.MLPRatio, true}} {
		switch {
		case !m.fm.Set():
		case m.fm.Index < 0 || m.fm.Index >= nf:
			return bad("%s feature index %d: the space has %d numeric features", m.name, m.fm.Index, nf)
		case math.IsNaN(m.fm.Scale) || math.IsInf(m.fm.Scale, 0) || math.IsNaN(m.fm.Offset) || math.IsInf(m.fm.Offset, 0):
			return bad("%s feature map %+v is not finite", m.name, m.fm)
		case m.max && !(m.fm.Max > 0 && !math.IsInf(m.fm.Max, 0)):
			return bad("%s feature map needs Max, its largest value (> 0), got %v", m.name, m.fm.Max)
		}
	}
	var in, out bool
	for t, op := range p.Ops {
		if err := op.check(); err != "" {
			return bad("node type %d (%s): %s", t, names[t], err)
		}
		if op.Kind == Attention && op.Heads < 1 && !p.Heads.Set() {
			return bad("node type %d (%s): Attention needs Heads >= 1 (or a Heads feature)", t, names[t])
		}
		if op.Kind == MLP && !(op.MLPRatio > 0) && !p.MLPRatio.Set() {
			return bad("node type %d (%s): MLP needs MLPRatio > 0 (or an MLPRatio feature)", t, names[t])
		}
		in, out = in || op.Kind == Input, out || op.Kind == Output
	}
	if !in || !out {
		return bad("no node type of kind Input and Output: every unit starts with an Input node and ends with an Output node")
	}
	return nil
}

// check returns what is wrong with op on its own ("" if nothing).
func (op Primitive) check() string {
	if op.Kind == Unknown || op.Kind >= numKinds {
		return fmt.Sprintf("kind %v: declare one of Input, Output, Identity, Zero, Conv, AvgPool, MaxPool, ResBlock, Attention, MLP", op.Kind)
	}
	if op.Combine >= numCombines {
		return fmt.Sprintf("Combine %d is not Sum or SumProjectedInput", op.Combine)
	}
	window := op.Kind == Conv || op.Kind == AvgPool || op.Kind == MaxPool || op.Kind == ResBlock
	switch {
	case op.Stride < 0 || op.Dilation < 0 || op.From < 0 || op.Heads < 0 || op.Kernel < 0:
		return fmt.Sprintf("negative field in %+v", op)
	case math.IsNaN(op.MLPRatio) || math.IsInf(op.MLPRatio, 0) || op.MLPRatio < 0:
		return fmt.Sprintf("MLPRatio %v is not a finite number >= 0", op.MLPRatio)
	case window && op.Kernel < 1:
		return fmt.Sprintf("%v needs Kernel >= 1", op.Kind)
	case (op.Kind == Conv || op.Kind == ResBlock) && op.Kernel%2 == 0:
		return fmt.Sprintf("%v kernel %d is even: convolutions are centred (odd kernels)", op.Kind, op.Kernel)
	case !window && op.Kernel != 0:
		return fmt.Sprintf("Kernel %d does not apply to %v", op.Kernel, op.Kind)
	case op.Kind != Conv && (op.Dilation > 1 || op.Separable || op.NoReLU):
		return fmt.Sprintf("Dilation, Separable and NoReLU apply to Conv only, not %v", op.Kind)
	case op.Kind != Input && op.From > 0:
		return fmt.Sprintf("From applies to Input only, not %v", op.Kind)
	case op.Kind != Attention && op.Heads != 0:
		return fmt.Sprintf("Heads applies to Attention only, not %v", op.Kind)
	case op.Kind != MLP && op.MLPRatio != 0:
		return fmt.Sprintf("MLPRatio applies to MLP only, not %v", op.Kind)
	case op.Stride > 1 && (op.Kind == Input || op.Kind == Output || op.Kind == Attention || op.Kind == MLP):
		return fmt.Sprintf("Stride does not apply to %v", op.Kind)
	}
	return ""
}
