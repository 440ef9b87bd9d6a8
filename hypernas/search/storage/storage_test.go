package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/search"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// postgresEnv names the PostgreSQL database the tests may use (and empty
// between tests); .ci/postgres.sh starts a throwaway server and sets it.
const postgresEnv = "HYPERNAS_TEST_POSTGRES"

// locations returns the storages to test: a SQLite file, and PostgreSQL
// when postgresEnv is set.
func locations(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "studies.db")}
	if pg := os.Getenv(postgresEnv); pg != "" {
		resetPostgres(t, pg)
		out["postgres"] = pg
	}
	return out
}

// postgresOrSkip returns the PostgreSQL URL of the tests, or skips.
func postgresOrSkip(t *testing.T) string {
	t.Helper()
	pg := os.Getenv(postgresEnv)
	if pg == "" {
		t.Skipf("needs a PostgreSQL server: set %s=postgres://… (bash .ci/postgres.sh starts a throwaway one and runs these tests)", postgresEnv)
	}
	resetPostgres(t, pg)
	return pg
}

// resetPostgres drops the tables, so that each test starts empty.
func resetPostgres(t *testing.T, url string) {
	t.Helper()
	db, err := sql.Open("pgx", url)
	require.NoError(t, err)
	defer db.Close()
	for _, tab := range []string{"hypernas_trials", "hypernas_studies", "hypernas_sessions", "hypernas_meta"} {
		_, err := db.Exec("DROP TABLE IF EXISTS " + tab)
		require.NoError(t, err)
	}
}

func openT(t *testing.T, loc string, opts ...Option) search.Storage {
	t.Helper()
	s, err := Open(context.Background(), loc, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

var settings = map[string]string{"strategy": "random", "space": "nb201", "budget": "10", "seed": "1"}

// TestConformance holds every storage to the contract of search.Storage.
func TestConformance(t *testing.T) {
	locs := locations(t)
	locs["memory"] = "memory"
	for kind, loc := range locs {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			a := openT(t, loc)
			info, err := a.OpenStudy(ctx, "s1", settings)
			require.NoError(t, err)
			assert.Equal(t, "s1", info.Name)
			assert.False(t, info.Complete)
			require.NoError(t, a.Lock(ctx, "s1"))

			// Another study's settings are refused, naming the difference.
			other := map[string]string{"strategy": "random", "space": "nb201", "budget": "20", "seed": "1"}
			_, err = a.OpenStudy(ctx, "s1", other)
			require.ErrorIs(t, err, search.ErrStudyMismatch)
			assert.ErrorContains(t, err, "budget 10 (this search: 20)")

			for i, arch := range []string{"a", "b", "c"} {
				st := search.Queued
				if i == 2 {
					st = search.Running
				}
				require.NoError(t, a.Add(ctx, "s1", search.TrialRecord{Number: i, Arch: arch, State: st, Cost: math.NaN()}))
			}
			assert.Error(t, a.Add(ctx, "s1", search.TrialRecord{Number: 3, Arch: "a"}), "an architecture is a trial once")

			name, tr, ok, err := a.Claim(ctx, []string{"s1"})
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, "s1", name)
			assert.Equal(t, 0, tr.Number, "the oldest queued trial first")
			assert.Equal(t, search.Running, tr.State)

			rec, err := a.Finish(ctx, "s1", search.TrialRecord{Number: 0, State: search.Done,
				Eval: search.Evaluation{Value: 91.5, Report: math.NaN(), EvalCost: 2, Extra: map[string]any{"epochs": 200.0}}})
			require.NoError(t, err)
			assert.Equal(t, 1, rec.Told)
			again, err := a.Finish(ctx, "s1", search.TrialRecord{Number: 0, State: search.Failed, Error: "late"})
			require.NoError(t, err)
			assert.Equal(t, search.Done, again.State, "the first result stands")
			rec, err = a.Finish(ctx, "s1", search.TrialRecord{Number: 2, State: search.Failed, Eval: search.Evaluation{Value: math.NaN()}, Error: "crashed"})
			require.NoError(t, err)
			assert.Equal(t, 2, rec.Told)

			told, err := a.Told(ctx, "s1", 0)
			require.NoError(t, err)
			require.Len(t, told, 2)
			assert.Equal(t, []int{0, 2}, []int{told[0].Number, told[1].Number}, "told order")
			assert.Equal(t, 91.5, told[0].Eval.Value)
			assert.True(t, math.IsNaN(told[0].Eval.Report))
			assert.Equal(t, 2.0, told[0].Eval.EvalCost)
			assert.Equal(t, map[string]any{"epochs": 200.0}, told[0].Eval.Extra)
			assert.Equal(t, "crashed", told[1].Error)
			assert.True(t, math.IsNaN(told[1].Eval.Value))
			assert.LessOrEqual(t, told[0].Elapsed, told[1].Elapsed)
			later, err := a.Told(ctx, "s1", 1)
			require.NoError(t, err)
			assert.Len(t, later, 1)

			// Release hands a trial back; it is claimed again.
			_, tr, ok, err = a.Claim(ctx, []string{"s1"})
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, 1, tr.Number)
			require.NoError(t, a.Release(ctx, "s1", 1))
			_, tr, ok, err = a.Claim(ctx, []string{"s1"})
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, 1, tr.Number)
			assert.Equal(t, 2, tr.HandedOut)
			_, _, ok, err = a.Claim(ctx, []string{"s1"})
			require.NoError(t, err)
			assert.False(t, ok, "nothing queued")

			all, err := a.Trials(ctx, "s1")
			require.NoError(t, err)
			require.Len(t, all, 3)
			assert.Equal(t, "a", all[0].Arch)

			studies, err := a.Studies(ctx, "s1")
			require.NoError(t, err)
			require.Len(t, studies, 1)
			require.NoError(t, a.Complete(ctx, "s1"))
			studies, err = a.Studies(ctx, "s1")
			require.NoError(t, err)
			assert.True(t, studies[0].Complete)
			_, err = a.Trials(ctx, "nope")
			if kind == "memory" {
				assert.ErrorIs(t, err, search.ErrNoStudy)
			}
		})
	}
}

