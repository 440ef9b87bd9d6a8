package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSmokeAblation(t *testing.T) {
	t.Setenv(searchspace.DataEnv, "") // the built-in tables and images
	plots := t.TempDir()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-train", "24", "-seeds", "0", "-epochs", "2", "-quiet", "-json",
		"-rows", "hypernas-p-listmle,np,hypernas-p,hypernas-uncertainty,hypernas-adaptive-q2", "-plot", plots}, &out, &errOut)
	require.NoError(t, err, errOut.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var got struct {
		Rows []map[string]any `json:"rows"`
	}
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &got))
	require.Len(t, got.Rows, 5)
	var names []string
	for _, r := range got.Rows {
		for _, k := range []string{"model", "loss", "q", "train", "kendall_tau", "kendall_tau_std", "train_seconds"} {
			assert.Contains(t, r, k)
		}
		names = append(names, r["name"].(string))
	}
	assert.Equal(t, []string{"np", "hypernas-p", "hypernas-uncertainty", "hypernas-adaptive-q2", "hypernas-p-listmle"}, names, "rows in the study's order")
	assert.Equal(t, 2.0, got.Rows[3]["q"])
	assert.Nil(t, got.Rows[0]["q"])
	for _, f := range []string{"tau.png", "pareto_hypernas-uncertainty.png", "pareto_hypernas-adaptive-q2.png"} {
		st, err := os.Stat(filepath.Join(plots, f))
		require.NoError(t, err, f)
		assert.Greater(t, st.Size(), int64(1000))
	}
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
		{[]string{"-train", "1"}, "-train 1: must be at least 2"},
		{[]string{"-seeds", ""}, `-seeds "": no seeds`},
		{[]string{"-seeds", "1,1"}, "seed 1 appears twice"},
		{[]string{"-space", "nope"}, `-space "nope": unknown space`},
		{[]string{"-rows", "nope"}, `-rows "nope": unknown row "nope" (known: np, hypernas-p,`},
		{[]string{"-rows", ""}, `-rows "": unknown row ""`},
		{[]string{"-rows", "np,np"}, "row np appears twice"},
		{[]string{"-rows", "np,hypernas-p-bpr", "-aux", "fashion"}, "-aux applies only to the hypernetwork rows"},
		{[]string{"-aux", "nope"}, `-aux "nope": unknown auxiliary dataset`},
		{[]string{"-fashion-dir", empty}, "-fashion-dir applies only with -aux fashion"},
		{[]string{"-plot", filepath.Join(file, "plots")}, `-plot "` + filepath.Join(file, "plots") + `": cannot create the folder`},
		{[]string{"-plot", file}, "is a file, not a folder"},
		{[]string{"extra"}, "unexpected arguments"},
		// Auxiliary files are looked for before the benchmark is loaded.
		{[]string{"-aux", "cifar10"}, "-aux cifar10"},
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
}
