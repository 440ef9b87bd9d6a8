// Package archtype unwraps a searchspace.Arch into a space's own
// architecture type, the first step of every built-in space's Validate,
// Mutate, Encode and EncodeCell.
package archtype
