package metrics

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Reference values: unless marked "scipy", computed by hand from the tau-b
// definition (scipy is not installed here). The "scipy" ones are the expected
// values in scipy's own test suite (scipy/stats/tests/test_stats.py,
// test_kendalltau), cross-checked there against R and Kendall (1970).
func TestKendallTauKnownValues(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		want float64
		tol  float64
	}{
		{
			// scipy, with ties; by hand: S=-4, 8 pairs untied in x, 9 in y.
			name: "scipy ties R cross-check",
			x:    []float64{12, 2, 1, 12, 2},
			y:    []float64{1, 4, 7, 1, 0},
			want: -0.47140452079103173,
			tol:  1e-15,
		},
		{
			// scipy, Kendall (1970) example, given there to 8 digits.
			name: "scipy Kendall 1970 ties",
			x:    []float64{1, 2, 2, 4, 4, 6, 6, 8, 9, 9},
			y:    []float64{1, 2, 4, 4, 4, 4, 8, 8, 8, 10},
			want: 0.85895569,
			tol:  5e-9,
		},
		{
			// scipy: arange(10) against itself with y[1], y[2] swapped,
			// one discordant pair of 45: 43/45.
			name: "scipy one swap",
			x:    []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
			y:    []float64{0, 2, 1, 3, 4, 5, 6, 7, 8, 9},
			want: 0.9555555555555556,
			tol:  1e-15,
		},
		{
			// scipy: 1.0 for identical inputs with ties.
			name: "identical with ties",
			x:    []float64{1, 1, 2},
			y:    []float64{1, 1, 2},
			want: 1,
			tol:  0,
		},
		{
			name: "reversed",
			x:    []float64{1, 2, 3, 4},
			y:    []float64{4, 3, 2, 1},
			want: -1,
			tol:  0,
		},
		{
			// By hand: pairs (01)+ (02)+ (12)- ; S=1, n0=3: 1/3.
			name: "three",
			x:    []float64{1, 2, 3},
			y:    []float64{1, 3, 2},
			want: 1.0 / 3,
			tol:  1e-15,
		},
		{
			// By hand: x has one tied pair (0,1); pairs 02 +, 12 +, 03 +,
			// 13 +, 23 -, S=3; untied x pairs 5, untied y pairs 6:
			// 3/sqrt(30).
			name: "tie in x only",
			x:    []float64{1, 1, 2, 3},
			y:    []float64{1, 2, 4, 3},
			want: 3 / math.Sqrt(30),
			tol:  1e-15,
		},
		{
			name: "two elements",
			x:    []float64{1, 2},
			y:    []float64{5, -1},
			want: -1,
			tol:  0,
		},
		{
			name: "infinities are values",
			x:    []float64{math.Inf(-1), 0, math.Inf(1)},
			y:    []float64{-1, 0, 1},
			want: 1,
			tol:  0,
		},
		{
			name: "signed zeros tie",
			x:    []float64{math.Copysign(0, -1), 0, 1},
			y:    []float64{1, 2, 3},
			want: 2 / math.Sqrt(6),
			tol:  1e-15,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := KendallTau(tc.x, tc.y)
			require.NoError(t, err)
			assert.InDelta(t, tc.want, got, tc.tol)
			naive, err := KendallTauNaive(tc.x, tc.y)
			require.NoError(t, err)
			assert.InDelta(t, tc.want, naive, tc.tol)
		})
	}
}

