package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hypernas/go-hypernas/hypernas/search"
	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func lastJSON(t *testing.T, out string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var s map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &s), "last line is JSON: %s", lines[len(lines)-1])
	return s
}

// TestSmokeNB201 runs every strategy on a small budget with a tiny
// predictor and checks the JSON contract and the plot.
func TestSmokeNB201(t *testing.T) {
	t.Setenv(searchspace.DataEnv, "") // the built-in tables
	plot := filepath.Join(t.TempDir(), "best.png")
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-space", "nb201", "-strategy", "all", "-budget", "25", "-seeds", "0,1",
		"-model", "np", "-hidden", "8", "-epochs", "5", "-retrain-epochs", "2", "-initial", "10", "-topk", "5",
		"-plot", plot, "-json"}, &out, &errOut)
	require.NoError(t, err, errOut.String())
	s := lastJSON(t, out.String())
	for _, k := range []string{"space", "strategy", "budget", "seeds", "best_test_acc_mean", "best_test_acc_std", "found_optimum", "queries_mean", "seconds_mean", "runs", "others"} {
		assert.Contains(t, s, k)
	}
	assert.Equal(t, "nb201", s["space"])
	assert.Equal(t, "predictor-evolution", s["strategy"])
	assert.EqualValues(t, 25, s["budget"])
	assert.EqualValues(t, 25, s["queries_mean"])
	assert.InDelta(t, 94.373, s["optimum_test_acc"], 0.001)
	acc := s["best_test_acc_mean"].(float64)
	assert.True(t, acc > 80 && acc <= 94.38, "best test accuracy %v", acc)
	others := s["others"].([]any)
	require.Len(t, others, 3)
	var names []string
	for _, o := range others {
		names = append(names, o.(map[string]any)["strategy"].(string))
	}
	assert.Equal(t, []string{"predictor-iterative", "random", "evolution"}, names)
	assert.Contains(t, out.String(), "found optimum")
	st, err := os.Stat(plot)
	require.NoError(t, err)
	assert.Greater(t, st.Size(), int64(1000))
}

// TestParetoNB201 runs the latency objective under a constraint.
func TestParetoNB201(t *testing.T) {
	t.Setenv(searchspace.DataEnv, "") // the built-in tables
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-space", "nb201", "-strategy", "evolution", "-budget", "40", "-seeds", "0",
		"-objective", "latency:pixel3", "-max-cost", "12", "-json", "-quiet"}, &out, &errOut)
	require.NoError(t, err, errOut.String())
	assert.Contains(t, out.String(), "Pareto set")
	s := lastJSON(t, out.String())
	front := s["pareto"].([]any)
	require.NotEmpty(t, front)
	prev := -1.0
	for _, p := range front {
		c := p.(map[string]any)["cost"].(float64)
		assert.LessOrEqual(t, c, 12.0, "constraint")
		assert.GreaterOrEqual(t, c, prev, "sorted by cost")
		prev = c
	}
	assert.EqualValues(t, 12, s["max_cost"])
	assert.Greater(t, s["true_front_size"], 0.0)
}

