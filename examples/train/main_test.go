package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201/nb201data"
)

func TestTrain(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out, errOut bytes.Buffer

	// From the built-in table.
	save := filepath.Join(dir, "builtin.hnp")
	require.NoError(t, run(ctx, []string{"-builtin", "20", "-epochs", "2", "-hidden", "8", "-save", save, "-quiet"}, &out, &errOut))
	assert.Contains(t, out.String(), "trained on 20 architectures")
	p, err := hypernas.LoadFile(save, nasbench201.New())
	require.NoError(t, err)
	assert.Equal(t, 8, p.Options().Hidden)

	// From a CSV of your own, with other columns beside the label.
	b, err := nb201data.LoadBenchmark()
	require.NoError(t, err)
	var sb strings.Builder
	sb.WriteString("note,arch,accuracy\n")
	for i, a := range b.Archs[:15] {
		acc, _ := b.Table.Value(i, nasbench201.MetricValidAcc)
		sb.WriteString("x," + a.String() + "," + strconv.FormatFloat(acc, 'g', -1, 64) + "\n")
	}
	csvFile := filepath.Join(dir, "labelled.csv")
	require.NoError(t, os.WriteFile(csvFile, []byte(sb.String()), 0o644))
	save = filepath.Join(dir, "csv.hnp")
	out.Reset()
	require.NoError(t, run(ctx, []string{"-csv", csvFile, "-metric", "accuracy", "-epochs", "2", "-hidden", "8", "-save", save, "-quiet"}, &out, &errOut))
	assert.Contains(t, out.String(), "trained on 15 architectures")
	_, err = hypernas.LoadFile(save, nasbench201.New())
	require.NoError(t, err)

	// A bad label is refused with its line and column.
	badFile := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(badFile, []byte(sb.String()+"x,"+b.Archs[20].String()+",high\n"), 0o644))
	err = run(ctx, []string{"-csv", badFile, "-metric", "accuracy", "-save", save, "-quiet"}, &out, &errOut)
	assert.ErrorContains(t, err, "line 17")
	assert.ErrorContains(t, err, `"high"`)
}

func TestTrainRefusals(t *testing.T) {
	save := filepath.Join(t.TempDir(), "p.hnp")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-builtin", "20"}, "-save \"\": required"},
		{[]string{"-save", save}, "give either -csv FILE (with -metric) or -builtin N"},
		{[]string{"-save", save, "-csv", "x.csv"}, "-metric \"\": required with -csv"},
		{[]string{"-save", save, "-builtin", "20", "-metric", "acc"}, "-metric applies only with -csv"},
		{[]string{"-save", save, "-builtin", "1"}, "-builtin 1: must be at least 2"},
		{[]string{"-save", save, "-builtin", "20", "-model", "hypernas"}, `-model "hypernas": unknown model`},
		{[]string{"-save", save, "-builtin", "20000"}, "-builtin 20000: the built-in nb201 table has 15625 rows"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append(c.args, "-quiet"), &out, &errOut)
		require.Error(t, err, "%q", c.args)
		assert.Contains(t, err.Error(), c.want, "%q", c.args)
	}
}
