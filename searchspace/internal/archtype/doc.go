// Package archtype unwraps a searchspace.Arch into a space's own
// architecture type, the first step of every built-in space's Validate,
// Mutate, Encode and EncodeCell, and holds the rest of the glue between a
// space package's functions and its searchspace.SearchSpace methods: Parse
// from the package's parser, Mutate from its mutation, All from its
// numbering.
package archtype
