// Command fewshot runs the few-shot evaluation protocol of the predictor
// literature: for each seed, train a predictor on the first N
// architectures of a seeded permutation of a benchmark and report
// Kendall's tau of its predictions.
//
//	go run ./examples/fewshot      # NB201, hypernas-p, N = 78, seeds 0-4: a few minutes
//	go run ./examples/fewshot -space nb201 -model hypernas-p -train 78 -seeds 0,1,2,3,4 -json
//	go run ./examples/fewshot -space nb201 -model hypernas -aux cifar10 -train 78 -seeds 0-4 -json
//	go run ./examples/fewshot -space tnb-micro -model ridge -train 100 -json   # the baselines: ridge, forest
//	go run ./examples/fewshot -space tnb-micro -model auto -train 100 -json    # chosen by cross-validation on the training set
//	go run ./examples/fewshot -space nb201 -model hypernas-p -ensemble 5 -train 156
//
// The benchmark tables and the auxiliary CIFAR-10 images are built into the
// module; -data DIR (or HYPERNAS_DATA) reads tables of your own, in the
// benchmarks' CSV formats, from a folder instead. Progress goes to stderr;
// stdout holds the table and, with -json, a last line with one JSON object.
//
// Besides Kendall's tau, every run reports precision@1 %: how many of the
// predicted top 1 % of the test set are in its true top 1 % (NB201: the
// top 156 of 15,625).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/hypernas/go-hypernas/examples/internal/cli"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/baseline"
	"github.com/hypernas/go-hypernas/hypernas/fewshot"
	"github.com/hypernas/go-hypernas/hypernas/hypernet"
	"github.com/hypernas/go-hypernas/loss"
)

