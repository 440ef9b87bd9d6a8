// Command ablation measures what each part of HyperNAS is worth (METHOD.md
// §3): on the same few-shot splits it trains and evaluates
//
//   - np: the single-cell Neural Predictor baseline,
//   - hypernas-p: the global encoding,
//   - hypernas: the global encoding with the hypernetwork auxiliary task,
//     combined by fixed weights, by the standard uncertainty weighting, and by
//     the dynamic adaptive loss for q ∈ {1.25, 1.5, 2, 3},
//   - hypernas-p with each ranking loss (hinge, BPR, ListMLE),
//
// and prints Kendall's tau (mean ± std over seeds) and the training time per
// row:
//
//	go run ./examples/ablation -space nb201 -train 78 -seeds 0,1,2 [-json] [-plot DIR]
//
// -json ends stdout with {"rows":[{"model":…,"loss":…,"q":…,"train":…,
// "kendall_tau":…,"kendall_tau_std":…,"train_seconds":…},…]}; -plot DIR
// writes tau.png (tau per row) and pareto_<row>.png (the per-epoch
// (L_pred, L_hyper) pairs of the first seed and their non-dominated set)
// for every row with the hypernetwork. -rows selects rows by name.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/hypernas/go-hypernas/examples/internal/cli"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/loss"
	"github.com/hypernas/go-hypernas/searchspace"
)

// row is one configuration of the study.
type row struct {
	Name      string `json:"name"`
	Model     string `json:"model"`
	Loss      string `json:"loss"`
	Weighting string `json:"weighting,omitempty"`
	// Q is the preference coefficient of the adaptive loss; null otherwise.
	Q *float64 `json:"q"`
}

type rowResult struct {
	row
	Train         int       `json:"train"`
	KendallTau    float64   `json:"kendall_tau"`
	KendallTauStd float64   `json:"kendall_tau_std"`
	KendallTaus   []float64 `json:"kendall_taus"`
	TrainSeconds  float64   `json:"train_seconds"`
	pareto        *loss.ParetoTracker
}

