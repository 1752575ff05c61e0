package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"

	_ "modernc.org/sqlite"
)

// TestLostCombinedTransaction: when the COMMIT of a combined transaction
// fails (here a deferred foreign key that one write breaks), each write
// runs again alone and gets its own answer: the others land, the one at
// fault gets its commit's error.
func TestLostCombinedTransaction(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, "&_pragma=foreign_keys(1)", `CREATE TABLE parent (id TEXT PRIMARY KEY);
		CREATE TABLE child (id TEXT PRIMARY KEY, parent TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`)
	alone := 0
	c := combinerOn(db, &alone)
	child := func(id, parent string) func(store.Tx) error {
		return func(tx store.Tx) error {
			_, err := tx.(*Tx).Tx.ExecContext(ctx, `INSERT INTO child (id, parent) VALUES (?, ?)`, id, parent)
			return err
		}
	}
	started, unblock := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = c.Write(ctx, func(tx store.Tx) error {
			_, err := tx.(*Tx).Tx.ExecContext(ctx, `INSERT INTO parent (id) VALUES ('p')`)
			close(started)
			<-unblock
			return err
		})
	})
	<-started
	fns := []func(store.Tx) error{child("a", "p"), child("orphan", "none"), child("b", "p")}
	errs := queueBehind(c, &wg, fns)
	close(unblock)
	wg.Wait()
	if errs[0] != nil || errs[2] != nil || errs[1] == nil {
		t.Fatalf("answers %v, want nil, a foreign key error, nil", errs)
	}
	if alone != 1+3 {
		t.Errorf("%d transactions alone, want the holding one and the batch's three again", alone)
	}
	ids := idsIn(t, db, "child")
	if len(ids) != 2 || ids[0] != "a" || ids[1] != "b" {
		t.Errorf("children %v, want a and b", ids)
	}
	if err := c.Write(ctx, child("c", "p")); err != nil {
		t.Errorf("a write after the lost transaction: %v", err)
	}
}

// TestLingeringWriteLeadsTheWritesBehindIt: under contention a write that
// finds the writer idle waits (Linger) for writes to queue behind it and
// commits them in its own transaction, each with its own answer; a write
// on a store with no contention lately runs at once, alone.
func TestLingeringWriteLeadsTheWritesBehindIt(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, "", `CREATE TABLE t (id TEXT PRIMARY KEY)`)
	var begins, alone int
	c := combinerOn(db, &alone)
	c.Begin = func() (*sql.Tx, error) { begins++; return db.BeginTx(ctx, nil) }
	c.Linger = time.Minute
	// No write has queued: at once, alone.
	if err := c.Write(ctx, insertInto("quiet", nil)); err != nil || alone != 1 {
		t.Fatalf("a write without contention = %v, ran alone %d times, want nil, 1", err, alone)
	}
	// Two writes queued at once a moment ago: the next write that finds
	// the writer idle waits until as many queue behind it.
	c.mu.Lock()
	c.queuedAt, c.peak = time.Now(), 2
	c.mu.Unlock()
	errBoom := errors.New("boom")
	var leadErr, behindErr, lastErr error
	var wg sync.WaitGroup
	wg.Go(func() { leadErr = c.Write(ctx, insertInto("lead", errBoom)) })
	for {
		c.mu.Lock()
		busy := c.busy
		c.mu.Unlock()
		if busy {
			break
		}
		runtime.Gosched()
	}
	wg.Go(func() { behindErr = c.Write(ctx, insertInto("behind", nil)) })
	for c.Queued() != 1 {
		runtime.Gosched()
	}
	wg.Go(func() { lastErr = c.Write(ctx, insertInto("last", nil)) })
	wg.Wait()
	if !errors.Is(leadErr, errBoom) || behindErr != nil || lastErr != nil {
		t.Fatalf("answers %v, %v, %v; want boom, nil, nil", leadErr, behindErr, lastErr)
	}
	if begins != 1 || alone != 1 {
		t.Errorf("%d combined transactions and %d alone, want 1 and the quiet write's 1", begins, alone)
	}
	ids := idsIn(t, db, "t")
	if len(ids) != 3 || ids[0] != "behind" || ids[1] != "last" || ids[2] != "quiet" {
		t.Errorf("rows %v, want behind, last and quiet (the failed lead's rolled back)", ids)
	}
}

