package archtype

import (
	"fmt"
	"iter"
	"math/rand/v2"

	"github.com/hypernas/go-hypernas/searchspace"
)

// As returns a as a T: a may be a T or a non-nil *T. Anything else (another
// type, a nil Arch, a nil *T) is an error wrapping
// searchspace.ErrInvalidArch; space names the space's architectures in it,
// e.g. "an NB201".
func As[T searchspace.Arch](a searchspace.Arch, space string) (T, error) {
	var zero T
	if v, ok := a.(T); ok {
		return v, nil
	}
	if p, ok := any(a).(*T); ok {
		if p == nil {
			return zero, fmt.Errorf("%w: nil *%T", searchspace.ErrInvalidArch, zero)
		}
		return *p, nil
	}
	return zero, fmt.Errorf("%w: %T is not %s architecture (want %T)", searchspace.ErrInvalidArch, a, space, zero)
}

// Valid is As followed by check, the type's own validation: a space's
// Validate, Mutate, Encode and EncodeCell accept exactly what it returns
// without error.
func Valid[T searchspace.Arch](a searchspace.Arch, space string, check func(T) error) (T, error) {
	v, err := As[T](a, space)
	if err != nil {
		return v, err
	}
	return v, check(v)
}

// Parse is a package parser as a space's Parse method: its result as a
// searchspace.Arch, and a nil Arch (not a zero T) with the error.
func Parse[T searchspace.Arch](s string, parse func(string) (T, error)) (searchspace.Arch, error) {
	v, err := parse(s)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Mutate is the body of a space's Mutate method: a unwrapped and checked
// by as, then changed by mutate with rng, which must not be nil; space
// names the space in that error ("nb201").
func Mutate[T searchspace.Arch](a searchspace.Arch, rng *rand.Rand, space string, as func(searchspace.Arch) (T, error), mutate func(T, *rand.Rand) T) (searchspace.Arch, error) {
	v, err := as(a)
	if err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, fmt.Errorf("%s: Mutate needs a random source, got a nil *rand.Rand", space)
	}
	return mutate(v, rng), nil
}

// All is the All method of a space of n architectures numbered by at: it
// yields at(0), …, at(n-1) with their indices (at never fails in range).
func All[T searchspace.Arch](n int, at func(int) (T, error)) iter.Seq2[int, searchspace.Arch] {
	return func(yield func(int, searchspace.Arch) bool) {
		for i := range n {
			a, _ := at(i) // i is in range
			if !yield(i, a) {
				return
			}
		}
	}
}
