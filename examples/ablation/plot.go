package main

import (
	"fmt"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// writePlots writes tau.png and one Pareto plot per hypernetwork row.
func writePlots(dir string, results []*rowResult) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	p := plot.New()
	p.Title.Text = "Kendall tau per row (mean over seeds)"
	p.Y.Label.Text = "Kendall tau"
	vals := make(plotter.Values, len(results))
	names := make([]string, len(results))
	for i, r := range results {
		vals[i], names[i] = r.KendallTau, r.Name
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(14))
	if err != nil {
		return err
	}
	p.Add(bars, plotter.NewGrid())
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = 0.8
	p.X.Tick.Label.XAlign = draw.XRight
	if err := p.Save(vg.Length(60+40*len(results))*vg.Points(1)+4*vg.Inch, 4*vg.Inch, filepath.Join(dir, "tau.png")); err != nil {
		return err
	}
	for _, r := range results {
		if r.pareto == nil {
			continue
		}
		pp := plot.New()
		pp.Title.Text = fmt.Sprintf("%s: per-epoch task losses (first seed)", r.Name)
		pp.X.Label.Text = "L_pred (normalised labels)"
		pp.Y.Label.Text = "L_hyper"
		var all, front plotter.XYs
		for _, pt := range r.pareto.Points() {
			all = append(all, plotter.XY{X: pt.Losses[0], Y: pt.Losses[1]})
		}
		for _, pt := range r.pareto.Front() {
			front = append(front, plotter.XY{X: pt.Losses[0], Y: pt.Losses[1]})
		}
		sa, err := plotter.NewScatter(all)
		if err != nil {
			return err
		}
		sa.GlyphStyle.Radius = vg.Points(1.5)
		sf, err := plotter.NewScatter(front)
		if err != nil {
			return err
		}
		sf.GlyphStyle.Shape = draw.CircleGlyph{}
		sf.GlyphStyle.Radius = vg.Points(3)
		pp.Add(sa, sf, plotter.NewGrid())
		pp.Legend.Add("epochs", sa)
		pp.Legend.Add("non-dominated", sf)
		if err := pp.Save(6*vg.Inch, 4.5*vg.Inch, plotPath(dir, r.Name)); err != nil {
			return err
		}
	}
	return nil
}
