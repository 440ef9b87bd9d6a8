package darts

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/internal/csvutil"
)

// NB301File is the DARTS benchmark table, relative to the data folder.
const NB301File = "darts/nb301_subset.csv"

// Columns of NB301File. Every other column is a numeric metric: flops,
// params and the zero-cost proxy scores synflow, grasp, fisher, grad_norm,
// l2_norm, plain, nwot, epe_nas, jacov, snip.
const (
	// MetricValAcc is the CIFAR-10 validation accuracy in percent, the label
	// of the few-shot protocol. It may be a NAS-Bench-301 surrogate
	// prediction rather than a trained network's accuracy.
	MetricValAcc = "val_accuracy"
	// ColGenotype is the key column (Genotype.String's form).
	ColGenotype = "genotype"
	// ColCompact is NASLib's compact form of the same genotype; the loader
	// checks that it agrees with ColGenotype.
	ColCompact = "naslib_compact"
	// ColSource names the export a row came from; it is dropped.
	ColSource = "source_blob"
)

// LoadNB301 reads <dir>/darts/nb301_subset.csv (dir "" means
// $HYPERNAS_DATA) into a Benchmark of unique genotypes, in order of first
// appearance: 1,218 genotypes from 1,225 rows. The options are New's: the
// Benchmark's Space is New(opts...), so WithCells(20) makes it encode the
// 20-cell network; a bad option is an error before the file is read.
//
// The same genotype may appear more than once (the file merges two
// exports): its metrics are then the mean over its rows, so a label is
// never counted twice; repeated val_accuracy values differ by at most 0.2
// in this file. A metric cell may be empty (nwot is missing in one export):
// it is then NaN, and a repeated genotype averages its non-empty values.
// Genotypes are keyed by Genotype.String exactly as the file writes them,
// without reordering the edges of a node (see Genotype.Canonical).
//
// The accuracies may be predictions of NAS-Bench-301's surrogate models
// (Zela et al., "Surrogate NAS Benchmarks", ICLR 2022) rather than results
// of training.
//
// The same table is built into the module: nb301data.LoadNB301 returns it
// with no folder. Use this loader for a table of your own in the same
// format.
func LoadNB301(dir string, opts ...Option) (*searchspace.Benchmark, error) {
	sp, err := New(opts...)
	if err != nil {
		return nil, err
	}
	path, err := searchspace.DataFile(dir, NB301File)
	if err != nil {
		return nil, fmt.Errorf("darts: %w", err)
	}
	b, err := csvutil.ReadFile(path, func(r io.Reader) (*searchspace.Benchmark, error) { return readNB301(r, sp) })
	if err != nil {
		return nil, fmt.Errorf("darts: %w", err)
	}
	return b, nil
}

// ReadNB301 is LoadNB301 on a reader: a CSV with a header line, a
// ColGenotype key column, optional ColCompact and ColSource columns and
// numeric metric columns. Errors name the line and column and wrap
// searchspace.ErrParse.
func ReadNB301(r io.Reader, opts ...Option) (*searchspace.Benchmark, error) {
	sp, err := New(opts...)
	if err != nil {
		return nil, err
	}
	return readNB301(r, sp)
}

func readNB301(r io.Reader, sp *Space) (*searchspace.Benchmark, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: ReadNB301 of a nil io.Reader", searchspace.ErrParse)
	}
	cr := csv.NewReader(r)
	header, err := csvutil.Header(cr)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", searchspace.ErrParse, err)
	}
	key, compact := -1, -1
	var metrics []string
	var cols []int
	for i, h := range header {
		switch h {
		case ColGenotype:
			key = i
		case ColCompact:
			compact = i
		case ColSource:
		default:
			metrics = append(metrics, h)
			cols = append(cols, i)
		}
	}
	if key < 0 {
		return nil, fmt.Errorf("%w: line 1: no %q column in header %q", searchspace.ErrParse, ColGenotype, header)
	}
	// Sums and counts of the non-empty values, per unique genotype.
	type entry struct {
		g     Genotype
		sum   []float64
		count []int
	}
	var entries []*entry
	index := map[string]*entry{}
	for row, err := range csvutil.Rows(cr) {
		if err != nil {
			return nil, fmt.Errorf("%w: %v", searchspace.ErrParse, err)
		}
		line, rec := row.Line, row.Fields
		g, err := Parse(rec[key])
		if err != nil {
			return nil, fmt.Errorf("%w: line %d, column %d (%s): %v", searchspace.ErrParse, line, key+1, ColGenotype, err)
		}
		if compact >= 0 {
			c, err := ParseCompact(rec[compact])
			if err != nil {
				return nil, fmt.Errorf("%w: line %d, column %d (%s): %v", searchspace.ErrParse, line, compact+1, ColCompact, err)
			}
			if c != g {
				return nil, fmt.Errorf("%w: line %d: %s %s does not match %s %s", searchspace.ErrParse, line, ColCompact, rec[compact], ColGenotype, g.Compact())
			}
		}
		s := g.String()
		e, ok := index[s]
		if !ok {
			e = &entry{g: g, sum: make([]float64, len(cols)), count: make([]int, len(cols))}
			index[s] = e
			entries = append(entries, e)
		}
		for j, c := range cols {
			if strings.TrimSpace(rec[c]) == "" {
				continue
			}
			v, err := csvutil.Float(rec[c])
			if err != nil {
				return nil, fmt.Errorf("%w: line %d, column %d (%s): %v", searchspace.ErrParse, line, c+1, metrics[j], err)
			}
			e.sum[j] += v
			e.count[j]++
		}
	}
	t, err := searchspace.NewTable(metrics...)
	if err != nil {
		return nil, fmt.Errorf("%w: line 1: %v", searchspace.ErrParse, err)
	}
	archs := make([]searchspace.Arch, len(entries))
	vals := make([]float64, len(metrics))
	for i, e := range entries {
		for j := range vals {
			vals[j] = math.NaN()
			if e.count[j] > 0 {
				vals[j] = e.sum[j] / float64(e.count[j])
			}
		}
		if err := t.Append(e.g.String(), vals...); err != nil {
			return nil, err // cannot happen: keys are unique
		}
		archs[i] = e.g
	}
	return searchspace.NewBenchmark(sp, archs, t)
}
