package gradcheck

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

// Result is the worst disagreement found.
type Result struct {
	Checked     int
	MaxRelError float64
	Worst       string
}

// Check differentiates the scalar cost of a float64 graph with respect to
// wrt, then perturbs up to perParam entries of each wrt value (chosen with
// rng) by ±eps and compares (f(x+eps) − f(x−eps)) / 2eps with the symbolic
// gradient. The relative error is |a − n| / max(1e-6, |a| + |n|). bind, if
// set, is called before every run (to set inputs).
func Check(g *G.ExprGraph, cost *G.Node, wrt G.Nodes, perParam int, eps float64, rng *rand.Rand, bind func() error) (res Result, err error) {
	defer gx.Recover(&err, "gradcheck", "checking gradients")
	switch {
	case g == nil || cost == nil || rng == nil || len(wrt) == 0 || slices.Contains(wrt, nil):
		return res, errors.New("gradcheck: needs a graph, a cost, nodes to differentiate and a random source")
	case perParam < 1 || !(eps > 0) || math.IsInf(eps, 0):
		return res, fmt.Errorf("gradcheck: %d entries per parameter with step %v", perParam, eps)
	}
	if cost.Dtype() != tensor.Float64 {
		return res, fmt.Errorf("gradcheck: needs a float64 graph, cost is %v", cost.Dtype())
	}
	grads, err := G.Grad(cost, wrt...)
	if err != nil {
		return res, err
	}
	var costVal G.Value
	G.Read(cost, &costVal)
	gradVals := make([]G.Value, len(grads))
	for i, gn := range grads {
		G.Read(gn, &gradVals[i])
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	run := func() (float64, error) {
		if bind != nil {
			if err := bind(); err != nil {
				return 0, err
			}
		}
		defer vm.Reset()
		if err := vm.RunAll(); err != nil {
			return 0, err
		}
		return costVal.Data().(float64), nil
	}
	if _, err := run(); err != nil {
		return res, err
	}
	analytic := make([][]float64, len(wrt))
	for i, gv := range gradVals {
		analytic[i] = append([]float64(nil), toSlice(gv)...)
	}
	for i, n := range wrt {
		data := toSlice(n.Value())
		if data == nil {
			return res, fmt.Errorf("gradcheck: %s has no float64 value", n.Name())
		}
		idx := rng.Perm(len(data))
		if len(idx) > perParam {
			idx = idx[:perParam]
		}
		for _, k := range idx {
			orig := data[k]
			data[k] = orig + eps
			fp, err := run()
			if err != nil {
				return res, err
			}
			data[k] = orig - eps
			fm, err := run()
			if err != nil {
				return res, err
			}
			data[k] = orig
			num := (fp - fm) / (2 * eps)
			a := analytic[i][k]
			rel := math.Abs(a-num) / math.Max(1e-6, math.Abs(a)+math.Abs(num))
			res.Checked++
			if rel > res.MaxRelError || math.IsNaN(rel) {
				res.MaxRelError = rel
				res.Worst = fmt.Sprintf("%s[%d]: symbolic %.8g, numeric %.8g", n.Name(), k, a, num)
			}
		}
	}
	return res, nil
}

func toSlice(v G.Value) []float64 {
	if v == nil {
		return nil
	}
	switch d := v.Data().(type) {
	case []float64:
		return d
	case float64:
		return []float64{d}
	}
	return nil
}
