package main

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// convergencePlot draws, per strategy, the mean over seeds of the best
// value the search has seen after each query: the oracle's value (the
// validation accuracy), which is what the search maximises, so every curve
// rises or stays level. (The test accuracy of that best architecture, which
// the JSON reports, can fall when an architecture with a better validation
// accuracy tests worse.) optimum is the best value in the table, drawn as a
// dashed line.
func convergencePlot(file string, sp benchSpace, budget int, sums []summary, optimum float64) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: best %s found so far (mean over seeds)", sp.Name, sp.TrainMetric)
	p.X.Label.Text = "queries"
	p.Y.Label.Text = "best " + sp.TrainMetric + " so far"
	p.Add(plotter.NewGrid())
	lo := math.Inf(1)
	for k, s := range sums {
		pts := bestSoFarMean(s.Runs, budget, sp.scale)
		if len(pts) == 0 {
			continue
		}
		lo = min(lo, pts[0].Y)
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.Color = plotutil.Color(k)
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(s.Strategy, l)
	}
	if opt := optimum * sp.scale; !math.IsNaN(opt) {
		line := plotter.NewFunction(func(float64) float64 { return opt })
		line.Color = color.Gray{Y: 100}
		line.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		p.Add(line)
		p.Legend.Add(fmt.Sprintf("space's best (%.2f)", opt), line)
		// Early queries are far below the optimum; start the axis where the
		// curves become interesting.
		p.Y.Min = max(lo, opt-5)
		p.Y.Max = opt + 0.2
	}
	p.Legend.Top = false // bottom right: the curves rise to the top
	p.X.Min = 1
	return p.Save(7*vg.Inch, 5*vg.Inch, file)
}

// bestSoFarMean is, after each query 1 … budget, the mean over the runs of
// the best value seen so far, scaled. A run that stopped early keeps its
// last best; the curve starts at the first query after which every run has
// a successful query, so it is a mean of the same runs throughout and
// never falls.
func bestSoFarMean(runs []runResult, budget int, scale float64) plotter.XYs {
	var pts plotter.XYs
	for i := range budget {
		sum, ok := 0.0, len(runs) > 0
		for _, r := range runs {
			bs := r.res.BestSoFar()
			if len(bs) == 0 {
				ok = false
				break
			}
			v := bs[min(i, len(bs)-1)]
			if math.IsNaN(v) {
				ok = false
				break
			}
			sum += v
		}
		if ok {
			pts = append(pts, plotter.XY{X: float64(i + 1), Y: sum / float64(len(runs)) * scale})
		}
	}
	return pts
}
