package search

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hypernas/go-hypernas/hypernas"
)

var (
	// ErrStudyMismatch reports a study that exists in the storage with
	// other settings (strategy, space, budget, seed …) than the search
	// that opens it.
	ErrStudyMismatch = errors.New("search: the study exists with other settings")
	// ErrStudyLocked reports a study that another live process
	// coordinates: two coordinators would interleave their proposals.
	ErrStudyLocked = errors.New("search: another coordinator runs the study")
	// ErrLockLost reports that another coordinator took a study over
	// (this one had stopped heartbeating, e.g. while suspended).
	ErrLockLost = errors.New("search: another coordinator took the study over")
	// ErrStorage wraps a storage failure that retries did not overcome
	// (the database stayed unreachable). What was told before it is kept.
	ErrStorage = errors.New("search: storage unavailable")
	// ErrSchemaVersion reports a database written by another version of
	// this library's schema.
	ErrSchemaVersion = errors.New("search: storage schema version mismatch")
	// ErrNoStudy reports a study that the storage does not hold.
	ErrNoStudy = errors.New("search: no such study")
)

// TrialState is where a trial of a study stands.
type TrialState string

// The states of a trial: handed out to no one yet, being evaluated, told.
const (
	Queued  TrialState = "queued"
	Running TrialState = "running"
	Done    TrialState = "done"
	Failed  TrialState = "failed"
)

// Told reports whether the trial's result is recorded.
func (s TrialState) Told() bool { return s == Done || s == Failed }

// TrialRecord is a trial as a Storage keeps it.
type TrialRecord struct {
	Number int
	Arch   string
	State  TrialState
	// Cost is the trial's second objective (NaN without one).
	Cost float64
	// Eval and Error are the result of a told trial.
	Eval  Evaluation
	Error string
	// Told is the 1-based order in which the study's results were told
	// (0 while not told); Elapsed the time from the study's start (its
	// first trial) to the result.
	Told    int
	Elapsed time.Duration
	// HandedOut counts how many times the trial was handed out (more than
	// once when a worker died with it).
	HandedOut int
	// Worker names the process that evaluates or evaluated it.
	Worker string
}

// StudyInfo describes a study of a Storage.
type StudyInfo struct {
	Name     string
	Settings map[string]string
	Created  time.Time
	// Started is when the study's first trial was handed out (zero
	// before): its queries' Elapsed count from it.
	Started time.Time
	// Complete is set when the study's budget was spent (or its strategy
	// ran out of architectures) and every trial was told.
	Complete bool
}

// Storage keeps studies: their settings, trials and results, shared by a
// coordinator (the process that runs the strategy) and any number of
// workers. NewMemoryStorage keeps them in this process; package
// hypernas/search/storage opens SQLite files and PostgreSQL databases.
//
// Each Storage value is one participant (a process, with a name that
// Worker fields show). Every method is safe for concurrent use, and a told
// result is durable when Finish returns.
type Storage interface {
	// OpenStudy creates the study with these settings or, when it exists,
	// checks that its settings are the same (ErrStudyMismatch).
	OpenStudy(ctx context.Context, name string, settings map[string]string) (StudyInfo, error)
	// Studies lists the studies whose name is prefix or starts with
	// prefix + "/".
	Studies(ctx context.Context, prefix string) ([]StudyInfo, error)
	// Lock makes this participant the study's coordinator, refused with
	// ErrStudyLocked while another live participant is; it also hands the
	// trials of dead participants back (as Requeue).
	Lock(ctx context.Context, study string) error
	// Trials returns every trial of the study, by number.
	Trials(ctx context.Context, study string) ([]TrialRecord, error)
	// Told returns the trials told after the first after ones, in the
	// order they were told.
	Told(ctx context.Context, study string, after int) ([]TrialRecord, error)
	// Add records a new trial (Queued, or Running by this participant);
	// only the coordinator may add (ErrLockLost once another took over).
	Add(ctx context.Context, study string, t TrialRecord) error
	// Claim hands the oldest queued trial of the named studies to this
	// participant (Running); ok is false when none is queued.
	Claim(ctx context.Context, studies []string) (study string, t TrialRecord, ok bool, err error)
	// Finish records the result of a trial (State Done or Failed, Eval,
	// Error) exactly once and returns the stored record: when the trial
	// was already told, by another worker that was given it again, the
	// first result stands.
	Finish(ctx context.Context, study string, t TrialRecord) (TrialRecord, error)
	// Release hands a running trial of this participant back (Queued),
	// unevaluated.
	Release(ctx context.Context, study string, number int) error
	// Requeue hands back the running trials of participants that died
	// and returns how many.
	Requeue(ctx context.Context, study string) (int, error)
	// Serve registers this participant as a worker of the studies named
	// prefix (as Studies) until stop is called; Workers counts the live
	// workers of a study.
	Serve(ctx context.Context, prefix string) (stop func(), err error)
	Workers(ctx context.Context, study string) (int, error)
	// Complete marks the study complete (coordinator only).
	Complete(ctx context.Context, study string) error
	// Name names this participant (host, process and a random part).
	Name() string
	// String names the storage for messages (a URL without its password).
	String() string
	// Close hands back this participant's running trials and ends it.
	Close() error
}

