package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	dir := datadir.Dir(t)
	plot := filepath.Join(t.TempDir(), "best.png")
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-space", "nb201", "-strategy", "all", "-budget", "25", "-seeds", "0,1",
		"-model", "np", "-hidden", "8", "-epochs", "5", "-retrain-epochs", "2", "-initial", "10", "-topk", "5",
		"-data", dir, "-plot", plot, "-json"}, &out, &errOut)
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
	dir := datadir.Dir(t)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-space", "nb201", "-strategy", "evolution", "-budget", "40", "-seeds", "0",
		"-objective", "latency:pixel3", "-max-cost", "12", "-data", dir, "-json", "-quiet"}, &out, &errOut)
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
		{[]string{"-workers", "-1"}, "-workers -1: must be at least 0"},
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

// TestNoData checks the error of a missing data folder.
func TestNoData(t *testing.T) {
	var out, errOut bytes.Buffer
	t.Setenv(searchspace.DataEnv, "")
	assert.ErrorIs(t, run(context.Background(), []string{"-data", ""}, &out, &errOut), searchspace.ErrNoData)
	for _, dir := range datadir.BadDirs(t) {
		assert.Error(t, run(context.Background(), []string{"-data", dir, "-quiet"}, &out, &errOut), "-data %q", dir)
	}
}

func TestBadObjective(t *testing.T) {
	dir := datadir.Dir(t)
	var out, errOut bytes.Buffer
	ctx := context.Background()
	assert.ErrorContains(t, run(ctx, []string{"-objective", "latency:toaster", "-data", dir, "-quiet"}, &out, &errOut), "pixel3")
	assert.ErrorContains(t, run(ctx, []string{"-objective", "metric:nope", "-data", dir, "-quiet"}, &out, &errOut), "no column")
	assert.ErrorContains(t, run(ctx, []string{"-objective", "speed", "-data", dir, "-quiet"}, &out, &errOut), "want latency")
}
