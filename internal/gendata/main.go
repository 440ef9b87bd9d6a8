// Command gendata rebuilds the benchmark tables and images that the data
// packages embed (nb201data, nb101data, nb301data, tnbdata, cifar10data)
// from the files of a benchmark data folder: the folder that holds
// nasbench201/, nasbench101/, darts/, transnas101/ and cifar10/. Each data
// package runs it for its own files with go generate:
//
//	HYPERNAS_DATA=/path/to/data go generate ./searchspace/... ./hypernas/...
//	go run ./internal/gendata -data /path/to/data            # every file
//	go run ./internal/gendata -data /path/to/data -only nb201 -out /tmp/x
//
// It reads every table with the module's own loaders (nasbench201.LoadBenchmark
// and the others), so an embedded table holds exactly what the loader returns
// for the files, and writes it with package packed. -data defaults to
// $HYPERNAS_DATA; a relative HYPERNAS_DATA is taken relative to the module
// root, since go generate runs in each package's folder.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/internal/datadir"
	"github.com/hypernas/go-hypernas/internal/packed"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/darts"
	"github.com/hypernas/go-hypernas/searchspace/nasbench101"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/hypernas/go-hypernas/searchspace/transnas101"
)

// target is one embedded file: where it goes and how it is made from the
// data folder.
type target struct {
	name string // the -only name
	pkg  string // output folder, relative to the module root
	file string
	make func(dir string) ([]byte, string, error) // the file's bytes and a summary
}

// ImageSide is the side of the embedded CIFAR-10 images: what the
// hypernetwork's default proxy reads (hypernet.DefaultConfig().ImageSize).
const ImageSide = 8

var targets = []target{
	{"nb201", "searchspace/nasbench201/nb201data", "nb201.pack", func(dir string) ([]byte, string, error) {
		return table(nasbench201.LoadBenchmark(dir))
	}},
	{"nb201-latency", "searchspace/nasbench201/nb201data", "nb201_latency.pack", latency},
	{"nb101", "searchspace/nasbench101/nb101data", "nb101.pack", func(dir string) ([]byte, string, error) {
		return table(nasbench101.LoadLabelled(dir))
	}},
	{"nb101-fingerprints", "searchspace/nasbench101/nb101data/testdata", "fingerprints.sha256", fingerprints},
	{"nb101-naslib500", "searchspace/nasbench101/nb101data", "naslib500.pack", func(dir string) ([]byte, string, error) {
		return table(nasbench101.LoadNASLib500(dir))
	}},
	{"nb101-hashspecs", "searchspace/nasbench101/testdata", "hash_specs.pack", hashSpecs},
	{"nb301", "searchspace/darts/nb301data", "nb301.pack", func(dir string) ([]byte, string, error) {
		return table(darts.LoadNB301(dir))
	}},
	{"tnb-micro", "searchspace/transnas101/tnbdata", "micro.pack", func(dir string) ([]byte, string, error) {
		return table(transnas101.LoadMicro(dir))
	}},
	{"tnb-macro", "searchspace/transnas101/tnbdata", "macro.pack", func(dir string) ([]byte, string, error) {
		return table(transnas101.LoadMacro(dir))
	}},
	{"cifar10", "hypernas/auxdata/cifar10data", "train_4000_8x8.pack", cifar10},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(os.Stderr, "gendata: %v\n", err)
		}
		os.Exit(1)
	}
}

func names() []string {
	var out []string
	for _, t := range targets {
		out = append(out, t.name)
	}
	return out
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("gendata", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dataDir := fl.String("data", "", "benchmark data folder (default $HYPERNAS_DATA)")
	only := fl.String("only", "", "comma-separated files to make, of "+strings.Join(names(), ", ")+" (default: all)")
	out := fl.String("out", "", "write every file into this folder (default: each into its package's folder)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fl.Args())
	}
	root, err := datadir.ModuleRoot()
	if err != nil {
		return fmt.Errorf("run gendata inside the module: %w", err)
	}
	dir, err := resolveData(*dataDir, root)
	if err != nil {
		return err
	}
	todo := targets
	if *only != "" {
		todo = nil
		for _, n := range strings.Split(*only, ",") {
			i := slices.IndexFunc(targets, func(t target) bool { return t.name == strings.TrimSpace(n) })
			if i < 0 {
				return fmt.Errorf("-only %q: unknown file %q (known: %s)", *only, n, strings.Join(names(), ", "))
			}
			todo = append(todo, targets[i])
		}
	}
	for _, t := range todo {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, summary, err := t.make(dir)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		folder := filepath.Join(root, filepath.FromSlash(t.pkg))
		if *out != "" {
			folder = *out
		}
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return err
		}
		path := filepath.Join(folder, t.file)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s, %d bytes (%s)\n", path, summary, len(data), t.name)
	}
	return nil
}

