package metrics

import (
	"cmp"
	"math"
	"slices"
)

// KendallTau returns Kendall's tau-b rank correlation between x and y,
//
//	tau_b = (n_c - n_d) / sqrt((n_0 - n_1) (n_0 - n_2)),
//
// where n_c and n_d count concordant and discordant pairs, n_0 = n(n-1)/2,
// and n_1, n_2 count the pairs tied in x and in y. It gives the value of
// scipy.stats.kendalltau(x, y) (default variant 'b'), ties included, to
// within a few ulp.
//
// It runs in O(n log n) time with Knight's algorithm: sort the pairs by
// (x, y), count the pairs tied in x and tied in both, then merge-sort the y
// values, where every swap is one discordant pair, and count the pairs tied in
// y. Counters are int64, so n may run to millions.
//
// If all x or all y are equal, tau-b is 0/0; scipy returns NaN, this
// returns ErrConstant. Errors: ErrLengthMismatch, ErrTooFew (n < 2),
// ErrNaN, ErrConstant; with an error the value is NaN.
func KendallTau(x, y []float64) (float64, error) {
	if err := checkCorrelation(x, y); err != nil {
		return math.NaN(), err
	}
	n := len(x)
	p := make([]xy, n)
	for i := range x {
		p[i] = xy{x[i], y[i]}
	}
	slices.SortFunc(p, func(a, b xy) int {
		if c := cmp.Compare(a.x, b.x); c != 0 {
			return c
		}
		return cmp.Compare(a.y, b.y)
	})

	// Pairs tied in x (xTie) and tied in both (jointTie); within a run of
	// equal x the y values are sorted, so joint ties are runs inside runs.
	var xTie, jointTie int64
	for i := 0; i < n; {
		j := i + 1
		for j < n && p[j].x == p[i].x {
			j++
		}
		xTie += pairs(j - i)
		for k := i; k < j; {
			l := k + 1
			for l < j && p[l].y == p[k].y {
				l++
			}
			jointTie += pairs(l - k)
			k = l
		}
		i = j
	}

	ys := make([]float64, n)
	for i := range p {
		ys[i] = p[i].y
	}
	// Sorted by x, a pair i<j with y_i > y_j is discordant, and those are
	// exactly the inversions merge sort removes. Pairs tied in x are sorted
	// by y already, so they add none.
	dis := sortCountInversions(ys, make([]float64, n))

	var yTie int64
	for i := 0; i < n; {
		j := i + 1
		for j < n && ys[j] == ys[i] {
			j++
		}
		yTie += pairs(j - i)
		i = j
	}

	tot := pairs(n) // > xTie and > yTie: neither input is constant
	// n_c - n_d = (pairs tied in neither) - 2 n_d, and by inclusion-exclusion
	// pairs tied in neither = tot - xTie - yTie + jointTie.
	conMinusDis := tot - xTie - yTie + jointTie - 2*dis
	return tauB(conMinusDis, tot-xTie, tot-yTie), nil
}

// KendallTauNaive is KendallTau by its O(n²) definition, one pair at a time.
// It is the reference KendallTau is tested against; use KendallTau.
func KendallTauNaive(x, y []float64) (float64, error) {
	if err := checkCorrelation(x, y); err != nil {
		return math.NaN(), err
	}
	var s, untiedX, untiedY int64
	for i := range x {
		for j := i + 1; j < len(x); j++ {
			dx := int64(cmp.Compare(x[i], x[j]))
			dy := int64(cmp.Compare(y[i], y[j]))
			s += dx * dy
			untiedX += dx * dx
			untiedY += dy * dy
		}
	}
	return tauB(s, untiedX, untiedY), nil
}

// tauB is (n_c - n_d) / sqrt(untiedX · untiedY). scipy divides by the two
// square roots in turn; one root of the product (in float64, as the int64
// product can overflow) gives exactly ±1 for identical or reversed rankings
// with ties, where scipy may be 1 ulp off, and otherwise differs by at most
// a few ulp.
func tauB(conMinusDis, untiedX, untiedY int64) float64 {
	return clamp1(float64(conMinusDis) / math.Sqrt(float64(untiedX)*float64(untiedY)))
}

type xy struct{ x, y float64 }

// pairs returns m(m-1)/2, the number of unordered pairs among m items.
func pairs(m int) int64 {
	return int64(m) * int64(m-1) / 2
}

// insertionRun is the block length sorted by insertion sort before merging:
// short blocks sort faster that way, and each shift is one inversion.
const insertionRun = 32

// sortCountInversions sorts a ascending (bottom-up merge sort, using buf of
// the same length) and returns the number of pairs i<j with a[i] > a[j].
// Equal values are not inversions.
func sortCountInversions(a, buf []float64) int64 {
	n := len(a)
	var inv int64
	for lo := 0; lo < n; lo += insertionRun {
		hi := min(lo+insertionRun, n)
		for i := lo + 1; i < hi; i++ {
			v := a[i]
			j := i
			for j > lo && a[j-1] > v {
				a[j] = a[j-1]
				j--
			}
			a[j] = v
			inv += int64(i - j)
		}
	}
	src, dst := a, buf
	for width := insertionRun; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid := min(lo+width, n)
			hi := min(lo+2*width, n)
			if mid == hi || src[mid-1] <= src[mid] {
				// Already in order: no inversions across the halves.
				copy(dst[lo:hi], src[lo:hi])
				continue
			}
			i, j, k := lo, mid, lo
			for i < mid && j < hi {
				if src[j] < src[i] {
					// src[j] jumps over every element left in the left half.
					inv += int64(mid - i)
					dst[k] = src[j]
					j++
				} else {
					dst[k] = src[i]
					i++
				}
				k++
			}
			k += copy(dst[k:], src[i:mid])
			copy(dst[k:], src[j:hi])
		}
		src, dst = dst, src
	}
	if n > 0 && &src[0] != &a[0] {
		copy(a, src)
	}
	return inv
}
