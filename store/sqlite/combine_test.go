package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/sqlite"
	"github.com/wslocal/wslocal/store/sqlstore"
	"github.com/wslocal/wslocal/store/storetest"
)

var part = store.Partition{Account: "111111111111", Region: "us-east-1"}

func openFile(t testing.TB) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// combining drives the writes on st (storetest.Queue).
func combining(st *sqlite.Store) storetest.Queue {
	return storetest.Queue{St: st, P: part, Queued: func() int { return sqlite.Queued(st) }}
}

func hold(t *testing.T, st *sqlite.Store) (release func()) { return combining(st).Hold(t) }

func waitQueued(t *testing.T, st *sqlite.Store, n int) { combining(st).WaitQueued(n) }

func queue(t *testing.T, st *sqlite.Store, ctxs []context.Context, fns []func(store.Tx) error) func() []any {
	return combining(st).Start(t, ctxs, fns)
}

func resource(id string, due time.Time) *store.Resource { return storetest.Image(part, id, due) }

func exists(t *testing.T, st store.Store, id string) bool {
	t.Helper()
	return storetest.ImageExists(t, st, part, id)
}

// TestCombinedWritesGetTheirOwnEffect: writes queued behind one another
// commit together, and each failing one leaves nothing and gets its own
// error while the others land; a tag write's failure in SQL (a NUL) is
// its own too.
func TestCombinedWritesGetTheirOwnEffect(t *testing.T) {
	st := openFile(t)
	ctx := context.Background()
	release := hold(t, st)
	var fns []func(store.Tx) error
	for i := range 12 {
		id := fmt.Sprintf("wsi-%02d", i)
		fns = append(fns, func(tx store.Tx) error {
			if err := tx.PutResource(ctx, resource(id, time.Time{})); err != nil {
				return err
			}
			if err := tx.PutTags(ctx, part, id, []store.Tag{{Key: "k", Value: id}}); err != nil {
				return err
			}
			switch i % 3 {
			case 1:
				return fmt.Errorf("write %d: %w", i, errBoom)
			case 2:
				return tx.PutTags(ctx, part, id, []store.Tag{{Key: "nul\x00", Value: ""}})
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
			if !exists(t, st, id) {
				t.Errorf("write %d committed, but its resource is missing", i)
			}
		case 1:
			if !errors.Is(err, errBoom) || err.Error() != fmt.Sprintf("write %d: boom", i) {
				t.Errorf("write %d = %v, want its own error", i, got)
			}
		case 2:
			if !errors.Is(err, store.ErrNUL) {
				t.Errorf("write %d = %v, want ErrNUL", i, got)
			}
		}
		if i%3 != 0 && exists(t, st, id) {
			t.Errorf("write %d failed, but its resource is there", i)
		}
	}
}

var errBoom = errors.New("boom")

// TestCombinedWritesKeepDueBounds: a write that reads its partition's
// due bound and one after it that schedules a step commit together; a
// later write must see the step due.
func TestCombinedWritesKeepDueBounds(t *testing.T) {
	st := openFile(t)
	ctx := context.Background()
	now := time.Now()
	release := hold(t, st)
	answers := queue(t, st, nil, []func(store.Tx) error{
		func(tx store.Tx) error { // reads: nothing due
			_, err := tx.AnyDue(ctx, &part, now)
			return err
		},
		func(tx store.Tx) error { // schedules, fails: bounds err early only
			if err := tx.PutResource(ctx, resource("wsi-failed", now.Add(-2*time.Second))); err != nil {
				return err
			}
			return errBoom
		},
		func(tx store.Tx) error { return tx.PutResource(ctx, resource("wsi-due", now.Add(-time.Second))) },
	})
	release()
	if got := answers(); got[0] != nil || got[1] != errBoom || got[2] != nil {
		t.Fatalf("answers %v", got)
	}
	err := st.Write(ctx, func(tx store.Tx) error {
		due, err := tx.AnyDue(ctx, &part, now)
		if err == nil && !due {
			t.Error("a step scheduled by a combined write is not due")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCanceledQueuedWrite: a write canceled while it waits is dropped
// with its context's error, whether it still waits for the writer or has
// been taken into a transaction whose earlier write cancels it; the other
// writes land.
func TestCanceledQueuedWrite(t *testing.T) {
	st := openFile(t)
	ctx := context.Background()
	put := func(id string) func(store.Tx) error {
		return func(tx store.Tx) error { return tx.PutResource(ctx, resource(id, time.Time{})) }
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
		if i > 0 && (got[i] != context.Canceled || exists(t, st, id)) {
			t.Errorf("canceled write %s = %v (its resource there: %v), want context.Canceled and nothing", id, got[i], exists(t, st, id))
		}
	}
	if !exists(t, st, "wsi-a") || !exists(t, st, "wsi-b") {
		t.Error("a write beside the canceled ones is missing")
	}
}

// TestPanickingCombinedWrite: a fn that panics, first of its transaction
// (its caller runs the transaction) or among the others, raises its panic
// in its own caller only; the other writes land, and the writer goes on.
func TestPanickingCombinedWrite(t *testing.T) {
	for _, at := range []int{0, 1} {
		t.Run(fmt.Sprint("at=", at), func(t *testing.T) {
			st := openFile(t)
			ctx := context.Background()
			release := hold(t, st)
			var fns []func(store.Tx) error
			for i := range 3 {
				id := fmt.Sprint("wsi-", i)
				fns = append(fns, func(tx store.Tx) error {
					if err := tx.PutResource(ctx, resource(id, time.Time{})); err != nil {
						return err
					}
					if i == at {
						panic("fn panics")
					}
					return nil
				})
			}
			answers := queue(t, st, nil, fns)
			release()
			for i, got := range answers() {
				id := fmt.Sprint("wsi-", i)
				if i == at {
					var pe *sqlstore.PanicError
					if e, ok := got.(error); !ok || !errors.As(e, &pe) || pe.Value != "fn panics" {
						t.Errorf("the panicking write's caller got %v, want its panic", got)
					}
					if exists(t, st, id) {
						t.Error("the panicking write left its resource")
					}
					continue
				}
				if got != nil || !exists(t, st, id) {
					t.Errorf("write %d beside the panic = %v (landed: %v)", i, got, exists(t, st, id))
				}
			}
			if err := st.Write(ctx, func(tx store.Tx) error { return tx.PutResource(ctx, resource("wsi-after", time.Time{})) }); err != nil {
				t.Fatalf("a write after the panic: %v", err)
			}
		})
	}
}

// BenchmarkParallelAddTags: CreateTags's write (one AddTags of one tag)
// on a file, from one writer (each write alone) and from 8 (combined
// when they queue).
func BenchmarkParallelAddTags(b *testing.B) {
	for _, writers := range []int{1, 8} {
		b.Run(fmt.Sprint("writers=", writers), func(b *testing.B) { benchAddTags(b, writers) })
	}
}

func benchAddTags(b *testing.B, writers int) {
	st := openFile(b)
	ctx := context.Background()
	const resources = 64
	err := st.Write(ctx, func(tx store.Tx) error {
		for i := range resources {
			if err := tx.PutResource(ctx, resource(fmt.Sprint("wsi-", i), time.Time{})); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	tags := []store.Tag{{Key: "k", Value: "v"}}
	addTags := func(id string) {
		err := st.WriteIn(ctx, []store.Partition{part}, func(tx store.Tx) error {
			ok, err := tx.AddTags(ctx, part, "image", id, tags, 50)
			if err == nil && !ok {
				err = errors.New("not added")
			}
			return err
		})
		if err != nil {
			b.Error(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	if writers == 1 {
		for i := 0; b.Loop(); i++ {
			addTags(fmt.Sprint("wsi-", i%resources))
		}
		return
	}
	var next atomic.Int64
	b.SetParallelism(max(1, writers/runtime.GOMAXPROCS(0)))
	b.RunParallel(func(pb *testing.PB) {
		id := fmt.Sprint("wsi-", next.Add(1)%resources)
		for pb.Next() {
			addTags(id)
		}
	})
}