// resolveData is -data, else $HYPERNAS_DATA, a relative value of which is
// relative to the module root.
func resolveData(flagDir, root string) (string, error) {
	if flagDir != "" {
		return searchspace.DataDir(flagDir)
	}
	env := os.Getenv(searchspace.DataEnv)
	if env == "" {
		return "", fmt.Errorf("no data folder: give -data DIR or set %s (the folder that holds nasbench201/, nasbench101/, darts/, transnas101/ and cifar10/)", searchspace.DataEnv)
	}
	if !filepath.IsAbs(env) {
		env = filepath.Join(root, env)
	}
	return searchspace.DataDir(env)
}

// table packs a benchmark table with its keys.
func table(b *searchspace.Benchmark, err error) ([]byte, string, error) {
	if err != nil {
		return nil, "", err
	}
	return pack(b.Table, true)
}

func pack(t *searchspace.Table, keyed bool) ([]byte, string, error) {
	p, err := packed.FromTable(t, keyed)
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	if err := packed.Encode(&buf, p); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), fmt.Sprintf("%d rows, %d metrics", t.Len(), len(t.Metrics())), nil
}

// latency packs the NB201 latency table without its keys: they are the
// benchmark table's, row for row, which it checks.
func latency(dir string) ([]byte, string, error) {
	b, err := nasbench201.LoadBenchmark(dir)
	if err != nil {
		return nil, "", err
	}
	lat, err := nasbench201.LoadLatency(dir)
	if err != nil {
		return nil, "", err
	}
	if !slices.Equal(lat.Archs(), b.Table.Archs()) {
		return nil, "", errors.New("the latency table's rows are not the benchmark table's")
	}
	return pack(lat, false)
}

// fingerprints is the SHA-256 of the NB101 file's hash column, one hash a
// line in row order: with it, nb101data's tests check the fingerprint of
// every embedded cell against the benchmark's own without storing 30,001
// hashes.
func fingerprints(dir string) ([]byte, string, error) {
	recs, err := readCSV(dir, nasbench101.LabelledFile)
	if err != nil {
		return nil, "", err
	}
	b, err := nasbench101.LoadLabelled(dir)
	if err != nil {
		return nil, "", err
	}
	var all strings.Builder
	for i, rec := range recs[1:] {
		if fp := b.Archs[i].(nasbench101.Cell).Fingerprint(); fp != rec[0] {
			return nil, "", fmt.Errorf("row %d: cell %s has fingerprint %s, the file says %s", i, b.Archs[i], fp, rec[0])
		}
		all.WriteString(rec[0] + "\n")
	}
	sum := sha256.Sum256([]byte(all.String()))
	return []byte(hex.EncodeToString(sum[:]) + "\n"), fmt.Sprintf("digest of %d fingerprints", len(recs)-1), nil
}

func readCSV(dir, file string) ([][]string, error) {
	path, err := searchspace.DataFile(dir, file)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return recs, nil
}

// HashSpecOps are the interior ops of the hash-specs test table, coded
// 0, 1, 2 in its ops column (base 3, vertex 1 the least significant digit).
var HashSpecOps = []string{"conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"}

