package search

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStudyAskTellIsSearch: a hand-written ask/tell loop gives the queries
// of Search, seed for seed, for every strategy.
func TestStudyAskTellIsSearch(t *testing.T) {
	space := nasbench201.New()
	prob := newAdditive(6)
	ctx := context.Background()
	for _, s := range testStrategies() {
		t.Run(s.Name(), func(t *testing.T) {
			want, err := s.Search(ctx, space, prob.oracle(), 30, WithSeed(4))
			require.NoError(t, err)
			st, err := NewStudy(ctx, s, space, 30, WithSeed(4))
			require.NoError(t, err)
			defer st.Close()
			for {
				tr, err := st.Ask(ctx)
				if errors.Is(err, ErrStudyDone) {
					break
				}
				require.NoError(t, err)
				v := prob.value(tr.Arch)
				q, err := st.Tell(ctx, tr, Evaluation{Value: v, Report: 2 * v}, nil)
				require.NoError(t, err)
				assert.Equal(t, tr.Number, q.Number)
				assert.Equal(t, v, q.Value)
			}
			assert.Equal(t, queriesHash(want), queriesHash(st.Result()))
		})
	}
}

// TestStudyAskPending: trials out are known to the strategy, so asks
// without tells never repeat an architecture; a predictor strategy waits
// (ErrPending) for its initial queries before its first fit, and the study
// is done only when every trial is told.
func TestStudyAskPending(t *testing.T) {
	ctx := context.Background()
	space := nasbench201.New()
	st, err := NewStudy(ctx, must(NewRandom()), space, 50, WithSeed(1))
	require.NoError(t, err)
	seen := map[string]bool{}
	var out []Trial
	for range 50 {
		tr, err := st.Ask(ctx)
		require.NoError(t, err)
		assert.False(t, seen[tr.Arch.String()], "handed out twice: %s", tr.Arch)
		seen[tr.Arch.String()] = true
		out = append(out, tr)
	}
	_, err = st.Ask(ctx)
	require.ErrorIs(t, err, ErrPending, "budget handed out, results pending")
	for i, tr := range out {
		_, err := st.Tell(ctx, tr, Evaluation{Value: float64(i)}, nil)
		require.NoError(t, err)
	}
	_, err = st.Ask(ctx)
	require.ErrorIs(t, err, ErrStudyDone)
	assert.Len(t, st.Result().Queries, 50)

	pe, err := NewStudy(ctx, must(NewPredictorEvolution(tinyPredictor(), WithInitial(5))), space, 20, WithSeed(1))
	require.NoError(t, err)
	var first []Trial
	for range 5 {
		tr, err := pe.Ask(ctx)
		require.NoError(t, err)
		first = append(first, tr)
	}
	_, err = pe.Ask(ctx)
	require.ErrorIs(t, err, ErrPending, "the first fit waits for the initial queries")
	for _, tr := range first {
		_, err := pe.Tell(ctx, tr, Evaluation{Value: newAdditive(1).value(tr.Arch)}, nil)
		require.NoError(t, err)
	}
	tr, err := pe.Ask(ctx)
	require.NoError(t, err)
	assert.Equal(t, 5, tr.Number)

	// A cancelled evaluation is handed back and asked again.
	_, err = pe.Tell(ctx, tr, Evaluation{}, context.Canceled)
	require.ErrorIs(t, err, context.Canceled)
	again, err := pe.Ask(ctx)
	require.NoError(t, err)
	assert.Equal(t, tr.Number, again.Number)
	assert.Equal(t, tr.Arch.String(), again.Arch.String())
	_, err = pe.Tell(ctx, Trial{Study: "other"}, Evaluation{}, nil)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
}

// TestStudyParallel: with several workers every strategy spends the budget
// exactly, never evaluates an architecture twice, and evaluates several at
// once.
func TestStudyParallel(t *testing.T) {
	space := nasbench201.New()
	prob := newAdditive(7)
	for _, s := range testStrategies() {
		t.Run(s.Name(), func(t *testing.T) {
			var running, most atomic.Int64
			o := funcOracle(func(_ context.Context, a searchspace.Arch) (Evaluation, error) {
				n := running.Add(1)
				defer running.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(3 * time.Millisecond)
				v := prob.value(a)
				return Evaluation{Value: v, Report: 2 * v}, nil
			})
			res, err := s.Search(context.Background(), space, o, 40, WithSeed(2), WithWorkers(4))
			require.NoError(t, err)
			require.Len(t, res.Queries, 40)
			checkResult(t, res, o, 40)
			numbers := map[int]bool{}
			for _, q := range res.Queries {
				numbers[q.Number] = true
			}
			assert.Len(t, numbers, 40, "trial numbers 0…39, each once")
			assert.Greater(t, most.Load(), int64(1), "evaluations overlapped")
		})
	}
}

