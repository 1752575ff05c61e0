package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlstore"
)

// A write begins its transaction in the round trip of its lock statement
// and ends it itself (postgres.go, finish): what database/sql's Tx did, it
// must do.

// TestWriteThatFailedInsideDoesNotCommit: a statement that failed leaves
// the transaction aborted; a write that ignores the error and returns nil
// gets an error (PostgreSQL answers the COMMIT with ROLLBACK), and nothing
// it wrote is there.
func TestWriteThatFailedInsideDoesNotCommit(t *testing.T) {
	st := openSchema(t)
	ctx := context.Background()
	p := store.Partition{Account: "111111111111", Region: "us-east-1"}
	for _, ps := range [][]store.Partition{{p}, nil} { // one partition, every partition
		err := st.WriteIn(ctx, ps, func(tx store.Tx) error {
			if err := tx.PutResource(ctx, &store.Resource{Partition: p, Kind: "image", ID: "wsi-1", State: "AVAILABLE", Doc: []byte("{}")}); err != nil {
				return err
			}
			_, _ = tx.(*sqlstore.Tx).Tx.ExecContext(ctx, `SELECT 1/0`)
			return nil
		})
		if !errors.Is(err, pgx.ErrTxCommitRollback) {
			t.Errorf("partitions %v: write = %v, want %v", ps, err, pgx.ErrTxCommitRollback)
		}
		if err := st.Read(ctx, func(tx store.Tx) error {
			_, err := tx.GetResource(ctx, p, "image", "wsi-1")
			return err
		}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("partitions %v: the resource after the failed write: %v, want not found", ps, err)
		}
	}
}

// TestFailedAndPanickingWritesLeaveNoTransactionOpen: after writes that
// fail or panic, no connection of the store is left inside a transaction,
// and the next write commits.
func TestFailedAndPanickingWritesLeaveNoTransactionOpen(t *testing.T) {
	st, app := openSchemaNamed(t)
	ctx := context.Background()
	p := store.Partition{Account: "111111111111", Region: "us-east-1"}
	db, err := sql.Open("pgx", URL())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Asked after each write, before the next takes a connection from the
	// pool (which would discard one left inside a transaction).
	noneOpen := func(after string) {
		t.Helper()
		var open int
		if err := db.QueryRow(`SELECT count(*) FROM pg_stat_activity
			WHERE application_name = $1 AND state LIKE 'idle in transaction%'`, app).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open != 0 {
			t.Errorf("after %s: %d connections idle in a transaction", after, open)
		}
	}
	boom := errors.New("boom")
	for _, ps := range [][]store.Partition{{p}, nil} {
		if err := st.WriteIn(ctx, ps, func(store.Tx) error { return boom }); !errors.Is(err, boom) {
			t.Fatalf("failing write = %v, want %v", err, boom)
		}
		noneOpen("a failing write")
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the panic of the write was not raised again")
				}
			}()
			_ = st.WriteIn(ctx, ps, func(store.Tx) error { panic("write panics") })
		}()
		noneOpen("a panicking write")
	}
	if err := st.WriteIn(ctx, []store.Partition{p}, func(tx store.Tx) error {
		return tx.PutResource(ctx, &store.Resource{Partition: p, Kind: "image", ID: "wsi-2", State: "AVAILABLE", Doc: []byte("{}")})
	}); err != nil {
		t.Fatalf("write after them: %v", err)
	}
}
