// Package nasbench101 is the NAS-Bench-101 search space: cells of up to 7
// vertices and 9 edges (a DAG from an input to an output vertex, every other
// vertex a conv3x3-bn-relu, conv1x1-bn-relu or maxpool3x3), stacked into a
// network of 3 stacks of 3 cells with a 2×2 max-pool between stacks. The
// space has 423,624 unique cells.
//
// The common case:
//
//	space := nasbench101.New()
//	bench, err := nb101data.LoadLabelled()      // 30,001 cells, built in (package nb101data); LoadLabelled(dir) reads a folder
//	cell, err := nasbench101.Parse("100101:I3MO") // input → conv3x3 → maxpool3x3 → output
//	seq, err := space.Encode(cell)                // 11 units: 3 cells, downsampling, 3 cells, downsampling, 3 cells
//
// The benchmark identifies a cell by its fingerprint (Cell.Fingerprint), a
// hash of the pruned graph that isomorphic cells share. A Cell is always
// pruned and in a canonical form, the numbering of its vertices whose text
// form is smallest, so isomorphic cells are equal values with equal strings
// and the string identifies a cell as the fingerprint does. NewCell builds a
// cell from an adjacency matrix and op list in any numbering, as the
// benchmark's ModelSpec takes them.
//
// The text form (Cell.String, Parse) is the upper triangle of the adjacency
// matrix row by row as bits, a colon, and one letter per vertex (I input,
// 1 conv1x1, 3 conv3x3, M maxpool3x3, O output): "100101:I3MO" has the
// edges 0→1, 1→2 and 2→3 of its 4 vertices.
//
// Space.All enumerates the space, every unique cell once in ascending order
// of fingerprint; it runs once per process (a few seconds on two cores) and
// is then cached. Space.Lookup finds a cell by fingerprint.
package nasbench101
