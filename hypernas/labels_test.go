package hypernas

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRankGauss(t *testing.T) {
	cases := []struct {
		in, want []float64
	}{
		{[]float64{3, 1, 2, 4}, []float64{0.318639, -1.150349, -0.318639, 1.150349}},
		{[]float64{1, 1, 2}, []float64{-0.430727, -0.430727, 0.967422}},
		// A failed run far below the rest only takes the lowest rank.
		{[]float64{0.91, 0.095, 0.93, 0.92}, []float64{-0.318639, -1.150349, 1.150349, 0.318639}},
		{[]float64{5}, []float64{0}},
	}
	for _, c := range cases {
		assert.InDeltaSlice(t, c.want, rankGauss(c.in), 1e-5, "%v", c.in)
	}
}
