package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver, pure Go

	"github.com/hypernas/go-hypernas/hypernas"
	"github.com/hypernas/go-hypernas/hypernas/search"
)

// SchemaVersion is the version of the tables this package writes; a
// database of another version is refused with search.ErrSchemaVersion.
const SchemaVersion = 1

// The defaults of the options.
const (
	DefaultLease = 15 * time.Second
	DefaultRetry = 60 * time.Second
)

// Option sets one setting of Open.
type Option func(*config)

type config struct {
	lease, retry time.Duration
}

// WithLease sets how long a participant (coordinator or worker) may go
// without a heartbeat before it is taken for dead: its trials are handed
// out again and its study may be coordinated by another process (default
// 15 s; heartbeats go every quarter of it). A participant on the same
// machine whose process has exited is taken for dead at once.
func WithLease(d time.Duration) Option { return func(c *config) { c.lease = d } }

// WithRetry sets how long a failed database operation (the server gone,
// the file locked) is retried, with back-off, before it fails with
// search.ErrStorage (default 60 s).
func WithRetry(d time.Duration) Option { return func(c *config) { c.retry = d } }

// Open opens the storage that location names and joins it as one
// participant:
//
//	memory                             in this process (search.NewMemoryStorage)
//	sqlite:FILE                        a SQLite file, created if missing (one machine)
//	postgres://user:pass@host/db?…     a PostgreSQL database (several machines)
//
// The tables are created on first use. Close the storage at the end: it
// hands back the trials this participant was evaluating.
func Open(ctx context.Context, location string, opts ...Option) (search.Storage, error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: nil context", hypernas.ErrBadOption)
	}
	cfg := config{lease: DefaultLease, retry: DefaultRetry}
	for _, f := range opts {
		if f != nil {
			f(&cfg)
		}
	}
	if cfg.lease < 100*time.Millisecond || cfg.retry < 0 {
		return nil, fmt.Errorf("%w: storage lease %v (at least 100ms) and retry %v (at least 0)", hypernas.ErrBadOption, cfg.lease, cfg.retry)
	}
	switch {
	case location == "memory":
		return search.NewMemoryStorage(), nil
	case strings.HasPrefix(location, "sqlite:"):
		file := strings.TrimPrefix(location, "sqlite:")
		if file == "" || strings.ContainsAny(file, "?#") {
			return nil, fmt.Errorf("%w: storage %q: want sqlite:FILE (a path without ? or #)", hypernas.ErrBadOption, location)
		}
		if st, err := os.Stat(filepath.Dir(file)); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("%w: storage %q: folder %s does not exist", hypernas.ErrBadOption, location, filepath.Dir(file))
		}
		if st, err := os.Stat(file); err == nil && st.IsDir() {
			return nil, fmt.Errorf("%w: storage %q: %s is a folder", hypernas.ErrBadOption, location, file)
		}
		dsn := "file:" + file + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
		return open(ctx, "sqlite", dsn, location, sqliteDialect, cfg)
	case strings.HasPrefix(location, "postgres://"), strings.HasPrefix(location, "postgresql://"):
		u, err := url.Parse(location)
		if err != nil {
			return nil, fmt.Errorf("%w: storage: %v", hypernas.ErrBadOption, err)
		}
		return open(ctx, "pgx", location, u.Redacted(), postgresDialect, cfg)
	}
	return nil, fmt.Errorf("%w: storage %q: want memory, sqlite:FILE or postgres://…", hypernas.ErrBadOption, location)
}

// sqlStore is a Storage in a SQL database.
type sqlStore struct {
	db    *sql.DB
	d     dialect
	where string // the location, without password
	cfg   config
	id    string // this participant
	host  string
	pid   int

	mu      sync.Mutex
	claimed map[trialKey]bool // trials this participant evaluates
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	closed  bool
}

type trialKey struct {
	study  string
	number int
}

func open(ctx context.Context, driver, dsn, where string, d dialect, cfg config) (search.Storage, error) {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("search storage %s: %w", where, err)
	}
	db.SetMaxOpenConns(16)
	db.SetConnMaxIdleTime(time.Minute)
	host := hostID()
	s := &sqlStore{db: db, d: d, where: where, cfg: cfg, host: host, pid: os.Getpid(),
		id: fmt.Sprintf("%s/%d/%s", hostname(), os.Getpid(), randomID()), claimed: map[trialKey]bool{},
		stop: make(chan struct{}), done: make(chan struct{})}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	go s.heartbeat()
	return s, nil
}

