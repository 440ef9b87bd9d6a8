// Package graphs allocates the unit graphs of the built-in spaces'
// encodings.
package graphs
