// Command search runs architecture search on a benchmark table: the table
// is the oracle, so a search costs seconds, and the strategies can be
// compared over many seeds.
//
//	go run ./examples/search -space nb201 -strategy predictor-evolution -budget 100 -seeds 0-9 -json
//	go run ./examples/search -space nb201 -strategy predictor-evolution,random,evolution -plot best.png
//	go run ./examples/search -space nb201 -objective latency:pixel3 -max-cost 10
//	go run ./examples/search -space nb101 -budget 150 -seeds 0-2
//	go run ./examples/search -storage sqlite:runs.db -study nb201-pe -workers 4   # resumable, 4 at once
//	go run ./examples/search -oracle-cmd 'python train.py --arch {arch}' -oracle-timeout 2h
//
// With -storage sqlite:FILE or postgres://… every told query is written as
// it arrives, and the same command resumes an interrupted search. With a
// PostgreSQL storage, processes on other machines join a study with
// -worker (same -space, -storage, -study and oracle flags) and evaluate
// what it asks, while this process (the coordinator) runs the strategy:
//
//	go run ./examples/search -storage postgres://u:p@db/nas -study s1 -workers 0   # coordinator
//	go run ./examples/search -storage postgres://u:p@db/nas -study s1 -worker      # on each worker machine
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
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"os/signal"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hypernas/go-hypernas/examples/internal/cli"
	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/search"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201/nb201data"
)

// benchSpace is a benchmark of the registry (cli.Space: loader, the
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
	// Failures is the number of failed oracle queries (they count
	// against the budget).
	Failures int `json:"failures,omitempty"`
	// Partial marks a search stopped before its budget was spent.
	Partial bool `json:"partial,omitempty"`
	res     *search.Result
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
	// Partial marks an interrupted run: Runs hold what was done.
	Partial bool   `json:"partial,omitempty"`
	Storage string `json:"storage,omitempty"`
	Study   string `json:"study,omitempty"`
	Workers int    `json:"workers"`
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	cli.Exit("search", err)
}