// TestOptimisticCombinedTransaction: without savepoints, a write that
// fails in a combined transaction loses it and gets its own answer; the
// writes before and after it run again alone and land.
func TestOptimisticCombinedTransaction(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, "", `CREATE TABLE t (id TEXT PRIMARY KEY)`)
	var alone int
	c := combinerOn(db, &alone)
	c.Optimistic = true
	errBoom := errors.New("boom")
	started, unblock := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = c.Write(ctx, func(tx store.Tx) error {
			close(started)
			<-unblock
			return nil
		})
	})
	<-started
	fns := []func(store.Tx) error{insertInto("a", nil), insertInto("failed", errBoom), insertInto("b", nil)}
	errs := queueBehind(c, &wg, fns)
	close(unblock)
	wg.Wait()
	if errs[0] != nil || !errors.Is(errs[1], errBoom) || errs[2] != nil {
		t.Fatalf("answers %v, want nil, boom, nil", errs)
	}
	// The holding write, then a and b again (with savepoints: 1).
	if alone != 3 {
		t.Errorf("%d transactions alone, want the holding one and a and b again", alone)
	}
	ids := idsIn(t, db, "t")
	if len(ids) != 2 || ids[0] != "a" || ids[1] != "b" {
		t.Errorf("rows %v, want a and b", ids)
	}
}

// TestJoinedWritesCommitWithTheTransactionRunning: with Join, a write
// that finds the writer idle runs at once in a combined transaction, and
// the writes that queue while it runs join it before its COMMIT: one
// transaction for all, each write its own answer (a failing one rolled
// back to its savepoint), none alone.
func TestJoinedWritesCommitWithTheTransactionRunning(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, "", `CREATE TABLE t (id TEXT PRIMARY KEY)`)
	var begins, alone int
	c := combinerOn(db, &alone)
	c.Begin = func() (*sql.Tx, error) { begins++; return db.BeginTx(ctx, nil) }
	c.Join = true
	errBoom := errors.New("boom")
	started, unblock := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	var holdErr error
	wg.Go(func() {
		holdErr = c.Write(ctx, func(tx store.Tx) error {
			close(started)
			<-unblock
			return insertInto("hold", nil)(tx)
		})
	})
	<-started
	fns := []func(store.Tx) error{insertInto("a", nil), insertInto("failed", errBoom), insertInto("b", nil)}
	errs := queueBehind(c, &wg, fns)
	close(unblock)
	wg.Wait()
	if holdErr != nil || errs[0] != nil || !errors.Is(errs[1], errBoom) || errs[2] != nil {
		t.Fatalf("answers %v, %v, want nil, [nil boom nil]", holdErr, errs)
	}
	if begins != 1 || alone != 0 {
		t.Errorf("%d combined transactions and %d alone, want 1 and 0", begins, alone)
	}
	ids := idsIn(t, db, "t")
	if len(ids) != 3 || ids[0] != "a" || ids[1] != "b" || ids[2] != "hold" {
		t.Errorf("rows %v, want a, b and hold", ids)
	}
}

// insertInto is a write that inserts id into table t, then returns fail.
func insertInto(id string, fail error) func(store.Tx) error {
	return func(tx store.Tx) error {
		if err := tx.(*Tx).exec(context.Background(), `INSERT INTO t (id) VALUES (?)`, id); err != nil {
			return err
		}
		return fail
	}
}

// queueBehind starts a write on c for each of fns, each once the one
// before it queues behind the running write; their answers are in the
// slice returned once wg's writes have ended.
func queueBehind(c *Combiner, wg *sync.WaitGroup, fns []func(store.Tx) error) []error {
	errs := make([]error, len(fns))
	for i, fn := range fns {
		wg.Go(func() { errs[i] = c.Write(context.Background(), fn) })
		for c.Queued() != i+1 {
			runtime.Gosched()
		}
	}
	return errs
}

// openDB opens a SQLite file of one connection in WAL mode, with more
// pragmas (each "&_pragma=..."), and runs schema on it.
func openDB(t *testing.T, pragmas, schema string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "c.db")+"?_txlock=immediate&_pragma=journal_mode(WAL)"+pragmas)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		t.Fatal(err)
	}
	return db
}

// combinerOn is a Combiner of db's writes that counts in *alone the
// transactions it runs alone.
func combinerOn(db *sql.DB, alone *int) *Combiner {
	return &Combiner{
		Begin: func() (*sql.Tx, error) { return db.BeginTx(context.Background(), nil) },
		Alone: func(ctx context.Context, fn func(store.Tx) error) error {
			*alone++
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			return Run(tx, func(tx *sql.Tx) error { return fn(&Tx{Tx: tx}) })
		},
		Tx: func(tx *sql.Tx) *Tx { return &Tx{Tx: tx} },
	}
}

// idsIn is the ids of table, in order.
func idsIn(t *testing.T, db *sql.DB, table string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT id FROM ` + table + ` ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}
