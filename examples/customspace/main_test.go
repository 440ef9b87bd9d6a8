package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/spacetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChainSpace is the conformance check that every space runs, the one
// to copy for a space of your own.
func TestChainSpace(t *testing.T) {
	spacetest.Check(t, ChainSpace{})
}

// TestChainParse checks this space's own rules: text that is well formed
// but outside the space, and the column that its errors point at.
func TestChainParse(t *testing.T) {
	s := ChainSpace{}
	cases := []struct {
		in      string
		column  int
		invalid bool
	}{
		{"", 1, false},
		{"k3w32s1", 8, false},
		{"k3w32s1-k3w32s1-k3w32s1-k3w32s1-k3w32s1", 32, false},
		{"k3w32s1-k3w32s1-k3w32s1-k3w32", 25, false},
		{"k3w32s1-k3w32s1-k3w32s1-k7w32s1", 25, true},
		{"k3w32s1-k3w48s1-k3w32s1-k3w32s1", 9, true},
	}
	for _, c := range cases {
		_, err := s.Parse(c.in)
		var pe *searchspace.ParseError
		require.ErrorAs(t, err, &pe, c.in)
		assert.Equal(t, c.column, pe.Column(), "%s: %v", c.in, err)
		assert.ErrorIs(t, err, searchspace.ErrParse)
		assert.Equal(t, c.invalid, errors.Is(err, searchspace.ErrInvalidArch), "%s: %v", c.in, err)
	}
}

func TestDemoEndToEnd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.csv")
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-demo", path, "-train", "60", "-seeds", "0", "-epochs", "5", "-json"}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), `"space":"chain"`)
	assert.Contains(t, out.String(), `"test_size":540`)
}

// TestHyperNASEndToEnd trains with the hypernetwork auxiliary task on the
// demo labels: the space's Primitives declaration is all it needs.
func TestHyperNASEndToEnd(t *testing.T) {
	t.Setenv(searchspace.DataEnv, "") // the built-in images
	path := filepath.Join(t.TempDir(), "demo.csv")
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-demo", path, "-model", "hypernas", "-train", "40", "-seeds", "0", "-epochs", "3", "-json"}, &out, &errOut), errOut.String())
	assert.Contains(t, out.String(), "L_hyper")
	assert.Contains(t, out.String(), `"model":"hypernas"`)
}

// TestBaselinesEndToEnd runs the baselines and the cross-validated choice
// on the demo labels: a smooth function of the choices, which both
// baselines rank well above chance.
func TestBaselinesEndToEnd(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.csv")
	for _, m := range []string{"ridge", "forest", "auto"} {
		args := []string{"-demo", path, "-model", m, "-train", "100", "-seeds", "0", "-json"}
		if m == "auto" {
			args = append(args, "-epochs", "5")
		}
		var out, errOut bytes.Buffer
		require.NoError(t, run(context.Background(), args, &out, &errOut), errOut.String())
		assert.Contains(t, out.String(), "precision@1%", m)
		assert.Contains(t, out.String(), `"model":"`+m+`"`)
		if m == "auto" {
			assert.Contains(t, out.String(), "chose [", m)
		} else {
			var tau float64
			for _, line := range strings.Split(out.String(), "\n") {
				if strings.HasPrefix(line, "seed 0: Kendall tau ") {
					_, err := fmt.Sscanf(line, "seed 0: Kendall tau %f", &tau)
					require.NoError(t, err)
				}
			}
			assert.Greater(t, tau, 0.3, "%s on the demo labels: %s", m, out.String())
		}
	}
}

