package pareto

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var nan, inf = math.NaN(), math.Inf(1)

// bruteRanks peels fronts by the definition: a point's rank is the number
// of peels before no remaining point dominates it. NaN points get the rank
// after the last.
func bruteRanks(points [][]float64) []int {
	rank := make([]int, len(points))
	left := map[int]bool{}
	for i, p := range points {
		if slices.ContainsFunc(p, math.IsNaN) {
			rank[i] = -1
		} else {
			left[i] = true
		}
	}
	r := 0
	for ; len(left) > 0; r++ {
		var front []int
		for i := range left {
			dominated := false
			for j := range left {
				if Dominates(points[j], points[i]) {
					dominated = true
					break
				}
			}
			if !dominated {
				front = append(front, i)
			}
		}
		for _, i := range front {
			rank[i] = r
			delete(left, i)
		}
	}
	for i := range rank {
		if rank[i] < 0 {
			rank[i] = r
		}
	}
	return rank
}

func TestDominates(t *testing.T) {
	tests := []struct {
		a, b []float64
		want bool
	}{
		{[]float64{1, 1}, []float64{2, 2}, true},
		{[]float64{1, 2}, []float64{1, 3}, true},
		{[]float64{1, 2}, []float64{1, 2}, false},
		{[]float64{1, 3}, []float64{2, 2}, false},
		{[]float64{1}, []float64{2, 2}, false},
		{[]float64{1, nan}, []float64{2, 2}, false},
		{[]float64{1, 1}, []float64{2, nan}, false},
		{[]float64{-inf, 0}, []float64{0, 0}, true},
		{[]float64{math.Copysign(0, -1)}, []float64{0}, false},
		{nil, nil, false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, Dominates(tc.a, tc.b), "%v vs %v", tc.a, tc.b)
	}
}

func TestFrontAndRanks(t *testing.T) {
	tests := []struct {
		name   string
		points [][]float64
		front  []int
		ranks  []int
	}{
		{"empty", nil, nil, []int{}},
		{"one", [][]float64{{1, 1}}, []int{0}, []int{0}},
		// hypernas search cases, as (cost, −value)
		{"chain", [][]float64{{10, -90}, {5, -80}, {20, -95}, {12, -85}, {6, -70}}, []int{1, 0, 2}, []int{0, 0, 0, 1, 1}},
		{"same value, lower cost wins", [][]float64{{10, -90}, {8, -90}}, []int{1}, []int{1, 0}},
		{"same cost, higher value wins", [][]float64{{10, -90}, {10, -91}}, []int{1}, []int{1, 0}},
		{"duplicates both kept", [][]float64{{10, -90}, {10, -90}, {12, -80}}, []int{0, 1}, []int{0, 0, 1}},
		{"NaN left out", [][]float64{{1, nan}, {10, -90}, {nan, -95}}, []int{1}, []int{1, 0, 1}},
		{"three fronts", [][]float64{{3, -3}, {3, -2}, {3, -1}, {4, -3}}, []int{0}, []int{0, 1, 2, 1}},
		{"all NaN", [][]float64{{nan, 1}, {1, nan}}, nil, []int{0, 0}},
		// −Inf in the second objective, equal: the lower first objective wins
		{"infinities", [][]float64{{1, -inf}, {2, -inf}, {inf, -inf}, {0, inf}}, []int{3, 0}, []int{0, 1, 2, 0}},
		{"signed zeros tie", [][]float64{{math.Copysign(0, -1), 1}, {0, 1}}, []int{0, 1}, []int{0, 0}},
		{"one objective", [][]float64{{3}, {1}, {2}, {1}}, []int{1, 3}, []int{2, 0, 1, 0}},
		{"three objectives", [][]float64{{1, 2, 3}, {1, 2, 4}, {3, 2, 1}, {2, 2, 2}, {2, 3, 2}, {0, 9, 9}}, []int{5, 0, 3, 2}, []int{0, 1, 0, 0, 1, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			front, err := Front(tc.points)
			require.NoError(t, err)
			assert.Equal(t, tc.front, front)
			ranks, err := Ranks(tc.points)
			require.NoError(t, err)
			assert.Equal(t, tc.ranks, ranks)
			assert.Equal(t, bruteRanks(tc.points), ranks)
		})
	}
}

func TestBadShapes(t *testing.T) {
	for _, pts := range [][][]float64{{{1, 2}, {1}}, {{}}, {{1}, {}}, {{1, 2}, nil}} {
		_, err := Front(pts)
		assert.Error(t, err, "%v", pts)
		_, err = Ranks(pts)
		assert.Error(t, err, "%v", pts)
	}
}

// TestAgainstDefinition compares Front and Ranks with the definition on
// random points with many ties, some NaN and infinities, for 1 to 4
// objectives.
func TestAgainstDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	levels := []float64{-inf, 0, 1, 2, 3, inf}
	for trial := range 400 {
		m := 1 + trial%4
		n := rng.IntN(40)
		pts := make([][]float64, n)
		for i := range pts {
			pts[i] = make([]float64, m)
			for k := range pts[i] {
				pts[i][k] = levels[rng.IntN(len(levels))]
				if rng.IntN(60) == 0 {
					pts[i][k] = nan
				}
			}
		}
		want := bruteRanks(pts)
		ranks, err := Ranks(pts)
		require.NoError(t, err)
		require.Equal(t, want, ranks, "m=%d points %v", m, pts)
		front, err := Front(pts)
		require.NoError(t, err)
		var wantFront []int
		for i, r := range want {
			if r == 0 && !slices.ContainsFunc(pts[i], math.IsNaN) {
				wantFront = append(wantFront, i)
			}
		}
		got := slices.Clone(front)
		slices.Sort(got)
		require.Equal(t, wantFront, got, "m=%d points %v", m, pts)
		require.True(t, slices.IsSortedFunc(front, func(a, b int) int {
			if c := slices.Compare(pts[a], pts[b]); c != 0 {
				return c
			}
			return a - b
		}), "front in lexicographic order")
	}
}

func BenchmarkRanks(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, m := range []int{2, 3} {
		pts := make([][]float64, 2000)
		for i := range pts {
			pts[i] = make([]float64, m)
			for k := range pts[i] {
				pts[i][k] = rng.Float64()
			}
		}
		b.Run(map[int]string{2: "2 objectives", 3: "3 objectives"}[m], func(b *testing.B) {
			for b.Loop() {
				if _, err := Ranks(pts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
