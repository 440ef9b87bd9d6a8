package baseline

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/hypernas/go-hypernas/searchspace"
)

// Forest is a random forest of regression trees (Breiman 2001) on the flat
// features of a space (Features): every tree grows on a bootstrap sample of
// the training set, each split chooses the best of a random MaxFeatures
// share of the features by the reduction of squared error, and the forest
// predicts the mean of its trees. Splits are searched over at most 64
// candidate thresholds per feature (the distinct training values, or their
// quantiles), which the flat features, counts and one-hot bits, rarely
// exceed. The same seed gives the same forest, whatever the number of
// workers.
type Forest struct {
	feat *Features
	o    Options
	seed uint64

	trees   [][]treeNode
	sc      scale
	trained bool
}

// treeNode is a split (x[feature] ≤ thr goes to left, else right) or, with
// feature −1, a leaf predicting value.
type treeNode struct {
	feature     int32
	left, right int32
	thr, value  float64
}

// maxBins bounds the candidate thresholds of a feature.
const maxBins = 64

// NewForest returns an untrained random forest for a space whose random
// choices follow seed. Options read: WithTrees, WithMinLeaf,
// WithMaxFeatures, WithRankLabels, WithWorkers.
func NewForest(space searchspace.SearchSpace, seed uint64, opts ...Option) (*Forest, error) {
	o, err := options(opts)
	if err != nil {
		return nil, err
	}
	feat, err := NewFeatures(space)
	if err != nil {
		return nil, err
	}
	return &Forest{feat: feat, o: o, seed: seed}, nil
}

// ForestModel is the Spec of NewForest.
func ForestModel(space searchspace.SearchSpace, opts ...Option) Spec {
	return Spec{Name: "forest", New: func(seed uint64) (Model, error) { return NewForest(space, seed, opts...) }}
}

// binned is the training set of a forest: every varying feature's
// thresholds and every sample's bin per feature (bin b holds the values in
// (thr[b−1], thr[b]]).
type binned struct {
	n    int
	feat []int       // the varying features
	thr  [][]float64 // per kept feature, increasing thresholds
	bins [][]uint8   // per kept feature, per sample
	y    []float64
}

func binFeatures(x []float64, n, d int, y []float64) *binned {
	b := &binned{n: n, y: y}
	vals := make([]float64, n)
	for j := range d {
		for i := range n {
			vals[i] = x[i*d+j]
		}
		slices.Sort(vals)
		distinct := slices.Compact(slices.Clone(vals))
		if len(distinct) < 2 {
			continue
		}
		var thr []float64
		if len(distinct) <= maxBins {
			for k := 1; k < len(distinct); k++ {
				thr = append(thr, (distinct[k-1]+distinct[k])/2)
			}
		} else {
			for q := 1; q < maxBins; q++ {
				i := q * n / maxBins
				if i == 0 || vals[i-1] == vals[i] {
					continue
				}
				if t := (vals[i-1] + vals[i]) / 2; len(thr) == 0 || t > thr[len(thr)-1] {
					thr = append(thr, t)
				}
			}
			if len(thr) == 0 {
				continue
			}
		}
		col := make([]uint8, n)
		for i := range n {
			col[i] = uint8(sort.SearchFloat64s(thr, x[i*d+j]))
		}
		b.feat, b.thr, b.bins = append(b.feat, j), append(b.thr, thr), append(b.bins, col)
	}
	return b
}

// Fit grows the forest on labelled architectures.
func (f *Forest) Fit(ctx context.Context, archs []searchspace.Arch, labels []float64) error {
	x, y, sc, err := trainingData(ctx, f.feat, archs, labels, f.o.RankLabels)
	if err != nil {
		return err
	}
	data := binFeatures(x, len(archs), f.feat.Dim(), y)
	trees := make([][]treeNode, f.o.Trees)
	workers := f.o.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(workers, len(trees)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := newGrower(data, f.o)
			for t := range next {
				trees[t] = g.grow(rand.New(rand.NewPCG(f.seed, uint64(t))))
			}
		}()
	}
	var cerr error
	for t := range trees {
		if cerr = ctx.Err(); cerr != nil {
			break
		}
		next <- t
	}
	close(next)
	wg.Wait()
	if cerr != nil {
		return cerr
	}
	f.trees, f.sc, f.trained = trees, sc, true
	return nil
}