// TestTwoParticipants: a second coordinator of a live one's study is
// refused; once the first is closed (or dead) it takes over and the first
// one's writes are refused; a dead worker's trial is handed out again.
func TestTwoParticipants(t *testing.T) {
	for kind, loc := range locations(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			a := openT(t, loc, WithLease(time.Second))
			b := openT(t, loc, WithLease(time.Second))
			_, err := a.OpenStudy(ctx, "s", settings)
			require.NoError(t, err)
			_, err = b.OpenStudy(ctx, "s", settings)
			require.NoError(t, err)
			require.NoError(t, a.Lock(ctx, "s"))
			err = b.Lock(ctx, "s")
			require.ErrorIs(t, err, search.ErrStudyLocked)
			assert.ErrorContains(t, err, fmt.Sprintf("pid %d", os.Getpid()))

			require.NoError(t, a.Add(ctx, "s", search.TrialRecord{Number: 0, Arch: "x"}))
			// b works on the study and claims the trial, then dies
			// without a word: its heartbeats stop.
			_, err = b.Serve(ctx, "s")
			require.NoError(t, err)
			n, err := a.Workers(ctx, "s")
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			_, tr, ok, err := b.Claim(ctx, []string{"s"})
			require.NoError(t, err)
			require.True(t, ok)
			b.(*sqlStore).silence()
			requeued, err := a.Requeue(ctx, "s")
			require.NoError(t, err)
			assert.Equal(t, 0, requeued, "b is still within its lease")
			time.Sleep(1500 * time.Millisecond)
			requeued, err = a.Requeue(ctx, "s")
			require.NoError(t, err)
			assert.Equal(t, 1, requeued, "b's lease ran out")
			n, err = a.Workers(ctx, "s")
			require.NoError(t, err)
			assert.Equal(t, 0, n)
			_, again, ok, err := a.Claim(ctx, []string{"s"})
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, tr.Number, again.Number)

			// c takes over from a, which has stopped heartbeating too.
			a.(*sqlStore).silence()
			c := openT(t, loc, WithLease(time.Second))
			_, err = c.OpenStudy(ctx, "s", settings)
			require.NoError(t, err)
			require.ErrorIs(t, c.Lock(ctx, "s"), search.ErrStudyLocked)
			time.Sleep(1500 * time.Millisecond)
			require.NoError(t, c.Lock(ctx, "s"))
			err = a.Add(ctx, "s", search.TrialRecord{Number: 1, Arch: "y"})
			require.ErrorIs(t, err, search.ErrLockLost, "the old coordinator cannot add trials any more")
			require.NoError(t, c.Add(ctx, "s", search.TrialRecord{Number: 1, Arch: "y"}))
		})
	}
}

// TestSchemaVersion: a database of another schema version is refused.
func TestSchemaVersion(t *testing.T) {
	for kind, loc := range locations(t) {
		t.Run(kind, func(t *testing.T) {
			s := openT(t, loc)
			db := s.(*sqlStore).db
			_, err := db.Exec(`UPDATE hypernas_meta SET value = '99' WHERE key = 'schema_version'`)
			require.NoError(t, err)
			_, err = Open(context.Background(), loc)
			require.ErrorIs(t, err, search.ErrSchemaVersion)
			assert.ErrorContains(t, err, "version 99")
		})
	}
}

// TestFinishConcurrent: results told at once from many participants get
// distinct told numbers 1…n, and a trial told twice keeps one result.
func TestFinishConcurrent(t *testing.T) {
	for kind, loc := range locations(t) {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			coord := openT(t, loc)
			_, err := coord.OpenStudy(ctx, "s", settings)
			require.NoError(t, err)
			require.NoError(t, coord.Lock(ctx, "s"))
			const n = 20
			for i := range n {
				require.NoError(t, coord.Add(ctx, "s", search.TrialRecord{Number: i, Arch: fmt.Sprint("arch", i)}))
			}
			var wg sync.WaitGroup
			for w := range 4 {
				st := openT(t, loc)
				wg.Go(func() {
					for i := range n {
						// Every participant tells every trial: one result each stands.
						_, err := st.Finish(ctx, "s", search.TrialRecord{Number: i, State: search.Done, Eval: search.Evaluation{Value: float64(w)}})
						assert.NoError(t, err)
					}
				})
			}
			wg.Wait()
			told, err := coord.Told(ctx, "s", 0)
			require.NoError(t, err)
			require.Len(t, told, n)
			seen := map[int]bool{}
			for k, tr := range told {
				assert.Equal(t, k+1, tr.Told)
				assert.False(t, seen[tr.Number])
				seen[tr.Number] = true
			}
		})
	}
}