func randomID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}

// String is the storage's location without password.
func (s *sqlStore) String() string { return s.where }

// Name names this participant: host/pid/random.
func (s *sqlStore) Name() string { return s.id }

// init creates the tables (or checks their version) and registers this
// participant.
func (s *sqlStore) init(ctx context.Context) error {
	return s.tx(ctx, "creating the tables", func(tx *sql.Tx) error {
		if s.d.initLock != "" {
			if _, err := tx.ExecContext(ctx, s.d.initLock); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS hypernas_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
			return err
		}
		var v string
		switch err := tx.QueryRowContext(ctx, `SELECT value FROM hypernas_meta WHERE key = 'schema_version'`).Scan(&v); {
		case errors.Is(err, sql.ErrNoRows):
			for _, q := range schema {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO hypernas_meta (key, value) VALUES ('schema_version', $1)`, strconv.Itoa(SchemaVersion)); err != nil {
				return err
			}
		case err != nil:
			return err
		case v != strconv.Itoa(SchemaVersion):
			return permanent{fmt.Errorf("%w: %s holds search studies of schema version %s; this program reads version %d",
				search.ErrSchemaVersion, s.where, v, SchemaVersion)}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO hypernas_sessions (id, host, pid, started, seen, closed) VALUES ($1, $2, $3, `+s.d.now+`, `+s.d.now+`, 0)`,
			s.id, s.host, s.pid)
		return err
	})
}

// schema is version 1 of the tables.
var schema = []string{
	`CREATE TABLE hypernas_sessions (id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, serves TEXT,
		started DOUBLE PRECISION NOT NULL, seen DOUBLE PRECISION NOT NULL, closed INTEGER NOT NULL)`,
	`CREATE TABLE hypernas_studies (name TEXT PRIMARY KEY, settings TEXT NOT NULL, created DOUBLE PRECISION NOT NULL,
		started DOUBLE PRECISION, coordinator TEXT, complete INTEGER NOT NULL DEFAULT 0, told INTEGER NOT NULL DEFAULT 0)`,
	`CREATE TABLE hypernas_trials (study TEXT NOT NULL, number INTEGER NOT NULL, arch TEXT NOT NULL, state TEXT NOT NULL,
		cost DOUBLE PRECISION, value DOUBLE PRECISION, report DOUBLE PRECISION, eval_cost DOUBLE PRECISION, extra TEXT,
		error TEXT, told INTEGER, elapsed DOUBLE PRECISION, handed_out INTEGER NOT NULL DEFAULT 0, session TEXT,
		PRIMARY KEY (study, number), UNIQUE (study, arch))`,
	`CREATE INDEX hypernas_trials_state ON hypernas_trials (state, number)`,
	`CREATE INDEX hypernas_trials_session ON hypernas_trials (session)`,
}

// silence stops the heartbeats.
func (s *sqlStore) silence() {
	s.once.Do(func() { close(s.stop) })
	<-s.done
}

// heartbeat keeps this participant alive in the others' eyes.
func (s *sqlStore) heartbeat() {
	defer close(s.done)
	t := time.NewTicker(s.cfg.lease / 4)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), s.cfg.lease/4)
			// A failure (the database away) is retried at the next tick.
			_, _ = s.db.ExecContext(ctx, `UPDATE hypernas_sessions SET seen = `+s.d.now+` WHERE id = $1`, s.id)
			cancel()
		}
	}
}

