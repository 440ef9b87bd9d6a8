// Package storage keeps search studies in a database, so that a search
// survives a crash and workers on several machines can share it: a SQLite
// file (pure Go, no cgo) on one machine, PostgreSQL across machines.
//
// The common case:
//
//	store, err := storage.Open(ctx, "sqlite:search.db") // or "postgres://user:pass@host/db"
//	defer store.Close()
//	res, err := s.Search(ctx, space, oracle, 100, search.WithStorage(store, "nb201-run1"), search.WithWorkers(4))
//
// Running the same code again resumes the study: every told result is kept,
// the trials that were being evaluated when the process died are handed
// out again, and the budget counts what was done. search.Work lets other
// processes (on other machines, with PostgreSQL) evaluate the study's
// trials; one process, the coordinator, runs the strategy, and a second
// coordinator of the same study is refused with search.ErrStudyLocked.
//
// The tables (hypernas_meta, hypernas_studies, hypernas_trials,
// hypernas_sessions) carry a schema version: a database of another version
// is refused with search.ErrSchemaVersion. Every participant heartbeats; one
// silent for longer than its lease (WithLease), or whose process on this
// machine has exited, is taken for dead and its trials are handed out
// again. An operation that fails because the database is away is retried
// with back-off (WithRetry) before it fails with search.ErrStorage.
package storage
