// Command search runs architecture search on a benchmark table: the table
// is the oracle, so a search costs seconds, and the strategies can be
// compared over many seeds.
//
//	go run ./examples/search -space nb201 -strategy predictor-evolution -budget 100 -seeds 0-9 -json
//	go run ./examples/search -space nb201 -strategy predictor-evolution,random,evolution -plot best.png
//	go run ./examples/search -space nb201 -objective latency:pixel3 -max-cost 10
//	go run ./examples/search -space nb101 -budget 150 -seeds 0-2
//
// On NB201 the oracle answers cifar10_valid_acc (what a real search can
// see) and the result reports the cifar10_test_acc of the queried
// architecture with the best validation accuracy. Our NB101 data has no
// separate test accuracy, so there both are val_acc_108ep (in percent) and
// the search runs on the 30,001 labelled cells.
//
// Progress goes to stderr; stdout holds the tables and, with -json, a last
// line with one JSON object (the first strategy's summary, the others
// under "others").
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hypernas/go-hypernas/examples/internal/cli"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

// benchSpace is a benchmark of the shared registry (cli.Space: loader, the
// metric the oracle answers, the one reported) with what a search adds.
type benchSpace struct {
	cli.Space
	scale          float64 // to percent
	budget         int     // default budget
	restrictToData bool    // search the labelled cells only
	params         string  // parameter-count column
}

// searchable are the registry's spaces this example searches.
var searchable = map[string]benchSpace{
	"nb201": {scale: 1, budget: 100, params: "params_cifar10"},
	"nb101": {scale: 100, budget: 150, restrictToData: true, params: "params"},
}

// lookupSpace joins a registry space with its search settings.
func lookupSpace(name string) (benchSpace, bool) {
	b, ok := searchable[name]
	if !ok {
		return b, false
	}
	s, err := cli.Lookup(name)
	if err != nil {
		return b, false
	}
	b.Space = s
	return b, true
}

// runResult is one search: one strategy, one seed.
type runResult struct {
	Seed     uint64  `json:"seed"`
	Arch     string  `json:"arch"`
	ValidAcc float64 `json:"valid_acc"`
	TestAcc  float64 `json:"test_acc"`
	Queries  int     `json:"queries"`
	FoundAt  int     `json:"found_at"` // queries to the space's best, 0: not found
	Seconds  float64 `json:"seconds"`
	// CPUSeconds is the process CPU time of the search (all cores).
	CPUSeconds float64 `json:"cpu_seconds"`
	ParetoLen  int     `json:"pareto_size,omitempty"`
	// TrueFront is how many points of the table's true Pareto front the
	// search queried (with -objective).
	TrueFront int `json:"true_front_found,omitempty"`
	res       *hypernas.SearchResult
}

type paretoEntry struct {
	Arch     string  `json:"arch"`
	ValidAcc float64 `json:"valid_acc"`
	TestAcc  float64 `json:"test_acc"`
	Cost     float64 `json:"cost"`
}

