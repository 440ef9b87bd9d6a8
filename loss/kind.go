package loss

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Kind selects a prediction loss. Its text form ("mse", "hinge", "bpr",
// "listmle") is what ParseKind reads and String writes, so a *Kind can serve
// as a flag.Value:
//
//	kind := loss.KindMSE
//	flag.Var(&kind, "loss", "prediction loss: "+strings.Join(loss.KindNames(), ", "))
type Kind int

// The prediction losses. The zero Kind is KindMSE, the paper's L_pred.
const (
	// KindMSE is the mean squared error, the paper's L_pred.
	KindMSE Kind = iota
	// KindHinge is the pairwise hinge loss over all ordered pairs of a batch.
	KindHinge
	// KindBPR is the pairwise logistic (BPR) loss over all ordered pairs.
	KindBPR
	// KindListMLE is the ListMLE listwise loss.
	KindListMLE
	numKinds
)

var kindNames = [numKinds]string{"mse", "hinge", "bpr", "listmle"}

// KindNames lists the names ParseKind accepts, in Kind order.
func KindNames() []string { return append([]string(nil), kindNames[:]...) }

// String returns the name ParseKind reads back.
func (k Kind) String() string {
	if k >= 0 && k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Ranking reports whether k is a ranking loss (every kind but MSE): such a
// loss depends on the order of the targets only, not on their scale.
func (k Kind) Ranking() bool { return k > KindMSE && k < numKinds }

// ParseKind reads a loss name: exactly one of KindNames (lower case, no
// spaces). The error wraps searchspace.ErrParse.
func ParseKind(name string) (Kind, error) {
	for k, n := range kindNames {
		if name == n {
			return Kind(k), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown loss %q, want one of %s", searchspace.ErrParse, name, strings.Join(kindNames[:], ", "))
}

// Set implements flag.Value.
func (k *Kind) Set(name string) error {
	if k == nil {
		return errors.New("loss: Set of a nil *Kind")
	}
	v, err := ParseKind(name)
	if err != nil {
		return err
	}
	*k = v
	return nil
}
