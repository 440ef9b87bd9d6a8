package gx

import (
	"fmt"
	"hash"
	"hash/fnv"
	"reflect"
	"unsafe"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// OpDefaults holds the methods of G.Op that are the same for every custom op
// of this module: it returns a value, not a pointer, runs in Go on the CPU,
// and never overwrites an input. Embed it in an op type.
//
// Embedding adds a field, which %+v prints: an op whose WriteHash prints its
// fields with %+v hashes "OpDefaults:{}" as well (harmless, but it changes
// the op's hash value).
type OpDefaults struct{}

// ReturnsPtr reports false: the op returns a value.
func (OpDefaults) ReturnsPtr() bool { return false }

// CallsExtern reports false: the op runs in Go.
func (OpDefaults) CallsExtern() bool { return false }

// OverwritesInput returns -1: no input is overwritten.
func (OpDefaults) OverwritesInput() int { return -1 }

// Hashcode is the 32-bit FNV-1a hash of what op.WriteHash writes: the
// Hashcode method of a custom op is `return gx.Hashcode(op)`.
func Hashcode(op interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

// WriteHash writes name, then every field with %+v, to h. An op passes its
// name (which says what it computes, and for a family of ops which member)
// and every field that changes what it computes, e.g.
//
//	type fields tgtOp // the same fields without tgtOp's String method
//	gx.WriteHash(h, "hypernas.target."+kindName, fields(op))
//
// writes the same bytes as fmt.Fprintf(h, "hypernas.target.%s%+v", kindName,
// fields(op)). Converting to a type without methods keeps %+v from calling a
// String method that omits fields. CheckHashFields tests that no field is
// missed.
func WriteHash(h hash.Hash, name string, fields ...any) {
	fmt.Fprint(h, name)
	for _, f := range fields {
		fmt.Fprintf(h, "%+v", f)
	}
}

// Out returns prealloc when it is a dense, natively accessible tensor (not a
// view) of dtype dt and the given shape, else a new zeroed tensor. The tape
// machine offers an op whatever value its register last held, which may
// belong to another node, so an op must not trust prealloc blindly. A reused
// tensor holds stale values: an op that accumulates must clear it first.
func Out(prealloc G.Value, dt tensor.Dtype, shape ...int) *tensor.Dense {
	if fits(prealloc, dt, shape) {
		return prealloc.(*tensor.Dense)
	}
	return tensor.New(tensor.Of(dt), tensor.WithShape(shape...))
}

// fits reports whether v is a dense, natively accessible tensor (not a
// view) of dtype dt and the given shape.
func fits(v G.Value, dt tensor.Dtype, shape []int) bool {
	d, ok := v.(*tensor.Dense)
	return ok && d != nil && d.Dtype() == dt && d.Shape().Eq(tensor.Shape(shape)) && d.IsNativelyAccessible() && !d.IsView()
}

// OutBuf keeps an op node's output tensor from run to run. A tape machine
// forgets its values when it is reset, so an op that writes into Out(nil,
// …) allocates its output every step, and the collector reclaims it; an op
// that holds an OutBuf (a pointer field, one per node, made with the node
// and left out of the op's hash) reuses it. The tensor is the node's value
// until the machine's next run, as any value of a run is.
type OutBuf struct{ t *tensor.Dense }

// Out returns prealloc when it fits (as Out), else the buffer's tensor
// when that fits, else a new zeroed tensor that the buffer then keeps. A
// nil buffer keeps nothing.
func (b *OutBuf) Out(prealloc G.Value, dt tensor.Dtype, shape ...int) *tensor.Dense {
	if fits(prealloc, dt, shape) || b == nil {
		return Out(prealloc, dt, shape...)
	}
	if !fits(b.t, dt, shape) {
		b.t = tensor.New(tensor.Of(dt), tensor.WithShape(shape...))
	}
	return b.t
}

// CheckHashFields reports an error naming the first field of op (a struct,
// searched recursively through nested structs and arrays) whose change
// leaves op.Hashcode() unchanged: Gorgonia would then merge two nodes that
// compute different things. Every bool, integer, float and string field is
// changed in turn, unexported ones included; fields of other kinds
// (pointers, slices, maps) are not checked. A hash that panics on the
// changed value counts as depending on it. Use it in a test of each op.
func CheckHashFields(op G.Op) error {
	v := reflect.ValueOf(op)
	if v.Kind() != reflect.Struct {
		return fmt.Errorf("gx: op %T is not a struct", op)
	}
	base := op.Hashcode()
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	var walk func(f reflect.Value, path string) error
	walk = func(f reflect.Value, path string) error {
		switch f.Kind() {
		case reflect.Struct:
			for i := 0; i < f.NumField(); i++ {
				if err := walk(f.Field(i), path+"."+f.Type().Field(i).Name); err != nil {
					return err
				}
			}
			return nil
		case reflect.Array:
			for i := 0; i < f.Len(); i++ {
				if err := walk(f.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			return nil
		}
		// Unexported fields are not settable through reflect; a pointer
		// to the same memory is.
		f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
		old := reflect.New(f.Type()).Elem()
		old.Set(f)
		if !perturb(f) {
			return nil
		}
		changed := hashChanged(c.Interface().(G.Op), base)
		f.Set(old)
		if !changed {
			return fmt.Errorf("gx: op %T: field %s does not change the hash", op, path[1:])
		}
		return nil
	}
	return walk(c, "")
}

// perturb changes a scalar field and reports whether it could.
func perturb(f reflect.Value) bool {
	switch f.Kind() {
	case reflect.Bool:
		f.SetBool(!f.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f.SetInt(f.Int() ^ 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		f.SetUint(f.Uint() ^ 1)
	case reflect.Float32, reflect.Float64:
		f.SetFloat(f.Float()*2 + 1)
	case reflect.String:
		f.SetString(f.String() + "#")
	default:
		return false
	}
	return true
}

func hashChanged(op G.Op, base uint32) (changed bool) {
	defer func() {
		if recover() != nil {
			changed = true
		}
	}()
	return op.Hashcode() != base
}
