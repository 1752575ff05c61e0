package sqlstore

import (
	"context"
	"database/sql"
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
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "c.db")+"?_txlock=immediate&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE parent (id TEXT PRIMARY KEY);
		CREATE TABLE child (id TEXT PRIMARY KEY, parent TEXT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`); err != nil {
		t.Fatal(err)
	}
	alone := 0
	c := &Combiner{
		Begin: func() (*sql.Tx, error) { return db.BeginTx(ctx, nil) },
		Alone: func(ctx context.Context, fn func(store.Tx) error) error {
			alone++
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			return Run(tx, func(tx *sql.Tx) error { return fn(&Tx{Tx: tx}) })
		},
		Tx: func(tx *sql.Tx) *Tx { return &Tx{Tx: tx} },
	}
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
	errs := make([]error, len(fns))
	for i, fn := range fns {
		wg.Go(func() { errs[i] = c.Write(ctx, fn) })
		for c.Queued() != i+1 {
			runtime.Gosched()
			time.Sleep(time.Millisecond)
		}
	}
	close(unblock)
	wg.Wait()
	if errs[0] != nil || errs[2] != nil || errs[1] == nil {
		t.Fatalf("answers %v, want nil, a foreign key error, nil", errs)
	}
	if alone != 1+3 {
		t.Errorf("%d transactions alone, want the holding one and the batch's three again", alone)
	}
	var ids []string
	rows, err := db.Query(`SELECT id FROM child ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) != 2 || ids[0] != "a" || ids[1] != "b" {
		t.Errorf("children %v, want a and b", ids)
	}
	if err := c.Write(ctx, child("c", "p")); err != nil {
		t.Errorf("a write after the lost transaction: %v", err)
	}
}