// TestRetryThenError: an operation on a SQLite file that another process
// holds locked is retried with back-off; it goes through when the lock is
// released in time, and fails with ErrStorage, naming the storage, when
// not; nothing told before is lost.
func TestRetryThenError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.db")
	loc := "sqlite:" + file
	ctx := context.Background()
	s := openT(t, loc, WithRetry(3*time.Second))
	_, err := s.OpenStudy(ctx, "s", settings)
	require.NoError(t, err)
	require.NoError(t, s.Lock(ctx, "s"))
	require.NoError(t, s.Add(ctx, "s", search.TrialRecord{Number: 0, Arch: "a"}))
	_, err = s.Finish(ctx, "s", search.TrialRecord{Number: 0, State: search.Done, Eval: search.Evaluation{Value: 1}})
	require.NoError(t, err)

	hold := func(d time.Duration) {
		db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(100)")
		require.NoError(t, err)
		db.SetMaxOpenConns(1)
		_, err = db.Exec("BEGIN EXCLUSIVE")
		require.NoError(t, err)
		go func() {
			time.Sleep(d)
			db.Exec("COMMIT")
			db.Close()
		}()
	}
	hold(1500 * time.Millisecond)
	start := time.Now()
	require.NoError(t, s.Add(ctx, "s", search.TrialRecord{Number: 1, Arch: "b"}), "retried until the lock went")
	assert.Greater(t, time.Since(start), time.Second)

	hold(8 * time.Second)
	err = s.Add(ctx, "s", search.TrialRecord{Number: 2, Arch: "c"})
	require.ErrorIs(t, err, search.ErrStorage)
	assert.ErrorContains(t, err, loc)
	assert.ErrorContains(t, err, "run again to resume")
	time.Sleep(6 * time.Second)
	told, err := s.Told(ctx, "s", 0)
	require.NoError(t, err)
	assert.Len(t, told, 1, "what was told before is kept")
}

// TestOpenRefusals: bad locations are refused at once.
func TestOpenRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, loc := range []string{"", "mysql://x", "sqlite:", "sqlite:" + filepath.Join(dir, "no", "x.db"), "sqlite:" + dir} {
		_, err := Open(ctx, loc)
		assert.ErrorIs(t, err, hypernas.ErrBadOption, loc)
	}
	_, err := Open(ctx, "memory", WithLease(time.Millisecond))
	assert.ErrorIs(t, err, hypernas.ErrBadOption)
	//nolint:staticcheck // a nil context is refused, not a panic
	_, err = Open(nil, "memory")
	assert.Error(t, err)
	// A file that is not a database.
	junk := filepath.Join(dir, "junk.db")
	require.NoError(t, os.WriteFile(junk, []byte("not a database, not at all, really not"), 0o644))
	_, err = Open(ctx, "sqlite:"+junk, WithRetry(0))
	require.Error(t, err)
	assert.False(t, errors.Is(err, search.ErrSchemaVersion))
	assert.ErrorContains(t, err, junk)
}

// TestParallelSearchOnce: many workers of one process on a database
// evaluate every trial once: the oracle is called exactly budget times.
func TestParallelSearchOnce(t *testing.T) {
	for kind, loc := range locations(t) {
		t.Run(kind, func(t *testing.T) {
			store := openT(t, loc)
			var calls atomic.Int64
			o, err := search.NewFuncOracle(func(_ context.Context, a searchspace.Arch) (search.Evaluation, error) {
				calls.Add(1)
				time.Sleep(2 * time.Millisecond)
				return search.Evaluation{Value: float64(len(a.String()) % 7)}, nil
			})
			require.NoError(t, err)
			s, err := search.NewEvolution(search.WithPopulation(8), search.WithTournament(3))
			require.NoError(t, err)
			res, err := s.Search(context.Background(), nasbench201.New(), o, 60, search.WithStorage(store, "p"), search.WithWorkers(8))
			require.NoError(t, err)
			assert.Len(t, res.Queries, 60)
			assert.EqualValues(t, 60, calls.Load(), "every trial evaluated once")
		})
	}
}

// BenchmarkSQLiteAskTell measures one ask and one tell of a study kept in
// a SQLite file: two durable transactions (fsync) per query.
func BenchmarkSQLiteAskTell(b *testing.B) {
	ctx := context.Background()
	store, err := Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	s, _ := search.NewRandom()
	st, err := search.NewStudy(ctx, s, nasbench201.New(), b.N+1, search.WithStorage(store, "b"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr, err := st.Ask(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Tell(ctx, tr, search.Evaluation{Value: float64(i)}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
