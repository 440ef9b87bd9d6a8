// Package probe holds what the built-in spaces' probe tests share: odd
// arguments (out-of-range indices, data folders that are not data folders,
// nil and zero receivers) and the checks that each call with them returns
// an error, never panics.
//
//	probe.Run(t, map[string]func(){
//		"indices": func() { probe.OutOfRange(t, nasbench201.ArchAt, nasbench201.Size) },
//		"loaders": func() { probe.BadDirs(t, nasbench201.LoadBenchmark) },
//	})
package probe
