package searchspace_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
)

// A benchmark table from CSV: the key column and the numeric metrics.
func ExampleReadCSV() {
	csv := "arch,latency_ms,accuracy\nnet-a,3.5,91.2\nnet-b,1.25,88\n"
	t, err := searchspace.ReadCSV(strings.NewReader(csv), searchspace.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	acc, _ := t.Lookup("net-b", "accuracy")
	fmt.Println(t.Len(), t.Metrics(), acc)

	_, err = searchspace.ReadCSV(strings.NewReader("arch,accuracy\nnet-a,high\n"), searchspace.CSVOptions{})
	fmt.Println(err)
	// Output:
	// 2 [latency_ms accuracy] 88
	// parse error: line 2, column 2 (accuracy): "high" is not a finite number
}

// Every built-in parser reports a *searchspace.ParseError: where the
// problem is, what was found there and what was expected.
func ExampleParseError() {
	_, err := nasbench201.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~2|")
	var pe *searchspace.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Column(), pe.Found)
		fmt.Println(pe.Expected)
	}
	fmt.Println(errors.Is(err, searchspace.ErrParse))
	// Output:
	// 47 source "2"
	// source node 1 for edge 2 of node 2 (sources are listed 0..1 in increasing order)
	// true
}

// ValidateSequence checks an encoding against what its space declares; the
// predictor runs it on every encoding.
func ExampleValidateSequence() {
	space := nasbench201.New()
	a, _ := space.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")
	seq, _ := space.Encode(a)
	fmt.Println(searchspace.ValidateSequence(space, seq))

	seq[3].Ops[1] = 42 // not a node type of the space
	fmt.Println(searchspace.ValidateSequence(space, seq))
	// Output:
	// <nil>
	// nb201: Encode unit 3 of 17: invalid architecture: node 1 has op index 42, vocabulary has 10 ops (OpNames() has 10 entries: add the missing node type to OpNames, or fix the op index the encoding writes)
}