// TestBadCSV checks that a problem in the user's CSV reaches the user with
// the file, the line and what is wrong, and that a byte-order mark before
// the header is no problem.
func TestBadCSV(t *testing.T) {
	const a, b, c, d = "k3w32s1-k3w32s1-k3w32s1-k3w32s1", "k1w16s1-k3w32s2-k5w64s1-k3w16s1", "k5w64s2-k1w16s1-k3w32s1-k5w16s2", "k1w64s2-k1w64s2-k1w64s2-k1w64s2"
	cases := []struct {
		name, csv string
		want      []string
		is        error
	}{
		{"bad arch", "arch,accuracy\n" + a + ",90\nk3w32s1-k3w32s1-k3w32s1-k9w32s1,90\n", []string{"line 3"}, searchspace.ErrInvalidArch},
		{"NaN label", "arch,accuracy\n" + a + ",90\n" + b + ",NaN\n", []string{"line 3", "accuracy"}, searchspace.ErrParse},
		{"empty label", "arch,accuracy\n" + a + ",90\n" + b + ",\n", []string{"line 3", "accuracy"}, searchspace.ErrParse},
		{"missing column", "arch,acc\n" + a + ",90\n", []string{"line 1", "accuracy"}, searchspace.ErrParse},
		{"repeated arch", "arch,accuracy\n" + a + ",90\n" + a + ",91\n", []string{"line 3"}, nil},
		// Every label equal: nothing to rank, refused by the library.
		{"equal labels", "arch,accuracy\n" + a + ",90\n" + b + ",90\n" + c + ",90\n" + d + ",90\n", []string{"all 2 labels are equal"}, hypernas.ErrBadLabels},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "results.csv")
			require.NoError(t, os.WriteFile(path, []byte(c.csv), 0o644))
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{"-csv", path, "-train", "2", "-seeds", "0", "-epochs", "1"}, &out, &errOut)
			require.Error(t, err)
			if c.is != hypernas.ErrBadLabels {
				assert.Contains(t, err.Error(), path)
			}
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			if c.is != nil {
				assert.ErrorIs(t, err, c.is)
			}
		})
	}
	t.Run("byte-order mark", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "bom.csv")
		require.NoError(t, os.WriteFile(path, []byte("\ufeffarch,accuracy\n"+a+",90\n"+b+",91\n"+c+",92\n"+d+",93\n"), 0o644))
		var out, errOut bytes.Buffer
		require.NoError(t, run(context.Background(), []string{"-csv", path, "-train", "2", "-seeds", "0", "-epochs", "1"}, &out, &errOut))
		assert.Contains(t, out.String(), "on 2 held-out architectures")
	})
}

// TestRefusals checks that every bad flag value is refused with an error
// that names the flag, before any file is read: -csv names a file that does
// not exist, so a check that came after reading would fail differently.
func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.csv")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-epochs", "0"}, "-epochs 0: must be at least 1"},
		{[]string{"-epochs", "-100"}, "-epochs -100: must be at least 1"},
		{[]string{"-train", "1"}, "-train 1: must be at least 2"},
		{[]string{"-seeds", ""}, `-seeds "": no seeds`},
		{[]string{"-seeds", "x"}, `-seeds "x"`},
		{[]string{"-model", "hypernas-x"}, `-model "hypernas-x": unknown model (known: hypernas-p, hypernas, np, ridge, forest, auto)`},
		{[]string{"-aux", "fashion"}, "-aux applies only to -model hypernas, not hypernas-p"},
		{[]string{"-model", "ridge", "-epochs", "5"}, "-epochs applies only to the GCN models, not ridge"},
		{[]string{"-model", "hypernas", "-aux", "mnist"}, `-aux "mnist": unknown auxiliary dataset`},
		{[]string{"-metric", ""}, `-metric "": name the label column`},
		{[]string{"-demo", filepath.Join(dir, "no", "demo.csv")}, "-csv and -demo"},
		{[]string{"extra"}, "unexpected arguments"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"-csv", missing}, c.args...), &out, &errOut)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotErrorIs(t, err, os.ErrNotExist, "refused after opening the CSV")
		})
	}
	var out, errOut bytes.Buffer
	assert.ErrorContains(t, run(context.Background(), nil, &out, &errOut), "give -csv FILE")
	err := run(context.Background(), []string{"-demo", filepath.Join(dir, "no", "demo.csv")}, &out, &errOut)
	assert.ErrorContains(t, err, "does not exist")
	assert.ErrorContains(t, err, "-demo")
	path := filepath.Join(dir, "small.csv")
	require.NoError(t, os.WriteFile(path, []byte("arch,accuracy\nk3w32s1-k3w32s1-k3w32s1-k3w32s1,90\nk1w16s1-k3w32s2-k5w64s1-k3w16s1,91\n"), 0o644))
	assert.ErrorContains(t, run(context.Background(), []string{"-csv", path, "-train", "2"}, &out, &errOut), "has 2 architectures, too few for 2 to train on and 2 to test on")
}
