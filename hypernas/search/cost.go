package search

import (
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

// CostFunc is a second objective, to be minimised (parameters, FLOPs,
// measured latency). It is assumed cheap next to an oracle query (a lookup
// table or a formula), so a search may call it on candidates it never
// queries, e.g. to drop those over a constraint before spending budget.
type CostFunc func(a searchspace.Arch) (float64, error)

// TableCost is a CostFunc that looks a metric up in a table keyed by
// architecture string, such as nasbench201.LoadLatency's "lat_pixel3".
func TableCost(table *searchspace.Table, metric string) (CostFunc, error) {
	if table == nil {
		return nil, fmt.Errorf("%w: nil cost table", hypernas.ErrBadOption)
	}
	col, err := table.Column(metric)
	if err != nil {
		return nil, fmt.Errorf("search: cost metric: %w", err)
	}
	return func(a searchspace.Arch) (float64, error) {
		if a == nil {
			return 0, fmt.Errorf("%w: nil architecture", searchspace.ErrInvalidArch)
		}
		i, ok := table.Row(a.String())
		if !ok {
			return 0, fmt.Errorf("%w: cost table has no %q", searchspace.ErrNoSuchArch, a.String())
		}
		return col[i], nil
	}, nil
}