func TestCorrelationErrors(t *testing.T) {
	tests := []struct {
		name    string
		x, y    []float64
		wantErr error
		msg     string
	}{
		{"length mismatch", []float64{1, 2, 3}, []float64{1, 2}, ErrLengthMismatch, "len(x)=3, len(y)=2"},
		{"empty", nil, nil, ErrTooFew, "0 elements"},
		{"one element", []float64{1}, []float64{1}, ErrTooFew, "1 elements"},
		{"NaN in x", []float64{1, math.NaN(), 3}, []float64{1, 2, 3}, ErrNaN, "x[1]"},
		{"NaN in y", []float64{1, 2, 3}, []float64{1, 2, math.NaN()}, ErrNaN, "y[2]"},
		{"both constant", []float64{2, 2, 2}, []float64{2, 2, 2}, ErrConstant, "all 3 values of x are 2"},
		{"x constant", []float64{2, 2, 2}, []float64{2, 0, 2}, ErrConstant, "values of x"},
		{"y constant", []float64{2, 0, 2}, []float64{5, 5, 5}, ErrConstant, "all 3 values of y are 5"},
		{"signed zeros constant", []float64{math.Copysign(0, -1), 0}, []float64{1, 2}, ErrConstant, "values of x"},
	}
	funcs := map[string]func(x, y []float64) (float64, error){
		"KendallTau": KendallTau, "KendallTauNaive": KendallTauNaive, "SpearmanRho": SpearmanRho,
	}
	for _, tc := range tests {
		for fname, f := range funcs {
			t.Run(fname+"/"+tc.name, func(t *testing.T) {
				got, err := f(tc.x, tc.y)
				require.ErrorIs(t, err, tc.wantErr)
				assert.Contains(t, err.Error(), tc.msg)
				assert.True(t, math.IsNaN(got), "an error comes with NaN, got %v", got)
			})
		}
	}
}

// randomVector draws n values: from `levels` distinct levels when levels > 0
// (heavy ties), else continuous.
func randomVector(rng *rand.Rand, n, levels int) []float64 {
	v := make([]float64, n)
	for i := range v {
		if levels > 0 {
			v[i] = float64(rng.IntN(levels))
		} else {
			v[i] = rng.NormFloat64()
		}
	}
	return v
}

func TestKendallTauMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Level 1 (a constant vector) once in seven draws, so the ErrConstant
	// path is covered without crowding out the rest.
	levels := []int{0, 0, 1, 2, 3, 5, 20}
	checked, constant := 0, 0
	for n := 2; n <= 300; n++ {
		for rep := 0; rep < 3; rep++ {
			lx := levels[rng.IntN(len(levels))]
			ly := levels[rng.IntN(len(levels))]
			x := randomVector(rng, n, lx)
			y := randomVector(rng, n, ly)
			if rep == 2 {
				// Correlated, so values far from 0 are covered too.
				for i := range y {
					y[i] = x[i] + 0.3*y[i]
				}
			}
			want, errNaive := KendallTauNaive(x, y)
			got, err := KendallTau(x, y)
			if errors.Is(errNaive, ErrConstant) {
				require.ErrorIs(t, err, ErrConstant, "n=%d lx=%d ly=%d", n, lx, ly)
				constant++
				continue
			}
			require.NoError(t, errNaive)
			require.NoError(t, err)
			require.InDelta(t, want, got, 1e-12, "n=%d lx=%d ly=%d", n, lx, ly)
			// Symmetry and sign flip are properties of tau, not of the code.
			swapped, err := KendallTau(y, x)
			require.NoError(t, err)
			require.InDelta(t, got, swapped, 1e-12)
			neg := make([]float64, n)
			for i := range y {
				neg[i] = -y[i]
			}
			flipped, err := KendallTau(x, neg)
			require.NoError(t, err)
			require.InDelta(t, -got, flipped, 1e-12)
			checked++
		}
	}
	t.Logf("%d random cases checked, %d with a constant input", checked, constant)
	require.Greater(t, checked, 600)
	require.Greater(t, constant, 0)
}

func TestKendallTauDoesNotModifyInput(t *testing.T) {
	x := []float64{3, 1, 2, 2}
	y := []float64{1, 3, 2, 0}
	x0, y0 := slices.Clone(x), slices.Clone(y)
	_, err := KendallTau(x, y)
	require.NoError(t, err)
	_, err = SpearmanRho(x, y)
	require.NoError(t, err)
	_ = Ranks(x)
	assert.Equal(t, x0, x)
	assert.Equal(t, y0, y)
}

