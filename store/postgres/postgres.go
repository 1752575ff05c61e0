// Package postgres is the shared store: several wslocal replicas on one
// PostgreSQL database, through pgx. It runs the same SQL as the SQLite
// store (store/sqlstore) with numbered placeholders.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// lockKey is the advisory lock every write transaction on a schema holds:
// writes are serialised across all replicas of one schema, as they are on
// SQLite, so a lifecycle step is read and applied by one transaction at a
// time and never twice. The key is the FNV-1a hash (64 bits, as a signed
// bigint) of "wslocal:" and the schema's name, so that deployments on
// different schemas of one database never wait for each other.
func lockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("wslocal:" + schema))
	return int64(h.Sum64())
}

// Options bound how long a session may wait or stay silent. Zero turns a
// bound off, as it does in PostgreSQL.
type Options struct {
	// LockTimeout bounds the wait for the schema's write lock (and any
	// other lock): PostgreSQL's lock_timeout. A write that waits longer
	// fails with store.ErrUnavailable.
	LockTimeout time.Duration
	// StatementTimeout bounds one statement: statement_timeout.
	StatementTimeout time.Duration
	// IdleInTransactionTimeout is how long a session may stay idle inside
	// a transaction before PostgreSQL ends it, releasing its locks:
	// idle_in_transaction_session_timeout. It frees the write lock of a
	// replica whose connection went silent mid-transaction.
	IdleInTransactionTimeout time.Duration
}

// DefaultOptions are the bounds of --pg-lock-timeout, --pg-statement-timeout
// and --pg-idle-in-transaction-timeout. wslocal's transactions take
// milliseconds: a session idle in one for 5 s is stuck. A write waits up
// to 10 s for the lock, longer than it takes PostgreSQL to end a stuck
// holder, so that a replica that went silent delays the others' writes
// but does not fail them.
func DefaultOptions() Options {
	return Options{LockTimeout: 10 * time.Second, StatementTimeout: 30 * time.Second, IdleInTransactionTimeout: 5 * time.Second}
}

// Keepalives, on both ends of every connection: a peer that vanished is
// noticed in about 30 s instead of the hours of TCP's defaults.
const (
	keepaliveIdle     = 15 * time.Second
	keepaliveInterval = 5 * time.Second
	keepaliveCount    = 3
)

// watchdogMargin is what the watchdog (see inTx) allows beyond the
// server's own bounds, for the network.
const watchdogMargin = time.Second

// Store is a PostgreSQL-backed store.Store.
type Store struct {
	db *sql.DB
	// health has one connection of its own, so that a pool busy with
	// writes waiting for the lock does not make the database look down.
	health *sql.DB
	// lock is the schema's write lock (lockKey).
	lock int64
	// silence is how long a transaction's connection may stay silent
	// before wslocal gives it up: longer than any statement plus the idle
	// time PostgreSQL allows after it (0: never).
	silence time.Duration
	// viewLimit bounds the one-statement views the same way.
	viewLimit time.Duration
}

var (
	_ store.Store          = (*Store)(nil)
	_ store.ResourceViewer = (*Store)(nil)
)

// Open connects to the database the URL names (postgres://...; a
// search_path parameter selects a schema, created if missing) with
// DefaultOptions and applies the migrations it lacks.
func Open(ctx context.Context, url string) (*Store, error) {
	return OpenWith(ctx, url, DefaultOptions())
}

// OpenWith is Open with the session bounds of opts, which override any the
// URL sets.
func OpenWith(ctx context.Context, url string, opts Options) (*Store, error) {
	if opts.LockTimeout < 0 || opts.StatementTimeout < 0 || opts.IdleInTransactionTimeout < 0 {
		return nil, errors.New("the PostgreSQL timeouts cannot be negative")
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	params := cfg.RuntimeParams
	params["lock_timeout"] = millis(opts.LockTimeout)
	params["statement_timeout"] = millis(opts.StatementTimeout)
	params["idle_in_transaction_session_timeout"] = millis(opts.IdleInTransactionTimeout)
	params["tcp_keepalives_idle"] = strconv.Itoa(int(keepaliveIdle / time.Second))
	params["tcp_keepalives_interval"] = strconv.Itoa(int(keepaliveInterval / time.Second))
	params["tcp_keepalives_count"] = strconv.Itoa(keepaliveCount)
	if params["application_name"] == "" {
		params["application_name"] = "wslocal"
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	dialer := &net.Dialer{KeepAliveConfig: net.KeepAliveConfig{
		Enable: true, Idle: keepaliveIdle, Interval: keepaliveInterval, Count: keepaliveCount}}
	cfg.DialFunc = dialer.DialContext

	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	health := stdlib.OpenDB(*cfg)
	health.SetMaxOpenConns(1)
	health.SetMaxIdleConns(1)
	s := &Store{db: db, health: health}
	if opts.StatementTimeout > 0 && opts.IdleInTransactionTimeout > 0 {
		s.silence = opts.StatementTimeout + opts.IdleInTransactionTimeout + watchdogMargin
	}
	if opts.StatementTimeout > 0 {
		s.viewLimit = opts.StatementTimeout + watchdogMargin
	}
	if err := db.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// millis is a duration as PostgreSQL's milliseconds, rounded up so that a
// bound below a millisecond does not turn into 0, "no bound".
func millis(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Millisecond-1)/time.Millisecond), 10)
}

