package hypernas

import (
	"fmt"
	"math"
	"sort"
)

// checkLabels refuses labels that cannot train a ranking: too few, of
// another length than the architectures, not finite, or all equal.
func checkLabels(archs, labels int, y []float64) error {
	if archs != labels {
		return fmt.Errorf("%w: %d architectures, %d labels", ErrBadLabels, archs, labels)
	}
	if labels < 2 {
		return fmt.Errorf("%w: need at least 2 labelled architectures, got %d", ErrBadLabels, labels)
	}
	equal := true
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: label %d is %v", ErrBadLabels, i, v)
		}
		equal = equal && v == y[0]
	}
	if equal {
		return fmt.Errorf("%w: all %d labels are equal (%v): there is nothing to rank", ErrBadLabels, labels, y[0])
	}
	return nil
}

// trainingTargets returns the targets the model trains on and the affine
// map (mean, std) that takes the model's output back to the labels' scale:
// the rank-Gauss transform (Options.RankLabels), z-scores
// (Options.Normalize) or the labels themselves.
func trainingTargets(o Options, labels []float64) (y []float64, mean, std float64, err error) {
	mean, std = 0, 1
	if o.Normalize || o.RankLabels {
		if mean, std, err = labelScale(labels); err != nil {
			return nil, 0, 0, err
		}
	}
	if o.RankLabels {
		return rankGauss(labels), mean, std, nil
	}
	y = make([]float64, len(labels))
	for i, v := range labels {
		y[i] = (v - mean) / std
	}
	return y, mean, std, nil
}

// TrainingTargets is the label transform every model of the library trains
// on, for models other than the GCN (the baselines of hypernas/baseline) to
// share it: it checks the labels (ErrBadLabels: fewer than two, NaN or
// infinite, all equal) and returns the targets — the rank-Gauss transform
// Φ⁻¹((rank − ½)/n) with rank true (see WithRankLabels), else z-scores —
// and the map back to the labels' scale, label ≈ mean + std·target.
func TrainingTargets(labels []float64, rank bool) (y []float64, mean, std float64, err error) {
	if err := checkLabels(len(labels), len(labels), labels); err != nil {
		return nil, 0, 0, err
	}
	return trainingTargets(Options{RankLabels: rank, Normalize: true}, labels)
}

// labelScale is the mean and standard deviation of the labels (std 1 when
// they are all equal). Labels so large that their squares overflow are
// scaled first, so that a label of 1e200 gives finite statistics instead of
// infinite predictions.
func labelScale(x []float64) (mean, std float64, err error) {
	mean, std = meanStd(x)
	if math.IsInf(mean, 0) || math.IsInf(std, 0) || math.IsNaN(mean) || math.IsNaN(std) {
		s := 0.0
		for _, v := range x {
			s = max(s, math.Abs(v))
		}
		scaled := make([]float64, len(x))
		for i, v := range x {
			scaled[i] = v / s
		}
		m, sd := meanStd(scaled)
		mean, std = m*s, sd*s
	}
	if math.IsInf(mean, 0) || math.IsInf(std, 0) || math.IsNaN(mean) || math.IsNaN(std) {
		return 0, 0, fmt.Errorf("%w: the labels' mean (%v) or spread (%v) is not a finite number", ErrBadLabels, mean, std)
	}
	if std == 0 {
		std = 1
	}
	return mean, std, nil
}

// rankGauss maps values to the standard normal quantiles of their ranks,
// Φ⁻¹((r − ½)/n) with r the 1-based rank, ties given their mean rank.
func rankGauss(v []float64) []float64 {
	n := len(v)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	out := make([]float64, n)
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && v[idx[hi]] == v[idx[lo]] {
			hi++
		}
		r := float64(lo+hi+1) / 2 // mean 1-based rank of the tie group
		q := math.Sqrt2 * math.Erfinv(2*(r-0.5)/float64(n)-1)
		for _, i := range idx[lo:hi] {
			out[i] = q
		}
		lo = hi
	}
	return out
}

func meanStd(x []float64) (float64, float64) {
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
