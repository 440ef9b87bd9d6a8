package graphs

import "github.com/hypernas/go-hypernas/searchspace"

// New allocates a graph of n nodes with no edges, every op 0, and
// numFeatures zero features per node (none, and nil Features, when
// numFeatures is 0). The adjacency and the features each use one backing
// array, to keep encodings of many units cheap; every row is capped so that
// appending to it cannot overwrite the next.
func New(n, numFeatures int) searchspace.Graph {
	cells := make([]bool, n*n)
	adj := make([][]bool, n)
	for i := range adj {
		adj[i] = cells[i*n : (i+1)*n : (i+1)*n]
	}
	g := searchspace.Graph{Ops: make([]int, n), Adj: adj}
	if numFeatures > 0 {
		f := make([]float64, n*numFeatures)
		g.Features = make([][]float64, n)
		for i := range g.Features {
			g.Features[i] = f[i*numFeatures : (i+1)*numFeatures : (i+1)*numFeatures]
		}
	}
	return g
}

// Wire sets the edges of g, each a (from, to) pair.
func Wire(g searchspace.Graph, edges ...[2]int) {
	for _, e := range edges {
		g.Adj[e[0]][e[1]] = true
	}
}

// Edges lists the edges of g as (from, to) pairs, by source then target.
func Edges(g searchspace.Graph) [][2]int {
	var out [][2]int
	for i, row := range g.Adj {
		for j, e := range row {
			if e {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}