type summary struct {
	Space         string    `json:"space"`
	Model         string    `json:"model"`
	Loss          string    `json:"loss"`
	Train         int       `json:"train"`
	Seeds         []uint64  `json:"seeds"`
	Epochs        int       `json:"epochs"`
	RankLabels    bool      `json:"rank_labels"`
	KendallTau    float64   `json:"kendall_tau"`
	KendallTauStd float64   `json:"kendall_tau_std"`
	KendallTaus   []float64 `json:"kendall_taus"`
	Spearman      float64   `json:"spearman"`
	PrecisionAtK  float64   `json:"precision_at_k"`
	TopK          int       `json:"top_k"`
	// PrecisionAt1Pct is the mean over seeds of precision@k for the top
	// 1 % of the test set (TopOnePct architectures).
	PrecisionAt1Pct    float64   `json:"precision_at_1pct"`
	PrecisionAt1PctStd float64   `json:"precision_at_1pct_std"`
	PrecisionsAt1Pct   []float64 `json:"precisions_at_1pct"`
	TopOnePct          int       `json:"top_1pct"`
	// Ensemble is the number of averaged members (-ensemble; 0 or 1: one
	// model).
	Ensemble int `json:"ensemble,omitempty"`
	// Chosen are, per seed, the candidates -model auto refitted, best
	// first, and CVTaus their mean cross-validated taus (ridge, forest,
	// hypernas-p).
	Chosen         [][]string  `json:"chosen,omitempty"`
	CVTaus         [][]float64 `json:"cv_taus,omitempty"`
	TestSize       int         `json:"test_size"`
	SpaceSize      int         `json:"space_size"`
	TrainSeconds   float64     `json:"train_seconds"`
	PredictSeconds float64     `json:"predict_seconds"`
	TrainMetric    string      `json:"train_metric"`
	TestMetric     string      `json:"test_metric"`
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
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	cli.Exit("fewshot", err)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	def, hdef := hypernas.Defaults(), hypernet.DefaultConfig()
	fl := cli.NewFlags("fewshot", stderr)
	var (
		spaceName  = fl.String("space", "nb201", "benchmark space: "+strings.Join(cli.Names(), ", "))
		model      = fl.String("model", "hypernas-p", "predictor: hypernas (global encoding + hypernetwork auxiliary task), hypernas-p (global encoding alone), np (single cell, Neural Predictor baseline), ridge (ridge regression on the one-hot encoding), forest (random forest on it) or auto (chosen among ridge, forest and hypernas-p by cross-validation on the training set)")
		ensemble   = fl.Int("ensemble", 1, "average this many predictors of -model hypernas-p, np or forest, trained with consecutive seeds")
		folds      = fl.Int("folds", baseline.DefaultOptions().Folds, "cross-validation folds of -model auto")
		top        = fl.Int("top", baseline.DefaultOptions().Top, "-model auto: average the predictions of this many best candidates (1: the winner alone)")
		trees      = fl.Int("trees", baseline.DefaultOptions().Trees, "trees of -model forest (and of the forest candidate of -model auto)")
		train      = fl.Int("train", 78, "number of labelled training architectures (at least 2, fewer than the benchmark's rows)")
		seedsFlag  = fl.String("seeds", "0,1,2,3,4", "seeds, e.g. 0,1,2 or 0-4")
		epochs     = fl.Int("epochs", def.Epochs, "training epochs")
		hidden     = fl.Int("hidden", def.Hidden, "GCN hidden size")
		lr         = fl.Float64("lr", def.LearningRate, "learning rate")
		batch      = fl.Int("batch", def.BatchSize, "training batch size")
		wd         = fl.Float64("wd", def.WeightDecay, "weight decay (0: none)")
		dropout    = fl.Float64("dropout", def.Dropout, "dropout probability, in [0, 1)")
		dataDir    = fl.String("data", "", cli.DataFlagHelp)
		trainMet   = fl.String("metric", "", "training label column (default: the space's)")
		testMet    = fl.String("test-metric", "", "evaluation column (default: the space's, or -metric when that is set)")
		save       = fl.String("save", "", "save the first seed's trained predictor to this file")
		plotFile   = fl.String("plot", "", "write a predicted-vs-true scatter plot (PNG) of the first seed")
		jsonOut    = fl.Bool("json", false, "end stdout with one JSON line")
		quiet      = fl.Bool("quiet", false, "no progress on stderr")
		maxWorkers = fl.Int("workers", def.Workers, "prediction goroutines (0: one per CPU)")
		auxName    = fl.String("aux", "cifar10", "auxiliary image dataset of -model hypernas: cifar10 (the built-in 8×8 images, or <data>/cifar10/train_4000.bin with -data) or fashion (Fashion-MNIST IDX files)")
		fashionDir = fl.String("fashion-dir", cli.DefaultFashionDir, "folder of the Fashion-MNIST IDX files of -aux fashion (Debian package dataset-fashion-mnist)")
		auxImages  = fl.Int("aux-images", hdef.ImagesPerArch, "auxiliary images per architecture per step")
		auxSize    = fl.Int("aux-size", hdef.ImageSize, "auxiliary image side after down-scaling, a multiple of 4")
		auxChan    = fl.Int("aux-channels", hdef.Channels, "target network width")
		auxCells   = fl.Int("aux-cells", hdef.CellsPerStage, "target network cells per stage")
		auxMax     = fl.Int("aux-max", hdef.MaxImages, "use only the first n auxiliary images (0: all)")
		weighting  = fl.String("weighting", "uncertainty", "multi-task weighting of L_pred and L_hyper: "+strings.Join(cli.WeightingNames, ", "))
		auxWeight  = fl.Float64("aux-weight", 1, "weight of L_hyper with -weighting fixed")
		rankLabels = fl.Bool("rank-labels", def.RankLabels, "train on the rank-Gauss transform of the labels (robust to failed runs such as NB101's 9.5 % cells)")
		auxSampled = fl.Bool("aux-sampled", def.AuxSampled, "train the auxiliary task on unlabelled architectures sampled from the space instead of the labelled batch")
		auxLR      = fl.Float64("aux-lr", def.AuxLearningRate, "learning rate of the hypernetwork and target network (0: -lr)")
		auxWarmup  = fl.Int("aux-warmup", def.AuxWarmup, "steps of the auxiliary task alone, on sampled unlabelled architectures, before the labelled training")
		q          = fl.Float64("q", 1.5, "preference coefficient of -weighting adaptive, a positive number")
		lossKind   = def.Loss
	)
	fl.Var(&lossKind, "loss", "prediction loss: "+strings.Join(loss.KindNames(), ", "))
	if err := fl.Parse(args); err != nil {
		return err
	}

	// Every check of the command line comes before the data is read.
	fl.OneOf("space", *spaceName, "space", cli.Names())
	fl.OneOf("model", *model, "model", []string{"hypernas", "hypernas-p", "np", "ridge", "forest", "auto"})
	seeds := fl.Seeds("seeds", *seedsFlag)
	fl.AtLeast("train", *train, 2)
	fl.AtLeast("epochs", *epochs, 1)
	fl.AtLeast("hidden", *hidden, 1)
	fl.Positive("lr", *lr)
	fl.AtLeast("batch", *batch, 1)
	fl.NonNegative("wd", *wd)
	fl.Fraction("dropout", *dropout)
	fl.AtLeast("workers", *maxWorkers, 0)
	aux := *model == "hypernas"
	gcn := *model == "hypernas" || *model == "hypernas-p" || *model == "np" || *model == "auto"
	fl.OnlyIf(gcn, fmt.Sprintf("applies only to the GCN models (hypernas, hypernas-p, np, and the hypernas-p candidate of auto), not %s", *model),
		"epochs", "hidden", "lr", "batch", "wd", "dropout", "loss")
	fl.OnlyIf(*model == "hypernas-p" || *model == "np" || *model == "forest", fmt.Sprintf("applies only to -model hypernas-p, np or forest, not %s", *model), "ensemble")
	fl.AtLeast("ensemble", *ensemble, 1)
	fl.OnlyIf(*model == "auto", fmt.Sprintf("applies only to -model auto, not %s", *model), "folds", "top")
	fl.AtLeast("folds", *folds, 2)
	fl.AtLeast("top", *top, 1)
	fl.OnlyIf(*model == "forest" || *model == "auto", fmt.Sprintf("applies only to -model forest or auto, not %s", *model), "trees")
	fl.AtLeast("trees", *trees, 1)
	// The single GCN keeps the predictor of package hypernas, with its
	// progress bar and -save; every other model runs as a baseline.Model.
	single := (*model == "hypernas" || *model == "hypernas-p" || *model == "np") && *ensemble == 1
	fl.OnlyIf(single, fmt.Sprintf("applies only to a single GCN predictor (-model hypernas, hypernas-p or np without -ensemble), not %s", *model), "save")
	fl.OnlyIf(aux, fmt.Sprintf("applies only to -model hypernas, not %s", *model),
		"aux", "fashion-dir", "aux-images", "aux-size", "aux-channels", "aux-cells", "aux-max",
		"weighting", "aux-weight", "q", "aux-sampled", "aux-lr", "aux-warmup")
	if aux {
		fl.OneOf("aux", *auxName, "auxiliary dataset", cli.AuxNames)
		fl.OnlyIf(*auxName == "fashion", "applies only with -aux fashion", "fashion-dir")
		fl.AtLeast("aux-images", *auxImages, 1)
		if *auxSize < 4 || *auxSize%4 != 0 {
			fl.Refuse("aux-size", *auxSize, "must be a positive multiple of 4")
		}
		fl.AtLeast("aux-channels", *auxChan, 1)
		fl.AtLeast("aux-cells", *auxCells, 1)
		fl.AtLeast("aux-max", *auxMax, 0)
		fl.OneOf("weighting", *weighting, "weighting", cli.WeightingNames)
		fl.OnlyIf(*weighting == "fixed", fmt.Sprintf("applies only with -weighting fixed, not %s", *weighting), "aux-weight")
		fl.OnlyIf(*weighting == "adaptive", fmt.Sprintf("applies only with -weighting adaptive, not %s", *weighting), "q")
		fl.NonNegative("aux-weight", *auxWeight)
		fl.Positive("q", *q)
		fl.NonNegative("aux-lr", *auxLR)
		fl.AtLeast("aux-warmup", *auxWarmup, 0)
	}
	fl.OutputFile("save")
	fl.OutputFile("plot")
	if err := fl.Err(); err != nil {
		return err
	}

	space, err := cli.Lookup(*spaceName)
	if err != nil {
		return err
	}
	enc := hypernas.Global
	if *model == "np" {
		enc = hypernas.SingleCell
	}
	opts := []hypernas.Option{hypernas.WithEncoding(enc),
		hypernas.WithEpochs(*epochs), hypernas.WithHidden(*hidden), hypernas.WithLearningRate(*lr), hypernas.WithBatchSize(*batch),
		hypernas.WithWeightDecay(*wd), hypernas.WithDropout(*dropout),
		hypernas.WithWorkers(*maxWorkers), hypernas.WithLoss(lossKind), hypernas.WithRankLabels(*rankLabels)}
	proto := fewshot.Protocol{Train: *train, TrainMetric: space.TrainMetric, TestMetric: space.TestMetric, TestAll: space.TestAll}
	if *trainMet != "" {
		proto.TrainMetric, proto.TestMetric = *trainMet, *trainMet
	}
	if *testMet != "" {
		proto.TestMetric = *testMet
	}

	dir, err := cli.DataDir(*dataDir)
	if err != nil {
		return err
	}
	if aux {
		if err := cli.CheckAux(*auxName, dir, *fashionDir); err != nil {
			return err
		}
		if err := cli.CheckAuxSize(*auxName, dir, *auxSize); err != nil {
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
	for _, m := range []struct{ flag, metric string }{{"metric", proto.TrainMetric}, {"test-metric", proto.TestMetric}} {
		if !bench.Table.HasMetric(m.metric) {
			return fmt.Errorf("-%s %q: space %s has no such column (it has %s)", m.flag, m.metric, space.Name, strings.Join(bench.Table.Metrics(), ", "))
		}
	}
	if err := cli.CheckTrain(*train, bench.Table.Len(), proto.TestAll, "space "+space.Name); err != nil {
		return err
	}
	var auxDesc string
	if aux {
		data, err := cli.LoadAux(*auxName, dir, *fashionDir)
		if err != nil {
			return err
		}
		task, err := hypernet.New(bench.Space, data, hypernet.WithImagesPerArch(*auxImages), hypernet.WithImageSize(*auxSize),
			hypernet.WithTargetChannels(*auxChan), hypernet.WithCellsPerStage(*auxCells), hypernet.WithMaxImages(*auxMax))
		if err != nil {
			return err
		}
		wf, err := cli.Weighting(*weighting, *auxWeight, *q)
		if err != nil {
			return err
		}
		opts = append(opts, hypernas.WithAux(task), hypernas.WithWeighting(wf), hypernas.WithAuxSampled(*auxSampled),
			hypernas.WithAuxWarmup(*auxWarmup), hypernas.WithAuxLearningRate(*auxLR))
		c := task.Config()
		auxDesc = fmt.Sprintf("%s (%d images, %d×%d, %d per architecture; target %d channels, %d cells per stage)",
			*auxName, task.Images().N, c.ImageSize, c.ImageSize, c.ImagesPerArch, c.Channels, c.CellsPerStage)
		if !*quiet {
			fmt.Fprintf(stderr, "auxiliary task: %s, weighting %s\n", auxDesc, *weighting)
		}
	}
	var spec baseline.Spec
	if !single {
		bopts := []baseline.Option{baseline.WithRankLabels(*rankLabels), baseline.WithTrees(*trees), baseline.WithFolds(*folds), baseline.WithTop(*top)}
		switch *model {
		case "hypernas-p", "np":
			spec = baseline.GCNModel(*model, bench.Space, opts...)
		case "ridge":
			spec = baseline.RidgeModel(bench.Space, bopts...)
		case "forest":
			spec = baseline.ForestModel(bench.Space, bopts...)
		case "auto":
			spec = baseline.AutoModel(bench.Space, bopts, opts...)
		}
		if *ensemble > 1 {
			spec = baseline.EnsembleModel(spec, *ensemble)
		}
	}
	spaceSize := bench.Table.Len()
	if space.SpaceSize != nil {
		spaceSize = space.SpaceSize()
	}

	var results []*fewshot.Result
	for i, seed := range seeds {
		proto.Seed = seed
		if !single {
			res, err := fewshot.EvaluateModel(ctx, bench, proto, spec)
			if err != nil {
				return fmt.Errorf("seed %d: %w", seed, err)
			}
			if !*quiet {
				fmt.Fprintf(stderr, "seed %d: %s tau %.4f, precision@1%% %.3f, train %.1fs, predict %d in %.2fs", seed, spec.Name, res.KendallTau, res.PrecisionAt1Pct, res.TrainSeconds, res.Test, res.PredictSeconds)
				if cv, ok := res.Model.(*baseline.CV); ok {
					fmt.Fprintf(stderr, ", cross-validated taus %.3f, chose %s", cv.Scores(), strings.Join(cv.Chosen(), "+"))
				}
				fmt.Fprintln(stderr)
			}
			results = append(results, res)
			if i == 0 && *plotFile != "" {
				title := fmt.Sprintf("%s %s, N=%d, seed %d: Kendall tau %.3f", space.Name, spec.Name, *train, seed, res.KendallTau)
				if err := scatterPlot(*plotFile, title, proto.TestMetric, res.True, res.Predicted); err != nil {
					return fmt.Errorf("-plot: %w", err)
				}
			}
			continue
		}
		var bar *progress
		seedOpts := opts
		if !*quiet {
			what := fmt.Sprintf("%d architectures", bench.Table.Len()-*train)
			if proto.TestAll {
				what = fmt.Sprintf("all %d architectures", bench.Table.Len())
			}
			bar = newProgress(stderr, fmt.Sprintf("seed %d (%d/%d)", seed, i+1, len(seeds)), *epochs, what)
			seedOpts = append(seedOpts[:len(seedOpts):len(seedOpts)], hypernas.WithProgress(bar.epoch))
		}
		res, err := fewshot.Evaluate(ctx, bench, proto, seedOpts...)
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
				return fmt.Errorf("-save: %w", err)
			}
		}
		if i == 0 && *plotFile != "" {
			title := fmt.Sprintf("%s %s, N=%d, seed %d: Kendall tau %.3f", space.Name, *model, *train, seed, res.KendallTau)
			if err := scatterPlot(*plotFile, title, proto.TestMetric, res.True, res.Predicted); err != nil {
				return fmt.Errorf("-plot: %w", err)
			}
		}
	}

	var taus, rhos, precs, prec1s, trainS, predS []float64
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "seed\ttrain\ttest\tkendall_tau\tspearman\tprec@%d\tprec@1%%(%d)\ttrain_s\tpredict_s\t\n", results[0].TopK, results[0].TopOnePct)
	for _, r := range results {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%.4f\t%.4f\t%.3f\t%.3f\t%.1f\t%.2f\t\n", r.Seed, r.Train, r.Test, r.KendallTau, r.Spearman, r.PrecisionAtK, r.PrecisionAt1Pct, r.TrainSeconds, r.PredictSeconds)
		taus, rhos, precs, prec1s = append(taus, r.KendallTau), append(rhos, r.Spearman), append(precs, r.PrecisionAtK), append(prec1s, r.PrecisionAt1Pct)
		trainS, predS = append(trainS, r.TrainSeconds), append(predS, r.PredictSeconds)
	}
	s := summary{Space: space.Name, Model: *model, Loss: lossKind.String(), Train: *train, Seeds: seeds, RankLabels: *rankLabels,
		KendallTaus: taus, TopK: results[0].TopK, TestSize: results[0].Test, SpaceSize: spaceSize,
		PrecisionsAt1Pct: prec1s, TopOnePct: results[0].TopOnePct,
		TrainSeconds: cli.Median(trainS), PredictSeconds: cli.Median(predS), TrainMetric: proto.TrainMetric, TestMetric: proto.TestMetric}
	if results[0].Report != nil {
		s.Epochs = results[0].Report.Epochs
	} else if gcn {
		s.Epochs = *epochs
	}
	if *ensemble > 1 {
		s.Ensemble = *ensemble
	}
	for _, r := range results {
		if cv, ok := r.Model.(*baseline.CV); ok {
			s.Chosen, s.CVTaus = append(s.Chosen, cv.Chosen()), append(s.CVTaus, cv.Scores())
		}
	}
	s.KendallTau, s.KendallTauStd = cli.MeanStd(taus)
	s.PrecisionAt1Pct, s.PrecisionAt1PctStd = cli.MeanStd(prec1s)
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
	fmt.Fprintf(tw, "mean\t%d\t%d\t%.4f\t%.4f\t%.3f\t%.3f\t%.1f\t%.2f\t\n", *train, s.TestSize, s.KendallTau, s.Spearman, s.PrecisionAtK, s.PrecisionAt1Pct, s.TrainSeconds, s.PredictSeconds)
	if err := tw.Flush(); err != nil {
		return err
	}
	name := *model
	if *ensemble > 1 {
		name = fmt.Sprintf("%s×%d", *model, *ensemble)
	}
	fmt.Fprintf(stdout, "%s %s N=%d: Kendall tau %.4f ± %.4f, precision@1%% %.3f ± %.3f (top %d) over %d seeds (train %s, test %s on %d); train %.1fs, predict %.2fs (medians)\n",
		space.Name, name, *train, s.KendallTau, s.KendallTauStd, s.PrecisionAt1Pct, s.PrecisionAt1PctStd, s.TopOnePct, len(seeds), proto.TrainMetric, proto.TestMetric, s.TestSize, s.TrainSeconds, s.PredictSeconds)
	if *jsonOut {
		return cli.WriteJSONLine(stdout, s)
	}
	return nil
}
