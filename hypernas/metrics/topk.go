package metrics

import (
	"fmt"
	"math"
)

// PrecisionAtK returns the fraction of the true top k (the k largest truth
// values) that are also in the predicted top k (the k largest pred values):
// |top_k(pred) ∩ top_k(truth)| / k.
//
// Ties at the edge of a top k are broken by index, the lower index first, so
// the result is deterministic: with truth = [5, 5, 1] the true top 1 is
// element 0.
//
// Errors: ErrLengthMismatch, ErrNaN, ErrBadK (k < 1 or k > n); with an
// error the value is NaN.
func PrecisionAtK(pred, truth []float64, k int) (float64, error) {
	if err := checkTopK(pred, truth, k); err != nil {
		return math.NaN(), err
	}
	inTruth := make([]bool, len(truth))
	for _, i := range topK(truth, k) {
		inTruth[i] = true
	}
	hits := 0
	for _, i := range topK(pred, k) {
		if inTruth[i] {
			hits++
		}
	}
	return float64(hits) / float64(k), nil
}

// BestInPredictedTopK returns the largest truth value among the k elements
// with the largest pred values: the best accuracy a NAS run finds if it
// trains only the predictor's top k architectures. Ties in pred are broken by
// index as in PrecisionAtK.
//
// Errors: ErrLengthMismatch, ErrNaN, ErrBadK (k < 1 or k > n); with an
// error the value is NaN.
func BestInPredictedTopK(pred, truth []float64, k int) (float64, error) {
	if err := checkTopK(pred, truth, k); err != nil {
		return math.NaN(), err
	}
	top := topK(pred, k)
	best := truth[top[0]]
	for _, i := range top[1:] {
		best = max(best, truth[i])
	}
	return best, nil
}

func checkTopK(pred, truth []float64, k int) error {
	if err := checkPair("pred", pred, "truth", truth, 0); err != nil {
		return err
	}
	if k < 1 || k > len(pred) {
		return fmt.Errorf("%w: k=%d, n=%d", ErrBadK, k, len(pred))
	}
	return nil
}

// topK returns the indices of the k largest values of v (1 <= k <= len(v),
// no NaN), in no particular order; among equal values lower indices win.
// A min-heap of the k best so far makes it O(n log k).
func topK(v []float64, k int) []int {
	// worse reports whether element a ranks below element b.
	worse := func(a, b int) bool {
		return v[a] < v[b] || (v[a] == v[b] && a > b)
	}
	h := make([]int, 0, k)
	down := func(i int) {
		for {
			m := i
			if l := 2*i + 1; l < len(h) && worse(h[l], h[m]) {
				m = l
			}
			if r := 2*i + 2; r < len(h) && worse(h[r], h[m]) {
				m = r
			}
			if m == i {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := range v {
		if len(h) < k {
			h = append(h, i)
			for c := len(h) - 1; c > 0; {
				p := (c - 1) / 2
				if !worse(h[c], h[p]) {
					break
				}
				h[c], h[p] = h[p], h[c]
				c = p
			}
			continue
		}
		// h[0] is the worst kept; i beats it only with a strictly larger
		// value, since on a tie its index is the larger.
		if worse(h[0], i) {
			h[0] = i
			down(0)
		}
	}
	return h
}