// TestRefusals checks that every bad flag value is refused with an error
// that names the flag, before any data is read: -data points at an empty
// folder, so a check that came after loading would fail differently.
func TestRefusals(t *testing.T) {
	empty := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-space", "nope"}, `-space "nope": unknown space (known: nb101, nb201)`},
		{[]string{"-strategy", "nope"}, `unknown strategy "nope"`},
		{[]string{"-strategy", "random,,evolution"}, `unknown strategy ""`},
		{[]string{"-strategy", "random,random"}, "random appears twice"},
		{[]string{"-model", "nope"}, `-model "nope": unknown model`},
		{[]string{"-seeds", "a"}, `-seeds "a"`},
		{[]string{"-seeds", ""}, `-seeds "": no seeds`},
		{[]string{"-budget", "-3"}, "-budget -3: must be at least 1"},
		{[]string{"-budget", "0"}, "-budget 0: must be at least 1"},
		{[]string{"-max-cost", "3"}, "-max-cost needs -objective"},
		{[]string{"-objective", "params", "-max-cost", "NaN"}, "-max-cost NaN: must be a number"},
		{[]string{"-epochs", "0"}, "-epochs 0: must be at least 1"},
		{[]string{"-retrain-epochs", "-1"}, "-retrain-epochs -1: must be at least 1"},
		{[]string{"-initial", "1"}, "-initial 1: must be at least 2"},
		{[]string{"-topk", "0"}, "-topk 0: must be at least 1"},
		{[]string{"-hidden", "0"}, "-hidden 0: must be at least 1"},
		{[]string{"-predict-workers", "-1"}, "-predict-workers -1: must be at least 0"},
		{[]string{"-workers", "-1"}, "-workers -1: must be at least 0"},
		{[]string{"-workers", "0"}, "-workers 0: needs -storage sqlite:FILE or postgres://"},
		{[]string{"-storage", "mysql://x"}, `-storage "mysql://x": want memory, sqlite:FILE or postgres://`},
		{[]string{"-storage", "sqlite:" + filepath.Join(empty, "no", "s.db")}, "does not exist"},
		{[]string{"-study", " x"}, `-study " x": want a name`},
		{[]string{"-worker"}, "-worker needs -storage sqlite:FILE or postgres://"},
		{[]string{"-worker", "-storage", "sqlite:" + filepath.Join(empty, "s.db"), "-budget", "5"}, "-budget is the coordinator's setting"},
		{[]string{"-oracle-timeout", "1s"}, "-oracle-timeout applies only to -oracle-cmd"},
		{[]string{"-oracle-cmd", "x", "-oracle-delay", "1s"}, "-oracle-delay applies only to the benchmark table oracle"},
		{[]string{"-oracle-cmd", " "}, "empty command"},
		{[]string{"-oracle-cmd", "x", "-oracle-retries", "-1"}, "-oracle-retries -1: must be at least 0"},
		{[]string{"-oracle-delay", "-1s"}, "-oracle-delay -1s: must be 0 or more"},
		{[]string{"-oracle-cmd", "x", "-oracle-log", filepath.Join(empty, "nope")}, "folder does not exist"},
		{[]string{"-strategy", "random", "-epochs", "5"}, "-epochs applies only to the predictor strategies"},
		{[]string{"-strategy", "evolution,random", "-model", "np"}, "-model applies only to the predictor strategies"},
		{[]string{"-objective", "speed"}, "want latency:DEVICE, params or metric:COLUMN"},
		{[]string{"-objective", "latency"}, `-objective "latency": want latency:DEVICE`},
		{[]string{"-objective", "params:x"}, "params takes no argument"},
		{[]string{"-space", "nb101", "-objective", "latency:pixel3"}, "only available for nb201"},
		{[]string{"-plot", filepath.Join(empty, "no", "best.png")}, "does not exist"},
		{[]string{"extra"}, "unexpected arguments"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append(c.args, "-data", empty, "-quiet"), &out, &errOut)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "HYPERNAS_DATA", "refused after looking for the data")
		})
	}
}

// TestDataFolder checks the errors of a data folder that does not hold
// the benchmark, or does not exist.
func TestDataFolder(t *testing.T) {
	var out, errOut bytes.Buffer
	t.Setenv(searchspace.DataEnv, "")
	assert.ErrorContains(t, run(context.Background(), []string{"-data", t.TempDir(), "-quiet"}, &out, &errOut), "nasbench201/nb201.csv")
	for _, dir := range datadir.BadDirs(t) {
		assert.Error(t, run(context.Background(), []string{"-data", dir, "-quiet"}, &out, &errOut), "-data %q", dir)
	}
}

func TestBadObjective(t *testing.T) {
	t.Setenv(searchspace.DataEnv, "") // the built-in tables
	var out, errOut bytes.Buffer
	ctx := context.Background()
	assert.ErrorContains(t, run(ctx, []string{"-objective", "latency:toaster", "-quiet"}, &out, &errOut), "pixel3")
	assert.ErrorContains(t, run(ctx, []string{"-objective", "metric:nope", "-quiet"}, &out, &errOut), "no column")
	assert.ErrorContains(t, run(ctx, []string{"-objective", "speed", "-quiet"}, &out, &errOut), "want latency")
}

