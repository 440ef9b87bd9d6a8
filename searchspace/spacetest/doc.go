// Package spacetest checks that a searchspace.SearchSpace keeps the
// contract the rest of go-hypernas relies on, as testing/fstest.TestFS does
// for an fs.FS. Every built-in space runs it; run it on a space of your own
// in one line:
//
//	func TestSpace(t *testing.T) {
//		spacetest.Check(t, myspace.New())
//	}
//
// Check draws architectures with Sample and checks, for each: that Validate
// accepts it; that Parse(String()) gives it back; that Encode and EncodeCell
// return well-formed graphs (searchspace.ValidateSequence and
// searchspace.ValidateCell: node types within OpNames, node counts within
// MaxNodes or MaxCellNodes, NumFeatures features, forward edges), the same
// ones on every call, and the same ones from several goroutines at once (the
// predictor encodes concurrently: run the test with -race); that the
// sequence length stays within MaxUnits for a searchspace.VariableDepth
// space and is the same for every architecture otherwise; and that Mutate
// returns a valid, different architecture, the same one for the same seed.
// It checks that Sample depends on its seed and on nothing else; that Parse
// of malformed text (empty, truncated, junk bytes, very long) returns an
// error wrapping searchspace.ErrParse or searchspace.ErrInvalidArch and
// never panics; that Validate, Mutate, Encode and EncodeCell of a foreign or
// nil Arch return an error; and, for a searchspace.Enumerable space, that
// All yields Size unique, valid architectures with indices 0 … Size-1;
// for a searchspace.Computable space, that its declaration of what its
// operations compute fits the space (searchspace.PrimitivesOf).
//
// Every failure names the architecture's string and what to change in the
// space (a method, or a declaration such as MaxNodes or MaxUnits). Options
// set the number of samples (WithSamples), the seed (WithSeed) and how much
// of an enumeration to walk (WithMaxEnumerate).
package spacetest