// OpenStudy creates the study or checks its settings.
func (s *sqlStore) OpenStudy(ctx context.Context, name string, settings map[string]string) (search.StudyInfo, error) {
	if err := checkName(name); err != nil {
		return search.StudyInfo{}, err
	}
	js, err := json.Marshal(settings)
	if err != nil {
		return search.StudyInfo{}, err
	}
	var info search.StudyInfo
	err = s.tx(ctx, "opening study "+name, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO hypernas_studies (name, settings, created) VALUES ($1, $2, `+s.d.now+`) ON CONFLICT (name) DO NOTHING`,
			name, string(js)); err != nil {
			return err
		}
		var err error
		info, err = scanStudy(tx.QueryRowContext(ctx, `SELECT name, settings, created, started, complete FROM hypernas_studies WHERE name = $1`, name))
		return err
	})
	if err != nil {
		return info, err
	}
	return info, search.SettingsDiff(s.where, name, info.Settings, settings)
}

func checkName(name string) error {
	if name == "" || strings.ContainsAny(name, "\x00\n\r") {
		return fmt.Errorf("%w: study name %q", hypernas.ErrBadOption, name)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scanStudy(row scanner) (search.StudyInfo, error) {
	var info search.StudyInfo
	var js string
	var created float64
	var started sql.NullFloat64
	var complete int
	if err := row.Scan(&info.Name, &js, &created, &started, &complete); err != nil {
		return info, err
	}
	if err := json.Unmarshal([]byte(js), &info.Settings); err != nil {
		return info, permanent{fmt.Errorf("study %q: its settings are not readable: %v", info.Name, err)}
	}
	info.Created = fromEpoch(created)
	if started.Valid {
		info.Started = fromEpoch(started.Float64)
	}
	info.Complete = complete != 0
	return info, nil
}

func fromEpoch(sec float64) time.Time {
	return time.Unix(0, int64(sec*1e9))
}

// Studies lists the studies named prefix.
func (s *sqlStore) Studies(ctx context.Context, prefix string) ([]search.StudyInfo, error) {
	var out []search.StudyInfo
	err := s.retry(ctx, "listing studies", func(ctx context.Context) error {
		out = nil
		rows, err := s.db.QueryContext(ctx, `SELECT name, settings, created, started, complete FROM hypernas_studies ORDER BY name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			info, err := scanStudy(rows)
			if err != nil {
				return err
			}
			if search.MatchStudy(info.Name, prefix) {
				out = append(out, info)
			}
		}
		return rows.Err()
	})
	return out, err
}

// participant is a row of hypernas_sessions, as seen at now.
type participant struct {
	id, host  string
	pid       int
	seen, now float64
	closed    bool
	found     bool
}

// alive reports whether p still counts as running.
func (s *sqlStore) alive(p participant) bool {
	if !p.found || p.closed || p.now-p.seen > s.cfg.lease.Seconds() {
		return false
	}
	return p.host != s.host || pidAlive(p.pid)
}

func (s *sqlStore) participant(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id string) (participant, error) {
	p := participant{id: id}
	var closed int
	err := q.QueryRowContext(ctx, `SELECT host, pid, seen, closed, `+s.d.now+` FROM hypernas_sessions WHERE id = $1`, id).
		Scan(&p.host, &p.pid, &p.seen, &closed, &p.now)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	p.found, p.closed = err == nil, closed != 0
	return p, err
}

// Lock makes this participant the study's coordinator.
func (s *sqlStore) Lock(ctx context.Context, study string) error {
	err := s.tx(ctx, "locking study "+study, func(tx *sql.Tx) error {
		var coord sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT coordinator FROM hypernas_studies WHERE name = $1`+s.d.forUpdate, study).Scan(&coord); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return permanent{fmt.Errorf("%w: %q in %s", search.ErrNoStudy, study, s.where)}
			}
			return err
		}
		if coord.Valid && coord.String != s.id {
			p, err := s.participant(ctx, tx, coord.String)
			if err != nil {
				return err
			}
			if s.alive(p) {
				return permanent{fmt.Errorf("%w: study %q in %s is coordinated by %s (host %s, pid %d, last heard of %.1f s ago); stop it first, or wait %v after it died",
					search.ErrStudyLocked, study, s.where, p.id, strings.SplitN(p.host, "#", 2)[0], p.pid, p.now-p.seen, s.cfg.lease)}
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE hypernas_studies SET coordinator = $1 WHERE name = $2`, s.id, study)
		return err
	})
	if err != nil {
		return err
	}
	_, err = s.Requeue(ctx, study)
	return err
}