type summary struct {
	Space           string        `json:"space"`
	Strategy        string        `json:"strategy"`
	Budget          int           `json:"budget"`
	Seeds           []uint64      `json:"seeds"`
	BestTestMean    float64       `json:"best_test_acc_mean"`
	BestTestStd     float64       `json:"best_test_acc_std"`
	BestValidMean   float64       `json:"best_valid_acc_mean"`
	FoundOptimum    int           `json:"found_optimum"`
	QueriesToOptMed float64       `json:"queries_to_optimum_median,omitempty"`
	QueriesMean     float64       `json:"queries_mean"`
	SecondsMean     float64       `json:"seconds_mean"`
	SecondsMedian   float64       `json:"seconds_median"`
	CPUSecondsMed   float64       `json:"cpu_seconds_median"`
	ValueMetric     string        `json:"value_metric"`
	ReportMetric    string        `json:"report_metric"`
	OptimumArch     string        `json:"optimum_arch"`
	OptimumTest     float64       `json:"optimum_test_acc"`
	Objective       string        `json:"objective,omitempty"`
	MaxCost         *float64      `json:"max_cost,omitempty"`
	TrueFrontSize   int           `json:"true_front_size,omitempty"`
	Pareto          []paretoEntry `json:"pareto,omitempty"` // first seed's
	Runs            []runResult   `json:"runs"`
	Others          []summary     `json:"others,omitempty"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "search:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flag := flag.NewFlagSet("search", flag.ContinueOnError)
	flag.SetOutput(stderr)
	var (
		spaceName  = flag.String("space", "nb201", "benchmark: nb201 or nb101")
		strategies = flag.String("strategy", "predictor-evolution", "comma-separated strategies: "+strings.Join(hypernas.StrategyNames(), ", ")+", or all")
		budget     = flag.Int("budget", 0, "oracle queries per search (0: 100 on nb201, 150 on nb101)")
		seedsFlag  = flag.String("seeds", "0-9", "seeds, e.g. 0-9 or 0,3,5")
		objective  = flag.String("objective", "", "second objective to minimise: latency:DEVICE (e.g. latency:pixel3, nb201), params, or metric:COLUMN; prints the Pareto set")
		maxCost    = flag.Float64("max-cost", math.Inf(1), "constraint: never query an architecture whose cost is above this (needs -objective)")
		model      = flag.String("model", "hypernas-p", "predictor: hypernas-p (global encoding) or np (single cell)")
		hidden     = flag.Int("hidden", 0, "predictor GCN hidden size (0: default)")
		rankLabels = flag.Bool("rank-labels", hypernas.Defaults().RankLabels, "predictor trains on the rank-Gauss transform of the queried labels")
		epochs     = flag.Int("epochs", 0, "first fit epochs (0: strategy default)")
		retrain    = flag.Int("retrain-epochs", 0, "warm-started refit epochs (0: strategy default)")
		initial    = flag.Int("initial", 0, "random queries before the first fit (0: strategy default)")
		topK       = flag.Int("topk", 0, "queries per predictor round (0: strategy default)")
		dataDir    = flag.String("data", "", "benchmark data folder (default $HYPERNAS_DATA)")
		plotFile   = flag.String("plot", "", "write a PNG of best-so-far accuracy against queries, per strategy")
		jsonOut    = flag.Bool("json", false, "end stdout with one JSON line")
		quiet      = flag.Bool("quiet", false, "no progress on stderr")
		workers    = flag.Int("workers", 0, "prediction goroutines (0: one per CPU)")
	)
	if err := flag.Parse(args); err != nil {
		return err
	}
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %v", flag.Args())
	}
	sp, ok := lookupSpace(*spaceName)
	if !ok {
		return fmt.Errorf("unknown space %q (known: nb101, nb201)", *spaceName)
	}
	seeds, err := cli.ParseSeeds(*seedsFlag)
	if err != nil {
		return err
	}
	if *budget == 0 {
		*budget = sp.budget
	}
	if *budget < 1 {
		return fmt.Errorf("-budget %d: must be at least 1", *budget)
	}
	names := strings.Split(*strategies, ",")
	if *strategies == "all" {
		names = hypernas.StrategyNames()
	}
	popts := []hypernas.Option{hypernas.WithWorkers(*workers), hypernas.WithRankLabels(*rankLabels)}
	switch *model {
	case "hypernas-p":
	case "np":
		popts = append(popts, hypernas.WithEncoding(hypernas.SingleCell))
	default:
		return fmt.Errorf("unknown model %q (known: hypernas-p, np)", *model)
	}
	if *hidden > 0 {
		popts = append(popts, hypernas.WithHidden(*hidden))
	}
	var strats []hypernas.Strategy
	for _, n := range names {
		s, err := hypernas.NewStrategy(strings.TrimSpace(n), popts...)
		if err != nil {
			return err
		}
		switch s := s.(type) {
		case *hypernas.PredictorEvolution:
			s.Epochs, s.RetrainEpochs, s.Initial, s.TopK = *epochs, *retrain, *initial, *topK
		case *hypernas.PredictorIterative:
			s.Epochs, s.RetrainEpochs, s.Initial, s.TopK = *epochs, *retrain, *initial, *topK
		}
		strats = append(strats, s)
	}
	if *objective == "" && !math.IsInf(*maxCost, 1) {
		return errors.New("-max-cost needs -objective")
	}

	dir, err := searchspace.DataDir(*dataDir)
	if err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(stderr, "loading %s ...\n", sp.Name)
	}
	bench, err := sp.Load(dir)
	if err != nil {
		return err
	}
	var sopts []hypernas.SearchOption
	if sp.restrictToData {
		sopts = append(sopts, hypernas.WithCandidates(bench.Archs))
	}
	var costFn hypernas.CostFunc
	var costTable *searchspace.Table
	var costMetric string
	if *objective != "" {
		costTable, costMetric, err = costOf(sp, bench, dir, *objective)
		if err != nil {
			return err
		}
		if costFn, err = hypernas.TableCost(costTable, costMetric); err != nil {
			return err
		}
		sopts = append(sopts, hypernas.WithCost(*objective, costFn), hypernas.WithMaxCost(*maxCost))
	}
	probe, err := hypernas.NewTableOracle(bench.Table, sp.TrainMetric, sp.TestMetric)
	if err != nil {
		return err
	}
	optArch, _ := probe.Best()
	optTest, _ := bench.Table.Lookup(optArch, sp.TestMetric)
	var trueFront map[string]bool
	if costFn != nil {
		// The table's own Pareto front (within the constraint), to say how
		// much of it a search found.
		trueFront = make(map[string]bool)
		vals, _ := bench.Table.Column(sp.TrainMetric)
		var pts []hypernas.ParetoPoint
		var keys []string
		for i, a := range bench.Archs {
			c, err := costFn(a)
			if err != nil {
				return err
			}
			if c <= *maxCost {
				pts, keys = append(pts, hypernas.ParetoPoint{Value: vals[i], Cost: c}), append(keys, a.String())
			}
		}
		for _, i := range hypernas.ParetoFront(pts) {
			trueFront[keys[i]] = true
		}
		// The best within the constraint is what a constrained search hopes for.
		if !math.IsInf(*maxCost, 1) && len(pts) > 0 {
			best := 0
			for i := range pts {
				if pts[i].Value > pts[best].Value {
					best = i
				}
			}
			optArch = keys[best]
			optTest, _ = bench.Table.Lookup(optArch, sp.TestMetric)
		}
	}

	var sums []summary
	for _, st := range strats {
		s := summary{Space: sp.Name, Strategy: st.Name(), Budget: *budget, Seeds: seeds, ValueMetric: sp.TrainMetric, ReportMetric: sp.TestMetric,
			OptimumArch: optArch, OptimumTest: optTest * sp.scale, Objective: *objective, TrueFrontSize: len(trueFront)}
		if !math.IsInf(*maxCost, 1) {
			s.MaxCost = maxCost
		}
		for _, seed := range seeds {
			oracle, err := hypernas.NewTableOracle(bench.Table, sp.TrainMetric, sp.TestMetric)
			if err != nil {
				return err
			}
			opts := append(append([]hypernas.SearchOption(nil), sopts...), hypernas.WithSearchSeed(seed))
			if !*quiet {
				opts = append(opts, hypernas.WithSearchProgress(progress(stderr, st.Name(), seed, sp.scale)))
			}
			cpu0 := cpuSeconds()
			res, err := st.Search(ctx, bench.Space, oracle, *budget, opts...)
			cpu := cpuSeconds() - cpu0
			if err != nil {
				return fmt.Errorf("%s, seed %d: %w", st.Name(), seed, err)
			}
			if oracle.Queries() != len(res.Queries) {
				return fmt.Errorf("%s, seed %d: the oracle counted %d queries, the result lists %d", st.Name(), seed, oracle.Queries(), len(res.Queries))
			}
			best, ok := res.Best()
			if !ok {
				return fmt.Errorf("%s, seed %d: no architecture was queried", st.Name(), seed)
			}
			rr := runResult{Seed: seed, Arch: best.Arch.String(), ValidAcc: best.Value * sp.scale, TestAcc: best.Report * sp.scale,
				Queries: len(res.Queries), FoundAt: res.QueriesToFind(optArch), Seconds: res.Elapsed.Seconds(), CPUSeconds: cpu, res: res}
			if costFn != nil {
				front := res.Pareto()
				rr.ParetoLen = len(front)
				for _, q := range res.Queries {
					if trueFront[q.Arch.String()] {
						rr.TrueFront++
					}
				}
				if len(s.Runs) == 0 {
					for _, q := range front {
						s.Pareto = append(s.Pareto, paretoEntry{Arch: q.Arch.String(), ValidAcc: q.Value * sp.scale, TestAcc: q.Report * sp.scale, Cost: q.Cost})
					}
				}
			}
			if !*quiet {
				fmt.Fprintf(stderr, "\r%s seed %d: best valid %.2f test %.2f after %d queries, %.1fs%s\n", st.Name(), seed, rr.ValidAcc, rr.TestAcc, rr.Queries, rr.Seconds, foundNote(rr.FoundAt))
			}
			s.Runs = append(s.Runs, rr)
		}
		summarise(&s)
		sums = append(sums, s)
		if err := printStrategy(stdout, s, costFn != nil); err != nil {
			return err
		}
	}
	if len(sums) > 1 {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "strategy\tbest %s mean ± std\tfound optimum\tqueries\tseconds (median)\tCPU s (median)\t\n", sp.TestMetric)
		for _, s := range sums {
			fmt.Fprintf(tw, "%s\t%.3f ± %.3f\t%d/%d\t%.1f\t%.1f\t%.1f\t\n", s.Strategy, s.BestTestMean, s.BestTestStd, s.FoundOptimum, len(s.Runs), s.QueriesMean, s.SecondsMedian, s.CPUSecondsMed)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if *plotFile != "" {
		if err := convergencePlot(*plotFile, sp, *budget, sums); err != nil {
			return fmt.Errorf("plot: %w", err)
		}
	}
	if *jsonOut {
		out := sums[0]
		out.Others = sums[1:]
		return cli.WriteJSONLine(stdout, out)
	}
	return nil
}

// costOf resolves an -objective to a table and column.
func costOf(sp benchSpace, bench *searchspace.Benchmark, dir, objective string) (*searchspace.Table, string, error) {
	kind, arg, _ := strings.Cut(objective, ":")
	switch kind {
	case "latency":
		if sp.Name != "nb201" {
			return nil, "", fmt.Errorf("-objective %s: latencies are only available for nb201", objective)
		}
		lat, err := nasbench201.LoadLatency(dir)
		if err != nil {
			return nil, "", err
		}
		col := "lat_" + arg
		if !lat.HasMetric(col) {
			var devs []string
			for _, m := range lat.Metrics() {
				if d, ok := strings.CutPrefix(m, "lat_"); ok {
					devs = append(devs, d)
				}
			}
			return nil, "", fmt.Errorf("-objective %s: no device %q (known: %s)", objective, arg, strings.Join(devs, ", "))
		}
		return lat, col, nil
	case "params":
		return bench.Table, sp.params, nil
	case "metric":
		if !bench.Table.HasMetric(arg) {
			return nil, "", fmt.Errorf("-objective %s: %s has no column %q (it has %v)", objective, sp.Name, arg, bench.Table.Metrics())
		}
		return bench.Table, arg, nil
	}
	return nil, "", fmt.Errorf("-objective %q: want latency:DEVICE, params or metric:COLUMN", objective)
}

func foundNote(at int) string {
	if at == 0 {
		return ""
	}
	return fmt.Sprintf(" (found the optimum at query %d)", at)
}

// progress reports every tenth query on one overwritten stderr line.
func progress(w io.Writer, name string, seed uint64, scale float64) func(hypernas.SearchProgress) {
	last := time.Time{}
	return func(p hypernas.SearchProgress) {
		if p.Queries%10 != 0 && time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		fmt.Fprintf(w, "\r%s seed %d: %d/%d queries, best valid %.2f, %.0fs   ", name, seed, p.Queries, p.Budget, p.Best.Value*scale, p.Elapsed.Seconds())
	}
}

func summarise(s *summary) {
	var test, valid, queries, secs, cpu, toOpt []float64
	for _, r := range s.Runs {
		test, valid = append(test, r.TestAcc), append(valid, r.ValidAcc)
		queries, secs = append(queries, float64(r.Queries)), append(secs, r.Seconds)
		cpu = append(cpu, r.CPUSeconds)
		if r.FoundAt > 0 {
			s.FoundOptimum++
			toOpt = append(toOpt, float64(r.FoundAt))
		}
	}
	s.BestTestMean, s.BestTestStd = cli.MeanStd(test)
	s.BestValidMean, _ = cli.MeanStd(valid)
	s.QueriesMean, _ = cli.MeanStd(queries)
	s.SecondsMean, _ = cli.MeanStd(secs)
	s.SecondsMedian = cli.Median(secs)
	s.CPUSecondsMed = cli.Median(cpu)
	if len(toOpt) > 0 {
		s.QueriesToOptMed = cli.Median(toOpt)
	}
}

func printStrategy(w io.Writer, s summary, pareto bool) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s on %s, budget %d\n", s.Strategy, s.Space, s.Budget)
	fmt.Fprintf(tw, "seed\tbest architecture\t%s\t%s\tqueries\tfound at\tseconds\tcpu s\t\n", s.ValueMetric, s.ReportMetric)
	for _, r := range s.Runs {
		at := "-"
		if r.FoundAt > 0 {
			at = fmt.Sprint(r.FoundAt)
		}
		fmt.Fprintf(tw, "%d\t%s\t%.3f\t%.3f\t%d\t%s\t%.1f\t%.1f\t\n", r.Seed, r.Arch, r.ValidAcc, r.TestAcc, r.Queries, at, r.Seconds, r.CPUSeconds)
	}
	fmt.Fprintf(tw, "summary: best %s %.3f ± %.3f (space's best %.3f), optimum found in %d/%d seeds, %.1f queries, %.1f s median (%.1f CPU s)\n",
		s.ReportMetric, s.BestTestMean, s.BestTestStd, s.OptimumTest, s.FoundOptimum, len(s.Runs), s.QueriesMean, s.SecondsMedian, s.CPUSecondsMed)
	if pareto {
		fmt.Fprintf(tw, "Pareto set of seed %d (%s against %s; %d of the table's %d front points found):\n", s.Runs[0].Seed, s.ValueMetric, s.Objective, s.Runs[0].TrueFront, s.TrueFrontSize)
		fmt.Fprintf(tw, "cost\t%s\t%s\tarchitecture\t\n", s.ValueMetric, s.ReportMetric)
		for _, p := range s.Pareto {
			fmt.Fprintf(tw, "%.4g\t%.3f\t%.3f\t%s\t\n", p.Cost, p.ValidAcc, p.TestAcc, p.Arch)
		}
	}
	fmt.Fprintln(tw)
	return tw.Flush()
}
