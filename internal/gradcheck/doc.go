// Package gradcheck compares Gorgonia's symbolic gradients with central
// finite differences. Upstream Gorgonia is unmaintained, so the tests of
// this module check every op pattern the model uses this way, custom ops
// included.
//
// The common case, in a test of a float64 graph whose inputs bind sets:
//
//	res, err := gradcheck.Check(g, cost, learnables, 12, 1e-6, rng, bind)
//	require.NoError(t, err)
//	assert.Less(t, res.MaxRelError, 1e-5, res.Worst)
package gradcheck