// coordinates checks, inside tx, that this participant still coordinates
// the study (the row is locked until the end of tx).
func (s *sqlStore) coordinates(ctx context.Context, tx *sql.Tx, study string) error {
	var coord sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT coordinator FROM hypernas_studies WHERE name = $1`+s.d.forUpdate, study).Scan(&coord); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return permanent{fmt.Errorf("%w: %q in %s", search.ErrNoStudy, study, s.where)}
		}
		return err
	}
	if coord.String != s.id {
		return permanent{fmt.Errorf("%w: study %q in %s is now coordinated by %s, not by this process (%s)",
			search.ErrLockLost, study, s.where, coord.String, s.id)}
	}
	return nil
}

const trialColumns = `number, arch, state, cost, value, report, eval_cost, extra, error, told, elapsed, handed_out, session`

func scanTrial(row scanner) (search.TrialRecord, error) {
	var t search.TrialRecord
	var state string
	var cost, value, report, evalCost, elapsed sql.NullFloat64
	var extra, msg, session sql.NullString
	var told sql.NullInt64
	if err := row.Scan(&t.Number, &t.Arch, &state, &cost, &value, &report, &evalCost, &extra, &msg, &told, &elapsed, &t.HandedOut, &session); err != nil {
		return t, err
	}
	nan := func(f sql.NullFloat64) float64 {
		if !f.Valid {
			return math.NaN()
		}
		return f.Float64
	}
	t.State, t.Cost, t.Error, t.Told, t.Worker = search.TrialState(state), nan(cost), msg.String, int(told.Int64), session.String
	t.Eval = search.Evaluation{Value: nan(value), Report: nan(report), EvalCost: evalCost.Float64}
	t.Elapsed = time.Duration(elapsed.Float64 * 1e9)
	if extra.Valid && extra.String != "" {
		if err := json.Unmarshal([]byte(extra.String), &t.Eval.Extra); err != nil {
			return t, permanent{fmt.Errorf("trial %d: its extra fields are not readable: %v", t.Number, err)}
		}
	}
	return t, nil
}

// null stores NaN as NULL (SQLite has no NaN).
func null(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}

func (s *sqlStore) trials(ctx context.Context, what, query string, args ...any) ([]search.TrialRecord, error) {
	var out []search.TrialRecord
	err := s.retry(ctx, what, func(ctx context.Context) error {
		out = nil
		rows, err := s.db.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTrial(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}

// Trials returns every trial of the study by number.
func (s *sqlStore) Trials(ctx context.Context, study string) ([]search.TrialRecord, error) {
	return s.trials(ctx, "reading study "+study, `SELECT `+trialColumns+` FROM hypernas_trials WHERE study = $1 ORDER BY number`, study)
}

// Told returns the trials told after the first after ones.
func (s *sqlStore) Told(ctx context.Context, study string, after int) ([]search.TrialRecord, error) {
	return s.trials(ctx, "reading the results of study "+study,
		`SELECT `+trialColumns+` FROM hypernas_trials WHERE study = $1 AND told > $2 ORDER BY told`, study, after)
}

// Add records a new trial, if this participant coordinates the study.
func (s *sqlStore) Add(ctx context.Context, study string, t search.TrialRecord) error {
	state, session, handed := search.Queued, any(nil), 0
	if t.State == search.Running {
		state, session, handed = search.Running, s.id, 1
	}
	err := s.tx(ctx, "adding a trial to study "+study, func(tx *sql.Tx) error {
		if err := s.coordinates(ctx, tx, study); err != nil {
			return err
		}
		var arch string
		switch err := tx.QueryRowContext(ctx, `SELECT arch FROM hypernas_trials WHERE study = $1 AND number = $2`, study, t.Number).Scan(&arch); {
		case err == nil && arch == t.Arch:
			return nil // added by an attempt whose answer was lost
		case err == nil:
			return permanent{fmt.Errorf("search: study %q in %s already has a trial %d (%s)", study, s.where, t.Number, arch)}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hypernas_studies SET started = `+s.d.now+` WHERE name = $1 AND started IS NULL`, study); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO hypernas_trials (study, number, arch, state, cost, handed_out, session) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			study, t.Number, t.Arch, string(state), null(t.Cost), handed, session)
		return err
	})
	if err == nil && state == search.Running {
		s.mu.Lock()
		s.claimed[trialKey{study, t.Number}] = true
		s.mu.Unlock()
	}
	return err
}