// grower grows trees on one training set, reusing its buffers.
type grower struct {
	d        *binned
	o        Options
	w        []float64 // bootstrap weight per sample
	idx      []int32   // samples in the bootstrap, partitioned node by node
	feats    []int     // kept-feature indices, shuffled per node
	cnt, sum [maxBins]float64
}

func newGrower(d *binned, o Options) *grower {
	g := &grower{d: d, o: o, w: make([]float64, d.n), feats: make([]int, len(d.feat))}
	for k := range g.feats {
		g.feats[k] = k
	}
	return g
}

type span struct {
	lo, hi int
	node   int32
}

func (g *grower) grow(rng *rand.Rand) []treeNode {
	d := g.d
	clear(g.w)
	for range d.n {
		g.w[rng.IntN(d.n)]++
	}
	g.idx = g.idx[:0]
	for i, w := range g.w {
		if w > 0 {
			g.idx = append(g.idx, int32(i))
		}
	}
	for k := range g.feats { // the same order for every tree, whichever grower grows it
		g.feats[k] = k
	}
	mtry := max(1, int(math.Ceil(g.o.MaxFeatures*float64(len(d.feat)))))
	minLeaf := float64(g.o.MinLeaf)
	nodes := []treeNode{{feature: -1}}
	stack := []span{{0, len(g.idx), 0}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		W, S, SS := 0.0, 0.0, 0.0
		for _, i := range g.idx[s.lo:s.hi] {
			w, y := g.w[i], d.y[i]
			W, S, SS = W+w, S+w*y, SS+w*y*y
		}
		nodes[s.node].value = S / W
		if W < 2*minLeaf || SS-S*S/W <= 1e-12*W {
			continue
		}
		bestGain, bestK, bestBin := S*S/W+1e-12, -1, 0
		for m := range min(mtry, len(g.feats)) {
			r := m + rng.IntN(len(g.feats)-m)
			g.feats[m], g.feats[r] = g.feats[r], g.feats[m]
			k := g.feats[m]
			nb := len(d.thr[k]) + 1
			clear(g.cnt[:nb])
			clear(g.sum[:nb])
			col := d.bins[k]
			for _, i := range g.idx[s.lo:s.hi] {
				b := col[i]
				g.cnt[b] += g.w[i]
				g.sum[b] += g.w[i] * d.y[i]
			}
			wl, sl := 0.0, 0.0
			for b := 0; b < nb-1; b++ {
				wl, sl = wl+g.cnt[b], sl+g.sum[b]
				wr := W - wl
				if wl < minLeaf {
					continue
				}
				if wr < minLeaf {
					break
				}
				sr := S - sl
				if gain := sl*sl/wl + sr*sr/wr; gain > bestGain {
					bestGain, bestK, bestBin = gain, k, b
				}
			}
		}
		if bestK < 0 {
			continue
		}
		// Partition: bins ≤ bestBin to the left.
		col, lo, hi := d.bins[bestK], s.lo, s.hi
		for lo < hi {
			if int(col[g.idx[lo]]) <= bestBin {
				lo++
			} else {
				hi--
				g.idx[lo], g.idx[hi] = g.idx[hi], g.idx[lo]
			}
		}
		l, r := int32(len(nodes)), int32(len(nodes)+1)
		nodes[s.node].feature, nodes[s.node].thr = int32(d.feat[bestK]), d.thr[bestK][bestBin]
		nodes[s.node].left, nodes[s.node].right = l, r
		nodes = append(nodes, treeNode{feature: -1}, treeNode{feature: -1})
		stack = append(stack, span{s.lo, lo, l}, span{lo, s.hi, r})
	}
	return nodes
}

// Predict scores architectures: the mean of the trees' predictions.
func (f *Forest) Predict(ctx context.Context, archs []searchspace.Arch) ([]float64, error) {
	return predictRows(ctx, f.feat, f.trained, f.sc, archs, func(row []float64) float64 {
		s := 0.0
		for _, t := range f.trees {
			n := int32(0)
			for t[n].feature >= 0 {
				if row[t[n].feature] <= t[n].thr {
					n = t[n].left
				} else {
					n = t[n].right
				}
			}
			s += t[n].value
		}
		return s / float64(len(f.trees))
	})
}
