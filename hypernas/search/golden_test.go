package search

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/hypernas/go-hypernas/internal/fixture"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// queriesHash is a fingerprint of a search's queries in order.
func queriesHash(res *Result) string {
	var b strings.Builder
	for _, q := range res.Queries {
		fmt.Fprintf(&b, "%s %v %v %v %v;", q.Arch, q.Value, q.Cost, q.Failed, q.Best)
	}
	return fmt.Sprintf("%x", sha256.Sum256([]byte(b.String())))[:16]
}

// TestSearchSameAsBeforeStudies: Search runs as a loop over a Study, and
// gives, seed for seed, the queries that the searches written as loops of
// their own gave before studies existed (fingerprints recorded with that
// code): plain, constrained, on a candidate set, and with failing queries.
func TestSearchSameAsBeforeStudies(t *testing.T) {
	golden := []struct {
		strategy                        string
		seed                            uint64
		plain, constrained, cands, nans string
	}{
		{"random", 0, "a4b8fc161905f23a", "5cad50ede9b44aee", "63969e0ba1357bda", "7648665cff82b58e"},
		{"random", 1, "2be809f3de03913e", "662640de869ab086", "8deb0c48fe965aed", "10cc2b95321ec568"},
		{"random", 2, "07b51855a1a826af", "e14d7b73e7e6fb87", "eeb5a734250daec0", "e39fa4caab141420"},
		{"evolution", 0, "82c564da5a519240", "63ba0ad4d3438a9b", "7bc3c4732ac3237c", "4f4e157f264ffcf6"},
		{"evolution", 1, "db2490da0c25d5df", "9f14a3ae45cb5afa", "4b77d9ca5c742651", "3be0e3c0a8b21d0c"},
		{"evolution", 2, "78331bac7736e773", "a27c43c3f036eb50", "88bc401f45a4dd2b", "47fb2e9e56f15825"},
		{"predictor-evolution", 0, "91093c04f6f3b692", "14fbe3afdd9e58f3", "d5912c4cb8d92423", "913166708231e72b"},
		{"predictor-evolution", 1, "e1123468e7800d71", "0cef37bc3ba0f03b", "31b739f7cf8e3fba", "91a7fb8dfb0c5ff5"},
		{"predictor-evolution", 2, "1353e1aec50c41de", "6e658bcd1d2eded5", "d405cd988e39d306", "4397ddb281d2e805"},
		{"predictor-iterative", 0, "1d00c3fdef0c7cda", "8e58ae529312a68c", "1aed1a220b3272db", "05547ce416bf6064"},
		{"predictor-iterative", 1, "c7aad0508ca15a15", "b3f0694c5d1eaa67", "4bc2ba803a90b4ba", "144e5d2140968033"},
		{"predictor-iterative", 2, "a52f888cadd34085", "09c257e81e1889a7", "4ae4d9d2709b163b", "0ac84e95d37ccaf4"},
	}
	space := nasbench201.New()
	prob := newAdditive(11)
	cands := fixture.SampleArchs(space, 60, 5)
	strategies := map[string]Strategy{}
	for _, s := range testStrategies() {
		strategies[s.Name()] = s
	}
	ctx := context.Background()
	for _, g := range golden {
		t.Run(fmt.Sprintf("%s/%d", g.strategy, g.seed), func(t *testing.T) {
			s := strategies[g.strategy]
			res, err := s.Search(ctx, space, prob.oracle(), 40, WithSeed(g.seed))
			require.NoError(t, err)
			assert.Equal(t, g.plain, queriesHash(res), "plain")
			res, err = s.Search(ctx, space, prob.oracle(), 30, WithSeed(g.seed), WithCost("convs", convCount), WithMaxCost(3))
			require.NoError(t, err)
			assert.Equal(t, g.constrained, queriesHash(res), "constrained")
			res, err = s.Search(ctx, space, prob.oracle(), 100, WithSeed(g.seed), WithCandidates(cands))
			require.NoError(t, err)
			assert.Equal(t, g.cands, queriesHash(res), "candidates")
			n := 0
			flaky := funcOracle(func(_ context.Context, a searchspace.Arch) (Evaluation, error) {
				n++
				if n%4 == 3 {
					return Evaluation{Value: math.NaN()}, nil
				}
				return Evaluation{Value: prob.value(a)}, nil
			})
			res, err = s.Search(ctx, space, flaky, 30, WithSeed(g.seed))
			require.NoError(t, err)
			assert.Equal(t, g.nans, queriesHash(res), "failing queries")
		})
	}
}
