package packed_test

import (
	"bytes"
	"fmt"

	"github.com/hypernas/go-hypernas/internal/packed"
)

func Example() {
	acc := []float64{93.66, 85.86333333333334, 91.6067}
	var buf bytes.Buffer
	err := packed.Encode(&buf, packed.Table{
		Keys:    []string{"a", "b", "c"},
		Columns: []packed.Column{{Name: "acc", Values: acc}, {Name: "index", Values: []float64{0, 1, 2}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := packed.Decode(buf.Bytes())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Keys, t.Columns[0].Values, t.Columns[1].Values)
	// Output:
	// [a b c] [93.66 85.86333333333334 91.6067] [0 1 2]
}