// n = 500,000 gives n(n-1)/2 ≈ 1.25e11 pairs, past int32, and a full reversal
// has that many inversions.
func TestKendallTauLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large input; skipped with -short")
	}
	const n = 500_000
	x := make([]float64, n)
	rev := make([]float64, n)
	for i := range x {
		x[i] = float64(i)
		rev[i] = float64(n - i)
	}
	tau, err := KendallTau(x, x)
	require.NoError(t, err)
	assert.Equal(t, 1.0, tau)
	tau, err = KendallTau(x, rev)
	require.NoError(t, err)
	assert.Equal(t, -1.0, tau)
	// Two levels in x (halves) against a reversal: every pair across the
	// halves is discordant, (n/2)² of them; the pairs inside a half are tied
	// in x. tau-b = -(n/2)² / sqrt((n/2)² · n(n-1)/2).
	half := make([]float64, n)
	for i := n / 2; i < n; i++ {
		half[i] = 1
	}
	tau, err = KendallTau(half, rev)
	require.NoError(t, err)
	h := float64(n / 2)
	assert.InDelta(t, -h*h/math.Sqrt(h*h*float64(n)*float64(n-1)/2), tau, 1e-12)
}

func TestSortCountInversions(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 31, 32, 33, 64, 65, 100, 257, 1000} {
		for _, levels := range []int{0, 3} {
			a := randomVector(rng, n, levels)
			var want int64
			for i := range a {
				for j := i + 1; j < n; j++ {
					if a[i] > a[j] {
						want++
					}
				}
			}
			sorted := slices.Clone(a)
			slices.Sort(sorted)
			got := sortCountInversions(a, make([]float64, n))
			assert.Equal(t, want, got, "n=%d levels=%d", n, levels)
			assert.Equal(t, sorted, a, "n=%d levels=%d", n, levels)
		}
	}
}

// FuzzKendallTau checks KendallTau against the O(n²) definition on arbitrary
// small inputs; bytes are mapped to few levels so ties are common.
func FuzzKendallTau(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6})
	f.Add([]byte{0, 0, 0, 1, 1, 1, 2, 2})
	f.Add([]byte{7, 7, 7, 7})
	f.Fuzz(func(t *testing.T, b []byte) {
		n := len(b) / 2
		if n > 200 {
			n = 200
		}
		x := make([]float64, n)
		y := make([]float64, n)
		for i := 0; i < n; i++ {
			x[i] = float64(b[2*i] % 7)
			y[i] = float64(b[2*i+1]) - 100
		}
		want, errNaive := KendallTauNaive(x, y)
		got, err := KendallTau(x, y)
		if (err == nil) != (errNaive == nil) {
			t.Fatalf("errors differ: %v vs naive %v", err, errNaive)
		}
		if err != nil {
			return
		}
		if math.Abs(want-got) > 1e-12 {
			t.Fatalf("x=%v y=%v: got %v, naive %v", x, y, got, want)
		}
	})
}

// benchData returns n true accuracies with NAS-benchmark-like ties (two
// decimals) and predictions correlated with them.
func benchData(n int) (pred, truth []float64) {
	rng := rand.New(rand.NewPCG(42, 42))
	pred = make([]float64, n)
	truth = make([]float64, n)
	for i := range truth {
		truth[i] = math.Round((90+3*rng.NormFloat64())*100) / 100
		pred[i] = truth[i] + 2*rng.NormFloat64()
	}
	return pred, truth
}

func BenchmarkKendallTau(b *testing.B) {
	for _, n := range []int{15625, 423624} {
		pred, truth := benchData(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := KendallTau(pred, truth); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkKendallTauNaive(b *testing.B) {
	pred, truth := benchData(15625)
	for b.Loop() {
		if _, err := KendallTauNaive(pred, truth); err != nil {
			b.Fatal(err)
		}
	}
}
