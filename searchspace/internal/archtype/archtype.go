package archtype

import (
	"fmt"

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