// TestStudyResume: a search stopped part-way resumes from its storage:
// the told queries are kept, nothing is evaluated twice, and the budget
// counts both runs.
func TestStudyResume(t *testing.T) {
	space := nasbench201.New()
	prob := newAdditive(8)
	for _, s := range testStrategies() {
		t.Run(s.Name(), func(t *testing.T) {
			store := NewMemoryStorage()
			ctx, cancel := context.WithCancel(context.Background())
			stop := WithProgress(func(p Progress) {
				if p.Queries == 17 {
					cancel()
				}
			})
			var mu sync.Mutex
			evaluated := map[string]int{}
			o := funcOracle(func(ctx context.Context, a searchspace.Arch) (Evaluation, error) {
				mu.Lock()
				evaluated[a.String()]++
				mu.Unlock()
				return Evaluation{Value: prob.value(a)}, nil
			})
			first, err := s.Search(ctx, space, o, 40, WithSeed(3), WithStorage(store, "run"), WithWorkers(2), stop)
			require.ErrorIs(t, err, context.Canceled)
			require.GreaterOrEqual(t, len(first.Queries), 17)
			res, err := s.Search(context.Background(), space, o, 40, WithSeed(3), WithStorage(store, "run"), WithWorkers(2))
			require.NoError(t, err)
			require.Len(t, res.Queries, 40)
			for i, q := range first.Queries {
				assert.Equal(t, q.Arch.String(), res.Queries[i].Arch.String(), "told query %d kept", i)
			}
			for a, n := range evaluated {
				assert.Equal(t, 1, n, "%s evaluated %d times", a, n)
			}
			assert.Len(t, evaluated, 40)

			_, err = s.Search(context.Background(), space, o, 50, WithSeed(3), WithStorage(store, "run"))
			require.ErrorIs(t, err, ErrStudyMismatch)
			assert.ErrorContains(t, err, "budget 40 (this search: 50)")
		})
	}
}

// TestWorkMemory: Work serves a study on the same storage while Run
// coordinates with no workers of its own.
func TestWorkMemory(t *testing.T) {
	ctx := context.Background()
	space := nasbench201.New()
	prob := newAdditive(9)
	store := NewMemoryStorage()
	st, err := NewStudy(ctx, must(NewEvolution(WithPopulation(5), WithTournament(2))), space, 30, WithStorage(store, "w"), WithWorkers(0))
	require.NoError(t, err)
	var wg sync.WaitGroup
	var n int
	var werr error
	wg.Go(func() { n, werr = Work(ctx, store, "w", space, prob.oracle()) })
	// The memory storage has no other processes: Run must have workers.
	_, err = st.Run(ctx, prob.oracle())
	require.NoError(t, err, "a caller-provided memory storage may be served by Work")
	wg.Wait()
	require.NoError(t, werr)
	assert.Equal(t, 30, n)
	assert.Len(t, st.Result().Queries, 30)
}

func TestStudyBadArguments(t *testing.T) {
	ctx := context.Background()
	space := nasbench201.New()
	_, err := NewStudy(ctx, nil, space, 10)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = NewStudy(ctx, must(NewRandom()), space, 0)
	assert.ErrorIs(t, err, ErrBudget)
	_, err = NewStudy(ctx, must(NewRandom()), space, 10, WithStorage(NewMemoryStorage(), ""))
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = NewStudy(ctx, must(NewRandom()), space, 10, WithWorkers(-1))
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	st, err := NewStudy(ctx, must(NewRandom()), space, 10, WithWorkers(0))
	require.NoError(t, err)
	_, err = st.Run(ctx, newAdditive(1).oracle())
	assert.ErrorIs(t, err, hypernas.ErrBadOption, "no workers on a study no other process can reach")
	var nilStudy *Study
	_, err = nilStudy.Ask(ctx)
	assert.Error(t, err)
	_, err = Work(ctx, nil, "x", space, newAdditive(1).oracle())
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	_, err = Work(ctx, NewMemoryStorage(), "x", nasbench201.New(), nil)
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	assert.Equal(t, "study", st.Name())
}

// BenchmarkStudyAskTell measures the bookkeeping of one ask and one tell
// (random search in memory, a free oracle): the overhead a study adds to
// every query.
func BenchmarkStudyAskTell(b *testing.B) {
	ctx := context.Background()
	st, err := NewStudy(ctx, must(NewRandom()), nasbench201.New(), b.N+1)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr, err := st.Ask(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Tell(ctx, tr, Evaluation{Value: float64(i)}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
