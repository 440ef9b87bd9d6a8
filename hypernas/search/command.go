package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/searchspace"
)

// CommandOracle evaluates an architecture by running a program, typically
// the user's training script:
//
//	python train.py --arch {arch} --out runs/{trial}
//
// The command runs under /bin/sh with {arch} replaced by the architecture's
// String (shell-quoted), {trial} by the trial's number in its study, {study}
// by the study's name (quoted) and {attempt} by the attempt, from 1; the
// same values are in the environment as HYPERNAS_ARCH, HYPERNAS_TRIAL,
// HYPERNAS_STUDY and HYPERNAS_ATTEMPT. Its result is the last non-empty
// line of its standard output: a number (the value), or a JSON object with
// "value" and optionally "report" (a metric recorded beside it, e.g. test
// accuracy), "cost" (what the evaluation cost, e.g. GPU hours) and any
// other fields, kept in Evaluation.Extra.
//
// A run that exits with an error, is killed, prints no result or runs past
// the timeout is tried again, up to the retries; when every attempt fails
// the query fails with an error that ends with the last attempt's standard
// error, and the search goes on. A cancelled context kills the program (its
// whole process group) and is not retried.
type CommandOracle struct {
	template string
	timeout  time.Duration
	retries  int
	logDir   string
	queries  atomic.Int64
}

// CommandOption sets one setting of NewCommandOracle.
type CommandOption func(*CommandOracle)

// WithCommandTimeout limits each run of the program (0, the default: no
// limit).
func WithCommandTimeout(d time.Duration) CommandOption {
	return func(o *CommandOracle) { o.timeout = d }
}

// WithCommandRetries sets how many times a failed run is tried again
// (default 2).
func WithCommandRetries(n int) CommandOption { return func(o *CommandOracle) { o.retries = n } }

// WithCommandLog keeps each run's standard output and error in the folder
// dir, as trial-N-attempt-A.log (study/trial-N-… when the trial belongs to
// a named study).
func WithCommandLog(dir string) CommandOption { return func(o *CommandOracle) { o.logDir = dir } }

// DefaultCommandRetries is how many times a failed run is tried again.
const DefaultCommandRetries = 2

// stderrTail is how much of a failed run's standard error its query's
// error keeps.
const stderrTail = 2048

// NewCommandOracle returns an oracle that runs command for every query.
func NewCommandOracle(command string, opts ...CommandOption) (*CommandOracle, error) {
	o := &CommandOracle{template: command, retries: DefaultCommandRetries}
	for _, f := range opts {
		if f != nil {
			f(o)
		}
	}
	switch {
	case strings.TrimSpace(command) == "":
		return nil, fmt.Errorf("%w: empty oracle command", hypernas.ErrBadOption)
	case o.timeout < 0:
		return nil, fmt.Errorf("%w: oracle command timeout %v < 0", hypernas.ErrBadOption, o.timeout)
	case o.retries < 0:
		return nil, fmt.Errorf("%w: oracle command retries %d < 0", hypernas.ErrBadOption, o.retries)
	}
	if o.logDir != "" {
		if st, err := os.Stat(o.logDir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("%w: oracle command log folder %s does not exist", hypernas.ErrBadOption, o.logDir)
		}
	}
	return o, nil
}

// Queries is the number of Query calls so far (not counting retries).
func (o *CommandOracle) Queries() int { return int(o.queries.Load()) }

// Query runs the command for a, retrying failed runs.
func (o *CommandOracle) Query(ctx context.Context, a searchspace.Arch) (Evaluation, error) {
	if err := startQuery(ctx, a, &o.queries); err != nil {
		return Evaluation{}, err
	}
	var fails []string
	var tail string
	for attempt := 1; attempt <= 1+o.retries; attempt++ {
		ev, stderr, err := o.run(ctx, a, attempt)
		if err == nil {
			return ev, nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return Evaluation{}, cerr
		}
		fails = append(fails, fmt.Sprintf("attempt %d: %v", attempt, err))
		tail = stderr
	}
	msg := fmt.Sprintf("oracle command failed %d times for %v (%s)", len(fails), a, strings.Join(fails, "; "))
	if tail != "" {
		msg += "; standard error of the last attempt ends with:\n" + tail
	}
	return Evaluation{}, errors.New(msg)
}