func rows() []row {
	rs := []row{
		{Name: "np", Model: "np", Loss: "mse"},
		{Name: "hypernas-p", Model: "hypernas-p", Loss: "mse"},
		{Name: "hypernas-fixed", Model: "hypernas", Loss: "mse", Weighting: "fixed"},
		{Name: "hypernas-uncertainty", Model: "hypernas", Loss: "mse", Weighting: "uncertainty"},
	}
	for _, q := range []float64{1.25, 1.5, 2, 3} {
		rs = append(rs, row{Name: fmt.Sprintf("hypernas-adaptive-q%g", q), Model: "hypernas", Loss: "mse", Weighting: "adaptive", Q: &q})
	}
	for _, k := range []string{"hinge", "bpr", "listmle"} {
		rs = append(rs, row{Name: "hypernas-p-" + k, Model: "hypernas-p", Loss: k})
	}
	return rs
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ablation:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("ablation", flag.ContinueOnError)
	fl.SetOutput(stderr)
	spaceName := fl.String("space", "nb201", "benchmark space (the hypernetwork rows need nb201)")
	train := fl.Int("train", 78, "labelled training architectures")
	seedsFlag := fl.String("seeds", "0,1,2", "seeds")
	epochs := fl.Int("epochs", 0, "training epochs (0: the library default)")
	dataDir := fl.String("data", "", "benchmark data folder (default $HYPERNAS_DATA)")
	auxName := fl.String("aux", "cifar10", "auxiliary images of the hypernetwork rows: cifar10 or fashion")
	fashionDir := fl.String("fashion-dir", "/usr/share/datasets/fashion-mnist", "Fashion-MNIST folder")
	only := fl.String("rows", "", "comma-separated row names to run (default: all)")
	plotDir := fl.String("plot", "", "write PNG plots into this folder")
	jsonOut := fl.Bool("json", false, "end stdout with one JSON line")
	quiet := fl.Bool("quiet", false, "no progress on stderr")
	rankLabels := fl.Bool("rank-labels", hypernas.Defaults().RankLabels, "train every row on the rank-Gauss transform of the labels (hypernas.WithRankLabels)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	space, err := cli.Lookup(*spaceName)
	if err != nil {
		return err
	}
	seeds, err := cli.ParseSeeds(*seedsFlag)
	if err != nil {
		return err
	}
	selected := rows()
	if *only != "" {
		want := map[string]bool{}
		for _, n := range strings.Split(*only, ",") {
			want[strings.TrimSpace(n)] = true
		}
		var keep []row
		for _, r := range selected {
			if want[r.Name] {
				keep = append(keep, r)
				delete(want, r.Name)
			}
		}
		if len(want) > 0 {
			var names []string
			for _, r := range rows() {
				names = append(names, r.Name)
			}
			return fmt.Errorf("unknown rows %v (known: %s)", keys(want), strings.Join(names, ", "))
		}
		selected = keep
	}
	dir, err := searchspace.DataDir(*dataDir)
	if err != nil {
		return err
	}
	bench, err := space.Load(dir)
	if err != nil {
		return err
	}
	fs := hypernas.FewShot{Train: *train, TrainMetric: space.TrainMetric, TestMetric: space.TestMetric, TestAll: space.TestAll}
	var results []*rowResult
	for _, r := range selected {
		opts := []hypernas.Option{hypernas.WithRankLabels(*rankLabels)}
		if *epochs > 0 {
			opts = append(opts, hypernas.WithEpochs(*epochs))
		}
		if r.Model == "np" {
			opts = append(opts, hypernas.WithEncoding(hypernas.SingleCell))
		}
		k, err := loss.ParseKind(r.Loss)
		if err != nil {
			return err
		}
		opts = append(opts, hypernas.WithLoss(k))
		if r.Model == "hypernas" {
			data, err := cli.LoadAux(*auxName, dir, *fashionDir)
			if err != nil {
				return err
			}
			task, err := hypernas.NewHyperTask(bench.Space, data)
			if err != nil {
				return fmt.Errorf("row %s: %w", r.Name, err)
			}
			q := 0.0
			if r.Q != nil {
				q = *r.Q
			}
			wf, err := cli.Weighting(r.Weighting, 1, q)
			if err != nil {
				return err
			}
			opts = append(opts, hypernas.WithAux(task), hypernas.WithWeighting(wf))
		}
		res := &rowResult{row: r, Train: *train}
		var secs []float64
		for _, seed := range seeds {
			fs.Seed = seed
			fr, err := hypernas.EvaluateFewShot(ctx, bench, fs, opts...)
			if err != nil {
				return fmt.Errorf("row %s, seed %d: %w", r.Name, seed, err)
			}
			if !*quiet {
				fmt.Fprintf(stderr, "%s seed %d: tau %.4f (%.1fs)\n", r.Name, seed, fr.KendallTau, fr.TrainSeconds)
			}
			res.KendallTaus = append(res.KendallTaus, fr.KendallTau)
			secs = append(secs, fr.TrainSeconds)
			if res.pareto == nil && fr.Report.Pareto.Len() > 0 {
				p := fr.Report.Pareto
				res.pareto = &p
			}
		}
		res.KendallTau, res.KendallTauStd = cli.MeanStd(res.KendallTaus)
		res.TrainSeconds = cli.Median(secs)
		results = append(results, res)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "row\tmodel\tloss\tweighting\tq\ttrain\tkendall_tau\ttrain_s\n")
	for _, r := range results {
		q := "-"
		if r.Q != nil {
			q = fmt.Sprint(*r.Q)
		}
		w := r.Weighting
		if w == "" {
			w = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%.4f ± %.4f\t%.1f\n", r.Name, r.Model, r.Loss, w, q, r.Train, r.KendallTau, r.KendallTauStd, r.TrainSeconds)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *plotDir != "" {
		if err := writePlots(*plotDir, results); err != nil {
			return fmt.Errorf("plot: %w", err)
		}
	}
	if *jsonOut {
		return cli.WriteJSONLine(stdout, map[string]any{"space": space.Name, "seeds": seeds, "rank_labels": *rankLabels, "rows": results})
	}
	return nil
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// plotPath is a row's Pareto plot file.
func plotPath(dir, name string) string { return filepath.Join(dir, "pareto_"+name+".png") }