// predictorFlags are the flags that only the predictor strategies use.
var predictorFlags = []string{"model", "hidden", "rank-labels", "epochs", "retrain-epochs", "initial", "topk", "predict-workers"}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	def := hypernas.Defaults()
	fl := cli.NewFlags("search", stderr)
	var (
		spaceName  = fl.String("space", "nb201", "benchmark: nb201 or nb101")
		strategies = fl.String("strategy", "predictor-evolution", "comma-separated strategies: "+strings.Join(search.StrategyNames(), ", ")+", or all")
		budget     = fl.Int("budget", 0, "oracle queries per search (default: 100 on nb201, 150 on nb101)")
		seedsFlag  = fl.String("seeds", "0-9", "seeds, e.g. 0-9 or 0,3,5")
		objective  = fl.String("objective", "", "second objective to minimise: latency:DEVICE (e.g. latency:pixel3, nb201), params, or metric:COLUMN; prints the Pareto set")
		maxCost    = fl.Float64("max-cost", math.Inf(1), "constraint: never query an architecture whose cost is above this (needs -objective)")
		model      = fl.String("model", "hypernas-p", "predictor: hypernas-p (global encoding) or np (single cell)")
		hidden     = fl.Int("hidden", def.Hidden, "predictor GCN hidden size")
		rankLabels = fl.Bool("rank-labels", def.RankLabels, "predictor trains on the rank-Gauss transform of the queried labels")
		epochs     = fl.Int("epochs", search.DefaultFitEpochs, "epochs of the predictor's first fit")
		retrain    = fl.Int("retrain-epochs", search.DefaultRefitEpochs, "epochs of every warm-started refit")
		initial    = fl.Int("initial", search.DefaultInitial, "random queries before the first fit (at least 2)")
		topK       = fl.Int("topk", search.DefaultTopK, "queries per predictor round")
		dataDir    = fl.String("data", "", cli.DataFlagHelp)
		plotFile   = fl.String("plot", "", "write a PNG of best-so-far accuracy against queries, per strategy")
		jsonOut    = fl.Bool("json", false, "end stdout with one JSON line")
		quiet      = fl.Bool("quiet", false, "no progress on stderr")
		workers    = fl.Int("predict-workers", def.Workers, "prediction goroutines (0: one per CPU)")
		sf         = defineStudyFlags(fl)
	)
	if err := fl.Parse(args); err != nil {
		return err
	}

	// Every check of the command line comes before the data is read.
	sp, spaceOK := lookupSpace(*spaceName)
	if !spaceOK {
		fl.Refuse("space", *spaceName, "unknown space (known: %s)", strings.Join(slices.Sorted(maps.Keys(searchable)), ", "))
	}
	seeds := fl.Seeds("seeds", *seedsFlag)
	if fl.IsSet("budget") {
		fl.AtLeast("budget", *budget, 1)
	} else {
		*budget = sp.budget
	}
	names := strings.Split(*strategies, ",")
	if *strategies == "all" {
		names = search.StrategyNames()
	}
	usesPredictor := false
	for i, n := range names {
		names[i] = strings.TrimSpace(n)
		switch {
		case !slices.Contains(search.StrategyNames(), names[i]):
			fl.Refuse("strategy", *strategies, "unknown strategy %q (known: %s, or all)", names[i], strings.Join(search.StrategyNames(), ", "))
		case slices.Contains(names[:i], names[i]):
			fl.Refuse("strategy", *strategies, "%s appears twice", names[i])
		}
		usesPredictor = usesPredictor || search.UsesPredictor(names[i])
	}
	var predictorStrategies []string
	for _, n := range search.StrategyNames() {
		if search.UsesPredictor(n) {
			predictorStrategies = append(predictorStrategies, n)
		}
	}
	fl.OnlyIf(usesPredictor, "applies only to the predictor strategies ("+strings.Join(predictorStrategies, ", ")+")", predictorFlags...)
	fl.OneOf("model", *model, "model", []string{"hypernas-p", "np"})
	fl.AtLeast("hidden", *hidden, 1)
	fl.AtLeast("epochs", *epochs, 1)
	fl.AtLeast("retrain-epochs", *retrain, 1)
	fl.AtLeast("initial", *initial, 2)
	fl.AtLeast("topk", *topK, 1)
	fl.AtLeast("predict-workers", *workers, 0)
	sf.check(fl)
	fl.OnlyIf(*objective != "", "needs -objective", "max-cost")
	if math.IsNaN(*maxCost) {
		fl.Refuse("max-cost", *maxCost, "must be a number")
	}
	var obj *costObjective
	if spaceOK {
		var err error
		obj, err = parseObjective(*objective, sp.Name)
		fl.Fail(err)
	}
	fl.OutputFile("plot")
	if err := fl.Err(); err != nil {
		return err
	}

	var strats []search.Strategy
	for _, n := range names {
		var sopts []search.StrategyOption
		if search.UsesPredictor(n) {
			popts := []hypernas.Option{hypernas.WithWorkers(*workers), hypernas.WithRankLabels(*rankLabels), hypernas.WithHidden(*hidden)}
			if *model == "np" {
				popts = append(popts, hypernas.WithEncoding(hypernas.SingleCell))
			}
			sopts = append(sopts, search.WithPredictor(popts...))
			if fl.IsSet("epochs") || fl.IsSet("retrain-epochs") {
				sopts = append(sopts, search.WithFitEpochs(*epochs, *retrain))
			}
			if fl.IsSet("initial") {
				sopts = append(sopts, search.WithInitial(*initial))
			}
			if fl.IsSet("topk") {
				sopts = append(sopts, search.WithTopK(*topK))
			}
		}
		s, err := search.NewStrategy(n, sopts...)
		if err != nil {
			return fmt.Errorf("-strategy %s: %w", n, err)
		}
		strats = append(strats, s)
	}

	dir, err := cli.DataDir(*dataDir)
	if err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(stderr, "loading %s from %s ...\n", sp.Name, cli.DataSource(dir))
	}
	bench, err := sp.Bench(dir)
	if err != nil {
		return err
	}
	if sf.worker {
		return sf.work(ctx, sp, bench, stdout, stderr, *quiet)
	}
	var sopts []search.Option
	if sp.restrictToData {
		sopts = append(sopts, search.WithCandidates(bench.Archs))
	}
	var costFn search.CostFunc
	if obj != nil {
		costTable, costMetric, err := obj.resolve(sp, bench, dir)
		if err != nil {
			return err
		}
		if costFn, err = search.TableCost(costTable, costMetric); err != nil {
			return err
		}
		sopts = append(sopts, search.WithCost(*objective, costFn), search.WithMaxCost(*maxCost))
	}
	probe, err := search.NewTableOracle(bench.Table, sp.TrainMetric, sp.TestMetric)
	if err != nil {
		return err
	}
	optArch, optValid, ok := probe.Best()
	if !ok {
		return fmt.Errorf("space %s: no architecture of the benchmark has a %s", sp.Name, sp.TrainMetric)
	}
	optTest, _ := bench.Table.Lookup(optArch, sp.TestMetric)
	var trueFront map[string]bool
	if costFn != nil {
		// The table's own Pareto front (within the constraint), to say how
		// much of it a search found.
		trueFront = make(map[string]bool)
		all, err := bench.Table.Column(sp.TrainMetric)
		if err != nil {
			return err
		}
		var vals, costs []float64
		var keys []string
		for i, a := range bench.Archs {
			c, err := costFn(a)
			if err != nil {
				return err
			}
			if c <= *maxCost {
				vals, costs, keys = append(vals, all[i]), append(costs, c), append(keys, a.String())
			}
		}
		front, err := search.ParetoFront(vals, costs)
		if err != nil {
			return err
		}
		for _, i := range front {
			trueFront[keys[i]] = true
		}
		// The best within the constraint is what a constrained search hopes for.
		if !math.IsInf(*maxCost, 1) && len(vals) > 0 {
			best := 0
			for i := range vals {
				if vals[i] > vals[best] {
					best = i
				}
			}
			optArch, optValid = keys[best], vals[best]
			optTest, _ = bench.Table.Lookup(optArch, sp.TestMetric)
		}
	}

	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	// Every study is opened (created, or checked and resumed) before the
	// first runs, so that a settings mismatch shows at once and workers
	// see every study of the command until the last is complete.
	studies := map[string]*search.Study{}
	for _, st := range strats {
		for _, seed := range seeds {
			opts := append(append([]search.Option(nil), sopts...), search.WithSeed(seed),
				search.WithStorage(store, sf.name(st.Name(), seed)), search.WithWorkers(sf.workers))
			if !*quiet {
				opts = append(opts, search.WithProgress(progress(stderr, st.Name(), seed, sp.scale)))
			}
			study, err := search.NewStudy(ctx, st, bench.Space, *budget, opts...)
			if err != nil {
				return fmt.Errorf("%s, seed %d: %w", st.Name(), seed, err)
			}
			defer study.Close()
			studies[study.Name()] = study
		}
	}

	var sums []summary
	var stopped error
	for _, st := range strats {
		if stopped != nil {
			break
		}
		s := summary{Space: sp.Name, Strategy: st.Name(), Budget: *budget, Seeds: seeds, ValueMetric: sp.TrainMetric, ReportMetric: sp.TestMetric,
			OptimumArch: optArch, OptimumTest: optTest * sp.scale, Objective: *objective, TrueFrontSize: len(trueFront),
			Storage: store.String(), Study: sf.study, Workers: sf.workers}
		if !math.IsInf(*maxCost, 1) {
			s.MaxCost = maxCost
		}
		for _, seed := range seeds {
			oracle, err := sf.oracle(sp, bench)
			if err != nil {
				return err
			}
			cpu0 := cpuSeconds()
			res, err := studies[sf.name(st.Name(), seed)].Run(ctx, oracle)
			cpu := cpuSeconds() - cpu0
			if interrupted(err) {
				stopped = err
				s.Partial = true
				if len(res.Queries) == 0 {
					break
				}
			} else if err != nil {
				return fmt.Errorf("%s, seed %d: %w", st.Name(), seed, err)
			}
			if !sf.persistent() && stopped == nil && oracle.Queries() != len(res.Queries) {
				return fmt.Errorf("%s, seed %d: the oracle counted %d queries, the result lists %d", st.Name(), seed, oracle.Queries(), len(res.Queries))
			}
			best, ok := res.Best()
			if !ok {
				if res.Failures() > 0 {
					return fmt.Errorf("%s, seed %d: every one of the %d queries failed; the first: %s", st.Name(), seed, len(res.Queries), res.Queries[0].Error)
				}
				return fmt.Errorf("%s, seed %d: no architecture was queried", st.Name(), seed)
			}
			rr := runResult{Seed: seed, Arch: best.Arch.String(), ValidAcc: best.Value * sp.scale, TestAcc: reported(best, bench, sp) * sp.scale,
				Queries: len(res.Queries), FoundAt: res.QueriesToFind(optArch), Seconds: res.Elapsed.Seconds(), CPUSeconds: cpu,
				Failures: res.Failures(), Partial: stopped != nil, res: res}
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
			if stopped != nil {
				break
			}
		}
		if len(s.Runs) == 0 {
			break
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
		if err := convergencePlot(*plotFile, sp, *budget, sums, optValid); err != nil {
			return fmt.Errorf("-plot: %w", err)
		}
	}
	if *jsonOut && len(sums) > 0 {
		out := sums[0]
		out.Others = sums[1:]
		out.Partial = stopped != nil
		if err := cli.WriteJSONLine(stdout, out); err != nil {
			return err
		}
	}
	if stopped != nil {
		how := "run the same command to start again"
		if sf.persistent() {
			how = "the studies in " + store.String() + " are kept: run the same command to resume them"
		}
		return fmt.Errorf("interrupted; what was done is printed above (marked partial), %s: %w", how, stopped)
	}
	return nil
}