// TestBestSoFarMean checks the plotted curve: it starts once every run has
// a successful query, keeps a run that stopped early at its last best, and
// never falls.
func TestBestSoFarMean(t *testing.T) {
	nan := math.NaN()
	mk := func(values ...float64) runResult {
		res := &search.Result{}
		best := -1
		for i, v := range values {
			q := search.Query{Failed: math.IsNaN(v)}
			q.Value = v
			if !q.Failed && (best < 0 || v > values[best]) {
				best = i
			}
			q.Best = best
			res.Queries = append(res.Queries, q)
		}
		return runResult{res: res}
	}
	runs := []runResult{mk(nan, 90, 89, 93), mk(91, nan), mk(88, 92, 90, 91, 95)}
	pts := bestSoFarMean(runs, 5, 1)
	require.Len(t, pts, 4, "query 1: the first run has no success yet")
	want := []float64{(90 + 91 + 92) / 3.0, (90 + 91 + 92) / 3.0, (93 + 91 + 92) / 3.0, (93 + 91 + 95) / 3.0}
	for i, p := range pts {
		assert.Equal(t, float64(i+2), p.X)
		assert.InDelta(t, want[i], p.Y, 1e-12, "query %d", i+2)
		if i > 0 {
			assert.GreaterOrEqual(t, p.Y, pts[i-1].Y)
		}
	}
	assert.Empty(t, bestSoFarMean(nil, 5, 1))
}

// TestStudyStorage runs a search kept in a SQLite file with two workers,
// interrupts a second command part-way (its table and JSON are marked
// partial) and resumes it: the resumed studies keep every told query and
// end with the budget spent.
func TestStudyStorage(t *testing.T) {
	t.Setenv(searchspace.DataEnv, "") // the built-in tables
	db := "sqlite:" + filepath.Join(t.TempDir(), "runs.db")
	args := []string{"-space", "nb201", "-strategy", "random,evolution", "-budget", "30", "-seeds", "0,1", "-storage", db,
		"-study", "t", "-workers", "2", "-json", "-quiet"}
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	err := run(ctx, append(args, "-oracle-delay", "50ms"), &out, &errOut)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorContains(t, err, "run the same command to resume")
	assert.Contains(t, out.String(), "INTERRUPTED: partial results")
	s := lastJSON(t, out.String())
	assert.Equal(t, true, s["partial"])
	runs := s["runs"].([]any)
	last := runs[len(runs)-1].(map[string]any)
	assert.Equal(t, true, last["partial"])
	done := 0
	for _, r := range runs {
		done += int(r.(map[string]any)["queries"].(float64))
	}
	assert.Greater(t, done, 0)

	out.Reset()
	require.NoError(t, run(context.Background(), append(args, "-oracle-delay", "50ms"), &out, &errOut), errOut.String())
	s = lastJSON(t, out.String())
	assert.Nil(t, s["partial"])
	assert.EqualValues(t, 30, s["queries_mean"])
	assert.Equal(t, db, s["storage"])
	assert.EqualValues(t, 2, s["workers"])
	others := s["others"].([]any)
	assert.EqualValues(t, 30, others[0].(map[string]any)["queries_mean"])

	// Another budget is another study's settings.
	err = run(context.Background(), append(args[:len(args):len(args)], "-budget", "40"), &out, &errOut)
	assert.ErrorContains(t, err, "budget 30 (this search: 40)")
}

// TestOracleCommand searches with a training program as the oracle.
func TestOracleCommand(t *testing.T) {
	t.Setenv(searchspace.DataEnv, "") // the built-in tables
	prog := filepath.Join(t.TempDir(), "train.sh")
	// The value: the number of 3x3 convolutions.
	require.NoError(t, os.WriteFile(prog, []byte("#!/bin/sh\necho \"$1\" | grep -o conv_3x3 | wc -l\n"), 0o755))
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-space", "nb201", "-strategy", "evolution", "-budget", "20", "-seeds", "0",
		"-oracle-cmd", prog + " {arch}", "-oracle-timeout", "10s", "-workers", "3", "-json", "-quiet"}, &out, &errOut)
	require.NoError(t, err, errOut.String())
	s := lastJSON(t, out.String())
	assert.EqualValues(t, 20, s["queries_mean"])
	assert.Greater(t, s["best_valid_acc_mean"], 0.0)
}
