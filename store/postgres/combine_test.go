package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/postgres"
	"github.com/wslocal/wslocal/store/sqlstore"
	"github.com/wslocal/wslocal/store/storetest"
)

var (
	part  = store.Partition{Account: "111111111111", Region: "us-east-1"}
	other = store.Partition{Account: "222222222222", Region: "us-east-1"}
)

// combining drives the writes of part on st (storetest.Queue).
func combining(st *postgres.Store) storetest.Queue {
	return storetest.Queue{St: st, P: part, Queued: func() int { return postgres.Queued(st, part) }}
}

func hold(t *testing.T, st *postgres.Store) (release func()) { return combining(st).Hold(t) }

func queue(t *testing.T, st *postgres.Store, ctxs []context.Context, fns []func(store.Tx) error) func() []any {
	return combining(st).Start(t, ctxs, fns)
}

func waitQueued(t *testing.T, st *postgres.Store, n int) { combining(st).WaitQueued(n) }

func openPG(t *testing.T) *postgres.Store { return openSchema(t).(*postgres.Store) }

var resource, exists = storetest.Image, storetest.ImageExists

var errBoom = errors.New("boom")

// TestCombinedWritesGetTheirOwnEffect: writes of one partition queued
// behind one another commit together; each failing one leaves nothing and
// gets its own error, a statement's failure in PostgreSQL (which aborts
// the transaction until ROLLBACK TO) included, while the others land.
func TestCombinedWritesGetTheirOwnEffect(t *testing.T) {
	st := openPG(t)
	ctx := context.Background()
	release := hold(t, st)
	var fns []func(store.Tx) error
	for i := range 12 {
		id := fmt.Sprintf("wsi-%02d", i)
		fns = append(fns, func(tx store.Tx) error {
			if err := tx.PutResource(ctx, resource(part, id, time.Time{})); err != nil {
				return err
			}
			if err := tx.PutTags(ctx, part, id, []store.Tag{{Key: "k", Value: id}}); err != nil {
				return err
			}
			switch i % 3 {
			case 1:
				return fmt.Errorf("write %d: %w", i, errBoom)
			case 2: // fails in PostgreSQL: not UTF-8
				return tx.PutTags(ctx, part, id, []store.Tag{{Key: "bad\xff", Value: ""}})
			}
			return nil
		})
	}
	answers := queue(t, st, nil, fns)
	release()
	for i, got := range answers() {
		id := fmt.Sprintf("wsi-%02d", i)
		err, _ := got.(error)
		switch i % 3 {
		case 0:
			if got != nil {
				t.Errorf("write %d = %v, want nil", i, got)
			}
			if !exists(t, st, part, id) {
				t.Errorf("write %d committed, but its resource is missing", i)
			}
		case 1:
			if !errors.Is(err, errBoom) || err.Error() != fmt.Sprintf("write %d: boom", i) {
				t.Errorf("write %d = %v, want its own error", i, got)
			}
		case 2:
			if err == nil || errors.Is(err, errBoom) {
				t.Errorf("write %d = %v, want PostgreSQL's error", i, got)
			}
		}
		if i%3 != 0 && exists(t, st, part, id) {
			t.Errorf("write %d failed, but its resource is there", i)
		}
	}
}

