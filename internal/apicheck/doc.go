// Package apicheck supports the tests that hold this module's packages to
// their contract that no exported function or method panics, whatever its
// arguments: Exported lists what a package exports, so that a test can
// check that its table of calls with bad arguments leaves nothing out, and
// Call runs one such call, turning a panic into a test failure's error.
//
// The common case, in a package's probe test:
//
//	calls := map[string]func() error{"NewBatch": func() error { _, err := NewBatch(Shape{}, -1); return err }}
//	apicheck.Run(t, ".", calls) // every exported name probed, none panics, each returns an error
package apicheck
