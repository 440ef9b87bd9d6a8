package gx

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// CheckDtype accepts the two dtypes this module computes in.
func CheckDtype(dt tensor.Dtype) error {
	if dt != tensor.Float64 && dt != tensor.Float32 {
		return fmt.Errorf("dtype %v is not supported (use float32 or float64)", dt)
	}
	return nil
}

// Scalar returns a constant of dtype dt (float32 or float64) with value v.
// Its name carries the dtype and the exact value ("float32(0.5)"): Gorgonia
// merges constants by name alone, and the default name, the printed value,
// would merge float32(0.5) with float64(0.5).
func Scalar(dt tensor.Dtype, v float64) *G.Node {
	name := fmt.Sprintf("%v(%v)", dt, v)
	if dt == tensor.Float32 {
		return G.NewConstant(float32(v), G.WithName(name))
	}
	return G.NewConstant(v, G.WithName(name))
}

// Matrix returns an (r, c) constant of dtype dt from row-major data, named
// name + "." + dt. Gorgonia merges constants by name, and a large tensor
// prints abbreviated, so the caller passes a name that determines the
// content (e.g. "loss.upper8" for the 8×8 upper triangle of ones).
func Matrix(dt tensor.Dtype, name string, r, c int, data []float64) (*G.Node, error) {
	t, err := Dense(dt, data, r, c)
	if err != nil {
		return nil, err
	}
	return G.NewConstant(t, G.WithName(fmt.Sprintf("%s.%v", name, dt))), nil
}

// maxValues bounds the size of a tensor made here, far above any model of
// this module, so that a corrupt shape is an error rather than an attempt
// to allocate it.
const maxValues = 1 << 34

// Size returns the number of values of a tensor of the given shape, and an
// error if the shape is empty, has a dimension < 1, or is absurdly large.
func Size(shape ...int) (int, error) {
	if len(shape) == 0 {
		return 0, errors.New("empty shape")
	}
	n := 1
	for _, d := range shape {
		if d < 1 {
			return 0, fmt.Errorf("shape %v has a dimension < 1", shape)
		}
		if n > maxValues/d {
			return 0, fmt.Errorf("shape %v has more than %d values", shape, maxValues)
		}
		n *= d
	}
	return n, nil
}

// Dense returns a new tensor of dtype dt and the given shape holding vals
// (copied; converted for float32).
func Dense(dt tensor.Dtype, vals []float64, shape ...int) (*tensor.Dense, error) {
	if err := CheckDtype(dt); err != nil {
		return nil, err
	}
	n, err := Size(shape...)
	if err != nil {
		return nil, err
	}
	if n != len(vals) {
		return nil, fmt.Errorf("%d values for shape %v", len(vals), shape)
	}
	var backing any
	if dt == tensor.Float32 {
		f := make([]float32, len(vals))
		for i, v := range vals {
			f[i] = float32(v)
		}
		backing = f
	} else {
		backing = slices.Clone(vals)
	}
	return tensor.New(tensor.WithShape(slices.Clone(shape)...), tensor.WithBacking(backing)), nil
}

// SetFloat64s copies vals into t's backing array (float32 or float64),
// converting. It fails, leaving t unchanged, if the lengths differ or a
// value is NaN or infinite: a graph input that holds one gives wrong
// numbers without an error.
func SetFloat64s(t *tensor.Dense, vals []float64) error {
	if t == nil {
		return errors.New("nil tensor")
	}
	if n := t.Shape().TotalSize(); n != len(vals) {
		return fmt.Errorf("%d values for a tensor of shape %v (%d values)", len(vals), t.Shape(), n)
	}
	for i, v := range vals {
		if v-v != 0 { // NaN or ±Inf
			return fmt.Errorf("value %d is %v", i, v)
		}
	}
	switch d := t.Data().(type) {
	case []float32:
		for i, v := range vals {
			d[i] = float32(v)
		}
	case []float64:
		copy(d, vals)
	default:
		return fmt.Errorf("tensor of dtype %v, want float32 or float64", t.Dtype())
	}
	return nil
}

// ToFloat64s returns a copy of the values of v as float64. v is a G.Value or
// tensor (anything with a Data method), a []float32 or []float64 backing
// slice, or a float32 or float64 scalar; anything else gives nil.
func ToFloat64s(v any) []float64 {
	if d, ok := v.(interface{ Data() any }); ok {
		if isNil(d) {
			return nil
		}
		v = d.Data()
	}
	switch d := v.(type) {
	case []float64:
		return slices.Clone(d)
	case []float32:
		out := make([]float64, len(d))
		for i, x := range d {
			out[i] = float64(x)
		}
		return out
	case float64:
		return []float64{d}
	case float32:
		return []float64{float64(d)}
	}
	return nil
}

// ToFloat64 returns the value of a scalar or one-element v (as ToFloat64s
// takes it) as float64, or NaN and false.
func ToFloat64(v any) (float64, bool) {
	f := ToFloat64s(v)
	if len(f) != 1 {
		return math.NaN(), false
	}
	return f[0], true
}

// isNil reports whether v holds a nil pointer, on which a Data method
// would panic.
func isNil(v any) bool {
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}
