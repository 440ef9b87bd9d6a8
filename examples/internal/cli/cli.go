// Package cli holds what the example programs share: the registry of
// benchmark spaces with their default metrics and their tables (built into
// the module, or read from a data folder given by -data or HYPERNAS_DATA),
// the checks of command-line flags (Flags: every bad value is refused,
// naming the flag, before any data is read or any training starts),
// seed-list parsing and JSON output.
package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/auxdata"
	"github.com/hypernas/go-hypernas/hypernas/auxdata/cifar10data"
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

// Space is a benchmark space an example can run on.
type Space struct {
	Name string
	// Load reads the benchmark from a data folder (the -data flag).
	Load func(dir string) (*searchspace.Benchmark, error)
	// Builtin returns the table built into the module, used when no data
	// folder is given; nil for a space without one.
	Builtin func() (*searchspace.Benchmark, error)
	// New returns the search space itself, without its table.
	New func() (searchspace.SearchSpace, error)
	// TrainMetric labels the training set; TestMetric is what the ranking
	// is evaluated against.
	TrainMetric, TestMetric string
	// TestAll: evaluate on the whole benchmark (NB201 protocol), else on
	// the rows not used for training.
	TestAll bool
	// SpaceSize is the size of the whole space (for JSON output); 0 means
	// the benchmark's row count.
	SpaceSize func() int
}

// The built-in benchmarks. NB201 follows the published protocol (train on
// validation accuracy, test on test accuracy over the whole space); the
// others have one accuracy column and test on the rows not trained on.
var spaces = map[string]Space{
	"nb201": {Name: "nb201", Load: nasbench201.LoadBenchmark, Builtin: nb201data.LoadBenchmark, New: space(nasbench201.New()),
		TrainMetric: nasbench201.MetricValidAcc, TestMetric: nasbench201.MetricTestAcc, TestAll: true},
	"nb101": {Name: "nb101", Load: nasbench101.LoadLabelled, Builtin: nb101data.LoadLabelled, New: space(nasbench101.New()),
		TrainMetric: nasbench101.MetricValAcc108, TestMetric: nasbench101.MetricValAcc108,
		SpaceSize: func() int { return count(nasbench101.New().All()) }},
	"darts": {Name: "darts", Load: func(dir string) (*searchspace.Benchmark, error) { return darts.LoadNB301(dir) },
		Builtin:     func() (*searchspace.Benchmark, error) { return nb301data.LoadNB301() },
		New:         func() (searchspace.SearchSpace, error) { return darts.New() },
		TrainMetric: darts.MetricValAcc, TestMetric: darts.MetricValAcc},
	"tnb-micro": {Name: "tnb-micro", Load: transnas101.LoadMicro, Builtin: tnbdata.LoadMicro, New: space(transnas101.NewMicro()),
		TrainMetric: transnas101.Metric("class_object"), TestMetric: transnas101.Metric("class_object")},
	"tnb-macro": {Name: "tnb-macro", Load: transnas101.LoadMacro, Builtin: tnbdata.LoadMacro, New: space(transnas101.NewMacro()),
		TrainMetric: transnas101.Metric("class_object"), TestMetric: transnas101.Metric("class_object")},
}

// space returns a Space.New for a space value.
func space(s searchspace.SearchSpace) func() (searchspace.SearchSpace, error) {
	return func() (searchspace.SearchSpace, error) { return s, nil }
}

// Bench returns the space's benchmark: read from the data folder dir, or
// the table built into the module when dir is "" (see DataDir).
func (s Space) Bench(dir string) (*searchspace.Benchmark, error) {
	if dir != "" {
		return s.Load(dir)
	}
	if s.Builtin == nil {
		return nil, fmt.Errorf("space %s has no built-in table: give -data, a folder with its benchmark files", s.Name)
	}
	return s.Builtin()
}

// DataFlagHelp is the help text of every program's -data flag.
const DataFlagHelp = "benchmark data folder, for tables of your own in the benchmarks' CSV formats (default $" + searchspace.DataEnv + ", else the tables built into the module)"

// DataDir resolves the -data flag: its folder, else $HYPERNAS_DATA, else ""
// for the tables built into the module. A folder that does not exist is an
// error that says where it came from.
func DataDir(flagDir string) (string, error) {
	dir, from := flagDir, "-data"
	if dir == "" {
		dir, from = os.Getenv(searchspace.DataEnv), searchspace.DataEnv
	}
	if dir == "" {
		return "", nil
	}
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		return "", fmt.Errorf("%s %q: the benchmark data folder: %w", from, dir, err)
	case !st.IsDir():
		return "", fmt.Errorf("%s %q: the benchmark data folder is a file, not a folder", from, dir)
	}
	return filepath.Clean(dir), nil
}

// DataSource says where DataDir's tables come from, for a progress line.
func DataSource(dir string) string {
	if dir == "" {
		return "the tables built into the module"
	}
	return "data folder " + dir
}

// count enumerates a space (the whole enumeration, so the count is measured,
// not a constant).
func count(all iter.Seq2[int, searchspace.Arch]) int {
	n := 0
	for range all {
		n++
	}
	return n
}

// Register adds a space to the registry (used by the built-in spaces'
// registration files and by users' own programs).
func Register(s Space) { spaces[s.Name] = s }

// Lookup returns a registered space.
func Lookup(name string) (Space, error) {
	s, ok := spaces[name]
	if !ok {
		return s, fmt.Errorf("-space %q: unknown space (known: %s)", name, strings.Join(Names(), ", "))
	}
	return s, nil
}

