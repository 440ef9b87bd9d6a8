package gradcheck

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestCheckBadArguments(t *testing.T) {
	g := G.NewGraph()
	x := G.NewScalar(g, tensor.Float64, G.WithName("x"), G.WithValue(1.0))
	x32 := G.NewScalar(g, tensor.Float32, G.WithName("x32"), G.WithValue(float32(1)))
	rng := rand.New(rand.NewPCG(1, 1))
	for name, f := range map[string]func() (Result, error){
		"nil graph":  func() (Result, error) { return Check(nil, x, G.Nodes{x}, 1, 1e-6, rng, nil) },
		"nil cost":   func() (Result, error) { return Check(g, nil, G.Nodes{x}, 1, 1e-6, rng, nil) },
		"no wrt":     func() (Result, error) { return Check(g, x, nil, 1, 1e-6, rng, nil) },
		"nil wrt":    func() (Result, error) { return Check(g, x, G.Nodes{nil}, 1, 1e-6, rng, nil) },
		"nil rng":    func() (Result, error) { return Check(g, x, G.Nodes{x}, 1, 1e-6, nil, nil) },
		"zero count": func() (Result, error) { return Check(g, x, G.Nodes{x}, 0, 1e-6, rng, nil) },
		"NaN step":   func() (Result, error) { return Check(g, x, G.Nodes{x}, 1, math.NaN(), rng, nil) },
		"float32":    func() (Result, error) { return Check(g, x32, G.Nodes{x32}, 1, 1e-6, rng, nil) },
		"not a scalar": func() (Result, error) {
			v := G.NewVector(g, tensor.Float64, G.WithShape(2), G.WithName("v"))
			return Check(g, v, G.Nodes{v}, 1, 1e-6, rng, nil)
		},
	} {
		assert.NotPanics(t, func() {
			_, err := f()
			assert.Error(t, err, name)
		}, name)
	}
}
