package search

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/hypernas/go-hypernas/hypernas"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Evaluation is what an oracle says about one architecture.
type Evaluation struct {
	// Value is the objective the search maximises, what a real search can
	// see (e.g. validation accuracy).
	Value float64
	// Report is a metric recorded beside Value but never used to steer the
	// search (e.g. test accuracy); NaN when the oracle has none.
	Report float64
	// EvalCost is what the evaluation cost, in the oracle's own unit
	// (GPU hours, seconds …); 0 when the oracle does not say.
	EvalCost float64
	// Extra holds any other fields the oracle reported (a training
	// program's JSON object), recorded and never used; nil for none.
	Extra map[string]any
}

// Oracle labels architectures: the expensive step that a search spends its
// budget on. A benchmark table lookup (TableOracle) for tabular spaces, a
// user's training function (FuncOracle) for real ones.
//
// Query must be safe for concurrent use. An error (a training run that
// crashed, an architecture the oracle cannot label) or a non-finite Value
// makes the query a failed one: the search records it, counts it against
// the budget and goes on. An error after ctx is cancelled is not recorded.
type Oracle interface {
	Query(ctx context.Context, a searchspace.Arch) (Evaluation, error)
	// Queries is the number of Query calls so far.
	Queries() int
}

// TableOracle answers queries from a benchmark table: Value is one metric
// (the one a search may see), Report another (the one the literature
// reports). An architecture not in the table is an error wrapping
// searchspace.ErrNoSuchArch.
type TableOracle struct {
	table     *searchspace.Table
	metric    string
	report    string
	metricCol []float64
	reportCol []float64
	queries   atomic.Int64
}

// NewTableOracle returns an oracle that answers metric and records report
// ("" for none) for architectures of table, matched by their String.
func NewTableOracle(table *searchspace.Table, metric, report string) (*TableOracle, error) {
	if table == nil {
		return nil, fmt.Errorf("%w: nil table for the oracle", hypernas.ErrBadOption)
	}
	o := &TableOracle{table: table, metric: metric, report: report}
	var err error
	if o.metricCol, err = table.Column(metric); err != nil {
		return nil, fmt.Errorf("search: oracle metric: %w", err)
	}
	if report != "" {
		if o.reportCol, err = table.Column(report); err != nil {
			return nil, fmt.Errorf("search: oracle report metric: %w", err)
		}
	}
	return o, nil
}

// startQuery counts a query of a in queries and refuses it when ctx is
// done or a is nil.
func startQuery(ctx context.Context, a searchspace.Arch, queries *atomic.Int64) error {
	queries.Add(1)
	if err := ctx.Err(); err != nil {
		return err
	}
	if a == nil {
		return fmt.Errorf("%w: nil architecture", searchspace.ErrInvalidArch)
	}
	return nil
}

// Query looks a up in the table.
func (o *TableOracle) Query(ctx context.Context, a searchspace.Arch) (Evaluation, error) {
	if err := startQuery(ctx, a, &o.queries); err != nil {
		return Evaluation{}, err
	}
	i, ok := o.table.Row(a.String())
	if !ok {
		return Evaluation{}, fmt.Errorf("%w: oracle table has no %q", searchspace.ErrNoSuchArch, a.String())
	}
	ev := Evaluation{Value: o.metricCol[i], Report: math.NaN()}
	if o.reportCol != nil {
		ev.Report = o.reportCol[i]
	}
	return ev, nil
}

// Queries is the number of Query calls so far.
func (o *TableOracle) Queries() int { return int(o.queries.Load()) }

// Metric is the column the oracle answers.
func (o *TableOracle) Metric() string { return o.metric }

// ReportMetric is the recorded column ("" for none).
func (o *TableOracle) ReportMetric() string { return o.report }

// Best returns the table's best architecture string by the oracle metric
// and its value: what a search on this table hopes to find. ok is false
// for a table without rows or whose metric is NaN in every row.
func (o *TableOracle) Best() (arch string, value float64, ok bool) {
	best := -1
	for i, v := range o.metricCol {
		if !math.IsNaN(v) && (best < 0 || v > o.metricCol[best]) {
			best = i
		}
	}
	if best < 0 {
		return "", math.NaN(), false
	}
	arch, err := o.table.Arch(best)
	if err != nil {
		return "", math.NaN(), false
	}
	return arch, o.metricCol[best], true
}

// FuncOracle is an oracle backed by a user's function, typically one that
// trains the architecture and returns its validation accuracy.
type FuncOracle struct {
	f       func(context.Context, searchspace.Arch) (Evaluation, error)
	queries atomic.Int64
}

// NewFuncOracle wraps f; f must be safe for concurrent use if the oracle is
// shared between searches running at the same time.
func NewFuncOracle(f func(ctx context.Context, a searchspace.Arch) (Evaluation, error)) (*FuncOracle, error) {
	if f == nil {
		return nil, fmt.Errorf("%w: nil oracle function", hypernas.ErrBadOption)
	}
	return &FuncOracle{f: f}, nil
}

// Query calls the function; a NaN or infinite Value is an error, since a
// search cannot rank it.
func (o *FuncOracle) Query(ctx context.Context, a searchspace.Arch) (Evaluation, error) {
	o.queries.Add(1)
	if err := ctx.Err(); err != nil {
		return Evaluation{}, err
	}
	ev, err := o.f(ctx, a)
	if err != nil {
		return ev, err
	}
	if math.IsNaN(ev.Value) || math.IsInf(ev.Value, 0) {
		return ev, fmt.Errorf("search: oracle returned %v for %v", ev.Value, a)
	}
	return ev, nil
}

// Queries is the number of Query calls so far.
func (o *FuncOracle) Queries() int { return int(o.queries.Load()) }
