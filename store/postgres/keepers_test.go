package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wslocal/wslocal/store"
	"github.com/wslocal/wslocal/store/postgres"
)

// keepViews reads on st until it serves kept views (its lease is warm).
func keepViews(t *testing.T, st *postgres.Store) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !postgres.Keeping(st) {
		if time.Now().After(deadline) {
			t.Fatal("the replica did not come to keep views")
		}
		view(t, st, pA)
		time.Sleep(time.Millisecond)
	}
	view(t, st, pA) // a check since it keeps views
}

// TestWritesWaitOnlyForKeepers: a write returns without waiting out the
// read window while no other replica keeps views, and waits once one
// holds a lease; the keeper's own writes do not wait for it.
func TestWritesWaitOnlyForKeepers(t *testing.T) {
	sts := replicas(t, 2)
	a, b := sts[0], sts[1]
	putImage(t, a, pA, "wsi-1", "AVAILABLE", "wsa-0")
	if postgres.Settled(a) != 0 || postgres.Skipped(a) != 1 {
		t.Fatalf("with no replica keeping views, a's write: %d waited, %d did not; want 0, 1", postgres.Settled(a), postgres.Skipped(a))
	}
	view(t, b, pA) // b starts to keep views: it takes a lease
	deadline := time.Now().Add(30 * time.Second)
	for !postgres.Leased(b) {
		if time.Now().After(deadline) {
			t.Fatal("b took no lease")
		}
		time.Sleep(time.Millisecond)
	}
	putImage(t, a, pA, "wsi-1", "AVAILABLE", "wsa-1")
	if postgres.Settled(a) != 1 {
		t.Fatalf("with b holding a lease, a's write did not wait out the window")
	}
	putImage(t, b, pA, "wsi-1", "AVAILABLE", "wsa-2")
	if postgres.Settled(b) != 0 || postgres.Skipped(b) != 1 {
		t.Fatalf("b's own write, the only keeper: %d waited, %d did not; want 0, 1", postgres.Settled(b), postgres.Skipped(b))
	}
}

// TestWarmUpWaitsForWritesInFlight: a write whose first statement ran
// before a replica's lease committed did not see it and returns at once;
// the replica serves no kept view that could miss it.
func TestWarmUpWaitsForWritesInFlight(t *testing.T) {
	// b's long window would let it serve the check it sent while the
	// write was in flight, if it kept views too early.
	sts := replicas(t, 2, postgres.DefaultOptions(), withWindow(500*time.Millisecond))
	a, b := sts[0], sts[1]
	ctx := context.Background()
	putImage(t, a, pA, "wsi-1", "AVAILABLE", "wsa-0")
	started, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- a.WriteIn(ctx, []store.Partition{pA}, func(tx store.Tx) error {
			close(started) // the lock statement ran: no lease was live
			<-release
			return tx.PutAssociation(ctx, &store.Association{Partition: pA, ApplicationID: "wsa-1", ResourceType: "IMAGE", ResourceID: "wsi-1", State: "COMPLETED", Created: t0, Updated: t0})
		})
	}()
	<-started
	view(t, b, pA)
	deadline := time.Now().Add(30 * time.Second)
	for !postgres.Leased(b) {
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("b took no lease")
		}
		time.Sleep(time.Millisecond)
	}
	if postgres.Keeping(b) {
		t.Error("b keeps views while a write that did not see its lease is in flight")
	}
	if v := view(t, b, pA); hasApp(v, "wsa-1") {
		t.Fatal("b reads a write not committed")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if postgres.Skipped(a) != 2 {
		t.Fatalf("a's writes that did not wait: %d, want 2 (the write in flight saw no lease)", postgres.Skipped(a))
	}
	if v := view(t, b, pA); !hasApp(v, "wsa-1") {
		t.Fatalf("b reads %d associations without wsa-1 after a's write returned", len(v.Associations))
	}
}

// TestOwnWritesSeenByOwnViews: a replica's write that did not wait (no
// other replica keeps views) is seen by its own kept views at once.
func TestOwnWritesSeenByOwnViews(t *testing.T) {
	b := replicas(t, 1, withWindow(time.Second))[0]
	putImage(t, b, pA, "wsi-1", "AVAILABLE", "wsa-0")
	keepViews(t, b)
	for i := 1; i <= 3; i++ {
		app := fmt.Sprint("wsa-", i)
		putImage(t, b, pA, "wsi-1", "AVAILABLE", app)
		if v := view(t, b, pA); !hasApp(v, app) {
			t.Fatalf("b reads %d associations without %s after its own write returned", len(v.Associations), app)
		}
	}
	// A write of every partition.
	if err := b.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := view(t, b, pA); v.Resource != nil {
		t.Fatalf("b reads %+v after its own reset", v.Resource)
	}
	if postgres.Settled(b) != 0 {
		t.Errorf("%d of b's writes waited, with no other replica keeping views", postgres.Settled(b))
	}
}

// TestLostLeaseStopsKeptViews: a replica whose lease is not renewed stops
// serving kept views before its row expires, and then sees the writes
// that no longer wait for it.
func TestLostLeaseStopsKeptViews(t *testing.T) {
	sts := replicas(t, 2, postgres.DefaultOptions(), withWindow(time.Second))
	a, b := sts[0], sts[1]
	postgres.SetLease(b, 200*time.Millisecond, time.Minute)
	putImage(t, a, pA, "wsi-1", "AVAILABLE", "wsa-0")
	keepViews(t, b)
	postgres.FailRenewals(b, true)
	deadline := time.Now().Add(30 * time.Second)
	for i := 1; ; i++ {
		if time.Now().After(deadline) {
			t.Fatal("a's writes still wait for b, whose lease is not renewed")
		}
		skipped := postgres.Skipped(a)
		putImage(t, a, pA, "wsi-1", "AVAILABLE", fmt.Sprint("wsa-", i))
		if postgres.Skipped(a) > skipped {
			break // b's row expired
		}
		time.Sleep(10 * time.Millisecond)
	}
	if postgres.Keeping(b) {
		t.Fatal("b keeps views after its row expired")
	}
	for i := range 3 {
		view(t, b, pA) // b knows versions read just now
		app := fmt.Sprint("wsa-late-", i)
		putImage(t, a, pA, "wsi-1", "AVAILABLE", app)
		if v := view(t, b, pA); !hasApp(v, app) {
			t.Fatalf("b reads %d associations without %s after a's write returned, its lease lost", len(v.Associations), app)
		}
	}
	// Renewals work again: b keeps views, after warming up anew.
	postgres.FailRenewals(b, false)
	keepViews(t, b)
}
