package loss

import (
	"math"
	"testing"

	"github.com/hypernas/go-hypernas/internal/apicheck"
	"github.com/stretchr/testify/require"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestNoPanics calls every exported function and method with zero,
// negative, nil, mismatched and out-of-range arguments: each returns an
// error (or, marked "(ok)", a harmless zero result) and none panics.
func TestNoPanics(t *testing.T) {
	g := G.NewGraph()
	p3 := G.NewVector(g, tensor.Float64, G.WithShape(3), G.WithName("p3"))
	t4 := G.NewVector(g, tensor.Float64, G.WithShape(4), G.WithName("t4"))
	l := G.NewScalar(g, tensor.Float64, G.WithName("l"))
	noGraph := G.NewConstant(1.0)
	pl, err := NewPredLoss(KindMSE, p3)
	require.NoError(t, err)
	var tracker ParetoTracker
	require.NoError(t, tracker.Add(0, 1, 2))
	var nilKind *Kind
	errOf := func(_ any, err error) error { return err }

	apicheck.Run(t, ".", map[string]func() error{
		"MSE/nil":                         func() error { return errOf(MSE(nil, nil)) },
		"MSE/lengths":                     func() error { return errOf(MSE(p3, t4)) },
		"MSE/no graph":                    func() error { return errOf(MSE(noGraph, noGraph)) },
		"PairwiseHinge/NaN margin":        func() error { return errOf(PairwiseHinge(p3, p3, math.NaN())) },
		"PairwiseHinge/nil":               func() error { return errOf(PairwiseHinge(nil, p3, 0.1)) },
		"PairwiseLogistic/scalar":         func() error { return errOf(PairwiseLogistic(l, l)) },
		"ListMLE/lengths":                 func() error { return errOf(ListMLE(p3, t4)) },
		"StopGradient/nil":                func() error { return errOf(StopGradient(nil)) },
		"StopGradient/no graph":           func() error { return errOf(StopGradient(noGraph)) },
		"NewPredLoss/nil pred":            func() error { return errOf(NewPredLoss(KindMSE, nil)) },
		"NewPredLoss/unknown kind":        func() error { return errOf(NewPredLoss(Kind(-1), p3)) },
		"NewPredLoss/nil option":          func() error { return errOf(NewPredLoss(KindMSE, p3, nil)) },
		"NewPredLoss/negative margin":     func() error { return errOf(NewPredLoss(KindMSE, p3, WithHingeMargin(-1))) },
		"WithHingeMargin/Inf":             func() error { return errOf(NewPredLoss(KindHinge, p3, WithHingeMargin(math.Inf(1)))) },
		"PredLoss.Bind/wrong count":       func() error { return pl.Bind([]float64{1}) },
		"PredLoss.Bind/NaN":               func() error { return pl.Bind([]float64{1, math.NaN(), 2}) },
		"PredLoss.Bind/nil":               func() error { return (*PredLoss)(nil).Bind(nil) },
		"PredLoss.Bind/zero":              func() error { return (&PredLoss{}).Bind(nil) },
		"PredLoss.BatchSize/zero (ok)":    func() error { _ = (&PredLoss{}).BatchSize(); return nil },
		"PredLoss.Inputs/nil (ok)":        func() error { _ = (*PredLoss)(nil).Inputs(); return nil },
		"ParseKind/empty":                 func() error { return errOf(ParseKind("")) },
		"Kind.Set/unknown":                func() error { k := KindMSE; return k.Set("nope") },
		"Kind.Set/nil":                    func() error { return nilKind.Set("mse") },
		"Kind.String/out of range (ok)":   func() error { _ = Kind(-3).String(); return nil },
		"Kind.Ranking/out of range (ok)":  func() error { _ = Kind(99).Ranking(); return nil },
		"KindNames/(ok)":                  func() error { _ = KindNames(); return nil },
		"NewFixed/NaN weight":             func() error { return errOf(NewFixed(math.NaN()).Combine([]*G.Node{l})) },
		"Fixed.Combine/nil losses":        func() error { return errOf(NewFixed().Combine(nil)) },
		"Fixed.Combine/nil receiver":      func() error { return errOf((*Fixed)(nil).Combine([]*G.Node{nil})) },
		"Fixed.Params/nil (ok)":           func() error { _ = (*Fixed)(nil).Params(); return nil },
		"Fixed.Weights/nil (ok)":          func() error { _ = (*Fixed)(nil).Weights(); return nil },
		"NewUncertainty/nil graph":        func() error { return errOf(NewUncertainty(nil, 2, tensor.Float64)) },
		"NewUncertainty/zero tasks":       func() error { return errOf(NewUncertainty(g, 0, tensor.Float64)) },
		"NewUncertainty/int dtype":        func() error { return errOf(NewUncertainty(g, 2, tensor.Int)) },
		"NewUncertainty/nil option":       func() error { return errOf(NewUncertainty(g, 2, tensor.Float64, nil)) },
		"WithRegulariser/unknown":         func() error { return errOf(NewUncertainty(g, 2, tensor.Float64, WithRegulariser(-1))) },
		"Regulariser.String/unknown (ok)": func() error { _ = Regulariser(7).String(); return nil },
		"Uncertainty.Combine/nil":         func() error { return errOf((*Uncertainty)(nil).Combine([]*G.Node{l})) },
		"Uncertainty.Combine/zero":        func() error { return errOf((&Uncertainty{}).Combine([]*G.Node{l})) },
		"Uncertainty.Params/nil (ok)":     func() error { _ = (*Uncertainty)(nil).Params(); return nil },
		"Uncertainty.Values/zero (ok)":    func() error { _ = (&Uncertainty{}).Values(); return nil },
		"Uncertainty.Weights/nil (ok)":    func() error { _ = (*Uncertainty)(nil).Weights(); return nil },
		"NewAdaptive/zero q":              func() error { return errOf(NewAdaptive(g, 2, tensor.Float64, 0)) },
		"NewAdaptive/NaN q":               func() error { return errOf(NewAdaptive(g, 2, tensor.Float64, math.NaN())) },
		"NewAdaptive/negative tasks":      func() error { return errOf(NewAdaptive(g, -1, tensor.Float64, 1.5)) },
		"NewAdaptive/nil option":          func() error { return errOf(NewAdaptive(g, 2, tensor.Float64, 1.5, nil)) },
		"WithFactorGradient/wrong loss": func() error {
			a, err := NewAdaptive(g, 1, tensor.Float64, 1.5, WithFactorGradient(true))
			if err != nil {
				return nil
			}
			return errOf(a.Combine([]*G.Node{p3}))
		},
		"Adaptive.Combine/nil":             func() error { return errOf((*Adaptive)(nil).Combine(nil)) },
		"Adaptive.Combine/zero":            func() error { return errOf((&Adaptive{}).Combine([]*G.Node{l})) },
		"Adaptive.Params/nil (ok)":         func() error { _ = (*Adaptive)(nil).Params(); return nil },
		"Adaptive.Values/zero (ok)":        func() error { _ = (&Adaptive{}).Values(); return nil },
		"Adaptive.Weights/nil (ok)":        func() error { _ = (*Adaptive)(nil).Weights(); return nil },
		"Adaptive.Q/nil (ok)":              func() error { _ = (*Adaptive)(nil).Q(); return nil },
		"Adaptive.FactorGradient/nil (ok)": func() error { _ = (*Adaptive)(nil).FactorGradient(); return nil },
		"EpochLosses.Dominates/ragged (ok)": func() error {
			_ = EpochLosses{Losses: []float64{1}}.Dominates(EpochLosses{})
			return nil
		},
		"ParetoTracker.Add/nil":           func() error { return (*ParetoTracker)(nil).Add(0, 1) },
		"ParetoTracker.Add/no losses":     func() error { return tracker.Add(1) },
		"ParetoTracker.Add/count":         func() error { return tracker.Add(1, 1, 2, 3) },
		"ParetoTracker.Add/NaN":           func() error { return tracker.Add(1, 1, math.NaN()) },
		"ParetoTracker.Len/nil (ok)":      func() error { _ = (*ParetoTracker)(nil).Len(); return nil },
		"ParetoTracker.Points/nil (ok)":   func() error { _ = (*ParetoTracker)(nil).Points(); return nil },
		"ParetoTracker.Front/nil (ok)":    func() error { _ = (*ParetoTracker)(nil).Front(); return nil },
		"ParetoTracker.Best/task -1 (ok)": func() error { _, _ = tracker.Best(-1); return nil },
		"ParetoTracker.Best/nil (ok)":     func() error { _, _ = (*ParetoTracker)(nil).Best(0); return nil },
	})
}