// Names lists the registered spaces.
func Names() []string {
	var out []string
	for k := range spaces {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ParseSeeds parses "0,1,2", "0-9" or a mix such as "0-4,7". A seed may
// appear once: a repeated seed would count one split twice in a mean.
func ParseSeeds(s string) ([]uint64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("no seeds (give e.g. 0,1,2 or 0-4)")
	}
	var out []uint64
	seen := map[uint64]bool{}
	add := func(v uint64) error {
		if seen[v] {
			return fmt.Errorf("seed %d appears twice", v)
		}
		seen[v] = true
		out = append(out, v)
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, fmt.Errorf("empty entry")
		}
		if lo, hi, ok := strings.Cut(part, "-"); ok {
			a, err1 := strconv.ParseUint(lo, 10, 64)
			b, err2 := strconv.ParseUint(hi, 10, 64)
			if err1 != nil || err2 != nil || b < a || b-a > 10000 {
				return nil, fmt.Errorf("bad range %q (want LOW-HIGH, LOW ≤ HIGH, at most 10001 seeds)", part)
			}
			for v := a; v <= b; v++ {
				if err := add(v); err != nil {
					return nil, err
				}
			}
			continue
		}
		v, err := strconv.ParseUint(part, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a seed (a whole number ≥ 0)", part)
		}
		if err := add(v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MeanStd returns the mean and the population standard deviation.
func MeanStd(x []float64) (float64, float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, math.Sqrt(s / float64(len(x)))
}

// Median of x.
func Median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	y := slices.Clone(x)
	slices.Sort(y)
	if len(y)%2 == 1 {
		return y[len(y)/2]
	}
	return (y[len(y)/2-1] + y[len(y)/2]) / 2
}

// WriteJSONLine writes v as one line of JSON.
func WriteJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// AuxNames are the auxiliary image datasets LoadAux reads.
var AuxNames = []string{"cifar10", "fashion"}

// DefaultFashionDir is where the Debian package dataset-fashion-mnist
// installs Fashion-MNIST.
const DefaultFashionDir = "/usr/share/datasets/fashion-mnist"

// auxFiles are the files of an auxiliary dataset: images and labels
// (one file holds both for CIFAR-10; none for the built-in CIFAR-10 images,
// dataDir "").
func auxFiles(name, dataDir, fashionDir string) ([]string, error) {
	switch name {
	case "cifar10":
		if dataDir == "" {
			return nil, nil
		}
		return []string{filepath.Join(dataDir, "cifar10", "train_4000.bin")}, nil
	case "fashion":
		return []string{filepath.Join(fashionDir, "train-images-idx3-ubyte.gz"), filepath.Join(fashionDir, "train-labels-idx1-ubyte.gz")}, nil
	}
	return nil, fmt.Errorf("-aux %q: unknown auxiliary dataset (known: %s)", name, strings.Join(AuxNames, ", "))
}

// CheckAux checks that the files of an auxiliary dataset exist, so that a
// missing one is reported before the benchmark is loaded.
func CheckAux(name, dataDir, fashionDir string) error {
	files, err := auxFiles(name, dataDir, fashionDir)
	if err != nil {
		return err
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			if name == "fashion" {
				return fmt.Errorf("-aux fashion: %w (install the Debian package dataset-fashion-mnist, or set -fashion-dir)", err)
			}
			return fmt.Errorf("-aux %s: %w (the benchmark data folder, -data, has no %s)", name, err, filepath.Join("cifar10", filepath.Base(f)))
		}
	}
	return nil
}

// CheckAuxSize checks that the auxiliary images can be scaled to size:
// the built-in CIFAR-10 images (dataDir "") are 8×8.
func CheckAuxSize(name, dataDir string, size int) error {
	if name == "cifar10" && dataDir == "" && size > cifar10data.ImageSize {
		return fmt.Errorf("-aux-size %d: the built-in CIFAR-10 images are %d×%d; for a larger proxy give -data, a folder with cifar10/train_4000.bin (CIFAR-10's binary format, 32×32)",
			size, cifar10data.ImageSize, cifar10data.ImageSize)
	}
	return nil
}

// LoadAux reads the auxiliary image dataset of -model hypernas: with
// -aux cifar10, the images built into the module when dataDir is "", else
// <dataDir>/cifar10/train_4000.bin.
func LoadAux(name, dataDir, fashionDir string) (*auxdata.Dataset, error) {
	if err := CheckAux(name, dataDir, fashionDir); err != nil {
		return nil, err
	}
	files, _ := auxFiles(name, dataDir, fashionDir)
	switch {
	case name == "cifar10" && len(files) == 0:
		return cifar10data.Load()
	case name == "cifar10":
		return auxdata.ReadCIFAR10Files(files[0])
	}
	return auxdata.ReadIDXFiles(files[0], files[1])
}

// WeightingNames are the -weighting values Weighting accepts.
var WeightingNames = []string{"fixed", "uncertainty", "adaptive"}

// Weighting is the -weighting flag's multi-task weighting: fixed weights
// (1 on L_pred, auxWeight on L_hyper), Kendall et al.'s uncertainty
// weighting, or HyperNAS's adaptive loss with preference coefficient q.
func Weighting(name string, auxWeight, q float64) (hypernas.WeightingFunc, error) {
	switch name {
	case "fixed":
		return hypernas.FixedWeights(1, auxWeight), nil
	case "uncertainty":
		return hypernas.UncertaintyWeights(), nil
	case "adaptive":
		return hypernas.AdaptiveWeights(q), nil
	}
	return nil, fmt.Errorf("-weighting %q: unknown weighting (known: %s)", name, strings.Join(WeightingNames, ", "))
}