// reported is the reported metric of a query: the oracle's report, else
// the benchmark's value for the architecture (a training program may
// report nothing), else NaN.
func reported(q search.Query, bench *searchspace.Benchmark, sp benchSpace) float64 {
	if !math.IsNaN(q.Report) {
		return q.Report
	}
	if v, err := bench.Table.Lookup(q.Arch.String(), sp.TestMetric); err == nil {
		return v
	}
	return math.NaN()
}

// costObjective is a parsed -objective: latency:DEVICE, params or
// metric:COLUMN.
type costObjective struct {
	text, kind, arg string
}

// parseObjective checks the form of -objective ("" is none) before any data
// is read; the device or column is checked against the data by resolve.
func parseObjective(objective, space string) (*costObjective, error) {
	if objective == "" {
		return nil, nil
	}
	kind, arg, _ := strings.Cut(objective, ":")
	o := &costObjective{text: objective, kind: kind, arg: arg}
	switch {
	case kind == "latency" && space != "nb201":
		return nil, fmt.Errorf("-objective %q: latencies are only available for nb201", objective)
	case kind == "latency" && arg == "", kind == "metric" && arg == "":
		return nil, fmt.Errorf("-objective %q: want %s:%s", objective, kind, map[string]string{"latency": "DEVICE", "metric": "COLUMN"}[kind])
	case kind == "params" && arg != "":
		return nil, fmt.Errorf("-objective %q: params takes no argument", objective)
	case kind == "latency", kind == "params", kind == "metric":
		return o, nil
	}
	return nil, fmt.Errorf("-objective %q: want latency:DEVICE, params or metric:COLUMN", objective)
}

