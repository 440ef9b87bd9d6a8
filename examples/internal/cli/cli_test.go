package cli

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSeeds(t *testing.T) {
	good := []struct {
		in   string
		want []uint64
	}{
		{"0", []uint64{0}},
		{"0,1,2", []uint64{0, 1, 2}},
		{"0-4", []uint64{0, 1, 2, 3, 4}},
		{" 0-2, 7 ", []uint64{0, 1, 2, 7}},
	}
	for _, c := range good {
		got, err := ParseSeeds(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	bad := map[string]string{
		"":        "no seeds",
		" ":       "no seeds",
		"0,,1":    "empty entry",
		"a":       `"a" is not a seed`,
		"-1":      "bad range",
		"3-1":     "bad range",
		"0-20000": "bad range",
		"0-2,1":   "seed 1 appears twice",
	}
	for in, want := range bad {
		_, err := ParseSeeds(in)
		assert.ErrorContains(t, err, want, in)
	}
}

// TestFlags checks that each check names the flag and the value, that
// problems are reported together, and that probing the output paths
// creates nothing.
func TestFlags(t *testing.T) {
	dir := t.TempDir()
	fl := NewFlags("test", io.Discard)
	n := fl.Int("n", 1, "")
	x := fl.Float64("x", 1, "")
	s := fl.String("s", "a", "")
	fl.String("out", "", "")
	fl.Bool("extra", false, "")
	require.NoError(t, fl.Parse([]string{"-n", "0", "-x", "NaN", "-s", "c", "-extra", "-out", filepath.Join(dir, "no", "f")}))
	assert.True(t, fl.IsSet("extra"))
	assert.False(t, fl.IsSet("nope"))
	fl.AtLeast("n", *n, 1)
	fl.Positive("x", *x)
	fl.OneOf("s", *s, "letter", []string{"a", "b"})
	fl.OnlyIf(false, "applies only to tests", "extra", "n")
	fl.OnlyIf(true, "never shown", "s")
	fl.OutputFile("out")
	err := fl.Err()
	require.Error(t, err)
	for _, want := range []string{"-n 0: must be at least 1", "-x NaN: must be a positive finite number", `-s "c": unknown letter (known: a, b)`,
		"-extra applies only to tests", "-n applies only to tests", "-out"} {
		assert.ErrorContains(t, err, want)
	}
	assert.NotContains(t, err.Error(), "never shown")
	_, statErr := os.Stat(filepath.Join(dir, "no"))
	assert.True(t, os.IsNotExist(statErr), "the check creates no folder")

	fl = NewFlags("test", io.Discard)
	fl.String("file", "", "")
	fl.String("dir", "", "")
	require.NoError(t, fl.Parse([]string{"-file", filepath.Join(dir, "missing", "f.png"), "-dir", filepath.Join(dir, "new", "plots")}))
	fl.OutputFile("file")
	fl.OutputDir("dir")
	err = fl.Err()
	assert.ErrorContains(t, err, "-file")
	assert.ErrorContains(t, err, "does not exist")
	assert.NotContains(t, err.Error(), "-dir", "a folder that can be created is fine")
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, ents, "the check creates nothing and removes its probe file")

	fl = NewFlags("test", io.Discard)
	assert.ErrorContains(t, fl.Parse([]string{"stray"}), "unexpected arguments")
	assert.Error(t, fl.Parse([]string{"-nope"}))
}

func TestCheckTrain(t *testing.T) {
	assert.NoError(t, CheckTrain(2, 4, false, "f.csv"))
	assert.ErrorContains(t, CheckTrain(3, 4, false, "f.csv"), "-train 3: must be between 2 and 2 for f.csv (4 architectures)")
	assert.NoError(t, CheckTrain(3, 4, true, "space x"))
	assert.ErrorContains(t, CheckTrain(2, 3, false, "f.csv"), "f.csv has 3 architectures, too few")
	assert.ErrorContains(t, CheckTrain(1, 100, false, "f.csv"), "-train 1")
}

func TestLookup(t *testing.T) {
	_, err := Lookup("nope")
	assert.ErrorContains(t, err, `-space "nope": unknown space (known: darts, nb101, nb201, tnb-macro, tnb-micro)`)
	_, err = Weighting("nope", 1, 1)
	assert.ErrorContains(t, err, `-weighting "nope"`)
	for _, w := range WeightingNames {
		f, err := Weighting(w, 1, 1.5)
		require.NoError(t, err)
		assert.NotNil(t, f)
	}
	assert.ErrorContains(t, CheckAux("fashion", t.TempDir(), t.TempDir()), "dataset-fashion-mnist")
	assert.ErrorContains(t, CheckAux("nope", "", ""), "unknown auxiliary dataset")
}
