package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201/nb201data"
)

// trained saves a tiny predictor trained on 40 rows of the built-in NB201
// table, and returns its file, the predictor and 12 other architectures.
func trained(t *testing.T) (string, *hypernas.Predictor, []searchspace.Arch) {
	t.Helper()
	b, err := nb201data.LoadBenchmark()
	require.NoError(t, err)
	labels, err := b.Labels("cifar10_valid_acc", nil)
	require.NoError(t, err)
	p, err := hypernas.NewPredictor(b.Space, hypernas.WithEpochs(3), hypernas.WithHidden(8), hypernas.WithSeed(1))
	require.NoError(t, err)
	_, err = p.Fit(context.Background(), b.Archs[:40], labels[:40])
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "p.hnp")
	require.NoError(t, p.SaveFile(path))
	return path, p, b.Archs[100:112]
}

// input writes the candidates one per line, with a comment (line 1), a
// blank line (5) and a bad line (6) among them.
func input(t *testing.T, archs []searchspace.Arch) (string, string) {
	var sb strings.Builder
	sb.WriteString("# candidates\n")
	for i, a := range archs {
		if i == 3 {
			sb.WriteString("\n|nor_conv_3x3~0|+|bogus~0|\n")
		}
		sb.WriteString("  " + a.String() + "\r\n")
	}
	path := filepath.Join(t.TempDir(), "in.txt")
	require.NoError(t, os.WriteFile(path, []byte(sb.String()), 0o644))
	return path, sb.String()
}

func TestScore(t *testing.T) {
	pred, p, archs := trained(t)
	want, err := p.Predict(context.Background(), archs)
	require.NoError(t, err)
	in, text := input(t, archs)
	ctx := context.Background()

	// CSV, input order, the bad line skipped and reported.
	var out, errOut bytes.Buffer
	require.NoError(t, run(ctx, []string{"-predictor", pred, "-in", in, "-bad", "skip"}, nil, &out, &errOut))
	recs, err := csv.NewReader(&out).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"architecture", "score", "rank"}, recs[0])
	require.Len(t, recs, 1+len(archs))
	for i, r := range recs[1:] {
		assert.Equal(t, archs[i].String(), r[0])
		score, err := strconv.ParseFloat(r[1], 64)
		require.NoError(t, err)
		assert.Equal(t, want[i], score, "the saved predictor's score, exactly")
		rank, err := strconv.Atoi(r[2])
		require.NoError(t, err)
		better := 0
		for _, w := range want {
			if w > want[i] {
				better++
			}
		}
		assert.Equal(t, better+1, rank, "row %d", i)
	}
	assert.Contains(t, errOut.String(), "line 6:")
	assert.Contains(t, errOut.String(), "bogus")
	assert.Contains(t, errOut.String(), "scored 12 architectures; skipped 1 bad line\n")

	// The default: a bad line is fatal and named.
	out.Reset()
	err = run(ctx, []string{"-predictor", pred, "-in", in}, nil, &out, &errOut)
	require.Error(t, err)
	assert.Contains(t, err.Error(), in+": line 6:")
	assert.Contains(t, err.Error(), `unknown op "bogus"`)
	assert.Empty(t, out.String())

	// JSON from standard input, best first, into a file.
	file := filepath.Join(t.TempDir(), "scores.json")
	require.NoError(t, run(ctx, []string{"-predictor", pred, "-format", "json", "-sort", "-bad", "skip", "-out", file}, strings.NewReader(text), &out, &errOut))
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var got output
	require.NoError(t, json.Unmarshal(data, &got))
	assert.Equal(t, "nb201", got.Space)
	assert.Equal(t, len(archs), got.Scored)
	require.Len(t, got.Results, len(archs))
	for k, c := range got.Results {
		if k > 0 {
			assert.LessOrEqual(t, got.Results[k-1].Rank, c.Rank)
			assert.GreaterOrEqual(t, got.Results[k-1].Score, c.Score)
		}
		i := c.Line - 2 // line 2 holds archs[0]
		if c.Line > 6 {
			i -= 2 // after the blank and the bad line
		}
		assert.Equal(t, archs[i].String(), c.Arch, "line %d", c.Line)
		assert.Equal(t, want[i], c.Score)
	}
	require.Len(t, got.Skipped, 1)
	assert.Equal(t, 6, got.Skipped[0].Line)
	assert.Equal(t, "|nor_conv_3x3~0|+|bogus~0|", got.Skipped[0].Text)
}

func TestScoreErrors(t *testing.T) {
	pred, _, _ := trained(t)
	ctx := context.Background()
	empty := filepath.Join(t.TempDir(), "empty.txt")
	require.NoError(t, os.WriteFile(empty, []byte("# nothing\n\n"), 0o644))
	cases := []struct {
		args []string
		want string
	}{
		{nil, "-predictor \"\": required"},
		{[]string{"-predictor", pred, "-format", "xml"}, `-format "xml": unknown format`},
		{[]string{"-predictor", pred, "-bad", "ignore"}, `-bad "ignore": unknown choice`},
		{[]string{"-predictor", pred, "-space", "nope"}, `-space "nope": unknown space`},
		{[]string{"-predictor", pred, "-in", filepath.Join(t.TempDir(), "missing")}, "-in"},
		{[]string{"-predictor", pred, "-out", filepath.Join(t.TempDir(), "no", "f.csv")}, "does not exist"},
		{[]string{"-predictor", filepath.Join(t.TempDir(), "missing.hnp")}, "-predictor"},
		{[]string{"-predictor", pred, "-space", "nb101"}, "give -space the space it was trained on"},
		{[]string{"-predictor", pred, "-in", empty}, "no architectures to score"},
		{[]string{"-predictor", pred, "stray"}, "unexpected arguments"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		err := run(ctx, c.args, strings.NewReader(""), &out, &errOut)
		require.Error(t, err, "%q", c.args)
		assert.Contains(t, err.Error(), c.want, "%q", c.args)
		assert.Empty(t, out.String())
	}
	// A corrupt predictor file.
	bad := filepath.Join(t.TempDir(), "bad.hnp")
	require.NoError(t, os.WriteFile(bad, []byte("not a predictor"), 0o644))
	var out, errOut bytes.Buffer
	assert.ErrorContains(t, run(ctx, []string{"-predictor", bad}, strings.NewReader(""), &out, &errOut), bad)
}

func TestRank(t *testing.T) {
	cands := []candidate{{Score: 1}, {Score: 3}, {Score: 2}, {Score: 3}, {Score: 0.5}}
	rank(cands)
	var ranks []int
	for _, c := range cands {
		ranks = append(ranks, c.Rank)
	}
	assert.Equal(t, []int{4, 1, 3, 1, 5}, ranks)
}