// checkStudyName refuses names a storage could not keep or a worker could
// not select.
func checkStudyName(name string) error {
	if name == "" || len(name) > 200 || strings.TrimSpace(name) != name || strings.ContainsAny(name, "\x00\n\r") {
		return fmt.Errorf("%w: study name %q (want 1 to 200 characters, no surrounding spaces or line breaks)", hypernas.ErrBadOption, name)
	}
	return nil
}

// MatchStudy reports whether study is one of the studies named prefix:
// prefix itself or a name under it (prefix + "/…").
func MatchStudy(study, prefix string) bool {
	return study == prefix || strings.HasPrefix(study, prefix+"/")
}

// SettingsDiff compares a study's settings with a search's and returns an
// error wrapping ErrStudyMismatch that names every difference, nil when
// they agree. Storage implementations call it from OpenStudy.
func SettingsDiff(where, study string, have, want map[string]string) error {
	var diffs []string
	for _, k := range slices.Sorted(maps.Keys(joinKeys(have, want))) {
		h, hok := have[k]
		w, wok := want[k]
		switch {
		case !hok:
			diffs = append(diffs, fmt.Sprintf("%s not set (this search: %s)", k, w))
		case !wok:
			diffs = append(diffs, fmt.Sprintf("%s %s (not set in this search)", k, h))
		case h != w:
			diffs = append(diffs, fmt.Sprintf("%s %s (this search: %s)", k, h, w))
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: study %q in %s was created with %s; use another study name, or the study's settings",
		ErrStudyMismatch, study, where, strings.Join(diffs, "; "))
}

func joinKeys(a, b map[string]string) map[string]bool {
	out := make(map[string]bool, len(a)+len(b))
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// MemoryStorage keeps studies in this process: what Search uses without
// WithStorage. Nothing survives the process. Its zero value is an empty
// storage.
type MemoryStorage struct {
	mu      sync.Mutex
	serving map[int]string // Work calls, by a serial number
	serial  int
	name    string
	studies map[string]*memStudy
	closed  bool
}

type memStudy struct {
	info   StudyInfo
	trials []TrialRecord
	told   []int // trial numbers in told order
}

// NewMemoryStorage returns an empty in-memory storage.
func NewMemoryStorage() *MemoryStorage {
	return &MemoryStorage{name: "memory", studies: map[string]*memStudy{}, serving: map[int]string{}}
}

// init makes the zero value usable; m.mu is held.
func (m *MemoryStorage) init() {
	if m.studies == nil {
		m.name, m.studies, m.serving = "memory", map[string]*memStudy{}, map[int]string{}
	}
}

func (m *MemoryStorage) study(name string) (*memStudy, error) {
	m.init()
	if m.closed {
		return nil, fmt.Errorf("%w: the memory storage is closed", ErrStorage)
	}
	s, ok := m.studies[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q in memory", ErrNoStudy, name)
	}
	return s, nil
}

// OpenStudy creates the study or checks its settings.
func (m *MemoryStorage) OpenStudy(_ context.Context, name string, settings map[string]string) (StudyInfo, error) {
	if err := checkStudyName(name); err != nil {
		return StudyInfo{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	if m.closed {
		return StudyInfo{}, fmt.Errorf("%w: the memory storage is closed", ErrStorage)
	}
	if s, ok := m.studies[name]; ok {
		return s.info, SettingsDiff("memory", name, s.info.Settings, settings)
	}
	s := &memStudy{info: StudyInfo{Name: name, Settings: maps.Clone(settings), Created: time.Now()}}
	m.studies[name] = s
	return s.info, nil
}

// Studies lists the studies named prefix.
func (m *MemoryStorage) Studies(_ context.Context, prefix string) ([]StudyInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	var out []StudyInfo
	for name, s := range m.studies {
		if MatchStudy(name, prefix) {
			out = append(out, s.info)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Lock always succeeds: one process holds a memory storage.
func (m *MemoryStorage) Lock(_ context.Context, study string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, err := m.study(study)
	return err
}

// Trials returns the study's trials by number.
func (m *MemoryStorage) Trials(_ context.Context, study string) ([]TrialRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.study(study)
	if err != nil {
		return nil, err
	}
	return slices.Clone(s.trials), nil
}

// Told returns the trials told after the first after ones.
func (m *MemoryStorage) Told(_ context.Context, study string, after int) ([]TrialRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.study(study)
	if err != nil {
		return nil, err
	}
	var out []TrialRecord
	for _, n := range s.told[min(max(after, 0), len(s.told)):] {
		out = append(out, s.trials[n])
	}
	return out, nil
}

// Add records a new trial.
func (m *MemoryStorage) Add(_ context.Context, study string, t TrialRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.study(study)
	if err != nil {
		return err
	}
	if t.Number != len(s.trials) {
		return fmt.Errorf("search: study %q: trial %d added after %d trials", study, t.Number, len(s.trials))
	}
	for _, o := range s.trials {
		if o.Arch == t.Arch {
			return fmt.Errorf("search: study %q: %s is already trial %d", study, t.Arch, o.Number)
		}
	}
	if t.State != Running {
		t.State = Queued
	}
	if s.info.Started.IsZero() {
		s.info.Started = time.Now()
	}
	t.Told, t.HandedOut = 0, 0
	if t.State == Running {
		t.HandedOut, t.Worker = 1, m.name
	}
	s.trials = append(s.trials, t)
	return nil
}

// Claim hands out the oldest queued trial of the named studies.
func (m *MemoryStorage) Claim(_ context.Context, studies []string) (string, TrialRecord, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	best, bestN := "", math.MaxInt
	for _, name := range studies {
		s, err := m.study(name)
		if err != nil {
			return "", TrialRecord{}, false, err
		}
		for _, t := range s.trials {
			if t.State == Queued && t.Number < bestN {
				best, bestN = name, t.Number
				break
			}
		}
	}
	if best == "" {
		return "", TrialRecord{}, false, nil
	}
	t := &m.studies[best].trials[bestN]
	t.State, t.Worker = Running, m.name
	t.HandedOut++
	return best, *t, true, nil
}

// Finish records a trial's result once.
func (m *MemoryStorage) Finish(_ context.Context, study string, t TrialRecord) (TrialRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.study(study)
	if err != nil {
		return TrialRecord{}, err
	}
	if t.Number < 0 || t.Number >= len(s.trials) {
		return TrialRecord{}, fmt.Errorf("search: study %q has no trial %d", study, t.Number)
	}
	st := &s.trials[t.Number]
	if st.State.Told() {
		return *st, nil
	}
	if !t.State.Told() {
		return TrialRecord{}, fmt.Errorf("search: trial %d finished as %q", t.Number, t.State)
	}
	st.State, st.Eval, st.Error = t.State, t.Eval, t.Error
	st.Worker = m.name
	s.told = append(s.told, t.Number)
	st.Told = len(s.told)
	st.Elapsed = time.Since(s.info.Started)
	return *st, nil
}

// Release hands a running trial back.
func (m *MemoryStorage) Release(_ context.Context, study string, number int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.study(study)
	if err != nil {
		return err
	}
	if number >= 0 && number < len(s.trials) && s.trials[number].State == Running {
		s.trials[number].State, s.trials[number].Worker = Queued, ""
	}
	return nil
}

// Requeue has nothing to do: the only participant is alive.
func (m *MemoryStorage) Requeue(context.Context, string) (int, error) { return 0, nil }

// Serve registers a Work call of this process.
func (m *MemoryStorage) Serve(_ context.Context, prefix string) (func(), error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.init()
	m.serial++
	id := m.serial
	m.serving[id] = prefix
	return func() {
		m.mu.Lock()
		delete(m.serving, id)
		m.mu.Unlock()
	}, nil
}

// Workers counts the Work calls serving study.
func (m *MemoryStorage) Workers(_ context.Context, study string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, p := range m.serving {
		if MatchStudy(study, p) {
			n++
		}
	}
	return n, nil
}

// Complete marks the study complete.
func (m *MemoryStorage) Complete(_ context.Context, study string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.study(study)
	if err != nil {
		return err
	}
	s.info.Complete = true
	return nil
}

// Name is "memory".
func (m *MemoryStorage) Name() string { return "memory" }

// String is "memory".
func (m *MemoryStorage) String() string { return "memory" }

// Close ends the storage; its studies are gone.
func (m *MemoryStorage) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
