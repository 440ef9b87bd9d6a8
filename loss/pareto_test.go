package loss

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func epochsOf(ps []EpochLosses) []int {
	var e []int
	for _, p := range ps {
		e = append(e, p.Epoch)
	}
	return e
}

func TestParetoFront(t *testing.T) {
	var p ParetoTracker // the zero value is ready
	assert.Empty(t, p.Front())
	_, ok := p.Best(0)
	assert.False(t, ok)
	pts := [][]float64{
		{3, 3},     // 0: dominated by 2
		{2, 4},     // 1: dominated by 3
		{2.5, 2.5}, // 2
		{2, 3.5},   // 3
		{3, 2.5},   // 4: dominated by 2 (equal in one task)
		{2.5, 2.5}, // 5: equal to 2, neither dominates
		{1, 5},     // 6
		{math.Inf(1), 0.1},
	}
	for e, l := range pts {
		require.NoError(t, p.Add(e, l...))
	}
	assert.Equal(t, len(pts), p.Len())
	assert.Equal(t, []int{2, 3, 5, 6, 7}, epochsOf(p.Front()))
	assert.Equal(t, []float64{2, 4}, p.Points()[1].Losses)

	best, ok := p.Best(0)
	require.True(t, ok)
	assert.Equal(t, 6, best.Epoch)
	best, ok = p.Best(1)
	require.True(t, ok)
	assert.Equal(t, 7, best.Epoch)
	_, ok = p.Best(2)
	assert.False(t, ok)

	// returned points are copies
	p.Points()[2].Losses[0] = 100
	p.Front()[0].Losses[0] = 100
	assert.Equal(t, []float64{2.5, 2.5}, p.Points()[2].Losses)
}

func TestParetoThreeTasks(t *testing.T) {
	var p ParetoTracker
	pts := [][]float64{
		{1, 2, 3}, // 0
		{1, 2, 4}, // 1: dominated by 0
		{3, 2, 1}, // 2
		{2, 2, 2}, // 3
		{2, 3, 2}, // 4: dominated by 3
		{0, 9, 9}, // 5
	}
	for e, l := range pts {
		require.NoError(t, p.Add(10+e, l...))
	}
	assert.Equal(t, []int{10, 12, 13, 15}, epochsOf(p.Front()))
	best, ok := p.Best(2)
	require.True(t, ok)
	assert.Equal(t, 12, best.Epoch)
}

func TestParetoErrors(t *testing.T) {
	var p ParetoTracker
	assert.Error(t, p.Add(0))
	assert.Error(t, p.Add(0, 1, math.NaN()))
	require.NoError(t, p.Add(0, 1, 2))
	assert.Error(t, p.Add(1, 1, 2, 3))
	assert.Error(t, p.Add(1, 1))
	assert.Equal(t, 1, p.Len(), "rejected points are not recorded")
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
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, EpochLosses{Losses: tc.a}.Dominates(EpochLosses{Losses: tc.b}), "%v vs %v", tc.a, tc.b)
	}
}
