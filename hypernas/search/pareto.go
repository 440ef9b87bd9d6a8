package search

import (
	"fmt"
	"math"
	"sort"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/internal/pareto"
)

// objectives turns (value to maximise, cost to minimise) pairs into the
// minimised objective vectors (cost, −value) of package pareto.
func objectives(values, costs []float64) ([][]float64, error) {
	if len(values) != len(costs) {
		return nil, fmt.Errorf("%w: %d values and %d costs", hypernas.ErrBadOption, len(values), len(costs))
	}
	pts := make([][]float64, len(values))
	for i := range pts {
		pts[i] = []float64{costs[i], -values[i]}
	}
	return pts, nil
}

// ParetoFront returns the indices of the points (values[i] to maximise,
// costs[i] to minimise) that no other point dominates, in order of
// increasing cost (then decreasing value, then index). Equal points are
// all kept; points with a NaN are left out. It runs in O(n log n).
func ParetoFront(values, costs []float64) ([]int, error) {
	pts, err := objectives(values, costs)
	if err != nil || len(pts) == 0 {
		return nil, err
	}
	return pareto.Front(pts)
}

// ParetoRanks returns each point's non-dominated rank: 0 for the Pareto
// front, 1 for the front of what is left, and so on (NSGA-II's
// non-dominated sorting). Points with a NaN get the rank after the last.
func ParetoRanks(values, costs []float64) ([]int, error) {
	pts, err := objectives(values, costs)
	if err != nil || len(pts) == 0 {
		return []int{}, err
	}
	return pareto.Ranks(pts)
}

// paretoOrder returns up to need indices of the points without NaN, by
// non-dominated rank and within a rank by decreasing value (then index):
// the order in which a multi-objective search takes candidates.
func paretoOrder(values, costs []float64, need int) ([]int, error) {
	ranks, err := ParetoRanks(values, costs)
	if err != nil {
		return nil, err
	}
	idx := make([]int, 0, len(values))
	for i := range values {
		if !math.IsNaN(values[i]) && !math.IsNaN(costs[i]) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		if ranks[i] != ranks[j] {
			return ranks[i] < ranks[j]
		}
		return values[i] > values[j]
	})
	return idx[:min(need, len(idx))], nil
}
