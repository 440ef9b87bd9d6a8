package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/hypernas/go-hypernas/hypernas/search"
)

// permanent marks an error that retrying cannot cure (a refused lock, a
// settings mismatch): it is returned at once.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// transient reports whether err may go away by itself: the server
// restarting or unreachable, a connection cut, a lock held by another
// process, a serialisation conflict.
func transient(err error) bool {
	var p permanent
	if errors.As(err, &p) {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case len(pg.Code) == 5 && pg.Code[:2] == "08", // connection exception
			pg.Code == "57P01", pg.Code == "57P02", pg.Code == "57P03", // shutdown, crash, starting up
			pg.Code == "40001", pg.Code == "40P01", // serialisation failure, deadlock
			pg.Code == "53300": // too many connections
			return true
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 5, 6, 10, 14, 15: // BUSY, LOCKED, IOERR, CANTOPEN, PROTOCOL
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.SafeToRetry(err) || pgconn.Timeout(err) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// retry runs f until it succeeds, fails for good, or has failed for longer
// than the retry setting, backing off from 50 ms to 2 s between attempts.
func (s *sqlStore) retry(ctx context.Context, what string, f func(context.Context) error) error {
	start := time.Now()
	wait := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := f(ctx)
		if err == nil {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if !transient(err) {
			var p permanent
			if errors.As(err, &p) {
				return p.err
			}
			return fmt.Errorf("search storage %s: %s: %w", s.where, what, err)
		}
		if time.Since(start)+wait > s.cfg.retry {
			return fmt.Errorf("%w: %s: %s failed for %.1f s (%d attempts; the results told before are kept, run again to resume): %v",
				search.ErrStorage, s.where, what, time.Since(start).Seconds(), attempt, err)
		}
		// Jitter, so that the workers of a study do not retry in step.
		d := wait/2 + rand.N(wait/2+1)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// tx runs f in a transaction, retried as a whole.
func (s *sqlStore) tx(ctx context.Context, what string, f func(*sql.Tx) error) error {
	return s.retry(ctx, what, func(ctx context.Context) error {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := f(tx); err != nil {
			_ = tx.Rollback()
			return err
		}
		return tx.Commit()
	})
}