// migrate applies the embedded migrations in order, under a session lock
// so that replicas starting together do not race.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var schema sql.NullString
	if err := conn.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil || !schema.Valid {
		// The search_path names a schema that does not exist yet.
		var path string
		if err := conn.QueryRowContext(ctx, `SHOW search_path`).Scan(&path); err != nil {
			return err
		}
		name := strings.TrimSpace(strings.Split(path, ",")[0])
		if _, err := conn.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+quoteIdent(name)); err != nil {
			return fmt.Errorf("create schema %s: %w", name, err)
		}
	}
	if err := conn.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil || !schema.Valid {
		return fmt.Errorf("no schema to work in (check search_path): %v", err)
	}
	s.lock = lockKey(schema.String)
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, s.lock); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, s.lock) //nolint:errcheck
	return sqlstore.Migrate(ctx, migrations, func(ctx context.Context) (*sql.Tx, error) { return conn.BeginTx(ctx, nil) })
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// inTx runs fn in a transaction, under the schema's write lock when lock
// is set. The errors of a database that does not answer in time wrap
// store.ErrUnavailable.
//
// A watchdog closes the transaction's connection when no statement has
// started for longer than one statement and the idle time after it may
// last (Store.silence). By then PostgreSQL has ended the session, on its
// side (statement_timeout, idle_in_transaction_session_timeout), which
// released the lock; a connection still waiting has gone silent (a network
// that drops everything, a proxy that stopped forwarding) and would hold
// the request until TCP gives up.
func (s *Store) inTx(ctx context.Context, opts *sql.TxOptions, lock bool, fn func(*sqlstore.Tx) error) error {
	return unavailable(s.runTx(ctx, opts, lock, fn))
}

func (s *Store) runTx(ctx context.Context, opts *sql.TxOptions, lock bool, fn func(*sqlstore.Tx) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var watch func()
	if s.silence > 0 {
		var pg net.Conn
		if err := conn.Raw(func(dc any) error {
			pg = dc.(*stdlib.Conn).Conn().PgConn().Conn()
			return nil
		}); err != nil {
			return err
		}
		var once sync.Once
		dog := time.AfterFunc(s.silence, func() { once.Do(func() { pg.Close() }) })
		defer dog.Stop()
		watch = func() { dog.Reset(s.silence) }
	}
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	return sqlstore.Run(tx, func(tx *sql.Tx) error {
		if lock {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, s.lock); err != nil {
				return fmt.Errorf("take the write lock: %w", err)
			}
		}
		return fn(&sqlstore.Tx{Tx: tx, Rebind: sqlstore.RebindDollar, Watch: watch})
	})
}

// Read implements store.Store: a read-only snapshot.
func (s *Store) Read(ctx context.Context, fn func(store.Tx) error) error {
	return s.inTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}, false,
		func(tx *sqlstore.Tx) error { return fn(tx) })
}

// Write implements store.Store.
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.inTx(ctx, nil, true, func(tx *sqlstore.Tx) error { return fn(tx) })
}

// ViewResource implements store.ResourceViewer: one statement, one round
// trip, instead of a transaction's four.
func (s *Store) ViewResource(ctx context.Context, p store.Partition, kind, id, resourceType string, now time.Time) (store.ResourceView, error) {
	ctx, cancel := s.viewCtx(ctx)
	defer cancel()
	db := sqlstore.DB{DB: s.db}
	v, err := db.ViewResource(ctx, p, kind, id, resourceType, now)
	return v, unavailable(err)
}

// ViewResources implements store.ResourceViewer.
func (s *Store) ViewResources(ctx context.Context, p store.Partition, kind string, now time.Time) (store.ResourcesView, error) {
	ctx, cancel := s.viewCtx(ctx)
	defer cancel()
	db := sqlstore.DB{DB: s.db}
	v, err := db.ViewResources(ctx, p, kind, now)
	return v, unavailable(err)
}

// viewCtx bounds a view, one statement, as the watchdog bounds a
// transaction's silence.
func (s *Store) viewCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.viewLimit == 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.viewLimit)
}

// Reset implements store.Store.
func (s *Store) Reset(ctx context.Context) error {
	return s.inTx(ctx, nil, true, func(tx *sqlstore.Tx) error {
		if tx.Watch != nil {
			tx.Watch()
		}
		_, err := tx.Tx.ExecContext(ctx, `TRUNCATE shares, tags, associations, resources`)
		return err
	})
}

// Ping implements store.Store, on a connection of its own. Its error says
// why without the connection's details (user, database, address): the
// health endpoint shows it to anyone.
func (s *Store) Ping(ctx context.Context) error {
	err := s.health.PingContext(ctx)
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	switch {
	case ctx.Err() != nil:
		err = errors.New("PostgreSQL did not answer in time")
	case errors.As(err, &pgErr):
		err = fmt.Errorf("PostgreSQL: %s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
	default:
		err = fmt.Errorf("PostgreSQL cannot be reached: %v", innermost(err))
	}
	return &unavailableError{err}
}

// innermost is the last error of err's chain (the first branch of a join):
// the cause, as "connection refused", without the layers that name the
// user, the database and the address.
func innermost(err error) error {
	for {
		var next error
		switch e := err.(type) {
		case interface{ Unwrap() error }:
			next = e.Unwrap()
		case interface{ Unwrap() []error }:
			if errs := e.Unwrap(); len(errs) > 0 {
				next = errs[0]
			}
		}
		if next == nil {
			return err
		}
		err = next
	}
}

// Kind implements store.Store.
func (s *Store) Kind() string { return "postgres" }

// Close implements store.Store.
func (s *Store) Close() error { return errors.Join(s.db.Close(), s.health.Close()) }

// DropSchema drops a schema and everything in it: for tests that made
// their own.
func DropSchema(ctx context.Context, url, schema string) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+quoteIdent(schema)+` CASCADE`)
	return err
}
