package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/hypernas/auxdata/cifar10data"
	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/internal/packed"
	"github.com/hypernas/go-hypernas/internal/tabletest"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/darts"
	"github.com/hypernas/go-hypernas/searchspace/darts/nb301data"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101/nb101data"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201/nb201data"
	"github.com/hypernas/go-hypernas/searchspace/transnas101"
	"github.com/hypernas/go-hypernas/searchspace/transnas101/tnbdata"
)

// TestRoundTrip writes a data folder from the built-in tables (and the
// built-in images scaled back up to 32×32 by repeating each pixel), runs
// the generator on it and checks that it makes the same tables and images.
func TestRoundTrip(t *testing.T) {
	data, out := t.TempDir(), t.TempDir()
	type check struct {
		target string
		want   *searchspace.Benchmark
		space  searchspace.SearchSpace
	}
	var checks []check
	add := func(target, file, key string, load func() (*searchspace.Benchmark, error), space searchspace.SearchSpace) {
		b, err := load()
		require.NoError(t, err)
		var keyFn func(int, string) (string, error)
		if target == "nb101" {
			keyFn = func(i int, _ string) (string, error) { return b.Archs[i].(nasbench101.Cell).Fingerprint(), nil }
		}
		require.NoError(t, tabletest.WriteFile(data, file, b.Table, key, keyFn))
		checks = append(checks, check{target, b, space})
	}
	dartsSpace, err := darts.New()
	require.NoError(t, err)
	add("nb201", nasbench201.BenchmarkFile, "arch", nb201data.LoadBenchmark, nasbench201.New())
	add("nb301", darts.NB301File, darts.ColGenotype, func() (*searchspace.Benchmark, error) { return nb301data.LoadNB301() }, dartsSpace)
	add("tnb-micro", transnas101.MicroFile, transnas101.KeyColumn, tnbdata.LoadMicro, transnas101.NewMicro())
	add("tnb-macro", transnas101.MacroFile, transnas101.KeyColumn, tnbdata.LoadMacro, transnas101.NewMacro())
	only := "nb201,nb201-latency,nb301,tnb-micro,tnb-macro,cifar10"
	if !testing.Short() { // the NB101 loader enumerates the space
		add("nb101", nasbench101.LabelledFile, "hash", nb101data.LoadLabelled, nasbench101.New())
		only += ",nb101,nb101-fingerprints"
	}
	lat, err := nb201data.LoadLatency()
	require.NoError(t, err)
	require.NoError(t, tabletest.WriteFile(data, nasbench201.LatencyFile, lat, "arch_str", nil))
	images, err := cifar10data.Load()
	require.NoError(t, err)
	var cifar bytes.Buffer
	require.NoError(t, auxdata.WriteCIFAR10(&cifar, upscale(images, 4)))
	datadir.WriteFile(t, data, "cifar10/train_4000.bin", cifar.String())

	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-data", data, "-out", out, "-only", only}, &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "nb201.pack: 15625 rows, 9 metrics")

	file := func(target string) []byte {
		for _, tg := range targets {
			if tg.name == target {
				b, err := os.ReadFile(filepath.Join(out, tg.file))
				require.NoError(t, err)
				return b
			}
		}
		t.Fatalf("no target %s", target)
		return nil
	}
	for _, c := range checks {
		got, err := packed.Benchmark(file(c.target), c.space)
		require.NoError(t, err, c.target)
		assert.NoError(t, tabletest.Diff(c.want.Table, got.Table), c.target)
	}
	gotLat, err := packed.Decode(file("nb201-latency"))
	require.NoError(t, err)
	assert.Nil(t, gotLat.Keys, "the latency table shares the benchmark table's keys")
	gotLat.Keys = lat.Archs()
	latTable, err := gotLat.SearchTable()
	require.NoError(t, err)
	assert.NoError(t, tabletest.Diff(lat, latTable))
	gotImages, err := packed.DecodeImages(file("cifar10"))
	require.NoError(t, err)
	assert.Equal(t, images.Labels, gotImages.Labels)
	assert.Equal(t, images.Pixels, gotImages.Pixels)
	assert.Equal(t, []int{images.N, images.Channels, images.Height, images.Width, images.Classes},
		[]int{gotImages.N, gotImages.Channels, gotImages.Height, gotImages.Width, gotImages.Classes})
	if !testing.Short() {
		assert.Len(t, strings.TrimSpace(string(file("nb101-fingerprints"))), 64)
	}
}

// upscale repeats every pixel k×k times.
func upscale(d *auxdata.Dataset, k int) *auxdata.Dataset {
	h, w := d.Height*k, d.Width*k
	out := *d
	out.Height, out.Width = h, w
	out.Pixels = make([]byte, 0, d.N*d.Channels*h*w)
	for p := 0; p < len(d.Pixels); p += d.Height * d.Width {
		for y := range h {
			for x := range w {
				out.Pixels = append(out.Pixels, d.Pixels[p+(y/k)*d.Width+x/k])
			}
		}
	}
	return &out
}

func TestErrors(t *testing.T) {
	var stdout, stderr bytes.Buffer
	ctx := context.Background()
	t.Setenv(searchspace.DataEnv, "")
	assert.ErrorContains(t, run(ctx, nil, &stdout, &stderr), "no data folder: give -data DIR or set HYPERNAS_DATA")
	assert.ErrorContains(t, run(ctx, []string{"-data", t.TempDir(), "-only", "nope"}, &stdout, &stderr), `unknown file "nope"`)
	assert.ErrorContains(t, run(ctx, []string{"-data", t.TempDir(), "-only", "nb201"}, &stdout, &stderr), "nasbench201/nb201.csv")
	assert.ErrorContains(t, run(ctx, []string{"-data", filepath.Join(t.TempDir(), "missing")}, &stdout, &stderr), "missing")
	assert.ErrorContains(t, run(ctx, []string{"stray"}, &stdout, &stderr), "unexpected arguments")
	// A relative HYPERNAS_DATA is taken from the module root.
	t.Setenv(searchspace.DataEnv, "internal")
	assert.ErrorContains(t, run(ctx, []string{"-only", "nb201", "-out", t.TempDir()}, &stdout, &stderr), filepath.Join("internal", "nasbench201", "nb201.csv"))
	_, err := downscale(&auxdata.Dataset{N: 1, Channels: 1, Height: 30, Width: 30, Classes: 2, Pixels: make([]byte, 900), Labels: []byte{0}}, 8)
	assert.ErrorContains(t, err, "cannot scale 30×30 images to 8×8")
}
