package storage

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/search"
	"github.com/hypernas/go-hypernas/searchspace"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The multi-process tests run this test binary again as a coordinator or
// a worker of one study (TestHelperProcess), kill them with SIGKILL at
// chosen moments, and check the database and the evaluation log.
const (
	helperRole  = "HYPERNAS_HELPER_ROLE"
	helperStore = "HYPERNAS_HELPER_STORE"
	helperLog   = "HYPERNAS_HELPER_LOG"
	mpStudy     = "mp"
	mpBudget    = 48
	mpDelay     = 250 * time.Millisecond
	mpLease     = 1500 * time.Millisecond
)

// logOracle answers a synthetic NB201 value after mpDelay, and logs the
// start and the end of every evaluation with this process's id.
func logOracle(path string) search.Oracle {
	space := nasbench201.New()
	_ = space
	rng := rand.New(rand.NewPCG(5, 6))
	var w [nasbench201.NumEdges][nasbench201.NumOps]float64
	for e := range w {
		for o := range w[e] {
			w[e][o] = rng.Float64()
		}
	}
	logLine := func(what string, a searchspace.Arch) {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(f, "%s %s %d\n", what, a, os.Getpid())
		f.Close()
	}
	o, _ := search.NewFuncOracle(func(ctx context.Context, a searchspace.Arch) (search.Evaluation, error) {
		logLine("start", a)
		select {
		case <-time.After(mpDelay):
		case <-ctx.Done():
			return search.Evaluation{}, ctx.Err()
		}
		v := 0.0
		for e, op := range a.(nasbench201.Arch) {
			v += w[e][op]
		}
		logLine("end", a)
		return search.Evaluation{Value: v}, nil
	})
	return o
}

func mpStrategy() search.Strategy {
	s, err := search.NewPredictorEvolution(search.WithPredictor(hypernas.WithEncoding(hypernas.SingleCell), hypernas.WithHidden(8),
		hypernas.WithHeadHidden(16), hypernas.WithWorkers(1)), search.WithInitial(8), search.WithMutants(100), search.WithTopK(4),
		search.WithFitEpochs(20, 5))
	if err != nil {
		panic(err)
	}
	return s
}

// TestHelperProcess is a coordinator or worker when run by the tests below.
func TestHelperProcess(t *testing.T) {
	role := os.Getenv(helperRole)
	if role == "" {
		t.Skip("run by the multi-process tests")
	}
	ctx := context.Background()
	store, err := Open(ctx, os.Getenv(helperStore), WithLease(mpLease), WithRetry(retryOf()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(3)
	}
	defer store.Close()
	oracle := logOracle(os.Getenv(helperLog))
	space := nasbench201.New()
	switch role {
	case "coordinator":
		res, err := mpStrategy().Search(ctx, space, oracle, mpBudget, search.WithSeed(1), search.WithStorage(store, mpStudy), search.WithWorkers(1))
		if err != nil {
			fmt.Fprintln(os.Stderr, "coordinator:", err)
			store.Close()
			os.Exit(4)
		}
		fmt.Println("told", len(res.Queries))
	case "worker":
		n, err := search.Work(ctx, store, mpStudy, space, oracle)
		if err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			store.Close()
			os.Exit(5)
		}
		fmt.Println("evaluated", n)
	}
	store.Close()
	os.Exit(0)
}

func retryOf() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("HYPERNAS_HELPER_RETRY")); err == nil {
		return d
	}
	return DefaultRetry
}

type proc struct {
	cmd    *exec.Cmd
	out    bytes.Buffer
	done   chan error
	role   string
	killed bool
}

func startHelper(t *testing.T, loc, log, role string, env ...string) *proc {
	t.Helper()
	p := &proc{role: role, done: make(chan error, 1)}
	p.cmd = exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	p.cmd.Env = append(os.Environ(), helperRole+"="+role, helperStore+"="+loc, helperLog+"="+log)
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	require.NoError(t, p.cmd.Start())
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
		}
	})
	return p
}

func (p *proc) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
	<-p.done
	p.killed = true
}

