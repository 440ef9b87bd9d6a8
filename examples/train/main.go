// Command train fits a predictor on your labelled architectures and saves
// it, for examples/score (or hypernas.LoadFile) to apply later.
//
//	go run ./examples/train -space nb201 -csv labelled.csv -metric accuracy -save p.hnp
//	go run ./examples/train -space nb201 -builtin 78 -save p.hnp    # try it: 78 rows of the built-in NB201 table
//
// The CSV has a header line, an architecture column (-key, "arch" by
// default) in the space's text form and a numeric label column (-metric,
// higher is better); other columns are ignored. Errors name the line and
// column of a bad value. -builtin N trains instead on N rows of the space's
// built-in benchmark table, the protocol's seeded split, labelled with the
// space's training metric.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/hypernas/go-hypernas/examples/internal/cli"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/fewshot"
	"github.com/hypernas/go-hypernas/searchspace"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	cli.Exit("train", err)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	def := hypernas.Defaults()
	fl := cli.NewFlags("train", stderr)
	var (
		spaceName  = fl.String("space", "nb201", "the architectures' space: "+strings.Join(cli.Names(), ", "))
		csvFile    = fl.String("csv", "", "CSV of labelled architectures")
		key        = fl.String("key", "arch", "-csv's architecture column")
		metric     = fl.String("metric", "", "-csv's label column (higher is better)")
		builtin    = fl.Int("builtin", 0, "train on this many rows of the space's built-in table instead of -csv")
		seed       = fl.Uint64("seed", 0, "seed of the training (and of -builtin's split)")
		save       = fl.String("save", "", "file to save the trained predictor to (required)")
		model      = fl.String("model", "hypernas-p", "predictor: hypernas-p (global encoding) or np (single cell)")
		epochs     = fl.Int("epochs", def.Epochs, "training epochs")
		hidden     = fl.Int("hidden", def.Hidden, "GCN hidden size")
		rankLabels = fl.Bool("rank-labels", def.RankLabels, "train on the rank-Gauss transform of the labels")
		quiet      = fl.Bool("quiet", false, "no progress on stderr")
	)
	if err := fl.Parse(args); err != nil {
		return err
	}
	fl.OneOf("space", *spaceName, "space", cli.Names())
	fl.OneOf("model", *model, "model", []string{"hypernas-p", "np"})
	fl.AtLeast("epochs", *epochs, 1)
	fl.AtLeast("hidden", *hidden, 1)
	switch {
	case *save == "":
		fl.Refuse("save", *save, "required: where to save the predictor")
	case (*csvFile == "") == (*builtin == 0):
		fl.Fail(fmt.Errorf("give either -csv FILE (with -metric) or -builtin N"))
	case *csvFile != "" && *metric == "":
		fl.Refuse("metric", *metric, "required with -csv: the label column")
	}
	fl.OnlyIf(*csvFile != "", "applies only with -csv", "key", "metric")
	if fl.IsSet("builtin") {
		fl.AtLeast("builtin", *builtin, 2)
	}
	fl.OutputFile("save")
	if err := fl.Err(); err != nil {
		return err
	}

	sp, err := cli.Lookup(*spaceName)
	if err != nil {
		return err
	}
	var (
		b      *searchspace.Benchmark
		archs  []searchspace.Arch
		labels []float64
	)
	if *csvFile != "" {
		space, err := sp.New()
		if err != nil {
			return err
		}
		if b, err = searchspace.ReadBenchmarkFile(space, *csvFile, searchspace.CSVOptions{Key: *key, Metrics: []string{*metric}}); err != nil {
			return fmt.Errorf("-csv: %w", err)
		}
		archs = b.Archs
		if labels, err = b.Labels(*metric, nil); err != nil {
			return err
		}
	} else {
		if b, err = sp.Bench(""); err != nil {
			return err
		}
		if *builtin >= b.Table.Len() {
			return fmt.Errorf("-builtin %d: the built-in %s table has %d rows", *builtin, sp.Name, b.Table.Len())
		}
		rows, _, err := fewshot.Split(b.Table.Len(), *builtin, *seed)
		if err != nil {
			return err
		}
		if archs, err = b.Select(rows); err != nil {
			return err
		}
		if labels, err = b.Labels(sp.TrainMetric, rows); err != nil {
			return err
		}
	}

	enc := hypernas.Global
	if *model == "np" {
		enc = hypernas.SingleCell
	}
	opts := []hypernas.Option{hypernas.WithEncoding(enc), hypernas.WithEpochs(*epochs), hypernas.WithHidden(*hidden),
		hypernas.WithRankLabels(*rankLabels), hypernas.WithSeed(*seed)}
	p, err := hypernas.NewPredictor(b.Space, opts...)
	if err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(stderr, "training %s on %d labelled %s architectures, %d epochs …\n", *model, len(archs), sp.Name, *epochs)
	}
	rep, err := p.Fit(ctx, archs, labels)
	if err != nil {
		return err
	}
	if err := p.SaveFile(*save); err != nil {
		return fmt.Errorf("-save: %w", err)
	}
	fmt.Fprintf(stdout, "trained on %d architectures (final training loss %.4g); saved to %s\n", len(archs), rep.Losses[len(rep.Losses)-1], *save)
	return nil
}
