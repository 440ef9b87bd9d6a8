package metrics

import (
	"errors"
	"fmt"
	"math"
)

// Sentinel errors; the returned errors wrap them, test with errors.Is.
var (
	// ErrLengthMismatch: the two inputs do not have the same length.
	ErrLengthMismatch = errors.New("metrics: inputs have different lengths")
	// ErrTooFew: too few elements for the metric to be defined.
	ErrTooFew = errors.New("metrics: too few elements")
	// ErrNaN: an input holds a NaN, which has no place in an order.
	ErrNaN = errors.New("metrics: NaN in input")
	// ErrBadK: k is outside 1..n.
	ErrBadK = errors.New("metrics: k out of range")
	// ErrConstant: all values of an input are equal, so it has no order
	// and a rank correlation with it is undefined (0/0). scipy returns NaN
	// here; an error lets a caller report, say, "all labels are equal".
	ErrConstant = errors.New("metrics: input is constant")
)

// checkPair validates a pair of inputs of a metric that needs at least
// minLen elements; names are used in messages ("x", "y" or "pred", "truth").
func checkPair(xName string, x []float64, yName string, y []float64, minLen int) error {
	if len(x) != len(y) {
		return fmt.Errorf("%w: len(%s)=%d, len(%s)=%d", ErrLengthMismatch, xName, len(x), yName, len(y))
	}
	if len(x) < minLen {
		return fmt.Errorf("%w: %d elements, need at least %d", ErrTooFew, len(x), minLen)
	}
	if i := indexNaN(x); i >= 0 {
		return fmt.Errorf("%w: %s[%d] is NaN", ErrNaN, xName, i)
	}
	if i := indexNaN(y); i >= 0 {
		return fmt.Errorf("%w: %s[%d] is NaN", ErrNaN, yName, i)
	}
	return nil
}

// checkCorrelation validates the inputs of a rank correlation: equal
// lengths, at least two elements, no NaN, neither input constant.
func checkCorrelation(x, y []float64) error {
	if err := checkPair("x", x, "y", y, 2); err != nil {
		return err
	}
	for _, in := range []struct {
		name string
		v    []float64
	}{{"x", x}, {"y", y}} {
		if constant(in.v) {
			return fmt.Errorf("%w: all %d values of %s are %v", ErrConstant, len(in.v), in.name, in.v[0])
		}
	}
	return nil
}

// constant reports whether every value of x equals x[0] (−0 equals +0).
func constant(x []float64) bool {
	for _, v := range x[1:] {
		if v != x[0] {
			return false
		}
	}
	return true
}

// indexNaN returns the index of the first NaN in x, or -1.
func indexNaN(x []float64) int {
	for i, v := range x {
		if math.IsNaN(v) {
			return i
		}
	}
	return -1
}

// clamp1 keeps a correlation inside [-1, 1] against rounding, as scipy does.
func clamp1(r float64) float64 {
	return math.Min(1, math.Max(-1, r))
}