func (p *proc) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case err := <-p.done:
		require.NoError(t, err, "%s %d: %s", p.role, p.cmd.Process.Pid, p.out.String())
	case <-time.After(d):
		_ = p.cmd.Process.Kill()
		t.Fatalf("%s %d did not finish in %v: %s", p.role, p.cmd.Process.Pid, d, p.out.String())
	}
}

// told waits until the study has at least n told trials.
func told(t *testing.T, store search.Storage, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		ts, err := store.Told(context.Background(), mpStudy, 0)
		if err == nil && len(ts) >= n {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the study never reached %d told trials", n)
}

type logEntry struct {
	what, arch string
	pid        int
}

func readLog(t *testing.T, path string) []logEntry {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []logEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		require.Len(t, parts, 3, sc.Text())
		pid, err := strconv.Atoi(parts[2])
		require.NoError(t, err)
		out = append(out, logEntry{parts[0], parts[1], pid})
	}
	return out
}

// midEvaluation waits until process pid has started an evaluation that
// it has not ended.
func midEvaluation(t *testing.T, log string, pid int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		open := 0
		if _, err := os.Stat(log); err == nil {
			for _, e := range readLog(t, log) {
				if e.pid == pid {
					if e.what == "start" {
						open++
					} else {
						open--
					}
				}
			}
		}
		if open > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("process %d never started an evaluation", pid)
}

// checkStudy checks the end state: the budget spent exactly, every trial
// told once, no architecture twice, and every evaluation that ran twice
// or never ended was in flight in a killed process.
func checkStudy(t *testing.T, store search.Storage, log string, procs []*proc) {
	t.Helper()
	ctx := context.Background()
	trials, err := store.Trials(ctx, mpStudy)
	require.NoError(t, err)
	require.Len(t, trials, mpBudget, "the budget was spent exactly")
	archs := map[string]bool{}
	toldAt := map[int]bool{}
	for i, tr := range trials {
		assert.Equal(t, i, tr.Number)
		assert.Equal(t, search.Done, tr.State, "trial %d", i)
		assert.False(t, archs[tr.Arch], "%s is two trials", tr.Arch)
		archs[tr.Arch] = true
		assert.False(t, toldAt[tr.Told], "told number %d twice", tr.Told)
		toldAt[tr.Told] = true
		assert.True(t, tr.Told >= 1 && tr.Told <= mpBudget)
	}
	studies, err := store.Studies(ctx, mpStudy)
	require.NoError(t, err)
	require.Len(t, studies, 1)
	assert.True(t, studies[0].Complete)

	killed := map[int]bool{}
	for _, p := range procs {
		if p.killed {
			killed[p.cmd.Process.Pid] = true
		}
	}
	ends := map[string][]int{}
	starts := map[string][]int{}
	for _, e := range readLog(t, log) {
		if e.what == "end" {
			ends[e.arch] = append(ends[e.arch], e.pid)
		} else {
			starts[e.arch] = append(starts[e.arch], e.pid)
		}
	}
	lost := 0
	for arch, pids := range starts {
		assert.True(t, archs[arch], "%s was evaluated but is no trial", arch)
		unfinished := len(pids) - len(ends[arch])
		for _, pid := range pids {
			if !killed[pid] {
				continue
			}
			// A killed process's evaluation may be unfinished.
			if unfinished > 0 {
				unfinished--
				lost++
			}
		}
		assert.Zero(t, unfinished, "%s: an evaluation of a live process never ended", arch)
		if len(ends[arch]) > 1 {
			// Evaluated twice: only when a killed process ended it but
			// died before its result was written.
			k := 0
			for _, pid := range ends[arch] {
				if killed[pid] {
					k++
				}
			}
			assert.Equal(t, len(ends[arch])-1, k, "%s evaluated %d times", arch, len(ends[arch]))
		}
	}
	for arch := range archs {
		assert.NotEmpty(t, ends[arch], "%s told without an evaluation", arch)
	}
	t.Logf("%d trials told once each; %d evaluations lost in killed processes and handed out again", len(trials), lost)
}

