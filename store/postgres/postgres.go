// Package postgres is the shared store: several wslocal replicas on one
// PostgreSQL database, through pgx. It runs the same SQL as the SQLite
// store (store/sqlstore) with numbered placeholders.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// writeLock is the advisory lock every write transaction holds: writes are
// serialised across all replicas, as they are on SQLite, so a lifecycle
// step is read and applied by one transaction at a time and never twice.
const writeLock = 0x77736c6f63616c // "wslocal"

// Store is a PostgreSQL-backed store.Store.
type Store struct {
	db *sql.DB
}

var (
	_ store.Store          = (*Store)(nil)
	_ store.ResourceViewer = (*Store)(nil)
)

// Open connects to the database the URL names (postgres://...; a
// search_path parameter selects a schema, created if missing) and applies
// the migrations it lacks.
func Open(ctx context.Context, url string) (*Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// migrate applies the embedded migrations in order, under a session lock
// so that replicas starting together do not race.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var schema string
	if err := conn.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil || schema == "" {
		// The search_path names a schema that does not exist yet.
		var path string
		if err := conn.QueryRowContext(ctx, `SHOW search_path`).Scan(&path); err != nil {
			return err
		}
		schema = strings.TrimSpace(strings.Split(path, ",")[0])
		if _, err := conn.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+quoteIdent(schema)); err != nil {
			return fmt.Errorf("create schema %s: %w", schema, err)
		}
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, writeLock); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, writeLock) //nolint:errcheck
	return sqlstore.Migrate(ctx, migrations, func(ctx context.Context) (*sql.Tx, error) { return conn.BeginTx(ctx, nil) })
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func (s *Store) inTx(ctx context.Context, opts *sql.TxOptions, lock bool, fn func(store.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	return sqlstore.Run(tx, func(tx *sql.Tx) error {
		if lock {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLock); err != nil {
				return err
			}
		}
		return fn(&sqlstore.Tx{Tx: tx, Rebind: sqlstore.RebindDollar})
	})
}

// Read implements store.Store: a read-only snapshot.
func (s *Store) Read(ctx context.Context, fn func(store.Tx) error) error {
	return s.inTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}, false, fn)
}

// Write implements store.Store.
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.inTx(ctx, nil, true, fn)
}

// ViewResource implements store.ResourceViewer: one statement, one round
// trip, instead of a transaction's four.
func (s *Store) ViewResource(ctx context.Context, p store.Partition, kind, id, resourceType string, now time.Time) (store.ResourceView, error) {
	db := sqlstore.DB{DB: s.db}
	return db.ViewResource(ctx, p, kind, id, resourceType, now)
}

// ViewResources implements store.ResourceViewer.
func (s *Store) ViewResources(ctx context.Context, p store.Partition, kind string, now time.Time) (store.ResourcesView, error) {
	db := sqlstore.DB{DB: s.db}
	return db.ViewResources(ctx, p, kind, now)
}

// Reset implements store.Store.
func (s *Store) Reset(ctx context.Context) error {
	return s.inTx(ctx, nil, true, func(tx store.Tx) error {
		_, err := tx.(*sqlstore.Tx).Tx.ExecContext(ctx, `TRUNCATE shares, tags, associations, resources`)
		return err
	})
}

// Kind implements store.Store.
func (s *Store) Kind() string { return "postgres" }

// Close implements store.Store.
func (s *Store) Close() error { return s.db.Close() }

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
