// Package datadir finds a benchmark data folder for the module's tests:
// the folder that holds nasbench201/, nasbench101/, darts/, transnas101/
// and cifar10/ with the benchmarks' own files. No test needs one (the
// tables are built into the module, in the …data packages); the tests that
// check the built-in tables against the files call Dir, which skips them
// when there is none:
//
//	b, err := nasbench201.LoadBenchmark(datadir.Dir(t)) // compared with nb201data.LoadBenchmark()
//
// The loaders' own tests make small data folders with WriteFile, and
// folders that every loader must refuse with BadDirs.
package datadir
