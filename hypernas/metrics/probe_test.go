package metrics

import (
	"math"
	"testing"

	"github.com/hypernas/go-hypernas/internal/apicheck"
)

// TestNoPanics calls every exported function with empty, nil, mismatched,
// NaN, constant and out-of-range arguments: each returns an error (or,
// marked "(ok)", a documented result) and none panics.
func TestNoPanics(t *testing.T) {
	nan := math.NaN()
	errOf := func(_ float64, err error) error { return err }
	calls := map[string]func() error{
		"Ranks/nil (ok)": func() error { _ = Ranks(nil); return nil },
		"Ranks/NaN (ok)": func() error { _ = Ranks([]float64{nan}); return nil },
	}
	for name, f := range map[string]func(x, y []float64) (float64, error){
		"KendallTau": KendallTau, "KendallTauNaive": KendallTauNaive, "SpearmanRho": SpearmanRho,
	} {
		calls[name+"/nil"] = func() error { return errOf(f(nil, nil)) }
		calls[name+"/lengths"] = func() error { return errOf(f([]float64{1, 2}, []float64{1})) }
		calls[name+"/NaN"] = func() error { return errOf(f([]float64{1, nan}, []float64{1, 2})) }
		calls[name+"/constant"] = func() error { return errOf(f([]float64{1, 2}, []float64{3, 3})) }
	}
	for name, f := range topKFuncs {
		calls[name+"/nil"] = func() error { return errOf(f(nil, nil, 1)) }
		calls[name+"/k 0"] = func() error { return errOf(f([]float64{1}, []float64{1}, 0)) }
		calls[name+"/k -1"] = func() error { return errOf(f([]float64{1}, []float64{1}, -1)) }
		calls[name+"/k > n"] = func() error { return errOf(f([]float64{1}, []float64{1}, 2)) }
		calls[name+"/NaN"] = func() error { return errOf(f([]float64{nan}, []float64{1}, 1)) }
		calls[name+"/lengths"] = func() error { return errOf(f([]float64{1}, nil, 1)) }
	}
	apicheck.Run(t, ".", calls)
}
