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

// convergencePlot draws, per strategy, the mean over seeds of the reported
// accuracy of the best-so-far architecture (by the oracle's value) against
// the number of queries.
func convergencePlot(file string, sp benchSpace, budget int, sums []summary) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: best-so-far %s (mean over seeds)", sp.Name, sp.TestMetric)
	p.X.Label.Text = "queries"
	p.Y.Label.Text = sp.TestMetric
	p.Add(plotter.NewGrid())
	lo := math.Inf(1)
	for k, s := range sums {
		sum := make([]float64, budget)
		n := make([]int, budget)
		for _, r := range s.Runs {
			qs := r.res.Queries
			for i := range budget {
				if i >= len(qs) {
					break // a search that stopped early adds nothing after its end
				}
				if qs[i].Best < 0 {
					continue // no query has succeeded yet
				}
				b := qs[qs[i].Best]
				v := b.Report
				if math.IsNaN(v) {
					v = b.Value
				}
				sum[i] += v * sp.scale
				n[i]++
			}
		}
		var pts plotter.XYs
		for i := range budget {
			if n[i] > 0 {
				y := sum[i] / float64(n[i])
				pts = append(pts, plotter.XY{X: float64(i + 1), Y: y})
				lo = min(lo, y)
			}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.Color = plotutil.Color(k)
		l.Width = vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(s.Strategy, l)
	}
	if len(sums) > 0 && sums[0].OptimumTest > 0 {
		opt := plotter.NewFunction(func(float64) float64 { return sums[0].OptimumTest })
		opt.Color = color.Gray{Y: 100}
		opt.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		p.Add(opt)
		p.Legend.Add(fmt.Sprintf("space's best (%.2f)", sums[0].OptimumTest), opt)
		// Early queries are far below the optimum; start the axis where the
		// curves become interesting.
		p.Y.Min = max(lo, sums[0].OptimumTest-5)
		p.Y.Max = sums[0].OptimumTest + 0.2
	}
	p.Legend.Top = false // bottom right: the curves rise to the top
	p.X.Min = 1
	return p.Save(7*vg.Inch, 5*vg.Inch, file)
}
