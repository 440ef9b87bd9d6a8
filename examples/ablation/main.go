// Command ablation measures what each part of HyperNAS is worth (the
// global encoding, the hypernetwork auxiliary task and its dynamic adaptive
// loss): on the same few-shot splits it trains and evaluates
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
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/hypernas/go-hypernas/examples/internal/cli"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/hypernas/fewshot"
	"github.com/hypernas/go-hypernas/hypernas/hypernet"
	"github.com/hypernas/go-hypernas/loss"
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
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	cli.Exit("ablation", err)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := cli.NewFlags("ablation", stderr)
	spaceName := fl.String("space", "nb201", "benchmark space (the hypernetwork rows need nb201 or nb101)")
	train := fl.Int("train", 78, "labelled training architectures (at least 2, fewer than the benchmark's rows)")
	seedsFlag := fl.String("seeds", "0,1,2", "seeds")
	epochs := fl.Int("epochs", hypernas.Defaults().Epochs, "training epochs")
	dataDir := fl.String("data", "", cli.DataFlagHelp)
	auxName := fl.String("aux", "cifar10", "auxiliary images of the hypernetwork rows: "+strings.Join(cli.AuxNames, " or "))
	fashionDir := fl.String("fashion-dir", cli.DefaultFashionDir, "Fashion-MNIST folder of -aux fashion")
	only := fl.String("rows", "", "comma-separated row names to run (default: all)")
	plotDir := fl.String("plot", "", "write PNG plots into this folder")
	jsonOut := fl.Bool("json", false, "end stdout with one JSON line")
	quiet := fl.Bool("quiet", false, "no progress on stderr")
	rankLabels := fl.Bool("rank-labels", hypernas.Defaults().RankLabels, "train every row on the rank-Gauss transform of the labels (hypernas.WithRankLabels)")
	if err := fl.Parse(args); err != nil {
		return err
	}

	// Every check of the command line comes before the data is read.
	fl.OneOf("space", *spaceName, "space", cli.Names())
	seeds := fl.Seeds("seeds", *seedsFlag)
	fl.AtLeast("train", *train, 2)
	fl.AtLeast("epochs", *epochs, 1)
	selected := rows()
	if fl.IsSet("rows") {
		var names []string
		for _, r := range selected {
			names = append(names, r.Name)
		}
		var keep []row
		for _, n := range strings.Split(*only, ",") {
			n = strings.TrimSpace(n)
			i := slices.IndexFunc(selected, func(r row) bool { return r.Name == n })
			switch {
			case i < 0:
				fl.Refuse("rows", *only, "unknown row %q (known: %s)", n, strings.Join(names, ", "))
			case slices.ContainsFunc(keep, func(r row) bool { return r.Name == n }):
				fl.Refuse("rows", *only, "row %s appears twice", n)
			default:
				keep = append(keep, selected[i])
			}
		}
		// The study's order, whatever the order of -rows.
		slices.SortStableFunc(keep, func(a, b row) int { return slices.Index(names, a.Name) - slices.Index(names, b.Name) })
		selected = keep
	}
	aux := slices.ContainsFunc(selected, func(r row) bool { return r.Model == "hypernas" })
	fl.OnlyIf(aux, "applies only to the hypernetwork rows (hypernas-…), and -rows selects none", "aux", "fashion-dir")
	if aux {
		fl.OneOf("aux", *auxName, "auxiliary dataset", cli.AuxNames)
		fl.OnlyIf(*auxName == "fashion", "applies only with -aux fashion", "fashion-dir")
	}
	fl.OutputDir("plot")
	if err := fl.Err(); err != nil {
		return err
	}

	space, err := cli.Lookup(*spaceName)
	if err != nil {
		return err
	}
	dir, err := cli.DataDir(*dataDir)
	if err != nil {
		return err
	}
	if aux {
		if err := cli.CheckAux(*auxName, dir, *fashionDir); err != nil {
			return err
		}
	}
	if !*quiet {
		fmt.Fprintf(stderr, "loading %s from %s\n", space.Name, cli.DataSource(dir))
	}
	bench, err := space.Bench(dir)
	if err != nil {
		return err
	}
	if err := cli.CheckTrain(*train, bench.Table.Len(), space.TestAll, "space "+space.Name); err != nil {
		return err
	}
	var auxData *auxdata.Dataset
	if aux {
		if auxData, err = cli.LoadAux(*auxName, dir, *fashionDir); err != nil {
			return err
		}
	}
	proto := fewshot.Protocol{Train: *train, TrainMetric: space.TrainMetric, TestMetric: space.TestMetric, TestAll: space.TestAll}
	var results []*rowResult
	for _, r := range selected {
		opts := []hypernas.Option{hypernas.WithRankLabels(*rankLabels), hypernas.WithEpochs(*epochs)}
		if r.Model == "np" {
			opts = append(opts, hypernas.WithEncoding(hypernas.SingleCell))
		}
		k, err := loss.ParseKind(r.Loss)
		if err != nil {
			return err
		}
		opts = append(opts, hypernas.WithLoss(k))
		if r.Model == "hypernas" {
			task, err := hypernet.New(bench.Space, auxData)
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
			proto.Seed = seed
			fr, err := fewshot.Evaluate(ctx, bench, proto, opts...)
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
			return fmt.Errorf("-plot: %w", err)
		}
	}
	if *jsonOut {
		return cli.WriteJSONLine(stdout, map[string]any{"space": space.Name, "seeds": seeds, "rank_labels": *rankLabels, "rows": results})
	}
	return nil
}

// plotPath is a row's Pareto plot file.
func plotPath(dir, name string) string { return filepath.Join(dir, "pareto_"+name+".png") }
