// Command fewshot runs the few-shot evaluation protocol of METHOD.md: for
// each seed, train a predictor on the first N architectures of a seeded
// permutation of a benchmark and report Kendall's tau of its predictions.
//
//	go run ./examples/fewshot -space nb201 -model hypernas-p -train 78 -seeds 0,1,2,3,4 -json
//	go run ./examples/fewshot -space nb201 -model hypernas -aux cifar10 -train 78 -seeds 0-4 -json
//
// Progress goes to stderr; stdout holds the table and, with -json, a last
// line with one JSON object.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/hypernas/go-hypernas/examples/internal/cli"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/loss"
	"github.com/hypernas/go-hypernas/searchspace"
)

type summary struct {
	Space          string    `json:"space"`
	Model          string    `json:"model"`
	Loss           string    `json:"loss"`
	Train          int       `json:"train"`
	Seeds          []uint64  `json:"seeds"`
	Epochs         int       `json:"epochs"`
	RankLabels     bool      `json:"rank_labels"`
	KendallTau     float64   `json:"kendall_tau"`
	KendallTauStd  float64   `json:"kendall_tau_std"`
	KendallTaus    []float64 `json:"kendall_taus"`
	Spearman       float64   `json:"spearman"`
	PrecisionAtK   float64   `json:"precision_at_k"`
	TopK           int       `json:"top_k"`
	TestSize       int       `json:"test_size"`
	SpaceSize      int       `json:"space_size"`
	TrainSeconds   float64   `json:"train_seconds"`
	PredictSeconds float64   `json:"predict_seconds"`
	TrainMetric    string    `json:"train_metric"`
	TestMetric     string    `json:"test_metric"`
	// Aux and Weighting describe the auxiliary task of -model hypernas.
	Aux       string `json:"aux,omitempty"`
	Weighting string `json:"weighting,omitempty"`
	// AuxLoss is the mean over seeds of the last epoch's L_hyper.
	AuxLoss float64 `json:"aux_loss,omitempty"`
	// AuxSampled and AuxWarmup echo -aux-sampled and -aux-warmup.
	AuxSampled bool `json:"aux_sampled,omitempty"`
	AuxWarmup  int  `json:"aux_warmup,omitempty"`
	// AuxLR echoes -aux-lr.
	AuxLR float64 `json:"aux_lr,omitempty"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fewshot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flag := flag.NewFlagSet("fewshot", flag.ContinueOnError)
	flag.SetOutput(stderr)
	var (
		spaceName  = flag.String("space", "nb201", "benchmark space: "+fmt.Sprint(cli.Names()))
		model      = flag.String("model", "hypernas-p", "predictor: hypernas (global encoding + hypernetwork auxiliary task), hypernas-p (global encoding alone) or np (single cell, Neural Predictor baseline)")
		train      = flag.Int("train", 78, "number of labelled training architectures")
		seedsFlag  = flag.String("seeds", "0,1,2,3,4", "seeds, e.g. 0,1,2 or 0-4")
		epochs     = flag.Int("epochs", 0, "training epochs (0: the library default)")
		hidden     = flag.Int("hidden", 0, "GCN hidden size (0: default)")
		lr         = flag.Float64("lr", 0, "learning rate (0: default)")
		batch      = flag.Int("batch", 0, "training batch size (0: default)")
		wd         = flag.Float64("wd", -1, "weight decay (-1: default)")
		dropout    = flag.Float64("dropout", -1, "dropout (-1: default)")
		dataDir    = flag.String("data", "", "benchmark data folder (default $HYPERNAS_DATA)")
		trainMet   = flag.String("metric", "", "training label column (default: the space's)")
		testMet    = flag.String("test-metric", "", "evaluation column (default: the space's, or -metric when that is set)")
		save       = flag.String("save", "", "save the first seed's trained predictor to this file")
		plotFile   = flag.String("plot", "", "write a predicted-vs-true scatter plot (PNG) of the first seed")
		jsonOut    = flag.Bool("json", false, "end stdout with one JSON line")
		quiet      = flag.Bool("quiet", false, "no progress on stderr")
		maxWorkers = flag.Int("workers", 0, "prediction goroutines (0: one per CPU)")
		auxName    = flag.String("aux", "cifar10", "auxiliary image dataset of -model hypernas: cifar10 (<data>/cifar10/train_4000.bin) or fashion (Fashion-MNIST IDX files)")
		fashionDir = flag.String("fashion-dir", "/usr/share/datasets/fashion-mnist", "folder of the Fashion-MNIST IDX files (Debian package dataset-fashion-mnist)")
		auxImages  = flag.Int("aux-images", 0, "auxiliary images per architecture per step (0: default)")
		auxSize    = flag.Int("aux-size", 0, "auxiliary image side after down-scaling, a multiple of 4 (0: default)")
		auxChan    = flag.Int("aux-channels", 0, "target network width (0: default)")
		auxCells   = flag.Int("aux-cells", 0, "target network cells per stage (0: default)")
		auxMax     = flag.Int("aux-max", 0, "use only the first n auxiliary images (0: all)")
		weighting  = flag.String("weighting", "uncertainty", "multi-task weighting of L_pred and L_hyper: fixed, uncertainty or adaptive")
		auxWeight  = flag.Float64("aux-weight", 1, "weight of L_hyper with -weighting fixed")
		rankLabels = flag.Bool("rank-labels", hypernas.Defaults().RankLabels, "train on the rank-Gauss transform of the labels (robust to failed runs such as NB101's 9.5 % cells)")
		auxSampled = flag.Bool("aux-sampled", false, "train the auxiliary task on unlabelled architectures sampled from the space instead of the labelled batch")
		auxLR      = flag.Float64("aux-lr", 0, "learning rate of the hypernetwork and target network (0: -lr)")
		auxWarmup  = flag.Int("aux-warmup", 0, "steps of the auxiliary task alone, on sampled unlabelled architectures, before the labelled training (-model hypernas)")
		q          = flag.Float64("q", 1.5, "preference coefficient of -weighting adaptive")
		lossKind   loss.Kind
	)
	flag.Var(&lossKind, "loss", "prediction loss: "+strings.Join(loss.KindNames(), ", "))
	if err := flag.Parse(args); err != nil {
		return err
	}
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %v", flag.Args())
	}

	space, err := cli.Lookup(*spaceName)
	if err != nil {
		return err
	}
	seeds, err := cli.ParseSeeds(*seedsFlag)
	if err != nil {
		return err
	}
	var opts []hypernas.Option
	switch *model {
	case "hypernas-p", "hypernas":
		opts = append(opts, hypernas.WithEncoding(hypernas.Global))
	case "np":
		opts = append(opts, hypernas.WithEncoding(hypernas.SingleCell))
	default:
		return fmt.Errorf("unknown model %q (known: hypernas, hypernas-p, np)", *model)
	}
	if *model != "hypernas" && (*auxSampled || *auxWarmup != 0 || *auxLR != 0) {
		return fmt.Errorf("-aux-sampled, -aux-warmup and -aux-lr need -model hypernas, not %s", *model)
	}
	if *model == "hypernas" {
		wf, err := cli.Weighting(*weighting, *auxWeight, *q)
		if err != nil {
			return err
		}
		opts = append(opts, hypernas.WithWeighting(wf))
	}
	if *epochs > 0 {
		opts = append(opts, hypernas.WithEpochs(*epochs))
	}
	if *hidden > 0 {
		opts = append(opts, hypernas.WithHidden(*hidden))
	}
	if *lr > 0 {
		opts = append(opts, hypernas.WithLearningRate(*lr))
	}
	if *batch > 0 {
		opts = append(opts, hypernas.WithBatchSize(*batch))
	}
	if *wd >= 0 {
		opts = append(opts, hypernas.WithWeightDecay(*wd))
	}
	if *dropout >= 0 {
		opts = append(opts, hypernas.WithDropout(*dropout))
	}
	opts = append(opts, hypernas.WithWorkers(*maxWorkers), hypernas.WithLoss(lossKind), hypernas.WithRankLabels(*rankLabels))
	fs := hypernas.FewShot{Train: *train, TrainMetric: space.TrainMetric, TestMetric: space.TestMetric, TestAll: space.TestAll}
	if *trainMet != "" {
		fs.TrainMetric, fs.TestMetric = *trainMet, *trainMet
	}
	if *testMet != "" {
		fs.TestMetric = *testMet
	}

	dir, err := searchspace.DataDir(*dataDir)
	if err != nil {
		return err
	}
	bench, err := space.Load(dir)
	if err != nil {
		return err
	}
	for _, m := range []string{fs.TrainMetric, fs.TestMetric} {
		if !bench.Table.HasMetric(m) {
			return fmt.Errorf("space %s has no metric %q (it has %v)", space.Name, m, bench.Table.Metrics())
		}
	}
	if *train < 2 || *train >= bench.Table.Len() {
		return fmt.Errorf("-train %d: must be between 2 and %d for space %s", *train, bench.Table.Len()-1, space.Name)
	}
	var auxDesc string
	if *model == "hypernas" {
		data, err := cli.LoadAux(*auxName, dir, *fashionDir)
		if err != nil {
			return err
		}
		var hopts []hypernas.HyperOption
		for _, o := range []struct {
			v int
			f func(int) hypernas.HyperOption
		}{{*auxImages, hypernas.WithImagesPerArch}, {*auxSize, hypernas.WithImageSize}, {*auxChan, hypernas.WithTargetChannels},
			{*auxCells, hypernas.WithCellsPerStage}, {*auxMax, hypernas.WithMaxImages}} {
			if o.v != 0 {
				hopts = append(hopts, o.f(o.v))
			}
		}
		task, err := hypernas.NewHyperTask(bench.Space, data, hopts...)
		if err != nil {
			return err
		}
		opts = append(opts, hypernas.WithAux(task), hypernas.WithAuxSampled(*auxSampled), hypernas.WithAuxWarmup(*auxWarmup), hypernas.WithAuxLearningRate(*auxLR))
		c := task.Config()
		auxDesc = fmt.Sprintf("%s (%d images, %d×%d, %d per architecture; target %d channels, %d cells per stage)",
			*auxName, task.Images().N, c.ImageSize, c.ImageSize, c.ImagesPerArch, c.Channels, c.CellsPerStage)
		if !*quiet {
			fmt.Fprintf(stderr, "auxiliary task: %s, weighting %s\n", auxDesc, *weighting)
		}
	}
	spaceSize := bench.Table.Len()
	if space.SpaceSize != nil {
		spaceSize = space.SpaceSize()
	}

	var results []*hypernas.FewShotResult
	for i, seed := range seeds {
		fs.Seed = seed
		var bar *progress
		seedOpts := opts
		if !*quiet {
			what := fmt.Sprintf("%d architectures", bench.Table.Len()-*train)
			if fs.TestAll {
				what = fmt.Sprintf("all %d architectures", bench.Table.Len())
			}
			bar = newProgress(stderr, fmt.Sprintf("seed %d (%d/%d)", seed, i+1, len(seeds)), epochsOf(opts), what)
			seedOpts = append(seedOpts, hypernas.WithProgress(bar.epoch))
		}
		res, err := hypernas.EvaluateFewShot(ctx, bench, fs, seedOpts...)
		bar.done()
		if err != nil {
			return fmt.Errorf("seed %d: %w", seed, err)
		}
		if !*quiet {
			fmt.Fprintf(stderr, "seed %d: tau %.4f, train %.1fs, predict %d in %.2fs", seed, res.KendallTau, res.TrainSeconds, res.Test, res.PredictSeconds)
			if n := len(res.Report.AuxLosses); n > 0 {
				fmt.Fprintf(stderr, ", L_hyper %.3f → %.3f, task weights %.3g", res.Report.AuxLosses[0], res.Report.AuxLosses[n-1], res.Report.TaskWeights)
			}
			if w := res.Report.WarmupLosses; len(w) > 0 {
				fmt.Fprintf(stderr, ", warm-up L_hyper %.3f → %.3f", w[0], w[len(w)-1])
			}
			fmt.Fprintln(stderr)
		}
		results = append(results, res)
		if i == 0 && *save != "" {
			if err := res.Predictor.SaveFile(*save); err != nil {
				return err
			}
		}
		if i == 0 && *plotFile != "" {
			title := fmt.Sprintf("%s %s, N=%d, seed %d: Kendall tau %.3f", space.Name, *model, *train, seed, res.KendallTau)
			if err := scatterPlot(*plotFile, title, fs.TestMetric, res.True, res.Predicted); err != nil {
				return fmt.Errorf("plot: %w", err)
			}
		}
	}

	var taus, rhos, precs, trainS, predS []float64
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "seed\ttrain\ttest\tkendall_tau\tspearman\tprec@%d\ttrain_s\tpredict_s\t\n", results[0].TopK)
	for _, r := range results {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%.4f\t%.4f\t%.3f\t%.1f\t%.2f\t\n", r.Seed, r.Train, r.Test, r.KendallTau, r.Spearman, r.PrecisionAtK, r.TrainSeconds, r.PredictSeconds)
		taus, rhos, precs = append(taus, r.KendallTau), append(rhos, r.Spearman), append(precs, r.PrecisionAtK)
		trainS, predS = append(trainS, r.TrainSeconds), append(predS, r.PredictSeconds)
	}
	s := summary{Space: space.Name, Model: *model, Loss: lossKind.String(), Train: *train, Seeds: seeds, Epochs: results[0].Report.Epochs, RankLabels: *rankLabels,
		KendallTaus: taus, TopK: results[0].TopK, TestSize: results[0].Test, SpaceSize: spaceSize,
		TrainSeconds: cli.Median(trainS), PredictSeconds: cli.Median(predS), TrainMetric: fs.TrainMetric, TestMetric: fs.TestMetric}
	s.KendallTau, s.KendallTauStd = cli.MeanStd(taus)
	if *model == "hypernas" {
		s.Aux, s.Weighting, s.AuxSampled, s.AuxWarmup, s.AuxLR = *auxName, *weighting, *auxSampled, *auxWarmup, *auxLR
		var last []float64
		for _, r := range results {
			if n := len(r.Report.AuxLosses); n > 0 {
				last = append(last, r.Report.AuxLosses[n-1])
			}
		}
		s.AuxLoss, _ = cli.MeanStd(last)
	}
	s.Spearman, _ = cli.MeanStd(rhos)
	s.PrecisionAtK, _ = cli.MeanStd(precs)
	fmt.Fprintf(tw, "mean\t%d\t%d\t%.4f\t%.4f\t%.3f\t%.1f\t%.2f\t\n", *train, s.TestSize, s.KendallTau, s.Spearman, s.PrecisionAtK, s.TrainSeconds, s.PredictSeconds)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s %s N=%d: Kendall tau %.4f ± %.4f over %d seeds (train %s, test %s on %d); train %.1fs, predict %.2fs (medians)\n",
		space.Name, *model, *train, s.KendallTau, s.KendallTauStd, len(seeds), fs.TrainMetric, fs.TestMetric, s.TestSize, s.TrainSeconds, s.PredictSeconds)
	if *jsonOut {
		return cli.WriteJSONLine(stdout, s)
	}
	return nil
}

// epochsOf is the number of epochs the options train for.
func epochsOf(opts []hypernas.Option) int {
	o := hypernas.Defaults()
	for _, f := range opts {
		f(&o)
	}
	return o.Epochs
}
