// Package sqlite is the embedded store: one SQLite file (or an in-memory
// database) through the pure-Go modernc.org/sqlite driver, so wslocal needs
// no cgo and no server.
package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlstore"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a SQLite-backed store.Store.
type Store struct {
	// write has one connection and begins IMMEDIATE transactions: writers
	// queue in Go instead of failing with SQLITE_BUSY.
	write *sql.DB
	// read serves read-only transactions; WAL lets them run beside a writer.
	// For an in-memory database it is the same pool as write.
	read *sql.DB
	path string
	// The prepared statements of each pool (the same for an in-memory
	// database, whose pools are one).
	writeStmts, readStmts *sqlstore.Stmts
	// reader runs the view statements on the read pool.
	reader sqlstore.DB
	// lockFile, held open, says that this process alone uses the file.
	lockFile io.Closer
	// views keeps the Describe views between writes; nil when another
	// process might write to the database.
	views *sqlstore.ViewCache
	// dues bounds the due times of the partitions, so that most writes
	// need not ask whether a step is due; nil when views is.
	dues *sqlstore.Dues
	// memo keeps what writes remember of the rows for the next write
	// (store.Memoizer); nil when views is.
	memo *sqlstore.Memo
	// writes commits the writes that queue behind a transaction together.
	writes sqlstore.Combiner
	// checkpoints copies a file's WAL into it, off the write connection
	// (checkpoint.go); nil in memory.
	checkpoints *checkpointer

	closeOnce sync.Once
	closeErr  error
}

var (
	_ store.Store          = (*Store)(nil)
	_ store.ResourceViewer = (*Store)(nil)
)

// ErrInUse is the error of Open when another process has the database open.
var ErrInUse = errors.New("the database is in use by another process")

// Open opens (creating if needed) the database at path and applies the
// migrations it lacks. The path ":memory:" opens a private in-memory database.
//
// One process at a time has a database file open: Open locks the file
// itself (its inode, whatever path or link names it), and fails with ErrInUse while another process holds it. Owning every
// write is what lets the store keep the views it reads between writes
// (sqlstore.ViewCache); several processes share one state through
// PostgreSQL.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == ":memory:" {
		// A named in-memory database exists while a connection is open;
		// with one connection the same code serves reads and writes.
		name := "file:wslocal-" + rand.Text() + "?mode=memory&_txlock=immediate&_pragma=foreign_keys(1)"
		db, err := sql.Open("sqlite", name)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(1)
		db.SetConnMaxIdleTime(0)
		db.SetConnMaxLifetime(0)
		s := &Store{write: db, read: db, path: path, views: new(sqlstore.ViewCache), dues: new(sqlstore.Dues),
			memo: new(sqlstore.Memo)}
		if err := s.migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
		s.writeStmts = sqlstore.NewStmts(db)
		s.readStmts = s.writeStmts
		s.reader = sqlstore.DB{DB: db, Stmts: s.readStmts, Detach: true}
		s.combine()
		return s, nil
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create the directory of %s: %w", path, err)
		}
	}
	lockFile, err := lock(path)
	if err != nil {
		return nil, err
	}
	s, err := open(ctx, path)
	if err != nil {
		if lockFile != nil {
			lockFile.Close()
		}
		return nil, err
	}
	s.lockFile = lockFile
	if lockFile != nil {
		s.views, s.dues, s.memo = new(sqlstore.ViewCache), new(sqlstore.Dues), new(sqlstore.Memo)
	}
	s.combine()
	return s, nil
}

// open opens the database file at path.
//
// Every connection names the same VFS (ownVFS): on unix, one that keeps
// the WAL's index in this process's memory.
func open(ctx context.Context, path string) (*Store, error) {
	pragmas := ownVFS + "_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
	write, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&"+pragmas+autoCheckpointOff)
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	s := &Store{write: write, path: path}
	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, err
	}
	// Every reader stays open: a connection closed for being idle costs
	// the next read a new connection, which reads the schema again.
	read.SetMaxOpenConns(readers())
	read.SetMaxIdleConns(readers())
	s.read = read
	if s.checkpoints, err = startCheckpoints("file:"+path+"?"+pragmas, write); err != nil {
		read.Close()
		write.Close()
		return nil, err
	}
	s.writeStmts, s.readStmts = sqlstore.NewStmts(write), sqlstore.NewStmts(read)
	s.reader = sqlstore.DB{DB: read, Stmts: s.readStmts, Detach: true}
	return s, nil
}

// readers is the size of the read pool: reads beyond the cores only queue
// inside SQLite's page cache mutex, but a few more hide a reader waiting
// on the disk.
func readers() int {
	return max(4, 2*runtime.GOMAXPROCS(0))
}

// migrate applies the embedded migrations that the database has not seen.
func (s *Store) migrate(ctx context.Context) error {
	begin := func(ctx context.Context) (*sql.Tx, error) { return s.write.BeginTx(ctx, nil) }
	if err := sqlstore.Migrate(ctx, migrations, begin); err != nil {
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	return nil
}

func (s *Store) inTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	return sqlstore.Run(tx, fn)
}

