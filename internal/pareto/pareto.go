package pareto

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
)

// Dominates reports whether a is no worse than b in every objective and
// better in at least one (all objectives minimised). Vectors of different
// lengths, or with a NaN, never dominate nor are dominated.
func Dominates(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	better := false
	for i, x := range a {
		y := b[i]
		switch {
		case math.IsNaN(x) || math.IsNaN(y) || x > y:
			return false
		case x < y:
			better = true
		}
	}
	return better
}

// Front returns the indices of the points that no other point dominates,
// ordered by their objectives lexicographically (the first objective
// ascending, then the second, …), then by index. Points with a NaN are left
// out. It fails if the points do not all have the same number (≥ 1) of
// objectives.
func Front(points [][]float64) ([]int, error) {
	idx, err := comparable(points)
	if err != nil {
		return nil, err
	}
	sortLex(points, idx)
	if m := dims(points); m <= 2 {
		return sweep(points, idx, m), nil
	}
	var front []int
	for _, i := range idx {
		if !dominatedIn(points, idx, i) {
			front = append(front, i)
		}
	}
	return front, nil
}

// Ranks returns each point's non-dominated rank: 0 for the points of the
// Pareto front, 1 for the front of the points that are left, and so on
// (NSGA-II's non-dominated sorting). Points with a NaN get the rank after
// the last. It fails as Front does.
func Ranks(points [][]float64) ([]int, error) {
	idx, err := comparable(points)
	if err != nil {
		return nil, err
	}
	rank := make([]int, len(points))
	sortLex(points, idx)
	var fronts int
	if m := dims(points); m <= 2 {
		fronts = ranks2(points, idx, m, rank)
	} else {
		fronts = ranksN(points, idx, rank)
	}
	in := make([]bool, len(points))
	for _, i := range idx {
		in[i] = true
	}
	for i := range rank {
		if !in[i] {
			rank[i] = fronts
		}
	}
	return rank, nil
}

// comparable checks the shape of points and returns the indices of the
// points without a NaN.
func comparable(points [][]float64) ([]int, error) {
	idx := make([]int, 0, len(points))
	for i, p := range points {
		if len(p) == 0 || len(p) != len(points[0]) {
			return nil, fmt.Errorf("pareto: point %d has %d objectives, point 0 has %d (need the same number ≥ 1)", i, len(p), len(points[0]))
		}
		if !slices.ContainsFunc(p, math.IsNaN) {
			idx = append(idx, i)
		}
	}
	return idx, nil
}

func dims(points [][]float64) int {
	if len(points) == 0 {
		return 0
	}
	return len(points[0])
}

// sortLex sorts idx by the points' objectives lexicographically, then by
// index. A point can be dominated only by points before it in this order.
func sortLex(points [][]float64, idx []int) {
	slices.SortFunc(idx, func(a, b int) int {
		if c := slices.Compare(points[a], points[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
}

// at returns objective k of point i, 0 for a missing second objective, so
// that the two-objective code serves one objective too.
func at(points [][]float64, i, k int) float64 {
	if k < len(points[i]) {
		return points[i][k]
	}
	return 0
}

// best is the point of a set, taken in lexicographic order, with the least
// second objective, the earliest among ties (so the least first objective
// among them): a point later in the order is dominated by some member of
// the set exactly when best dominates it.
type best struct{ o0, o1 float64 }

// dominates reports whether b dominates a point (o0, o1) that comes later
// in lexicographic order, so that b.o0 ≤ o0.
func (b best) dominates(o0, o1 float64) bool { return b.o1 < o1 || (b.o1 == o1 && b.o0 < o0) }

// sweep is Front for m ≤ 2 objectives over idx in lexicographic order.
func sweep(points [][]float64, idx []int, m int) []int {
	var front []int
	var b best
	for n, i := range idx {
		o0, o1 := at(points, i, 0), at(points, i, 1)
		if n > 0 && b.dominates(o0, o1) {
			continue
		}
		front = append(front, i)
		if n == 0 || o1 < b.o1 {
			b = best{o0, o1}
		}
	}
	return front
}

// ranks2 is Ranks for m ≤ 2 objectives over idx in lexicographic order. A
// point p's rank is that of the first front whose best point does not
// dominate it. The fronts whose best dominates p are a prefix: if front k's
// best dominates p, a point of front k−1 dominated that best when it was
// placed, so it dominates p, and then front k−1's best dominates p too. A
// binary search finds the end of the prefix. It returns the number of
// fronts.
func ranks2(points [][]float64, idx []int, m int, rank []int) int {
	var fronts []best
	for _, i := range idx {
		o0, o1 := at(points, i, 0), at(points, i, 1)
		k := sort.Search(len(fronts), func(k int) bool { return !fronts[k].dominates(o0, o1) })
		rank[i] = k
		switch {
		case k == len(fronts):
			fronts = append(fronts, best{o0, o1})
		case o1 < fronts[k].o1:
			fronts[k] = best{o0, o1}
		}
	}
	return len(fronts)
}

// dominatedIn reports whether a point of idx before i dominates i; idx is
// in lexicographic order.
func dominatedIn(points [][]float64, idx []int, i int) bool {
	for _, j := range idx {
		if j == i {
			return false
		}
		if Dominates(points[j], points[i]) {
			return true
		}
	}
	return false
}

// ranksN is Ranks for m > 2 objectives: Deb et al.'s fast non-dominated
// sort, O(m·n²). It returns the number of fronts.
func ranksN(points [][]float64, idx []int, rank []int) int {
	n := len(idx)
	count := make([]int, n)       // how many points dominate idx[a]
	dominated := make([][]int, n) // positions a dominates
	for a := 0; a < n; a++ {
		for b := a + 1; b < n; b++ { // only earlier points can dominate later ones
			if Dominates(points[idx[a]], points[idx[b]]) {
				dominated[a] = append(dominated[a], b)
				count[b]++
			}
		}
	}
	var cur []int
	for a := range n {
		if count[a] == 0 {
			cur = append(cur, a)
		}
	}
	r := 0
	for ; len(cur) > 0; r++ {
		var next []int
		for _, a := range cur {
			rank[idx[a]] = r
			for _, b := range dominated[a] {
				if count[b]--; count[b] == 0 {
					next = append(next, b)
				}
			}
		}
		cur = next
	}
	return r
}