// TestCombinedWriteTakesAnotherPartition: a combined write that needs a
// partition it did not name is rolled back to its savepoint and runs
// again alone; it and the writes beside it land once each.
func TestCombinedWriteTakesAnotherPartition(t *testing.T) {
	st := openPG(t)
	ctx := context.Background()
	release := hold(t, st)
	var runs atomic.Int32
	answers := queue(t, st, nil, []func(store.Tx) error{
		func(tx store.Tx) error { return tx.PutResource(ctx, resource(part, "wsi-a", time.Time{})) },
		func(tx store.Tx) error {
			runs.Add(1)
			if err := tx.PutResource(ctx, resource(part, "wsi-both", time.Time{})); err != nil {
				return err
			}
			return tx.PutResource(ctx, resource(other, "wsi-other", time.Time{}))
		},
		func(tx store.Tx) error { return tx.PutResource(ctx, resource(part, "wsi-b", time.Time{})) },
	})
	release()
	for i, got := range answers() {
		if got != nil {
			t.Errorf("write %d = %v", i, got)
		}
	}
	if n := runs.Load(); n != 2 {
		t.Errorf("the write of two partitions ran %d times, want 2 (combined, then alone)", n)
	}
	for _, r := range []struct {
		p  store.Partition
		id string
	}{{part, "wsi-a"}, {part, "wsi-both"}, {other, "wsi-other"}, {part, "wsi-b"}} {
		if !exists(t, st, r.p, r.id) {
			t.Errorf("%s is missing", r.id)
		}
	}
}

// TestCanceledQueuedWrite: a write canceled while it waits is dropped
// with its context's error, whether it still waits or has been taken into
// a transaction whose earlier write cancels it; the others land.
func TestCanceledQueuedWrite(t *testing.T) {
	st := openPG(t)
	ctx := context.Background()
	put := func(id string) func(store.Tx) error {
		return func(tx store.Tx) error { return tx.PutResource(ctx, resource(part, id, time.Time{})) }
	}
	release := hold(t, st)
	waiting, cancelWaiting := context.WithCancel(ctx)
	taken, cancelTaken := context.WithCancel(ctx)
	answers := queue(t, st, []context.Context{nil, waiting, taken, nil}, []func(store.Tx) error{
		func(tx store.Tx) error { cancelTaken(); return put("wsi-a")(tx) },
		put("wsi-waiting"),
		put("wsi-taken"),
		put("wsi-b"),
	})
	cancelWaiting()
	waitQueued(t, st, 3)
	release()
	got := answers()
	if got[0] != nil || got[3] != nil {
		t.Errorf("the writes not canceled: %v, %v", got[0], got[3])
	}
	for i, id := range []string{"", "wsi-waiting", "wsi-taken"} {
		if i > 0 && (got[i] != context.Canceled || exists(t, st, part, id)) {
			t.Errorf("canceled write %s = %v (its resource there: %v), want context.Canceled and nothing", id, got[i], exists(t, st, part, id))
		}
	}
	if !exists(t, st, part, "wsi-a") || !exists(t, st, part, "wsi-b") {
		t.Error("a write beside the canceled ones is missing")
	}
}

// TestPanickingCombinedWrite: a fn that panics raises its panic in its
// own caller only; the other writes land, and the partition's writes go
// on.
func TestPanickingCombinedWrite(t *testing.T) {
	st := openPG(t)
	ctx := context.Background()
	release := hold(t, st)
	var fns []func(store.Tx) error
	for i := range 3 {
		id := fmt.Sprint("wsi-", i)
		fns = append(fns, func(tx store.Tx) error {
			if err := tx.PutResource(ctx, resource(part, id, time.Time{})); err != nil {
				return err
			}
			if i == 1 {
				panic("fn panics")
			}
			return nil
		})
	}
	answers := queue(t, st, nil, fns)
	release()
	for i, got := range answers() {
		id := fmt.Sprint("wsi-", i)
		if i == 1 {
			var pe *sqlstore.PanicError
			if e, ok := got.(error); !ok || !errors.As(e, &pe) || pe.Value != "fn panics" {
				t.Errorf("the panicking write's caller got %v, want its panic", got)
			}
			if exists(t, st, part, id) {
				t.Error("the panicking write left its resource")
			}
			continue
		}
		if got != nil || !exists(t, st, part, id) {
			t.Errorf("write %d beside the panic = %v (landed: %v)", i, got, exists(t, st, part, id))
		}
	}
	err := st.WriteIn(ctx, []store.Partition{part}, func(tx store.Tx) error {
		return tx.PutResource(ctx, resource(part, "wsi-after", time.Time{}))
	})
	if err != nil {
		t.Fatalf("a write after the panic: %v", err)
	}
}
