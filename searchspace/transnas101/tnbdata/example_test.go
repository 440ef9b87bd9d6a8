package tnbdata_test

import (
	"fmt"

	"github.com/hypernas/go-hypernas/searchspace/transnas101"
	"github.com/hypernas/go-hypernas/searchspace/transnas101/tnbdata"
)

func Example() {
	macro, err := tnbdata.LoadMacro()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, task := range transnas101.Tasks[:2] {
		acc, err := macro.Labels(transnas101.Metric(task), nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		best := 0
		for i, a := range acc {
			if a > acc[best] {
				best = i
			}
		}
		fmt.Printf("%s: best %s, %.2f\n", task, macro.Archs[best], acc[best])
	}
	// Output:
	// class_scene: best 64-224131-basic, 57.41
	// class_object: best 64-22231-basic, 47.42
}
