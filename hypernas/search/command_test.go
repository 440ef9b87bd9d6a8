package search

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace/nasbench201"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseResult(t *testing.T) {
	ev, err := ParseResult("93.5")
	require.NoError(t, err)
	assert.Equal(t, 93.5, ev.Value)
	assert.True(t, math.IsNaN(ev.Report))
	ev, err = ParseResult(`{"value": 91.2, "report": 90.8, "cost": 3.5, "epochs": 200, "note": "ok"}`)
	require.NoError(t, err)
	assert.Equal(t, 91.2, ev.Value)
	assert.Equal(t, 90.8, ev.Report)
	assert.Equal(t, 3.5, ev.EvalCost)
	assert.Equal(t, map[string]any{"epochs": 200.0, "note": "ok"}, ev.Extra)
	ev, err = ParseResult(`{"value": "NaN"}`)
	require.NoError(t, err)
	assert.True(t, math.IsNaN(ev.Value), "a diverged run reports NaN: a failed query, not a parse error")
	for line, want := range map[string]string{
		"":                          "printed no result",
		"loss 0.3":                  "neither a number nor a JSON object",
		`{"accuracy": 3}`:           `has no "value"`,
		`{"value": "high"}`:         `"value" is high, not a number`,
		`{"value": 1, "cost": [1]}`: `"cost"`,
		`{"value": 1`:               "not a JSON object",
	} {
		_, err := ParseResult(line)
		assert.ErrorContains(t, err, want, line)
	}
}

// script writes an executable shell script and returns a command that runs it.
func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "train.sh")
	require.NoError(t, os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755))
	return p
}

func TestCommandOracle(t *testing.T) {
	ctx := context.Background()
	a, err := nasbench201.New().Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|")
	require.NoError(t, err)

	// The architecture reaches the program quoted (it holds | and ~), as
	// an argument and in the environment; the last line is the result.
	prog := script(t, `echo "training $1" ; echo "$HYPERNAS_ARCH" >&2; [ "$1" = "$HYPERNAS_ARCH" ] || exit 9; echo '{"value": 93.1, "report": 92.5, "cost": 1.5}'`)
	o, err := NewCommandOracle(prog + " {arch}")
	require.NoError(t, err)
	ev, err := o.Query(WithTrial(ctx, Trial{Study: "s", Number: 7, Arch: a}), a)
	require.NoError(t, err)
	assert.Equal(t, Evaluation{Value: 93.1, Report: 92.5, EvalCost: 1.5}, ev)
	assert.Equal(t, 1, o.Queries())

	// A failing program is retried, then fails with its stderr's tail.
	count := filepath.Join(t.TempDir(), "count")
	flaky := script(t, `echo x >> `+count+`; n=$(wc -l < `+count+`); if [ "$n" -lt 3 ]; then echo "CUDA out of memory (run $n)" >&2; exit 1; fi; echo 88`)
	o, err = NewCommandOracle(flaky, WithCommandRetries(2))
	require.NoError(t, err)
	ev, err = o.Query(ctx, a)
	require.NoError(t, err, "the third attempt succeeds")
	assert.Equal(t, 88.0, ev.Value)
	require.NoError(t, os.Remove(count))
	o, err = NewCommandOracle(flaky, WithCommandRetries(1))
	require.NoError(t, err)
	_, err = o.Query(ctx, a)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "failed 2 times")
	assert.Contains(t, err.Error(), "exit status 1")
	assert.Contains(t, err.Error(), "CUDA out of memory (run 2)", "the last attempt's stderr")

	// A crash (killed by a signal) and a timeout are failures too.
	o, err = NewCommandOracle(script(t, `echo started; kill -9 $$`), WithCommandRetries(0))
	require.NoError(t, err)
	_, err = o.Query(ctx, a)
	assert.ErrorContains(t, err, "killed by signal 9")
	o, err = NewCommandOracle(script(t, `sleep 30; echo 1`), WithCommandRetries(0), WithCommandTimeout(200*time.Millisecond))
	require.NoError(t, err)
	start := time.Now()
	_, err = o.Query(ctx, a)
	assert.ErrorContains(t, err, "timed out after 200ms")
	assert.Less(t, time.Since(start), 10*time.Second)

	// No result line.
	o, err = NewCommandOracle(script(t, `echo "epoch 1 loss 2.3"`), WithCommandRetries(0))
	require.NoError(t, err)
	_, err = o.Query(ctx, a)
	assert.ErrorContains(t, err, "neither a number nor a JSON object")

	// A cancelled context kills the program and its children at once, and
	// is not retried.
	o, err = NewCommandOracle(script(t, `sleep 30 & sleep 30; echo 1`))
	require.NoError(t, err)
	cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = o.Query(cctx, a)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second)

	// Each run's output in the log folder.
	logs := t.TempDir()
	o, err = NewCommandOracle("echo hello; echo 1", WithCommandLog(logs))
	require.NoError(t, err)
	_, err = o.Query(WithTrial(ctx, Trial{Study: "s/x", Number: 3, Arch: a}), a)
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(logs, "s", "x", "trial-3-attempt-1.log"))
	require.NoError(t, err)
	assert.Equal(t, "hello\n1\n", string(b))

	for _, bad := range []func() (*CommandOracle, error){
		func() (*CommandOracle, error) { return NewCommandOracle("  ") },
		func() (*CommandOracle, error) { return NewCommandOracle("x", WithCommandRetries(-1)) },
		func() (*CommandOracle, error) { return NewCommandOracle("x", WithCommandTimeout(-time.Second)) },
		func() (*CommandOracle, error) {
			return NewCommandOracle("x", WithCommandLog(filepath.Join(logs, "nope")))
		},
	} {
		_, err := bad()
		assert.ErrorIs(t, err, hypernas.ErrBadOption)
	}
}

// TestCommandOracleSearch: a search with a training program as the oracle
// records a failing architecture as a failed query, with the program's
// stderr, and goes on.
func TestCommandOracleSearch(t *testing.T) {
	prog := script(t, `case "$1" in *avg_pool_3x3~0\|+*) echo "diverged on $1" >&2; exit 3;; esac; echo "$1" | tr -cd 3 | wc -c`)
	o, err := NewCommandOracle(prog+" {arch}", WithCommandRetries(1))
	require.NoError(t, err)
	res, err := must(NewEvolution(WithPopulation(6), WithTournament(2))).Search(context.Background(), nasbench201.New(), o, 25, WithSeed(1), WithWorkers(3))
	require.NoError(t, err)
	require.Len(t, res.Queries, 25)
	failed := 0
	for _, q := range res.Queries {
		if strings.HasPrefix(q.Arch.String(), "|avg_pool_3x3~0|+") {
			failed++
			assert.True(t, q.Failed)
			assert.Contains(t, q.Error, "diverged on")
		} else {
			assert.False(t, q.Failed, q.Error)
		}
	}
	assert.Equal(t, failed, res.Failures())
}
