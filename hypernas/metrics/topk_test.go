package metrics

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// topKFuncs are the metrics of the predicted top k.
var topKFuncs = map[string]func(pred, truth []float64, k int) (float64, error){
	"PrecisionAtK": PrecisionAtK, "BestInPredictedTopK": BestInPredictedTopK,
}

func TestTopKMetrics(t *testing.T) {
	tests := []struct {
		f, name     string
		pred, truth []float64
		k           int
		want        float64
	}{
		{"PrecisionAtK", "perfect", []float64{0.1, 0.9, 0.5, 0.3}, []float64{1, 9, 5, 3}, 2, 1},
		{"PrecisionAtK", "half", []float64{0.9, 0.1, 0.5, 0.3}, []float64{9, 1, 3, 5}, 2, 0.5},
		{"PrecisionAtK", "none", []float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, 2, 0},
		{"PrecisionAtK", "k = n", []float64{1, 2, 3}, []float64{3, 2, 1}, 3, 1},
		// Ties in truth: truth top 1 is index 0 (lower index wins), and pred
		// picks index 1.
		{"PrecisionAtK", "tie in truth, lower index wins", []float64{0, 1, 0}, []float64{5, 5, 1}, 1, 0},
		// Ties in pred: pred top 2 is {0, 1}, truth top 2 is {0, 2}.
		{"PrecisionAtK", "tie in pred, lower index wins", []float64{7, 7, 7}, []float64{3, 1, 2}, 2, 0.5},
		{"PrecisionAtK", "infinities are values", []float64{math.Inf(1), 0, math.Inf(-1)}, []float64{2, 1, 0}, 1, 1},
		{"BestInPredictedTopK", "finds best", []float64{0.1, 0.9, 0.5, 0.3}, []float64{1, 9, 5, 3}, 1, 9},
		{"BestInPredictedTopK", "misses best", []float64{0.9, 0.1, 0.5, 0.3}, []float64{4, 9, 5, 3}, 2, 5},
		{"BestInPredictedTopK", "k = n is the max", []float64{3, 2, 1}, []float64{-1, 7, 2}, 3, 7},
		{"BestInPredictedTopK", "tie in pred, lower index wins", []float64{1, 1}, []float64{2, 8}, 1, 2},
	}
	for _, tc := range tests {
		t.Run(tc.f+"/"+tc.name, func(t *testing.T) {
			got, err := topKFuncs[tc.f](tc.pred, tc.truth, tc.k)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestTopKErrors(t *testing.T) {
	tests := []struct {
		name        string
		pred, truth []float64
		k           int
		wantErr     error
		msg         string
	}{
		{"k zero", []float64{1, 2}, []float64{1, 2}, 0, ErrBadK, "k=0, n=2"},
		{"k negative", []float64{1, 2}, []float64{1, 2}, -1, ErrBadK, "k=-1"},
		{"k above n", []float64{1, 2}, []float64{1, 2}, 3, ErrBadK, "k=3, n=2"},
		{"empty", nil, nil, 1, ErrBadK, "n=0"},
		{"length mismatch", []float64{1, 2}, []float64{1}, 1, ErrLengthMismatch, "len(pred)=2, len(truth)=1"},
		{"NaN pred", []float64{math.NaN(), 2}, []float64{1, 2}, 1, ErrNaN, "pred[0]"},
		{"NaN truth", []float64{1, 2}, []float64{1, math.NaN()}, 1, ErrNaN, "truth[1]"},
	}
	for _, tc := range tests {
		for name, f := range topKFuncs {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				got, err := f(tc.pred, tc.truth, tc.k)
				require.ErrorIs(t, err, tc.wantErr)
				assert.Contains(t, err.Error(), tc.msg)
				assert.True(t, math.IsNaN(got), "an error comes with NaN, got %v", got)
			})
		}
	}
}

// topK (a heap) against a full sort by (value descending, index ascending).
func TestTopKMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := 1; n <= 120; n += 3 {
		for _, levels := range []int{0, 1, 3, 10} {
			v := randomVector(rng, n, levels)
			order := make([]int, n)
			for i := range order {
				order[i] = i
			}
			slices.SortFunc(order, func(a, b int) int {
				if c := cmp.Compare(v[b], v[a]); c != 0 {
					return c
				}
				return cmp.Compare(a, b)
			})
			for _, k := range []int{1, 2, n / 2, n} {
				if k < 1 || k > n {
					continue
				}
				got := topK(v, k)
				slices.Sort(got)
				want := slices.Clone(order[:k])
				slices.Sort(want)
				require.Equal(t, want, got, "n=%d levels=%d k=%d", n, levels, k)
			}
		}
	}
}

func BenchmarkPrecisionAtK(b *testing.B) {
	pred, truth := benchData(423624)
	for b.Loop() {
		if _, err := PrecisionAtK(pred, truth, 100); err != nil {
			b.Fatal(err)
		}
	}
}