// hashSpecs packs nb101_hash_specs.csv, the benchmark's own cells in their
// own numbering with their fingerprints, as test data of nasbench101:
// keys are the fingerprints, columns the vertex count, the row-major
// adjacency bits (bit i·n+j for the edge i→j) and the interior ops.
func hashSpecs(dir string) ([]byte, string, error) {
	recs, err := readCSV(dir, "nasbench101/nb101_hash_specs.csv")
	if err != nil {
		return nil, "", err
	}
	if !slices.Equal(recs[0], []string{"hash", "adjacency", "ops"}) {
		return nil, "", fmt.Errorf("header %q, want hash, adjacency, ops", recs[0])
	}
	p := packed.Table{Keys: []string{}, Columns: []packed.Column{{Name: "vertices"}, {Name: "adjacency"}, {Name: "ops"}}}
	for line, rec := range recs[1:] {
		var m [][]int
		if err := json.Unmarshal([]byte(rec[1]), &m); err != nil {
			return nil, "", fmt.Errorf("line %d: adjacency: %w", line+2, err)
		}
		ops := strings.Split(rec[2], "|")
		n := len(m)
		if len(ops) != n || n < 2 || n > nasbench101.MaxVertices || ops[0] != nasbench101.OpInput || ops[n-1] != nasbench101.OpOutput {
			return nil, "", fmt.Errorf("line %d: %d vertices with ops %q", line+2, n, ops)
		}
		var adj, code float64
		for i := n - 1; i >= 0; i-- {
			if len(m[i]) != n {
				return nil, "", fmt.Errorf("line %d: adjacency row %d has %d entries, want %d", line+2, i, len(m[i]), n)
			}
			for j := n - 1; j >= 0; j-- {
				adj = 2*adj + float64(m[i][j])
			}
		}
		for i := n - 2; i >= 1; i-- {
			k := slices.Index(HashSpecOps, ops[i])
			if k < 0 {
				return nil, "", fmt.Errorf("line %d: unknown op %q", line+2, ops[i])
			}
			code = 3*code + float64(k)
		}
		p.Keys = append(p.Keys, rec[0])
		for k, v := range []float64{float64(n), adj, code} {
			p.Columns[k].Values = append(p.Columns[k].Values, v)
		}
	}
	var buf bytes.Buffer
	if err := packed.Encode(&buf, p); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), fmt.Sprintf("%d cells", len(p.Keys)), nil
}

// cifar10 packs the first 4,000 training images of CIFAR-10, area-averaged
// to ImageSide×ImageSide and rounded to bytes.
func cifar10(dir string) ([]byte, string, error) {
	path, err := searchspace.DataFile(dir, "cifar10/train_4000.bin")
	if err != nil {
		return nil, "", err
	}
	d, err := auxdata.ReadCIFAR10Files(path)
	if err != nil {
		return nil, "", err
	}
	small, err := downscale(d, ImageSide)
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	if err := packed.EncodeImages(&buf, &packed.Images{N: small.N, Channels: small.Channels, Height: small.Height, Width: small.Width,
		Classes: small.Classes, Labels: small.Labels, Pixels: small.Pixels}); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), fmt.Sprintf("%d images of %d×%d", small.N, ImageSide, ImageSide), nil
}

// downscale averages each k×k block of pixels (k = Height/side), rounding
// half up.
func downscale(d *auxdata.Dataset, side int) (*auxdata.Dataset, error) {
	if d.Height != d.Width || d.Height%side != 0 {
		return nil, fmt.Errorf("cannot scale %d×%d images to %d×%d by whole blocks", d.Height, d.Width, side, side)
	}
	k := d.Height / side
	out := &auxdata.Dataset{Name: d.Name, N: d.N, Channels: d.Channels, Height: side, Width: side, Classes: d.Classes,
		Labels: slices.Clone(d.Labels), Pixels: make([]byte, 0, d.N*d.Channels*side*side)}
	for p := 0; p < len(d.Pixels); p += d.Height * d.Width {
		plane := d.Pixels[p : p+d.Height*d.Width]
		for y := range side {
			for x := range side {
				s := 0
				for dy := range k {
					for dx := range k {
						s += int(plane[(k*y+dy)*d.Width+k*x+dx])
					}
				}
				out.Pixels = append(out.Pixels, byte((s+k*k/2)/(k*k)))
			}
		}
	}
	return out, out.Validate()
}