// multiProcess runs one study with a coordinator and workers processes,
// kills one worker mid-evaluation and the coordinator mid-study with
// SIGKILL, restarts the coordinator, and checks the result. During the
// run a second coordinator is refused.
func multiProcess(t *testing.T, loc string, workers int, outage func()) {
	dir := t.TempDir()
	log := filepath.Join(dir, "evaluations.log")
	store := openT(t, loc, WithLease(mpLease))
	coord := startHelper(t, loc, log, "coordinator")
	var procs = []*proc{coord}
	var ws []*proc
	for range workers {
		w := startHelper(t, loc, log, "worker")
		ws = append(ws, w)
		procs = append(procs, w)
	}
	told(t, store, 10)

	// A second coordinator of the same study is refused.
	second := startHelper(t, loc, log, "coordinator")
	err := <-second.done
	require.Error(t, err, "a second coordinator must not run: %s", second.out.String())
	assert.Contains(t, second.out.String(), "is coordinated by")

	midEvaluation(t, log, ws[0].cmd.Process.Pid)
	ws[0].kill(t)
	told(t, store, 20)
	if outage != nil {
		outage()
	}
	told(t, store, 26)
	coord.kill(t)
	time.Sleep(300 * time.Millisecond)
	restarted := startHelper(t, loc, log, "coordinator")
	procs = append(procs, restarted)
	restarted.wait(t, 3*time.Minute)
	assert.Contains(t, restarted.out.String(), fmt.Sprintf("told %d", mpBudget))
	for _, w := range ws[1:] {
		w.wait(t, time.Minute)
	}
	checkStudy(t, store, log, procs)
}

// TestMultiProcessSQLite: a coordinator and one worker process (two processes) share a
// SQLite file; both are killed once with SIGKILL.
func TestMultiProcessSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("runs processes for about 20 s")
	}
	loc := "sqlite:" + filepath.Join(t.TempDir(), "study.db")
	multiProcess(t, loc, 1, nil)
}

// TestMultiProcessPostgres: one study, three worker processes and a
// coordinator on PostgreSQL; one worker and the coordinator are killed
// with SIGKILL, the server is stopped and started again mid-study.
func TestMultiProcessPostgres(t *testing.T) {
	loc := postgresOrSkip(t)
	stop, start := os.Getenv("HYPERNAS_TEST_POSTGRES_STOP"), os.Getenv("HYPERNAS_TEST_POSTGRES_START")
	var outage func()
	if stop != "" && start != "" {
		outage = func() {
			t.Log("stopping the PostgreSQL server for 3 s")
			require.NoError(t, exec.Command("sh", "-c", stop).Run())
			time.Sleep(3 * time.Second)
			require.NoError(t, exec.Command("sh", "-c", start).Run())
		}
	}
	multiProcess(t, loc, 3, outage)
}

// TestDatabaseAwayPostgres: a server that stays away longer than the
// retries stops the coordinator with a clear error; what was told stays,
// and the same command resumes the study when the server is back.
func TestDatabaseAwayPostgres(t *testing.T) {
	loc := postgresOrSkip(t)
	stop, start := os.Getenv("HYPERNAS_TEST_POSTGRES_STOP"), os.Getenv("HYPERNAS_TEST_POSTGRES_START")
	if stop == "" || start == "" {
		t.Skip("needs HYPERNAS_TEST_POSTGRES_STOP and _START (set by .ci/postgres.sh) to stop and start the server")
	}
	log := filepath.Join(t.TempDir(), "evaluations.log")
	store := openT(t, loc, WithLease(mpLease))
	coord := startHelper(t, loc, log, "coordinator", "HYPERNAS_HELPER_RETRY=2s")
	told(t, store, 12)
	require.NoError(t, exec.Command("sh", "-c", stop).Run())
	err := <-coord.done
	require.NoError(t, exec.Command("sh", "-c", start).Run())
	require.Error(t, err, "the coordinator stops when the database stays away")
	out := coord.out.String()
	assert.Contains(t, out, "storage unavailable")
	assert.Contains(t, out, "run again to resume")
	t.Logf("the coordinator's error: %s", strings.TrimSpace(out))
	before, err := store.Told(context.Background(), mpStudy, 0)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(before), 12, "nothing told was lost")
	coord.killed = true // its evaluation in flight was lost with the database
	again := startHelper(t, loc, log, "coordinator")
	again.wait(t, 3*time.Minute)
	checkStudy(t, store, log, []*proc{coord, again})
}