// run runs the command once and returns its result and the tail of its
// standard error.
func (o *CommandOracle) run(ctx context.Context, a searchspace.Arch, attempt int) (Evaluation, string, error) {
	t, _ := TrialFrom(ctx)
	arch := a.String()
	number := strconv.Itoa(t.Number)
	if t.Study == "" {
		number = "0"
	}
	line := strings.NewReplacer("{arch}", shellQuote(arch), "{trial}", number, "{study}", shellQuote(t.Study),
		"{attempt}", strconv.Itoa(attempt)).Replace(o.template)
	rctx, cancel := ctx, context.CancelFunc(func() {})
	if o.timeout > 0 {
		rctx, cancel = context.WithTimeout(ctx, o.timeout)
	}
	defer cancel()
	cmd := exec.CommandContext(rctx, "/bin/sh", "-c", line)
	cmd.Env = append(os.Environ(), "HYPERNAS_ARCH="+arch, "HYPERNAS_TRIAL="+number, "HYPERNAS_STUDY="+t.Study,
		"HYPERNAS_ATTEMPT="+strconv.Itoa(attempt))
	killGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	stdout, stderr := &tailBuffer{max: 64 << 10}, &tailBuffer{max: stderrTail}
	cmd.Stdout, cmd.Stderr = io.Writer(stdout), io.Writer(stderr)
	if o.logDir != "" {
		dir := o.logDir
		if t.Study != "" {
			dir = filepath.Join(o.logDir, filepath.FromSlash(t.Study))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return Evaluation{}, "", fmt.Errorf("oracle command log: %w", err)
			}
		}
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("trial-%s-attempt-%d.log", number, attempt)))
		if err != nil {
			return Evaluation{}, "", fmt.Errorf("oracle command log: %w", err)
		}
		defer f.Close()
		log := &lockedWriter{w: f}
		cmd.Stdout, cmd.Stderr = io.MultiWriter(stdout, log), io.MultiWriter(stderr, log)
	}
	start := time.Now()
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		return Evaluation{}, stderr.String(), ctx.Err()
	case rctx.Err() != nil:
		return Evaluation{}, stderr.String(), fmt.Errorf("timed out after %v", o.timeout)
	case err != nil:
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() > 128 {
			// The shell reports a child killed by signal N as 128+N.
			err = fmt.Errorf("%w (killed by signal %d)", err, ee.ExitCode()-128)
		}
		return Evaluation{}, stderr.String(), fmt.Errorf("%v after %.1f s", err, time.Since(start).Seconds())
	}
	ev, err := ParseResult(lastLine(stdout.String()))
	return ev, stderr.String(), err
}

// ParseResult reads a training program's result line: a number, or a JSON
// object with a numeric "value" and optional "report", "cost" and other
// fields (see CommandOracle).
func ParseResult(line string) (Evaluation, error) {
	line = strings.TrimSpace(line)
	ev := Evaluation{Report: math.NaN()}
	if line == "" {
		return ev, errors.New(`the command printed no result (its last line must be a number or a JSON object with a "value")`)
	}
	if v, err := strconv.ParseFloat(line, 64); err == nil {
		ev.Value = v
		return ev, nil
	}
	if !strings.HasPrefix(line, "{") {
		return ev, fmt.Errorf("its last line %q is neither a number nor a JSON object", clip(line, 200))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		return ev, fmt.Errorf("its last line %q is not a JSON object: %v", clip(line, 200), err)
	}
	num := func(key string) (float64, bool, error) {
		v, ok := m[key]
		if !ok || v == nil {
			return 0, false, nil
		}
		delete(m, key)
		switch x := v.(type) {
		case float64:
			return x, true, nil
		case string: // "NaN", "inf": JSON has no such numbers
			f, err := strconv.ParseFloat(x, 64)
			if err == nil {
				return f, true, nil
			}
		}
		return 0, false, fmt.Errorf("its %q is %v, not a number", key, v)
	}
	v, ok, err := num("value")
	if err != nil {
		return ev, err
	}
	if !ok {
		return ev, fmt.Errorf(`its last line %q has no "value"`, clip(line, 200))
	}
	ev.Value = v
	if r, ok, err := num("report"); err != nil {
		return ev, err
	} else if ok {
		ev.Report = r
	}
	if c, ok, err := num("cost"); err != nil {
		return ev, err
	} else if ok {
		ev.EvalCost = c
	}
	if len(m) > 0 {
		ev.Extra = m
	}
	return ev, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\r\n\t "), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// shellQuote quotes s for /bin/sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
	cut bool
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
		b.cut = true
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := string(bytes.TrimRight(b.buf, "\n"))
	if b.cut {
		s = "…" + s
	}
	return s
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
