package loss_test

import (
	"fmt"
	"log"

	"github.com/hypernas/go-hypernas/loss"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// A ranking loss is built once for a batch size; each batch only binds its
// targets.
func ExampleNewPredLoss() {
	g := G.NewGraph()
	pred := G.NewVector(g, tensor.Float64, G.WithShape(4), G.WithName("pred"))
	pl, err := loss.NewPredLoss(loss.KindBPR, pred)
	if err != nil {
		log.Fatal(err)
	}
	var v G.Value
	G.Read(pl.Loss, &v)
	vm := G.NewTapeMachine(g)
	defer vm.Close()

	scores := []float64{0.9, 0.7, 0.5, 0.1}
	for _, targets := range [][]float64{
		{94, 93, 91, 85}, // ranked as predicted
		{85, 91, 93, 94}, // ranked the other way round
	} {
		if err := G.Let(pred, tensor.New(tensor.WithBacking(append([]float64(nil), scores...)))); err != nil {
			log.Fatal(err)
		}
		if err := pl.Bind(targets); err != nil {
			log.Fatal(err)
		}
		if err := vm.RunAll(); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s loss %.4f\n", pl.Kind, v.Data())
		vm.Reset()
	}
	// Output:
	// bpr loss 0.5051
	// bpr loss 0.9385
}

// The adaptive loss combines L_pred and L_hyper with learnable u_t.
func ExampleNewAdaptive() {
	g := G.NewGraph()
	lPred := G.NewScalar(g, tensor.Float64, G.WithName("L_pred"), G.WithValue(0.25))
	lHyper := G.NewScalar(g, tensor.Float64, G.WithName("L_hyper"), G.WithValue(2.25))
	w, err := loss.NewAdaptive(g, 2, tensor.Float64, 1.5)
	if err != nil {
		log.Fatal(err)
	}
	total, err := w.Combine([]*G.Node{lPred, lHyper})
	if err != nil {
		log.Fatal(err)
	}
	var v G.Value
	G.Read(total, &v)
	// In training the model's parameters go here too.
	if _, err := G.Grad(total, w.Params()...); err != nil {
		log.Fatal(err)
	}
	vm := G.NewTapeMachine(g, G.BindDualValues(w.Params()...))
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("L = %.4f\n", v.Data())
	fmt.Printf("u = %.2f, weights L^(q-1)/(2u²) = %.4f\n", w.Values(), w.Weights())
	// One plain gradient step on the u_t.
	if err := G.NewVanillaSolver(G.WithLearnRate(0.1)).Step(G.NodesToValueGrads(w.Params())); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("u after a step = %.4f\n", w.Values())
	// Output:
	// L = 3.1363
	// u = [1.00 1.00], weights L^(q-1)/(2u²) = [0.2500 0.7500]
	// u after a step = [0.9125 1.2375]
}

func ExampleParetoTracker() {
	var p loss.ParetoTracker
	for epoch, l := range [][2]float64{{0.9, 2.0}, {0.5, 2.1}, {0.6, 2.2}, {0.4, 1.9}, {0.45, 1.7}} {
		if err := p.Add(epoch, l[0], l[1]); err != nil {
			log.Fatal(err)
		}
	}
	for _, pt := range p.Front() {
		fmt.Println(pt.Epoch, pt.Losses)
	}
	// Output:
	// 3 [0.4 1.9]
	// 4 [0.45 1.7]
}

func ExampleParseKind() {
	k, err := loss.ParseKind("listmle")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(k, k.Ranking())
	_, err = loss.ParseKind("ndcg")
	fmt.Println(err)
	// Output:
	// listmle true
	// parse error: unknown loss "ndcg", want one of mse, hinge, bpr, listmle
}

// The three weightings on the same task losses, with their learnt
// parameters at the initial σ_t = u_t = 1: fixed weights Σ w_t L_t, the
// uncertainty weighting Σ L_t/(2σ_t²) + ln σ_t, and the adaptive loss
// Σ [L_t^(q−1)/(2u_t²)]·L_t + ln(1 + u_t²).
func ExampleWeighting() {
	for _, c := range []struct {
		name string
		make func(g *G.ExprGraph) (loss.Weighting, error)
	}{
		{"fixed (1, 0.1)", func(*G.ExprGraph) (loss.Weighting, error) { return loss.NewFixed(1, 0.1), nil }},
		{"uncertainty", func(g *G.ExprGraph) (loss.Weighting, error) { return loss.NewUncertainty(g, 2, tensor.Float64) }},
		{"adaptive q=1.5", func(g *G.ExprGraph) (loss.Weighting, error) { return loss.NewAdaptive(g, 2, tensor.Float64, 1.5) }},
	} {
		g := G.NewGraph()
		tasks := []*G.Node{
			G.NewScalar(g, tensor.Float64, G.WithName("L_pred"), G.WithValue(0.5)),
			G.NewScalar(g, tensor.Float64, G.WithName("L_hyper"), G.WithValue(2.0)),
		}
		w, err := c.make(g)
		if err != nil {
			log.Fatal(err)
		}
		total, err := w.Combine(tasks)
		if err != nil {
			log.Fatal(err)
		}
		var v G.Value
		G.Read(total, &v)
		vm := G.NewTapeMachine(g)
		if err := vm.RunAll(); err != nil {
			log.Fatal(err)
		}
		vm.Close()
		fmt.Printf("%-15s L = %.4f, weights %.4f\n", c.name, v.Data(), w.Weights())
	}
	// Output:
	// fixed (1, 0.1)  L = 0.7000, weights [1.0000 0.1000]
	// uncertainty     L = 1.2500, weights [0.5000 0.5000]
	// adaptive q=1.5  L = 2.9773, weights [0.3536 0.7071]
}