// resolve finds the objective's table and column.
func (o *costObjective) resolve(sp benchSpace, bench *searchspace.Benchmark, dir string) (*searchspace.Table, string, error) {
	switch o.kind {
	case "latency":
		var lat *searchspace.Table
		var err error
		if dir == "" {
			lat, err = nb201data.LoadLatency()
		} else {
			lat, err = nasbench201.LoadLatency(dir)
		}
		if err != nil {
			return nil, "", err
		}
		col := "lat_" + o.arg
		if !lat.HasMetric(col) {
			var devs []string
			for _, m := range lat.Metrics() {
				if d, ok := strings.CutPrefix(m, "lat_"); ok {
					devs = append(devs, d)
				}
			}
			return nil, "", fmt.Errorf("-objective %q: no device %q (known: %s)", o.text, o.arg, strings.Join(devs, ", "))
		}
		return lat, col, nil
	case "params":
		return bench.Table, sp.params, nil
	}
	if !bench.Table.HasMetric(o.arg) {
		return nil, "", fmt.Errorf("-objective %q: %s has no column %q (it has %s)", o.text, sp.Name, o.arg, strings.Join(bench.Table.Metrics(), ", "))
	}
	return bench.Table, o.arg, nil
}

func foundNote(at int) string {
	if at == 0 {
		return ""
	}
	return fmt.Sprintf(" (found the optimum at query %d)", at)
}

// progress reports every tenth query on one overwritten stderr line.
func progress(w io.Writer, name string, seed uint64, scale float64) func(search.Progress) {
	last := time.Time{}
	return func(p search.Progress) {
		if p.Queries%10 != 0 && time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		best := "-"
		if p.Best.Best >= 0 {
			best = fmt.Sprintf("%.2f", p.Best.Value*scale)
		}
		fmt.Fprintf(w, "\r%s seed %d: %d/%d queries, best valid %s, %.0fs   ", name, seed, p.Queries, p.Budget, best, p.Elapsed.Seconds())
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
	if s.Partial {
		fmt.Fprintf(tw, "INTERRUPTED: partial results (the last run stopped before its budget was spent)\n")
	}
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
