package storage

// dialect is what differs between the SQL databases.
type dialect struct {
	// now is an expression for the database's clock in Unix seconds: one
	// clock for every participant, whatever their machines' clocks say.
	now string
	// forUpdate locks the rows a SELECT reads until the end of the
	// transaction (SQLite's write transactions exclude each other anyway).
	forUpdate string
	// skipLocked lets concurrent claims take different trials.
	skipLocked string
	// initLock serialises the creation of the tables.
	initLock string
}

var (
	sqliteDialect = dialect{now: `((julianday('now') - 2440587.5) * 86400.0)`}

	postgresDialect = dialect{
		now:        `CAST(extract(epoch FROM clock_timestamp()) AS DOUBLE PRECISION)`,
		forUpdate:  ` FOR UPDATE`,
		skipLocked: ` FOR UPDATE SKIP LOCKED`,
		initLock:   `SELECT pg_advisory_xact_lock(7431902215)`,
	}
)