// Read implements store.Store. A read takes a few hundred microseconds and
// holds no lock a writer waits for, so it runs to its end even when ctx is
// canceled: not watching ctx spares a goroutine per statement.
func (s *Store) Read(ctx context.Context, fn func(store.Tx) error) error {
	return s.inTx(context.WithoutCancel(ctx), s.read, func(tx *sql.Tx) error {
		return fn(&sqlstore.Tx{Tx: tx, Stmts: s.readStmts, Detach: true})
	})
}

// Write implements store.Store: through the Combiner, which commits the
// writes that queue behind a transaction together.
func (s *Store) Write(ctx context.Context, fn func(store.Tx) error) error {
	return s.writes.Write(ctx, fn)
}

// combine sets up the Combiner, once the pools and caches are.
func (s *Store) combine() {
	s.writes = sqlstore.Combiner{
		Begin: func() (*sql.Tx, error) { return s.write.BeginTx(context.Background(), nil) },
		Alone: s.writeAlone,
		Tx: func(tx *sql.Tx) *sqlstore.Tx {
			return &sqlstore.Tx{Tx: tx, Stmts: s.writeStmts, Dues: s.dues, Memo: s.memo}
		},
		Dues:   s.dues,
		Ended:  s.invalidate,
		Linger: linger,
	}
}

// writeAlone runs fn in a transaction of its own.
func (s *Store) writeAlone(ctx context.Context, fn func(store.Tx) error) (err error) {
	defer func() { s.invalidate(err == nil) }()
	kept := false
	err = s.inTx(ctx, s.write, func(tx *sql.Tx) error {
		stx := &sqlstore.Tx{Tx: tx, Stmts: s.writeStmts, Dues: s.dues, Memo: s.memo}
		if err := fn(stx); err != nil {
			return err
		}
		// The one writer holds the database until the commit.
		kept = stx.KeepDues()
		stx.KeepMemo()
		return nil
	})
	if err != nil && kept {
		// The commit failed after the bounds were kept.
		s.dues.Reset()
	}
	return err
}

// WriteIn implements store.Store. SQLite has one writer: every write
// excludes every other, whatever its partitions.
func (s *Store) WriteIn(ctx context.Context, _ []store.Partition, fn func(store.Tx) error) error {
	return s.Write(ctx, fn)
}

// invalidate drops the views kept, once a write has ended, and tells the
// Memo whether it committed, before the next write begins.
func (s *Store) invalidate(committed bool) {
	if s.views != nil {
		s.views.Invalidate()
	}
	if s.memo != nil {
		s.memo.Publish(committed)
	}
}

// ViewResource implements store.ResourceViewer, on the read pool.
func (s *Store) ViewResource(ctx context.Context, p store.Partition, kind, id, resourceType string, now time.Time) (store.ResourceView, error) {
	if s.views != nil {
		return s.views.ViewResource(ctx, &s.reader, p, kind, id, resourceType, now)
	}
	return s.reader.ViewResource(ctx, p, kind, id, resourceType, now)
}

// ViewResources implements store.ResourceViewer.
func (s *Store) ViewResources(ctx context.Context, p store.Partition, kind string, now time.Time) (store.ResourcesView, error) {
	if s.views != nil {
		return s.views.ViewResources(ctx, &s.reader, p, kind, now)
	}
	return s.reader.ViewResources(ctx, p, kind, now)
}

// Reset implements store.Store: one write of the shared DeleteAll, which
// knows the tables and their order.
func (s *Store) Reset(ctx context.Context) error {
	return s.Write(ctx, func(tx store.Tx) error { return tx.DeleteAll(ctx) })
}

// Kind implements store.Store: "sqlite", or "memory" for a database that
// is gone when wslocal stops.
func (s *Store) Kind() string {
	if s.path == ":memory:" {
		return "memory"
	}
	return "sqlite"
}

// Ping implements store.Store. An in-memory database is part of the
// process, always there; a file's read pool is asked for a connection,
// which a writer never holds.
func (s *Store) Ping(ctx context.Context) error {
	if s.read == s.write {
		return nil
	}
	return s.read.PingContext(ctx)
}

// Close implements store.Store: it checkpoints the WAL into the main file.
// Closing again does nothing.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	var errs []error
	if s.readStmts != s.writeStmts {
		errs = append(errs, s.readStmts.Close())
	}
	errs = append(errs, s.writeStmts.Close())
	if s.read != nil && s.read != s.write {
		errs = append(errs, s.read.Close())
	}
	errs = append(errs, s.checkpoints.close())
	if s.path != ":memory:" {
		_, err := s.write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
		errs = append(errs, err)
	}
	errs = append(errs, s.write.Close())
	if s.lockFile != nil { // last: the file is no longer in use
		errs = append(errs, s.lockFile.Close())
	}
	return errors.Join(errs...)
}

// linger is the Combiner's Linger: long enough for the writes of the
// connections in flight to queue (Associate at 8 connections: 1.68x the
// requests/s of no linger), short enough that two connections lose
// nothing (1.15x); 100 us was 0.89x at two.
const linger = 25 * time.Microsecond
