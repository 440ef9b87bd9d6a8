package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hypernas/go-hypernas/examples/internal/cli"
	"github.com/hypernas/go-hypernas/hypernas/search"
	"github.com/hypernas/go-hypernas/hypernas/search/storage"
	"github.com/hypernas/go-hypernas/searchspace"
)

// studyFlags say where the studies are kept, who evaluates their trials
// and with what.
type studyFlags struct {
	storage, study, oracleCmd, oracleLog string
	workers, retries                     int
	worker                               bool
	timeout, delay                       time.Duration
}

func defineStudyFlags(fl *cli.Flags) *studyFlags {
	f := &studyFlags{}
	fl.StringVar(&f.storage, "storage", "memory", "where the studies are kept: memory, sqlite:FILE or postgres://USER:PASS@HOST/DB; the same command with the same -storage and -study resumes them")
	fl.StringVar(&f.study, "study", "search", "study name in -storage (one study per strategy and seed: NAME/STRATEGY/seed-S)")
	fl.IntVar(&f.workers, "workers", 1, "architectures evaluated at once by this process (0: only by -worker processes)")
	fl.BoolVar(&f.worker, "worker", false, "worker mode: evaluate the trials of the studies -study in -storage, which another process (the coordinator) runs, until they are complete")
	fl.StringVar(&f.oracleCmd, "oracle-cmd", "", "evaluate with a program, e.g. 'python train.py --arch {arch}' ({trial}, {study} too); its last line is a number or a JSON object with \"value\" (default: the benchmark table)")
	fl.DurationVar(&f.timeout, "oracle-timeout", 0, "time limit of one run of -oracle-cmd (0: none)")
	fl.IntVar(&f.retries, "oracle-retries", search.DefaultCommandRetries, "times a failed run of -oracle-cmd is tried again")
	fl.StringVar(&f.oracleLog, "oracle-log", "", "folder that keeps each run's output of -oracle-cmd")
	fl.DurationVar(&f.delay, "oracle-delay", 0, "simulated training time added to every table lookup, e.g. 0.5s")
	return f
}

// coordinatorFlags are the flags that a -worker does not take: the
// coordinator's settings decide what the workers evaluate.
var coordinatorFlags = []string{"strategy", "budget", "seeds", "objective", "max-cost", "model", "hidden", "rank-labels",
	"epochs", "retrain-epochs", "initial", "topk", "predict-workers", "plot", "json", "workers"}

func (f *studyFlags) persistent() bool { return f.storage != "memory" }

// check refuses bad values before any data is read.
func (f *studyFlags) check(fl *cli.Flags) {
	switch {
	case f.storage == "memory", strings.HasPrefix(f.storage, "postgres://"), strings.HasPrefix(f.storage, "postgresql://"):
	case strings.HasPrefix(f.storage, "sqlite:"):
		file := strings.TrimPrefix(f.storage, "sqlite:")
		if file == "" {
			fl.Refuse("storage", f.storage, "want sqlite:FILE")
		} else if st, err := os.Stat(filepath.Dir(file)); err != nil || !st.IsDir() {
			fl.Refuse("storage", f.storage, "folder %s does not exist", filepath.Dir(file))
		}
	default:
		fl.Refuse("storage", f.storage, "want memory, sqlite:FILE or postgres://USER:PASS@HOST/DB")
	}
	if f.study == "" || strings.TrimSpace(f.study) != f.study || strings.ContainsAny(f.study, "\n\r") {
		fl.Refuse("study", f.study, "want a name without surrounding spaces or line breaks")
	}
	fl.AtLeast("workers", f.workers, 0)
	if f.workers == 0 && !f.persistent() {
		fl.Refuse("workers", 0, "needs -storage sqlite:FILE or postgres://…: with -storage memory nothing else could evaluate")
	}
	fl.OnlyIf(f.persistent(), "needs -storage sqlite:FILE or postgres://…", "worker")
	fl.OnlyIf(!f.worker, "is the coordinator's setting; a -worker evaluates what the study asks", coordinatorFlags...)
	fl.OnlyIf(f.oracleCmd != "", "applies only to -oracle-cmd", "oracle-timeout", "oracle-retries", "oracle-log")
	fl.OnlyIf(f.oracleCmd == "", "applies only to the benchmark table oracle, not -oracle-cmd", "oracle-delay")
	if fl.IsSet("oracle-cmd") && strings.TrimSpace(f.oracleCmd) == "" {
		fl.Refuse("oracle-cmd", f.oracleCmd, "empty command")
	}
	if f.timeout < 0 {
		fl.Refuse("oracle-timeout", f.timeout, "must be 0 (none) or more")
	}
	fl.AtLeast("oracle-retries", f.retries, 0)
	if f.delay < 0 {
		fl.Refuse("oracle-delay", f.delay, "must be 0 or more")
	}
	if f.oracleLog != "" {
		if st, err := os.Stat(f.oracleLog); err != nil || !st.IsDir() {
			fl.Refuse("oracle-log", f.oracleLog, "folder does not exist")
		}
	}
}

// open opens the storage.
func (f *studyFlags) open(ctx context.Context) (search.Storage, error) {
	store, err := storage.Open(ctx, f.storage)
	if err != nil {
		return nil, fmt.Errorf("-storage: %w", err)
	}
	return store, nil
}

// oracle is the table (with the simulated training time) or the command.
func (f *studyFlags) oracle(sp benchSpace, bench *searchspace.Benchmark) (search.Oracle, error) {
	if f.oracleCmd != "" {
		return search.NewCommandOracle(f.oracleCmd, search.WithCommandTimeout(f.timeout), search.WithCommandRetries(f.retries),
			search.WithCommandLog(f.oracleLog))
	}
	table, err := search.NewTableOracle(bench.Table, sp.TrainMetric, sp.TestMetric)
	if err != nil || f.delay == 0 {
		return table, err
	}
	return search.NewFuncOracle(func(ctx context.Context, a searchspace.Arch) (search.Evaluation, error) {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return search.Evaluation{}, ctx.Err()
		}
		return table.Query(ctx, a)
	})
}

// name is the study of one strategy and seed.
func (f *studyFlags) name(strategy string, seed uint64) string {
	return fmt.Sprintf("%s/%s/seed-%d", f.study, strategy, seed)
}

// work is worker mode: evaluate the trials of the studies until they are
// complete.
func (f *studyFlags) work(ctx context.Context, sp benchSpace, bench *searchspace.Benchmark, stdout, stderr io.Writer, quiet bool) error {
	oracle, err := f.oracle(sp, bench)
	if err != nil {
		return err
	}
	store, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if !quiet {
		fmt.Fprintf(stderr, "worker %s: evaluating the trials of %s in %s\n", store.Name(), f.study, store)
	}
	n, err := search.Work(ctx, store, f.study, bench.Space, oracle)
	fmt.Fprintf(stdout, "worker %s: evaluated %d trials of %s\n", store.Name(), n, f.study)
	if interrupted(err) {
		return fmt.Errorf("interrupted after %d trials; the trial in progress was handed back: %w", n, err)
	}
	return err
}

// interrupted reports whether err is the end of a cancelled run (Ctrl-C).
func interrupted(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
