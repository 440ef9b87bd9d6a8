// Package datadir finds the benchmark data folder for the module's tests:
// the folder that holds nasbench201/, nasbench101/, darts/ and
// transnas101/. Tests that need the data call Dir, which skips them when
// there is none:
//
//	b, err := nasbench201.LoadBenchmark(datadir.Dir(t))
package datadir
