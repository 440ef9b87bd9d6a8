package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSmokeNB201 runs the whole protocol on a small setting, on the
// built-in table, and checks the JSON contract, the plot and the saved
// predictor.
func TestSmokeNB201(t *testing.T) {
	t.Setenv(searchspace.DataEnv, "")
	tmp := t.TempDir()
	save, plot := filepath.Join(tmp, "p.hnp"), filepath.Join(tmp, "scatter.png")
	var out, errOut bytes.Buffer
	for _, model := range []string{"hypernas-p", "np"} {
		out.Reset()
		err := run(context.Background(), []string{"-space", "nb201", "-model", model, "-train", "40", "-seeds", "0,1",
			"-epochs", "3", "-hidden", "8", "-save", save, "-plot", plot, "-json"}, &out, &errOut)
		require.NoError(t, err, errOut.String())
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		var s map[string]any
		require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &s), "last line is JSON")
		for _, k := range []string{"space", "model", "train", "seeds", "kendall_tau", "kendall_tau_std", "spearman", "test_size", "space_size", "train_seconds", "predict_seconds"} {
			assert.Contains(t, s, k)
		}
		assert.Equal(t, model, s["model"])
		assert.EqualValues(t, 15625, s["test_size"])
		assert.EqualValues(t, 15625, s["space_size"])
		assert.EqualValues(t, 40, s["train"])
		tau := s["kendall_tau"].(float64)
		assert.True(t, tau > -1 && tau < 1, "tau %v", tau)
	}
	st, err := os.Stat(plot)
	require.NoError(t, err)
	assert.Greater(t, st.Size(), int64(1000))
	p, err := hypernas.LoadFile(save, nasbench201.New())
	require.NoError(t, err)
	assert.Equal(t, hypernas.SingleCell, p.Options().Encoding, "the last run saved the np model")
}

