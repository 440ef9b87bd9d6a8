// Command customspace shows a search space written from scratch (space.go:
// a chain of four conv blocks with kernel, width and stride choices) trained
// and evaluated with go-hypernas from a CSV of labelled architectures:
//
//	go run ./examples/customspace -csv my_results.csv -train 100 -seeds 0,1,2
//
// The CSV has a header with an "arch" column (the space's text form, e.g.
// k3w32s1-k5w64s2-k1w16s1-k3w64s2) and a numeric label column (-metric,
// default "accuracy"). Every label must be a finite number; a bad row is
// reported with its line and column. Without -csv, -demo FILE writes a CSV
// with a synthetic label (a made-up formula, for trying the program only)
// and uses it.
//
// HyperNAS: -model hypernas adds the hypernetwork auxiliary task, whose
// target network the library builds from the space's declaration of what
// its operations compute (Primitives in space.go, searchspace.Computable),
// trained on auxiliary images (-aux cifar10: the built-in 8×8 CIFAR-10
// images, or <data>/cifar10/train_4000.bin with -data; -aux fashion:
// Fashion-MNIST).
//
// Global encoding or one graph: -model hypernas-p feeds the predictor the
// global encoding, one unit per block linked in order (Encode), -model np
// the whole chain as one flat graph (EncodeCell). For this space the two
// carry the same information: every unit is the same kind of thing (input,
// one convolution, output), so a chain of such units adds nothing over the
// flat chain. On the -demo labels (N = 100, seeds 0-2, default training)
// the two ranked alike: Kendall tau 0.713 ± 0.027 with hypernas-p, 0.704 ±
// 0.017 with np, a difference within the spread over seeds. The global
// encoding pays off when units differ in type (normal and reduction cells,
// a fixed downsampling block between stages), in depth (networks with
// different numbers of units: implement searchspace.VariableDepth) or in
// position (the same cell repeated at several stages and resolutions, as
// NAS-Bench-201's 17 units): there one cell, assumed stacked, misses what
// the network around it does.
//
// Training uses the library's defaults (hypernas.Defaults) unless -epochs
// is given. The space's own test (main_test.go) runs spacetest.Check, the
// conformance check to run on a space of your own.
package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"

	"github.com/hypernas/go-hypernas/examples/internal/cli"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/baseline"
	"github.com/hypernas/go-hypernas/hypernas/fewshot"
	"github.com/hypernas/go-hypernas/hypernas/hypernet"
	"github.com/hypernas/go-hypernas/searchspace"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	cli.Exit("customspace", err)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := cli.NewFlags("customspace", stderr)
	csvPath := fl.String("csv", "", "CSV of labelled architectures (arch column + -metric column)")
	demo := fl.String("demo", "", "write a CSV of 600 architectures with a synthetic label to this file and use it (instead of -csv)")
	metric := fl.String("metric", "accuracy", "label column")
	train := fl.Int("train", 100, "labelled architectures to train on (at least 2); the rest, at least 2, are the test set")
	seedsFlag := fl.String("seeds", "0,1,2", "seeds")
	epochs := fl.Int("epochs", hypernas.Defaults().Epochs, "training epochs")
	model := fl.String("model", "hypernas-p", "hypernas-p (global encoding: one unit per block), hypernas (the same with the hypernetwork auxiliary task), np (the chain as one graph), or a baseline: ridge, forest, auto (3-fold cross-validation on the training labels over ridge, forest and hypernas-p)")
	auxName := fl.String("aux", "cifar10", "auxiliary image dataset of -model hypernas: cifar10 (the built-in 8×8 images, or <data>/cifar10/train_4000.bin with -data) or fashion (Fashion-MNIST IDX files)")
	dataDir := fl.String("data", "", "folder with cifar10/train_4000.bin for -aux cifar10 (default $"+searchspace.DataEnv+", else the built-in images)")
	fashionDir := fl.String("fashion-dir", cli.DefaultFashionDir, "folder of the Fashion-MNIST IDX files of -aux fashion (Debian package dataset-fashion-mnist)")
	jsonOut := fl.Bool("json", false, "end stdout with one JSON line")
	if err := fl.Parse(args); err != nil {
		return err
	}

	// Every check of the command line comes before a file is read or written.
	switch {
	case *csvPath != "" && *demo != "":
		fl.Fail(fmt.Errorf("-csv and -demo: give one of them"))
	case *csvPath == "" && *demo == "":
		fl.Fail(fmt.Errorf("give -csv FILE (or -demo FILE to try it on synthetic labels)"))
	}
	if *metric == "" {
		fl.Refuse("metric", *metric, "name the label column")
	}
	seeds := fl.Seeds("seeds", *seedsFlag)
	fl.AtLeast("train", *train, 2)
	fl.AtLeast("epochs", *epochs, 1)
	fl.OneOf("model", *model, "model", []string{"hypernas-p", "hypernas", "np", "ridge", "forest", "auto"})
	fl.OnlyIf(*model != "ridge" && *model != "forest", fmt.Sprintf("applies only to the GCN models, not %s", *model), "epochs")
	fl.OnlyIf(*model == "hypernas", fmt.Sprintf("applies only to -model hypernas, not %s", *model), "aux", "data", "fashion-dir")
	fl.OneOf("aux", *auxName, "auxiliary dataset", cli.AuxNames)
	fl.OnlyIf(*auxName == "fashion", "applies only with -aux fashion", "fashion-dir")
	fl.OutputFile("demo")
	if err := fl.Err(); err != nil {
		return err
	}
	opts := []hypernas.Option{hypernas.WithEpochs(*epochs)}
	if *model == "np" {
		opts = append(opts, hypernas.WithEncoding(hypernas.SingleCell))
	}

	space := ChainSpace{}
	if *model == "hypernas" {
		dir, err := cli.DataDir(*dataDir)
		if err != nil {
			return err
		}
		data, err := cli.LoadAux(*auxName, dir, *fashionDir)
		if err != nil {
			return err
		}
		// The target network comes from space.Primitives.
		task, err := hypernet.New(space, data)
		if err != nil {
			return err
		}
		opts = append(opts, hypernas.WithAux(task))
	}
	if *demo != "" {
		if err := writeDemo(*demo, space, *metric); err != nil {
			return fmt.Errorf("-demo: %w", err)
		}
		*csvPath = *demo
	}
	// Each key is read with the space's Parse: a key outside the space, a
	// value that is not a finite number or a missing column is an error
	// that names the file, the line and the column.
	bench, err := searchspace.ReadBenchmarkFile(space, *csvPath, searchspace.CSVOptions{Metrics: []string{*metric}})
	if err != nil {
		return err
	}
	if err := cli.CheckTrain(*train, bench.Table.Len(), false, *csvPath); err != nil {
		return err
	}
	var taus []float64
	for _, seed := range seeds {
		proto := fewshot.Protocol{Train: *train, Seed: seed, TrainMetric: *metric, TestMetric: *metric}
		var res *fewshot.Result
		switch *model {
		case "ridge":
			res, err = fewshot.EvaluateModel(ctx, bench, proto, baseline.RidgeModel(space))
		case "forest":
			res, err = fewshot.EvaluateModel(ctx, bench, proto, baseline.ForestModel(space))
		case "auto":
			res, err = fewshot.EvaluateModel(ctx, bench, proto, baseline.AutoModel(space, nil, opts...))
		default:
			res, err = fewshot.Evaluate(ctx, bench, proto, opts...)
		}
		if err != nil {
			return fmt.Errorf("seed %d: %w", seed, err)
		}
		fmt.Fprintf(stdout, "seed %d: Kendall tau %.4f, precision@1%% %.3f (top %d) on %d held-out architectures (train %.1fs)", seed, res.KendallTau, res.PrecisionAt1Pct, res.TopOnePct, res.Test, res.TrainSeconds)
		if cv, ok := res.Model.(*baseline.CV); ok {
			fmt.Fprintf(stdout, ", chose %v", cv.Chosen())
		}
		if res.Report == nil {
			fmt.Fprintln(stdout)
			taus = append(taus, res.KendallTau)
			continue
		}
		if n := len(res.Report.AuxLosses); n > 0 {
			fmt.Fprintf(stdout, ", L_hyper %.3f → %.3f", res.Report.AuxLosses[0], res.Report.AuxLosses[n-1])
		}
		fmt.Fprintln(stdout)
		taus = append(taus, res.KendallTau)
	}
	m, sd := cli.MeanStd(taus)
	fmt.Fprintf(stdout, "chain %s N=%d: Kendall tau %.4f ± %.4f over %d seeds\n", *model, *train, m, sd, len(seeds))
	if *jsonOut {
		return cli.WriteJSONLine(stdout, map[string]any{"space": space.Name(), "model": *model, "train": *train,
			"seeds": seeds, "kendall_tau": m, "kendall_tau_std": sd, "test_size": bench.Table.Len() - *train, "space_size": space.Size()})
	}
	return nil
}

// writeDemo labels 600 sampled architectures with a made-up smooth function
// of their choices plus noise, so the program can be tried without data.
func writeDemo(path string, space ChainSpace, metric string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	if err := w.Write([]string{"arch", metric}); err != nil {
		f.Close()
		return err
	}
	rng := rand.New(rand.NewPCG(42, 42))
	seen := map[string]bool{}
	for len(seen) < 600 {
		c := space.Sample(rng).(Chain)
		if seen[c.String()] {
			continue
		}
		seen[c.String()] = true
		acc, down := 80.0, 0
		for i, b := range c {
			acc += 1.5*math.Log2(float64(widths[b.W])/16) + 0.8*float64(b.K) - 0.3*float64(i*b.K)
			down += b.S
		}
		acc -= 2 * math.Abs(float64(down)-2)
		acc += rng.NormFloat64() * 0.5
		if err := w.Write([]string{c.String(), fmt.Sprintf("%.3f", acc)}); err != nil {
			f.Close()
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