// Claim hands out the oldest queued trial of the named studies.
func (s *sqlStore) Claim(ctx context.Context, studies []string) (string, search.TrialRecord, bool, error) {
	if len(studies) == 0 {
		return "", search.TrialRecord{}, false, nil
	}
	in := make([]string, len(studies))
	args := []any{s.id}
	for i, st := range studies {
		in[i] = "$" + strconv.Itoa(i+2)
		args = append(args, st)
	}
	var study string
	var t search.TrialRecord
	found := false
	err := s.tx(ctx, "claiming a trial", func(tx *sql.Tx) error {
		found = false
		// A trial claimed by an attempt whose answer was lost is taken back first.
		rows, err := tx.QueryContext(ctx, `SELECT study, number FROM hypernas_trials WHERE session = $1 AND state = 'running'`, s.id)
		if err != nil {
			return err
		}
		var orphan *trialKey
		for rows.Next() {
			var k trialKey
			if err := rows.Scan(&k.study, &k.number); err != nil {
				rows.Close()
				return err
			}
			s.mu.Lock()
			mine := s.claimed[k]
			s.mu.Unlock()
			if !mine && orphan == nil && contains(studies, k.study) {
				orphan = &k
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var row *sql.Row
		if orphan != nil {
			row = tx.QueryRowContext(ctx, `SELECT study, `+trialColumns+` FROM hypernas_trials WHERE study = $1 AND number = $2`, orphan.study, orphan.number)
		} else {
			row = tx.QueryRowContext(ctx, `UPDATE hypernas_trials SET state = 'running', session = $1, handed_out = handed_out + 1
				WHERE (study, number) = (SELECT study, number FROM hypernas_trials WHERE state = 'queued' AND study IN (`+strings.Join(in, ", ")+`)
					ORDER BY number, study LIMIT 1`+s.d.skipLocked+`)
				RETURNING study, `+trialColumns, args...)
		}
		var scanned struct{ study string }
		t, err = scanTrial(prefixScanner{row, &scanned.study})
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		study, found = scanned.study, true
		// Marked before the commit: this participant's other goroutines
		// must not take the trial for an orphan once it is visible.
		s.mu.Lock()
		s.claimed[trialKey{study, t.Number}] = true
		s.mu.Unlock()
		return nil
	})
	if err != nil && found {
		s.mu.Lock()
		delete(s.claimed, trialKey{study, t.Number})
		s.mu.Unlock()
	}
	if err != nil || !found {
		return "", search.TrialRecord{}, false, err
	}
	return study, t, true, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// prefixScanner scans one leading column into first, the rest as usual.
type prefixScanner struct {
	row   scanner
	first *string
}

func (p prefixScanner) Scan(dest ...any) error { return p.row.Scan(append([]any{p.first}, dest...)...) }

// Finish records a trial's result once: the study's row is locked first,
// so that concurrent results get distinct, increasing told numbers and a
// trial told twice keeps its first result.
func (s *sqlStore) Finish(ctx context.Context, study string, t search.TrialRecord) (search.TrialRecord, error) {
	if !t.State.Told() {
		return t, fmt.Errorf("%w: trial %d finished as %q", hypernas.ErrBadOption, t.Number, t.State)
	}
	var extra any
	if len(t.Eval.Extra) > 0 {
		b, err := json.Marshal(t.Eval.Extra)
		if err != nil {
			return t, fmt.Errorf("search: trial %d: extra fields: %w", t.Number, err)
		}
		extra = string(b)
	}
	var out search.TrialRecord
	err := s.tx(ctx, fmt.Sprintf("recording trial %d of study %s", t.Number, study), func(tx *sql.Tx) error {
		var told int
		var created, now float64
		if err := tx.QueryRowContext(ctx, `UPDATE hypernas_studies SET told = told + 1 WHERE name = $1 RETURNING told, COALESCE(started, created), `+s.d.now, study).
			Scan(&told, &created, &now); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return permanent{fmt.Errorf("%w: %q in %s", search.ErrNoStudy, study, s.where)}
			}
			return err
		}
		cur, err := scanTrial(tx.QueryRowContext(ctx, `SELECT `+trialColumns+` FROM hypernas_trials WHERE study = $1 AND number = $2`, study, t.Number))
		if errors.Is(err, sql.ErrNoRows) {
			return permanent{fmt.Errorf("search: study %q in %s has no trial %d", study, s.where, t.Number)}
		}
		if err != nil {
			return err
		}
		if cur.State.Told() {
			out = cur
			return permanent{errAlreadyTold}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hypernas_trials SET state = $1, value = $2, report = $3, eval_cost = $4, extra = $5, error = $6,
			told = $7, elapsed = $8, session = $9 WHERE study = $10 AND number = $11`,
			string(t.State), null(t.Eval.Value), null(t.Eval.Report), null(t.Eval.EvalCost), extra, t.Error,
			told, now-created, s.id, study, t.Number); err != nil {
			return err
		}
		out = t
		out.Told, out.Elapsed, out.Worker, out.Cost, out.Arch, out.HandedOut = told, time.Duration((now-created)*1e9), s.id, cur.Cost, cur.Arch, cur.HandedOut
		return nil
	})
	if errors.Is(err, errAlreadyTold) {
		err = nil
	}
	s.mu.Lock()
	delete(s.claimed, trialKey{study, t.Number})
	s.mu.Unlock()
	return out, err
}

// errAlreadyTold rolls back a Finish whose trial was told before.
var errAlreadyTold = errors.New("already told")

// Release hands a running trial of this participant back.
func (s *sqlStore) Release(ctx context.Context, study string, number int) error {
	err := s.retry(ctx, fmt.Sprintf("handing back trial %d of study %s", number, study), func(ctx context.Context) error {
		_, err := s.db.ExecContext(ctx, `UPDATE hypernas_trials SET state = 'queued', session = NULL
			WHERE study = $1 AND number = $2 AND state = 'running' AND session = $3`, study, number, s.id)
		return err
	})
	s.mu.Lock()
	delete(s.claimed, trialKey{study, number})
	s.mu.Unlock()
	return err
}

// Requeue hands back the running trials of dead participants.
func (s *sqlStore) Requeue(ctx context.Context, study string) (int, error) {
	n := 0
	err := s.tx(ctx, "handing back the trials of dead workers of study "+study, func(tx *sql.Tx) error {
		n = 0
		rows, err := tx.QueryContext(ctx, `SELECT t.number, t.session, p.host, p.pid, p.seen, p.closed, `+s.d.now+`
			FROM hypernas_trials t LEFT JOIN hypernas_sessions p ON p.id = t.session
			WHERE t.study = $1 AND t.state = 'running'`, study)
		if err != nil {
			return err
		}
		type lost struct {
			number  int
			session string
		}
		var dead []lost
		for rows.Next() {
			var number int
			var session, host sql.NullString
			var pid sql.NullInt64
			var seen sql.NullFloat64
			var closed sql.NullInt64
			var now float64
			if err := rows.Scan(&number, &session, &host, &pid, &seen, &closed, &now); err != nil {
				rows.Close()
				return err
			}
			p := participant{id: session.String, host: host.String, pid: int(pid.Int64), seen: seen.Float64, now: now,
				closed: closed.Int64 != 0, found: host.Valid}
			if p.id == s.id {
				continue // this participant's own, alive
			}
			if !s.alive(p) {
				dead = append(dead, lost{number, session.String})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, l := range dead {
			res, err := tx.ExecContext(ctx, `UPDATE hypernas_trials SET state = 'queued', session = NULL
				WHERE study = $1 AND number = $2 AND state = 'running' AND session = $3`, study, l.number, l.session)
			if err != nil {
				return err
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return nil
	})
	return n, err
}

// Serve registers this participant as a worker of the studies named prefix.
func (s *sqlStore) Serve(ctx context.Context, prefix string) (func(), error) {
	set := func(ctx context.Context, v any) error {
		return s.retry(ctx, "registering as a worker", func(ctx context.Context) error {
			_, err := s.db.ExecContext(ctx, `UPDATE hypernas_sessions SET serves = $1, seen = `+s.d.now+` WHERE id = $2`, v, s.id)
			return err
		})
	}
	if err := set(ctx, prefix); err != nil {
		return nil, err
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = set(ctx, nil)
	}, nil
}

// Workers counts the live workers of other processes serving study.
func (s *sqlStore) Workers(ctx context.Context, study string) (int, error) {
	n := 0
	err := s.retry(ctx, "counting the workers of study "+study, func(ctx context.Context) error {
		n = 0
		rows, err := s.db.QueryContext(ctx, `SELECT id, host, pid, seen, serves, `+s.d.now+` FROM hypernas_sessions
			WHERE closed = 0 AND serves IS NOT NULL AND id <> $1`, s.id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p participant
			var serves string
			if err := rows.Scan(&p.id, &p.host, &p.pid, &p.seen, &serves, &p.now); err != nil {
				return err
			}
			p.found = true
			if search.MatchStudy(study, serves) && s.alive(p) {
				n++
			}
		}
		return rows.Err()
	})
	return n, err
}

// Complete marks the study complete.
func (s *sqlStore) Complete(ctx context.Context, study string) error {
	return s.tx(ctx, "completing study "+study, func(tx *sql.Tx) error {
		if err := s.coordinates(ctx, tx, study); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE hypernas_studies SET complete = 1 WHERE name = $1`, study)
		return err
	})
}

// Close hands back this participant's running trials and ends it.
func (s *sqlStore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.silence()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := s.db.ExecContext(ctx, `UPDATE hypernas_trials SET state = 'queued', session = NULL WHERE session = $1 AND state = 'running'`, s.id)
	if err == nil {
		_, err = s.db.ExecContext(ctx, `UPDATE hypernas_sessions SET closed = 1 WHERE id = $1`, s.id)
	}
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("search storage %s: closing: %w", s.where, err)
	}
	return nil
}