// TestRefusals checks that every bad flag value is refused with an error
// that names the flag, before any data is read: -data points at an empty
// folder, so a check that came after loading would fail differently.
func TestRefusals(t *testing.T) {
	empty := t.TempDir()
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-epochs", "0"}, "-epochs 0: must be at least 1"},
		{[]string{"-epochs", "-3"}, "-epochs -3: must be at least 1"},
		{[]string{"-hidden", "0"}, "-hidden 0: must be at least 1"},
		{[]string{"-lr", "0"}, "-lr 0: must be a positive finite number"},
		{[]string{"-lr", "-0.1"}, "-lr -0.1: must be a positive finite number"},
		{[]string{"-lr", "NaN"}, "-lr NaN: must be a positive finite number"},
		{[]string{"-lr", "Inf"}, "-lr +Inf: must be a positive finite number"},
		{[]string{"-batch", "0"}, "-batch 0: must be at least 1"},
		{[]string{"-wd", "-1"}, "-wd -1: must be a finite number, 0 or more"},
		{[]string{"-wd", "NaN"}, "-wd NaN: must be a finite number"},
		{[]string{"-dropout", "1"}, "-dropout 1: must be at least 0 and less than 1"},
		{[]string{"-dropout", "-0.5"}, "-dropout -0.5: must be at least 0"},
		{[]string{"-workers", "-1"}, "-workers -1: must be at least 0"},
		{[]string{"-train", "1"}, "-train 1: must be at least 2"},
		{[]string{"-seeds", ""}, `-seeds "": no seeds`},
		{[]string{"-seeds", "a"}, `-seeds "a": "a" is not a seed`},
		{[]string{"-seeds", "0,1,0"}, "seed 0 appears twice"},
		{[]string{"-seeds", "3-1"}, `bad range "3-1"`},
		{[]string{"-space", "nope"}, `-space "nope": unknown space`},
		{[]string{"-model", "nope"}, `-model "nope": unknown model`},
		{[]string{"-loss", "nope"}, "-loss"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"-model", "hypernas", "-weighting", "fixed", "-aux-weight", "-5"}, "-aux-weight -5: must be a finite number, 0 or more"},
		{[]string{"-model", "hypernas", "-weighting", "adaptive", "-q", "0"}, "-q 0: must be a positive finite number"},
		{[]string{"-model", "hypernas", "-weighting", "adaptive", "-q", "-1.5"}, "-q -1.5: must be a positive finite number"},
		{[]string{"-model", "hypernas", "-weighting", "adaptive", "-q", "NaN"}, "-q NaN: must be a positive finite number"},
		{[]string{"-model", "hypernas", "-weighting", "adaptive", "-q", "Inf"}, "-q +Inf: must be a positive finite number"},
		{[]string{"-model", "hypernas", "-aux-size", "6"}, "-aux-size 6: must be a positive multiple of 4"},
		{[]string{"-model", "hypernas", "-aux-images", "0"}, "-aux-images 0: must be at least 1"},
		{[]string{"-model", "hypernas", "-aux-max", "-1"}, "-aux-max -1: must be at least 0"},
		{[]string{"-model", "hypernas", "-aux-lr", "-1"}, "-aux-lr -1: must be a finite number"},
		{[]string{"-model", "hypernas", "-aux-warmup", "-1"}, "-aux-warmup -1: must be at least 0"},
		{[]string{"-model", "hypernas", "-aux", "nope"}, `-aux "nope": unknown auxiliary dataset`},
		{[]string{"-model", "hypernas", "-weighting", "nope"}, `-weighting "nope": unknown weighting`},
		{[]string{"-model", "hypernas-p", "-aux-sampled"}, "-aux-sampled applies only to -model hypernas, not hypernas-p"},
		{[]string{"-model", "np", "-aux", "cifar10"}, "-aux applies only to -model hypernas, not np"},
		{[]string{"-model", "np", "-q", "2"}, "-q applies only to -model hypernas"},
		{[]string{"-model", "hypernas", "-aux-weight", "2"}, "-aux-weight applies only with -weighting fixed, not uncertainty"},
		{[]string{"-model", "hypernas", "-weighting", "fixed", "-q", "2"}, "-q applies only with -weighting adaptive, not fixed"},
		{[]string{"-model", "hypernas", "-fashion-dir", empty}, "-fashion-dir applies only with -aux fashion"},
		{[]string{"-model", "ridge", "-epochs", "5"}, "-epochs applies only to the GCN models"},
		{[]string{"-model", "forest", "-hidden", "5"}, "-hidden applies only to the GCN models"},
		{[]string{"-model", "ridge", "-loss", "mse"}, "-loss applies only to the GCN models"},
		{[]string{"-model", "ridge", "-ensemble", "3"}, "-ensemble applies only to -model hypernas-p, np or forest, not ridge"},
		{[]string{"-model", "auto", "-ensemble", "3"}, "-ensemble applies only to -model hypernas-p, np or forest, not auto"},
		{[]string{"-model", "hypernas-p", "-ensemble", "0"}, "-ensemble 0: must be at least 1"},
		{[]string{"-model", "forest", "-folds", "3"}, "-folds applies only to -model auto, not forest"},
		{[]string{"-model", "hypernas-p", "-top", "2"}, "-top applies only to -model auto"},
		{[]string{"-model", "auto", "-folds", "1"}, "-folds 1: must be at least 2"},
		{[]string{"-model", "auto", "-top", "0"}, "-top 0: must be at least 1"},
		{[]string{"-model", "ridge", "-trees", "5"}, "-trees applies only to -model forest or auto, not ridge"},
		{[]string{"-model", "forest", "-trees", "0"}, "-trees 0: must be at least 1"},
		{[]string{"-model", "ridge", "-save", filepath.Join(empty, "p.hnp")}, "-save applies only to a single GCN predictor"},
		{[]string{"-model", "np", "-ensemble", "2", "-save", filepath.Join(empty, "p.hnp")}, "-save applies only to a single GCN predictor"},
		{[]string{"-plot", filepath.Join(empty, "no", "such", "p.png")}, "does not exist"},
		{[]string{"-save", filepath.Join(file, "p.hnp")}, "is not a folder"},
		{[]string{"-save", empty}, "is a folder"},
		// Auxiliary files are looked for before the benchmark is loaded.
		{[]string{"-model", "hypernas", "-aux", "fashion", "-fashion-dir", empty}, "dataset-fashion-mnist"},
		{[]string{"-model", "hypernas"}, "-aux cifar10"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append(c.args, "-data", empty), &out, &errOut)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "HYPERNAS_DATA", "refused after looking for the data")
			assert.Empty(t, out.String())
		})
	}
	ents, err := os.ReadDir(empty)
	require.NoError(t, err)
	assert.Empty(t, ents, "the write checks leave nothing behind")
}

// TestDataFolder checks the errors of a data folder that does not hold
// the benchmark, or does not exist, given by -data or HYPERNAS_DATA.
func TestDataFolder(t *testing.T) {
	var out, errOut bytes.Buffer
	ctx := context.Background()
	t.Setenv(searchspace.DataEnv, "")
	assert.ErrorContains(t, run(ctx, []string{"-data", t.TempDir()}, &out, &errOut), "nasbench201/nb201.csv")
	for _, dir := range datadir.BadDirs(t) {
		assert.Error(t, run(ctx, []string{"-data", dir, "-quiet"}, &out, &errOut), "-data %q", dir)
	}
	missing := filepath.Join(t.TempDir(), "missing")
	t.Setenv(searchspace.DataEnv, missing)
	assert.ErrorContains(t, run(ctx, nil, &out, &errOut), `HYPERNAS_DATA "`+missing+`"`)
	t.Setenv(searchspace.DataEnv, "")
	assert.ErrorContains(t, run(ctx, []string{"-model", "hypernas", "-aux-size", "16"}, &out, &errOut),
		"-aux-size 16: the built-in CIFAR-10 images are 8×8", "refused before any training")
	assert.Empty(t, out.String())
}

