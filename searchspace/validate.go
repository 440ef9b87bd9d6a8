package searchspace

import (
	"fmt"
	"math/rand/v2"
)

// ValidateSequence checks that seq, an encoding that space's Encode
// returned, fits what the space declares: at least one unit, at most
// MaxUnits units when the space implements VariableDepth, and every unit a
// Graph that passes Graph.Validate with len(OpNames), MaxNodes and
// NumFeatures. The error wraps ErrInvalidArch, names the unit and says
// which declaration of the space (or which part of its Encode) to fix.
//
// A space without VariableDepth must encode every architecture to the same
// number of units (NumUnits); ValidateSequence does not encode a reference
// architecture to compare with, so a caller that has fixed the length
// compares len(seq) itself.
func ValidateSequence(space SearchSpace, seq Sequence) error {
	d, err := declarations(space)
	if err != nil {
		return err
	}
	if len(seq) == 0 {
		return fmt.Errorf("%w: %s: Encode returned no units; a global encoding has at least one unit", ErrInvalidArch, d.name)
	}
	if d.maxUnits > 0 && len(seq) > d.maxUnits {
		return fmt.Errorf("%w: %s: Encode returned %d units, more than MaxUnits() = %d: raise MaxUnits to the unit count of the deepest network",
			ErrInvalidArch, d.name, len(seq), d.maxUnits)
	}
	for i, g := range seq {
		if fix, err := g.validate(d.vocab, d.maxNodes, d.features); err != nil {
			return fmt.Errorf("%s: Encode unit %d of %d: %w%s", d.name, i, len(seq), err, d.advice(fix, false))
		}
	}
	return nil
}

// ValidateCell is ValidateSequence for the single-cell encoding: g, a graph
// that space's EncodeCell returned, must pass Graph.Validate with
// len(OpNames), MaxCellNodes(space) and NumFeatures.
func ValidateCell(space SearchSpace, g Graph) error {
	d, err := declarations(space)
	if err != nil {
		return err
	}
	if fix, err := g.validate(d.vocab, d.maxCellNodes, d.features); err != nil {
		return fmt.Errorf("%s: EncodeCell graph: %w%s", d.name, err, d.advice(fix, true))
	}
	return nil
}

// MaxCellNodes is the node limit of space's EncodeCell graphs: the space's
// MaxCellNodes when it implements CellSized, else its MaxNodes (0 for a nil
// space).
func MaxCellNodes(space SearchSpace) int {
	if space == nil {
		return 0
	}
	if cs, ok := space.(CellSized); ok {
		return cs.MaxCellNodes()
	}
	return space.MaxNodes()
}

// NumUnits is the length of space's global encodings: MaxUnits for a
// VariableDepth space (the longest), else the length of the encoding of an
// architecture sampled with a fixed seed, which every encoding of such a
// space must share. The sampled encoding is checked with ValidateSequence.
func NumUnits(space SearchSpace) (int, error) {
	d, err := declarations(space)
	if err != nil {
		return 0, err
	}
	if d.maxUnits > 0 {
		return d.maxUnits, nil
	}
	a := space.Sample(rand.New(rand.NewPCG(0, 0)))
	if a == nil {
		return 0, fmt.Errorf("%w: %s: Sample returned a nil Arch", ErrInvalidArch, d.name)
	}
	seq, err := space.Encode(a)
	if err != nil {
		return 0, fmt.Errorf("%s: Encode(%s): %w", d.name, a, err)
	}
	if err := ValidateSequence(space, seq); err != nil {
		return 0, fmt.Errorf("sampled architecture %q: %w", a.String(), err)
	}
	return len(seq), nil
}

// declared holds a space's declarations, checked.
type declared struct {
	name                          string
	vocab, maxNodes, maxCellNodes int
	features                      int
	maxUnits                      int // 0 unless VariableDepth
	cellSized                     bool
}

func declarations(space SearchSpace) (declared, error) {
	if space == nil {
		return declared{}, fmt.Errorf("%w: no search space (nil SearchSpace)", ErrInvalidArch)
	}
	d := declared{
		name:     space.Name(),
		vocab:    len(space.OpNames()),
		maxNodes: space.MaxNodes(),
		features: space.NumFeatures(),
	}
	d.maxCellNodes = d.maxNodes
	if d.name == "" {
		d.name = fmt.Sprintf("search space %T", space)
	}
	switch {
	case d.vocab == 0:
		return d, fmt.Errorf("%w: %s: OpNames() is empty: declare the node types of the encodings", ErrInvalidArch, d.name)
	case d.maxNodes < 1:
		return d, fmt.Errorf("%w: %s: MaxNodes() is %d: declare the node count of the largest unit", ErrInvalidArch, d.name, d.maxNodes)
	case d.features < 0:
		return d, fmt.Errorf("%w: %s: NumFeatures() is %d: declare 0 or more node features", ErrInvalidArch, d.name, d.features)
	}
	if vd, ok := space.(VariableDepth); ok {
		d.maxUnits = vd.MaxUnits()
		if d.maxUnits < 1 {
			return d, fmt.Errorf("%w: %s: MaxUnits() is %d: declare the unit count of the deepest network", ErrInvalidArch, d.name, d.maxUnits)
		}
	}
	if cs, ok := space.(CellSized); ok {
		d.cellSized = true
		d.maxCellNodes = cs.MaxCellNodes()
		if d.maxCellNodes < 1 {
			return d, fmt.Errorf("%w: %s: MaxCellNodes() is %d: declare the node count of the largest EncodeCell graph", ErrInvalidArch, d.name, d.maxCellNodes)
		}
	}
	return d, nil
}

// advice says what to change for a graph problem of the given kind.
func (d declared) advice(fix graphFix, cell bool) string {
	switch fix {
	case fixMaxNodes:
		switch {
		case !cell:
			return fmt.Sprintf(" (MaxNodes() is %d: raise MaxNodes to the node count of the largest unit)", d.maxNodes)
		case d.cellSized:
			return fmt.Sprintf(" (MaxCellNodes() is %d: raise MaxCellNodes to the node count of the largest EncodeCell graph)", d.maxCellNodes)
		default:
			return fmt.Sprintf(" (MaxNodes() is %d: raise MaxNodes, or implement searchspace.CellSized with MaxCellNodes if only EncodeCell's graphs are larger)", d.maxNodes)
		}
	case fixOpNames:
		return fmt.Sprintf(" (OpNames() has %d entries: add the missing node type to OpNames, or fix the op index the encoding writes)", d.vocab)
	case fixNumFeatures:
		return fmt.Sprintf(" (NumFeatures() is %d: make NumFeatures match the features every node of the encoding carries)", d.features)
	}
	what := "Encode"
	if cell {
		what = "EncodeCell"
	}
	return " (fix the graph " + what + " builds: nodes in topological order, edges forward, one adjacency row and one feature row per node)"
}
