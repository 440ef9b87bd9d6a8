package fewshot_test

import (
	"fmt"

	"github.com/hypernas/go-hypernas/hypernas/fewshot"
)

// The split of the protocol: the same seed gives the same training rows,
// whatever the model.
func ExampleSplit() {
	train, rest, err := fewshot.Split(10, 3, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	again, _, _ := fewshot.Split(10, 3, 1)
	fmt.Println(len(train), len(rest), fmt.Sprint(train) == fmt.Sprint(again))
	// Output:
	// 3 7 true
}