// TestSmokeHypernas runs -model hypernas on a tiny setting with each
// auxiliary dataset and weighting, and checks the JSON contract.
func TestSmokeHypernas(t *testing.T) {
	t.Setenv(searchspace.DataEnv, "")
	cases := [][]string{
		{"-aux", "cifar10", "-weighting", "adaptive", "-q", "1.5", "-aux-images", "1", "-aux-size", "4"},
		{"-aux", "fashion", "-weighting", "fixed", "-aux-weight", "0.5"},
	}
	for _, extra := range cases {
		t.Run(strings.Join(extra, " "), func(t *testing.T) {
			if extra[1] == "fashion" {
				if _, err := os.Stat("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"); err != nil {
					t.Skip("Fashion-MNIST is not installed: apt-get install dataset-fashion-mnist")
				}
			}
			var out, errOut bytes.Buffer
			args := append([]string{"-space", "nb201", "-model", "hypernas", "-train", "20", "-seeds", "0",
				"-epochs", "2", "-hidden", "8", "-aux-max", "64", "-json"}, extra...)
			require.NoError(t, run(context.Background(), args, &out, &errOut), errOut.String())
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			var s map[string]any
			require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &s), "last line is JSON")
			assert.Equal(t, "hypernas", s["model"])
			assert.Equal(t, extra[1], s["aux"])
			assert.Equal(t, extra[3], s["weighting"])
			assert.Greater(t, s["aux_loss"].(float64), 0.0)
			assert.Contains(t, errOut.String(), "L_hyper")
		})
	}
}

// TestSmokeBaselines runs the baselines, the cross-validated choice and a
// GCN ensemble on small settings and checks the JSON contract, with
// precision@1 % beside tau.
func TestSmokeBaselines(t *testing.T) {
	t.Setenv(searchspace.DataEnv, "")
	plot := filepath.Join(t.TempDir(), "scatter.png")
	cases := [][]string{
		{"-space", "nb201", "-model", "ridge", "-train", "78", "-plot", plot},
		{"-space", "nb201", "-model", "forest", "-train", "78", "-trees", "30", "-ensemble", "2"},
		{"-space", "tnb-micro", "-model", "auto", "-train", "40", "-trees", "30", "-epochs", "3", "-hidden", "8", "-folds", "2", "-top", "2"},
		{"-space", "tnb-micro", "-model", "hypernas-p", "-train", "30", "-epochs", "2", "-hidden", "8", "-ensemble", "2"},
	}
	for _, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			require.NoError(t, run(context.Background(), append(args, "-seeds", "0,1", "-json"), &out, &errOut), errOut.String())
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			var s map[string]any
			require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &s), "last line is JSON")
			assert.Equal(t, args[3], s["model"])
			for _, k := range []string{"kendall_tau", "precision_at_1pct", "precision_at_1pct_std", "precisions_at_1pct", "top_1pct"} {
				assert.Contains(t, s, k)
			}
			p := s["precision_at_1pct"].(float64)
			assert.True(t, p >= 0 && p <= 1, "precision@1%% %v", p)
			assert.Contains(t, out.String(), "prec@1%")
			assert.Contains(t, errOut.String(), "precision@1%")
			if args[1] == "nb201" {
				assert.EqualValues(t, 156, s["top_1pct"])
			}
			switch args[3] {
			case "auto":
				require.Len(t, s["chosen"], 2, "one choice per seed")
				assert.Len(t, s["chosen"].([]any)[0], 2, "-top 2")
				assert.Len(t, s["cv_taus"].([]any)[0], 3, "ridge, forest, hypernas-p")
				assert.EqualValues(t, 3, s["epochs"])
			case "ridge":
				assert.EqualValues(t, 0, s["epochs"])
				assert.NotContains(t, s, "chosen")
			default:
				assert.EqualValues(t, 2, s["ensemble"])
			}
		})
	}
	st, err := os.Stat(plot)
	require.NoError(t, err)
	assert.Greater(t, st.Size(), int64(1000))
}

func TestPercentiles(t *testing.T) {
	assert.Equal(t, []float64{12.5, 87.5, 50, 50}, percentiles([]float64{10, 30, 20, 20}))
}
