package main

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/hypernas/go-hypernas/hypernas/metrics"
)

// scatterPlot writes the predicted rank of every test architecture against
// its true rank, both as percentiles (100 = best). Ranks, not the scores
// themselves: the predictor's scores order the architectures, which is
// what Kendall's tau measures, but they are not calibrated accuracies (with
// rank-Gauss labels they can run past 100 %). The points are translucent,
// so that where many overlap reads as density.
func scatterPlot(file, title, metric string, truth, pred []float64) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = fmt.Sprintf("true rank by %s (percentile, 100 = best)", metric)
	p.Y.Label.Text = "predicted rank (percentile, 100 = best)"
	tr, pr := percentiles(truth), percentiles(pred)
	pts := make(plotter.XYs, len(truth))
	for i := range pts {
		pts[i].X, pts[i].Y = tr[i], pr[i]
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return err
	}
	// About 2,000 opaque points' worth of ink, however many there are.
	alpha := min(0.6, max(0.04, 2000/float64(len(pts))))
	sc.GlyphStyle.Radius = vg.Points(1.2)
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	sc.GlyphStyle.Color = color.NRGBA{R: 20, G: 70, B: 160, A: uint8(255 * alpha)}
	diag := plotter.NewFunction(func(x float64) float64 { return x })
	diag.Color = color.Gray{Y: 90}
	diag.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(plotter.NewGrid(), sc, diag)
	p.Legend.Add(fmt.Sprintf("%d architectures", len(pts)), sc)
	p.Legend.Add("perfect ranking", diag)
	p.Legend.Top, p.Legend.Left = true, true
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 100, 0, 100
	return p.Save(6*vg.Inch, 6*vg.Inch, file)
}

// percentiles maps values to 100·(rank − ½)/n, ties sharing their mean
// rank, so the best is near 100 and the worst near 0.
func percentiles(x []float64) []float64 {
	r := metrics.Ranks(x)
	n := float64(len(x))
	for i := range r {
		r[i] = 100 * (r[i] - 0.5) / n
	}
	return r
}
